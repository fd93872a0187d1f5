// Unit tests of the graph explorer's JavaScript math (lib/backprop/js/graph_view.js) against
// tests/js/graph_fixtures.json, written by tests/js/make_graph_fixtures.py from backprop.autodiff
// (committed; tests/test_graph_widget.py checks that it is up to date).  Run: node --test tests/js/
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import * as gv from "../../lib/backprop/js/graph_view.js";

const here = dirname(fileURLToPath(import.meta.url));
const { cases } = JSON.parse(readFileSync(join(here, "graph_fixtures.json"), "utf-8"));
const TOL = 1e-12;

function close(actual, expected, what) {
  const scale = Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= TOL * scale, `${what}: ${actual} vs lib ${expected}`);
}

test("the fixtures hold the explorer's graphs and random ones", () => {
  const names = cases.map((c) => c.spec.name);
  assert.ok(names.includes("deep_thin") && names.includes("shared_weight"));
  assert.ok(cases.length >= 40);
});

for (const { spec, expected } of cases) {
  test(`${spec.name}: order, values, every step and every gradient equal the lib's`, () => {
    const sweep = gv.backwardSweep(spec.nodes);
    assert.deepEqual(sweep.order, expected.order);
    expected.values.forEach((v, i) => close(sweep.values[i], v, `value of node ${i}`));
    assert.equal(sweep.steps.length, expected.steps.length);
    sweep.steps.forEach((s, n) => {
      const e = expected.steps[n];
      assert.equal(s.node, e.node);
      close(s.grad, e.grad, `step ${n}: upstream gradient`);
      assert.equal(s.sent.length, e.sent.length);
      s.sent.forEach((v, k) => close(v, e.sent[k], `step ${n}: VJP to parent ${k}`));
      s.sent.forEach((v, k) => close(v, s.grad * s.local[k], `step ${n}: VJP = ḡ × local`));
    });
    expected.grads.forEach((g, i) => close(sweep.grads[i], g, `gradient of node ${i}`));
  });
}

test("gradientsAt: partial sums along the way, complete after the node's own step", () => {
  const { spec, expected } = cases.find((c) => c.spec.name === "shared_weight");
  const sweep = gv.backwardSweep(spec.nodes);
  const w = spec.nodes.findIndex((n) => n.label === "w");
  const wStep = expected.order.indexOf(w);
  const before = gv.gradientsAt(spec.nodes, sweep, wStep);
  assert.equal(before[w].shares.length, 2); // both uses have sent their share
  close(before[w].grad, before[w].shares[0] + before[w].shares[1], "sum of shares");
  close(before[w].grad, expected.grads[w], "∂ℓ/∂w");
  assert.equal(before[w].state, "partial");
  assert.equal(gv.gradientsAt(spec.nodes, sweep, wStep + 1)[w].state, "done");
  const start = gv.gradientsAt(spec.nodes, sweep, 0);
  assert.equal(start.at(-1).grad, 1);
  assert.ok(start.slice(0, -1).every((s) => s.state === "pending"));
});

test("layout: every operation sits below its parents, every row fits", () => {
  for (const { spec } of cases) {
    const { level, rows } = gv.layout(spec.nodes);
    spec.nodes.forEach((n, i) => n.parents.forEach((j) => assert.ok(level[j] < level[i], spec.name)));
    assert.equal(rows.flat().length, spec.nodes.length);
  }
});

test("fmt and the texts", () => {
  assert.equal(gv.fmt(-0.123456), "\u22120.1235");
  assert.equal(gv.fmt(0), "0");
  assert.equal(gv.fmt(1), "1");
  assert.equal(gv.fmt(1.5e-5), "1.500e-5");
  const { spec } = cases.find((c) => c.spec.name === "deep_thin");
  const a1 = spec.nodes.findIndex((n) => n.label === "a₁");
  assert.equal(gv.definition(spec.nodes, a1), "a₁ = w₁x + b₁");
  const h1 = spec.nodes.findIndex((n) => n.label === "h₁");
  assert.equal(gv.localText(spec.nodes, h1, 0), "σ′(a₁)");
  assert.throws(() => gv.evaluate("nope", [1]), /unknown op/);
});
