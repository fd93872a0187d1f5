"""Shared helpers for the lib tests: random networks and matching targets."""

from __future__ import annotations

import backprop as bp
import numpy as np
from backprop.activations import ACTIVATIONS
from backprop.losses import LOSSES, OUTPUTS

# Every output/loss pair that is defined: log-losses need ŷ in (0, 1), so not a linear output.
PAIRS = [
    (out, loss)
    for out in OUTPUTS
    for loss in LOSSES
    if not (out == "identity" and loss in ("cross_entropy", "binary_cross_entropy"))
]
ACTIVATION_NAMES = sorted(ACTIVATIONS)


def random_target(loss: str, k: int, B: int, rng: np.random.Generator, labels: bool = True, output=None):
    """A target y that `loss` accepts: labels or probability columns, [0, 1], reals or ±1.

    With a softmax output, targets are probability columns (or mixed signs): a target
    that all of ŷ's entries lie on one side of (y < 0, say) gives a gradient that is
    zero up to rounding (softmax's Jacobian kills constant vectors), and a relative
    error between two rounding noises means nothing.
    """
    kind = bp.get_loss(loss).target
    if output == "softmax" and kind == "real":
        kind = "probabilities"
        labels = False
    if output == "softmax" and kind == "sign" and k >= 2:
        y = rng.choice([-1.0, 1.0], (k, B))
        y[0], y[1] = 1.0, -1.0
        return y
    if kind == "probabilities":
        if labels:
            return rng.integers(0, k, B)
        p = rng.uniform(0.1, 1.0, (k, B))
        return p / p.sum(axis=0)
    if kind == "unit":
        return rng.uniform(0.05, 0.95, (k, B))
    if kind == "sign":
        return rng.choice([-1.0, 1.0], (k, B))
    return rng.normal(size=(k, B))


def random_problem(sizes, g, output, loss, B, seed, labels=True):
    """(net, x, y): a seeded network with random (non-zero) biases, a batch x and a target y."""
    rng = np.random.default_rng(seed)
    net = bp.init(sizes, g=g, output=output, loss=loss, seed=seed, delta=0.7)
    # Weights of size 0.5..1.5 / √n_{k−1} and random signs: no weight is nearly zero, so no
    # gradient is so small that the finite differences' rounding (~1e-11) dominates it.
    W = (None,) + tuple(
        rng.choice([-1.0, 1.0], Wk.shape) * rng.uniform(0.5, 1.5, Wk.shape) / np.sqrt(Wk.shape[1])
        for Wk in net.W[1:]
    )
    b = (None,) + tuple(rng.normal(0.0, 0.5, bk.shape) for bk in net.b[1:])
    net = net.replace(W=W, b=b)
    x = rng.normal(size=(sizes[0], B))
    return net, x, random_target(loss, sizes[-1], B, rng, labels, output)


# Browser fixtures for the built book (book_dir, book_pages, browser, open_page): tests/bookpage.py
from bookpage import book_dir, book_pages, browser, open_page  # noqa: E402, F401
