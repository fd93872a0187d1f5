// checkpoint_view.js — the checkpointing explorer of chapter 14 (backprop.checkpoint_explorer).
//
// The first half is plain math, the counts of backprop.checkpoint (lib/backprop/checkpoint.py)
// written again in JavaScript and tested under node against fixtures that module writes
// (tests/js/checkpoint.test.mjs, tests/js/checkpoint_fixtures.json).  The second half draws:
// depth L, segment length m and width n as sliders; which activations a_k, h_k the forward pass
// keeps and which the backward pass recomputes; the peak of stored floats for every m.
//
// sizes = [n_0, ..., n_L]; B = batch size; a multiply-add is one a·b + c.

import { keepKeysFromJupyterLab } from "./keys.js";

/** Checkpoint layers c_s = s·m < L, s = 0..S−1 (S = ⌈L/m⌉). */
export function checkpoints(L, m) {
  const cs = [];
  for (let c = 0; c < L; c += m) cs.push(c);
  return cs;
}

/** Segments as [first layer, last layer] = [c_s + 1, min(c_s + m, L)]. */
export function segments(L, m) {
  return checkpoints(L, m).map((c) => [c + 1, Math.min(c + m, L)]);
}

/** Forward multiply-adds per layer: [null, n_1 n_0 B, ..., n_L n_{L−1} B]. */
export function forwardMadds(sizes, B) {
  const f = [null];
  for (let k = 1; k < sizes.length; k++) f.push(sizes[k] * sizes[k - 1] * B);
  return f;
}

/** Backward multiply-adds per layer: 2 n_k n_{k−1} B (layer 1: one product unless inputGrad). */
export function backwardMadds(sizes, B, inputGrad = false) {
  return forwardMadds(sizes, B).map((f, k) => (k === 0 ? null : (k > 1 || inputGrad ? 2 : 1) * f));
}

/** Floats the plain forward pass keeps: B (n_0 + 2 Σ_{k≥1} n_k). */
export function storedFloats(sizes, B) {
  let s = sizes[0];
  for (let k = 1; k < sizes.length; k++) s += 2 * sizes[k];
  return B * s;
}

/** Floats kept while segment s is held: B (Σ_{r≤s} n_{c_r} + 2 Σ_{k∈segment s} n_k). */
export function checkpointMemory(sizes, B, m) {
  const L = sizes.length - 1;
  const cs = checkpoints(L, m);
  let held = 0;
  return segments(L, m).map(([first, last], s) => {
    held += sizes[cs[s]];
    let seg = 0;
    for (let k = first; k <= last; k++) seg += sizes[k];
    return B * (held + 2 * seg);
  });
}

export function peakFloats(sizes, B, m) {
  return Math.max(...checkpointMemory(sizes, B, m));
}

/** Layers recomputed in the backward pass: every segment but the last, c_{S−1} of them. */
export function recomputedLayers(L, m) {
  const cs = checkpoints(L, m);
  return cs[cs.length - 1];
}

/** Extra forward multiply-adds: Σ_{k=1}^{c_{S−1}} n_k n_{k−1} B. */
export function extraForwardMadds(sizes, B, m) {
  const f = forwardMadds(sizes, B);
  let e = 0;
  for (let k = 1; k <= recomputedLayers(sizes.length - 1, m); k++) e += f[k];
  return e;
}

/** [n, n, ..., n] with L + 1 entries: the explorer's networks. */
export function uniformSizes(L, n) {
  return Array.from({ length: L + 1 }, () => n);
}

/** The m in 1..L with the smallest peak for equal widths (the smallest m if several tie). */
export function bestSegmentLength(L) {
  const sizes = uniformSizes(L, 1);
  let best = 1;
  for (let m = 2; m <= L; m++) if (peakFloats(sizes, 1, m) < peakFloats(sizes, 1, best)) best = m;
  return best;
}

/** Every number the explorer shows, for L layers of width n, segment length m, one example. */
export function summary(L, m, n) {
  const mm = Math.min(m, L);
  const sizes = uniformSizes(L, n);
  const forward = forwardMadds(sizes, 1).slice(1).reduce((a, b) => a + b, 0);
  return {
    L,
    m: mm,
    n,
    segments: segments(L, mm).length,
    peak: peakFloats(sizes, 1, mm),
    plain: storedFloats(sizes, 1),
    recomputed: recomputedLayers(L, mm),
    extra: extraForwardMadds(sizes, 1, mm),
    forward,
    backward: backwardMadds(sizes, 1).slice(1).reduce((a, b) => a + b, 0),
    best: bestSegmentLength(L),
  };
}

// ------------------------------------------------------------------ the view

const SVG = "http://www.w3.org/2000/svg";
const LIMITS = { L: [1, 48], m: [1, 48], n: [10, 1000] };
let uid = 0;

function svgEl(tag, attrs = {}, parent = null) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (parent) parent.appendChild(e);
  return e;
}

function htmlEl(tag, attrs = {}, parent = null, text = null) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== null) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}

const fmt = (v) => v.toLocaleString("en-US");
const clamp = (v, [lo, hi]) => Math.min(hi, Math.max(lo, Math.round(v)));

class CheckpointView {
  constructor(model, el) {
    this.model = model;
    this.el = el;
    this.id = `bpck${++uid}`;
    this.st = {
      L: clamp(model.get("L"), LIMITS.L),
      m: clamp(model.get("m"), LIMITS.m),
      n: clamp(model.get("n"), LIMITS.n),
    };
    this.build();
    this.update();
    this.onModel = () => {
      this.st = {
        L: clamp(model.get("L"), LIMITS.L),
        m: clamp(model.get("m"), LIMITS.m),
        n: clamp(model.get("n"), LIMITS.n),
      };
      this.update();
    };
    model.on("change:L change:m change:n", this.onModel);
  }

  destroy() {
    this.model.off("change:L change:m change:n", this.onModel);
  }

  build() {
    const root = htmlEl("div", { class: "bpck", role: "group", "aria-labelledby": `${this.id}-title` });
    this.root = root;
    htmlEl("div", { class: "bpck-title", id: `${this.id}-title` }, root, this.model.get("title") || "Gradient checkpointing");
    const controls = htmlEl("div", { class: "bpck-controls" }, root);
    this.inputs = {};
    this.outs = {};
    const field = (key, label, step) => {
      const wrap = htmlEl("div", { class: "bpck-field" }, controls);
      const id = `${this.id}-${key}`;
      htmlEl("label", { for: id }, wrap, label);
      const input = htmlEl("input", { type: "range", id, min: LIMITS[key][0], max: LIMITS[key][1], step, "data-control": key }, wrap);
      const out = htmlEl("output", { for: id, "data-value": key }, wrap);
      input.addEventListener("input", () => this.set(key, Number(input.value)));
      this.inputs[key] = input;
      this.outs[key] = out;
    };
    field("L", "depth L (layers)", 1);
    field("m", "segment length m", 1);
    field("n", "width n (units per layer)", 10);

    this.strip = svgEl("svg", { class: "bpck-strip", role: "img", viewBox: "0 0 400 118", "aria-labelledby": `${this.id}-strip` }, root);
    this.stripTitle = svgEl("title", { id: `${this.id}-strip` }, this.strip);
    this.stripBody = svgEl("g", {}, this.strip);

    const legend = htmlEl("div", { class: "bpck-legend" }, root);
    for (const [cls, text] of [
      ["kept", "kept by the forward pass"],
      ["recomputed", "recomputed in the backward pass"],
    ]) {
      const item = htmlEl("span", { class: "bpck-legend-item" }, legend);
      const sw = svgEl("svg", { width: 16, height: 12, viewBox: "0 0 16 12", "aria-hidden": "true" }, item);
      svgEl("rect", { class: `bpck-cell bpck-${cls}`, x: 1, y: 1, width: 14, height: 10, rx: 2 }, sw);
      htmlEl("span", {}, item, text);
    }
    const mark = htmlEl("span", { class: "bpck-legend-item" }, legend);
    const sw = svgEl("svg", { width: 16, height: 12, viewBox: "0 0 16 12", "aria-hidden": "true" }, mark);
    svgEl("path", { class: "bpck-mark", d: "M2 2 L14 2 L8 11 Z" }, sw);
    htmlEl("span", {}, mark, "checkpoint (its h kept)");

    const read = htmlEl("div", { class: "bpck-readouts", "aria-live": "polite" }, root);
    const line = (key, label) => {
      const p = htmlEl("div", { class: "bpck-readout" }, read);
      htmlEl("span", { class: "bpck-readout-label" }, p, `${label}: `);
      this.outs[key] = htmlEl("span", { class: "bpck-num", "data-readout": key }, p);
      return p;
    };
    line("segments", "segments S");
    line("peak", "peak floats kept, per example");
    line("plain", "kept without checkpointing");
    line("saving", "peak as a share of that");
    line("recomputed", "layers recomputed");
    line("extra", "extra forward multiply-adds");
    line("overhead", "extra work, share of forward + backward");
    line("best", "segment length with the smallest peak");

    this.curve = svgEl("svg", { class: "bpck-curve", role: "img", viewBox: "0 0 400 170", "aria-labelledby": `${this.id}-curve` }, root);
    this.curveTitle = svgEl("title", { id: `${this.id}-curve` }, this.curve);
    this.curveBody = svgEl("g", {}, this.curve);
    this.el.appendChild(root);
  }

  set(key, value) {
    this.st[key] = clamp(value, LIMITS[key]);
    if (key === "L") this.st.m = Math.min(this.st.m, this.st.L);
    this.update();
    this.model.set("L", this.st.L);
    this.model.set("m", this.st.m);
    this.model.set("n", this.st.n);
    this.model.save_changes();
  }

  update() {
    const { L, n } = this.st;
    const m = Math.min(this.st.m, L);
    const s = summary(L, m, n);
    this.inputs.m.max = String(L);
    for (const key of ["L", "m", "n"]) {
      this.inputs[key].value = String(key === "m" ? m : this.st[key]);
      this.outs[key].textContent = String(key === "m" ? m : this.st[key]);
    }
    this.outs.segments.textContent = fmt(s.segments);
    this.outs.peak.textContent = fmt(s.peak);
    this.outs.plain.textContent = fmt(s.plain);
    this.outs.saving.textContent = `${((100 * s.peak) / s.plain).toFixed(1)} %`;
    this.outs.recomputed.textContent = `${s.recomputed} of ${L}`;
    this.outs.extra.textContent = fmt(s.extra);
    this.outs.overhead.textContent = `${((100 * s.extra) / (s.forward + s.backward)).toFixed(1)} %`;
    this.outs.best.textContent = `m = ${s.best}`;
    this.drawStrip(L, m);
    this.drawCurve(L, m, n, s);
    this.last = s;
  }

  drawStrip(L, m) {
    const g = this.stripBody;
    g.replaceChildren();
    const cs = new Set(checkpoints(L, m));
    const lastFirst = Math.max(...cs) + 1;
    const x0 = 26;
    const w = (400 - x0 - 4) / (L + 1);
    const cell = Math.max(2, Math.min(w - 2, 0.8 * w));
    svgEl("text", { x: 0, y: 35, class: "bpck-rowlabel" }, g).textContent = "h";
    svgEl("text", { x: 0, y: 63, class: "bpck-rowlabel" }, g).textContent = "a";
    const every = Math.ceil((L + 1) / 10);
    for (let k = 0; k <= L; k++) {
      const x = x0 + k * w + (w - cell) / 2;
      const kept = k >= lastFirst;
      // h_k: kept at a checkpoint or in the last segment, else recomputed; a_0 does not exist.
      const hKept = kept || cs.has(k);
      svgEl("rect", { class: `bpck-cell bpck-${hKept ? "kept" : "recomputed"}`, x, y: 22, width: cell, height: 18, rx: 1.5, "data-cell": `h${k}` }, g);
      if (k > 0) svgEl("rect", { class: `bpck-cell bpck-${kept ? "kept" : "recomputed"}`, x, y: 50, width: cell, height: 18, rx: 1.5, "data-cell": `a${k}` }, g);
      if (cs.has(k)) {
        const cx = x + cell / 2;
        const r = Math.min(5, cell / 2 + 1);
        svgEl("path", { class: "bpck-mark", d: `M${cx - r} 8 L${cx + r} 8 L${cx} 18 Z`, "data-mark": k }, g);
      }
      if (k % every === 0 || k === L) {
        svgEl("text", { x: x + cell / 2, y: 84, class: "bpck-index", "text-anchor": "middle" }, g).textContent = String(k);
      }
    }
    svgEl("text", { x: 200, y: 114, class: "bpck-caption", "text-anchor": "middle" }, g).textContent = "layer k (segments underlined)";
    segments(L, m).forEach(([first, last]) => {
      const xa = x0 + first * w + 1;
      const xb = x0 + (last + 1) * w - 1;
      svgEl("path", { class: "bpck-seg", d: `M${xa} 90 L${xa} 96 L${xb} 96 L${xb} 90` }, g);
    });
    const S = cs.size;
    this.stripTitle.textContent =
      `Layers 0 to ${L} in ${S} segment${S > 1 ? "s" : ""} of up to ${m}: checkpoints at layers ${[...cs].join(", ")}; ` +
      `layers ${lastFirst} to ${L} kept, ` +
      (lastFirst > 1 ? `layers 1 to ${lastFirst - 1} recomputed in the backward pass.` : "nothing recomputed.");
  }

  drawCurve(L, m, n, s) {
    const g = this.curveBody;
    g.replaceChildren();
    const sizes = uniformSizes(L, n);
    const peaks = [];
    for (let mm = 1; mm <= L; mm++) peaks.push(peakFloats(sizes, 1, mm));
    const top = s.plain;
    const x0 = 46, y0 = 128, h = 108, w = 400 - x0 - 6;
    const bw = w / L;
    svgEl("path", { class: "bpck-axis", d: `M${x0} ${y0 - h} L${x0} ${y0} L${x0 + w} ${y0}` }, g);
    peaks.forEach((p, i) => {
      const bh = (h * p) / top;
      svgEl("rect", {
        class: `bpck-bar${i + 1 === m ? " bpck-current" : ""}`,
        x: x0 + i * bw + 0.15 * bw, y: y0 - bh, width: Math.max(1, 0.7 * bw), height: bh,
        "data-bar": i + 1,
      }, g);
    });
    const bestTop = y0 - (h * peaks[s.best - 1]) / top;
    svgEl("text", { x: x0 + (s.best - 0.5) * bw, y: bestTop - 4, class: "bpck-index", "text-anchor": "middle", "data-best": s.best }, g).textContent = "best";
    svgEl("text", { x: x0 - 4, y: y0 - h + 4, class: "bpck-index", "text-anchor": "end" }, g).textContent = "100 %";
    svgEl("text", { x: x0 - 4, y: y0 + 4, class: "bpck-index", "text-anchor": "end" }, g).textContent = "0";
    const every = Math.ceil(L / 8);
    for (let mm = 1; mm <= L; mm++) {
      if (mm % every === 0 || mm === 1) svgEl("text", { x: x0 + (mm - 0.5) * bw, y: y0 + 14, class: "bpck-index", "text-anchor": "middle" }, g).textContent = String(mm);
    }
    svgEl("text", { x: x0 + w / 2, y: y0 + 32, class: "bpck-caption", "text-anchor": "middle" }, g).textContent = "segment length m";
    svgEl("text", { x: 12, y: y0 - h / 2, class: "bpck-caption", "text-anchor": "middle", transform: `rotate(-90 12 ${y0 - h / 2})` }, g).textContent = "peak kept";
    this.curveTitle.textContent =
      `Peak floats kept, as a share of the plain pass, for every segment length m from 1 to ${L}; ` +
      `the current m = ${m} gives ${((100 * s.peak) / s.plain).toFixed(1)} %, the smallest peak is at m = ${s.best}.`;
  }
}

function render({ model, el }) {
  const view = new CheckpointView(model, el);
  el.__bpck = view; // for the browser test
  const release = keepKeysFromJupyterLab(el);
  return () => {
    release();
    view.destroy();
  };
}

export default { render };
