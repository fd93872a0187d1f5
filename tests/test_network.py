"""network: init, forward, backward — shapes, the lecture's formulas, both output paths, stability."""

from __future__ import annotations

import backprop as bp
import numpy as np
import pytest
from backprop.gradcheck import rel_error
from backprop.network import forward_from, loss
from netcases import PAIRS, random_problem


def test_init_shapes_and_seed():
    net = bp.init((4, 5, 3), g="relu", seed=1)
    assert net.L == 2 and net.sizes == (4, 5, 3) and net.n_params == 5 * 4 + 5 + 3 * 5 + 3
    assert net.W[0] is None and net.b[0] is None
    assert net.W[1].shape == (5, 4) and net.b[2].shape == (3, 1) and net.W[1].dtype == np.float64
    assert rel_error(bp.init((4, 5, 3), g="relu", seed=1).W[1], net.W[1]) == 0.0
    assert rel_error(bp.init((4, 5, 3), g="relu", seed=2).W[1], net.W[1]) > 0.1
    # He scaling for ReLU: Var W_1 ≈ 2 / n_0
    big = bp.init((400, 300, 2), g="relu", seed=0)
    assert abs(big.W[1].var() * 400 / 2 - 1) < 0.05


def test_copy_and_replace_do_not_share_arrays():
    net = bp.init((2, 3, 2), seed=0)
    twin = net.copy()
    twin.W[1][0, 0] += 1.0
    assert abs(net.W[1][0, 0] - twin.W[1][0, 0] + 1.0) < 1e-15
    W = [None, np.ones((3, 2)), np.ones((2, 3))]
    other = net.replace(W=tuple(W))
    W[1][0, 0] = 5.0  # the Network keeps its own copy
    assert other.W[1][0, 0] == 1.0


def test_forward_by_hand():
    # One hidden sigmoid unit, linear output: a_1 = b_1 + W_1 x, h_1 = σ(a_1), ŷ = b_2 + W_2 h_1
    net = bp.Network(
        (None, np.array([[2.0, -1.0]]), np.array([[3.0]])),
        (None, np.array([0.5]), np.array([-1.0])),
        g="sigmoid",
        output="identity",
        loss="squared_error",
    )
    fwd = bp.forward(net, np.array([1.0, 2.0]))
    assert abs(fwd.a[1][0, 0] - 0.5) < 1e-15
    assert abs(fwd.h[1][0, 0] - 1 / (1 + np.exp(-0.5))) < 1e-15
    assert abs(fwd.y_hat[0, 0] - (3 / (1 + np.exp(-0.5)) - 1)) < 1e-15
    assert fwd.h[0].shape == (2, 1)


def test_batch_columns_are_independent_examples():
    net, x, _ = random_problem((3, 4, 2), "tanh", "softmax", "cross_entropy", B=5, seed=0)
    fwd = bp.forward(net, x)
    for b in range(5):
        one = bp.forward(net, x[:, b])
        assert rel_error(one.y_hat[:, 0], fwd.y_hat[:, b]) < 1e-15


def test_forward_from_reproduces_the_forward_pass():
    net, x, _ = random_problem((3, 4, 5, 2), "relu", "softmax", "cross_entropy", B=3, seed=1)
    fwd = bp.forward(net, x)
    for k in range(0, net.L + 1):
        again = forward_from(net, fwd, k)
        assert rel_error(again.y_hat, fwd.y_hat) == 0.0 and len(again.a) == net.L + 1
    with pytest.raises(ValueError, match=r"k must be a layer index in 0..L = 0..3"):
        forward_from(net, fwd, 4)


def test_backward_follows_the_lecture_formulas():
    net, x, y = random_problem((3, 4, 3), "sigmoid", "softmax", "cross_entropy", B=4, seed=2)
    fwd = bp.forward(net, x)
    g = bp.backward(net, fwd, y)
    e = bp.one_hot(y, 3)
    assert rel_error(g.grad_a[2], -(e - fwd.y_hat) / 4) < 1e-15  # −(e(ℓ) − ŷ), mean over B = 4
    assert rel_error(g.grad_W[2], g.grad_a[2] @ fwd.h[1].T) == 0.0  # ∇_{W_k} = ∇_{a_k} h_{k−1}ᵀ
    assert rel_error(g.grad_b[2], g.grad_a[2].sum(axis=1, keepdims=True)) == 0.0
    assert rel_error(g.grad_h[1], net.W[2].T @ g.grad_a[2]) == 0.0  # ∇_{h_1} = W_2ᵀ ∇_{a_2}
    s = fwd.h[1]
    assert rel_error(g.grad_a[1], g.grad_h[1] * s * (1 - s)) < 1e-15  # ⊙ σ′(a_1)
    assert g.grad_h[2] is None and g.grad_h[0].shape == (3, 4)
    assert bp.backward(net, fwd, y, input_grad=False).grad_h[0] is None


@pytest.mark.parametrize(("output", "loss_name"), PAIRS)
def test_shortcut_and_general_path_agree(output, loss_name):
    net, x, y = random_problem((3, 5, 4), "tanh", output, loss_name, B=6, seed=3)
    fwd = bp.forward(net, x)
    short = bp.backward(net, fwd, y, path="shortcut")
    general = bp.backward(net, fwd, y, path="general")
    for k in range(1, net.L + 1):
        assert rel_error(short.grad_a[k], general.grad_a[k]) < 1e-12
        assert rel_error(short.grad_W[k], general.grad_W[k]) < 1e-12
        assert rel_error(short.grad_b[k], general.grad_b[k]) < 1e-12
    assert general.grad_h[net.L].shape == (4, 6)


def test_labels_and_one_hot_targets_give_the_same_result():
    net, x, y = random_problem((2, 3, 4), "relu", "softmax", "cross_entropy", B=5, seed=4)
    L1, _, g1 = bp.loss_and_gradients(net, x, y)
    L2, _, g2 = bp.loss_and_gradients(net, x, bp.one_hot(y, 4))
    assert abs(L1 - L2) < 1e-15 and rel_error(g1.grad_W[1], g2.grad_W[1]) == 0.0


def test_huge_logits_give_finite_loss_and_exact_gradients():
    # a_L = (1000, −1000) for x = 1: softmax saturates to (1, 0)
    net = bp.Network((None, np.array([[1000.0], [-1000.0]])), (None, np.zeros(2)), output="softmax")
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        L_wrong, _, g_wrong = bp.loss_and_gradients(net, np.array([1.0]), np.array([1]))
        L_right, _, g_right = bp.loss_and_gradients(net, np.array([1.0]), np.array([0]))
    assert abs(L_wrong - 2000.0) < 1e-9 and L_right == 0.0
    assert rel_error(g_wrong.grad_a[1], [[1.0], [-1.0]]) == 0.0  # ŷ − e(ℓ) = (1, 0) − (0, 1)
    assert np.max(np.abs(g_right.grad_a[1])) == 0.0


def test_bce_with_saturated_sigmoid_is_finite():
    net = bp.Network(
        (None, np.array([[1000.0], [-1000.0]])),
        (None, np.zeros(2)),
        output="sigmoid",
        loss="binary_cross_entropy",
    )
    x, y = np.array([1.0]), np.array([[0.0], [0.0]])  # ŷ = (1, 0): the first is as wrong as can be
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        L, fwd, g = bp.loss_and_gradients(net, x, y)
    assert abs(L - 1000.0) < 1e-9
    assert rel_error(g.grad_a[1], fwd.y_hat - y) == 0.0 and rel_error(g.grad_a[1], [[1.0], [0.0]]) == 0.0
    # The general path would divide by 1 − ŷ = 0: it says so instead of returning inf or NaN.
    with pytest.raises(ValueError, match="not finite.*use path='shortcut'"):
        bp.backward(net, fwd, y, path="general")


def test_loss_is_the_batch_mean():
    net, x, y = random_problem((3, 4, 2), "tanh", "identity", "mse", B=4, seed=5)
    fwd = bp.forward(net, x)
    per_example = [loss(net, bp.forward(net, x[:, [b]]), y[:, [b]]) for b in range(4)]
    assert abs(loss(net, fwd, y) - np.mean(per_example)) < 1e-14
