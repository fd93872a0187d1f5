// The labels the explorers show the reader (lib/backprop/js/explorer_view.js): the lectures'
// numbering, units counted from 1, while every index the code passes around stays 0-based.
// Run: node --test tests/js/
import { test } from "node:test";
import assert from "node:assert/strict";

import { label, sub, unitName, unitNumber, weightName } from "../../lib/backprop/js/explorer_view.js";

test("subscripts: digits and the index letters", () => {
  assert.equal(sub(12), "₁₂");
  assert.equal(sub("m"), "ₘ");
});

test("a 0-based unit index is shown as the lecture's 1-based number", () => {
  assert.equal(unitNumber(0), 1);
  assert.equal(unitNumber(5), 6);
  assert.equal(unitNumber("m"), "m");
});

test("weights: W_{k,ij} with layer k as in the code and units i, j from 1", () => {
  // selected = [2, 0, 2] is net.W[2][0, 2]: from unit 3 of layer 1 to unit 1 of layer 2.
  assert.equal(weightName([2, 0, 2]), "W₂,₁₃");
  assert.equal(weightName([1, 0, 0]), "W₁,₁₁");
  assert.equal(label("W", 3, "m", 1), "W₃,ₘ₂");
});

test("units: x₁ for the input layer, h_{k,j} and a_{k,j} above it", () => {
  assert.equal(unitName("x", 0, 0), "x₁");
  assert.equal(unitName("h", 0, 1), "x₂");
  assert.equal(unitName("h", 1, 1), "h₁,₂");
  assert.equal(unitName("a", 2, 0), "a₂,₁");
  assert.equal(label("ŷ", null, 3), "ŷ₄");
  assert.equal(label("W", 2), "W₂");
});

test("no label the reader sees is 0-based", () => {
  for (const k of [1, 2, 3, 4]) {
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 6; j++) assert.doesNotMatch(weightName([k, i, j]), /[₀[\]]/);
      assert.doesNotMatch(unitName("h", k, i), /[₀[\]]/);
    }
  }
});
