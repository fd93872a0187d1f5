"""Chapter 0 (the explorers' tour): the checks of each explorer against the lib, moved out of the tour.

The tour's own code cells build the six explorers (they are run here in order, as nbval runs
them, so the tests see exactly the page's explorers); each test checks what one explorer shows against
bp.forward / bp.backward, and the state string's round trip.
"""

from __future__ import annotations

import backprop as bp
import numpy as np
import pytest
from backprop import explorers
from backprop.gradcheck import rel_error
from chapter_ns import run_chapter

EXPLORERS = ("full", "diagram", "matrices", "curve", "paths", "check")


@pytest.fixture(scope="module")
def tour():
    return run_chapter("00_explorers_tour")  # the whole chapter, in order, as nbval runs it


def test_the_tour_has_one_explorer_per_component_and_one_with_all(tour):
    shown = {name: tour[name] for name in EXPLORERS}
    assert all(isinstance(ex, explorers.Explorer) for ex in shown.values())
    assert shown["full"].components == list(explorers.COMPONENTS)
    covered = {c for name, ex in shown.items() if name != "full" for c in ex.components}
    assert covered == set(explorers.COMPONENTS)


def test_everything_at_once_equals_bp_backward(tour):
    full = tour["full"]
    net = bp.init((2, 3, 3, 2), g="sigmoid", output="softmax", loss="cross_entropy", seed=1)
    x = np.array(full.x).reshape(-1, 1)
    grads = bp.backward(net, bp.forward(net, x), np.array([full.label]))
    readouts = full.readouts()
    for k in range(1, net.L + 1):
        np.testing.assert_array_equal(full.net.W[k], net.W[k])
        assert rel_error(full.grads.grad_W[k], grads.grad_W[k]) < 1e-15
        for i in range(net.sizes[k]):
            assert readouts[f"ga:{k}:{i}"] == grads.grad_a[k][i, 0]


def test_diagram_bars_are_the_backward_recursion(tour):
    diagram = tour["diagram"]
    r, g = diagram.readouts(), diagram.grads
    # ∇_{a_L} = −(e(ℓ) − ŷ), ∇_{h_2} = W_3ᵀ ∇_{a_3}, ∇_{a_2} = ∇_{h_2} ⊙ tanh′(a_2)
    np.testing.assert_allclose(
        [r[f"ga:3:{m}"] for m in range(2)],
        (diagram.y_hat - bp.one_hot(diagram.label, 2)).ravel(),
        rtol=0,
        atol=1e-15,
    )
    assert rel_error(g.grad_h[2], diagram.net.W[3].T @ g.grad_a[3]) < 1e-15
    assert rel_error(g.grad_a[2], g.grad_h[2] * (1 - np.tanh(diagram.fwd.a[2]) ** 2)) < 1e-15


def test_heatmap_is_the_outer_product(tour):
    matrices = tour["matrices"]
    g, f = matrices.grads, matrices.fwd
    assert rel_error(g.grad_W[2], g.grad_a[2] @ f.h[1].T) < 1e-15
    # the explorer's ∂L/∂W₂,₂₁ is numpy's grad_W[2][1, 0] = ∇a₂,₂ · h₁,₁
    assert matrices.readouts()["gW:2:1:0"] == g.grad_a[2][1, 0] * f.h[1][0, 0]


def test_curve_shows_the_units_pre_activation_and_slope(tour):
    curve = tour["curve"]
    r = curve.readouts()
    a = curve.fwd.a[1][2, 0]  # unit=(1, 2) is the explorer's a₁,₃ (numpy counts from 0)
    assert r["curve.a"] == a
    assert r["curve.gp"] == bp.get_activation("sigmoid").g_prime(a)


def test_paths_add_up_to_the_backward_pass(tour):
    paths = tour["paths"]
    terms = paths.path_contributions()
    assert rel_error(terms.sum(), paths.grads.grad_h[1][1, 0]) < 1e-15  # ∂L/∂h₁,₂


def test_check_panel_passes_for_the_right_backward_pass(tour):
    check = tour["check"]
    r = check.readouts()
    assert r["check.analytic"] == check.grads.grad_W[1][0, 2]  # selected=(1, 0, 2): W₁,₁₃
    assert r["check.rel"] < explorers.CHECK_TOLERANCE


def test_state_string_rebuilds_the_explorer(tour):
    check = tour["check"]
    again = explorers.explorer(state=check.state, components=["network"])
    assert again.W == check.W and again.x == check.x and again.selected == check.selected
    assert again.readouts()["loss"] == check.readouts()["loss"]
