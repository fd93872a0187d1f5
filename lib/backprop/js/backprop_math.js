// backprop_math.js — the explorers' math: the lib's forward and backward pass, in JavaScript.
//
// The one JavaScript source of truth for the explorers (DESIGN §4).  Plain functions, no DOM,
// unit-tested under node against fixtures written by the Python lib (tests/js/).  Same
// conventions as lib/backprop, for one example (B = 1):
//   sizes = [n_0, ..., n_L];  W[k][i][j] is row i, column j of W_k, shape (n_k, n_{k-1});
//   b[k][i] is b_k (length n_k);  index 0 of W, b, a, grad_a, grad_W, grad_b is null;
//   h[0] = x and h[L] = ŷ.  Vectors are plain arrays of numbers (float64).
//   a_k = b_k + W_k h_{k-1},  h_k = g(a_k) for k < L,  ŷ = h_L = O(a_L).
// A network is an object {W, b, g, pair}; g is an activation name and pair one of PAIRS.
// The explorers build this file and explorer_view.js into one ES module (backprop/explorers.py
// strips the `export` keywords and the view's import line), so nothing here may import.

// ------------------------------------------------------------------ activations g, g′

/** Logistic function σ(a) = 1 / (1 + exp(−a)), stable for any a (exp never overflows). */
export function sigmoid(a) {
  const e = Math.exp(-Math.abs(a));
  return a >= 0 ? 1 / (1 + e) : e / (1 + e);
}

/** σ′(a) = σ(a)(1 − σ(a)). */
export function sigmoidPrime(a) {
  const s = sigmoid(a);
  return s * (1 - s);
}

/** tanh′(a) = 1 − tanh(a)². */
export function tanhPrime(a) {
  const t = Math.tanh(a);
  return 1 - t * t;
}

/** ReLU(a) = max(0, a). */
export function relu(a) {
  return a > 0 ? a : 0;
}

/** ReLU′(a) = 1 if a > 0 else 0 (0 at the kink, as the lib and PyTorch take it). */
export function reluPrime(a) {
  return a > 0 ? 1 : 0;
}

/** The hidden activations by the lib's names: {g, gPrime}, elementwise on numbers. */
export const ACTIVATIONS = {
  sigmoid: { g: sigmoid, gPrime: sigmoidPrime },
  tanh: { g: Math.tanh, gPrime: tanhPrime },
  relu: { g: relu, gPrime: reluPrime },
  identity: { g: (a) => a, gPrime: () => 1 },
};

export function getActivation(name) {
  const act = ACTIVATIONS[name];
  if (!act) throw new Error(`unknown activation ${name}; expected one of ${Object.keys(ACTIVATIONS)}`);
  return act;
}

// ------------------------------------------------------------------ outputs O and losses

/** Softmax ŷ_i = exp(a_i) / Σ_j exp(a_j), stable: the maximum is subtracted first. */
export function softmax(a) {
  let max = -Infinity;
  for (const v of a) if (v > max) max = v;
  const e = a.map((v) => Math.exp(v - max));
  let s = 0;
  for (const v of e) s += v;
  return e.map((v) => v / s);
}

/** log softmax(a)_i = a_i − max − log Σ_j exp(a_j − max)  (log-sum-exp). */
export function logSoftmax(a) {
  let max = -Infinity;
  for (const v of a) if (v > max) max = v;
  const z = a.map((v) => v - max);
  let s = 0;
  for (const v of z) s += Math.exp(v);
  const lse = Math.log(s);
  return z.map((v) => v - lse);
}

/** softplus(a) = log(1 + exp(a)), stable (numpy's logaddexp(0, a)). */
export function softplus(a) {
  return Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a)));
}

/**
 * The matched output/loss pairs, keyed by "output+loss" (the lib's names).
 *   O(a_L)    : ŷ from the logits a_L
 *   loss      : L from the logits a_L and the target y (stable forms, as the lib computes them)
 *   gradA     : the shortcut ∇_{a_L} L from ŷ and y (B = 1)
 *   target    : what y is — 'label' (one-hot e(ℓ)), 'unit' (y_i ∈ [0, 1]) or 'real'
 */
export const PAIRS = {
  "softmax+cross_entropy": {
    output: "softmax",
    lossName: "cross_entropy",
    target: "label",
    O: softmax,
    // L = −Σ_i y_i log ŷ_i = −log ŷ_ℓ for y = e(ℓ); terms with y_i = 0 are skipped (0 log 0 = 0).
    loss(aL, y) {
      const ls = logSoftmax(aL);
      let s = 0;
      for (let i = 0; i < y.length; i++) if (y[i] !== 0) s += y[i] * ls[i];
      return -s;
    },
    // ∇_{a_L} = −(e(ℓ) − ŷ) = ŷ − y
    gradA: (yHat, y) => yHat.map((v, i) => v - y[i]),
  },
  "sigmoid+binary_cross_entropy": {
    output: "sigmoid",
    lossName: "binary_cross_entropy",
    target: "unit",
    O: (a) => a.map(sigmoid),
    // −[y log σ(a) + (1 − y) log(1 − σ(a))] = y softplus(−a) + (1 − y) softplus(a)
    loss(aL, y) {
      let s = 0;
      for (let i = 0; i < y.length; i++) s += y[i] * softplus(-aL[i]) + (1 - y[i]) * softplus(aL[i]);
      return s;
    },
    gradA: (yHat, y) => yHat.map((v, i) => v - y[i]),
  },
  "identity+squared_error": {
    output: "identity",
    lossName: "squared_error",
    target: "real",
    O: (a) => a.slice(),
    // L = Σ_i (ŷ_i − y_i)²
    loss(aL, y) {
      let s = 0;
      for (let i = 0; i < y.length; i++) s += (aL[i] - y[i]) ** 2;
      return s;
    },
    gradA: (yHat, y) => yHat.map((v, i) => 2 * (v - y[i])),
  },
};

export function getPair(name) {
  const pair = PAIRS[name];
  if (!pair) throw new Error(`unknown output/loss pair ${name}; expected one of ${Object.keys(PAIRS)}`);
  return pair;
}

/** The lecture's e(ℓ): 1 at position ℓ, 0 elsewhere, length k. */
export function oneHot(label, k) {
  const e = new Array(k).fill(0);
  e[label] = 1;
  return e;
}

// ------------------------------------------------------------------ shapes

/** sizes = [n_0, ..., n_L] read off the weights. */
export function sizesOf(net) {
  return [net.W[1][0].length, ...net.W.slice(1).map((Wk) => Wk.length)];
}

/** Number of layers with parameters, L. */
export function depth(net) {
  return net.W.length - 1;
}

// ------------------------------------------------------------------ forward

/**
 * Forward propagation: a_k = b_k + W_k h_{k−1}, h_k = g(a_k), ŷ = h_L = O(a_L).
 * Returns {a, h}: a = [null, a_1..a_L], h = [x, h_1..h_{L−1}, ŷ], each a plain array.
 */
export function forward(net, x) {
  const L = depth(net);
  const g = getActivation(net.g).g;
  const a = [null];
  const h = [Array.from(x)];
  for (let k = 1; k <= L; k++) {
    const Wk = net.W[k];
    const hPrev = h[k - 1];
    const ak = new Array(Wk.length);
    for (let i = 0; i < Wk.length; i++) {
      const row = Wk[i];
      let s = 0;
      for (let j = 0; j < row.length; j++) s += row[j] * hPrev[j];
      ak[i] = net.b[k][i] + s; // b_k + (W_k h_{k−1}), summed in the lib's order
    }
    a.push(ak);
    h.push(k < L ? ak.map(g) : getPair(net.pair).O(ak));
  }
  return { a, h };
}

/** The loss L(θ) for one example, from the logits a_L (stable), target vector y. */
export function loss(net, fwd, y) {
  return getPair(net.pair).loss(fwd.a[depth(net)], y);
}

/** Forward pass and loss in one call: L(θ) for input x and target y. */
export function lossAt(net, x, y) {
  return loss(net, forward(net, x), y);
}

// ------------------------------------------------------------------ backward

/** The deliberately broken variants of the backward pass, for the "break it" toggles. */
export const BREAKS = {
  drop_g_prime: "drop g′: ∇_{a_{k−1}} = ∇_{h_{k−1}} (the ⊙ g′(a_{k−1}) is forgotten)",
  drop_transpose:
    "drop the transpose: ∇_{h_{k−1}} = W_k ∇_{a_k} instead of W_kᵀ ∇_{a_k}; when W_k is not " +
    "square, W_k is read as if padded with zeros to a square matrix, so entry j of the result is " +
    "Σ_m W_k[j][m] ∇_{a_k}[m] over m < min(n_k, n_{k−1}), and 0 for j ≥ n_k",
  flip_sign: "flip the sign of the output gradient: ∇_{a_L} = +(e(ℓ) − ŷ)",
};

/**
 * Whether the break `key` can change ∂L/∂W_k in a network of L layers.  Flipping the sign of
 * ∇a_L reaches every layer; dropping g′ or the transpose acts on ∇h_{k−1} and ∇a_{k−1}, which only
 * the weights below layer L use, so ∇W_L = ∇a_L h_{L−1}ᵀ is never touched by them.
 */
export function breakReaches(key, k, L) {
  if (!(key in BREAKS)) throw new Error(`unknown break ${key}; breaks are ${Object.keys(BREAKS)}`);
  return key === "flip_sign" || k < L;
}

/** W_kᵀ v: the lecture's ∇_{h_{k−1}} = W_kᵀ ∇_{a_k}.  Wk is (n_k, n_{k−1}), v has length n_k. */
export function transposeTimes(Wk, v) {
  const nOut = Wk.length;
  const nIn = Wk[0].length;
  const out = new Array(nIn);
  for (let j = 0; j < nIn; j++) {
    let s = 0;
    for (let m = 0; m < nOut; m++) s += Wk[m][j] * v[m];
    out[j] = s;
  }
  return out;
}

/** The "drop the transpose" bug: W_k v with W_k zero-padded to square (see BREAKS). */
export function untransposedTimes(Wk, v) {
  const nOut = Wk.length;
  const nIn = Wk[0].length;
  const n = Math.min(nOut, nIn);
  const out = new Array(nIn).fill(0);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let m = 0; m < n; m++) s += Wk[j][m] * v[m];
    out[j] = s;
  }
  return out;
}

/**
 * Back propagation, as in the lecture (B = 1):
 *   ∇_{a_L} = −(e(ℓ) − ŷ)   (ŷ − y for sigmoid + BCE, 2(ŷ − y) for linear + squared error)
 *   for k = L..1:  ∇_{W_k} = ∇_{a_k} h_{k−1}ᵀ,  ∇_{b_k} = ∇_{a_k},  ∇_{h_{k−1}} = W_kᵀ ∇_{a_k},
 *                  ∇_{a_{k−1}} = ∇_{h_{k−1}} ⊙ g′(a_{k−1})  (k > 1)
 * `breaks` is an optional set/array of BREAKS keys.
 * Returns {gradA, gradH, gradW, gradB}: gradA = [null, ∇a_1..∇a_L], gradH = [∇h_0..∇h_{L−1}, null]
 * (∇_ŷ is not formed on the shortcut path, as in the lib), gradW = [null, ∇W_1..] with
 * gradW[k][i][j] = ∂L/∂W_kij, gradB = [null, ∇b_1..].
 */
export function backward(net, fwd, y, breaks = []) {
  const broken = new Set(breaks);
  const L = depth(net);
  const gPrime = getActivation(net.g).gPrime;
  const gradA = new Array(L + 1).fill(null);
  const gradH = new Array(L + 1).fill(null);
  const gradW = new Array(L + 1).fill(null);
  const gradB = new Array(L + 1).fill(null);
  gradA[L] = getPair(net.pair).gradA(fwd.h[L], y);
  if (broken.has("flip_sign")) gradA[L] = gradA[L].map((v) => -v);
  for (let k = L; k >= 1; k--) {
    const hPrev = fwd.h[k - 1];
    gradW[k] = gradA[k].map((gi) => hPrev.map((hj) => gi * hj));
    gradB[k] = gradA[k].slice();
    gradH[k - 1] = broken.has("drop_transpose")
      ? untransposedTimes(net.W[k], gradA[k])
      : transposeTimes(net.W[k], gradA[k]);
    if (k > 1) {
      gradA[k - 1] = broken.has("drop_g_prime")
        ? gradH[k - 1].slice()
        : gradH[k - 1].map((v, j) => v * gPrime(fwd.a[k - 1][j]));
    }
  }
  return { gradA, gradH, gradW, gradB };
}

// ------------------------------------------------------------------ gradient check

/**
 * Centred difference ∂L/∂W_kij ≈ (L(W_kij + ε) − L(W_kij − ε)) / (2ε), with the true loss.
 * The weight is restored afterwards (bit for bit).
 */
export function numericalGradW(net, x, y, k, i, j, eps = 1e-5) {
  const row = net.W[k][i];
  const w = row[j];
  row[j] = w + eps;
  const plus = lossAt(net, x, y);
  row[j] = w - eps;
  const minus = lossAt(net, x, y);
  row[j] = w;
  return (plus - minus) / (2 * eps);
}

/** Relative error |a − b| / max(|a| + |b|, 1e-12): 0 when both are 0, at most 1. */
export function relError(a, b) {
  return Math.abs(a - b) / Math.max(Math.abs(a) + Math.abs(b), 1e-12);
}

/** The pass threshold of the gradient check, for float64 and centred differences. */
export const CHECK_TOLERANCE = 1e-7;

/**
 * Gradient check of one weight: the analytic ∂L/∂W_kij (from `backward`, possibly broken)
 * beside the centred difference.  Returns {analytic, numeric, relError, pass}.
 */
export function checkWeight(net, x, y, k, i, j, { eps = 1e-5, breaks = [], fwd = null } = {}) {
  const f = fwd || forward(net, x);
  const analytic = backward(net, f, y, breaks).gradW[k][i][j];
  const numeric = numericalGradW(net, x, y, k, i, j, eps);
  const err = relError(analytic, numeric);
  return { analytic, numeric, relError: err, pass: err < CHECK_TOLERANCE };
}

// ------------------------------------------------------------------ the multi-path view

/**
 * Per-path contributions to ∂L/∂h_{ij} (hidden unit j of layer i, 0 ≤ i < L): the terms
 * ∂L/∂a_{i+1,m} W_{i+1,m,j} for m = 0..n_{i+1}−1, one per unit of layer i+1 (each gathers every
 * path to the loss through a_{i+1,m}).  They sum to (W_{i+1}ᵀ ∇_{a_{i+1}})_j = ∇_{h_i}[j].
 * Returns {terms, sum}; `sum` adds the terms in the same order as transposeTimes.
 */
export function pathContributions(net, grads, i, j) {
  const Wn = net.W[i + 1];
  const g = grads.gradA[i + 1];
  const terms = g.map((gm, m) => Wn[m][j] * gm);
  let sum = 0;
  for (const t of terms) sum += t;
  return { terms, sum };
}

/**
 * Every edge on a path from unit j of layer i to the loss: a list of [k, m, n] meaning
 * W_k[m][n] (from unit n of layer k−1 to unit m of layer k), for k = i+1..L.
 */
export function edgesOnPaths(net, i, j) {
  const L = depth(net);
  const edges = [];
  if (i >= L) return edges;
  for (let m = 0; m < net.W[i + 1].length; m++) edges.push([i + 1, m, j]);
  for (let k = i + 2; k <= L; k++) {
    for (let m = 0; m < net.W[k].length; m++) {
      for (let n = 0; n < net.W[k][0].length; n++) edges.push([k, m, n]);
    }
  }
  return edges;
}

/** Everything the explorers show for one state, in one call. */
export function evaluate(net, x, y, { eps = 1e-5, breaks = [], selected = null } = {}) {
  const fwd = forward(net, x);
  const grads = backward(net, fwd, y);
  const out = { fwd, grads, loss: loss(net, fwd, y) };
  if (selected) {
    const [k, i, j] = selected;
    out.check = checkWeight(net, x, y, k, i, j, { eps, breaks, fwd });
  }
  return out;
}
