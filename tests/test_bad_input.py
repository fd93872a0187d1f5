"""Bad input: every case raises ValueError/TypeError whose message names what was expected."""

from __future__ import annotations

import backprop as bp
import numpy as np
import pytest
from backprop import train
from backprop.network import loss


@pytest.fixture
def net():
    return bp.init((3, 4, 2), g="tanh", seed=0)


X = np.ones((3, 5))
LABELS = np.array([0, 1, 1, 0, 1])


@pytest.mark.parametrize(
    ("x", "error", "match"),
    [
        (np.ones((4, 5)), ValueError, r"input x must have shape \(3, B\) .* got shape \(4, 5\)"),
        (np.ones(4), ValueError, r"input x must have shape \(3, B\)"),
        (np.ones((3, 5, 1)), ValueError, r"input x must have shape \(3, B\) .* got shape \(3, 5, 1\)"),
        (np.ones((3, 0)), ValueError, r"input x is an empty batch .* need at least one column"),
        (np.array([[1.0], [np.nan], [np.inf]]), ValueError, r"input x must hold finite values; found 2"),
        ([["a"], ["b"], ["c"]], TypeError, r"input x must be an array of numbers"),
    ],
)
def test_bad_input_x(net, x, error, match):
    with pytest.raises(error, match=match):
        bp.forward(net, x)


@pytest.mark.parametrize(
    ("y", "error", "match"),
    [
        (np.array([0, 2, 1, 0, 1]), ValueError, r"class labels must lie in 0..1 \(k = 2 classes\), got 0..2"),
        (np.array([0, -1, 1, 0, 1]), ValueError, r"class labels must lie in 0..1"),
        (np.array([0.0, 1.0, 1.0, 0.0, 1.0]), ValueError, r"target y must have shape \(2, B\)"),
        (np.array([0, 1, 1]), ValueError, r"target y has 3 examples but the input x has 5"),
        (np.ones((3, 5)), ValueError, r"target y must have shape \(2, B\) .* got shape \(3, 5\)"),
        (np.full((2, 5), 0.7), ValueError, r"cross-entropy targets must be class labels .* summing to 1"),
        (np.array([], dtype=int), ValueError, r"class labels are an empty batch"),
    ],
)
def test_bad_targets(net, y, error, match):
    fwd = bp.forward(net, X)
    with pytest.raises(error, match=match):
        bp.backward(net, fwd, y)


def test_non_integer_labels_and_targets_outside_their_range():
    with pytest.raises(TypeError, match=r"class labels must be integers in 0..2, got dtype float64"):
        bp.one_hot(np.array([0.5, 1.0]), 3)
    bce = bp.init((3, 2), output="sigmoid", loss="binary_cross_entropy")
    with pytest.raises(ValueError, match=r"binary cross-entropy targets must lie in \[0, 1\], got -1.0..1.0"):
        loss(bce, bp.forward(bce, X[:, :2]), np.array([[-1.0, 1.0], [0.0, 1.0]]))
    hinge = bp.init((3, 1), output="identity", loss="hinge")
    with pytest.raises(ValueError, match=r"hinge targets must be −1 or \+1"):
        bp.backward(hinge, bp.forward(hinge, X), np.zeros((1, 5)))
    mse = bp.init((3, 1), output="identity", loss="mse")
    with pytest.raises(ValueError, match=r"target y must hold finite values; found 1 NaN/inf"):
        bp.backward(mse, bp.forward(mse, X), np.array([[0.0, 1.0, np.nan, 2.0, 3.0]]))


def test_weights_that_do_not_chain():
    W = (None, np.ones((4, 3)), np.ones((2, 5)))
    b = (None, np.zeros((4, 1)), np.zeros((2, 1)))
    with pytest.raises(ValueError, match=r"W\[2\] must have shape \(n_2, n_1\) = \(\*, 4\) .* got \(2, 5\)"):
        bp.Network(W, b)
    with pytest.raises(ValueError, match=r"b\[1\] must have shape \(n_1, 1\) = \(4, 1\), got \(3, 1\)"):
        bp.Network((None, np.ones((4, 3)), np.ones((2, 4))), (None, np.zeros(3), np.zeros(2)))
    with pytest.raises(
        ValueError, match=r"W and b must be lists .* of equal length ≥ 2, got lengths 3 and 2"
    ):
        bp.Network(W, b[:2])
    with pytest.raises(ValueError, match=r"slot 0 of W and b must be None"):
        bp.Network((np.ones((4, 3)), np.ones((2, 4))), (np.zeros(4), np.zeros(2)))
    with pytest.raises(ValueError, match=r"W\[1\] must be a 2-D array, got shape \(3,\)"):
        bp.Network((None, np.ones(3)), (None, np.zeros(1)))
    with pytest.raises(ValueError, match=r"W\[1\] must hold finite values"):
        bp.Network((None, np.full((2, 3), np.nan)), (None, np.zeros(2)))
    with pytest.raises(ValueError, match=r"W\[1\] is empty \(shape \(0, 3\)\)"):
        bp.Network((None, np.ones((0, 3))), (None, np.zeros(0)))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"g": "softplus"}, r"unknown activation g 'softplus'; expected one of \['identity', 'relu'"),
        ({"output": "tanh"}, r"unknown output function 'tanh'; expected one of \['identity', 'sigmoid'"),
        ({"loss": "kl"}, r"unknown loss 'kl'; expected one of \['binary_cross_entropy'"),
        ({"loss": "huber", "output": "identity", "delta": 0.0}, r"Huber's delta must be a finite number > 0"),
        ({"output": "identity"}, r"loss 'cross_entropy' takes log ŷ, so it needs outputs in \(0, 1\)"),
    ],
)
def test_unknown_names_and_bad_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        bp.init((3, 4, 2), **kwargs)


def test_bad_sizes_and_softmax_with_one_output():
    with pytest.raises(ValueError, match=r"sizes must be ≥ 2 positive integers"):
        bp.init((3,))
    with pytest.raises(ValueError, match=r"sizes must be ≥ 2 positive integers .* got \(3, 0, 2\)"):
        bp.init((3, 0, 2))
    with pytest.raises(ValueError, match=r"output 'softmax' needs k ≥ 2 output units"):
        bp.init((3, 1))


def test_bad_path(net):
    with pytest.raises(ValueError, match=r"path must be 'shortcut' or 'general', got 'fast'"):
        bp.backward(net, bp.forward(net, X), LABELS, path="fast")


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"eta": 0.0}, ValueError, r"eta \(the learning rate η\) must be a number > 0, got 0.0"),
        ({"eta": -1}, ValueError, r"eta .* must be a number > 0"),
        ({"eta": float("inf")}, ValueError, r"eta .* must be finite"),
        ({"eta": "0.1"}, ValueError, r"eta .* must be a number > 0, got '0.1'"),
        ({"epochs": 0}, ValueError, r"epochs must be an integer ≥ 1, got 0"),
        ({"epochs": 2.5}, ValueError, r"epochs must be an integer ≥ 1, got 2.5"),
        ({"batch_size": 0}, ValueError, r"batch_size must be an integer in 1..N = 1..5, got 0"),
        ({"batch_size": 6}, ValueError, r"batch_size must be an integer in 1..N = 1..5, got 6"),
        ({"val": np.ones((3, 2))}, TypeError, r"val must be a pair \(X_val, y_val\)"),
        ({"val": (np.ones((2, 2)), [0, 1])}, ValueError, r"validation inputs X_val must have shape \(3, B\)"),
    ],
)
def test_bad_training_arguments(net, kwargs, error, match):
    args = {"eta": 0.1, "epochs": 1} | kwargs
    with pytest.raises(error, match=match):
        train.train(net, X, LABELS, **args)


def test_bad_training_data(net):
    with pytest.raises(ValueError, match=r"training inputs X must have shape \(3, B\)"):
        train.train(net, np.ones((5, 3)), LABELS, eta=0.1, epochs=1)
    with pytest.raises(ValueError, match=r"target y has 4 examples but the input x has 5"):
        train.train(net, X, LABELS[:4], eta=0.1, epochs=1)
    with pytest.raises(ValueError, match=r"eta .* must be a number > 0"):
        train.step(net, X, LABELS, eta=-0.5)
    with pytest.raises(ValueError, match=r"labels must have shape \(5,\), one per column of X, got \(4,\)"):
        train.accuracy(net, X, LABELS[:4])


def test_divergence_is_reported_not_returned_as_nan():
    mse = bp.init((3, 8, 1), g="tanh", output="identity", loss="mse", seed=0)
    with np.errstate(over="ignore"), pytest.raises(ValueError, match=r"training diverged: the loss is inf"):
        train.gd(mse, X, np.full((1, 5), 100.0), eta=10.0, epochs=100)
