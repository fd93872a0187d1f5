"""broken: each deliberate bug changes the gradients and fails the gradient check; none is a no-op."""

from __future__ import annotations

import backprop as bp
import numpy as np
import pytest
from backprop.broken import BREAKS, broken_backward, untransposed_times
from backprop.gradcheck import check_network, rel_error


@pytest.fixture
def case():
    rng = np.random.default_rng(3)
    net = bp.init((3, 3, 3, 2), g="tanh", seed=4)
    x = rng.normal(size=(3, 2))
    y = np.array([0, 1])
    return net, x, y


def test_no_breaks_is_the_lecture_backward(case):
    net, x, y = case
    fwd = bp.forward(net, x)
    good, bad = bp.backward(net, fwd, y), broken_backward(net, fwd, y)
    for k in range(1, net.L + 1):
        assert rel_error(good.grad_W[k], bad.grad_W[k]) < 1e-15
        assert rel_error(good.grad_a[k], bad.grad_a[k]) < 1e-15


@pytest.mark.parametrize("bug", sorted(BREAKS))
def test_every_bug_fails_the_gradient_check(case, bug):
    net, x, y = case
    fwd = bp.forward(net, x)
    numeric = check_network(net, x, y)
    bad = broken_backward(net, fwd, y, breaks=[bug])
    good = bp.backward(net, fwd, y)
    worst = max(rel_error(bad.grad_W[k], good.grad_W[k]) for k in range(1, net.L + 1))
    assert worst > 1e-3, f"{bug} left the gradients unchanged (rel error {worst:.1e})"
    assert numeric.passed(1e-7)  # the correct pass still agrees with centred differences


def test_flip_sign_negates_the_output_gradient(case):
    net, x, y = case
    fwd = bp.forward(net, x)
    good, bad = bp.backward(net, fwd, y), broken_backward(net, fwd, y, breaks=["flip_sign"])
    assert rel_error(bad.grad_a[net.L], -good.grad_a[net.L]) < 1e-15


def test_untransposed_times_pads_with_zeros():
    W = np.arange(6.0).reshape(2, 3)  # n_k = 2, n_{k-1} = 3
    v = np.array([[1.0], [2.0]])
    out = untransposed_times(W, v)
    assert out.shape == (3, 1)
    np.testing.assert_allclose(out[:2, 0], W[:2, :2] @ v[:, 0], rtol=0, atol=0)
    assert out[2, 0] == 0.0


def test_unknown_bug_is_named(case):
    net, x, y = case
    with pytest.raises(ValueError, match="expected names from"):
        broken_backward(net, bp.forward(net, x), y, breaks=["drop_everything"])
