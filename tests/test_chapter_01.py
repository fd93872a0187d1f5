"""Chapter 1 (feedforward networks): the tooling checks that left the chapter.

The chapter's own code cells build the objects (they are run here in order, as nbval runs them, so
the tests see exactly the chapter's network, explorer and Python widget); the tests check the
explorer's readouts against the lib, the small explorer's against bp.forward, the
answer of exercise 1.5 against the network itself, and exercise 1.6's hint for the row layout.
"""

from __future__ import annotations

import backprop as bp
import numpy as np
import pytest
from backprop.network import Forward, forward_from
from chapter_ns import run_chapter


@pytest.fixture(scope="module")
def ch():
    return run_chapter("01_feedforward_networks")  # the whole chapter, in order, as nbval runs it


def shown_layers(ex, n, L):
    # The explorer's readouts as columns a_k, h_k, as its diagram shows them.
    r = ex.readouts()
    a = [None] + [np.array([[r[f"a:{k}:{i}"]] for i in range(n[k])]) for k in range(1, L + 1)]
    h = [np.array([[r[f"h:{k}:{i}"]] for i in range(n[k])]) for k in range(L + 1)]
    return a, h


def weights_as_lists(net):
    return [None] + [Wk.tolist() for Wk in net.W[1:]]


def test_explorer_shows_the_chapters_forward_pass(ch):
    net, ex, n, L, g, O = ch["net"], ch["forward_explorer"], ch["n"], ch["L"], ch["g"], ch["O"]
    a_shown, h_shown = shown_layers(ex, n, L)
    for k in range(1, L + 1):
        np.testing.assert_array_equal(ex.net.W[k], net.W[k])  # the chapter's net
        # a_k = b_k + W_k h_{k−1}, then h_k = g(a_k) (ŷ = O(a_L) at the top)
        np.testing.assert_allclose(a_shown[k], net.b[k] + net.W[k] @ h_shown[k - 1], rtol=1e-12)
        np.testing.assert_allclose(h_shown[k], (g if k < L else O)(a_shown[k]), rtol=1e-12)
    np.testing.assert_allclose(h_shown[L], bp.forward(net, ex.x_column).y_hat, rtol=1e-12)


def test_moving_a_weight_changes_only_the_layers_above(ch):
    net, ex, n, L = ch["net"], ch["forward_explorer"], ch["n"], ch["L"]
    a_before, h_before = shown_layers(ex, n, L)
    # Moving W_{2,11} (numpy's W[2][0, 0]) changes a_{2,1} and the layers above, nothing below layer 2.
    moved = weights_as_lists(net)
    moved[2][0][0] += 1.0
    ex.selected = [2, 0, 0]
    ex.W = moved
    try:
        a_after, h_after = shown_layers(ex, n, L)
        np.testing.assert_array_equal(a_after[1], a_before[1])
        assert not np.allclose(a_after[2][0], a_before[2][0])
        np.testing.assert_array_equal(a_after[2][1:], a_before[2][1:])
        assert not np.allclose(h_after[L], h_before[L])
    finally:
        ex.W = weights_as_lists(net)
        ex.selected = [1, 0, 0]


def test_the_small_explorer_shows_bp_forward(ch):
    small, ex = ch["small"], ch["small_view"]
    for x in ([0.5, -1.0], [-2.0, 1.5]):  # the starting input, then one a reader moves to
        ex.x = x
        a, h = shown_layers(ex, (2, 3, 2), 2)
        f = bp.forward(small, x)
        for k in (1, 2):
            np.testing.assert_allclose(a[k], f.a[k], rtol=1e-12)
            np.testing.assert_allclose(h[k], f.h[k], rtol=1e-12)
    ex.x = [0.5, -1.0]
    np.testing.assert_array_equal(ch["f_small"].y_hat, bp.forward(small, [0.5, -1.0]).y_hat)


def test_exercise_1_5_is_the_weight_from_unit_3_of_layer_1_to_unit_1_of_layer_2(ch):
    # a_2 is linear in h_1: bump h_{1,3} by 1 and rerun the network from layer 1; a_{2,1} moves
    # by exactly that weight — no index convention involved.
    net, fwd = ch["net"], ch["fwd"]
    h1_bumped = fwd.h[1] + np.array([[0.0], [0.0], [1.0], [0.0]])
    a2_bumped = forward_from(net, Forward(fwd.a[:2], [fwd.h[0], h1_bumped]), 1).a[2]
    weight = a2_bumped[0, 0] - fwd.a[2][0, 0]
    assert ch["ex_1_5"].check(weight)
    assert not ch["ex_1_5"].check(net.W[2][2, 0])  # W_{2,31}, the swapped indices


def test_exercise_1_6_names_the_row_layout_as_a_transpose(ch):
    net, X = ch["net"], ch["X"]
    wrong = ch["ex_1_6"].check(X.T @ net.W[1].T + net.b[1].T)
    assert not wrong.correct and "transpose" in wrong.message
    assert ch["ex_1_6"].check(net.b[1] + net.W[1] @ X)
