// Unit tests of the in-page trainer (lib/backprop/js/trainer.js) against bp.train.train.
// The fixtures (tests/js/trainer_fixtures.json, committed) are written by
// tests/js/make_trainer_fixtures.py; tests/test_trainer_widget.py fails when they are out of date.
// Run: node --test tests/js/
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import * as tr from "../../lib/backprop/js/trainer.js";

const here = dirname(fileURLToPath(import.meta.url));
const { cases } = JSON.parse(readFileSync(join(here, "trainer_fixtures.json"), "utf8"));
const TOL = 1e-9;

/** |got − want| ≤ 1e-9 · max(|want|, 1e-3): relative, with a floor for values near 0. */
function close(got, want, what) {
  assert.ok(Number.isFinite(got), `${what}: got ${got}`);
  const err = Math.abs(got - want);
  assert.ok(err <= TOL * Math.max(Math.abs(want), 1e-3), `${what}: got ${got}, the lib ${want} (error ${err})`);
}

function settings(c) {
  return { W: c.W, b: c.b, g: c.g, X: c.X, labels: c.labels, eta: c.eta, M: c.M, epochs: c.epochs, orders: c.orders };
}

test("the fixtures cover GD, SGD and mini-batch × sigmoid, tanh, relu × two data sets, and divergence", () => {
  const trained = cases.filter((c) => !c.error);
  const kinds = new Set(trained.map((c) => `${c.name.split(" ")[0]} ${c.g} ${c.method}`));
  assert.equal(kinds.size, 18);
  assert.ok(cases.some((c) => c.error));
});

for (const c of cases.filter((c) => !c.error)) {
  test(`${c.name}: loss and weights after every epoch are the lib's`, () => {
    const run = tr.createRun(settings(c));
    assert.equal(run.updatesPerEpoch, c.updates_per_epoch);
    close(run.loss[0], c.loss[0], "loss before training");
    for (let e = 1; e <= c.epochs; e++) {
      const more = run.nextEpoch();
      assert.equal(more, e < c.epochs);
      close(run.loss[e], c.loss[e], `loss after epoch ${e}`);
      const { W, b } = tr.netToLists(run.net);
      const want = c.weights[e - 1];
      for (let k = 1; k < W.length; k++) {
        W[k].forEach((row, i) => row.forEach((v, j) => close(v, want.W[k][i][j], `epoch ${e} W_${k}[${i}][${j}]`)));
        b[k].forEach((v, i) => close(v, want.b[k][i], `epoch ${e} b_${k}[${i}]`));
      }
    }
    assert.equal(run.updateLoss.length, c.update_loss.length);
    run.updateLoss.forEach((v, i) => close(v, c.update_loss[i], `batch loss before update ${i + 1}`));
    assert.equal(run.error, null);
    close(tr.accuracy(run.net, run.data, tr.makeWorkspace(run.net.sizes, run.data.N)), c.accuracy, "accuracy");
  });
}

for (const c of cases.filter((c) => c.error)) {
  test(`${c.name}: stops with the lib's message`, () => {
    const run = tr.train(settings(c));
    assert.equal(run.error, c.error);
    assert.ok(run.done && run.epoch <= c.epochs);
    assert.equal(run.nextEpoch(), false, "a diverged run trains no further");
  });
}

test("the initial weights are copied: training leaves the caller's lists alone", () => {
  const c = cases[0];
  const before = JSON.stringify(c.W);
  tr.train(settings(c));
  assert.equal(JSON.stringify(c.W), before);
});

test("bad settings are refused with a message naming what was expected", () => {
  const c = cases.find((x) => x.method === "mini-batch");
  assert.throws(() => tr.createRun({ ...settings(c), eta: 0 }), /eta .* > 0/);
  assert.throws(() => tr.createRun({ ...settings(c), M: 0 }), /batch_size must be an integer in 1\.\.N/);
  assert.throws(() => tr.createRun({ ...settings(c), orders: null }), /shuffle orders/);
  assert.throws(() => tr.createRun({ ...settings(c), g: "softplus" }), /activation must be one of/);
  assert.equal(tr.batchSizeOf("GD", 8, 40), 40);
  assert.equal(tr.batchSizeOf("SGD", 8, 40), 1);
  assert.equal(tr.batchSizeOf("mini-batch", 8, 40), 8);
});
