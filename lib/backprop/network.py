"""The feedforward network: init, forward, backward — the lectures' algorithms as code.

Chapters 1 (the network), 5–7 (the backward pass, one part at a time), 9 (the
full algorithm) and 10–11 (other derivations checked against this one).

Shapes: layer k has n_k units, sizes = (n_0, ..., n_L).  W[k] is (n_k, n_{k−1}),
b[k] is (n_k, 1), a[k] and h[k] are (n_k, B) for a batch of B columns; h[0] = x,
h[L] = ŷ.  Index 0 of W, b, a and of their gradients holds None.
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

import numpy as np

from backprop._checks import as_matrix, check_finite, check_name
from backprop.activations import ACTIVATIONS, get_activation
from backprop.losses import (
    LOSSES,
    OUTPUTS,
    as_target,
    get_loss,
    get_output,
    is_matched,
    loss_from_logits,
    matched_grad_a_L,
    output_vjp,
)


@dataclasses.dataclass(frozen=True, eq=False)
class Network:
    """Parameters θ = (W_1..W_L, b_1..b_L) and the choice of g, O and loss.

    W : tuple (None, W_1, ..., W_L), W_k of shape (n_k, n_{k−1})
    b : tuple (None, b_1, ..., b_L), b_k of shape (n_k, 1)
    g : hidden activation name ('sigmoid', 'tanh', 'relu', 'identity')
    output : output function O ('softmax', 'sigmoid', 'identity')
    loss : loss name (see backprop.losses.get_loss)
    delta : Huber's δ (used only by loss='huber')
    """

    W: tuple
    b: tuple
    g: str = "sigmoid"
    output: str = "softmax"
    loss: str = "cross_entropy"
    delta: float = 1.0

    def __post_init__(self):
        check_name(self.g, ACTIVATIONS, "activation g")
        check_name(self.output, OUTPUTS, "output function")
        check_name(self.loss, LOSSES, "loss")
        get_loss(self.loss, self.delta)  # validates δ
        if self.output == "identity" and self.loss in ("cross_entropy", "binary_cross_entropy"):
            # log ŷ needs ŷ in (0, 1); a linear output can be ≤ 0 and the loss would be NaN.
            raise ValueError(
                f"loss {self.loss!r} takes log ŷ, so it needs outputs in (0, 1): use output 'softmax' "
                f"or 'sigmoid', not {self.output!r}"
            )
        W, b = tuple(self.W), tuple(self.b)
        if len(W) != len(b) or len(W) < 2:
            raise ValueError(
                f"W and b must be lists (None, W_1..W_L) and (None, b_1..b_L) of equal length ≥ 2, "
                f"got lengths {len(W)} and {len(b)}"
            )
        if W[0] is not None or b[0] is not None:
            raise ValueError("slot 0 of W and b must be None (code index = lecture index: W[1] is W_1)")
        W = (None,) + tuple(_as_float_array(Wk, f"W[{k}]", ndim=2) for k, Wk in enumerate(W[1:], 1))
        b = (None,) + tuple(_as_float_array(bk, f"b[{k}]", ndim=None) for k, bk in enumerate(b[1:], 1))
        b = (None,) + tuple(bk.reshape(-1, 1) for bk in b[1:])
        if self.output == "softmax" and W[-1].shape[0] < 2:
            raise ValueError(
                "output 'softmax' needs k ≥ 2 output units (over one unit it is the constant 1); "
                f"W[{len(W) - 1}] has {W[-1].shape[0]} row — use output 'sigmoid' for one unit"
            )
        for k in range(1, len(W)):
            n_k = W[k].shape[0]
            if k > 1 and W[k].shape[1] != W[k - 1].shape[0]:
                raise ValueError(
                    f"W[{k}] must have shape (n_{k}, n_{k - 1}) = (*, {W[k - 1].shape[0]}) to chain with "
                    f"W[{k - 1}] of shape {W[k - 1].shape}, got {W[k].shape}"
                )
            if b[k].shape != (n_k, 1):
                raise ValueError(f"b[{k}] must have shape (n_{k}, 1) = ({n_k}, 1), got {b[k].shape}")
        object.__setattr__(self, "W", W)
        object.__setattr__(self, "b", b)

    @property
    def L(self) -> int:
        """Number of layers with parameters (hidden layers + the output layer)."""
        return len(self.W) - 1

    @property
    def sizes(self) -> tuple[int, ...]:
        """(n_0, n_1, ..., n_L): input size, hidden widths, number of outputs k."""
        return (self.W[1].shape[1],) + tuple(Wk.shape[0] for Wk in self.W[1:])

    @property
    def n_params(self) -> int:
        """Number of scalar parameters in θ."""
        return sum(Wk.size + bk.size for Wk, bk in zip(self.W[1:], self.b[1:], strict=True))

    def replace(self, **changes) -> Network:
        """A copy with some fields changed, e.g. net.replace(W=new_W, b=new_b)."""
        return dataclasses.replace(self, **changes)

    def with_params(self, W: tuple, b: tuple) -> Network:
        """A network with new parameters of the same shapes, made by the lib itself.

        Skips the checks and copies of the constructor: for training updates
        W_k − η ∇_{W_k}, whose shapes and finiteness the trainer guarantees.
        """
        new = object.__new__(Network)
        new.__dict__.update(self.__dict__, W=W, b=b)  # frozen: fill the fields directly
        return new

    def copy(self) -> Network:
        """A deep copy (the arrays are copied too)."""
        return self.replace(
            W=(None,) + tuple(Wk.copy() for Wk in self.W[1:]),
            b=(None,) + tuple(bk.copy() for bk in self.b[1:]),
        )


def _as_float_array(value, name: str, ndim: int | None) -> np.ndarray:
    try:
        arr = np.array(value, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}") from err
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); every layer needs at least one unit")
    check_finite(arr, name)
    return arr


def init(
    sizes,
    g: str = "sigmoid",
    output: str = "softmax",
    loss: str = "cross_entropy",
    seed: int = 0,
    delta: float = 1.0,
) -> Network:
    """A network with random weights W_k ~ N(0, s²/n_{k−1}) and zero biases b_k = 0.

    s² = 2 for ReLU (He) and 1 otherwise (LeCun), so a_k keeps a steady scale.

    Parameters
    ----------
    sizes : sequence of ints (n_0, n_1, ..., n_L), each ≥ 1, length ≥ 2
    g, output, loss, delta : see Network
    seed : seed of np.random.default_rng; the same seed gives the same network

    Returns
    -------
    Network
    """
    sizes = tuple(sizes)
    if len(sizes) < 2 or not all(isinstance(n, (int, np.integer)) and n >= 1 for n in sizes):
        raise ValueError(f"sizes must be ≥ 2 positive integers (n_0, ..., n_L), got {sizes!r}")
    check_name(g, ACTIVATIONS, "activation g")
    rng = np.random.default_rng(seed)
    gain = 2.0 if g == "relu" else 1.0
    W = [None] + [
        rng.normal(0.0, np.sqrt(gain / n_in), size=(n_out, n_in))
        for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)
    ]
    b = [None] + [np.zeros((n, 1)) for n in sizes[1:]]
    return Network(tuple(W), tuple(b), g=g, output=output, loss=loss, delta=delta)


class Forward(NamedTuple):
    """Everything the forward pass computes and the backward pass needs.

    a : [None, a_1, ..., a_L], a_k of shape (n_k, B)
    h : [x, h_1, ..., h_{L−1}, ŷ], h_k of shape (n_k, B); h[L] is ŷ
    """

    a: list
    h: list

    @property
    def y_hat(self) -> np.ndarray:
        """ŷ = h_L = O(a_L), shape (k, B)."""
        return self.h[-1]


def forward(net: Network, x) -> Forward:
    """Forward propagation: a_k = b_k + W_k h_{k−1}, h_k = g(a_k), ŷ = h_L = O(a_L).

    Parameters
    ----------
    net : Network
    x : array, shape (n_0, B) — or (n_0,) for one example

    Returns
    -------
    Forward(a, h) with a[k], h[k] of shape (n_k, B) and h[0] = x.
    """
    x = as_matrix(x, "input x", rows=net.sizes[0])
    return _propagate(net, [None], [x])


def forward_from(net: Network, fwd: Forward, k: int) -> Forward:
    """Forward propagation resumed after layer k: a_j = b_j + W_j h_{j−1}, h_j = g(a_j), j = k+1..L.

    Entries 0..k of `fwd` are kept as they are (a gradient check may have
    changed h[k], say); the later layers are recomputed from h[k].

    Parameters
    ----------
    net : Network
    fwd : Forward whose a[1..k] and h[0..k] are set; h[k] of shape (n_k, B)
    k : layer to resume after, 0 ≤ k ≤ L (k = 0 is the same as forward(net, h[0]))

    Returns
    -------
    Forward(a, h), a new pair of lists sharing entries 0..k with `fwd`.
    """
    if not (isinstance(k, (int, np.integer)) and 0 <= k <= net.L):
        raise ValueError(f"k must be a layer index in 0..L = 0..{net.L}, got {k!r}")
    return _propagate(net, list(fwd.a[: k + 1]), list(fwd.h[: k + 1]))


def _propagate(net: Network, a: list, h: list) -> Forward:
    # Append layers len(h)..L to the lists a, h (in place) and return them.
    g, O = get_activation(net.g).g, get_output(net.output).O
    for k in range(len(h), net.L + 1):
        a.append(net.b[k] + net.W[k] @ h[k - 1])
        h.append(g(a[k]) if k < net.L else O(a[k]))
    return Forward(a, h)


def target(net: Network, y, B: int | None = None) -> np.ndarray:
    """The target as a (k, B) array: labels ℓ become one-hot columns e(ℓ); shapes are checked."""
    return as_target(net.loss, y, net.sizes[-1], B)


def loss(net: Network, fwd: Forward, y) -> float:
    """The batch loss L(θ) = (1/B) Σ_b ℓ(ŷ_b, y_b), computed stably from a_L where possible."""
    return target_loss(net, fwd, target(net, y, fwd.h[0].shape[1]))


def target_loss(net: Network, fwd: Forward, Y: np.ndarray) -> float:
    """The batch loss for a target Y of shape (k, B) already checked by `target`."""
    if net.loss == "huber":
        return get_loss("huber", net.delta).value(fwd.y_hat, Y)
    return loss_from_logits(net.output, net.loss, fwd.a[-1], fwd.y_hat, Y)


class Gradients(NamedTuple):
    """Every gradient of the backward pass, each shaped like the quantity it is taken w.r.t.

    grad_a : [None, ∇_{a_1}, ..., ∇_{a_L}], shape (n_k, B)
    grad_h : [∇_{h_0}, ..., ∇_{h_{L−1}}, ∇_ŷ], shape (n_k, B); ∇_{h_0} is the gradient
             w.r.t. the input x (None if not asked for); ∇_ŷ = grad_h[L] is filled
             by the general path and None on the shortcut path
    grad_W : [None, ∇_{W_1}, ..., ∇_{W_L}], shape (n_k, n_{k−1})
    grad_b : [None, ∇_{b_1}, ..., ∇_{b_L}], shape (n_k, 1)
    """

    grad_a: list
    grad_h: list
    grad_W: list
    grad_b: list


def output_gradient(net: Network, fwd: Forward, Y: np.ndarray, path: str = "shortcut"):
    """∇_{a_L} L, by the matched-pair shortcut or by the general path J_Oᵀ ∇_ŷ L.

    Parameters
    ----------
    Y : target, shape (k, B) (see `target`)
    path : 'shortcut' (softmax+CE → ŷ − e(ℓ); sigmoid+BCE → ŷ − y; linear+SE → 2(ŷ − y))
           or 'general' (any output/loss pair); 'shortcut' falls back to 'general'
           for pairs without one.

    Returns
    -------
    (grad_a_L, grad_y_hat) : shapes (k, B); grad_y_hat is None on the shortcut path.
    """
    if path not in ("shortcut", "general"):
        raise ValueError(f"path must be 'shortcut' or 'general', got {path!r}")
    if path == "shortcut" and is_matched(net.output, net.loss):
        return matched_grad_a_L(net.output, net.loss, fwd.y_hat, Y), None
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        grad_y_hat = get_loss(net.loss, net.delta).grad(fwd.y_hat, Y)
    if not np.all(np.isfinite(grad_y_hat)):
        raise ValueError(
            "∇_ŷ L is not finite: ŷ reached 0 or 1 in a loss that divides by it; "
            "use path='shortcut', which computes ∇_{a_L} without dividing by ŷ"
        )
    return output_vjp(net.output, fwd.a[-1], grad_y_hat), grad_y_hat


def backward(net: Network, fwd: Forward, y, path: str = "shortcut", input_grad: bool = True) -> Gradients:
    """Back propagation for a target y in any accepted form: checks y, then `back_propagation`.

    Parameters
    ----------
    net : Network
    fwd : Forward, from forward(net, x)
    y : target — labels ℓ of shape (B,) for cross-entropy, else shape (k, B)
    path : 'shortcut' or 'general', how ∇_{a_L} is found (see output_gradient)
    input_grad : compute ∇_{h_0} (the gradient w.r.t. x); training can skip it

    Returns
    -------
    Gradients(grad_a, grad_h, grad_W, grad_b), shapes as in the class docstring.
    """
    Y = target(net, y, fwd.h[0].shape[1])
    return back_propagation(net, fwd, Y, path=path, input_grad=input_grad)


def back_propagation(
    net: Network, fwd: Forward, Y: np.ndarray, path: str = "shortcut", input_grad: bool = True
) -> Gradients:
    """Back propagation, as in the lecture's algorithm:

        ∇_{a_L} = −(e(ℓ) − ŷ)                       (or the general J_Oᵀ ∇_ŷ L)
        for k = L, ..., 1:
            ∇_{W_k} = ∇_{a_k} h_{k−1}ᵀ
            ∇_{b_k} = ∇_{a_k}                     (summed over the batch columns)
            ∇_{h_{k−1}} = W_kᵀ ∇_{a_k}
            ∇_{a_{k−1}} = ∇_{h_{k−1}} ⊙ g′(a_{k−1})   (for k > 1)

    Parameters
    ----------
    net : Network
    fwd : Forward, from forward(net, x)
    Y : target of shape (k, B) as returned by `target` (already checked; `backward`
        takes any accepted form and checks it first)
    path : 'shortcut' or 'general', how ∇_{a_L} is found (see output_gradient)
    input_grad : compute ∇_{h_0} (the gradient w.r.t. x); training can skip it

    Returns
    -------
    Gradients(grad_a, grad_h, grad_W, grad_b), shapes as in the class docstring.
    """
    L = net.L
    g_prime = get_activation(net.g).g_prime
    grad_a, grad_h = [None] * (L + 1), [None] * (L + 1)
    grad_W, grad_b = [None] * (L + 1), [None] * (L + 1)
    grad_a[L], grad_h[L] = output_gradient(net, fwd, Y, path)
    for k in range(L, 0, -1):
        grad_W[k] = grad_a[k] @ fwd.h[k - 1].T
        grad_b[k] = grad_a[k].sum(axis=1, keepdims=True)
        if k > 1 or input_grad:
            grad_h[k - 1] = net.W[k].T @ grad_a[k]
        if k > 1:
            grad_a[k - 1] = grad_h[k - 1] * g_prime(fwd.a[k - 1])
    return Gradients(grad_a, grad_h, grad_W, grad_b)


def loss_and_gradients(net: Network, x, y, path: str = "shortcut"):
    """Forward then backward for one batch.

    Returns
    -------
    (loss, fwd, grads) : float, Forward, Gradients
    """
    fwd = forward(net, x)
    return loss(net, fwd, y), fwd, backward(net, fwd, y, path=path)
