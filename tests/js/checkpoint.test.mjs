// Unit tests of the checkpointing explorer's math (lib/backprop/js/checkpoint_view.js) against
// the committed fixtures tests/js/checkpoint_fixtures.json, written by
// tests/js/make_checkpoint_fixtures.py from backprop.checkpoint (tests/test_checkpoint.py
// fails if the file is out of date).  Run: node --test tests/js/
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import * as ck from "../../lib/backprop/js/checkpoint_view.js";

const here = dirname(fileURLToPath(import.meta.url));
const fx = JSON.parse(readFileSync(join(here, "checkpoint_fixtures.json"), "utf8"));

test("fixtures are there", () => {
  assert.ok(fx.nets.length >= 40 && fx.explorer.length >= 30);
});

test("multiply-adds and stored floats of the plain pass equal the lib's", () => {
  for (const c of fx.nets) {
    assert.deepEqual(ck.forwardMadds(c.sizes, c.B), c.forward, `forward, sizes ${c.sizes}`);
    assert.deepEqual(ck.backwardMadds(c.sizes, c.B), c.backward, `backward, sizes ${c.sizes}`);
    assert.deepEqual(ck.backwardMadds(c.sizes, c.B, true), c.backward_input_grad, `backward ∇x, sizes ${c.sizes}`);
    assert.equal(ck.storedFloats(c.sizes, c.B), c.stored, `stored, sizes ${c.sizes}`);
  }
});

test("checkpoints, segments, memory, recomputation equal the lib's for every m", () => {
  for (const c of fx.nets) {
    const L = c.sizes.length - 1;
    for (const p of c.per_m) {
      const what = `sizes ${c.sizes}, B ${c.B}, m ${p.m}`;
      assert.deepEqual(ck.checkpoints(L, p.m), p.checkpoints, `checkpoints, ${what}`);
      assert.deepEqual(ck.segments(L, p.m), p.segments, `segments, ${what}`);
      assert.deepEqual(ck.checkpointMemory(c.sizes, c.B, p.m), p.memory, `memory, ${what}`);
      assert.equal(ck.peakFloats(c.sizes, c.B, p.m), p.peak, `peak, ${what}`);
      assert.equal(ck.recomputedLayers(L, p.m), p.recomputed, `recomputed, ${what}`);
      assert.equal(ck.extraForwardMadds(c.sizes, c.B, p.m), p.extra, `extra, ${what}`);
    }
  }
});

test("the explorer's readouts equal the lib's", () => {
  for (const c of fx.explorer) {
    const s = ck.summary(c.L, c.m, c.n);
    for (const key of ["m", "segments", "peak", "plain", "recomputed", "extra", "forward", "backward", "best"]) {
      assert.equal(s[key], c[key], `${key}, L ${c.L}, m ${c.m}, n ${c.n}`);
    }
  }
});
