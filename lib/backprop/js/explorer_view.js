// explorer_view.js — the explorers' rendering: SVG components over backprop_math.js.
//
// Rendering only: every number comes from backprop_math.js.  backprop/explorers.py joins the two
// files into one ES module (the static book cannot resolve imports), dropping the import below.
// Each component is built once for a network shape and then updated in place (attributes and
// text only, skipping unchanged ones), so a slider step costs one forward/backward pass and a few
// hundred attribute writes.
// Every number on screen carries data-bpx="<key>" and data-value="<full precision>", so tests
// can read the values back (keys as in backprop.explorers.Explorer.readouts).
import {
  BREAKS,
  CHECK_TOLERANCE,
  PAIRS,
  backward,
  breakReaches,
  checkWeight,
  edgesOnPaths,
  forward,
  getActivation,
  loss,
  oneHot,
  pathContributions,
} from "./backprop_math.js";
import { keepKeysFromJupyterLab } from "./keys.js";

const SVGNS = "http://www.w3.org/2000/svg";
export const COMPONENTS = ["network", "bars", "heatmap", "curve", "paths", "check"];
// The traitlets of backprop.explorers.Explorer the view reads (and writes back when they change).
const TRAITS = ["sizes", "g", "pair", "x", "label", "y", "W", "b", "seed", "selected", "unit",
  "breaks", "eps", "components", "mode", "title"];
const STRUCTURE = new Set(["sizes", "pair", "components", "title"]);
const STATE_DELAY_MS = 150;

// ------------------------------------------------------------------ small helpers

function svg(tag, attrs = {}, parent = null) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}

function html(tag, attrs = {}, parent = null, text = null) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== null) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}

const SUB = "₀₁₂₃₄₅₆₇₈₉";
const SUB_LETTER = { i: "ᵢ", j: "ⱼ", k: "ₖ", m: "ₘ" };
export const sub = (n) => String(n).replace(/\d/g, (d) => SUB[d]).replace(/[ijkm]/g, (c) => SUB_LETTER[c]);

// Labels the reader sees follow the lectures: layers numbered as in the code (h₀ = x), UNITS
// counted from 1 — W₂,₁₃ is the weight from unit 3 of layer 1 to unit 1 of layer 2 (the lectures'
// W_{2,13}).  Everything else stays numpy's 0-based unit index: the traitlets (selected, unit,
// label), data-bpx keys, the state string, the math.  These helpers are the only place a
// displayed unit number gets its + 1.
/** The lecture's number of a 0-based unit index (a letter such as "m" is shown as it is). */
export const unitNumber = (i) => (typeof i === "number" ? i + 1 : i);

/**
 * A symbol with the lecture's subscripts, unit indices given 0-based:
 * label("h", 1, 1) → "h₁,₂"; label("W", 2, 0, 2) → "W₂,₁₃"; label("x", null, 0) → "x₁";
 * label("a", 2, "m") → "a₂,ₘ".  layer null: no layer subscript (x, ŷ, y, …).
 */
export function label(sym, layer, ...units) {
  const u = units.map((i) => sub(unitNumber(i))).join("");
  if (layer === null) return `${sym}${u}`;
  return units.length ? `${sym}${sub(layer)},${u}` : `${sym}${sub(layer)}`;
}

/** The weight [k, i, j] (0-based i, j, as in `selected`) as the reader sees it: "W₂,₁₃". */
export const weightName = ([k, i, j]) => label("W", k, i, j);

/** Unit i (0-based) of layer k: x₁ for the input layer, else e.g. h₁,₂ (sym "h", "a", …). */
export const unitName = (sym, k, i) => (k === 0 ? label("x", null, i) : label(sym, k, i));

/** A number as the reader sees it: 4 significant decimals, scientific when tiny. */
export function fmt(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return "—";
  if (v === 0 || Object.is(v, -0)) return "0";
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e4) return v.toFixed(4).replace("-", "−");
  return v.toExponential(2).replace("-", "−");
}

// Writes go through these two, which skip a write when nothing changed: an unchanged
// attribute or text then costs no style recalculation or layout.
function setAttr(e, name, value) {
  const cache = e.__bpxAttrs || (e.__bpxAttrs = {});
  if (cache[name] === value) return;
  cache[name] = value;
  e.setAttribute(name, value);
}

// A changed text edits the element's one text node in place (Text.data) rather than replacing it
// (textContent): the browser then re-shapes that text without rebuilding its layout objects.
function setText(e, text) {
  if (e.__bpxText === text) return;
  e.__bpxText = text;
  const node = e.firstChild;
  if (node && node === e.lastChild && node.nodeType === Node.TEXT_NODE) node.data = text;
  else e.textContent = text;
}

// Shown or hidden (display: none), written only when it changes.
function setShown(e, shown) {
  if (e.__bpxShown === shown) return;
  e.__bpxShown = shown;
  e.style.display = shown ? "" : "none";
}

// A form control's value or checked state, written only when it differs from the last write
// (a select's value write can force a style recalculation in the middle of an update).
function setProp(e, name, value) {
  const cache = e.__bpxProps || (e.__bpxProps = {});
  if (cache[name] === value && e[name] === value) return;
  cache[name] = value;
  e[name] = value;
}

/**
 * Show v in element e (text, after an optional label such as "a ") and keep it at full precision
 * for tests (data-value).
 */
function show(e, v, key = null, prefix = "") {
  setText(e, prefix + fmt(v));
  setAttr(e, "data-value", String(v));
  if (key !== null) setAttr(e, "data-bpx", key);
}

// Shades and lengths on a coarse grid (opacity in steps of 0.04, lengths in half pixels): the
// eye cannot tell the difference, and a small slider step then leaves most of them unwritten.
const shade = (o) => (Math.round(o * 25) / 25).toFixed(2);
const half = (x) => (Math.round(x * 2) / 2).toFixed(1);

const sign = (v) => (v > 0 ? "bpx-pos" : v < 0 ? "bpx-neg" : "bpx-zero");

function maxAbs(values, floor = 1e-12) {
  let m = floor;
  for (const v of values) if (Math.abs(v) > m) m = Math.abs(v);
  return m;
}

function labelled(parent, text, control, cls = "bpx-field") {
  const lab = html("label", { class: cls }, parent);
  html("span", { class: "bpx-label" }, lab, text);
  lab.appendChild(control);
  return lab;
}

function select(options, value, onChange, attrs = {}) {
  const sel = html("select", attrs);
  for (const [v, text] of options) html("option", { value: v }, sel, text);
  sel.value = value;
  sel.addEventListener("change", () => onChange(sel.value));
  return sel;
}

function slider(min, max, step, value, onInput, attrs = {}) {
  const r = html("input", { type: "range", min, max, step, ...attrs });
  r.value = String(value);
  r.addEventListener("input", () => onInput(Number(r.value)));
  return r;
}

function figure(parent, caption, cls) {
  const fig = html("figure", { class: `bpx-panel ${cls}` }, parent);
  html("figcaption", {}, fig, caption);
  return fig;
}

// State string: "bp1." + base64url(compact JSON).  backprop.explorers.decode_state reads it.
export function encodeState(st) {
  const o = { v: 1, seed: st.seed, sizes: st.sizes, g: st.g, pair: st.pair, x: st.x };
  if (PAIRS[st.pair].target === "label") o.label = st.label;
  else o.y = st.y;
  Object.assign(o, { W: st.W.slice(1), b: st.b.slice(1), selected: st.selected, unit: st.unit, eps: st.eps });
  if (st.breaks.length) o.breaks = st.breaks;
  return "bp1." + btoa(JSON.stringify(o)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeState(s) {
  const b64 = s.trim().replace(/^bp1\./, "").replace(/-/g, "+").replace(/_/g, "/");
  const o = JSON.parse(atob(b64));
  return { ...o, W: [null, ...o.W], b: [null, ...o.b] };
}

// ------------------------------------------------------------------ network diagram

/**
 * The network: columns of units (a/h or their gradients as numbers), edges coloured by sign and
 * sized by magnitude.  Click an edge to select its weight.  With paths=true it is the multi-path
 * view's diagram: every edge on a path from the chosen unit to the loss is highlighted.
 */
function makeDiagram(ex, parent, { paths = false } = {}) {
  const sizes = ex.st.sizes;
  const L = sizes.length - 1;
  const colW = 150;
  const nodeW = 78;
  const nodeH = 34;
  const rowH = 46;
  const top = 24;
  const maxN = Math.max(...sizes);
  const width = L * colW + nodeW + 4;
  const height = top + maxN * rowH;
  const root = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    class: "bpx-net",
    // Never narrower than 0.95 of its own units: its 11 px labels stay ≥ 10 px on a phone (the
    // panel scrolls sideways instead, explorer.css).
    style: `--bpx-min-w: ${Math.round(width * 0.95)}px`,
    role: "group",
    "aria-label": paths ? "paths from the chosen unit to the loss" : "network diagram; click an edge to select its weight",
  }, parent);
  const X = (k) => 2 + k * colW;
  const Y = (k, i) => top + ((maxN - sizes[k]) * rowH) / 2 + i * rowH + 4;
  for (let k = 0; k <= L; k++) {
    const t = k === 0 ? "x = h₀" : k === L ? `a${sub(L)} → ŷ` : `a${sub(k)} → h${sub(k)}`;
    svg("text", { x: X(k) + nodeW / 2, y: 14, class: "bpx-col", "text-anchor": "middle" }, root).textContent = t;
  }
  // Edges are drawn as a few <path>s, one per (sign, width level, on/off path): a slider step
  // then rewrites a dozen `d` attributes instead of restyling and relaying out every <line>,
  // which cost several ms for 4 layers × 6 units.  Invisible per-edge <line>s take the clicks.
  const gEdges = svg("g", {}, root);
  const gHits = svg("g", {}, root);
  const edges = [];
  for (let k = 1; k <= L; k++) {
    for (let i = 0; i < sizes[k]; i++) {
      for (let j = 0; j < sizes[k - 1]; j++) {
        const c = { x1: X(k - 1) + nodeW, y1: Y(k - 1, j) + nodeH / 2, x2: X(k), y2: Y(k, i) + nodeH / 2 };
        const hit = svg("line", { ...c, class: "bpx-hit" }, gHits);
        svg("title", {}, hit).textContent = weightName([k, i, j]);
        hit.addEventListener("click", () => ex.select([k, i, j]));
        edges.push({ k, i, j, seg: `M${c.x1},${c.y1}L${c.x2},${c.y2}` });
      }
    }
  }
  const LEVELS = 8;
  const bundles = new Map();
  const bundle = (key, cls, width) => {
    let b = bundles.get(key);
    if (!b) {
      b = { path: svg("path", { class: cls, "stroke-width": width.toFixed(2), fill: "none" }, gEdges), d: [] };
      bundles.set(key, b);
    }
    return b;
  };
  const selLine = svg("line", { class: "bpx-edge-sel" }, root);
  const nodes = [];
  const gNodes = svg("g", {}, root);
  for (let k = 0; k <= L; k++) {
    for (let i = 0; i < sizes[k]; i++) {
      const g = svg("g", { transform: `translate(${X(k)},${Y(k, i)})` }, gNodes);
      svg("title", {}, g).textContent =
        k === 0 ? unitName("x", 0, i) : `${unitName("a", k, i)}, ${k === L ? label("ŷ", null, i) : unitName("h", k, i)}`;
      const rect = svg("rect", { width: nodeW, height: nodeH, rx: 7, class: "bpx-node" }, g);
      // Two lines, each one text node "a 0.1234" (label and number; no <tspan>s, which
      // double the layout cost of a changed text).
      const t1 = svg("text", { x: 5, y: 14, class: "bpx-num" }, g);
      const t2 = svg("text", { x: 5, y: 28, class: "bpx-num" }, g);
      nodes.push({ k, i, rect, t1, t2 });
    }
  }

  function update(st, r) {
    const grads = r.grads;
    const mode = paths ? "gradients" : st.mode;
    const edgeVal = (e) => (mode === "gradients" ? grads.gradW[e.k][e.i][e.j] : st.W[e.k][e.i][e.j]);
    let scale = 1e-12;
    for (const e of edges) scale = Math.max(scale, Math.abs(edgeVal(e)));
    let onPath = null;
    if (paths) onPath = new Set(edgesOnPaths({ W: st.W }, st.unit[0], st.unit[1]).map((e) => e.join(",")));
    for (const b of bundles.values()) b.d.length = 0;
    for (const e of edges) {
      const v = edgeVal(e);
      const level = Math.min(LEVELS - 1, Math.floor((LEVELS * Math.abs(v)) / scale));
      let cls = `bpx-edge ${sign(v)}`;
      if (onPath) cls += onPath.has(`${e.k},${e.i},${e.j}`) ? " bpx-onpath" : " bpx-offpath";
      bundle(`${cls}|${level}`, cls, 0.6 + (4.4 * (level + 0.5)) / LEVELS).d.push(e.seg);
    }
    for (const b of bundles.values()) setAttr(b.path, "d", b.d.join(""));
    const [sk, si, sj] = st.selected;
    setAttr(selLine, "x1", X(sk - 1) + nodeW);
    setAttr(selLine, "y1", Y(sk - 1, sj) + nodeH / 2);
    setAttr(selLine, "x2", X(sk));
    setAttr(selLine, "y2", Y(sk, si) + nodeH / 2);
    setShown(selLine, !paths);
    const { a, h } = r.fwd;
    for (const n of nodes) {
      const { k, i } = n;
      let main;
      if (mode === "gradients") {
        if (k === 0) show(n.t1, h[0][i], `h:0:${i}`, "x ");
        else show(n.t1, grads.gradA[k][i], `ga:${k}:${i}`, "∇a ");
        if (k === L) show(n.t2, h[L][i], `h:${L}:${i}`, "ŷ ");
        else show(n.t2, grads.gradH[k][i], `gh:${k}:${i}`, "∇h ");
        main = k === 0 ? grads.gradH[0][i] : grads.gradA[k][i];
      } else {
        if (k === 0) show(n.t1, h[0][i], `h:0:${i}`, "x ");
        else show(n.t1, a[k][i], `a:${k}:${i}`, "a ");
        if (k === 0) {
          setText(n.t2, "");
          if (n.t2.__bpxAttrs && n.t2.__bpxAttrs["data-bpx"]) {
            n.t2.removeAttribute("data-bpx"); // no stale gradient key in the values view
            delete n.t2.__bpxAttrs["data-bpx"];
          }
        } else show(n.t2, h[k][i], `h:${k}:${i}`, k === L ? "ŷ " : "h ");
        main = h[k][i];
      }
      let cls = `bpx-node ${sign(main)}`;
      if (paths && k === st.unit[0] && i === st.unit[1]) cls += " bpx-chosen";
      setAttr(n.rect, "class", cls);
      setAttr(n.rect, "fill-opacity", shade(Math.min(0.45, 0.08 + 0.4 * Math.min(1, Math.abs(main)))));
    }
  }
  return { update };
}

// ------------------------------------------------------------------ vector bars

/** Bars with numbers: ŷ, the target e(ℓ) or y, ∇a_L, and ∇h_i, ∇a_i for each hidden layer. */
function makeBars(ex, parent) {
  const sizes = ex.st.sizes;
  const L = sizes.length - 1;
  const pair = PAIRS[ex.st.pair];
  const k = sizes[L];
  const specs = [
    { title: "ŷ", key: `h:${L}`, n: k, get: (st, r) => r.fwd.h[L] },
    { title: pair.target === "label" ? "e(ℓ)" : "y", key: "target", n: k, get: (st, r) => r.y },
    { title: `∇a${sub(L)} = ${pair.target === "real" ? "2(ŷ − y)" : "−(e(ℓ) − ŷ)"}`, key: `ga:${L}`, n: k, get: (st, r) => r.grads.gradA[L] },
  ];
  if (pair.target === "unit") specs[2].title = `∇a${sub(L)} = ŷ − y`;
  for (let i = L - 1; i >= 1; i--) {
    specs.push({ title: `∇h${sub(i)} = W${sub(i + 1)}ᵀ∇a${sub(i + 1)}`, key: `gh:${i}`, n: sizes[i], get: (st, r) => r.grads.gradH[i] });
    specs.push({ title: `∇a${sub(i)} = ∇h${sub(i)} ⊙ g′(a${sub(i)})`, key: `ga:${i}`, n: sizes[i], get: (st, r) => r.grads.gradA[i] });
  }
  const wrap = html("div", { class: "bpx-bars" }, parent);
  const rowH = 18;
  const barW = 70;
  const panels = specs.map((spec) => {
    const n = spec.n;
    const box = html("div", { class: "bpx-bar" }, wrap);
    html("div", { class: "bpx-bar-title" }, box, spec.title);
    // role="group", not "img": an image's children are hidden from screen readers, and the
    // unit numbers and values are the chart's text.
    const root = svg("svg", {
      viewBox: `0 0 ${barW * 2 + 64} ${n * rowH + 2}`, width: barW * 2 + 64, height: n * rowH + 2,
      role: "group", "aria-label": `${spec.title}: one bar and value per unit`,
    }, box);
    svg("line", { x1: 12 + barW, x2: 12 + barW, y1: 0, y2: n * rowH + 2, class: "bpx-axis" }, root);
    // The bars are drawn as two <path>s, one per sign (as the network's edges are): a slider step
    // rewrites two `d` attributes instead of x, width and class of every bar's <rect>.  A bar of
    // value 0 has no width and is not drawn.
    const fills = {
      "bpx-pos": svg("path", { class: "bpx-fill bpx-pos" }, root),
      "bpx-neg": svg("path", { class: "bpx-fill bpx-neg" }, root),
    };
    const rows = [];
    for (let m = 0; m < n; m++) {
      svg("text", { x: 0, y: m * rowH + 13, class: "bpx-idx" }, root).textContent = String(unitNumber(m));
      const t = svg("text", { x: 16 + 2 * barW, y: m * rowH + 13, class: "bpx-num" }, root);
      rows.push({ y: m * rowH + 3, t });
    }
    return { spec, fills, rows };
  });

  function update(st, r) {
    for (const p of panels) {
      const vals = p.spec.get(st, r);
      const scale = maxAbs(vals);
      const d = { "bpx-pos": "", "bpx-neg": "" };
      p.rows.forEach((row, m) => {
        const v = vals[m];
        const w = (barW * Math.abs(v)) / scale;
        if (w > 0) d[sign(v)] += `M${half(12 + barW - (v < 0 ? w : 0))},${row.y}h${half(w)}v${rowH - 6}h-${half(w)}z`;
        show(row.t, v, `${p.spec.key}:${m}`);
      });
      for (const [s, path] of Object.entries(p.fills)) setAttr(path, "d", d[s]);
    }
  }
  return { update };
}

// ------------------------------------------------------------------ matrix heatmaps

/**
 * W_k and ∇W_k as heatmaps with numbers, for the layer of the selected weight; ∇W_k is drawn as
 * the outer product of the column ∇a_k (left) and the row h_{k−1}ᵀ (top).  Click a cell of W_k
 * or ∇W_k to select that weight.
 */
function makeHeatmap(ex, parent) {
  const box = html("div", { class: "bpx-heat" }, parent);
  let built = null;
  let cells = null;
  const cw = 58;
  const ch = 24;

  function grid(root, ox, oy, rows, cols, keyOf, clickable, nameOf) {
    const out = [];
    for (let i = 0; i < rows; i++) {
      const row = [];
      for (let j = 0; j < cols; j++) {
        const rect = svg("rect", { x: ox + j * cw, y: oy + i * ch, width: cw - 2, height: ch - 2, rx: 3, class: "bpx-cell" }, root);
        const t = svg("text", { x: ox + j * cw + cw / 2 - 1, y: oy + i * ch + 15, class: "bpx-num", "text-anchor": "middle" }, root);
        svg("title", {}, rect).textContent = nameOf(i, j);
        if (clickable) {
          for (const e of [rect, t]) e.addEventListener("click", () => ex.select([clickable, i, j]));
          rect.classList.add("bpx-clickable");
        }
        row.push({ rect, t, key: keyOf(i, j) });
      }
      out.push(row);
    }
    return out;
  }

  function build(k) {
    box.replaceChildren();
    const nk = ex.st.sizes[k];
    const np = ex.st.sizes[k - 1];
    const w1 = html("div", { class: "bpx-heat-block" }, box);
    html("div", { class: "bpx-bar-title" }, w1, `W${sub(k)}  (${nk} × ${np})`);
    // W_k with the lecture's unit numbers: row i (unit i of layer k), column j (unit j of layer k−1).
    const hx = 30;
    const hy = 14;
    const r1 = svg("svg", {
      width: hx + np * cw + 4, height: hy + nk * ch + 4, viewBox: `0 0 ${hx + np * cw + 4} ${hy + nk * ch + 4}`,
      role: "group", "aria-label": `W${sub(k)}: one cell per weight, row i, column j; click a cell to choose its weight`,
    }, w1);
    for (let j = 0; j < np; j++) {
      svg("text", { x: hx + j * cw + cw / 2 - 1, y: hy - 4, class: "bpx-idx", "text-anchor": "middle" }, r1).textContent = `j = ${unitNumber(j)}`;
    }
    for (let i = 0; i < nk; i++) {
      svg("text", { x: 2, y: hy + i * ch + 15, class: "bpx-idx" }, r1).textContent = `i = ${unitNumber(i)}`;
    }
    const W = grid(r1, hx, hy, nk, np, (i, j) => `W:${k}:${i}:${j}`, k, (i, j) => weightName([k, i, j]));
    const w2 = html("div", { class: "bpx-heat-block" }, box);
    html("div", { class: "bpx-bar-title" }, w2, `∇W${sub(k)} = ∇a${sub(k)} · h${sub(k - 1)}ᵀ`);
    const ox = cw + 10;
    const oy = ch + 10;
    const r2 = svg("svg", {
      width: ox + np * cw + 4, height: oy + nk * ch + 4, viewBox: `0 0 ${ox + np * cw + 4} ${oy + nk * ch + 4}`,
      role: "group",
      "aria-label": `∇W${sub(k)} = ∇a${sub(k)} · h${sub(k - 1)}ᵀ: the row h${sub(k - 1)}ᵀ, the column ∇a${sub(k)} and their product, one cell per weight; click a cell to choose its weight`,
    }, w2);
    const hRow = grid(r2, ox, 2, 1, np, (i, j) => `h:${k - 1}:${j}`, 0, (i, j) => unitName("h", k - 1, j))[0];
    const gCol = grid(r2, 2, oy, nk, 1, (i) => `ga:${k}:${i}`, 0, (i) => `∂L/∂${label("a", k, i)}`).map((row) => row[0]);
    const gW = grid(r2, ox, oy, nk, np, (i, j) => `gW:${k}:${i}:${j}`, k, (i, j) => `∂L/∂${weightName([k, i, j])}`);
    svg("text", { x: ox - 6, y: oy - 6, class: "bpx-idx", "text-anchor": "end" }, r2).textContent = "×";
    cells = { k, W, hRow, gCol, gW };
    built = k;
  }

  function paint(list, vals) {
    const scale = maxAbs(vals);
    list.forEach((c, n) => {
      const v = vals[n];
      setAttr(c.rect, "class", `bpx-cell ${sign(v)}${c.sel ? " bpx-cell-sel" : ""}`);
      // At most 0.45, as the diagram's nodes: the number on the cell keeps ≥ 4.5:1 in dark mode.
      setAttr(c.rect, "fill-opacity", shade(0.08 + (0.37 * Math.abs(v)) / scale));
      show(c.t, v, c.key);
    });
  }

  function update(st, r) {
    const k = st.selected[0];
    if (built !== k) build(k);
    const [, si, sj] = st.selected;
    const flat = (M, sel) => M.flatMap((row, i) => row.map((c, j) => Object.assign(c, { sel: sel && i === si && j === sj })));
    paint(flat(cells.W, true), st.W[k].flat());
    paint(flat(cells.gW, true), r.grads.gradW[k].flat());
    paint(cells.hRow, r.fwd.h[k - 1]);
    paint(cells.gCol, r.grads.gradA[k]);
  }
  return { update };
}

// ------------------------------------------------------------------ curve with tangent

/** g and g′ over a ∈ [−6, 6]; the chosen hidden unit's a marked, with the tangent of slope g′(a). */
function makeCurve(ex, parent) {
  const W = 300;
  const H = 170;
  const ax = [-6, 6];
  const box = html("div", { class: "bpx-curve" }, parent);
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "img", "aria-label": "activation g and its derivative" }, box);
  const note = html("div", { class: "bpx-readout" }, box);
  const msg = html("span", {}, note);
  const vals = html("span", {}, note);
  const aName = html("span", {}, vals);
  const aVal = html("span", {}, vals);
  html("span", {}, vals, ",  g(a) = ");
  const gVal = html("span", {}, vals);
  html("span", {}, vals, ",  g′(a) = slope of the tangent = ");
  const gpVal = html("span", {}, vals);
  const range = { sigmoid: [-0.2, 1.2], tanh: [-1.2, 1.2], relu: [-1, 6], identity: [-6, 6] };
  let yr = null;
  const px = (a) => ((a - ax[0]) / (ax[1] - ax[0])) * (W - 20) + 10;
  const py = (v) => H - 10 - ((v - yr[0]) / (yr[1] - yr[0])) * (H - 20);
  const axes = svg("g", { class: "bpx-axis" }, root);
  const gPath = svg("path", { class: "bpx-curve-g" }, root);
  const gpPath = svg("path", { class: "bpx-curve-gp" }, root);
  const others = svg("g", {}, root);
  const tangent = svg("line", { class: "bpx-tangent" }, root);
  const dot = svg("circle", { r: 5, class: "bpx-dot" }, root);
  const dotP = svg("circle", { r: 4, class: "bpx-dot-gp" }, root);
  svg("text", { x: 14, y: 14, class: "bpx-curve-g-label" }, root).textContent = "g(a)";
  svg("text", { x: 14, y: 28, class: "bpx-curve-gp-label" }, root).textContent = "g′(a) (dashed)";
  let builtFor = null;
  let otherDots = [];

  function build(st) {
    yr = range[st.g];
    const act = getActivation(st.g);
    let d1 = "";
    let d2 = "";
    for (let n = 0; n <= 240; n++) {
      const a = ax[0] + ((ax[1] - ax[0]) * n) / 240;
      d1 += `${n ? "L" : "M"}${px(a).toFixed(1)},${py(act.g(a)).toFixed(1)}`;
      d2 += `${n ? "L" : "M"}${px(a).toFixed(1)},${py(act.gPrime(a)).toFixed(1)}`;
    }
    gPath.setAttribute("d", d1);
    gpPath.setAttribute("d", d2);
    axes.replaceChildren();
    svg("line", { x1: px(ax[0]), x2: px(ax[1]), y1: py(0), y2: py(0) }, axes);
    svg("line", { x1: px(0), x2: px(0), y1: 4, y2: H - 4 }, axes);
    others.replaceChildren();
    const i = st.unit[0];
    otherDots = i >= 1 ? Array.from({ length: st.sizes[i] }, () => svg("circle", { r: 3, class: "bpx-dot-other" }, others)) : [];
    builtFor = `${st.g}|${i}`;
  }

  function update(st, r) {
    if (builtFor !== `${st.g}|${st.unit[0]}`) build(st);
    const [i, j] = st.unit;
    const act = getActivation(st.g);
    const clampA = (a) => Math.min(ax[1], Math.max(ax[0], a));
    const clampY = (v) => Math.min(yr[1], Math.max(yr[0], v));
    if (i < 1) {
      for (const e of [tangent, dot, dotP]) setShown(e, false);
      setText(msg, "No hidden layer: g acts on hidden units only.");
      setShown(vals, false);
      return;
    }
    setText(msg, "");
    setShown(vals, true);
    for (const e of [tangent, dot, dotP]) setShown(e, true);
    const a = r.fwd.a[i][j];
    const g = act.g(a);
    const s = act.gPrime(a);
    otherDots.forEach((c, m) => {
      const am = r.fwd.a[i][m];
      setAttr(c, "cx", px(clampA(am)).toFixed(1));
      setAttr(c, "cy", py(clampY(act.g(am))).toFixed(1));
    });
    const ac = clampA(a);
    setAttr(dot, "cx", px(ac).toFixed(1));
    setAttr(dot, "cy", py(clampY(g)).toFixed(1));
    setAttr(dotP, "cx", px(ac).toFixed(1));
    setAttr(dotP, "cy", py(clampY(s)).toFixed(1));
    const d = 1.5;
    setAttr(tangent, "x1", px(ac - d).toFixed(1));
    setAttr(tangent, "y1", py(g - d * s).toFixed(1));
    setAttr(tangent, "x2", px(ac + d).toFixed(1));
    setAttr(tangent, "y2", py(g + d * s).toFixed(1));
    setText(aName, `${unitName("a", i, j)} = `);
    show(aVal, a, "curve.a");
    show(gVal, g, "curve.g");
    show(gpVal, s, "curve.gp");
  }
  return { update };
}

// ------------------------------------------------------------------ multi-path view

/**
 * Pick a unit; every path from it to the loss is highlighted, and the per-path terms
 * ∂L/∂a_{i+1,m} · W_{i+1,m,j} are listed with their sum, which is (W_{i+1}ᵀ ∇a_{i+1})_j.
 */
function makePaths(ex, parent) {
  const sizes = ex.st.sizes;
  const L = sizes.length - 1;
  const units = [];
  for (let i = L > 1 ? 1 : 0; i < L; i++) for (let j = 0; j < sizes[i]; j++) units.push([i, j]);
  const bar = html("div", { class: "bpx-controls" }, parent);
  const sel = select(
    units.map(([i, j]) => [`${i},${j}`, i === 0 ? `${unitName("x", 0, j)} (input)` : unitName("h", i, j)]),
    ex.st.unit.join(","),
    (v) => ex.setUnit(v.split(",").map(Number)),
  );
  sel.setAttribute("data-bpx-control", "unit");
  labelled(bar, "unit", sel);
  const diagram = makeDiagram(ex, parent, { paths: true });
  const table = html("table", { class: "bpx-table" }, parent);
  const head = html("tr", {}, html("thead", {}, table));
  const body = html("tbody", {}, table);
  let builtFor = null;
  let rows = [];
  let sumCell = null;
  let backCell = null;
  let ths = [];
  for (let c = 0; c < 4; c++) ths.push(html("th", {}, head));

  function build(i, j) {
    body.replaceChildren();
    ths[0].textContent = `path via ${label("a", i + 1, "m")}`;
    ths[1].textContent = `∂L/∂${label("a", i + 1, "m")}`;
    ths[2].textContent = label("W", i + 1, "m", j);
    ths[3].textContent = "product";
    rows = [];
    for (let m = 0; m < sizes[i + 1]; m++) {
      const tr = html("tr", {}, body);
      html("td", {}, tr, `m = ${unitNumber(m)}`);
      rows.push([html("td", {}, tr), html("td", {}, tr), html("td", {}, tr)]);
    }
    const trS = html("tr", { class: "bpx-sum" }, body);
    html("td", { colspan: 3 }, trS, `sum over the ${sizes[i + 1]} path(s) = ∂L/∂${unitName("h", i, j)}`);
    sumCell = html("td", {}, trS);
    const trB = html("tr", {}, body);
    html("td", { colspan: 3 }, trB, `backprop: (W${sub(i + 1)}ᵀ ∇a${sub(i + 1)})${sub(unitNumber(j))}`);
    backCell = html("td", {}, trB);
    builtFor = `${i},${j}`;
  }

  function update(st, r) {
    const [i, j] = st.unit;
    if (builtFor !== `${i},${j}`) build(i, j);
    setProp(sel, "value", `${i},${j}`);
    diagram.update(st, r);
    const p = r.paths;
    rows.forEach((cells, m) => {
      show(cells[0], r.grads.gradA[i + 1][m], `ga:${i + 1}:${m}`);
      show(cells[1], st.W[i + 1][m][j], `W:${i + 1}:${m}:${j}`);
      show(cells[2], p.terms[m], `path.term:${m}`);
    });
    show(sumCell, p.sum, "path.sum");
    show(backCell, r.grads.gradH[i][j], `gh:${i}:${j}`);
  }
  return { update };
}

// ------------------------------------------------------------------ gradient-check panel

/** Analytic ∂L/∂W_kij beside the centred difference, relative error on a log gauge, break toggles. */
function makeCheck(ex, parent) {
  const top = html("div", { class: "bpx-check" }, parent);
  const readout = html("tbody", {}, html("table", { class: "bpx-readouts" }, top));
  const item = (label) => {
    const tr = html("tr", {}, readout);
    html("th", { scope: "row" }, tr, label);
    return html("td", {}, tr);
  };
  const ddW = item("selected weight");
  const wName = html("span", {}, ddW);
  const wVal = html("span", {}, ddW);
  const ddA = item("backprop ∂L/∂W (analytic)");
  const ddN = item("centred difference (L(w+ε) − L(w−ε)) / 2ε");
  const ddE = item("relative error |a − n| / (|a| + |n|)");
  const G = { w: 320, h: 34, x0: 18 };
  const gauge = svg("svg", { viewBox: `0 0 ${G.w} ${G.h}`, width: G.w, height: G.h, class: "bpx-gauge", role: "img" }, top);
  gauge.setAttribute("aria-label", "relative error on a logarithmic scale from 1e−16 to 1; the check passes left of 1e−7");
  const gx = (err) => G.x0 + ((Math.max(-16, Math.min(0, Math.log10(Math.max(err, 1e-16)))) + 16) / 16) * (G.w - 2 * G.x0);
  svg("rect", { x: G.x0, y: 4, width: G.w - 2 * G.x0, height: 12, class: "bpx-gauge-bg" }, gauge);
  const fill = svg("rect", { x: G.x0, y: 4, height: 12, width: 0 }, gauge);
  svg("line", { x1: gx(CHECK_TOLERANCE), x2: gx(CHECK_TOLERANCE), y1: 1, y2: 19, class: "bpx-gauge-mark" }, gauge);
  for (const e of [-16, -12, -7, -4, 0]) {
    svg("text", { x: gx(10 ** e), y: 31, class: "bpx-idx", "text-anchor": "middle" }, gauge).textContent = `1e${e}`.replace("-", "−");
  }
  const verdict = html("div", { class: "bpx-verdict", role: "status" }, top);
  const toggles = html("fieldset", { class: "bpx-breaks" }, top);
  html("legend", {}, toggles, "Break it (the analytic gradient above uses the broken backward pass)");
  const boxes = {};
  const short = { drop_g_prime: "drop g′", drop_transpose: "drop the transpose", flip_sign: "flip the sign of the output gradient" };
  for (const [key, text] of Object.entries(BREAKS)) {
    const cb = html("input", { type: "checkbox", "data-break": key });
    cb.addEventListener("change", () => ex.setBreak(key, cb.checked));
    const lab = labelled(toggles, short[key], cb, "bpx-toggle");
    lab.title = text;
  }
  for (const cb of toggles.querySelectorAll("input")) boxes[cb.dataset.break] = cb;
  // A ticked box whose bug never reaches the selected weight would look dead: say why instead.
  const breakNote = html("p", { class: "bpx-break-note", role: "status" }, top);
  const epsSel = select(
    ["1e-2", "1e-3", "1e-4", "1e-5", "1e-6", "1e-7", "1e-8"].map((v) => [v, `ε = ${v}`]),
    "1e-5",
    (v) => ex.setEps(Number(v)),
  );
  epsSel.setAttribute("data-bpx-control", "eps");
  labelled(toggles, "step", epsSel);

  function update(st, r) {
    const c = r.check;
    setText(wName, `${weightName(st.selected)} = `);
    show(wVal, st.W[st.selected[0]][st.selected[1]][st.selected[2]], `W:${st.selected.join(":")}`);
    const broken = st.breaks.length > 0;
    show(ddA, c.analytic, broken ? "check.broken" : "check.analytic");
    show(ddN, c.numeric, "check.numeric");
    show(ddE, c.relError, broken ? "check.rel.broken" : "check.rel");
    setAttr(fill, "width", (gx(c.relError) - G.x0).toFixed(1));
    setAttr(fill, "class", c.pass ? "bpx-pass" : "bpx-fail");
    setText(verdict, c.pass
      ? `PASS — relative error below ${CHECK_TOLERANCE.toExponential(0)}`
      : `FAIL — relative error above ${CHECK_TOLERANCE.toExponential(0)}`);
    setAttr(verdict, "class", `bpx-verdict ${c.pass ? "bpx-pass-text" : "bpx-fail-text"}`);
    setAttr(verdict, "data-pass", String(c.pass));
    for (const [key, cb] of Object.entries(boxes)) setProp(cb, "checked", st.breaks.includes(key));
    const L = st.sizes.length - 1;
    const idle = st.breaks.filter((key) => !breakReaches(key, st.selected[0], L));
    setText(breakNote, idle.length
      ? `${idle.map((key) => `“${short[key]}”`).join(" and ")} cannot change ∂L/∂${weightName(st.selected)}: ` +
        `the gradient of the output layer's weights, ∇W${sub(L)} = ∇a${sub(L)} h${sub(L - 1)}ᵀ, is formed before ` +
        `any g′ or transpose is used. ${L > 1 ? "Choose a weight of an earlier layer to see this bug." : "This network has no hidden layer for this bug to act on."}`
      : "");
    setAttr(breakNote, "data-idle", idle.join(" "));
    setProp(epsSel, "value", st.eps.toExponential(0));
  }
  return { update };
}

const FACTORIES = { network: makeDiagram, bars: makeBars, heatmap: makeHeatmap, curve: makeCurve, paths: makePaths, check: makeCheck };
const CAPTIONS = {
  network: "Network — click an edge (or use the weight menu) to choose the weight the slider moves",
  bars: "Vectors — output, target and the gradients backprop passes down",
  heatmap: "Matrices — Wₖ, and ∇Wₖ as the column ∇aₖ times the row hₖ₋₁ᵀ (click a cell to select its weight)",
  curve: "Activation — g with its tangent at the chosen unit; the slope is g′(a)",
  paths: "Multi-path chain rule — every path from the chosen unit to the loss",
  check: "Gradient check — backprop against a centred difference",
};

// ------------------------------------------------------------------ the explorer

function readState(model) {
  const st = {};
  for (const t of TRAITS) st[t] = structuredClone(model.get(t));
  return st;
}

export class Explorer {
  constructor(model, el) {
    this.model = model;
    this.el = el;
    this.local = false;
    this.pending = false;
    this.st = readState(model);
    this.build();
    this.update();
    this.handlers = TRAITS.map((t) => {
      const cb = () => this.onModelChange(t);
      model.on(`change:${t}`, cb);
      return [t, cb];
    });
  }

  destroy() {
    for (const [t, cb] of this.handlers) this.model.off(`change:${t}`, cb);
    if (this.observer) this.observer.disconnect();
  }

  onModelChange(trait) {
    if (this.local) return;
    if (STRUCTURE.has(trait)) this.needsBuild = true;
    if (this.pending) return;
    this.pending = true;
    // Python sets several traits at once: re-read them together, after the batch.
    queueMicrotask(() => {
      this.pending = false;
      const old = this.st;
      this.st = readState(this.model);
      if (this.needsBuild || old.sizes.join() !== this.st.sizes.join()) this.build();
      this.needsBuild = false;
      this.update();
    });
  }

  /** Push the reader's change to the model (synced to Python in Jupyter; a no-op offline). */
  commit(...traits) {
    this.local = true;
    try {
      for (const t of traits) this.model.set(t, structuredClone(this.st[t]));
      this.model.save_changes();
    } finally {
      this.local = false;
    }
  }

  target() {
    const k = this.st.sizes.at(-1);
    return PAIRS[this.st.pair].target === "label" ? oneHot(this.st.label, k) : this.st.y;
  }

  compute() {
    const st = this.st;
    const net = { W: st.W, b: st.b, g: st.g, pair: st.pair };
    const y = this.target();
    const fwd = forward(net, st.x);
    const grads = backward(net, fwd, y);
    const [k, i, j] = st.selected;
    const check = this.has("check") ? checkWeight(net, st.x, y, k, i, j, { eps: st.eps, breaks: st.breaks, fwd }) : null;
    const paths = this.has("paths") ? pathContributions(net, grads, st.unit[0], st.unit[1]) : null;
    return { fwd, grads, y, loss: loss(net, fwd, y), check, paths };
  }

  has(c) {
    return this.st.components.includes(c);
  }

  build() {
    const st = this.st;
    this.el.replaceChildren();
    const root = html("div", { class: "bpx" }, this.el);
    this.root = root;
    if (st.title) html("div", { class: "bpx-title" }, root, st.title);
    this.parts = [this.buildControls(root)];
    // Panels off screen are not redrawn on a slider step; they catch up when scrolled into view
    // (data-stale marks one that is behind).  A big explorer then costs what the reader sees.
    if (this.observer) this.observer.disconnect();
    this.observer = typeof IntersectionObserver === "function"
      ? new IntersectionObserver((entries) => this.onVisibility(entries), { rootMargin: "100px" })
      : null;
    for (const c of COMPONENTS) {
      if (!this.has(c)) continue;
      const fig = figure(root, CAPTIONS[c], `bpx-${c}`);
      const part = FACTORIES[c](this, fig);
      part.fig = fig;
      part.visible = true; // until the observer says otherwise
      fig.__bpxPart = part;
      if (this.observer) this.observer.observe(fig);
      this.parts.push(part);
    }
    this.parts.push(this.buildStateString(root));
  }

  onVisibility(entries) {
    for (const e of entries) {
      const part = e.target.__bpxPart;
      if (!part) continue;
      part.visible = e.isIntersecting;
      if (part.visible && part.stale && this.last) {
        part.update(this.st, this.last);
        part.stale = false;
        part.fig.removeAttribute("data-stale");
      }
    }
  }

  buildControls(root) {
    const st = this.st;
    const L = st.sizes.length - 1;
    const bar = html("div", { class: "bpx-controls" }, root);
    const weights = [];
    for (let k = 1; k <= L; k++) {
      for (let i = 0; i < st.sizes[k]; i++) for (let j = 0; j < st.sizes[k - 1]; j++) weights.push([k, i, j]);
    }
    const wSel = select(weights.map((w) => [w.join(","), weightName(w)]), st.selected.join(","), (v) =>
      this.select(v.split(",").map(Number)),
    );
    wSel.setAttribute("data-bpx-control", "weight-select");
    labelled(bar, "weight", wSel);
    const wSlider = slider(-4, 4, 0.01, 0, (v) => this.setWeight(v), { "data-bpx-control": "weight" });
    const wLab = labelled(bar, "", wSlider, "bpx-field bpx-wide");
    const wName = wLab.querySelector(".bpx-label");
    const wVal = html("output", { class: "bpx-num" }, wLab);
    const lossOut = html("output", { class: "bpx-loss" }, bar);
    const lossLab = html("span", {}, lossOut, "loss L = ");
    const lossVal = html("span", {}, lossOut);
    lossLab.setAttribute("aria-hidden", "true");

    const bar2 = html("div", { class: "bpx-controls" }, root);
    // A network without hidden layers (L = 1) has no g to choose: no menu that would change nothing.
    let gSel = null;
    if (L > 1) {
      gSel = select(["sigmoid", "tanh", "relu", "identity"].map((g) => [g, g]), st.g, (v) => this.setTrait("g", v));
      gSel.setAttribute("data-bpx-control", "g");
      labelled(bar2, "hidden g", gSel);
    }
    const pSel = select(Object.keys(PAIRS).map((p) => [p, p.replace("+", " + ").replace(/_/g, " ")]), st.pair, (v) =>
      this.setPair(v),
    );
    pSel.setAttribute("data-bpx-control", "pair");
    labelled(bar2, "output + loss", pSel);
    let modeSel = null;
    if (this.has("network")) {
      modeSel = select([["values", "a and h"], ["gradients", "∇a and ∇h"]], st.mode, (v) => this.setTrait("mode", v));
      modeSel.setAttribute("data-bpx-control", "mode");
      labelled(bar2, "diagram shows", modeSel);
    }

    const bar3 = html("div", { class: "bpx-controls" }, root);
    const xs = st.x.map((v, j) => {
      const r = slider(-2, 2, 0.01, v, (val) => this.setVector("x", j, val), { "data-bpx-control": `x:${j}` });
      const lab = labelled(bar3, unitName("x", 0, j), r);
      return { r, out: html("output", { class: "bpx-num" }, lab) };
    });
    const pair = PAIRS[st.pair];
    let labelSel = null;
    let ys = [];
    if (pair.target === "label") {
      const k = st.sizes[L];
      labelSel = select(Array.from({ length: k }, (_, m) => [String(m), `ℓ = ${unitNumber(m)}`]), String(st.label), (v) =>
        this.setTrait("label", Number(v)),
      );
      labelSel.setAttribute("data-bpx-control", "label");
      labelled(bar3, "label", labelSel);
    } else {
      const [lo, hi] = pair.target === "unit" ? [0, 1] : [-2, 2];
      ys = st.y.map((v, m) => {
        const r = slider(lo, hi, 0.01, v, (val) => this.setVector("y", m, val), { "data-bpx-control": `y:${m}` });
        const lab = labelled(bar3, label("y", null, m), r);
        return { r, out: html("output", { class: "bpx-num" }, lab) };
      });
    }

    const update = (st, r) => {
      const [k, i, j] = st.selected;
      const w = st.W[k][i][j];
      setProp(wSel, "value", st.selected.join(","));
      setText(wName, `${weightName(st.selected)} =`);
      setAttr(wSlider, "aria-label", `value of ${weightName(st.selected)}`);
      if (Number(wSlider.value) !== w) wSlider.value = String(w);
      show(wVal, w, `W:${k}:${i}:${j}`);
      show(lossVal, r.loss, "loss");
      if (gSel) setProp(gSel, "value", st.g);
      setProp(pSel, "value", st.pair);
      if (modeSel) setProp(modeSel, "value", st.mode);
      xs.forEach((c, n) => {
        if (Number(c.r.value) !== st.x[n]) c.r.value = String(st.x[n]);
        show(c.out, st.x[n], `x:${n}`);
      });
      if (labelSel) setProp(labelSel, "value", String(st.label));
      ys.forEach((c, n) => {
        if (Number(c.r.value) !== st.y[n]) c.r.value = String(st.y[n]);
        show(c.out, st.y[n], `y:${n}`);
      });
    };
    return { update };
  }

  buildStateString(root) {
    const box = html("div", { class: "bpx-state" }, root);
    const input = html("input", { type: "text", readonly: "", class: "bpx-state-text", "aria-label": "state string", spellcheck: "false" });
    labelled(box, "state (copy it; backprop.explorers.explorer(state=…) rebuilds this explorer)", input, "bpx-field bpx-wide");
    const btn = html("button", { type: "button" }, box, "copy");
    btn.addEventListener("click", async () => {
      input.select();
      try {
        await navigator.clipboard.writeText(input.value);
        btn.textContent = "copied";
      } catch {
        btn.textContent = "selected — press Ctrl+C";
      }
    });
    input.addEventListener("focus", () => input.select());
    // Laying out a text field holding a few thousand characters costs ~2 ms, too much for every
    // slider step: the string is rewritten once the reader pauses (data-pending marks the wait).
    let timer = null;
    let pending = null;
    const flush = () => {
      timer = null;
      const s = encodeState(pending);
      if (input.value !== s) input.value = s;
      input.removeAttribute("data-pending");
    };
    return {
      update: (st) => {
        pending = st;
        if (timer !== null) clearTimeout(timer);
        else input.setAttribute("data-pending", "");
        timer = setTimeout(flush, STATE_DELAY_MS);
      },
    };
  }

  update() {
    const r = this.compute();
    this.last = r;
    for (const p of this.parts) {
      if (p.visible === false) {
        if (!p.stale) p.fig.setAttribute("data-stale", "");
        p.stale = true;
      } else {
        p.update(this.st, r);
        if (p.stale) p.fig.removeAttribute("data-stale");
        p.stale = false;
      }
    }
  }

  // ---- the reader's actions: change the state, recompute, redraw, sync
  select(sel) {
    this.st.selected = sel;
    this.update();
    this.commit("selected");
  }

  setWeight(v) {
    const [k, i, j] = this.st.selected;
    this.st.W[k][i][j] = v;
    this.update();
    this.commit("W");
  }

  setVector(name, n, v) {
    this.st[name][n] = v;
    this.update();
    this.commit(name);
  }

  setTrait(name, v) {
    this.st[name] = v;
    this.update();
    this.commit(name);
  }

  setUnit(u) {
    this.st.unit = u;
    this.update();
    this.commit("unit");
  }

  setEps(v) {
    this.st.eps = v;
    this.update();
    this.commit("eps");
  }

  setBreak(key, on) {
    const b = new Set(this.st.breaks);
    if (on) b.add(key);
    else b.delete(key);
    this.st.breaks = Object.keys(BREAKS).filter((k) => b.has(k));
    this.update();
    this.commit("breaks");
  }

  setPair(p) {
    const k = this.st.sizes.at(-1);
    this.st.pair = p;
    const target = PAIRS[p].target;
    if (target === "label") this.st.label = Math.min(Math.max(0, this.st.label), k - 1);
    else if (target === "unit") this.st.y = this.st.y.map((v) => Math.min(1, Math.max(0, v)));
    this.build();
    this.update();
    this.commit("pair", "label", "y");
  }
}

/** anywidget entry point (an explorer's view; backprop.explorers.Explorer calls it through
 * the ExplorerLibrary widget, whose `initialize` exports it to host.getWidget). */
function render({ model, el }) {
  const ex = new Explorer(model, el);
  el.__bpx = ex; // for tests and the benchmark
  const release = keepKeysFromJupyterLab(el);
  return () => {
    release();
    ex.destroy();
  };
}

export default { initialize: () => ({ render }), render };
