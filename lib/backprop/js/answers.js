// answers.js — the answer boxes' checker: backprop.exercises.check, in JavaScript.
//
// Plain functions, no DOM (node tests import them; answer_view.js draws the box).  checkAnswer()
// gives the verdict of backprop.exercises.check for the same answer and exercise: the same reason
// and, word for word, the same message.  The sentences are not written here: both sides compose
// them from the templates of answer_messages.json (passed in as `messages`), and the numbers in
// them are formatted as Python formats them (shapes as tuples, "{:.1e}", "{:.3g}", fractions as
// fractions.Fraction prints them).  Every comparison is numpy's: isclose is
// |a − b| ≤ atol + rtol·|b|, sums are numpy's pairwise sums, so a verdict on the edge of a
// tolerance falls the same way.  tests/js/answers.test.mjs and tests/test_answers.py run one
// fixture set (written by the lib: tests/js/make_answer_fixtures.py) through both checkers.
//
// An answer is what the box reads from the reader's text (parseTyped) or what a fixture holds:
// null (not attempted), a number or boolean, a string (not a number), or nested arrays of numbers
// (null inside an array is NaN, as numpy's float64 conversion makes it).  An exercise is the
// state the Python side ships: {name, expected, rtol, atol, batch_size, mistakes: [[hint, value],
// ...], hint}, expected and the mistakes' values as numbers or nested arrays.

/** A template of answer_messages.json with each {field} replaced (the twin of exercises._say). */
export function say(messages, key, fields = {}) {
  const template = messages[key];
  if (template === undefined) throw new Error(`no message ${key}`);
  return template.replace(/\{(\w+)\}/g, (_, name) => {
    if (!(name in fields)) throw new Error(`message ${key} needs the field ${name}`);
    return String(fields[name]);
  });
}

// ------------------------------------------------------------------ arrays, as numpy sees them

/** {shape, data} (data flat in C order) for numbers and nested arrays of numbers, else null. */
export function toArray(value) {
  if (typeof value === "number") return { shape: [], data: [value] };
  if (typeof value === "boolean") return { shape: [], data: [value ? 1 : 0] };
  if (value === null) return { shape: [], data: [NaN] }; // only inside an array (None → nan)
  if (!Array.isArray(value)) return null;
  if (value.length === 0) return { shape: [0], data: [] };
  const parts = value.map(toArray);
  if (parts.some((p) => p === null)) return null;
  const inner = parts[0].shape;
  const same = parts.every((p) => p.shape.length === inner.length && p.shape.every((n, i) => n === inner[i]));
  if (!same) return null; // ragged: numpy refuses an inhomogeneous shape
  return { shape: [value.length, ...inner], data: parts.flatMap((p) => p.data) };
}

/** Python's type(value).__name__ for what the box can hand over. */
function pyTypeName(value) {
  if (typeof value === "string") return "str";
  if (Array.isArray(value)) return "list";
  if (typeof value === "function") return "function";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  return "dict";
}

const size = (shape) => shape.reduce((n, k) => n * k, 1);
const sameShape = (s, t) => s.length === t.length && s.every((n, i) => n === t[i]);

/** The transpose of a 2-D array (shape [n, m] → [m, n]). */
function transpose(a) {
  const [n, m] = a.shape;
  const data = new Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) data[j * n + i] = a.data[i * m + j];
  return { shape: [m, n], data };
}

/** numpy.isclose for one pair: |x − y| ≤ atol + rtol·|y| (and y finite), or x == y. */
export function isclose(x, y, rtol = 1e-5, atol = 1e-8) {
  return (Math.abs(x - y) <= atol + rtol * Math.abs(y) && Number.isFinite(y)) || x === y;
}

function allclose(xs, ys, rtol, atol) {
  return xs.every((x, i) => isclose(x, ys[i], rtol, atol));
}

/** np.sum of a C-ordered float64 buffer: numpy's pairwise summation (8 accumulators, blocks of 128). */
export function pairwiseSum(xs, start = 0, n = xs.length) {
  if (n < 8) {
    let res = -0.0; // numpy starts a float sum at the identity −0.0 (so −0.0 sums to −0.0)
    for (let i = 0; i < n; i++) res += xs[start + i];
    return res;
  }
  if (n <= 128) {
    const r = xs.slice(start, start + 8);
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += xs[start + i + j];
    let res = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < n; i++) res += xs[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(xs, start, n2) + pairwiseSum(xs, start + n2, n - n2);
}

// ------------------------------------------------------------------ numbers, as Python prints them

/** A finite double x ≥ 0 as mant · 2^e2 (mant a BigInt). */
function floatParts(x) {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased === 0) return { mant, e2: -1074 };
  mant |= 1n << 52n;
  return { mant, e2: biased - 1075 };
}

/** The exact decimal value of a finite double: {neg, digits, exp}, |x| = d.ddd… × 10^exp read
 * from digits (no leading or trailing zeros; "0" for zero). */
function exactDecimal(x) {
  const neg = x < 0 || Object.is(x, -0);
  x = Math.abs(x);
  if (x === 0) return { neg, digits: "0", exp: 0 };
  const { mant, e2 } = floatParts(x);
  let n, scale;
  if (e2 >= 0) {
    n = mant << BigInt(e2);
    scale = 0;
  } else {
    n = mant * 5n ** BigInt(-e2); // m / 2^k = m·5^k / 10^k, exactly
    scale = -e2;
  }
  let digits = n.toString();
  const exp = digits.length - 1 - scale;
  digits = digits.replace(/0+$/, "") || "0";
  return { neg, digits, exp };
}

/** Round to p significant digits, half to even (as Python's float formatting does). */
function roundSignificant(x, p) {
  const d = exactDecimal(x);
  let { digits, exp } = d;
  if (digits === "0") return { neg: d.neg, digits: "0".repeat(p), exp: 0 };
  if (digits.length <= p) return { neg: d.neg, digits: digits.padEnd(p, "0"), exp };
  let kept = digits.slice(0, p);
  const rest = digits.slice(p);
  const half = rest[0] > "5" || (rest[0] === "5" && /[1-9]/.test(rest.slice(1)));
  const tie = rest[0] === "5" && !/[1-9]/.test(rest.slice(1));
  if (half || (tie && Number(kept[p - 1]) % 2 === 1)) {
    const up = (BigInt(kept) + 1n).toString();
    if (up.length > p) {
      kept = up.slice(0, p);
      exp += 1;
    } else kept = up;
  }
  return { neg: d.neg, digits: kept, exp };
}

function expSuffix(exp) {
  const sign = exp < 0 ? "-" : "+";
  return `e${sign}${String(Math.abs(exp)).padStart(2, "0")}`;
}

/** Python's format(x, f".{prec}e"). */
export function formatExp(x, prec) {
  const r = roundSignificant(x, prec + 1);
  const mant = prec > 0 ? `${r.digits[0]}.${r.digits.slice(1)}` : r.digits[0];
  return `${r.neg ? "-" : ""}${mant}${expSuffix(r.exp)}`;
}

/** Python's format(x, f".{prec}g") for a finite x. */
export function formatG(x, prec) {
  const p = prec === 0 ? 1 : prec;
  const r = roundSignificant(x, p);
  const sign = r.neg ? "-" : "";
  if (r.exp >= -4 && r.exp < p) {
    let s;
    if (r.exp >= 0) {
      const int = r.digits.slice(0, r.exp + 1);
      const frac = r.digits.slice(r.exp + 1);
      s = frac ? `${int}.${frac}` : int;
    } else s = `0.${"0".repeat(-r.exp - 1)}${r.digits}`;
    if (s.includes(".")) s = s.replace(/0+$/, "").replace(/\.$/, "");
    return sign + s;
  }
  let mant = p > 1 ? `${r.digits[0]}.${r.digits.slice(1)}` : r.digits[0];
  if (mant.includes(".")) mant = mant.replace(/0+$/, "").replace(/\.$/, "");
  return `${sign}${mant}${expSuffix(r.exp)}`;
}

/** A shape as Python prints a tuple: (3, 1), (3,), or "a number" for (). */
function formatShape(messages, shape) {
  if (shape.length === 0) return say(messages, "a_number");
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(", ")})`;
}

/** Fraction(x).limit_denominator(maxDen) for a finite x ≥ 0: [p, q] as BigInts (CPython's algorithm). */
export function limitDenominator(x, maxDen) {
  let num, den;
  const { mant, e2 } = floatParts(x);
  if (x === 0) [num, den] = [0n, 1n];
  else if (e2 >= 0) [num, den] = [mant << BigInt(e2), 1n];
  else {
    [num, den] = [mant, 1n << BigInt(-e2)];
    const g = gcd(num, den);
    [num, den] = [num / g, den / g];
  }
  const max = BigInt(maxDen);
  if (den <= max) return [num, den];
  let [p0, q0, p1, q1] = [0n, 1n, 1n, 0n];
  let [n, dd] = [num, den];
  for (;;) {
    const a = n / dd;
    const q2 = q0 + a * q1;
    if (q2 > max) break;
    [p0, q0, p1, q1] = [p1, q1, p0 + a * p1, q2];
    [n, dd] = [dd, n - a * dd];
  }
  const k = (max - q0) / q1;
  if (2n * dd * (q0 + k * q1) <= den) return [p1, q1];
  return [p0 + k * p1, q0 + k * q1];
}

function gcd(a, b) {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** c as n, 1/n (n ≤ 16) or p/q (p ≤ 8, q ≤ 4), printed as Python prints the Fraction, else null. */
function simpleFraction(c) {
  const [p, q] = limitDenominator(c, 16);
  const simple = (q === 1n && p <= 16n) || (p === 1n && q <= 16n) || (p <= 8n && q <= 4n);
  if (p !== 0n && simple && isclose(Number(p) / Number(q), c, 1e-9)) return q === 1n ? `${p}` : `${p}/${q}`;
  return null;
}

function isSimpleFactor(c, batchSize) {
  c = Math.abs(c);
  if (batchSize && (isclose(c, batchSize) || isclose(c, 1 / batchSize))) return true;
  return simpleFraction(c) !== null;
}

function formatFactor(messages, c, batchSize) {
  if (batchSize && batchSize > 1) {
    if (isclose(c, batchSize, 1e-6)) return say(messages, "factor_B", { B: batchSize });
    if (isclose(c, 1 / batchSize, 1e-6)) return say(messages, "factor_1_over_B", { B: batchSize });
  }
  let sign = "";
  if (c < 0) [sign, c] = ["−", -c];
  const frac = simpleFraction(c);
  return say(messages, "factor_plain", { sign, value: frac !== null ? frac : formatG(c, 3) });
}

// ------------------------------------------------------------------ the checker

function same(a, e, rtol, atol) {
  return sameShape(a.shape, e.shape) && allclose(a.data, e.data, rtol, atol);
}

/** exercises._compare: null if equal, else [reason, hint]. */
function compare(messages, a, e, rtol, atol, batchSize, mistakes) {
  if (same(a, e, rtol, atol)) return null;
  for (const [hint, wrong] of mistakes) {
    const w = toArray(wrong);
    if (w !== null && same(a, w, rtol, atol) && !same(w, e, rtol, atol)) return ["mistake", hint];
  }
  if (!sameShape(a.shape, e.shape)) {
    const msg = say(messages, "shape", { want: formatShape(messages, e.shape), given: formatShape(messages, a.shape) });
    if (a.shape.length === 2) {
      const t = transpose(a);
      if (sameShape(t.shape, e.shape) && allclose(t.data, e.data, rtol, atol))
        return ["transposed", say(messages, "shape_transposed", { shape: msg })];
    }
    if (a.data.length === e.data.length && allclose(a.data, e.data, rtol, atol))
      return ["shape", say(messages, "shape_reshaped", { shape: msg })];
    if (e.shape.length === 2 && e.shape[1] === 1 && a.shape.length === 1)
      return ["shape", say(messages, "shape_1d", { shape: msg })];
    return ["shape", msg];
  }
  if (
    allclose(
      a.data,
      e.data.map((v) => -v),
      rtol,
      atol,
    )
  )
    return ["sign", say(messages, "sign")];
  if (a.shape.length === 2 && a.shape[0] === a.shape[1] && allclose(transpose(a).data, e.data, rtol, atol))
    return ["transposed", say(messages, "transposed")];
  const ee = pairwiseSum(e.data.map((v) => v * v));
  if (ee > 0) {
    const c = pairwiseSum(a.data.map((v, i) => v * e.data[i])) / ee; // least squares: a ≈ c e
    // With one entry any answer is a multiple of the expected one: name only simple factors.
    const simple = e.data.length > 1 || isSimpleFactor(c, batchSize);
    if (
      simple &&
      Math.abs(c) > 1e-12 &&
      !isclose(c, 1.0, 1e-2) &&
      allclose(
        a.data,
        e.data.map((v) => c * v),
        rtol,
        atol,
      )
    ) {
      const sign = c < 0 ? say(messages, "factor_sign") : "";
      return ["factor", say(messages, "factor", { sign, factor: formatFactor(messages, c, batchSize) })];
    }
  }
  const scale = Math.max(...e.data.map(Math.abs));
  const rel = Math.max(...a.data.map((v, i) => Math.abs(v - e.data[i]))) / (scale > 0 ? scale : 1.0);
  if (rel < 1e-2)
    return ["close", say(messages, "close", { rel: formatExp(rel, 1), rtol: formatExp(rtol, 0) })];
  const ok = a.data.map((v, i) => isclose(v, e.data[i], rtol, atol));
  if (a.shape.length > 0 && ok.some(Boolean)) {
    const flat = ok.indexOf(false);
    const index = [];
    let rest = flat;
    for (let d = a.shape.length - 1; d >= 0; d--) {
      index.unshift(rest % a.shape[d]);
      rest = Math.floor(rest / a.shape[d]);
    }
    const right = ok.filter(Boolean).length;
    return ["partial", say(messages, "partial", { right, size: ok.length, index: formatTuple(index) })];
  }
  return ["different", say(messages, a.shape.length === 0 ? "different_number" : "different_array")];
}

const formatTuple = (t) => (t.length === 1 ? `(${t[0]},)` : `(${t.join(", ")})`);

function withHint(messages, fb, hint) {
  return hint ? { ...fb, message: say(messages, "with_hint", { message: fb.message, hint }) } : fb;
}

/**
 * The verdict of backprop.exercises.check(answer, ex.expected, ex.name, ...) — {correct, reason,
 * name, message}, the reason and message exactly as the Python checker gives them.
 *
 * answer : null, a number, a string or nested arrays (see the top of this file)
 * ex : {name, expected, rtol = 1e-6, atol = 1e-9, batch_size = null, mistakes = [], hint = null}
 * messages : the templates of answer_messages.json
 */
export function checkAnswer(answer, ex, messages) {
  const name = ex.name ?? "answer";
  const rtol = ex.rtol ?? 1e-6;
  const atol = ex.atol ?? 1e-9;
  const e = toArray(ex.expected);
  if (e === null) throw new TypeError("expected must be a number or an array of numbers");
  if (answer === null || answer === undefined)
    return { correct: false, reason: "not_attempted", name, message: say(messages, "not_attempted") };
  let a = typeof answer === "string" ? null : toArray(answer);
  if (a === null) {
    const want =
      e.shape.length === 0 ? say(messages, "a_number") : say(messages, "an_array", { shape: formatShape(messages, e.shape) });
    const fb = { correct: false, reason: "type", name, message: say(messages, "type", { want, got: pyTypeName(answer) }) };
    return withHint(messages, fb, ex.hint);
  }
  if (e.shape.length === 0 && a.data.length === 1) a = { shape: [], data: a.data };
  if (!a.data.every(Number.isFinite)) {
    return withHint(messages, { correct: false, reason: "nonfinite", name, message: say(messages, "nonfinite") }, ex.hint);
  }
  const found = compare(messages, a, e, rtol, atol, ex.batch_size ?? null, ex.mistakes ?? []);
  if (found === null) return { correct: true, reason: "correct", name, message: say(messages, "correct") };
  return withHint(messages, { correct: false, reason: found[0], name, message: found[1] }, ex.hint);
}

/** "✓ name: message" — exercises.Feedback.text. */
export function feedbackText(fb) {
  const mark = fb.correct ? "✓" : fb.reason === "not_attempted" ? "…" : "✗";
  return `${mark} ${fb.name}: ${fb.message}`;
}

// ------------------------------------------------------------------ what the reader types

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const SPECIAL = /^([+-]?)(nan|inf|infinity)$/i;

/** One typed number — 0.25, -1e-3, .5, 1/4, nan, inf, −2 (a typographic minus) — or null. */
export function parseNumber(token) {
  const t = token.replace(/\u2212/g, "-");
  if (NUMBER.test(t)) return Number(t);
  const special = SPECIAL.exec(t);
  if (special) return special[2].toLowerCase() === "nan" ? NaN : special[1] === "-" ? -Infinity : Infinity;
  const slash = t.indexOf("/");
  if (slash > 0) {
    const [p, q] = [t.slice(0, slash), t.slice(slash + 1)];
    if (NUMBER.test(p) && NUMBER.test(q)) return Number(p) / Number(q);
  }
  return null;
}

/** A bracketed list as numpy reads it: [[1, 2], [3, 4]] → nested arrays, or null. */
function parseBrackets(text) {
  let i = 0;
  const skip = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  function item() {
    skip();
    if (text[i] === "[") {
      i++;
      const out = [];
      skip();
      if (text[i] === "]") {
        i++;
        return out;
      }
      for (;;) {
        const v = item();
        if (v === undefined) return undefined;
        out.push(v);
        skip();
        if (text[i] === ",") {
          i++;
          skip();
          if (text[i] === "]") {
            i++;
            return out;
          }
          continue;
        }
        if (text[i] === "]") {
          i++;
          return out;
        }
        return undefined;
      }
    }
    const m = /^[^\s,[\]]+/.exec(text.slice(i));
    if (!m) return undefined;
    i += m[0].length;
    const v = parseNumber(m[0]);
    return v === null ? undefined : v;
  }
  const v = item();
  skip();
  return v !== undefined && i === text.length ? v : null;
}

/**
 * What the reader typed, as an answer for checkAnswer: {value, note}.
 *
 * Rows are separated by ";" or new lines, the entries of a row by commas or spaces; a bracketed
 * list ([[1], [2]], np.array([...])) is read as numpy reads it.  Unbracketed rows make a matrix,
 * except that one entry is a number when a number is expected and one row is a 1-D array when a
 * 1-D array is expected (expectedNdim).  Empty text is null (not attempted); text that is not
 * numbers is passed on as the string itself (the checker's "got str"), with a note on how to type.
 */
export function parseTyped(text, expectedNdim = 2) {
  const t = String(text ?? "").trim();
  if (t === "") return { value: null, note: "" };
  const howto = "type numbers such as 0.25, -1e-3 or 1/4";
  const bracketed = /^(np\.)?(array\()?\s*\[/.test(t);
  if (bracketed) {
    const inner = t.replace(/^(np\.)?array\(\s*/, "").replace(/\)\s*$/, "");
    const v = parseBrackets(inner);
    if (v === null) return { value: t, note: `could not read the brackets as numbers: ${howto}` };
    if (toArray(v) === null) return { value: v, note: "the rows have different lengths" };
    return { value: v, note: "" };
  }
  const rows = t
    .split(/[;\n]/)
    .map((r) => r.trim())
    .filter((r) => r !== "")
    .map((r) => r.split(/[\s,]+/).filter((x) => x !== ""));
  const values = rows.map((r) => r.map(parseNumber));
  const bad = rows.flat().filter((tok, k) => values.flat()[k] === null);
  if (bad.length) return { value: t, note: `could not read “${bad[0]}” as a number: ${howto}` };
  if (expectedNdim === 0 && values.length === 1 && values[0].length === 1) return { value: values[0][0], note: "" };
  if (expectedNdim === 1 && values.length === 1) return { value: values[0], note: "" };
  const ragged = values.some((r) => r.length !== values[0].length);
  return { value: values, note: ragged ? "the rows have different lengths" : "" };
}

/** An answer written back as text the box reads (rows by "; ", entries by ", "), or "". */
export function formatTyped(value) {
  const a = toArray(value);
  if (a === null) return "";
  const num = (v) => (Number.isNaN(v) ? "nan" : v === Infinity ? "inf" : v === -Infinity ? "-inf" : String(v));
  if (a.shape.length === 0) return num(a.data[0]);
  if (a.shape.length === 1) return a.data.map(num).join(", ");
  if (a.shape.length === 2) {
    const [n, m] = a.shape;
    const rows = [];
    for (let i = 0; i < n; i++) rows.push(a.data.slice(i * m, (i + 1) * m).map(num).join(", "));
    return rows.join("; ");
  }
  return JSON.stringify(value);
}
