// trainer_view.js — the in-page trainer's view (anywidget): controls, loss curves, decision regions.
//
// The model (backprop.trainer_widget.Trainer) holds the data, the initial weights of every
// activation × width the menus offer and the lib's shuffle order of every epoch; this view trains
// with trainer.js, one epoch per animation frame, and redraws the three canvases each frame.
// Controls are native elements (select, range, button): keyboard usable and live in the HTML
// book, where no kernel answers.  Every setting change starts a new run from the initial weights.
import {
  METHODS,
  accuracy,
  batchSizeOf,
  createRun,
  gridPoints,
  makeData,
  makeWorkspace,
  predictGrid,
} from "./trainer.js";
import { keepKeysFromJupyterLab } from "./keys.js";

const SETTINGS = ["method", "eta", "batch_size", "epochs", "g", "width"];
const GRID = 40; // cells per side of the decision-region picture

function make(tag, attrs, parent, text) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  if (parent) parent.appendChild(el);
  return el;
}

let UID = 0;

/** Short numbers for readouts and ticks. */
function fmt(v, digits = 3) {
  if (!Number.isFinite(v)) return String(v);
  return Number(v.toPrecision(digits)).toString();
}

class TrainerView {
  constructor(model, el) {
    this.model = model;
    this.el = el;
    this.uid = ++UID;
    this.playing = false;
    this.frame = null;
    this.frames = 0; // animation frames drawn while training (the benchmark reads it)
    this.frameWork = []; // ms of training + drawing in each of the last frames (the benchmark's)
    this.ghosts = {}; // method → loss per epoch of that method's last run (drawn for comparison)
    this.data = makeData(model.get("X"), model.get("labels"));
    this.buildDom();
    this.sizeCanvases();
    this.reset();
    this.onChange = () => {
      this.syncControls();
      this.reset();
    };
    for (const name of SETTINGS) model.on(`change:${name}`, this.onChange);
    if (typeof ResizeObserver !== "undefined") {
      this.resizer = new ResizeObserver(() => {
        if (this.sizeCanvases()) this.draw();
      });
      this.resizer.observe(this.root);
    }
  }

  // ---------------------------------------------------------------- DOM

  buildDom() {
    const m = this.model;
    const id = (s) => `bpt${this.uid}-${s}`;
    const title = m.get("title") || "Training a classifier in the page";
    this.root = make("div", { class: "bpt", role: "group", "aria-label": title }, this.el);
    make("div", { class: "bpt-title" }, this.root, title);
    const controls = make("div", { class: "bpt-controls" }, this.root);
    const field = (label, key) => {
      const wrap = make("div", { class: "bpt-field" }, controls);
      make("label", { for: id(key) }, wrap, label);
      return wrap;
    };
    const select = (label, key, options) => {
      const s = make("select", { id: id(key) }, field(label, key));
      for (const [value, text] of options) make("option", { value: String(value) }, s, text);
      s.addEventListener("change", () => this.setSetting(key, key === "width" ? Number(s.value) : s.value));
      return s;
    };
    const range = (label, key, min, max, onInput) => {
      const wrap = field(label, key);
      const r = make("input", { id: id(key), type: "range", min: String(min), max: String(max), step: "1" }, wrap);
      const out = make("output", { for: id(key), class: "bpt-value" }, wrap);
      r.addEventListener("input", () => onInput(Number(r.value)));
      return [r, out];
    };
    this.c = {};
    this.c.method = select("method", "method", METHODS.map((x) => [x, x === "GD" ? "GD (M = N)" : x === "SGD" ? "SGD (M = 1)" : "mini-batch"]));
    this.etas = etaOptions(...m.get("eta_range"));
    [this.c.eta, this.c.etaOut] = range("learning rate η", "eta", 0, this.etas.length - 1, (v) => this.setSetting("eta", this.etas[v]));
    this.batchSizes = batchOptions(this.data.N);
    [this.c.batch_size, this.c.batchOut] = range("batch size M", "batch_size", 0, this.batchSizes.length - 1, (v) =>
      this.setSetting("batch_size", this.batchSizes[v]),
    );
    [this.c.epochs, this.c.epochsOut] = range("epochs", "epochs", 1, m.get("max_epochs"), (v) => this.setSetting("epochs", v));
    this.c.g = select("activation g", "g", m.get("activations").map((x) => [x, x]));
    this.c.width = select(`width (${m.get("hidden")} hidden layer${m.get("hidden") > 1 ? "s" : ""})`, "width", m.get("widths").map((x) => [x, `${x} units`]));
    const buttons = make("div", { class: "bpt-buttons" }, controls);
    this.c.play = make("button", { type: "button", class: "bpt-play", "aria-pressed": "false" }, buttons, "▶ train");
    this.c.step = make("button", { type: "button", class: "bpt-step" }, buttons, "one epoch");
    this.c.reset = make("button", { type: "button", class: "bpt-reset" }, buttons, "reset");
    this.c.play.addEventListener("click", () => (this.playing ? this.pause() : this.play()));
    this.c.step.addEventListener("click", () => {
      this.pause();
      this.advance();
      this.draw();
    });
    this.c.reset.addEventListener("click", () => {
      this.pause();
      this.reset();
    });
    const plots = make("div", { class: "bpt-plots" }, this.root);
    const canvas = (cls, caption) => {
      const fig = make("figure", { class: `bpt-fig ${cls}` }, plots);
      make("figcaption", {}, fig, caption);
      return make("canvas", { role: "img", "aria-label": caption }, fig);
    };
    this.cvBoundary = canvas("bpt-boundary", "Decision regions and training points");
    this.cvEpoch = canvas("bpt-epoch", "Loss on the training set, per epoch");
    this.cvUpdate = canvas("bpt-update", "Batch loss, per update");
    this.readout = make("p", { class: "bpt-readout", "aria-live": "polite" }, this.root);
    this.message = make("p", { class: "bpt-error", role: "alert" }, this.root);
    this.syncControls();
  }

  /** Controls ← model (initially, and when Python changes a setting). */
  syncControls() {
    const m = this.model;
    const c = this.c;
    c.method.value = m.get("method");
    c.g.value = m.get("g");
    c.width.value = String(m.get("width"));
    c.eta.value = String(nearestIndex(this.etas, m.get("eta"), true));
    c.etaOut.textContent = fmt(m.get("eta"));
    c.eta.setAttribute("aria-valuetext", `η = ${fmt(m.get("eta"))}`);
    const M = m.get("batch_size");
    c.batch_size.value = String(nearestIndex(this.batchSizes, M, true));
    const used = batchSizeOf(m.get("method"), M, this.data.N);
    c.batchOut.textContent = m.get("method") === "mini-batch" ? String(M) : `${M} (${m.get("method")} uses ${used})`;
    c.batch_size.setAttribute("aria-valuetext", `M = ${M}`);
    c.epochs.value = String(m.get("epochs"));
    c.epochsOut.textContent = String(m.get("epochs"));
  }

  setSetting(key, value) {
    const m = this.model;
    if (key === "batch_size" && m.get("method") !== "mini-batch") m.set("method", "mini-batch"); // M is the mini-batch's
    m.set(key, value);
    m.save_changes();
    this.syncControls();
    this.reset();
  }

  /** Canvas pixels ← CSS size (× devicePixelRatio); true if something changed. */
  sizeCanvases() {
    const dpr = window.devicePixelRatio || 1;
    let changed = false;
    for (const cv of [this.cvBoundary, this.cvEpoch, this.cvUpdate]) {
      const w = Math.max(150, Math.round(cv.clientWidth || 300));
      const h = cv === this.cvBoundary ? w : Math.round(w * 0.62);
      if (cv.width !== Math.round(w * dpr) || cv.height !== Math.round(h * dpr)) {
        cv.width = Math.round(w * dpr);
        cv.height = Math.round(h * dpr);
        cv.style.height = `${h}px`;
        changed = true;
      }
      cv._w = w;
      cv._h = h;
    }
    return changed;
  }

  // ---------------------------------------------------------------- training

  reset() {
    const m = this.model;
    if (this.run && this.run.epoch > 0) this.ghosts[this.run.method] = { loss: this.run.loss.slice(), label: this.run.label };
    const init = m.get("initial")[`${m.get("g")}/${m.get("width")}`];
    const method = m.get("method");
    const M = batchSizeOf(method, m.get("batch_size"), this.data.N);
    this.message.textContent = "";
    try {
      this.run = createRun({ W: init.W, b: init.b, g: m.get("g"), data: this.data, eta: m.get("eta"), M, epochs: m.get("epochs"), orders: m.get("orders") });
    } catch (err) {
      this.run = null;
      this.message.textContent = String(err.message || err);
      this.draw();
      return;
    }
    this.run.method = method;
    this.run.label = `${method}, η = ${fmt(m.get("eta"))}${method === "mini-batch" ? `, M = ${M}` : ""}`;
    delete this.ghosts[method];
    const sizes = this.run.net.sizes;
    if (!this.grid) {
      const [x0, x1, y0, y1] = bounds(this.data);
      this.box = [x0, x1, y0, y1];
      this.grid = gridPoints(x0, x1, y0, y1, GRID);
    }
    if (!this.gridWs || this.gridWs.key !== sizes.join()) {
      this.gridWs = makeWorkspace(sizes, GRID * GRID);
      this.gridWs.key = sizes.join();
      this.accWs = makeWorkspace(sizes, this.data.N);
      this.probs = new Float64Array(GRID * GRID * sizes.at(-1));
    }
    this.draw();
    if (this.playing) this.schedule();
  }

  advance() {
    if (!this.run || this.run.done) return false;
    this.run.nextEpoch();
    if (this.run.error) this.message.textContent = this.run.error;
    return !this.run.done;
  }

  play() {
    if (!this.run) return;
    if (this.run.done) this.reset();
    this.playing = true;
    // While it trains the readout changes every frame: a screen reader hears it when it stops.
    this.readout.setAttribute("aria-live", "off");
    this.c.play.textContent = "❚❚ pause";
    this.c.play.setAttribute("aria-pressed", "true");
    this.schedule();
  }

  pause() {
    const was = this.playing;
    this.playing = false;
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
    this.readout.setAttribute("aria-live", "polite");
    if (was) this.updateReadout(); // the final state, announced
    this.c.play.textContent = "▶ train";
    this.c.play.setAttribute("aria-pressed", "false");
  }

  schedule() {
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      if (!this.playing) return;
      const t0 = performance.now();
      const more = this.advance();
      this.draw();
      this.frames += 1;
      this.frameWork.push(performance.now() - t0);
      if (this.frameWork.length > 1000) this.frameWork.shift();
      if (more) this.schedule();
      else this.pause();
    });
  }

  // ---------------------------------------------------------------- drawing

  colours() {
    const cs = getComputedStyle(this.root);
    const v = (n) => cs.getPropertyValue(n).trim();
    return {
      text: v("--bpt-text") || cs.color,
      muted: v("--bpt-muted"),
      GD: v("--bpt-gd"),
      SGD: v("--bpt-sgd"),
      "mini-batch": v("--bpt-mb"),
      classes: [v("--bpt-class0"), v("--bpt-class1"), v("--bpt-class2")],
      bg: v("--bpt-bg"),
    };
  }

  draw() {
    const col = this.colours();
    this.drawBoundary(col);
    this.drawEpochs(col);
    this.drawUpdates(col);
    this.updateReadout();
  }

  updateReadout() {
    const run = this.run;
    if (!run) {
      this.readout.textContent = "";
      return;
    }
    const L = run.loss.at(-1);
    const acc = this.accWs ? accuracy(run.net, this.data, this.accWs) : NaN;
    this.lastAccuracy = acc;
    const state = run.error ? "diverged" : run.done ? "done" : this.playing ? "training" : "paused";
    this.readout.textContent =
      `${run.label}: epoch ${run.epoch} of ${run.epochs}, ${run.epoch * run.updatesPerEpoch} updates; ` +
      `training loss ${fmt(L, 4)}, accuracy ${Number.isFinite(acc) ? Math.round(acc * 1000) / 10 : "–"} % (${state})`;
    this.root.dataset.loss = String(L); // full precision, for tests
    this.root.dataset.epoch = String(run.epoch);
    this.root.dataset.state = state;
    this.cvBoundary.setAttribute(
      "aria-label",
      `Decision regions of the ${run.net.sizes.join("-")} ${run.net.g} network after epoch ${run.epoch} on the ${this.data.N} ` +
        `training points (axes x₁ and x₂; background colour: predicted class; circles class 0, triangles class 1); ` +
        `accuracy ${Number.isFinite(acc) ? Math.round(acc * 100) : "–"} %.`,
    );
    this.cvEpoch.setAttribute(
      "aria-label",
      `Training loss on the whole set after each epoch (log scale): ${fmt(run.loss[0])} before training, ` +
        `${fmt(L)} after epoch ${run.epoch}` +
        Object.entries(this.ghosts).map(([, g]) => `; earlier run ${g.label}: ${fmt(g.loss.at(-1))} after ${g.loss.length - 1} epochs`).join(""),
    );
    const u = run.updateLoss;
    this.cvUpdate.setAttribute(
      "aria-label",
      u.length
        ? `Batch loss before each of the ${u.length} updates (log scale), from ${fmt(u[0])} to ${fmt(u.at(-1))}.`
        : "Batch loss before each update: no update yet.",
    );
  }

  setup(cv) {
    const ctx = cv.getContext("2d");
    const dpr = cv.width / cv._w;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, cv._w, cv._h);
    ctx.font = "11px system-ui, sans-serif";
    return ctx;
  }

  drawBoundary(col) {
    const cv = this.cvBoundary;
    const ctx = this.setup(cv);
    const W = cv._w;
    const pad = { l: 34, r: 6, t: 6, b: 30 };
    const pw = W - pad.l - pad.r;
    const ph = cv._h - pad.t - pad.b;
    const [x0, x1, y0, y1] = this.box;
    const sx = (x) => pad.l + ((x - x0) / (x1 - x0)) * pw;
    const sy = (y) => pad.t + ((y1 - y) / (y1 - y0)) * ph;
    if (this.run) {
      const k = this.run.net.sizes.at(-1);
      predictGrid(this.run.net, this.grid, this.gridWs, this.probs);
      // one pixel per grid cell, coloured by the predicted class, stronger where ŷ is surer;
      // drawn scaled (smoothed) over the plot
      if (!this.regions) {
        this.regions = document.createElement("canvas");
        this.regions.width = GRID;
        this.regions.height = GRID;
      }
      const rctx = this.regions.getContext("2d");
      const img = rctx.createImageData(GRID, GRID);
      const rgb = col.classes.map(hexToRgb);
      const bg = hexToRgb(col.bg);
      for (let q = 0; q < GRID * GRID; q++) {
        const off = q * k;
        let best = 0;
        for (let i = 1; i < k; i++) if (this.probs[off + i] > this.probs[off + best]) best = i;
        const p = this.probs[off + best];
        const alpha = Number.isFinite(p) ? 0.12 + 0.38 * ((p - 1 / k) / (1 - 1 / k)) : 0;
        const c = rgb[best % 3];
        for (let ch = 0; ch < 3; ch++) img.data[4 * q + ch] = Math.round(bg[ch] + alpha * (c[ch] - bg[ch]));
        img.data[4 * q + 3] = 255;
      }
      rctx.putImageData(img, 0, 0);
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(this.regions, pad.l, pad.t, pw, ph);
      ctx.globalAlpha = 1;
      if (k === 2) this.contour(ctx, (r, c) => this.probs[(r * GRID + c) * 2 + 1] - 0.5, pad.l, pad.t, pw / GRID, ph / GRID, col.text);
    }
    // the training points: class 0 circles, class 1 triangles, class 2 squares (shape and colour)
    const d = this.data;
    ctx.lineWidth = 0.8;
    for (let c = 0; c < d.N; c++) {
      const px = sx(d.x[2 * c]);
      const py = sy(d.x[2 * c + 1]);
      const cls = d.labels[c];
      ctx.beginPath();
      if (cls === 0) ctx.arc(px, py, 3.2, 0, 2 * Math.PI);
      else if (cls === 1) {
        ctx.moveTo(px, py - 4);
        ctx.lineTo(px + 3.6, py + 2.6);
        ctx.lineTo(px - 3.6, py + 2.6);
        ctx.closePath();
      } else ctx.rect(px - 3, py - 3, 6, 6);
      ctx.fillStyle = col.classes[cls % 3];
      ctx.fill();
      ctx.strokeStyle = col.text; // a dark (light, in dark mode) rim: ≥ 3:1 on any region colour
      ctx.stroke();
    }
    this.axes(ctx, pad, pw, ph, [x0, x1], [y0, y1], "x₁", "x₂", col, false);
  }

  /** The level set f = 0 on the grid (marching squares, cell centres), as line segments. */
  contour(ctx, f, left, top, cw, ch, colour) {
    ctx.beginPath();
    const pt = (r, c) => [left + (c + 0.5) * cw, top + (r + 0.5) * ch];
    const lerp = (pa, pb, fa, fb) => {
      const t = fa / (fa - fb);
      return [pa[0] + t * (pb[0] - pa[0]), pa[1] + t * (pb[1] - pa[1])];
    };
    for (let r = 0; r + 1 < GRID; r++) {
      for (let c = 0; c + 1 < GRID; c++) {
        const corners = [
          [pt(r, c), f(r, c)],
          [pt(r, c + 1), f(r, c + 1)],
          [pt(r + 1, c + 1), f(r + 1, c + 1)],
          [pt(r + 1, c), f(r + 1, c)],
        ];
        const cross = [];
        for (let e = 0; e < 4; e++) {
          const [pa, fa] = corners[e];
          const [pb, fb] = corners[(e + 1) % 4];
          if (Number.isFinite(fa) && Number.isFinite(fb) && fa < 0 !== fb < 0) cross.push(lerp(pa, pb, fa, fb));
        }
        for (let q = 0; q + 1 < cross.length; q += 2) {
          ctx.moveTo(cross[q][0], cross[q][1]);
          ctx.lineTo(cross[q + 1][0], cross[q + 1][1]);
        }
      }
    }
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1.5;
    ctx.stroke();
  }

  drawEpochs(col) {
    const cv = this.cvEpoch;
    const ctx = this.setup(cv);
    const pad = { l: 42, r: 8, t: 18, b: 30 };
    const pw = cv._w - pad.l - pad.r;
    const ph = cv._h - pad.t - pad.b;
    const series = [];
    for (const [method, g] of Object.entries(this.ghosts)) series.push({ y: g.loss, colour: col[method], dash: [4, 3], label: g.label });
    if (this.run) series.push({ y: this.run.loss, colour: col[this.run.method], dash: [], label: this.run.label });
    const E = Math.max(1, this.model.get("epochs"), ...series.map((s) => s.y.length - 1));
    const [lo, hi] = logRange(series.flatMap((s) => s.y));
    const sx = (e) => pad.l + (e / E) * pw;
    const sy = (v) => pad.t + ((Math.log10(hi) - Math.log10(clamp(v, lo, hi))) / (Math.log10(hi) - Math.log10(lo))) * ph;
    for (const s of series) polyline(ctx, s.y, (i) => sx(i), sy, s.colour, s.dash, 1.8);
    this.axes(ctx, pad, pw, ph, [0, E], [lo, hi], "epoch", "loss L(θ)", col, true);
    // legend, top: one entry per curve
    let x = pad.l + 4;
    for (const s of series) {
      ctx.strokeStyle = s.colour;
      ctx.setLineDash(s.dash);
      ctx.beginPath();
      ctx.moveTo(x, 8);
      ctx.lineTo(x + 14, 8);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = col.text;
      const text = s.label.split(",")[0];
      ctx.fillText(text, x + 17, 12);
      x += 24 + ctx.measureText(text).width;
    }
  }

  drawUpdates(col) {
    const cv = this.cvUpdate;
    const ctx = this.setup(cv);
    const pad = { l: 42, r: 8, t: 8, b: 30 };
    const pw = cv._w - pad.l - pad.r;
    const ph = cv._h - pad.t - pad.b;
    const run = this.run;
    const n = run ? run.epochs * run.updatesPerEpoch : 1;
    const u = run ? run.updateLoss : [];
    const [lo, hi] = logRange(u.length ? u : [1]);
    const sx = (i) => pad.l + ((i + 1) / n) * pw;
    const sy = (v) => pad.t + ((Math.log10(hi) - Math.log10(clamp(v, lo, hi))) / (Math.log10(hi) - Math.log10(lo))) * ph;
    if (run) polyline(ctx, u, sx, sy, col[run.method], [], 1);
    this.axes(ctx, pad, pw, ph, [0, n], [lo, hi], "update (batch loss before it)", "batch loss", col, true);
  }

  axes(ctx, pad, pw, ph, [x0, x1], [y0, y1], xlabel, ylabel, col, logY) {
    ctx.strokeStyle = col.muted;
    ctx.lineWidth = 1;
    ctx.strokeRect(pad.l, pad.t, pw, ph);
    ctx.fillStyle = col.text;
    ctx.textAlign = "center";
    for (const t of niceTicks(x0, x1, 5)) {
      const px = pad.l + ((t - x0) / (x1 - x0)) * pw;
      ctx.beginPath();
      ctx.moveTo(px, pad.t + ph);
      ctx.lineTo(px, pad.t + ph + 3);
      ctx.stroke();
      ctx.fillText(fmt(t), px, pad.t + ph + 13);
    }
    ctx.fillText(xlabel, pad.l + pw / 2, pad.t + ph + 26);
    ctx.textAlign = "right";
    const yt = logY ? logTicks(y0, y1) : niceTicks(y0, y1, 5);
    for (const t of yt) {
      const frac = logY ? (Math.log10(y1) - Math.log10(t)) / (Math.log10(y1) - Math.log10(y0)) : (y1 - t) / (y1 - y0);
      const py = pad.t + frac * ph;
      ctx.beginPath();
      ctx.moveTo(pad.l - 3, py);
      ctx.lineTo(pad.l, py);
      ctx.stroke();
      ctx.fillText(fmt(t), pad.l - 5, py + 4);
    }
    ctx.save();
    ctx.translate(10, pad.t + ph / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = "center";
    ctx.fillText(ylabel, 0, 0);
    ctx.restore();
    ctx.textAlign = "start";
  }

  destroy() {
    this.pause();
    for (const name of SETTINGS) this.model.off(`change:${name}`, this.onChange);
    if (this.resizer) this.resizer.disconnect();
  }
}

// ------------------------------------------------------------------ helpers

/** The learning rates the η slider offers: 1, 2, 3, 5 times each power of 10 in [lo, hi]. */
function etaOptions(lo, hi) {
  const out = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 3, 5]) {
      const v = Number((m * 10 ** e).toPrecision(3));
      if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v);
    }
  }
  return out;
}

/** Index of the option nearest to v (on a log scale if log). */
function nearestIndex(options, v, log) {
  let best = 0;
  const d = (o) => Math.abs(log ? Math.log(o) - Math.log(v) : o - v);
  for (let i = 1; i < options.length; i++) if (d(options[i]) < d(options[best])) best = i;
  return best;
}

/** The batch sizes the M slider offers: powers of 2 up to N, and N. */
function batchOptions(N) {
  const out = [];
  for (let m = 1; m < N; m *= 2) out.push(m);
  out.push(N);
  return out;
}

function bounds(data) {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let c = 0; c < data.N; c++) {
    x0 = Math.min(x0, data.x[2 * c]);
    x1 = Math.max(x1, data.x[2 * c]);
    y0 = Math.min(y0, data.x[2 * c + 1]);
    y1 = Math.max(y1, data.x[2 * c + 1]);
  }
  const px = 0.1 * (x1 - x0 || 1);
  const py = 0.1 * (y1 - y0 || 1);
  return [x0 - px, x1 + px, y0 - py, y1 + py];
}

/** "#rrggbb" (or "#rgb") → [r, g, b]; anything else → mid grey. */
function hexToRgb(hex) {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(String(hex).trim());
  const rgb = /^rgba?\(\s*(\d+)[,\s]+(\d+)[,\s]+(\d+)/i.exec(String(hex).trim());
  if (rgb) return [1, 2, 3].map((i) => Number(rgb[i]));
  if (!m) return [128, 128, 128];
  const h = m[1].length === 3 ? [...m[1]].map((c) => c + c).join("") : m[1];
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
}

function clamp(v, lo, hi) {
  if (!Number.isFinite(v)) return hi;
  return Math.max(lo, Math.min(hi, v));
}

/** A log-scale range covering the finite positive values, at least a factor 10 wide. */
function logRange(values) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (Number.isFinite(v) && v > 0) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!(lo <= hi)) return [0.1, 1];
  lo = Math.max(lo, hi * 1e-4, 1e-6);
  let a = Math.floor(Math.log10(lo) * 2) / 2;
  let b = Math.ceil(Math.log10(hi) * 2) / 2;
  if (b - a < 1) a = b - 1;
  return [10 ** a, 10 ** b];
}

function logTicks(lo, hi) {
  const out = [];
  const decades = Math.log10(hi) - Math.log10(lo);
  const mult = decades <= 1.5 ? [1, 2, 5] : decades <= 3 ? [1, 3] : [1];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of mult) {
      const t = m * 10 ** e;
      if (t >= lo * 0.999 && t <= hi * 1.001) out.push(Number(t.toPrecision(3)));
    }
  }
  return out;
}

function niceTicks(lo, hi, n) {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / n;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw);
  const out = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toPrecision(6)));
  return out;
}

function polyline(ctx, ys, sx, sy, colour, dash, width) {
  if (!ys.length) return;
  ctx.beginPath();
  ctx.setLineDash(dash);
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  for (let i = 0; i < ys.length; i++) {
    if (i === 0) ctx.moveTo(sx(i), sy(ys[i]));
    else ctx.lineTo(sx(i), sy(ys[i]));
  }
  ctx.stroke();
  ctx.setLineDash([]);
}

// ------------------------------------------------------------------ keys, entry point

/** anywidget entry point (Trainer calls it through the TrainerLibrary widget's `initialize`). */
function render({ model, el }) {
  const view = new TrainerView(model, el);
  el.__bpt = view; // for tests and the benchmark
  const release = keepKeysFromJupyterLab(el);
  return () => {
    release();
    view.destroy();
  };
}

export default { initialize: () => ({ render }), render };
