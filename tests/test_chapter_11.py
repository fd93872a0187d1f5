"""Chapter 11 (BCE worked example): the explorer's Python side against the δ recursion.

This check used to be a cell of the chapter; it tests the explorer, not the mathematics, so it
runs here on the same network, example and explorer call as the chapter.
"""

import backprop as bp
import numpy as np
import pytest
from backprop.explorers import explorer
from backprop.gradcheck import rel_error
from chapter_ns import slide

TOL = 1e-7


@pytest.fixture
def chapter():
    net = bp.init((2, 4, 3, 1), g="sigmoid", output="sigmoid", loss="binary_cross_entropy", seed=11)
    rng = np.random.default_rng(11)
    X = np.round(rng.uniform(-2, 2, size=(2, 5)), 2)
    y = np.array([[1.0, 0.0, 1.0, 1.0, 0.0]])
    bce_explorer = explorer(
        sizes=net.sizes,
        g="sigmoid",
        output="sigmoid",
        loss="binary_cross_entropy",
        seed=11,
        x=X[:, 0].tolist(),
        y=[float(y[0, 0])],
        selected=[1, 0, 0],
        components=("network", "bars", "heatmap", "check"),
        mode="gradients",
        title="Sigmoid + binary cross-entropy: δ₃ = f − y, the δ recursion and ∇W₁ = δ₁ xᵀ",
    )
    return net, X, y, bce_explorer


def _column(r, key, n):
    return np.array([[r[f"{key}:{m}"]] for m in range(n)])


def test_explorer_is_the_chapter_network(chapter):
    net, X, _, bce_explorer = chapter
    assert all(np.array_equal(bce_explorer.net.W[k], net.W[k]) for k in range(1, net.L + 1))
    assert np.array_equal(bce_explorer.x_column, X[:, [0]])


@pytest.mark.parametrize("w", [-3.0, -1.0, 0.0, 1.5, 3.0])
def test_slider_readouts_follow_the_delta_recursion(chapter, w):
    """Moving W₁,₁₁ as the slider would: δ's, ∇W_1 = δ_1 xᵀ and the check, from the readouts."""
    net, _, y, bce_explorer = chapter
    n0, n1 = net.sizes[:2]
    slide(bce_explorer, 1, 0, 0, w)  # numpy's row 0, column 0
    r = bce_explorer.readouts()
    W_ex = bce_explorer.net.W
    h = [_column(r, f"h:{k}", net.sizes[k]) for k in range(net.L + 1)]
    d3 = h[3] - np.array([[y[0, 0]]])  # δ_3 = f − y
    d2 = (W_ex[3].T @ d3) * h[2] * (1 - h[2])
    d1 = (W_ex[2].T @ d2) * h[1] * (1 - h[1])
    for k, d in ((3, d3), (2, d2), (1, d1)):
        assert rel_error(_column(r, f"ga:{k}", net.sizes[k]), d) < 1e-12
    grad_W1 = np.array([[r[f"gW:1:{m}:{j}"] for j in range(n0)] for m in range(n1)])
    assert rel_error(grad_W1, d1 @ h[0].T) < 1e-12
    assert r["check.rel"] < TOL
    assert W_ex[1][0, 0] == w
