"""Chapter 6 (hidden units): the tooling checks that left the reader's page.

Built with the chapter's calls and seeds: bp.init((3, 3, 3, 4), sigmoid, softmax, cross-entropy,
seed=6), x = round(default_rng(6).uniform(-2, 2, (3, 1)), 2), class label 1, and the chapter's
three explorers (paths_explorer, slider_explorer, check_explorer). Here: each explorer's readouts
against the lib (and the chapter's formulas), the Jacobian ∂a_3/∂h_2 through the lib's own
forward_from, what bp.broken's drop_g_prime and drop_transpose compute, and the checkers of
exercises 6.5 and 6.6.
"""

from __future__ import annotations

import backprop as bp
import numpy as np
import pytest
from backprop.broken import broken_backward
from backprop.exercises import Exercise
from backprop.explorers import gradient_check_explorer, multipath_explorer, network_explorer
from backprop.gradcheck import numerical_gradient_of, numerical_jacobian, rel_error
from chapter_ns import slide

TOL = 1e-7


@pytest.fixture(scope="module")
def chapter():
    net = bp.init((3, 3, 3, 4), g="sigmoid", output="softmax", loss="cross_entropy", seed=6)
    rng = np.random.default_rng(6)
    x = np.round(rng.uniform(-2, 2, size=(3, 1)), 2)
    y = np.array([1])
    fwd = bp.forward(net, x)
    grads = bp.backward(net, fwd, y)
    return net, x, y, fwd, grads


def column(readouts, key, n):
    return np.array([[readouts[f"{key}:{j}"]] for j in range(n)])


def test_jacobian_of_a3_through_forward_from_is_W3(chapter):
    net, _, _, fwd, _ = chapter

    def a3_of_h2(h2):  # resume the lib's forward pass after layer 2
        start = bp.network.Forward(fwd.a[:3], fwd.h[:2] + [h2])
        return bp.network.forward_from(net, start, 2).a[3]

    jacobian = numerical_jacobian(a3_of_h2, fwd.h[2])
    assert jacobian.shape == (4, 3)
    assert np.allclose(jacobian, net.W[3], rtol=1e-8, atol=1e-10)


def settings(chapter) -> dict:
    """The settings the chapter's three explorers share: its network, input and label."""
    net, x, y, _, _ = chapter
    return {"sizes": net.sizes, "seed": 6, "x": x.ravel().tolist(), "y": int(y[0])}


def test_paths_explorer_terms_are_the_chapter_sum_for_every_unit(chapter):
    net, x, y, _, grads = chapter
    paths_explorer = multipath_explorer(
        **settings(chapter),
        unit=[2, 1],
        title="Every path from h₂,₂ to the loss",
    )
    assert all(np.array_equal(paths_explorer.net.W[k], net.W[k]) for k in range(1, net.L + 1))
    assert np.array_equal(paths_explorer.x_column, x)
    for i in (1, 2):
        for j in range(net.sizes[i]):
            paths_explorer.unit = [i, j]  # what clicking a unit does
            terms = paths_explorer.path_contributions()
            assert rel_error(terms, grads.grad_a[i + 1][:, 0] * net.W[i + 1][:, j]) < 1e-12
            assert rel_error(terms.sum(), grads.grad_h[i][j, 0]) < 1e-12
    paths_explorer.unit = [2, 1]
    assert rel_error(paths_explorer.readouts()["path.sum"], grads.grad_h[2][1, 0]) < 1e-12


def test_slider_explorer_obeys_both_formulas_as_W312_moves(chapter):
    net, x, y, _, _ = chapter
    slider_explorer = network_explorer(
        **settings(chapter),
        selected=[3, 0, 1],
        mode="gradients",
        title="Slide W₃,₁₂: ∇h₂ and ∇a₂ follow",
    )
    W_start = slider_explorer.W
    for w in (-3.0, -1.0, 0.0, 1.5, 3.0):
        slide(slider_explorer, 3, 0, 1, w)  # what the slider does
        r = slider_explorer.readouts()
        W3 = np.array(slider_explorer.W[3])
        grad_a3, grad_h2 = column(r, "ga:3", 4), column(r, "gh:2", 3)
        grad_a2, h2 = column(r, "ga:2", 3), column(r, "h:2", 3)
        assert rel_error(grad_h2, W3.T @ grad_a3) < 1e-12  # ∇_{h_2} = W_3ᵀ ∇_{a_3}
        assert rel_error(grad_a2, grad_h2 * h2 * (1 - h2)) < 1e-12  # ∇_{a_2} = ∇_{h_2} ⊙ σ′(a_2)
        moved = net.copy()
        moved.W[3][0, 1] = w
        grads = bp.backward(moved, bp.forward(moved, x), y)
        assert rel_error(grad_a2, grads.grad_a[2]) < 1e-9
    slider_explorer.W = W_start


def test_check_explorer_passes_and_every_break_turns_it_red(chapter):
    net, x, y, fwd, grads = chapter
    check_explorer = gradient_check_explorer(
        **settings(chapter),
        selected=[1, 2, 2],
        title="Gradient check of W₁,₃₃, with the break-it toggles",
    )
    r = check_explorer.readouts()
    assert rel_error(r["check.analytic"], grads.grad_W[1][2, 2]) < 1e-12
    assert r["check.rel"] < TOL
    for bug in ("drop_g_prime", "drop_transpose", "flip_sign"):
        broken_W133 = broken_backward(net, fwd, y, breaks=[bug]).grad_W[1][2, 2]
        assert rel_error(broken_W133, r["check.numeric"]) > 1e-2, f"{bug} must turn the check red"


def test_broken_drop_g_prime_and_drop_transpose_compute_what_the_chapter_says(chapter):
    net, x, y, fwd, grads = chapter
    bad_g = broken_backward(net, fwd, y, breaks=["drop_g_prime"])
    assert np.array_equal(bad_g.grad_a[2], grads.grad_h[2])  # ∇_{a_2} = ∇_{h_2}
    assert rel_error(bad_g.grad_W[1], numerical_gradient_of(net, x, y, "W", 1)) > 0.1
    bad_t = broken_backward(net, fwd, y, breaks=["drop_transpose"])
    # a non-square W_3 is read as padded with zeros: its 4th row and ∇_{a_3}'s 4th entry drop out
    assert np.allclose(bad_t.grad_h[2], net.W[3][:3, :3] @ grads.grad_a[3][:3], rtol=1e-12, atol=0)
    assert np.allclose(bad_t.grad_h[1], net.W[2] @ bad_t.grad_a[2], rtol=1e-12, atol=0)


def test_exercise_6_5_and_6_6_checkers():
    r = np.random.default_rng(65)
    acts = [bp.get_activation(n).g_prime for n in ("sigmoid", "tanh", "relu")]
    ex_6_5 = Exercise(
        "grad_h",
        lambda W_next, grad_a_next: W_next.T @ grad_a_next,
        inputs=[
            (r.normal(size=(n_up, n)), r.normal(size=(n_up, B)))
            for n_up, n, B in ((4, 3, 1), (2, 5, 1), (3, 3, 1), (6, 2, 4))
        ],
    )
    ex_6_6 = Exercise(
        "grad_a",
        lambda grad_h, a, g_prime: grad_h * g_prime(a),
        inputs=[
            (r.normal(size=(n, B)), r.normal(size=(n, B)) * 3, gp)
            for (n, B), gp in zip(((3, 1), (5, 1), (4, 3)), acts, strict=True)
        ],
    )
    assert ex_6_5.check(lambda W, g: W.T @ g).correct
    assert ex_6_5.check(lambda W, g: W @ g).reason == "raised"  # non-square: numpy refuses
    assert not ex_6_5.check(lambda W, g: W.T @ g * 2).correct
    assert ex_6_6.check(lambda gh, a, gp: gh * gp(a)).correct
    assert not ex_6_6.check(lambda gh, a, gp: gh * gp(gh)).correct  # g′ at the wrong place
    assert not ex_6_6.check(lambda gh, a, gp: gh).correct  # g′ dropped
