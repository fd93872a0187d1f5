"""Deliberately broken backward passes: the pitfalls of chapters 5, 6, 7 and 12, runnable.

Each bug is one line of the lecture's loop done wrong; the explorers' "break it"
toggles run the same bugs in JavaScript (lib/backprop/js/backprop_math.js, BREAKS),
and the gradient check catches every one of them.  The correct loop is
`backprop.network.back_propagation`; this module keeps a separate copy so that
one stays as clean as the slides.

Shapes as in backprop.network: a[k], h[k], grad_a[k], grad_h[k] are (n_k, B),
W[k] and grad_W[k] are (n_k, n_{k−1}).
"""

from __future__ import annotations

import numpy as np

from backprop.activations import get_activation
from backprop.network import Forward, Gradients, Network, output_gradient, target

BREAKS = {
    "drop_g_prime": "drop g′: ∇_{a_{k−1}} = ∇_{h_{k−1}} (the ⊙ g′(a_{k−1}) is forgotten)",
    "drop_transpose": (
        "drop the transpose: ∇_{h_{k−1}} = W_k ∇_{a_k} instead of W_kᵀ ∇_{a_k}; a non-square W_k "
        "is read as if padded with zeros to a square matrix"
    ),
    "flip_sign": "flip the sign of the output gradient: ∇_{a_L} = +(e(ℓ) − ŷ), i.e. y − ŷ for ŷ − y",
    "outer_transposed": (
        "h ∇ᵀ instead of ∇ hᵀ: ∇_{W_k} = h_{k−1} ∇_{a_k}ᵀ, the transpose of the right matrix "
        "(square layers only: elsewhere the shapes differ and the update fails loudly)"
    ),
    "one_path": "forget to sum over paths: ∂L/∂h_{k−1,j} keeps only the path through unit m = j",
}


def untransposed_times(Wk: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The "drop the transpose" bug: W_k v with W_k zero-padded to a square matrix.

    Parameters
    ----------
    Wk : (n_k, n_{k−1});  v : (n_k, B)

    Returns
    -------
    (n_{k−1}, B): row j is Σ_{m < min(n_k, n_{k−1})} W_k[j, m] v[m] for j < n_k, else 0.
    """
    n_out, n_in = Wk.shape
    n = min(n_out, n_in)
    out = np.zeros((n_in, v.shape[1]))
    out[:n] = Wk[:n, :n] @ v[:n]
    return out


def broken_backward(net: Network, fwd: Forward, y, breaks=()) -> Gradients:
    """The lecture's backward pass with the named bugs switched on (see BREAKS).

    Parameters
    ----------
    net, fwd : as for backprop.network.backward
    y : target — labels ℓ of shape (B,) for cross-entropy, else shape (k, B)
    breaks : iterable of names from BREAKS; empty gives the correct gradients

    Returns
    -------
    Gradients(grad_a, grad_h, grad_W, grad_b), shapes as in backprop.network.Gradients.
    """
    breaks = set(breaks)
    unknown = breaks - set(BREAKS)
    if unknown:
        raise ValueError(f"unknown bug(s) {sorted(unknown)}; expected names from {sorted(BREAKS)}")
    Y = target(net, y, fwd.h[0].shape[1])
    L = net.L
    g_prime = get_activation(net.g).g_prime
    grad_a, grad_h = [None] * (L + 1), [None] * (L + 1)
    grad_W, grad_b = [None] * (L + 1), [None] * (L + 1)
    grad_a[L], grad_h[L] = output_gradient(net, fwd, Y)
    if "flip_sign" in breaks:
        grad_a[L] = -grad_a[L]
    for k in range(L, 0, -1):
        if "outer_transposed" in breaks and net.W[k].shape[0] == net.W[k].shape[1]:
            grad_W[k] = fwd.h[k - 1] @ grad_a[k].T
        else:
            grad_W[k] = grad_a[k] @ fwd.h[k - 1].T
        grad_b[k] = grad_a[k].sum(axis=1, keepdims=True)
        if "drop_transpose" in breaks:
            grad_h[k - 1] = untransposed_times(net.W[k], grad_a[k])
        elif "one_path" in breaks:
            n = min(net.W[k].shape)
            grad_h[k - 1] = np.zeros_like(fwd.h[k - 1])
            grad_h[k - 1][:n] = np.diagonal(net.W[k])[:n, None] * grad_a[k][:n]
        else:
            grad_h[k - 1] = net.W[k].T @ grad_a[k]
        if k > 1:
            grad_a[k - 1] = (
                grad_h[k - 1] if "drop_g_prime" in breaks else grad_h[k - 1] * g_prime(fwd.a[k - 1])
            )
    return Gradients(grad_a, grad_h, grad_W, grad_b)
