"""L2 weight decay: the penalty (λ/2) Σ_k ‖W_k‖² and its term λ W_k in the backward pass.

Chapter 15.  The regularised loss is

    L_λ(θ) = L(θ) + (λ/2) Σ_{k=1..L} Σ_{i,j} W_kij²,

whose gradient w.r.t. W_k is ∇_{W_k} L + λ W_k (shape (n_k, n_{k−1})).  The biases are not
decayed: ∇_{b_k} L_λ = ∇_{b_k} L.  Nothing else in the backward pass changes (the penalty does
not depend on a_k or h_k), so grad_a and grad_h are the unregularised ones.
"""

from __future__ import annotations

import math

import numpy as np

from backprop.network import Gradients, Network, loss_and_gradients


def _check_lam(lam) -> float:
    if isinstance(lam, bool) or not isinstance(lam, (int, float, np.integer, np.floating)):
        raise ValueError(f"the weight decay λ must be a number ≥ 0, got {lam!r}")
    if not (math.isfinite(lam) and lam >= 0):
        raise ValueError(f"the weight decay λ must be a finite number ≥ 0, got {lam!r}")
    return float(lam)


def l2_penalty(net: Network, lam: float) -> float:
    """(λ/2) Σ_k ‖W_k‖²_F — the weights only, not the biases."""
    lam = _check_lam(lam)
    return 0.5 * lam * sum(float(np.sum(Wk * Wk)) for Wk in net.W[1:])


def add_weight_decay(net: Network, grads: Gradients, lam: float) -> Gradients:
    """∇_{W_k} ← ∇_{W_k} + λ W_k for k = 1..L; ∇_{b_k}, ∇_{a_k}, ∇_{h_k} unchanged.

    Parameters
    ----------
    net : Network, the W_k of shape (n_k, n_{k−1})
    grads : Gradients of the unregularised loss (from bp.backward)
    lam : λ ≥ 0

    Returns
    -------
    Gradients, a new tuple; grad_W[k] = grads.grad_W[k] + λ W[k] (new arrays)
    """
    lam = _check_lam(lam)
    if len(grads.grad_W) != len(net.W):
        raise ValueError(
            f"grads has {len(grads.grad_W) - 1} layers but the network has {net.L}: "
            "pass the Gradients of this network's backward pass"
        )
    grad_W = [None] + [gW + lam * Wk for gW, Wk in zip(grads.grad_W[1:], net.W[1:], strict=True)]
    return grads._replace(grad_W=grad_W)


def regularised_loss_and_gradients(net: Network, x, y, lam: float):
    """L_λ = L + (λ/2) Σ‖W_k‖² and its gradients, for one batch.

    Returns
    -------
    (loss, fwd, grads) : float, Forward, Gradients (grad_W with the λ W_k term)
    """
    lam = _check_lam(lam)
    loss, fwd, grads = loss_and_gradients(net, x, y)
    return loss + l2_penalty(net, lam), fwd, add_weight_decay(net, grads, lam)
