// Unit tests of the explorers' JavaScript math (lib/backprop/js/backprop_math.js) against
// fixtures written by the Python lib.  Run: node --test tests/js/
// The fixtures (tests/js/fixtures.json, git-ignored) are generated on first run by
// tests/js/make_fixtures.py with the repo's .venv Python (or python3).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import * as bm from "../../lib/backprop/js/backprop_math.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const fixturesPath = join(here, "fixtures.json");

function ensureFixtures() {
  if (existsSync(fixturesPath)) return;
  const script = join(here, "make_fixtures.py");
  const pythons = [join(root, ".venv", "bin", "python"), "python3"];
  for (const py of pythons) {
    if (py.includes("/") && !existsSync(py)) continue;
    try {
      execFileSync(py, [script, fixturesPath], { cwd: root, stdio: "inherit" });
      return;
    } catch (err) {
      if (py === pythons.at(-1)) throw err;
    }
  }
}

ensureFixtures();
const fixtures = JSON.parse(readFileSync(fixturesPath, "utf8"));
const TOL = 1e-12;

/** |got − want| ≤ 1e-12 · max(1, |want|): relative agreement, absolute near 0. */
function close(got, want, what, tol = TOL) {
  if (want === null) {
    assert.equal(got, null, `${what}: expected null`);
    return;
  }
  if (Array.isArray(want)) {
    assert.ok(Array.isArray(got), `${what}: expected an array, got ${got}`);
    assert.equal(got.length, want.length, `${what}: length`);
    want.forEach((w, i) => close(got[i], w, `${what}[${i}]`, tol));
    return;
  }
  assert.ok(Number.isFinite(got), `${what}: not finite (${got})`);
  const err = Math.abs(got - want) / Math.max(1, Math.abs(want));
  assert.ok(err <= tol, `${what}: got ${got}, want ${want} (error ${err})`);
}

function netOf(c) {
  // Deep copies, so a test that moves a weight never leaks into another.
  return { W: structuredClone(c.W), b: structuredClone(c.b), g: c.g, pair: c.pair };
}

const name = (c, n) => `case ${n}: ${c.g}, ${c.pair}, sizes ${c.sizes.join("-")}`;

test("fixtures cover every activation, pair, depth 1–4 and widths 1–6", () => {
  const cases = fixtures.cases;
  assert.ok(cases.length >= 200);
  for (const g of Object.keys(bm.ACTIVATIONS)) assert.ok(cases.some((c) => c.g === g), g);
  for (const p of Object.keys(bm.PAIRS)) assert.ok(cases.some((c) => c.pair === p), p);
  for (let L = 1; L <= 4; L++) assert.ok(cases.some((c) => c.sizes.length === L + 1), `depth ${L}`);
  for (let n = 1; n <= 6; n++) assert.ok(cases.some((c) => c.sizes.includes(n)), `width ${n}`);
});

test("forward: a_k, h_k and ŷ equal the lib's (≤ 1e-12)", () => {
  fixtures.cases.forEach((c, n) => {
    const net = netOf(c);
    assert.deepEqual(bm.sizesOf(net), c.sizes, name(c, n));
    const fwd = bm.forward(net, c.x);
    close(fwd.a, c.a, `${name(c, n)} a`);
    close(fwd.h, c.h, `${name(c, n)} h`);
  });
});

test("loss equals the lib's (≤ 1e-12), stable for large logits", () => {
  fixtures.cases.forEach((c, n) => {
    const net = netOf(c);
    close(bm.loss(net, bm.forward(net, c.x), c.y), c.loss, `${name(c, n)} loss`);
  });
});

test("backward: grad_a, grad_h, grad_W, grad_b equal the lib's (≤ 1e-12)", () => {
  fixtures.cases.forEach((c, n) => {
    const net = netOf(c);
    const grads = bm.backward(net, bm.forward(net, c.x), c.y);
    close(grads.gradA, c.gradA, `${name(c, n)} gradA`);
    close(grads.gradH, c.gradH, `${name(c, n)} gradH`);
    close(grads.gradW, c.gradW, `${name(c, n)} gradW`);
    close(grads.gradB, c.gradB, `${name(c, n)} gradB`);
  });
});

test("a label ℓ gives the target e(ℓ)", () => {
  for (const c of fixtures.cases.filter((c) => c.label !== null)) {
    assert.deepEqual(bm.oneHot(c.label, c.sizes.at(-1)), c.y);
  }
});

test("centred difference equals the lib's estimate and the analytic gradient", () => {
  fixtures.cases.forEach((c, n) => {
    const net = netOf(c);
    const { k, i, j, eps, numeric } = c.check;
    const got = bm.numericalGradW(net, c.x, c.y, k, i, j, eps);
    // The estimate divides a loss difference by 2ε = 2e-5, so a one-ulp difference between
    // numpy's and V8's exp/log (an ulp of L is 2.2e-16·|L|) shows up amplified ~1e5 times:
    // agreement to 1e-9 relative to the size of the loss, not 1e-12.
    close(got, numeric, `${name(c, n)} numeric`, 1e-9 * Math.max(1, Math.abs(c.loss)));
    assert.deepEqual(net.W, c.W, "the weight is restored exactly");
    // And the estimate agrees with backprop's gradient (skip the kink: ReLU with a_k = 0).
    const atKink = c.g === "relu" && c.a.some((ak) => ak && ak.some((v) => v === 0));
    if (!atKink) {
      const check = bm.checkWeight(net, c.x, c.y, k, i, j, { eps });
      const scale = Math.max(Math.abs(check.analytic), Math.abs(check.numeric));
      if (scale > 1e-6) assert.ok(check.relError < 1e-5, `${name(c, n)}: rel error ${check.relError}`);
    }
  });
});

test("relError: closed-form values", () => {
  assert.equal(bm.relError(1, 1), 0);
  assert.equal(bm.relError(0, 0), 0);
  assert.equal(bm.relError(1, -1), 1);
  assert.equal(bm.relError(3, 1), 0.5);
  assert.ok(Math.abs(bm.relError(1 + 1e-9, 1) - 5e-10) < 1e-15);
});

test("multi-path view: per-path terms equal the lib's and sum to (W_{i+1}ᵀ ∇a_{i+1})_j", () => {
  fixtures.cases.forEach((c, n) => {
    const net = netOf(c);
    const grads = bm.backward(net, bm.forward(net, c.x), c.y);
    const { i, j, terms, gradH } = c.paths;
    const got = bm.pathContributions(net, grads, i, j);
    close(got.terms, terms, `${name(c, n)} terms`);
    assert.equal(got.sum, grads.gradH[i][j], "summed in the same order as W_{i+1}ᵀ ∇a_{i+1}");
    close(got.sum, gradH, `${name(c, n)} sum`);
  });
});

test("edgesOnPaths: every edge from unit (i, j) onwards, and only those", () => {
  const c = fixtures.cases.find((c) => c.sizes.length === 4);
  const net = netOf(c);
  const [, n1, n2, n3] = c.sizes;
  const edges = bm.edgesOnPaths(net, 1, 0);
  assert.equal(edges.length, n2 + n3 * n2);
  assert.ok(edges.every(([k, , n]) => k > 1 && (k > 2 || n === 0)));
  assert.equal(bm.edgesOnPaths(net, 3, 0).length, 0);
  assert.ok(n1 >= 1);
});

// A network where every break is visible: sigmoid, a non-symmetric square hidden layer.
function brokenCase() {
  const net = {
    g: "sigmoid",
    pair: "softmax+cross_entropy",
    W: [
      null,
      [[0.5, -1.2, 0.3], [0.8, 0.1, -0.7], [-0.4, 0.9, 0.6]],
      [[1.1, -0.3, 0.4], [-0.6, 0.7, 0.2], [0.3, 0.5, -0.9]],
      [[0.7, -1.0, 0.4], [-0.2, 0.6, 0.8]],
    ],
    b: [null, [0.1, -0.2, 0.05], [0.0, 0.1, -0.1], [0.2, -0.3]],
  };
  return { net, x: [0.7, -1.1, 0.4], y: bm.oneHot(1, 2) };
}

test("every 'break it' variant makes the gradient check fail; the real one passes", () => {
  const { net, x, y } = brokenCase();
  for (const [k, i, j] of [[1, 0, 1], [1, 2, 0], [2, 1, 2]]) {
    assert.ok(bm.checkWeight(net, x, y, k, i, j).pass, `correct backward W_${k}[${i}][${j}]`);
    for (const b of Object.keys(bm.BREAKS)) {
      const check = bm.checkWeight(net, x, y, k, i, j, { breaks: [b] });
      assert.ok(!check.pass && check.relError > 1e-3, `${b} on W_${k}[${i}][${j}]: ${check.relError}`);
    }
  }
  // Flipping the sign gives exactly the opposite gradient: relative error 1.
  const flipped = bm.checkWeight(net, x, y, 3, 1, 0, { breaks: ["flip_sign"] });
  assert.equal(flipped.relError, 1);
  // In the output layer, g′ and the transpose are not used yet: those checks still pass.
  assert.ok(bm.checkWeight(net, x, y, 3, 1, 0, { breaks: ["drop_g_prime", "drop_transpose"] }).pass);
});

test("drop the transpose on non-square layers: the documented zero-padded fallback", () => {
  const W = [[1, 2, 3], [4, 5, 6]]; // (n_k, n_{k−1}) = (2, 3)
  assert.deepEqual(bm.transposeTimes(W, [1, 10]), [41, 52, 63]);
  assert.deepEqual(bm.untransposedTimes(W, [1, 10]), [21, 54, 0]);
  const tall = [[1, 2], [3, 4], [5, 6]]; // (3, 2)
  assert.deepEqual(bm.untransposedTimes(tall, [1, 10, 100]), [21, 43]);
  const square = [[1, 2], [3, 4]];
  assert.deepEqual(bm.untransposedTimes(square, [1, 10]), [21, 43]);
});

test("stable pieces: sigmoid, softmax, softplus at extreme inputs", () => {
  assert.equal(bm.sigmoid(-1000), 0);
  assert.equal(bm.sigmoid(1000), 1);
  assert.equal(bm.sigmoid(0), 0.5);
  const p = bm.softmax([1000, 1000]);
  assert.deepEqual(p, [0.5, 0.5]);
  assert.ok(Number.isFinite(bm.logSoftmax([-1000, 1000])[0]));
  assert.equal(bm.softplus(1000), 1000);
  assert.equal(bm.reluPrime(0), 0);
  assert.throws(() => bm.getActivation("softsign"), /unknown activation/);
  assert.throws(() => bm.getPair("softmax+mse"), /unknown output\/loss pair/);
});

test("breakReaches: a break that cannot reach W_k leaves ∇W_k exactly as it is, one that can changes it", () => {
  let reached = 0;
  let unreached = 0;
  fixtures.cases.forEach((c, n) => {
    const net = netOf(c);
    const fwd = bm.forward(net, c.x);
    const good = bm.backward(net, fwd, c.y).gradW;
    const L = c.sizes.length - 1;
    for (const key of Object.keys(bm.BREAKS)) {
      const bad = bm.backward(net, fwd, c.y, [key]).gradW;
      for (let k = 1; k <= L; k++) {
        const same = bad[k].every((row, i) => row.every((v, j) => v === good[k][i][j]));
        if (!bm.breakReaches(key, k, L)) {
          assert.ok(same, `${name(c, n)}: ${key} said not to reach W_${k}, but it changed ∇W_${k}`);
          unreached++;
        } else if (!same) {
          reached++;
        }
      }
    }
  });
  // Every "unreached" claim was checked, and the claims of reaching were borne out on the fixtures.
  assert.ok(unreached > 100 && reached > 100, `checked ${unreached} unreached, ${reached} reached`);
  assert.throws(() => bm.breakReaches("drop_everything", 1, 2), /unknown break/);
});
