// graph_view.js — the graph explorer of chapter 13 (backprop.graph_widget.GraphExplorer).
//
// Math first (plain exported functions, tested under node against fixtures from the Python lib,
// tests/js/graph_view.test.mjs), then the view (SVG and controls).  A graph spec is
// {name, title, nodes: [{op, label, parents: [indices], value?}]}, nodes in topological order,
// the loss last; every node holds one number.  The sweep is backprop.autodiff.backward's: ḡ of
// the loss is 1, then each node, in reverse topological order, sends ḡ × ∂v/∂parent to each
// parent, which adds up what it receives.

import { keepKeysFromJupyterLab } from "./keys.js";

// ---------------------------------------------------------------- math

const sigmoid = (x) => 1 / (1 + Math.exp(-x));

/** v = op(parents' values), for one number per node. */
export function evaluate(op, p) {
  switch (op) {
    case "add":
      return p[0] + p[1];
    case "sub":
      return p[0] - p[1];
    case "mul":
    case "matmul":
      return p[0] * p[1];
    case "sigmoid":
      return sigmoid(p[0]);
    case "tanh":
      return Math.tanh(p[0]);
    case "relu":
      return Math.max(0, p[0]);
    case "identity":
    case "sum":
    case "mean":
      return p[0];
    case "exp":
      return Math.exp(p[0]);
    case "log":
      return Math.log(p[0]);
    case "square":
      return p[0] * p[0];
    case "abs":
      return Math.abs(p[0]);
    case "softplus":
      return Math.max(p[0], 0) + Math.log1p(Math.exp(-Math.abs(p[0])));
    default:
      throw new Error(`graph_view: unknown op ${op}`);
  }
}

/** The local derivatives ∂v/∂parent_i of one node, one per parent. */
export function localDerivatives(op, p) {
  switch (op) {
    case "add":
      return [1, 1];
    case "sub":
      return [1, -1];
    case "mul":
    case "matmul":
      return [p[1], p[0]];
    case "sigmoid": {
      const s = sigmoid(p[0]);
      return [s * (1 - s)];
    }
    case "tanh": {
      const t = Math.tanh(p[0]);
      return [1 - t * t];
    }
    case "relu":
      return [p[0] > 0 ? 1 : 0];
    case "identity":
    case "sum":
    case "mean":
      return [1];
    case "exp":
      return [Math.exp(p[0])];
    case "log":
      return [1 / p[0]];
    case "square":
      return [2 * p[0]];
    case "abs":
      return [Math.sign(p[0])];
    case "softplus":
      return [sigmoid(p[0])];
    default:
      throw new Error(`graph_view: unknown op ${op}`);
  }
}

/** Node indices, each after its parents, the root (last node) last: backprop.autodiff's DFS. */
export function topologicalOrder(nodes) {
  const order = [];
  const seen = new Set();
  const stack = [[nodes.length - 1, false]];
  while (stack.length) {
    const [i, parentsDone] = stack.pop();
    if (parentsDone) order.push(i);
    else if (!seen.has(i)) {
      seen.add(i);
      stack.push([i, true]);
      const ps = nodes[i].parents;
      for (let j = ps.length - 1; j >= 0; j--) if (!seen.has(ps[j])) stack.push([ps[j], false]);
    }
  }
  return order;
}

/** The forward pass: every node's value, in topological order. */
export function forwardValues(nodes) {
  const values = new Array(nodes.length);
  for (const i of topologicalOrder(nodes)) {
    const n = nodes[i];
    values[i] = n.parents.length ? evaluate(n.op, n.parents.map((j) => values[j])) : n.value;
  }
  return values;
}

/** The backward sweep: {values, order, steps: [{node, grad, local, sent}], grads}. */
export function backwardSweep(nodes) {
  const values = forwardValues(nodes);
  const order = topologicalOrder(nodes).reverse();
  const grads = new Array(nodes.length).fill(null);
  grads[nodes.length - 1] = 1; // ∂ℓ/∂ℓ = 1
  const steps = [];
  for (const i of order) {
    const n = nodes[i];
    const g = grads[i];
    const local = n.parents.length ? localDerivatives(n.op, n.parents.map((j) => values[j])) : [];
    const sent = local.map((d) => g * d);
    n.parents.forEach((j, k) => {
      grads[j] = grads[j] === null ? sent[k] : grads[j] + sent[k];
    });
    steps.push({ node: i, grad: g, local, sent });
  }
  return { values, order: steps.map((s) => s.node), steps, grads: grads.map((g) => g ?? 0) };
}

/** What each node's ḡ is after `step` steps: {state: 'pending'|'partial'|'done', grad, shares}. */
export function gradientsAt(nodes, sweep, step) {
  const out = nodes.map(() => ({ state: "pending", grad: 0, shares: [] }));
  out[nodes.length - 1] = { state: "partial", grad: 1, shares: [] }; // the seed
  for (let s = 0; s < step; s++) {
    const st = sweep.steps[s];
    out[st.node].state = "done";
    nodes[st.node].parents.forEach((j, k) => {
      out[j].grad = out[j].shares.length ? out[j].grad + st.sent[k] : st.sent[k];
      out[j].shares.push(st.sent[k]);
      if (out[j].state === "pending") out[j].state = "partial";
    });
  }
  return out;
}

/** Rows of the drawing: an operation one row below its deepest parent; a leaf one row above
 * its first consumer, so that inputs sit next to where they are used. */
export function layout(nodes) {
  const level = new Array(nodes.length).fill(0);
  for (const i of topologicalOrder(nodes)) {
    const ps = nodes[i].parents;
    if (ps.length) level[i] = 1 + Math.max(...ps.map((j) => level[j]));
  }
  nodes.forEach((n, i) => {
    if (n.parents.length) return;
    const users = nodes.map((m, k) => (m.parents.includes(i) ? level[k] : Infinity));
    const first = Math.min(...users);
    if (Number.isFinite(first)) level[i] = first - 1;
  });
  const rows = [];
  nodes.forEach((_, i) => {
    (rows[level[i]] ||= []).push(i);
  });
  return { level, rows: rows.filter(Boolean) };
}

/** A number as the view shows it: 4 significant digits, a true minus sign. */
export function fmt(x) {
  if (x === 0) return "0";
  const a = Math.abs(x);
  const s = a >= 1e-3 && a < 1e4 ? String(Number(a.toPrecision(4))) : a.toExponential(3);
  return (x < 0 ? "\u2212" : "") + s;
}

const OP_TEXT = {
  add: (p) => `${p[0]} + ${p[1]}`,
  sub: (p) => `${p[0]} − ${p[1]}`,
  mul: (p) => `${p[0]} × ${p[1]}`,
  matmul: (p) => `${p[0]} ${p[1]}`,
  sigmoid: (p) => `σ(${p[0]})`,
  tanh: (p) => `tanh(${p[0]})`,
  relu: (p) => `relu(${p[0]})`,
  identity: (p) => p[0],
  exp: (p) => `exp(${p[0]})`,
  log: (p) => `log(${p[0]})`,
  square: (p) => `(${p[0]})²`,
  abs: (p) => `|${p[0]}|`,
  softplus: (p) => `softplus(${p[0]})`,
  sum: (p) => `Σ ${p[0]}`,
  mean: (p) => `mean ${p[0]}`,
};

const LOCAL_TEXT = {
  add: () => ["1", "1"],
  sub: () => ["1", "−1"],
  mul: (p) => [p[1], p[0]],
  matmul: (p) => [p[1], p[0]],
  sigmoid: (p) => [`σ′(${p[0]})`],
  tanh: (p) => [`1 − tanh²(${p[0]})`],
  relu: (p) => [`1{${p[0]} > 0}`],
  identity: () => ["1"],
  exp: (p) => [`exp(${p[0]})`],
  log: (p) => [`1/${p[0]}`],
  square: (p) => [`2 ${p[0]}`],
  abs: (p) => [`sign(${p[0]})`],
  softplus: (p) => [`σ(${p[0]})`],
  sum: () => ["1"],
  mean: () => ["1"],
};

/** The node's definition, e.g. "a₁ = w₁x + b₁" (just the label for a leaf). */
export function definition(nodes, i) {
  const n = nodes[i];
  if (!n.parents.length) return n.label;
  const rhs = OP_TEXT[n.op](n.parents.map((j) => nodes[j].label));
  return rhs === n.label ? n.label : `${n.label} = ${rhs}`;
}

/** The local derivative's formula for parent k of node i, e.g. "σ′(a₁)". */
export function localText(nodes, i, k) {
  const n = nodes[i];
  return LOCAL_TEXT[n.op](n.parents.map((j) => nodes[j].label))[k];
}

// ---------------------------------------------------------------- view

const SVG = "http://www.w3.org/2000/svg";
const VIEW_W = 360;
const BOX_H = 46;
const ROW_PITCH = 80;
const MARGIN = 8;

function svgEl(tag, attrs = {}, text = null) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== null) e.textContent = text;
  return e;
}

function htmlEl(tag, attrs = {}, text = null) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== null) e.textContent = text;
  return e;
}

let instances = 0;

class GraphView {
  constructor(model, el) {
    this.model = model;
    this.el = el;
    this.id = `bpg-${++instances}`;
    this.timer = null;
    this.root = htmlEl("div", { class: "bpg" });
    el.appendChild(this.root);
    this.buildControls();
    this.figure = htmlEl("div", { class: "bpg-body" });
    this.root.appendChild(this.figure);
    this.onChange = () => this.load();
    model.on("change:selected", this.onChange);
    this.onStep = () => this.draw();
    model.on("change:step", this.onStep);
    this.load();
  }

  buildControls() {
    const bar = htmlEl("div", { class: "bpg-controls" });
    const label = htmlEl("label", { for: `${this.id}-graph` }, "Graph ");
    this.menu = htmlEl("select", { id: `${this.id}-graph`, "data-bpg-control": "graph" });
    for (const g of this.model.get("graphs")) {
      const o = htmlEl("option", { value: g.name }, g.title);
      this.menu.appendChild(o);
    }
    this.menu.addEventListener("change", () => {
      this.stop();
      this.model.set({ selected: this.menu.value, step: 0 });
      this.model.save_changes();
    });
    label.appendChild(this.menu);
    this.back = htmlEl("button", { type: "button", "data-bpg-control": "back", "aria-label": "Step back" }, "◀ Back");
    this.forward = htmlEl(
      "button",
      { type: "button", "data-bpg-control": "forward", "aria-label": "Step forward" },
      "Step ▶",
    );
    this.play = htmlEl("button", { type: "button", "data-bpg-control": "play", "aria-pressed": "false" }, "Play");
    this.back.addEventListener("click", () => {
      this.stop();
      this.go(-1);
    });
    this.forward.addEventListener("click", () => {
      this.stop();
      this.go(+1);
    });
    this.play.addEventListener("click", () => (this.timer ? this.stop() : this.start()));
    const buttons = htmlEl("span", { class: "bpg-buttons", role: "group", "aria-label": "Backward sweep" });
    buttons.append(this.back, this.forward, this.play);
    bar.append(label, buttons);
    this.root.appendChild(bar);
  }

  get spec() {
    const name = this.model.get("selected");
    return this.model.get("graphs").find((g) => g.name === name) || this.model.get("graphs")[0];
  }

  load() {
    this.nodes = this.spec.nodes;
    this.sweep = backwardSweep(this.nodes);
    this.menu.value = this.spec.name;
    this.figure.replaceChildren();
    this.svg = svgEl("svg", { role: "img", "aria-labelledby": `${this.id}-title`, class: "bpg-svg" });
    this.svg.appendChild(
      svgEl("title", { id: `${this.id}-title` }, `${this.spec.title}: computational graph of ${this.nodes.length} nodes`),
    );
    const defs = svgEl("defs");
    const marker = svgEl("marker", {
      id: `${this.id}-arrow`,
      viewBox: "0 0 10 10",
      refX: "9",
      refY: "5",
      markerWidth: "7",
      markerHeight: "7",
      orient: "auto-start-reverse",
    });
    marker.appendChild(svgEl("path", { d: "M0,0 L10,5 L0,10 z", class: "bpg-arrowhead" }));
    defs.appendChild(marker);
    this.svg.appendChild(defs);
    this.place();
    this.figure.appendChild(this.svg);
    this.panel = htmlEl("div", { class: "bpg-panel", "aria-live": "polite" });
    this.figure.appendChild(this.panel);
    this.draw();
  }

  place() {
    const { rows } = layout(this.nodes);
    this.pos = [];
    rows.forEach((row, r) => {
      const w = Math.min(112, (VIEW_W - (row.length + 1) * MARGIN) / row.length);
      const total = row.length * w + (row.length - 1) * MARGIN;
      row.forEach((i, c) => {
        const x = (VIEW_W - total) / 2 + c * (w + MARGIN);
        this.pos[i] = { x, y: MARGIN + r * ROW_PITCH, w };
      });
    });
    const height = MARGIN * 2 + (rows.length - 1) * ROW_PITCH + BOX_H;
    this.svg.setAttribute("viewBox", `0 0 ${VIEW_W} ${height}`);
    this.edges = svgEl("g", { class: "bpg-edges" });
    this.boxes = svgEl("g", { class: "bpg-nodes" });
    this.svg.append(this.edges, this.boxes);
  }

  go(delta) {
    const n = this.nodes.length;
    const step = Math.min(n, Math.max(0, this.model.get("step") + delta));
    this.model.set("step", step);
    this.model.save_changes();
  }

  start() {
    if (this.model.get("step") >= this.nodes.length) {
      this.model.set("step", 0);
      this.model.save_changes();
    }
    this.play.textContent = "Pause";
    this.play.setAttribute("aria-pressed", "true");
    this.timer = setInterval(() => {
      if (this.model.get("step") >= this.nodes.length) this.stop();
      else this.go(+1);
    }, 700);
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.play.textContent = "Play";
    this.play.setAttribute("aria-pressed", "false");
  }

  draw() {
    const nodes = this.nodes;
    const step = Math.min(this.model.get("step"), nodes.length);
    const state = gradientsAt(nodes, this.sweep, step);
    const current = step ? this.sweep.steps[step - 1] : null;
    this.back.disabled = step === 0;
    this.forward.disabled = step === nodes.length;
    this.edges.replaceChildren();
    this.boxes.replaceChildren();
    nodes.forEach((n, i) => {
      n.parents.forEach((j, k) => {
        const a = this.pos[j];
        const b = this.pos[i];
        const hot = current && current.node === i;
        const line = svgEl("line", {
          x1: a.x + a.w / 2,
          y1: a.y + BOX_H,
          x2: b.x + b.w / 2,
          y2: b.y,
          class: hot ? "bpg-edge bpg-edge-hot" : "bpg-edge",
        });
        if (hot) line.setAttribute("marker-start", `url(#${this.id}-arrow)`);
        this.edges.appendChild(line);
        if (hot) {
          const mx = (a.x + a.w / 2 + b.x + b.w / 2) / 2;
          const my = (a.y + BOX_H + b.y) / 2;
          const label = svgEl("text", { x: mx, y: my + 4, "text-anchor": "middle", class: "bpg-sent" }, fmt(current.sent[k]));
          const bg = svgEl("rect", { x: mx - 28, y: my - 8, width: 56, height: 15, rx: 3, class: "bpg-sent-bg" });
          this.edges.append(bg, label);
        }
      });
    });
    nodes.forEach((n, i) => {
      const p = this.pos[i];
      const s = state[i];
      const cls = ["bpg-node", `bpg-${s.state}`];
      if (current && current.node === i) cls.push("bpg-current");
      const g = svgEl("g", {
        class: cls.join(" "),
        "data-node": i,
        "data-value": String(this.sweep.values[i]),
        "data-state": s.state,
      });
      if (s.state !== "pending") g.setAttribute("data-grad", String(s.grad));
      g.appendChild(svgEl("rect", { x: p.x, y: p.y, width: p.w, height: BOX_H, rx: 6 }));
      const cx = p.x + p.w / 2;
      const def = definition(nodes, i);
      g.appendChild(svgEl("text", { x: cx, y: p.y + 14, "text-anchor": "middle", class: "bpg-def" }, def));
      g.appendChild(svgEl("text", { x: cx, y: p.y + 28, "text-anchor": "middle" }, `v = ${fmt(this.sweep.values[i])}`));
      let gText = "ḡ = ?";
      if (s.state === "done") gText = `ḡ = ${fmt(s.grad)}`;
      else if (s.state === "partial") gText = i === nodes.length - 1 ? "ḡ = 1 (seed)" : `ḡ so far ${fmt(s.grad)}`;
      g.appendChild(svgEl("text", { x: cx, y: p.y + 41, "text-anchor": "middle", class: "bpg-grad" }, gText));
      this.boxes.appendChild(g);
    });
    this.drawPanel(step, state, current);
  }

  drawPanel(step, state, current) {
    const nodes = this.nodes;
    const panel = this.panel;
    panel.replaceChildren();
    panel.setAttribute("data-step", String(step));
    panel.appendChild(htmlEl("p", { class: "bpg-status" }, `Step ${step} of ${nodes.length}`));
    if (!current) {
      panel.appendChild(
        htmlEl(
          "p",
          {},
          "The forward pass has filled in every value v. The sweep starts at the loss with " +
            "ḡ = ∂ℓ/∂ℓ = 1 and visits the nodes in reverse topological order.",
        ),
      );
      return;
    }
    const i = current.node;
    const n = nodes[i];
    panel.setAttribute("data-current", String(i));
    panel.appendChild(htmlEl("p", { class: "bpg-which" }, `Node ${definition(nodes, i)}`));
    const up = htmlEl("p", { class: "bpg-upstream", "data-grad": String(current.grad) });
    const shares = state[i].shares;
    up.textContent =
      `Upstream gradient ḡ = ∂ℓ/∂${n.label} = ${fmt(current.grad)}` +
      (i === nodes.length - 1
        ? " (the seed)."
        : shares.length > 1
          ? ` = ${shares.map(fmt).join(" + ")}, the sum of what its ${shares.length} children sent.`
          : ", what its one child sent.");
    panel.appendChild(up);
    if (!n.parents.length) {
      panel.appendChild(
        htmlEl("p", {}, `${n.label} is a leaf (an input or a parameter): it sends nothing on; its gradient is complete.`),
      );
      return;
    }
    const table = htmlEl("table", { class: "bpg-vjps" });
    const cap = htmlEl("caption", {}, "Local VJPs: ḡ × ∂v/∂parent, sent to each parent");
    const head = htmlEl("tr");
    for (const h of ["to", "∂v/∂parent", "VJP"]) head.appendChild(htmlEl("th", { scope: "col" }, h));
    table.append(cap, head);
    n.parents.forEach((j, k) => {
      const tr = htmlEl("tr", { "data-parent": String(j), "data-sent": String(current.sent[k]) });
      tr.append(
        htmlEl("td", {}, nodes[j].label),
        htmlEl("td", {}, `${localText(nodes, i, k)} = ${fmt(current.local[k])}`),
        htmlEl("td", {}, `${fmt(current.grad)} × ${fmt(current.local[k])} = ${fmt(current.sent[k])}`),
      );
      table.appendChild(tr);
    });
    panel.appendChild(table);
  }

  destroy() {
    this.stop();
    this.model.off("change:selected", this.onChange);
    this.model.off("change:step", this.onStep);
  }
}

function render({ model, el }) {
  const view = new GraphView(model, el);
  el.__bpg = view; // for tests
  const release = keepKeysFromJupyterLab(el);
  return () => {
    release();
    view.destroy();
  };
}

export default { render };
