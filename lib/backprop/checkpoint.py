"""What backpropagation costs, and gradient checkpointing: keep every m-th layer, recompute the rest.

Chapter 14 relies on it (the explorer's JavaScript, js/checkpoint_view.js, computes the same
counts and is tested against fixtures written from this module).

Cost model (one for the whole book): a multiply-add is one scalar a·b + c; a product of an
(p × q) and a (q × r) matrix costs p·q·r of them.  With sizes = (n_0, ..., n_L) and a batch of
B columns, layer k's forward pass makes one product, W_k h_{k−1}: n_k n_{k−1} B multiply-adds.
Its backward pass makes two of the same size, ∇_{W_k} = ∇_{a_k} h_{k−1}ᵀ and
∇_{h_{k−1}} = W_kᵀ ∇_{a_k} (the second skipped for k = 1 when the input gradient is not asked
for).  Elementwise work (b_k, g, g′, ⊙) is O(n_k B) per layer and is not counted.

Memory model: the number of float64 activations kept for the backward pass.  The plain
forward pass (bp.forward) keeps h_0 = x and every a_k, h_k: B (n_0 + 2 Σ_{k≥1} n_k) floats.

Checkpointing with segment length m: the checkpoints are c_s = s·m for s = 0..S−1,
S = ⌈L/m⌉; segment s is layers c_s + 1 .. c_{s+1} (c_S = L).  The forward pass keeps h_{c_s}
at every checkpoint and every a_k, h_k of the last segment.  The backward pass walks the
segments from the last to the first: it recomputes segment s from h_{c_s} (except the last,
which the forward pass kept), runs the backward recursion through it, then drops the segment
and its checkpoint.  While segment s is held, the pass keeps
    B (n_{c_0} + ... + n_{c_s} + 2 Σ_{k ∈ segment s} n_k)
floats; the peak is the largest of these.  Segment s < S−1 is recomputed once, so the extra
forward work is the forward multiply-adds of layers 1..c_{S−1}.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from backprop._checks import as_matrix
from backprop.activations import get_activation
from backprop.losses import get_output
from backprop.network import Forward, Gradients, Network, output_gradient, target, target_loss


def _check_sizes(sizes) -> tuple[int, ...]:
    sizes = tuple(sizes)
    if len(sizes) < 2 or not all(isinstance(n, (int, np.integer)) and n >= 1 for n in sizes):
        raise ValueError(f"sizes must be ≥ 2 positive integers (n_0, ..., n_L), got {sizes!r}")
    return tuple(int(n) for n in sizes)


def _check_positive(value, name: str) -> int:
    if not (isinstance(value, (int, np.integer)) and not isinstance(value, bool) and value >= 1):
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


# ------------------------------------------------------------------ time: multiply-adds


def forward_madds(sizes, B: int) -> list:
    """Forward multiply-adds per layer: W_k h_{k−1} costs n_k · n_{k−1} · B.

    Parameters
    ----------
    sizes : (n_0, ..., n_L)
    B : batch size (number of columns of x)

    Returns
    -------
    [None, f_1, ..., f_L], f_k = n_k n_{k−1} B
    """
    sizes, B = _check_sizes(sizes), _check_positive(B, "batch size B")
    return [None] + [sizes[k] * sizes[k - 1] * B for k in range(1, len(sizes))]


def backward_madds(sizes, B: int, input_grad: bool = False) -> list:
    """Backward multiply-adds per layer: ∇_{a_k} h_{k−1}ᵀ and W_kᵀ ∇_{a_k}, n_k n_{k−1} B each.

    For k = 1 the second product (∇_{h_0}, the gradient w.r.t. x) is made only if input_grad.

    Returns
    -------
    [None, c_1, ..., c_L], c_k = 2 n_k n_{k−1} B (c_1 = n_1 n_0 B without input_grad)
    """
    f = forward_madds(sizes, B)
    return [None] + [(2 if k > 1 or input_grad else 1) * f[k] for k in range(1, len(f))]


class _Counting(np.ndarray):
    """A float array that logs the shapes (p, q, r) of every matrix product it takes part in."""

    log: list | None = None

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        def unwrap(v):
            return v.view(np.ndarray) if isinstance(v, _Counting) else v

        plain = [unwrap(v) for v in inputs]
        if "out" in kwargs:
            kwargs["out"] = tuple(unwrap(v) for v in kwargs["out"])
        if ufunc is np.matmul and method == "__call__" and _Counting.log is not None:
            A, C = np.asarray(plain[0]), np.asarray(plain[1])
            _Counting.log.append((A.shape[0], A.shape[1], C.shape[1]))  # (p × q)(q × r)
        result = getattr(ufunc, method)(*plain, **kwargs)
        if isinstance(result, np.ndarray) and result.dtype.kind == "f":
            return result.view(_Counting)
        return result


def counted_products(net: Network, x, y, input_grad: bool = False) -> tuple[list, list]:
    """Run bp.forward and bp.backward themselves, logging every matrix product they make.

    The weights, and the a_k, h_k the forward pass hands to the backward pass, are wrapped in
    an array type that records the shapes (p, q, r) of each (p × q)(q × r) product it takes
    part in (every product of either pass has one of them as a factor), so the log is what
    the lib's code really computes, independent of forward_madds/backward_madds.

    Returns
    -------
    (forward_products, backward_products) : lists of (p, q, r), in the order they were made;
    each costs p·q·r multiply-adds.
    """
    from backprop.network import backward, forward

    counted = net.with_params(
        (None,) + tuple(Wk.view(_Counting) for Wk in net.W[1:]),
        (None,) + tuple(bk.view(_Counting) for bk in net.b[1:]),
    )
    _Counting.log = []
    try:
        fwd = forward(counted, x)
        forward_log, _Counting.log = _Counting.log, []
        fwd = Forward([None] + [ak.view(_Counting) for ak in fwd.a[1:]], [hk.view(_Counting) for hk in fwd.h])
        backward(counted, fwd, y, input_grad=input_grad)
        return forward_log, _Counting.log
    finally:
        _Counting.log = None


# ------------------------------------------------------------------ memory: stored floats


def stored_floats(sizes, B: int) -> int:
    """Floats the plain forward pass keeps for the backward pass: B (n_0 + 2 Σ_{k=1}^{L} n_k).

    h_0 = x, and a_k, h_k of shape (n_k, B) for k = 1..L (h_L = ŷ).
    """
    sizes, B = _check_sizes(sizes), _check_positive(B, "batch size B")
    return B * (sizes[0] + 2 * sum(sizes[1:]))


def checkpoints(L: int, m: int) -> tuple[int, ...]:
    """The checkpoint layers c_s = s·m < L, s = 0..S−1, with S = ⌈L/m⌉ segments."""
    L, m = _check_positive(L, "number of layers L"), _check_positive(m, "segment length m")
    return tuple(range(0, L, m))


def segments(L: int, m: int) -> list[tuple[int, int]]:
    """The segments as (first layer, last layer): (c_s + 1, min(c_s + m, L))."""
    return [(c + 1, min(c + m, L)) for c in checkpoints(L, m)]


def checkpoint_memory(sizes, B: int, m: int) -> list[int]:
    """Floats kept while segment s is held: B (Σ_{r ≤ s} n_{c_r} + 2 Σ_{k ∈ segment s} n_k).

    Returns
    -------
    one count per segment s = 0..S−1; the peak memory is their max.
    """
    sizes = _check_sizes(sizes)
    B = _check_positive(B, "batch size B")
    L = len(sizes) - 1
    cs = checkpoints(L, m)
    return [
        B * (sum(sizes[c] for c in cs[: s + 1]) + 2 * sum(sizes[first : last + 1]))
        for s, (first, last) in enumerate(segments(L, m))
    ]


def peak_floats(sizes, B: int, m: int) -> int:
    """The peak of checkpoint_memory: the most floats kept at once with segment length m."""
    return max(checkpoint_memory(sizes, B, m))


def recomputed_layers(L: int, m: int) -> int:
    """Layers the backward pass recomputes: every segment but the last, c_{S−1} layers."""
    return checkpoints(L, m)[-1]


def extra_forward_madds(sizes, B: int, m: int) -> int:
    """Extra forward multiply-adds of checkpointing: Σ_{k=1}^{c_{S−1}} n_k n_{k−1} B."""
    f = forward_madds(sizes, B)
    return sum(f[1 : recomputed_layers(len(f) - 1, m) + 1])


def uniform_peak(L: int, n: int, B: int, m: int) -> int:
    """Peak floats for L layers all of width n (n_0 = n too), in closed form.

    With S = ⌈L/m⌉ segments, segment s < S−1 is held with s + 1 checkpoints and the last one,
    of L − c_{S−1} layers, with all S; so the peak is
        n B · max(S + 2 (L − c_{S−1}), (S − 1) + 2m)      (only the first term if S = 1)
    ≈ n B (L/m + 2m), smallest near m = √(L/2), i.e. with about √(2L) segments.
    """
    L, m = _check_positive(L, "number of layers L"), _check_positive(m, "segment length m")
    S = math.ceil(L / m)
    last = L - (S - 1) * m
    held = S + 2 * last if S == 1 else max(S + 2 * last, S - 1 + 2 * m)
    return n * B * held


def best_segment_length(L: int, n: int = 1, B: int = 1) -> int:
    """The m in 1..L with the smallest uniform_peak (the smallest m if several tie); ≈ √(L/2)."""
    return min(range(1, L + 1), key=lambda m: (uniform_peak(L, n, B, m), m))


# ------------------------------------------------------------------ the checkpointed pass


class Checkpointed(NamedTuple):
    """What checkpointed_backward returns.

    loss : the batch loss L(θ)
    grads : Gradients; grad_W, grad_b filled for k = 1..L, grad_h[0] = ∇_x if input_grad,
            every other entry None (the intermediate gradients are not kept)
    memory : floats kept while each segment was held (measured from the arrays' sizes)
    peak : max(memory), the peak number of stored floats
    recomputed : layers recomputed in the backward pass
    extra_madds : multiply-adds of those recomputations
    """

    loss: float
    grads: Gradients
    memory: list
    peak: int
    recomputed: int
    extra_madds: int


class _Store:
    """The activations a pass keeps, by name, and the largest number of floats held at once."""

    def __init__(self):
        self.arrays: dict = {}
        self.peak = 0

    def keep(self, key, arr: np.ndarray) -> np.ndarray:
        self.arrays[key] = arr
        return arr

    def drop(self, key) -> None:
        del self.arrays[key]

    def floats(self) -> int:
        return sum(arr.nbytes for arr in self.arrays.values()) // 8  # float64: 8 bytes each


def checkpointed_backward(net: Network, x, y, m: int, input_grad: bool = False) -> Checkpointed:
    """Forward and backward pass keeping h_k only every m layers; the rest recomputed per segment.

    The same gradients as bp.backward(net, bp.forward(net, x), y) (the same operations in the
    same order), with at most peak_floats(net.sizes, B, m) activations kept at once.

    Parameters
    ----------
    net : Network
    x : input, shape (n_0, B)
    y : target, as bp.backward takes it
    m : segment length, 1 ≤ m (m ≥ L keeps everything: the plain pass)
    input_grad : also compute ∇_{h_0} = ∇_x, shape (n_0, B)

    Returns
    -------
    Checkpointed(loss, grads, memory, peak, recomputed, extra_madds)
    """
    m = _check_positive(m, "segment length m")
    x = as_matrix(x, "input x", rows=net.sizes[0])
    B, L = x.shape[1], net.L
    Y = target(net, y, B)
    act = get_activation(net.g)
    O = get_output(net.output).O
    segs = segments(L, m)
    cs = [first - 1 for first, _ in segs]
    store = _Store()

    def layer(k, h_prev):
        a_k = net.b[k] + net.W[k] @ h_prev
        return a_k, (act.g(a_k) if k < L else O(a_k))

    # Forward: h at every checkpoint, and every a_k, h_k of the last segment.
    h = store.keep(("h", 0), x)
    for k in range(1, L + 1):
        a_k, h = layer(k, h)
        if k > cs[-1]:
            store.keep(("a", k), a_k)
            store.keep(("h", k), h)
        elif k in cs:
            store.keep(("h", k), h)
    fwd_L = Forward([store.arrays[("a", L)]], [store.arrays[("h", L)]])
    loss_value = target_loss(net, fwd_L, Y)

    grad_a, grad_h = [None] * (L + 1), [None] * (L + 1)
    grad_W, grad_b = [None] * (L + 1), [None] * (L + 1)
    memory, recomputed, extra = [], 0, 0
    g_a, _ = output_gradient(net, fwd_L, Y)  # ∇_{a_L}
    g_h = None
    for s in range(len(segs) - 1, -1, -1):
        first, last = segs[s]
        if s < len(segs) - 1:  # recompute segment s from its checkpoint h_{c_s}
            h = store.arrays[("h", first - 1)]
            for k in range(first, last + 1):
                a_k, h = layer(k, h)
                store.keep(("a", k), a_k)
                store.keep(("h", k), h)
                recomputed += 1
                extra += net.W[k].size * B
        memory.append(store.floats())
        for k in range(last, first - 1, -1):
            if g_a is None:  # entering the segment: ∇_{a_k} = ∇_{h_k} ⊙ g′(a_k)
                g_a = g_h * act.g_prime(store.arrays[("a", k)])
            h_prev = store.arrays[("h", k - 1)]
            grad_W[k] = g_a @ h_prev.T
            grad_b[k] = g_a.sum(axis=1, keepdims=True)
            g_h = net.W[k].T @ g_a if k > 1 or input_grad else None
            if k > first:
                g_a = g_h * act.g_prime(store.arrays[("a", k - 1)])
            else:
                g_a = None
        for k in range(first, last + 1):
            store.drop(("a", k))
            store.drop(("h", k))
    grad_h[0] = g_h if input_grad else None
    memory.reverse()  # memory[s] is segment s's
    grads = Gradients(grad_a, grad_h, grad_W, grad_b)
    return Checkpointed(loss_value, grads, memory, max(memory), recomputed, extra)
