"""Write the fixtures the explorers' JavaScript math is tested against (tests/js/*.test.mjs).

Usage: python tests/js/make_fixtures.py [OUT]   (default tests/js/fixtures.json, git-ignored)

Every case is a random small network (every activation, every output/loss pair the explorers
offer, depth 1–4, widths 1–6) with its input, target, weights and every value the lib computes
for it: a_k, h_k, the loss, grad_a, grad_h, grad_W, grad_b, a centred-difference estimate of
one ∂L/∂W_kij and the multi-path terms of one unit.  The expected values come from
backprop.forward / backprop.backward only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import backprop as bp
import numpy as np
from backprop.network import loss as network_loss

ACTIVATIONS = ("sigmoid", "tanh", "relu", "identity")
PAIRS = ("softmax+cross_entropy", "sigmoid+binary_cross_entropy", "identity+squared_error")
EPS = 1e-5
N_RANDOM = 240


def col(v):
    """A (n, 1) column as a plain list of floats."""
    return [float(t) for t in np.asarray(v).ravel()]


def mat(M):
    return [[float(t) for t in row] for row in np.asarray(M)]


def centred_difference(net, x, y, k, i, j, eps=EPS):
    """(L(W_kij + ε) − L(W_kij − ε)) / (2ε), through the lib's forward pass and loss."""

    def loss_with(w):
        W = list(net.W)
        W[k] = W[k].copy()
        W[k][i, j] = w
        shifted = net.replace(W=tuple(W))
        return network_loss(shifted, bp.forward(shifted, x), y)

    w = net.W[k][i, j]
    return (loss_with(w + eps) - loss_with(w - eps)) / (2 * eps)


def make_case(rng, g, pair, sizes, scale=1.0, zero=False):
    output, loss_name = pair.split("+")
    net = bp.init(sizes, g=g, output=output, loss=loss_name, seed=int(rng.integers(2**31)))
    L = net.L
    if zero:  # every a_k = 0 exactly: ReLU's kink, σ(0) = ½, tanh(0) = 0
        W = (None,) + tuple(np.zeros_like(Wk) for Wk in net.W[1:])
        b = (None,) + tuple(np.zeros_like(bk) for bk in net.b[1:])
    else:
        W = (None,) + tuple(scale * rng.uniform(0.5, 2.0) * Wk for Wk in net.W[1:])
        b = (None,) + tuple(rng.normal(0, 0.5 * scale, size=bk.shape) for bk in net.b[1:])
    net = net.replace(W=W, b=b)
    x = rng.uniform(-2, 2, size=(sizes[0], 1))
    k_out = sizes[-1]
    label = None
    if pair.startswith("softmax"):
        label = int(rng.integers(k_out))
        y_lib = np.array([label])
        y_vec = bp.one_hot(label, k_out)
    elif pair.startswith("sigmoid"):
        y_vec = rng.uniform(0, 1, size=(k_out, 1))
        y_vec[rng.uniform(size=k_out) < 0.3] = 1.0  # exact 0/1 targets, as a label would be
        y_vec[rng.uniform(size=k_out) < 0.2] = 0.0
        y_lib = y_vec
    else:
        y_vec = rng.normal(0, 1, size=(k_out, 1))
        y_lib = y_vec
    fwd = bp.forward(net, x)
    grads = bp.backward(net, fwd, y_lib)
    k = int(rng.integers(1, L + 1))
    i = int(rng.integers(sizes[k]))
    j = int(rng.integers(sizes[k - 1]))
    pi = int(rng.integers(0, L))  # a unit of layer pi < L (the input layer when L = 1)
    pj = int(rng.integers(sizes[pi]))
    terms = grads.grad_a[pi + 1][:, 0] * net.W[pi + 1][:, pj]
    return {
        "sizes": list(sizes),
        "g": g,
        "pair": pair,
        "x": col(x),
        "label": label,
        "y": col(y_vec),
        "W": [None] + [mat(Wk) for Wk in net.W[1:]],
        "b": [None] + [col(bk) for bk in net.b[1:]],
        "a": [None] + [col(ak) for ak in fwd.a[1:]],
        "h": [col(hk) for hk in fwd.h],
        "loss": network_loss(net, fwd, y_lib),
        "gradA": [None] + [col(v) for v in grads.grad_a[1:]],
        "gradH": [col(v) for v in grads.grad_h[:L]] + [None],
        "gradW": [None] + [mat(v) for v in grads.grad_W[1:]],
        "gradB": [None] + [col(v) for v in grads.grad_b[1:]],
        "check": {"k": k, "i": i, "j": j, "eps": EPS, "numeric": centred_difference(net, x, y_lib, k, i, j)},
        "paths": {"i": pi, "j": pj, "terms": col(terms), "gradH": float(grads.grad_h[pi][pj, 0])},
    }


def draw_sizes(rng, L: int, pair) -> list[int]:
    """Widths 1–6 for layers 0..L; a softmax output gets k ≥ 2 (over one unit it is the constant 1)."""
    sizes = [int(n) for n in rng.integers(1, 7, size=L + 1)]
    if pair.startswith("softmax+"):
        sizes[-1] = max(sizes[-1], 2)
    return sizes


def make_fixtures(seed: int = 20240607) -> dict:
    rng = np.random.default_rng(seed)
    cases = []
    # Every activation × pair × depth at least once, then random ones.
    for g in ACTIVATIONS:
        for pair in PAIRS:
            for L in (1, 2, 3, 4):
                cases.append(make_case(rng, g, pair, draw_sizes(rng, L, pair)))
    for _ in range(N_RANDOM):
        g = ACTIVATIONS[rng.integers(len(ACTIVATIONS))]
        pair = PAIRS[rng.integers(len(PAIRS))]
        L = int(rng.integers(1, 5))
        cases.append(make_case(rng, g, pair, draw_sizes(rng, L, pair)))
    # Widest and deepest, saturated (large logits: the stable forms matter), and all-zero.
    for g in ACTIVATIONS:
        for pair in PAIRS:
            cases.append(make_case(rng, g, pair, [6, 6, 6, 6, 6]))
            cases.append(make_case(rng, g, pair, [3, 4, 3], scale=30.0))
            cases.append(make_case(rng, g, pair, [2, 3, 2], zero=True))
    return {"eps": EPS, "activations": list(ACTIVATIONS), "pairs": list(PAIRS), "cases": cases}


def main(argv: list[str]) -> None:
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).with_name("fixtures.json")
    data = make_fixtures()
    out.write_text(json.dumps(data))
    print(f"wrote {len(data['cases'])} cases to {out}")


if __name__ == "__main__":
    main(sys.argv)
