// trainer.js — the lib's trainer (backprop.train.train) in JavaScript, for the in-page trainer.
//
// Plain functions, no DOM, unit-tested under node against bp.train (tests/js/trainer.test.mjs,
// fixtures by tests/js/make_trainer_fixtures.py).  The network is a classifier with a softmax
// output and the cross-entropy loss on integer labels, as in chapters 3 and 9:
//   sizes = [n_0, ..., n_L];  W[k] is W_k, shape (n_k, n_{k−1}), row-major in a Float64Array;
//   b[k] is b_k (length n_k);  index 0 of W and b is null.
//   a_k = b_k + W_k h_{k−1},  h_k = g(a_k) for k < L,  ŷ = softmax(a_L),
//   L(θ) = (1/B) Σ_b −log ŷ_{ℓ_b} over a batch of B columns.
// The layers' values for a batch are stored example by example: a[k][c * n_k + i] is unit i of
// layer k for column c of the batch.
//
// Why not backprop_math.js's forward/backward: they work on one example held in arrays of
// arrays (the explorers' need); a 2-16-16-2 net on 400 points needs whole batches in flat
// Float64Arrays to train an epoch in a few milliseconds.  The arithmetic is the lib's, step for
// step (σ(a) = 1 / (1 + exp(−a)) as activations.sigmoid computes it, log-softmax as
// activations.log_softmax, ∇a_L = (ŷ − e(ℓ)) / B as losses.matched_grad_a_L), so only the order of
// a few sums differs from numpy's, a difference of the order of the rounding unit.
//
// The shuffle order of every epoch comes from the Python side (the lib's own
// np.random.default_rng(seed).permutation(N), one per epoch): no numpy RNG is re-implemented here.
// The widget (trainer_view.js) is built into one module after this file (backprop/trainer_widget.py
// strips the `export` keywords), so nothing here may import.

// ------------------------------------------------------------------ activations

/** σ(a) = 1 / (1 + exp(−a)), computed as the lib computes it (exp overflows to ∞ → 0, the limit). */
export function logistic(a) {
  return 1 / (1 + Math.exp(-a));
}

/**
 * The hidden activations the trainer offers, by the lib's names: g(a), and g′ written as a
 * function of a and of h = g(a), which the forward pass has already computed.  The lib recomputes
 * σ(a) or tanh(a) inside g′; the same operation on the same number gives the same h, so taking
 * it from the forward pass changes no bit and saves one exp or tanh per unit.
 *   σ′ = σ(a)(1 − σ(a)) = h(1 − h),  tanh′ = 1 − tanh(a)² = 1 − h²,  ReLU′ = 1{a > 0}.
 */
export const TRAINER_ACTIVATIONS = {
  sigmoid: { g: logistic, gPrime: (a, h) => h * (1 - h) },
  tanh: { g: Math.tanh, gPrime: (a, h) => 1 - h * h },
  relu: { g: (a) => (a > 0 ? a : 0), gPrime: (a) => (a > 0 ? 1 : 0) }, // max(0, a); (a > 0)
};

function activation(name) {
  const act = TRAINER_ACTIVATIONS[name];
  if (!act) throw new Error(`activation must be one of ${Object.keys(TRAINER_ACTIVATIONS)}, got ${name}`);
  return act;
}

// ------------------------------------------------------------------ methods

/** The three ways of training (chapter 3) and their batch size M for N examples. */
export const METHODS = ["GD", "SGD", "mini-batch"];

/** M for a method: N for full-batch GD, 1 for SGD, the given M (clamped to 1..N) for mini-batch. */
export function batchSizeOf(method, M, N) {
  if (method === "GD") return N;
  if (method === "SGD") return 1;
  if (method === "mini-batch") return Math.max(1, Math.min(N, Math.round(M)));
  throw new Error(`method must be one of ${METHODS}, got ${method}`);
}

/** Updates per epoch, ⌈N / M⌉, as History.updates_per_epoch. */
export function updatesPerEpoch(N, M) {
  return Math.ceil(N / M);
}

// ------------------------------------------------------------------ network and data

/**
 * A network from nested lists: W = [null, W_1, ..., W_L] with W_k a list of n_k rows of n_{k−1}
 * numbers, b = [null, b_1, ..., b_L] with b_k a list of n_k numbers (or of [number] rows).
 * The arrays are copied, so training never changes the caller's lists.
 */
export function makeNet(W, b, g) {
  activation(g);
  if (!Array.isArray(W) || W.length < 2 || W[0] !== null) throw new Error("W must be [null, W_1, ..., W_L]");
  const sizes = [W[1][0].length, ...W.slice(1).map((Wk) => Wk.length)];
  const net = { sizes, g, W: [null], b: [null] };
  for (let k = 1; k < W.length; k++) {
    const rows = W[k];
    const nOut = sizes[k];
    const nIn = sizes[k - 1];
    if (rows.length !== nOut || rows.some((r) => r.length !== nIn)) {
      throw new Error(`W[${k}] must have shape (${nOut}, ${nIn}) to chain with W[${k - 1}]`);
    }
    const Wk = new Float64Array(nOut * nIn);
    for (let i = 0; i < nOut; i++) for (let j = 0; j < nIn; j++) Wk[i * nIn + j] = rows[i][j];
    const bk = Float64Array.from(b[k].map((v) => (Array.isArray(v) ? v[0] : v)));
    if (bk.length !== nOut) throw new Error(`b[${k}] must have ${nOut} entries`);
    net.W.push(Wk);
    net.b.push(bk);
  }
  if (sizes.at(-1) < 2) throw new Error("the trainer's softmax output needs k ≥ 2 classes");
  return net;
}

/** The network's parameters as nested lists {W, b} (the shapes makeNet takes and the lib uses). */
export function netToLists(net) {
  const W = [null];
  const b = [null];
  for (let k = 1; k < net.W.length; k++) {
    const nIn = net.sizes[k - 1];
    const rows = [];
    for (let i = 0; i < net.sizes[k]; i++) rows.push(Array.from(net.W[k].subarray(i * nIn, (i + 1) * nIn)));
    W.push(rows);
    b.push(Array.from(net.b[k]));
  }
  return { W, b };
}

/** A copy of a network (new arrays). */
export function copyNet(net) {
  return { sizes: net.sizes.slice(), g: net.g, W: net.W.map((w) => w && w.slice()), b: net.b.map((v) => v && v.slice()) };
}

/**
 * A training set from the lib's layout: X = [row x_1, row x_2, ...] of shape (n_0, N) (columns
 * are examples), labels a list of N integers in 0..k−1.  Stored example by example.
 */
export function makeData(X, labels) {
  const n0 = X.length;
  const N = labels.length;
  if (!X.every((row) => row.length === N)) throw new Error(`X must have shape (n_0, N) = (${n0}, ${N})`);
  const x = new Float64Array(n0 * N);
  for (let c = 0; c < N; c++) for (let i = 0; i < n0; i++) x[c * n0 + i] = X[i][c];
  return { n0, N, x, labels: Int32Array.from(labels) };
}

/** Buffers for batches of up to B columns: a[k], h[k] and the gradients, reused by every step. */
export function makeWorkspace(sizes, B) {
  const L = sizes.length - 1;
  const ws = { B, a: [null], h: [new Float64Array(sizes[0] * B)], gA: [null], gW: [null], gB: [null], gH: [null] };
  for (let k = 1; k <= L; k++) {
    ws.a.push(new Float64Array(sizes[k] * B));
    ws.h.push(new Float64Array(sizes[k] * B));
    ws.gA.push(new Float64Array(sizes[k] * B));
    ws.gW.push(new Float64Array(sizes[k] * sizes[k - 1]));
    ws.gB.push(new Float64Array(sizes[k]));
    ws.gH.push(new Float64Array(sizes[k - 1] * B));
  }
  return ws;
}

// ------------------------------------------------------------------ forward, loss, backward

/**
 * Forward pass of the B columns idx[start .. start + B − 1] of the data (idx null: columns
 * start.. in order) into the workspace: a_k = b_k + W_k h_{k−1}, h_k = g(a_k), ŷ = softmax(a_L).
 * Returns the batch loss (1/B) Σ_b −log softmax(a_L)_{ℓ_b}, from the logits (log-sum-exp).
 */
export function forwardBatch(net, data, idx, start, B, ws) {
  const { sizes } = net;
  const L = sizes.length - 1;
  const n0 = sizes[0];
  const g = activation(net.g).g;
  const h0 = ws.h[0];
  for (let c = 0; c < B; c++) {
    const col = idx ? idx[start + c] : start + c;
    for (let i = 0; i < n0; i++) h0[c * n0 + i] = data.x[col * n0 + i];
  }
  for (let k = 1; k <= L; k++) {
    const nIn = sizes[k - 1];
    const nOut = sizes[k];
    const Wk = net.W[k];
    const bk = net.b[k];
    const hPrev = ws.h[k - 1];
    const ak = ws.a[k];
    const hk = ws.h[k];
    for (let c = 0; c < B; c++) {
      const off = c * nIn;
      for (let i = 0; i < nOut; i++) {
        let s = 0;
        const row = i * nIn;
        for (let j = 0; j < nIn; j++) s += Wk[row + j] * hPrev[off + j];
        const v = bk[i] + s; // b_k + (W_k h_{k−1}), as the lib adds them
        ak[c * nOut + i] = v;
        if (k < L) hk[c * nOut + i] = g(v);
      }
    }
  }
  // ŷ = softmax(a_L) into h[L], and the loss from log softmax(a_L) = z − log Σ exp z, z = a − max.
  const k = sizes[L];
  const aL = ws.a[L];
  const yHat = ws.h[L];
  let total = 0;
  for (let c = 0; c < B; c++) {
    const off = c * k;
    let max = -Infinity;
    for (let i = 0; i < k; i++) if (aL[off + i] > max) max = aL[off + i];
    let sum = 0;
    for (let i = 0; i < k; i++) {
      const e = Math.exp(aL[off + i] - max);
      yHat[off + i] = e;
      sum += e;
    }
    for (let i = 0; i < k; i++) yHat[off + i] /= sum;
    const label = data.labels[idx ? idx[start + c] : start + c];
    total += -(aL[off + label] - max - Math.log(sum));
  }
  return total / B;
}

/** The loss L(θ) on the whole data set (its columns in their stored order). */
export function fullLoss(net, data, ws) {
  return forwardBatch(net, data, null, 0, data.N, ws);
}

/**
 * One gradient-descent update on the batch idx[start .. start + B − 1] (bp.train.step):
 * forward, ∇a_L = (ŷ − e(ℓ)) / B, then for k = L..1: ∇W_k = ∇a_k h_{k−1}ᵀ, ∇b_k = Σ_cols ∇a_k,
 * ∇h_{k−1} = W_kᵀ ∇a_k, ∇a_{k−1} = ∇h_{k−1} ⊙ g′(a_{k−1}); then θ ← θ − η ∇θ.
 * Changes net in place; returns the batch loss before the update.
 */
export function step(net, data, idx, start, B, eta, ws) {
  const batchLoss = forwardBatch(net, data, idx, start, B, ws);
  const { sizes } = net;
  const L = sizes.length - 1;
  const gPrime = activation(net.g).gPrime;
  const k = sizes[L];
  const gAL = ws.gA[L];
  const yHat = ws.h[L];
  for (let c = 0; c < B; c++) {
    const label = data.labels[idx ? idx[start + c] : start + c];
    for (let i = 0; i < k; i++) gAL[c * k + i] = (yHat[c * k + i] - (i === label ? 1 : 0)) / B;
  }
  for (let l = L; l >= 1; l--) {
    const nIn = sizes[l - 1];
    const nOut = sizes[l];
    const gA = ws.gA[l];
    const hPrev = ws.h[l - 1];
    const gW = ws.gW[l];
    const gB = ws.gB[l];
    gW.fill(0);
    gB.fill(0);
    for (let c = 0; c < B; c++) {
      for (let i = 0; i < nOut; i++) {
        const v = gA[c * nOut + i];
        gB[i] += v;
        const row = i * nIn;
        const off = c * nIn;
        for (let j = 0; j < nIn; j++) gW[row + j] += v * hPrev[off + j];
      }
    }
    if (l > 1) {
      const Wl = net.W[l];
      const aPrev = ws.a[l - 1];
      const hPrevL = ws.h[l - 1];
      const gAPrev = ws.gA[l - 1];
      for (let c = 0; c < B; c++) {
        for (let j = 0; j < nIn; j++) {
          let s = 0;
          for (let i = 0; i < nOut; i++) s += Wl[i * nIn + j] * gA[c * nOut + i];
          gAPrev[c * nIn + j] = s * gPrime(aPrev[c * nIn + j], hPrevL[c * nIn + j]);
        }
      }
    }
  }
  for (let l = 1; l <= L; l++) {
    const Wl = net.W[l];
    const gW = ws.gW[l];
    for (let q = 0; q < Wl.length; q++) Wl[q] = gW[q] * -eta + Wl[q]; // θ − η∇θ, as the lib's _descend
    const bl = net.b[l];
    const gB = ws.gB[l];
    for (let q = 0; q < bl.length; q++) bl[q] = gB[q] * -eta + bl[q];
  }
  return batchLoss;
}

// ------------------------------------------------------------------ training

/** Python's str() of a float, for the divergence message: nan, inf, -inf. */
export function pyFloat(v) {
  if (Number.isNaN(v)) return "nan";
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  return String(v);
}

/**
 * A training run that advances one epoch at a time (the widget animates it):
 *   settings = {W, b, g, X, labels, eta, M, epochs, orders}
 *   orders[e] is the shuffle order of epoch e + 1 (a permutation of 0..N−1), used when M < N;
 *   full-batch GD visits the columns in their stored order, as the lib does.
 * The run holds net (trained so far), epoch, loss (the full loss before training and after
 * each epoch, History.loss), updateLoss (the batch loss before every update,
 * History.update_loss), done, and error: null, or the lib's divergence message when the loss
 * after an epoch is not finite (training then stops, as bp.train raises).
 */
export function createRun(settings) {
  const { eta, M, epochs } = settings;
  if (!(eta > 0 && Number.isFinite(eta))) throw new Error(`eta (the learning rate η) must be a number > 0, got ${eta}`);
  const net = makeNet(settings.W, settings.b, settings.g);
  const data = settings.data || makeData(settings.X, settings.labels);
  const N = data.N;
  if (!(Number.isInteger(M) && M >= 1 && M <= N)) throw new Error(`batch_size must be an integer in 1..N = 1..${N}, got ${M}`);
  if (!(Number.isInteger(epochs) && epochs >= 1)) throw new Error(`epochs must be an integer ≥ 1, got ${epochs}`);
  if (M < N && !(settings.orders && settings.orders.length >= epochs)) {
    throw new Error(`a run of ${epochs} epochs with M < N needs ${epochs} shuffle orders`);
  }
  const fullWs = makeWorkspace(net.sizes, N);
  const ws = M === N ? fullWs : makeWorkspace(net.sizes, M);
  const orders = M < N ? settings.orders.map((o) => Int32Array.from(o)) : null;
  const run = {
    net,
    data,
    eta,
    M,
    epochs,
    epoch: 0,
    loss: [fullLoss(net, data, fullWs)],
    updateLoss: [],
    updatesPerEpoch: updatesPerEpoch(N, M),
    done: false,
    error: null,
    /** Train one more epoch; returns false when the run is over (all epochs, or diverged). */
    nextEpoch() {
      if (run.done) return false;
      const order = orders ? orders[run.epoch] : null;
      for (let start = 0; start < N; start += M) {
        const B = Math.min(M, N - start);
        run.updateLoss.push(step(net, data, order, start, B, eta, ws));
      }
      run.epoch += 1;
      const L = fullLoss(net, data, fullWs);
      run.loss.push(L);
      if (!Number.isFinite(L)) {
        run.error = `training diverged: the loss is ${pyFloat(L)} after epoch ${run.epoch}; try a smaller eta`;
        run.done = true;
      } else if (run.epoch >= epochs) {
        run.done = true;
      }
      return !run.done;
    },
  };
  return run;
}

/** A whole run at once (bp.train.train): {net, loss, updateLoss, updatesPerEpoch, error, epoch}. */
export function train(settings) {
  const run = createRun(settings);
  while (run.nextEpoch());
  return run;
}

// ------------------------------------------------------------------ the decision boundary

/**
 * ŷ on a grid for the boundary picture: probabilities of every class at the points
 * (points as a data set made by makeData, labels ignored).  out[c * k + i] = ŷ_i at point c.
 */
export function predictGrid(net, points, ws, out) {
  forwardBatch(net, { ...points, labels: new Int32Array(points.N) }, null, 0, points.N, ws);
  const yHat = ws.h[net.sizes.length - 1];
  out.set(yHat.subarray(0, out.length));
  return out;
}

/** A regular grid of n × n points over [x0, x1] × [y0, y1] (row by row, from the top), as a data set. */
export function gridPoints(x0, x1, y0, y1, n) {
  const X = [[], []];
  for (let r = 0; r < n; r++) {
    const yv = y1 - ((r + 0.5) / n) * (y1 - y0);
    for (let c = 0; c < n; c++) {
      X[0].push(x0 + ((c + 0.5) / n) * (x1 - x0));
      X[1].push(yv);
    }
  }
  return makeData(X, new Array(n * n).fill(0));
}

/** Fraction of the data the network classifies right: mean of 1{argmax ŷ = ℓ} (bp.train.accuracy). */
export function accuracy(net, data, ws) {
  forwardBatch(net, data, null, 0, data.N, ws);
  const k = net.sizes.at(-1);
  const yHat = ws.h[net.sizes.length - 1];
  let right = 0;
  for (let c = 0; c < data.N; c++) {
    let best = 0;
    for (let i = 1; i < k; i++) if (yHat[c * k + i] > yHat[c * k + best]) best = i;
    if (best === data.labels[c]) right += 1;
  }
  return right / data.N;
}
