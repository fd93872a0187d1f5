// The answer boxes' checker (lib/backprop/js/answers.js) against the Python checker's verdicts.
// Run: node --test tests/js/
// tests/js/answer_fixtures.json (committed; written by tests/js/make_answer_fixtures.py, kept up
// to date by tests/test_answers.py) holds exercises, answers and backprop.exercises.check's
// verdict on each: checkAnswer must give the same reason and, word for word, the same message.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import * as A from "../../lib/backprop/js/answers.js";

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = JSON.parse(readFileSync(join(here, "answer_fixtures.json"), "utf8"));
const messages = JSON.parse(readFileSync(join(here, "..", "..", "lib", "backprop", "js", "answer_messages.json"), "utf8"));

/** make_answer_fixtures.decode: {"float": "nan" | "inf" | "-inf"} → the number. */
function decode(v) {
  if (Array.isArray(v)) return v.map(decode);
  if (v && typeof v === "object" && Object.keys(v).length === 1 && "float" in v)
    return { nan: NaN, inf: Infinity, "-inf": -Infinity }[v.float];
  return v;
}

test("every fixture case: the Python checker's reason and message", () => {
  const wrong = [];
  for (const c of fixtures.cases) {
    const fb = A.checkAnswer(decode(c.answer), fixtures.exercises[c.exercise], messages);
    if (fb.reason !== c.reason || fb.message !== c.message || fb.correct !== c.correct || A.feedbackText(fb) !== c.text)
      wrong.push(`${c.id}: got ${fb.reason} "${fb.message}", want ${c.reason} "${c.message}"`);
  }
  assert.deepEqual(wrong, [], `${wrong.length} of ${fixtures.cases.length} cases differ`);
});

test("the fixture set covers every reason many times", () => {
  const counts = {};
  for (const c of fixtures.cases) counts[c.reason] = (counts[c.reason] || 0) + 1;
  const reasons = ["correct", "not_attempted", "type", "nonfinite", "mistake", "shape", "transposed", "sign",
    "factor", "close", "partial", "different"];
  for (const r of reasons) assert.ok(counts[r] >= 8, `${r}: ${counts[r] || 0} cases`);
  const texts = fixtures.cases.map((c) => c.message);
  for (const words of ["×1/B", "×B", "transpose of the answer", "1-D array", "only the shape differs", "Hint:"])
    assert.ok(texts.some((t) => t.includes(words)), `no case says ${words}`);
});

test("Python's number formats: {:.3g}, {:.1e}, {:.0e}, half to even", () => {
  const g = [[1.125, "1.12"], [0.125, "0.125"], [1234.5, "1.23e+03"], [0.0001234, "0.000123"], [12.0, "12"],
    [0.37, "0.37"], [999.5, "1e+03"], [1e-5, "1e-05"], [2.675, "2.67"], [0.5, "0.5"]];
  for (const [x, want] of g) assert.equal(A.formatG(x, 3), want, `${x}:.3g`);
  assert.equal(A.formatExp(0.0123, 1), "1.2e-02");
  assert.equal(A.formatExp(1e-6, 0), "1e-06");
  assert.equal(A.formatExp(0.25, 0), "2e-01"); // a tie: half to even
  assert.deepEqual(A.limitDenominator(1 / 3, 16), [1n, 3n]);
  assert.deepEqual(A.limitDenominator(0.37, 16), [3n, 8n]);
});

test("numpy's pairwise sum, bit for bit", () => {
  // 0.1 + 0.2 + 0.3 ... summed pairwise over > 8 entries differs from a left-to-right sum.
  const xs = Array.from({ length: 29 }, (_, i) => 0.1 * (i + 1) * (i % 3 === 0 ? 1e8 : 1));
  const left = xs.reduce((s, x) => s + x, 0);
  const r = xs.slice(0, 8);
  for (let i = 8; i < 24; i += 8) for (let j = 0; j < 8; j++) r[j] += xs[i + j];
  let want = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
  for (let i = 24; i < 29; i++) want += xs[i];
  assert.equal(A.pairwiseSum(xs), want);
  assert.notEqual(want, left, "the example should tell the two orders apart");
});

test("typed answers: rows, columns, brackets, fractions, the typographic minus", () => {
  const p = (text, nd = 2) => A.parseTyped(text, nd).value;
  assert.equal(p("", 2), null);
  assert.equal(p("  0.25 ", 0), 0.25);
  assert.equal(p("−1/4", 0), -0.25);
  assert.deepEqual(p("0.2; 0.2; -0.6; 0.2"), [[0.2], [0.2], [-0.6], [0.2]]);
  assert.deepEqual(p("0.2\n0.2\n\n-0.6\n"), [[0.2], [0.2], [-0.6]]);
  assert.deepEqual(p("1, 2; 3 4"), [[1, 2], [3, 4]]);
  assert.deepEqual(p("1, 2, 3"), [[1, 2, 3]]);
  assert.deepEqual(p("1, 2, 3", 1), [1, 2, 3]);
  assert.deepEqual(p("5"), [[5]]);
  assert.deepEqual(p("[[0.2], [0.2]]"), [[0.2], [0.2]]);
  assert.deepEqual(p("np.array([1, 2.5e-1,])"), [1, 0.25]);
  assert.ok(Number.isNaN(p("nan", 0)));
  assert.equal(p("-inf", 0), -Infinity);
  assert.equal(p("abc", 0), "abc");
  assert.match(A.parseTyped("1, x", 2).note, /could not read “x”/);
  assert.deepEqual(p("1, 2; 3"), [[1, 2], [3]]);
  assert.match(A.parseTyped("1, 2; 3", 2).note, /different lengths/);
  assert.equal(A.formatTyped([[1, 2], [3, 4]]), "1, 2; 3, 4");
});

test("typed text reaches the checker: a transposed matrix, a row for a column, [[x]] for x", () => {
  const W = fixtures.exercises.find((e) => e.name === "∇_{W_3} L");
  assert.equal(A.checkAnswer(A.parseTyped("1, 3, -1.5\n-2, 0.5, 4").value, W, messages).reason, "transposed");
  const col = fixtures.exercises.find((e) => e.name === "∇_{a_L} L");
  const fb = A.checkAnswer(A.parseTyped("0.2, 0.2, -0.6, 0.2").value, col, messages);
  assert.equal(fb.reason, "mistake"); // this exercise names that mistake itself
  assert.equal(fb.message, "a row, not a column. Hint: ∇_{a_L} L = −(e(ℓ) − ŷ)");
  const num = fixtures.exercises.find((e) => e.name === "a number");
  assert.equal(A.checkAnswer(A.parseTyped("[[0.37]]", 0).value, num, messages).reason, "correct");
});
