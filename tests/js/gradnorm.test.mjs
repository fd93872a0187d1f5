// The gradient-norm explorer's math (lib/backprop/js/gradnorm_view.js) against the lib.
// Fixtures: tests/js/gradnorm_fixtures.json, written by tests/js/make_gradnorm_fixtures.py
// (committed; tests/test_gradnorm.py fails when it is out of date).  Run: node --test tests/js/
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import * as gn from "../../lib/backprop/js/gradnorm_view.js";

const here = dirname(fileURLToPath(import.meta.url));
const fx = JSON.parse(readFileSync(join(here, "gradnorm_fixtures.json"), "utf-8"));
const RTOL = 1e-9;

function close(actual, expected, what) {
  const err = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300);
  assert.ok(err <= RTOL, `${what}: ${actual} vs lib ${expected} (relative error ${err})`);
}

test("the float32 normals decode to the lib's values, bit for bit", () => {
  const z = gn.decodeFloat32(fx.data.normals_b64);
  assert.equal(z.length, fx.data.n_max ** 3);
  fx.normals_first.forEach((v, i) => assert.equal(z[i], v));
});

test("σ of each scheme", () => {
  close(gn.weightStd("lecun", 16, 4), Math.sqrt(1 / 16), "lecun");
  close(gn.weightStd("glorot", 16, 4), Math.sqrt(2 / 20), "glorot");
  close(gn.weightStd("he", 8, 8), 0.5, "he");
  assert.equal(gn.weightStd("normal", 8, 3), 1);
  assert.throws(() => gn.weightStd("xavier", 3, 3), /unknown initialisation scheme/);
});

test("the weights are the lib's scaled_network weights", () => {
  const c = fx.cases.find((cc) => cc.W);
  const z = gn.decodeFloat32(fx.data.normals_b64);
  const net = gn.scaledNetwork(z, fx.data.n_max, gn.sizesFor(c.depth, c.width, fx.data.classes), c.g, c.scheme);
  assert.equal(net.W.length - 1, c.W.length);
  c.W.forEach((Wk, k) => Wk.forEach((row, i) => row.forEach((v, j) => assert.equal(net.W[k + 1][i][j], v))));
});

test(`per-layer gradient norms equal the lib's (${fx.cases.length} cases, ≤ ${RTOL} relative)`, () => {
  for (const c of fx.cases) {
    const r = gn.gradNormsAt(fx.data, c);
    const what = `${c.g}/${c.scheme} L=${c.depth} n=${c.width}`;
    assert.equal(r.gradA.length - 1, c.depth, what);
    for (let k = 1; k <= c.depth; k++) {
      close(r.gradA[k], c.grad_a[k - 1], `${what} ‖∇a_${k}‖`);
      close(r.gradW[k], c.grad_W[k - 1], `${what} ‖∇W_${k}‖`);
    }
  }
});

test("logRange spans every positive value in whole decades", () => {
  assert.deepEqual(gn.logRange([3e-5, 0.2, 0]), [-5, 0]);
  assert.deepEqual(gn.logRange([1, 1]), [0, 1]);
  assert.deepEqual(gn.logRange([0]), [-1, 1]);
});
