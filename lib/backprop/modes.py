"""Forward mode and reverse mode: one chain of Jacobians, multiplied from either end.

Chapter 13.  For one example, ∂ℓ/∂x is the product of the layers' Jacobians,

    (∇_x ℓ)ᵀ = J_L J_{L−1} ⋯ J_1,   J_k = ∂h_k/∂h_{k−1} = diag(g′(a_k)) W_k  (n_k × n_{k−1}),
                                    J_L = ∂ℓ/∂h_{L−1} = (∇_{a_L} ℓ)ᵀ W_L     (1 × n_{L−1}).

Forward mode multiplies from the input side, right to left (J_2 J_1, then J_3 (J_2 J_1), ...),
carrying an n_k × n_0 matrix; reverse mode from the loss side, left to right ((J_L J_{L−1}),
...), carrying a 1 × n_k row.  Both give the same numbers; `multiply_chain` counts the
multiply-adds of the products it actually computes, `chain_cost` is the formula.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from backprop.activations import get_activation
from backprop.network import backward, forward

MODES = ("forward", "reverse")


def layer_jacobians(net, x, y) -> list[np.ndarray]:
    """[J_1, ..., J_L] of the loss of one example w.r.t. its input, as in the module docstring.

    Parameters
    ----------
    net : backprop.Network
    x : one example, shape (n_0, 1)
    y : its target, as bp.backward accepts it

    Returns
    -------
    list of L arrays, J_k of shape (n_k, n_{k−1}) for k < L, J_L of shape (1, n_{L−1}).
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape != (net.sizes[0], 1):
        raise ValueError(f"x must be one example of shape ({net.sizes[0]}, 1), got {x.shape}")
    fwd = forward(net, x)
    grad_a_L = backward(net, fwd, y).grad_a[net.L]  # (k, 1): where the chain starts
    g_prime = get_activation(net.g).g_prime
    J = [g_prime(fwd.a[k]) * net.W[k] for k in range(1, net.L)]  # diag(g′(a_k)) W_k, row scaling
    return J + [grad_a_L.T @ net.W[net.L]]


class ChainProduct(NamedTuple):
    """The product J_L ⋯ J_1 and the multiply-adds spent on it.

    product : array, shape (rows of J_L, columns of J_1) — (1, n_0) for a loss
    multiply_adds : int, Σ over the products computed of p·q·r for (p, q) @ (q, r)
    """

    product: np.ndarray
    multiply_adds: int


def multiply_chain(jacobians, mode: str) -> ChainProduct:
    """J_L ⋯ J_1 by forward mode (right to left) or reverse mode (left to right).

    Parameters
    ----------
    jacobians : [J_1, ..., J_L], J_k of shape (m_k, m_{k−1})
    mode : 'forward' or 'reverse'

    Returns
    -------
    ChainProduct(product of shape (m_L, m_0), multiply_adds)
    """
    if mode not in MODES:
        raise ValueError(f"mode must be 'forward' or 'reverse', got {mode!r}")
    J = [np.asarray(Jk, dtype=np.float64) for Jk in jacobians]
    if not J or any(Jk.ndim != 2 for Jk in J):
        raise ValueError("jacobians must be a non-empty list [J_1, ..., J_L] of 2-D arrays")
    for k in range(1, len(J)):
        if J[k].shape[1] != J[k - 1].shape[0]:
            raise ValueError(
                f"J_{k + 1} of shape {J[k].shape} does not chain with J_{k} of shape {J[k - 1].shape}"
            )
    count = 0
    if mode == "forward":
        P = J[0]  # ∂h_1/∂x, m_1 × m_0
        for Jk in J[1:]:
            count += Jk.shape[0] * Jk.shape[1] * P.shape[1]
            P = Jk @ P  # ∂h_k/∂x, m_k × m_0
    else:
        P = J[-1]  # ∂ℓ/∂h_{L−1}, m_L × m_{L−1}
        for Jk in reversed(J[:-1]):
            count += P.shape[0] * Jk.shape[0] * Jk.shape[1]
            P = P @ Jk  # ∂ℓ/∂h_{k−1}, m_L × m_{k−1}
    return ChainProduct(P, count)


def chain_cost(widths, mode: str) -> int:
    """Multiply-adds of the chain product for widths (m_0, m_1, ..., m_L):

    forward: m_0 · Σ_{k=2}^{L} m_k m_{k−1}        reverse: m_L · Σ_{k=1}^{L−1} m_k m_{k−1}
    """
    if mode not in MODES:
        raise ValueError(f"mode must be 'forward' or 'reverse', got {mode!r}")
    m = tuple(widths)
    if len(m) < 2 or not all(isinstance(n, (int, np.integer)) and n >= 1 for n in m):
        raise ValueError(f"widths must be ≥ 2 positive integers (m_0, ..., m_L), got {m!r}")
    L = len(m) - 1
    if mode == "forward":
        return int(m[0] * sum(m[k] * m[k - 1] for k in range(2, L + 1)))
    return int(m[L] * sum(m[k] * m[k - 1] for k in range(1, L)))
