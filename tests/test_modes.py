"""backprop.modes: the chain of Jacobians, multiplied from either end, against the lib and the formula."""

from __future__ import annotations

import backprop as bp
import numpy as np
import pytest
from backprop import modes
from backprop.gradcheck import rel_error
from netcases import random_problem


@pytest.mark.parametrize("g", ["sigmoid", "tanh", "relu", "identity"])
@pytest.mark.parametrize("sizes", [(1, 3, 2), (5, 4, 3, 2), (7, 2, 6, 3, 4)])
def test_both_modes_give_the_input_gradient_of_bp_backward(sizes, g):
    net, x, y = random_problem(sizes, g, "softmax", "cross_entropy", B=1, seed=len(sizes))
    J = modes.layer_jacobians(net, x, y)
    assert [Jk.shape for Jk in J] == [(sizes[k], sizes[k - 1]) for k in range(1, len(sizes) - 1)] + [
        (1, sizes[-2])
    ]
    grad_x = bp.backward(net, bp.forward(net, x), y).grad_h[0]  # (n_0, 1)
    for mode in modes.MODES:
        assert rel_error(modes.multiply_chain(J, mode).product, grad_x.T) < 1e-13


@pytest.mark.parametrize("widths", [(1, 3, 1), (4, 4, 4, 1), (16, 8, 8, 8, 1), (3, 5, 2, 7, 2), (9, 1)])
def test_counted_multiply_adds_equal_the_formula(widths):
    rng = np.random.default_rng(0)
    J = [rng.normal(size=(widths[k], widths[k - 1])) for k in range(1, len(widths))]
    for mode in modes.MODES:
        assert modes.multiply_chain(J, mode).multiply_adds == modes.chain_cost(widths, mode)
    # closed forms for a chain n → m → ... → m → 1 with L Jacobians
    n, m, L = 10, 6, 5
    w = (n,) + (m,) * (L - 1) + (1,)
    assert modes.chain_cost(w, "forward") == (L - 2) * m * m * n + m * n
    assert modes.chain_cost(w, "reverse") == (L - 2) * m * m + m * n


def test_a_miscounting_product_is_caught():
    # np.count: the counter must see the products' real shapes; a chain of one Jacobian costs 0.
    J = [np.ones((3, 2))]
    assert modes.multiply_chain(J, "forward").multiply_adds == 0 == modes.chain_cost((2, 3), "forward")
    J = [np.ones((3, 2)), np.ones((1, 3))]
    assert modes.multiply_chain(J, "forward").multiply_adds == 6
    assert modes.multiply_chain(J, "reverse").multiply_adds == 6


def test_bad_input():
    with pytest.raises(ValueError, match="mode must be"):
        modes.multiply_chain([np.ones((2, 2))], "sideways")
    with pytest.raises(ValueError, match="does not chain"):
        modes.multiply_chain([np.ones((2, 3)), np.ones((2, 3))], "reverse")
    with pytest.raises(ValueError, match="non-empty"):
        modes.multiply_chain([], "reverse")
    with pytest.raises(ValueError, match="widths"):
        modes.chain_cost((3,), "forward")
    with pytest.raises(ValueError, match="mode must be"):
        modes.chain_cost((3, 1), "both")
    net = bp.init((3, 2, 2))
    with pytest.raises(ValueError, match=r"one example of shape \(3, 1\)"):
        modes.layer_jacobians(net, np.ones((3, 2)), np.array([0, 1]))
