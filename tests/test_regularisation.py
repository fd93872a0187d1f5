"""regularisation: L2 weight decay, its gradient λW_k checked by centred differences."""

from __future__ import annotations

import backprop as bp
import numpy as np
import pytest
from backprop import regularisation as reg
from backprop.gradcheck import numerical_gradient, rel_error


def _problem(g="tanh", seed=0):
    net = bp.init((3, 5, 4, 3), g=g, seed=seed)
    rng = np.random.default_rng(seed + 10)
    return net, rng.normal(size=(3, 7)), rng.integers(0, 3, size=7)


def test_penalty_closed_form():
    net = bp.Network((None, np.array([[1.0, -2.0]]), np.array([[3.0]])), (None, [5.0], [7.0]),
                     output="sigmoid", loss="binary_cross_entropy")  # fmt: skip
    assert reg.l2_penalty(net, 0.1) == pytest.approx(0.05 * (1 + 4 + 9), rel=1e-15)  # no biases
    assert reg.l2_penalty(net, 0) == 0.0


@pytest.mark.parametrize("g", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("lam", [0.0, 1e-3, 0.5])
def test_regularised_gradient_matches_centred_differences(g, lam):
    net, x, y = _problem(g, seed=3)
    loss, _, grads = reg.regularised_loss_and_gradients(net, x, y, lam)
    work = net.copy()

    def L_lam(_):
        return bp.network.loss(work, bp.forward(work, x), y) + reg.l2_penalty(work, lam)

    assert abs(loss - L_lam(None)) < 1e-14
    for k in range(1, net.L + 1):
        for which, X, G in (("W", work.W[k], grads.grad_W[k]), ("b", work.b[k], grads.grad_b[k])):
            numeric = numerical_gradient(L_lam, X, eps=1e-6)
            assert rel_error(G, numeric) < 1e-7, (which, k)


def test_weights_decay_biases_do_not():
    net, x, y = _problem()
    _, _, plain = bp.loss_and_gradients(net, x, y)
    decayed = reg.add_weight_decay(net, plain, 0.3)
    for k in range(1, net.L + 1):
        assert np.allclose(decayed.grad_W[k] - plain.grad_W[k], 0.3 * net.W[k], rtol=1e-13, atol=1e-15)
        assert decayed.grad_b[k] is plain.grad_b[k]
        assert decayed.grad_a[k] is plain.grad_a[k]
    assert decayed.grad_W[1] is not plain.grad_W[1]  # new arrays, the input is untouched


def test_bad_lambda():
    net, x, y = _problem()
    for bad in (-0.1, float("nan"), float("inf"), "0.1", None, True):
        with pytest.raises(ValueError, match="weight decay λ"):
            reg.l2_penalty(net, bad)
    _, _, grads = bp.loss_and_gradients(*_problem())
    short = bp.init((3, 2), seed=0)
    with pytest.raises(ValueError, match="grads has 3 layers but the network has 1"):
        reg.add_weight_decay(short, grads, 0.1)
