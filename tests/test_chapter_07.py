"""Chapter 7 (weights and biases): the tooling checks that left the reader's page.

Built with the chapter's calls and seeds: the network bp.init((3, 3, 3, 4), sigmoid, softmax,
cross-entropy, seed=6), x and then the batch X drawn from default_rng(7), the explorer
`heatmap_explorer` of the chapter. What stays in the chapter are the checks that teach (each formula
against centred differences); here: the explorer's readouts against the lib while its weight moves,
the broken backward pass's other layers, and the checker of exercise 7.6.
"""

from __future__ import annotations

import backprop as bp
import numpy as np
import pytest
from backprop.broken import broken_backward
from backprop.exercises import Exercise
from backprop.explorers import explorer
from backprop.gradcheck import numerical_gradient_of, rel_error
from chapter_ns import slide

TOL = 1e-7


@pytest.fixture(scope="module")
def chapter():
    net = bp.init((3, 3, 3, 4), g="sigmoid", output="softmax", loss="cross_entropy", seed=6)
    rng = np.random.default_rng(7)
    x = rng.normal(size=(3, 1))
    y = np.array([1])
    X = rng.normal(size=(3, 5))
    labels = np.array([1, 0, 3, 1, 2])
    return net, x, y, X, labels


def test_heatmap_explorer_keeps_the_outer_product_as_its_weight_moves(chapter):
    net, x, y, _, _ = chapter
    heatmap_explorer = explorer(
        sizes=net.sizes,
        seed=6,
        x=x.ravel().tolist(),
        y=int(y[0]),
        selected=[2, 0, 2],
        components=("network", "heatmap", "check"),
        title="∇W₂ = ∇a₂ h₁ᵀ, live",
    )
    assert all(np.array_equal(heatmap_explorer.net.W[k], net.W[k]) for k in range(1, net.L + 1))
    W_start = heatmap_explorer.W
    for w in (-3.0, -0.5, 0.0, 2.0):
        slide(heatmap_explorer, 2, 0, 2, w)  # what the slider does
        r = heatmap_explorer.readouts()
        grad_W2 = np.array([[r[f"gW:2:{i}:{j}"] for j in range(3)] for i in range(3)])
        grad_a2 = np.array([[r[f"ga:2:{i}"]] for i in range(3)])
        h1 = np.array([[r[f"h:1:{j}"]] for j in range(3)])
        assert rel_error(grad_W2, grad_a2 @ h1.T) < 1e-12  # column ∇_{a_2} times row h_1ᵀ
        assert r["check.rel"] < TOL
        # and the readouts are the lib's for the moved weight
        moved = net.copy()
        moved.W[2][0, 2] = w
        grads = bp.backward(moved, bp.forward(moved, x), y)
        assert rel_error(grad_W2, grads.grad_W[2]) < 1e-9
    heatmap_explorer.W = W_start


def test_outer_transposed_breaks_square_layers_only(chapter):
    net, x, y, _, _ = chapter
    fwd = bp.forward(net, x)
    grads = bp.backward(net, fwd, y)
    bad = broken_backward(net, fwd, y, breaks=["outer_transposed"])
    assert rel_error(bad.grad_W[1], numerical_gradient_of(net, x, y, "W", 1)) > 0.1  # square W_1
    assert rel_error(bad.grad_W[2], numerical_gradient_of(net, x, y, "W", 2)) > 0.1  # square W_2
    assert np.array_equal(bad.grad_W[3], grads.grad_W[3])  # the 4 × 3 layer is left correct
    swapped = fwd.h[2] @ grads.grad_a[3].T
    assert swapped.shape != net.W[3].shape  # for W_3 a shape check catches the swap


def test_exercise_7_6_checker_accepts_the_product_and_names_the_transpose():
    rng = np.random.default_rng(76)
    ex = Exercise(
        "grad_W(grad_A, H_prev)",
        lambda grad_A, H_prev: grad_A @ H_prev.T,
        inputs=[
            (rng.normal(size=(n, B)), rng.normal(size=(m, B)))
            for n, m, B in ((4, 3, 5), (2, 6, 1), (3, 3, 7), (5, 2, 2))
        ],
    )
    assert ex.check(lambda gA, H: gA @ H.T).correct
    assert ex.check(None).reason == "not_attempted"
    transposed = ex.check(lambda gA, H: H @ gA.T)
    assert not transposed.correct and transposed.reason == "transposed"
    halved = ex.check(lambda gA, H: gA @ H.T / 2)
    assert not halved.correct and halved.reason == "factor"
