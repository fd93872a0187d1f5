"""Initialisation schemes from variance propagation, and per-layer gradient norms.

Chapter 15 (deep networks: vanishing and exploding gradients) derives the schemes and measures
the norms; chapter 8 and chapter 15 show them in the gradient-norm explorer (backprop.gradnorm),
whose JavaScript builds its weights the way `scaled_network` does here.

A scheme gives the variance v_k = Var(W_kij) of layer k's weights, W_k of shape (n_k, n_{k−1}):

    'lecun'   v_k = 1 / n_{k−1}              (keeps Var(a_k) where g acts linearly)
    'glorot'  v_k = 2 / (n_{k−1} + n_k)      (the compromise between forward and backward)
    'he'      v_k = 2 / n_{k−1}              (ReLU: makes up for the half of a_k it zeroes)
    'normal'  v_k = 1                        (a standard normal, whatever the width)

`bp.init` draws W_k ~ N(0, v_k) with 'he' for ReLU and 'lecun' otherwise; `init` here takes the
scheme as an argument.  Biases start at 0 in every scheme.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from backprop._checks import check_name
from backprop.activations import ACTIVATIONS
from backprop.network import Network, loss_and_gradients

SCHEMES = {
    "lecun": lambda n_in, n_out: 1.0 / n_in,
    "glorot": lambda n_in, n_out: 2.0 / (n_in + n_out),
    "he": lambda n_in, n_out: 2.0 / n_in,
    "normal": lambda n_in, n_out: 1.0,
}


def weight_variance(scheme: str, n_in: int, n_out: int) -> float:
    """v = Var(W_kij) of a layer with n_{k−1} = n_in inputs and n_k = n_out units.

    Returns
    -------
    float, as in the module docstring
    """
    check_name(scheme, SCHEMES, "initialisation scheme")
    for name, n in (("n_in", n_in), ("n_out", n_out)):
        if not (isinstance(n, (int, np.integer)) and n >= 1):
            raise ValueError(f"{name} must be a positive integer (a layer width), got {n!r}")
    return SCHEMES[scheme](int(n_in), int(n_out))


def weight_std(scheme: str, n_in: int, n_out: int) -> float:
    """σ = √v, the standard deviation of the weights (what multiplies a standard normal)."""
    return math.sqrt(weight_variance(scheme, n_in, n_out))


def _check_sizes(sizes) -> tuple[int, ...]:
    sizes = tuple(sizes)
    if len(sizes) < 2 or not all(isinstance(n, (int, np.integer)) and n >= 1 for n in sizes):
        raise ValueError(f"sizes must be ≥ 2 positive integers (n_0, ..., n_L), got {sizes!r}")
    return tuple(int(n) for n in sizes)


def init(
    sizes,
    g: str = "sigmoid",
    scheme: str = "lecun",
    output: str = "softmax",
    loss: str = "cross_entropy",
    seed: int = 0,
) -> Network:
    """A network with W_k ~ N(0, v_k) for the chosen scheme and b_k = 0.

    With scheme 'he' for ReLU and 'lecun' otherwise this is bp.init, draw for draw (same seed,
    same numbers).

    Parameters
    ----------
    sizes : (n_0, n_1, ..., n_L); g, output, loss : see Network
    scheme : one of SCHEMES
    seed : seed of np.random.default_rng

    Returns
    -------
    Network with W[k] of shape (n_k, n_{k−1}), b[k] of shape (n_k, 1)
    """
    sizes = _check_sizes(sizes)
    check_name(g, ACTIVATIONS, "activation g")
    check_name(scheme, SCHEMES, "initialisation scheme")
    rng = np.random.default_rng(seed)
    W = [None] + [
        rng.normal(0.0, weight_std(scheme, n_in, n_out), size=(n_out, n_in))
        for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)
    ]
    b = [None] + [np.zeros((n, 1)) for n in sizes[1:]]
    return Network(tuple(W), tuple(b), g=g, output=output, loss=loss)


def scaled_network(normals, sizes, g: str, scheme: str) -> Network:
    """W_k = σ_k Z_k[:n_k, :n_{k−1}] from given standard normals Z_k, b_k = 0; softmax + CE.

    The explorer's construction: one array of normals drawn once for the largest depth and
    width, cut to the current shape and scaled by the scheme's σ_k (the JavaScript does the same
    products, so both sides hold the same weights bit for bit).

    Parameters
    ----------
    normals : array of shape (L_max, n_max, n_max); layer k uses normals[k − 1]
    sizes : (n_0, ..., n_L) with L ≤ L_max and every n_k ≤ n_max
    g, scheme : activation and initialisation scheme

    Returns
    -------
    Network (output softmax, loss cross-entropy)
    """
    sizes = _check_sizes(sizes)
    Z = np.asarray(normals, dtype=np.float64)
    if Z.ndim != 3 or Z.shape[1] != Z.shape[2]:
        raise ValueError(f"normals must have shape (L_max, n_max, n_max), got {Z.shape}")
    L = len(sizes) - 1
    if L > Z.shape[0] or max(sizes) > Z.shape[1]:
        raise ValueError(
            f"sizes {sizes} need L ≤ {Z.shape[0]} layers of ≤ {Z.shape[1]} units (the normals' shape)"
        )
    W = [None] + [
        weight_std(scheme, sizes[k - 1], sizes[k]) * Z[k - 1, : sizes[k], : sizes[k - 1]]
        for k in range(1, L + 1)
    ]
    b = [None] + [np.zeros((n, 1)) for n in sizes[1:]]
    return Network(tuple(W), tuple(b), g=g, output="softmax", loss="cross_entropy")


class GradientNorms(NamedTuple):
    """Per-layer norms of one backward pass, index k = 1..L (slot 0 is None).

    grad_a : ‖∇_{a_k} L‖, the Frobenius norm of the (n_k, B) matrix
    grad_W : ‖∇_{W_k} L‖, the Frobenius norm of the (n_k, n_{k−1}) matrix
    """

    grad_a: list
    grad_W: list


def gradient_norms(net: Network, x, y) -> GradientNorms:
    """‖∇_{a_k} L‖ and ‖∇_{W_k} L‖ for k = 1..L, from the lib's backward pass.

    Parameters
    ----------
    net : Network; x : input of shape (n_0, B); y : target (labels (B,) or (k, B))

    Returns
    -------
    GradientNorms(grad_a, grad_W), lists of L + 1 entries with None in slot 0
    """
    _, _, grads = loss_and_gradients(net, x, y)
    L = net.L
    norm_a = [None] + [float(np.linalg.norm(grads.grad_a[k])) for k in range(1, L + 1)]
    norm_W = [None] + [float(np.linalg.norm(grads.grad_W[k])) for k in range(1, L + 1)]
    return GradientNorms(norm_a, norm_W)


class VarianceRecursion(NamedTuple):
    """The derived variances through a network at initialisation, index k = 1..L (slot 0 None).

    q : q_k = Var(a_kj), from q_1 = n_0 v_1 E[x²] and q_k = n_{k−1} v_k E[g(a_{k−1})²]
    chi : χ_k = n_k v_k E[g′(a_{k−1})²] for k = 2..L, the factor by which E[(∂L/∂a_{k−1,j})²]
          exceeds E[(∂L/∂a_kj)²] (slot 1 is None: there is no layer 0 to pass back to)
    """

    q: list
    chi: list


def gaussian_mean(f, q: float) -> float:
    """E[f(a)] for a ~ N(0, q): the trapezoid rule on a = √q z, z ∈ [−12, 12] in steps of 5·10⁻⁴.

    A fine grid rather than Gauss–Hermite nodes, because g′(a)² of a saturating g is a narrow
    peak when q is large (width ~1 in a, so ~1/√q in z), which a few nodes would miss.
    """
    if not (math.isfinite(q) and q >= 0):
        raise ValueError(f"the variance q must be a finite number ≥ 0, got {q!r}")
    z = np.linspace(-12.0, 12.0, 48_001)
    density = np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
    return float(np.trapezoid(density * f(math.sqrt(q) * z), z))


def variance_recursion(sizes, g: str, scheme: str, input_second_moment: float = 1.0) -> VarianceRecursion:
    """The forward and backward variance recursions of chapter 15, under its independence assumptions.

    Forward:  Var(a_kj) = n_{k−1} v_k E[h_{k−1,j}²], with h_{k−1} = g(a_{k−1}), a_{k−1} ~ N(0, q_{k−1}).
    Backward: E[(∂L/∂a_{k−1,j})²] = n_k v_k E[g′(a_{k−1,j})²] · E[(∂L/∂a_kj)²].

    Parameters
    ----------
    sizes : (n_0, ..., n_L); g : activation; scheme : one of SCHEMES
    input_second_moment : E[x_j²] of the inputs (1 for standard normal inputs)

    Returns
    -------
    VarianceRecursion(q, chi), lists of L + 1 entries
    """
    from backprop.activations import get_activation

    sizes = _check_sizes(sizes)
    act = get_activation(g)
    if not (isinstance(input_second_moment, (int, float)) and input_second_moment > 0):
        raise ValueError(f"input_second_moment must be a number > 0, got {input_second_moment!r}")
    L = len(sizes) - 1
    v = [None] + [weight_variance(scheme, sizes[k - 1], sizes[k]) for k in range(1, L + 1)]
    q = [None, sizes[0] * v[1] * float(input_second_moment)]
    chi = [None, None]
    for k in range(2, L + 1):
        q.append(sizes[k - 1] * v[k] * gaussian_mean(lambda a: act.g(a) ** 2, q[k - 1]))
        chi.append(sizes[k] * v[k] * gaussian_mean(lambda a: act.g_prime(a) ** 2, q[k - 1]))
    return VarianceRecursion(q, chi)
