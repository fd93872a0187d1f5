"""Activation functions g and their derivatives g′ (chapters 1, 8), and softmax (chapters 2, 5).

Each function acts elementwise on an array of pre-activations a of any shape,
e.g. (n_k, B) for layer k, and returns an array of the same shape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from backprop._checks import check_name


def sigmoid(a):
    """Logistic function, σ(a) = 1 / (1 + exp(−a)), stable for any a.

    For a ≪ 0, exp(−a) overflows to inf and 1 / inf = 0, the correct limit, so
    the overflow is silenced; there is no cancellation, so σ(a) keeps full
    relative precision down to a ≈ −709 (then it underflows to 0).
    """
    s = np.array(a, dtype=np.float64)  # one new array, then everything in place (big layers)
    np.negative(s, out=s)
    with np.errstate(over="ignore"):
        np.exp(s, out=s)
    s += 1.0
    return np.reciprocal(s, out=s)[()]  # [()] gives a scalar back for a scalar a


def sigmoid_prime(a):
    """Derivative of the logistic function, σ′(a) = σ(a)(1 − σ(a))."""
    s = sigmoid(a)
    return s * (1.0 - s)


def tanh(a):
    """Hyperbolic tangent, tanh(a) = (e^a − e^−a) / (e^a + e^−a)."""
    return np.tanh(np.asarray(a, dtype=np.float64))


def tanh_prime(a):
    """Derivative of tanh, tanh′(a) = 1 − tanh(a)²."""
    t = np.tanh(np.asarray(a, dtype=np.float64))
    return 1.0 - t * t


def relu(a):
    """Rectified linear unit, ReLU(a) = max(0, a)."""
    return np.maximum(0.0, np.asarray(a, dtype=np.float64))


def relu_prime(a):
    """Derivative of ReLU, 1 if a > 0 else 0 (at the kink a = 0 we take 0, as PyTorch does)."""
    return (np.asarray(a, dtype=np.float64) > 0).astype(np.float64)


def identity(a):
    """Identity (linear) activation, g(a) = a."""
    return np.array(a, dtype=np.float64)


def identity_prime(a):
    """Derivative of the identity, g′(a) = 1."""
    return np.ones_like(np.asarray(a, dtype=np.float64))


class Activation(NamedTuple):
    """An activation g together with its derivative g′, both elementwise."""

    name: str
    g: Callable[[np.ndarray], np.ndarray]
    g_prime: Callable[[np.ndarray], np.ndarray]


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_prime),
    "tanh": Activation("tanh", tanh, tanh_prime),
    "relu": Activation("relu", relu, relu_prime),
    "identity": Activation("identity", identity, identity_prime),
}


def get_activation(name: str) -> Activation:
    """Look up an activation by name: 'sigmoid', 'tanh', 'relu' or 'identity'."""
    return ACTIVATIONS[check_name(name, ACTIVATIONS, "activation")]


def softmax(a):
    """Softmax output, ŷ_i = exp(a_i) / Σ_j exp(a_j), taken down each column.

    Stable for logits of any size: the column maximum is subtracted first
    (softmax is shift-invariant), so the largest exponent is exp(0) = 1.

    Parameters
    ----------
    a : array, shape (k, B) (or (k,) for one example)

    Returns
    -------
    y_hat : array, same shape as a; each column is a probability vector.
    """
    a = np.asarray(a, dtype=np.float64)
    z = a - a.max(axis=0, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=0, keepdims=True)


def log_softmax(a):
    """log softmax(a) down each column, via log-sum-exp: a_i − max − log Σ_j exp(a_j − max)."""
    a = np.asarray(a, dtype=np.float64)
    z = a - a.max(axis=0, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=0, keepdims=True))


def softmax_jacobian(a):
    """Jacobian of softmax for one example: ∂ŷ_i/∂a_j = ŷ_i (1{i=j} − ŷ_j).

    Parameters
    ----------
    a : array, shape (k,) or (k, 1)

    Returns
    -------
    J : array, shape (k, k), J[i, j] = ∂ŷ_i/∂a_j = diag(ŷ) − ŷ ŷᵀ.
    """
    y_hat = softmax(np.asarray(a, dtype=np.float64).reshape(-1, 1))
    return np.diagflat(y_hat) - y_hat @ y_hat.T
