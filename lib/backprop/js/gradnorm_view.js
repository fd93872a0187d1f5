// gradnorm_view.js — the gradient-norm explorer: ‖∇_{a_k} L‖ and ‖∇_{W_k} L‖ per layer, live.
//
// Chapters 8 and 15.  backprop/gradnorm.py joins backprop_math.js and this file into one ES
// module (the static book cannot resolve imports), dropping the import below and the `export`
// keywords of both files.  The math functions here are plain (no DOM) and tested under node
// against fixtures written by the lib (tests/js/gradnorm.test.mjs).
//
// The network is backprop.initialisation.scaled_network's: sizes = [n, ..., n, k] (L layers with
// parameters, n_0 = n), W_k = σ_k Z_k[:n_k, :n_{k−1}] with Z the standard normals shipped from
// Python (float32 values, so both sides hold the same float64 numbers), b_k = 0, softmax output,
// cross-entropy, a batch of B columns x_b = X[:n, b] with labels ℓ_b; the loss is the batch mean.
import { backward, forward, oneHot } from "./backprop_math.js";
import { keepKeysFromJupyterLab } from "./keys.js";

// ------------------------------------------------------------------ math (tested under node)

/** Var(W_kij) of each scheme (backprop.initialisation.SCHEMES). */
export const SCHEMES = {
  lecun: (nIn, nOut) => 1 / nIn,
  glorot: (nIn, nOut) => 2 / (nIn + nOut),
  he: (nIn, nOut) => 2 / nIn,
  normal: (nIn, nOut) => 1,
};

/** σ = √Var(W) for a layer with nIn inputs and nOut units. */
export function weightStd(scheme, nIn, nOut) {
  const v = SCHEMES[scheme];
  if (!v) throw new Error(`unknown initialisation scheme ${scheme}; expected one of ${Object.keys(SCHEMES)}`);
  return Math.sqrt(v(nIn, nOut));
}

/** Little-endian float32 values from base64, as a Float64Array (exact: every float32 is a float64). */
export function decodeFloat32(b64) {
  const bin = typeof atob === "function" ? atob(b64) : Buffer.from(b64, "base64").toString("binary");
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const view = new DataView(bytes.buffer);
  const out = new Float64Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
}

/** sizes = [n_0, ..., n_L] = [width × depth, classes]: depth − 1 hidden layers of `width` units. */
export function sizesFor(depth, width, classes) {
  return [...new Array(depth).fill(width), classes];
}

/**
 * W_k = σ_k Z_k[:n_k, :n_{k−1}], b_k = 0, from the flat normals Z of shape (Lmax, nMax, nMax).
 * Returns a backprop_math network {W, b, g, pair}.
 */
export function scaledNetwork(normals, nMax, sizes, g, scheme) {
  const L = sizes.length - 1;
  const W = [null];
  const b = [null];
  for (let k = 1; k <= L; k++) {
    const nIn = sizes[k - 1];
    const nOut = sizes[k];
    const s = weightStd(scheme, nIn, nOut);
    const base = (k - 1) * nMax * nMax;
    const Wk = [];
    for (let i = 0; i < nOut; i++) {
      const row = new Array(nIn);
      for (let j = 0; j < nIn; j++) row[j] = s * normals[base + i * nMax + j];
      Wk.push(row);
    }
    W.push(Wk);
    b.push(new Array(nOut).fill(0));
  }
  return { W, b, g, pair: "softmax+cross_entropy" };
}

/**
 * ‖∇_{a_k} L‖ and ‖∇_{W_k} L‖ (Frobenius) for k = 1..L, for the batch mean of the loss.
 * X is the flat (nMax, B) input array (row-major), labels the B class labels.
 * Returns {gradA: [null, ...], gradW: [null, ...]}.
 */
export function gradientNorms(net, X, nMax, B, labels) {
  const L = net.W.length - 1;
  const n0 = net.W[1][0].length;
  const k = net.W[L].length;
  const sqA = new Array(L + 1).fill(0);
  const sumW = net.W.map((Wk) => (Wk ? Wk.map((row) => new Array(row.length).fill(0)) : null));
  for (let col = 0; col < B; col++) {
    const x = new Array(n0);
    for (let j = 0; j < n0; j++) x[j] = X[j * B + col];
    const fwd = forward(net, x);
    // one example's ŷ − e(ℓ); the batch mean divides it by B (the lib's ∇_{a_L} = (ŷ − Y)/B)
    const grads = backward(net, fwd, oneHot(labels[col], k));
    for (let layer = 1; layer <= L; layer++) {
      for (const v of grads.gradA[layer]) sqA[layer] += v * v;
      const gW = grads.gradW[layer];
      const acc = sumW[layer];
      for (let i = 0; i < gW.length; i++) for (let j = 0; j < gW[i].length; j++) acc[i][j] += gW[i][j];
    }
  }
  const gradA = [null];
  const gradW = [null];
  for (let layer = 1; layer <= L; layer++) {
    gradA.push(Math.sqrt(sqA[layer]) / B);
    let s = 0;
    for (const row of sumW[layer]) for (const v of row) s += v * v;
    gradW.push(Math.sqrt(s) / B);
  }
  return { gradA, gradW };
}

/** Everything the view draws, from the shipped data and the four controls. */
export function gradNormsAt(data, { depth, width, g, scheme }) {
  const normals = data.normals ?? decodeFloat32(data.normals_b64);
  const X = data.x ?? decodeFloat32(data.x_b64);
  const sizes = sizesFor(depth, width, data.classes);
  const net = scaledNetwork(normals, data.n_max, sizes, g, scheme);
  return { sizes, ...gradientNorms(net, X, data.n_max, data.batch, data.labels) };
}

/** Decades [lo, hi] (powers of ten) that hold every positive value, at least one decade apart. */
export function logRange(values) {
  const pos = values.filter((v) => v > 0 && Number.isFinite(v));
  if (!pos.length) return [-1, 1];
  let lo = Math.floor(Math.log10(Math.min(...pos))) + 0; // + 0: no −0
  let hi = Math.ceil(Math.log10(Math.max(...pos))) + 0;
  if (hi <= lo) hi = lo + 1;
  return [lo, hi];
}

/** A number as the view prints it: 3 significant digits, e.g. 1.23e-5. */
export const fmt = (v) => (v === 0 ? "0" : v.toExponential(2));

// ------------------------------------------------------------------ view

const SVGNS = "http://www.w3.org/2000/svg";
const ACTIVATION_NAMES = ["sigmoid", "tanh", "relu"];
const SCHEME_LABELS = {
  lecun: "LeCun, Var(W) = 1/n_in",
  glorot: "Glorot, Var(W) = 2/(n_in + n_out)",
  he: "He, Var(W) = 2/n_in",
  normal: "standard normal, Var(W) = 1",
};
const TRAITS = ["depth", "width", "g", "scheme"];

function el(tag, attrs = {}, parent = null, text = null, ns = null) {
  const e = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== null) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}
const svg = (tag, attrs, parent, text = null) => el(tag, attrs, parent, text, SVGNS);

// Plot geometry (viewBox units; the SVG scales down to the column, 390 px included).
const PW = 480;
const PH = 300;
const M = { left: 66, right: 12, top: 12, bottom: 50 };

class GradNormView {
  constructor(model, root) {
    this.model = model;
    this.root = root;
    this.data = { ...model.get("data") };
    this.data.normals = decodeFloat32(this.data.normals_b64);
    this.data.x = decodeFloat32(this.data.x_b64);
    this.uid = `bpg${Math.random().toString(36).slice(2, 9)}`;
    this.st = Object.fromEntries(TRAITS.map((t) => [t, model.get(t)]));
    this.build();
    this.update();
    this.offs = TRAITS.map((t) => {
      const cb = () => {
        this.st[t] = model.get(t);
        this.syncControls();
        this.update();
      };
      model.on(`change:${t}`, cb);
      return () => model.off(`change:${t}`, cb);
    });
  }

  build() {
    const d = this.data;
    const box = el("div", { class: "bpg" }, this.root);
    el("div", { class: "bpg-title", id: `${this.uid}-title` }, box, this.model.get("title"));
    const controls = el("div", { class: "bpg-controls" }, box);
    const slider = (name, label, min, max) => {
      const wrap = el("div", { class: "bpg-control" }, controls);
      const id = `${this.uid}-${name}`;
      el("label", { for: id }, wrap, label);
      const input = el("input", { type: "range", id, min, max, step: 1, "data-bpg": name }, wrap);
      const out = el("output", { for: id, "data-bpg-out": name }, wrap);
      input.addEventListener("input", () => this.set(name, Number(input.value)));
      return { input, out };
    };
    const menu = (name, label, options) => {
      const wrap = el("div", { class: "bpg-control" }, controls);
      const id = `${this.uid}-${name}`;
      el("label", { for: id }, wrap, label);
      const input = el("select", { id, "data-bpg": name }, wrap);
      for (const [value, text] of options) el("option", { value }, input, text);
      input.addEventListener("change", () => this.set(name, input.value));
      return { input };
    };
    this.controls = {
      depth: slider("depth", "depth L", 2, d.depth_max),
      width: slider("width", "width n", d.width_min, d.n_max),
      g: menu("g", "activation g", ACTIVATION_NAMES.map((a) => [a, a])),
      scheme: menu("scheme", "initialisation", Object.entries(SCHEME_LABELS)),
    };
    this.svg = svg("svg", {
      viewBox: `0 0 ${PW} ${PH}`,
      role: "img",
      "aria-labelledby": `${this.uid}-title ${this.uid}-desc`,
      class: "bpg-plot",
    }, box);
    this.desc = svg("desc", { id: `${this.uid}-desc` }, this.svg);
    this.axes = svg("g", { class: "bpg-axes" }, this.svg);
    this.lines = svg("g", { class: "bpg-series" }, this.svg);
    const legend = el("div", { class: "bpg-legend" }, box);
    el("span", { class: "bpg-key bpg-key-a" }, legend, "● ‖∇a_k L‖ (solid)");
    el("span", { class: "bpg-key bpg-key-w" }, legend, "■ ‖∇W_k L‖ (dashed)");
    this.readout = el("div", { class: "bpg-readout", "aria-live": "polite" }, box);
    this.syncControls();
  }

  syncControls() {
    for (const t of TRAITS) {
      const c = this.controls[t];
      c.input.value = String(this.st[t]);
      if (c.out) c.out.textContent = String(this.st[t]);
    }
  }

  set(name, value) {
    this.st[name] = value;
    this.syncControls();
    this.update();
    this.model.set(name, value);
    this.model.save_changes();
  }

  update() {
    const r = gradNormsAt(this.data, this.st);
    this.result = r;
    const L = r.sizes.length - 1;
    const values = [...r.gradA.slice(1), ...r.gradW.slice(1)];
    const [lo, hi] = logRange(values);
    const x = (k) => M.left + ((k - 1) / Math.max(1, L - 1)) * (PW - M.left - M.right);
    const y = (v) => M.top + ((hi - Math.log10(v)) / (hi - lo)) * (PH - M.top - M.bottom);
    this.axes.replaceChildren();
    this.lines.replaceChildren();
    const a = this.axes;
    const step = Math.max(1, Math.ceil((hi - lo) / 8));
    for (let p = lo; p <= hi; p += step) {
      svg("line", { x1: M.left, x2: PW - M.right, y1: y(10 ** p), y2: y(10 ** p), class: "bpg-grid" }, a);
      svg("text", { x: M.left - 6, y: y(10 ** p) + 4, "text-anchor": "end" }, a, `1e${p}`);
    }
    const kStep = L > 16 ? 5 : L > 8 ? 2 : 1;
    for (let k = 1; k <= L; k++) {
      if (k !== 1 && k !== L && k % kStep) continue;
      svg("text", { x: x(k), y: PH - M.bottom + 16, "text-anchor": "middle" }, a, String(k));
    }
    svg("line", { x1: M.left, x2: M.left, y1: M.top, y2: PH - M.bottom, class: "bpg-axis" }, a);
    svg("line", { x1: M.left, x2: PW - M.right, y1: PH - M.bottom, y2: PH - M.bottom, class: "bpg-axis" }, a);
    svg("text", { x: (M.left + PW - M.right) / 2, y: PH - 8, "text-anchor": "middle" }, a,
      "layer k (1 = first hidden layer, L = output)");
    svg("text", { x: 16, y: (M.top + PH - M.bottom) / 2, "text-anchor": "middle",
      transform: `rotate(-90 16 ${(M.top + PH - M.bottom) / 2})` }, a, "gradient norm (log scale)");
    const series = (norms, cls, which) => {
      const pts = [];
      for (let k = 1; k <= L; k++) if (norms[k] > 0) pts.push([k, norms[k]]);
      if (pts.length > 1) {
        svg("polyline", { points: pts.map(([k, v]) => `${x(k)},${y(v)}`).join(" "), class: `bpg-line ${cls}` }, this.lines);
      }
      for (const [k, v] of pts) {
        const attrs = { class: `bpg-pt ${cls}`, "data-bpg-k": k, "data-bpg-which": which, "data-value": String(v) };
        const mark = which === "a"
          ? svg("circle", { cx: x(k), cy: y(v), r: 3.5, ...attrs }, this.lines)
          : svg("rect", { x: x(k) - 3, y: y(v) - 3, width: 6, height: 6, ...attrs }, this.lines);
        svg("title", {}, mark, `layer ${k}: ‖∇${which}_${k}‖ = ${fmt(v)}`);
      }
    };
    series(r.gradW, "bpg-w", "W");
    series(r.gradA, "bpg-a", "a");
    const ratio = r.gradA[1] / r.gradA[L];
    const st = this.st;
    const text = `${st.g}, ${st.scheme}, L = ${L}, n = ${st.width}: ‖∇a_1‖ = ${fmt(r.gradA[1])}, ` +
      `‖∇a_L‖ = ${fmt(r.gradA[L])}, ratio ‖∇a_1‖ / ‖∇a_L‖ = ${fmt(ratio)}`;
    this.readout.replaceChildren();
    el("span", { "data-bpg-readout": "ratio", "data-value": String(ratio) }, this.readout, text);
    this.desc.textContent = `Gradient norms per layer on a log scale, layers 1 to ${L}. ${text}.`;
  }

  destroy() {
    for (const off of this.offs) off();
    this.root.replaceChildren();
  }
}

function render({ model, el: root }) {
  const view = new GradNormView(model, root);
  root.__bpg = view; // for tests
  const release = keepKeysFromJupyterLab(root);
  return () => {
    release();
    view.destroy();
  };
}

export default { render };
