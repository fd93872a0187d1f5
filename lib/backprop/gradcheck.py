"""Gradient checking: finite differences, relative error, a whole-network check.

Chapter 12 (gradient checking, error orders, the "break it" toggles) and every
chapter that asserts a formula numerically (5–11); chapter 9 compares the cost
of a finite-difference gradient with backpropagation.

Shapes follow the lib: W[k] (n_k, n_{k−1}), b[k] (n_k, 1), a[k] and h[k]
(n_k, B) for a batch of B columns; h[0] = x, h[L] = ŷ.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from backprop.activations import get_activation
from backprop.losses import get_loss, get_output
from backprop.network import Forward, Network, backward, forward, forward_from, loss, target

TENSORS = ("W", "b", "a", "h")


def numerical_gradient(f: Callable[[np.ndarray], float], X: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Centred difference: ∂f/∂X_i ≈ (f(X + ε e_i) − f(X − ε e_i)) / (2ε), error O(ε²).

    X is perturbed in place, one entry at a time, and restored afterwards, so
    f may read X through its argument or through any object that holds X
    (a network's W[k], say).

    Parameters
    ----------
    f : function of X returning a scalar (a float or a size-1 array)
    X : float64 numpy array, any shape (writable; left unchanged on return)
    eps : step ε > 0, or an array of steps shaped like X (one per entry)

    Returns
    -------
    grad : array, same shape as X
    """
    return _difference(f, X, eps, centred=True)


def one_sided_gradient(f: Callable[[np.ndarray], float], X: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Forward difference: ∂f/∂X_i ≈ (f(X + ε e_i) − f(X)) / ε, error O(ε) (chapter 12 compares the orders).

    Parameters and Returns as for `numerical_gradient`.
    """
    return _difference(f, X, eps, centred=False)


def numerical_gradient_at(
    f: Callable[[np.ndarray], float], X: np.ndarray, indices, eps: float = 1e-6
) -> np.ndarray:
    """Centred differences at a few entries of X only: 2 evaluations of f per entry, not 2·X.size.

    For a big network, checking a random sample of coordinates costs little and
    still catches a wrong backward pass (chapter 12).

    Parameters
    ----------
    f, X, eps : as for `numerical_gradient` (eps a number here)
    indices : flat indices into X (ints in 0..X.size−1), shape (s,)

    Returns
    -------
    grad : array, shape (s,), grad[j] ≈ ∂f/∂X.flat[indices[j]]
    """
    idx = np.asarray(indices)
    if (
        idx.ndim != 1
        or not np.issubdtype(idx.dtype, np.integer)
        or (idx.size and (idx.min() < 0 or idx.max() >= X.size))
    ):
        raise ValueError(
            f"indices must be flat integer indices in 0..{X.size - 1}, shape (s,), got {indices!r}"
        )
    return _difference(f, X, eps, centred=True, where=[np.unravel_index(i, X.shape) for i in idx])


def elementwise_derivative(g: Callable[[np.ndarray], np.ndarray], z, eps: float = 1e-5) -> np.ndarray:
    """Centred difference of an elementwise function on a grid: g′(z) ≈ (g(z + ε) − g(z − ε)) / 2ε.

    For activations (chapter 8): one vectorised evaluation on each side instead of
    one per entry, which is exact because g acts on each entry alone.  Error
    O(ε²) away from kinks; at a kink of ReLU it gives the average slope 1/2.

    Parameters
    ----------
    g : elementwise function (an activation's g, say)
    z : array of points, any shape
    eps : step ε > 0

    Returns
    -------
    array shaped like z
    """
    if not (np.isfinite(eps) and eps > 0):
        raise ValueError(f"eps must be a finite number > 0, got {eps!r}")
    z = np.asarray(z, dtype=np.float64)
    return (np.asarray(g(z + eps)) - np.asarray(g(z - eps))) / (2 * eps)


def numerical_jacobian(
    f: Callable[[np.ndarray], np.ndarray], X, eps: float = 1e-6, order: str = "C"
) -> np.ndarray:
    """Centred-difference Jacobian J[i, j] ≈ ∂f_i/∂X_j, one row per output of f (chapters 6, 10).

    The rows are numerical gradients (Jacobian convention: a gradient is the
    transpose of a row).  X and f(X) are flattened in `order` ('C' row by row,
    'F' column by column — the Ensimag slides stack a matrix's columns, the
    neurons' weight vectors ω_1, ω_2, ..., so use 'F' for their ∂f/∂W).

    Parameters
    ----------
    f : function of an array shaped like X, returning an array (any shape, m entries)
    X : array, any shape (copied; the caller's array is never changed)
    eps : step ε > 0
    order : 'C' or 'F', how X is flattened into the columns of J

    Returns
    -------
    J : array, shape (m, X.size)
    """
    if order not in ("C", "F"):
        raise ValueError(f"order must be 'C' or 'F', got {order!r}")
    X = np.array(X, dtype=np.float64)  # a private copy: numerical_gradient perturbs it in place
    m = np.size(f(X))
    rows = [
        numerical_gradient(lambda X, i=i: np.ravel(f(X), order=order)[i], X, eps).ravel(order=order)
        for i in range(m)
    ]
    return np.vstack(rows)


def _difference(f, X, eps, centred: bool, where=None) -> np.ndarray:
    if not (isinstance(X, np.ndarray) and X.dtype == np.float64 and X.flags.writeable):
        raise TypeError(
            f"X must be a writable float64 numpy array (it is perturbed in place), got {type(X).__name__}"
            + (f" of dtype {X.dtype}" if isinstance(X, np.ndarray) else "")
        )
    steps = np.broadcast_to(np.asarray(eps, dtype=np.float64), X.shape)
    if not np.all(np.isfinite(steps) & (steps > 0)):
        raise ValueError(f"eps must be a finite number > 0 (or an array of them, shaped like X), got {eps!r}")
    f0 = None if centred else _scalar(f(X))
    entries = list(np.ndindex(X.shape)) if where is None else where
    values = np.empty(len(entries))
    for n, i in enumerate(entries):
        old, step = X[i], steps[i]
        X[i] = old + step
        f_plus = _scalar(f(X))
        if centred:
            X[i] = old - step
            values[n] = (f_plus - _scalar(f(X))) / (2 * step)
        else:
            values[n] = (f_plus - f0) / step
        X[i] = old
    return values.reshape(X.shape) if where is None else values


def _scalar(value) -> float:
    arr = np.asarray(value, dtype=np.float64)
    if arr.size != 1:
        raise TypeError(f"f must return a scalar, got an array of shape {arr.shape}")
    return float(arr.reshape(()))


def rel_error(a, b, tiny: float = 1e-300) -> float:
    """Relative error max_i |a_i − b_i| / max(max_i (|a_i| + |b_i|), tiny).

    A tensor-wide version of CS231n's relative error: the largest difference
    is measured against the largest entry, so an entry that is nearly zero in
    both arrays cannot blow the ratio up.  0 for identical arrays; about 1e-16
    is float64's floor; a correct gradient checked with centred differences
    gives about 1e-9, a wrong one about 1e-2 or more.  A gradient that
    vanishes identically is the exception: both arrays are then rounding
    noise (~1e-17 and ~1e-11) and their ratio means nothing — look at the
    size of the gradient too (the report's max |grad| column).

    Parameters
    ----------
    a, b : arrays of the same shape (or scalars)
    tiny : floor of the denominator, so that two zero arrays give 0, not 0/0

    Returns
    -------
    float in [0, 1]
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b)) / max(float(np.max(np.abs(a) + np.abs(b))), tiny))


def _check_tensor(net: Network, which: str, k: int) -> None:
    if which not in TENSORS:
        raise ValueError(f"which must be one of {TENSORS} (W[k], b[k], a[k] or h[k]), got {which!r}")
    lo = 0 if which == "h" else 1
    if not (isinstance(k, (int, np.integer)) and lo <= k <= net.L):
        raise ValueError(f"{which}[k] needs k in {lo}..L = {lo}..{net.L}, got {k!r}")


def loss_function(net: Network, x, y, which: str, k: int) -> tuple[Callable[[np.ndarray], float], np.ndarray]:
    """The loss as a function of one tensor, with everything before it held fixed.

    For W[k], b[k] the whole forward pass is rerun; for a[k] or h[k] it is
    resumed from layer k (`forward_from`), so the function is L(a_k) or
    L(h_k) with the earlier layers frozen.  For h[L] = ŷ it is ℓ(ŷ, y) itself.

    Parameters
    ----------
    net : Network
    x : input, shape (n_0, B); y : target (labels (B,) or (k, B))
    which : 'W', 'b', 'a' or 'h'
    k : layer index, 1..L (0..L for 'h'; h[0] is the input x)

    Returns
    -------
    (f, X) : f(X) -> float, and the float64 array X it perturbs (a private copy
             of the tensor's current value, so `net` is never modified).
    """
    _check_tensor(net, which, k)
    fwd = forward(net, x)
    Y = target(net, y, fwd.h[0].shape[1])
    if which in ("W", "b"):
        work = net.copy()
        X = (work.W if which == "W" else work.b)[k]
        return (lambda _: loss(work, forward(work, fwd.h[0]), Y)), X
    X = (fwd.a if which == "a" else fwd.h)[k].copy()
    if which == "h" and k == net.L:
        value = get_loss(net.loss, net.delta).value
        return (lambda y_hat: value(y_hat, Y)), X
    act = get_output(net.output).O if k == net.L else get_activation(net.g).g

    def f(X):
        a, h = list(fwd.a), list(fwd.h)
        if which == "a":
            a[k], h[k] = X, act(X)
        else:
            h[k] = X
        return loss(net, forward_from(net, Forward(a, h), k), Y)

    return f, X


def numerical_gradient_of(net: Network, x, y, which: str, k: int, eps: float = 1e-5) -> np.ndarray:
    """Centred-difference ∂L/∂W_k, ∂L/∂b_k, ∂L/∂a_k or ∂L/∂h_k, the tensor's shape.

    Parameters
    ----------
    net, x, y : the network and a batch (x (n_0, B), y labels (B,) or (k, B))
    which : 'W', 'b', 'a' or 'h'; k : layer index (see `loss_function`)
    eps : step ε of the centred difference.  Its error is about ε² |L‴| / 6
          (truncation) + 1e-16 |L| / ε (rounding), smallest near ε = 1e-5 for a
          loss of order 1: about 1e-11.

    Returns
    -------
    grad : array shaped like W[k] (n_k, n_{k−1}), b[k] (n_k, 1), a[k] or h[k] (n_k, B)
    """
    f, X = loss_function(net, x, y, which, k)
    return numerical_gradient(f, X, _step(net, which, k, X, eps))


def _step(net: Network, which: str, k: int, X: np.ndarray, eps: float):
    if which == "h" and k == net.L and net.output != "identity":
        # ŷ lies in (0, 1) and the log-losses blow up at 0 and 1: a fixed step could
        # cross half the way there, so take it relative to the distance, ε min(ŷ, 1 − ŷ).
        return eps * np.maximum(np.minimum(X, 1.0 - X), 1e-12)
    return eps


class TensorCheck(NamedTuple):
    """One row of a gradient check: backprop's gradient vs the centred difference."""

    name: str  # e.g. 'W[2]'
    shape: tuple
    rel_error: float
    max_abs_grad: float


@dataclasses.dataclass(frozen=True)
class GradCheckReport:
    """Per-tensor relative errors of a whole-network gradient check.

    rows : tuple of TensorCheck(name, shape, rel_error, max_abs_grad), one per tensor
    eps : the centred difference's step; path : how ∇_{a_L} was found
    """

    rows: tuple
    eps: float
    path: str

    @property
    def max_error(self) -> float:
        """The worst relative error over all tensors."""
        return max((r.rel_error for r in self.rows), default=0.0)

    def passed(self, tol: float = 1e-7) -> bool:
        """True if every tensor's relative error is below tol."""
        return self.max_error < tol

    def __getitem__(self, name: str) -> TensorCheck:
        """The row of one tensor, e.g. report['W[1]']."""
        for row in self.rows:
            if row.name == name:
                return row
        raise KeyError(f"no tensor {name!r}; have {[r.name for r in self.rows]}")

    def __str__(self) -> str:
        lines = [f"{'tensor':<8} {'shape':<12} {'max |grad|':>11} {'rel. error':>11}"]
        for r in self.rows:
            lines.append(f"{r.name:<8} {str(r.shape):<12} {r.max_abs_grad:>11.3e} {r.rel_error:>11.2e}")
        lines.append(f"max relative error {self.max_error:.2e} (ε = {self.eps:g}, path = {self.path!r})")
        return "\n".join(lines)


def check_network(
    net: Network,
    x,
    y,
    eps: float = 1e-5,
    path: str = "shortcut",
    activations: bool = True,
    samples: int | None = None,
    seed: int = 0,
) -> GradCheckReport:
    """Whole-network gradient check: backprop vs centred differences for every tensor.

    rel_error(backward(...).grad_W[k], numerical ∂L/∂W_k), and the same for
    b[k], and (if `activations`) a[k], h[k] for k = 1..L and the input h[0].
    h[L] = ŷ is included on the general path, where backward fills ∇_ŷ L.

    Parameters
    ----------
    net : Network
    x : input, shape (n_0, B); y : target (labels (B,) or (k, B))
    eps : step of the centred difference (see numerical_gradient_of)
    path : 'shortcut' or 'general', how backward finds ∇_{a_L}
    activations : also check a[k] and h[k], not only the parameters
    samples : check only this many entries of each tensor, drawn at random
              (np.random.default_rng(seed)); None checks every entry
    seed : seed of that draw

    Returns
    -------
    GradCheckReport, printable as a table; .max_error, .passed(tol)
    """
    if samples is not None and not (isinstance(samples, (int, np.integer)) and samples >= 1):
        raise ValueError(f"samples must be an integer ≥ 1 (entries per tensor) or None, got {samples!r}")
    rng = np.random.default_rng(seed)
    grads = backward(net, forward(net, x), y, path=path, input_grad=True)
    plan = [("W", k) for k in range(1, net.L + 1)] + [("b", k) for k in range(1, net.L + 1)]
    if activations:
        plan += [("a", k) for k in range(1, net.L + 1)] + [("h", k) for k in range(0, net.L + 1)]
    table = {"W": grads.grad_W, "b": grads.grad_b, "a": grads.grad_a, "h": grads.grad_h}
    rows = []
    for which, k in plan:
        analytic = table[which][k]
        if analytic is None:  # ∇_ŷ on the shortcut path is never formed
            continue
        if samples is None:
            err = rel_error(analytic, numerical_gradient_of(net, x, y, which, k, eps))
        else:
            idx = rng.choice(analytic.size, size=min(samples, analytic.size), replace=False)
            f, X = loss_function(net, x, y, which, k)
            err = rel_error(
                analytic.flat[idx], numerical_gradient_at(f, X, idx, _step(net, which, k, X, eps))
            )
        rows.append(TensorCheck(f"{which}[{k}]", analytic.shape, err, float(np.max(np.abs(analytic)))))
    return GradCheckReport(tuple(rows), eps, path)
