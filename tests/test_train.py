"""train: GD, SGD and mini-batch lower the loss; seeds reproduce; inputs are never modified."""

from __future__ import annotations

import backprop as bp
import numpy as np
import pytest
from backprop import data, train
from backprop.gradcheck import rel_error


@pytest.fixture(scope="module")
def moons():
    X, labels = data.moons(120, noise=0.1, seed=0)
    return bp.init((2, 8, 2), g="tanh", seed=0), X, labels


@pytest.mark.parametrize("batch_size", [None, 1, 16])
def test_training_lowers_the_loss(moons, batch_size):
    net, X, labels = moons
    new, hist = train.train(
        net, X, labels, eta=0.5 if batch_size != 1 else 0.05, epochs=30, batch_size=batch_size
    )
    assert hist.loss.shape == (31,)
    assert hist.loss[-1] < 0.6 * hist.loss[0]
    assert train.accuracy(new, X, labels) > 0.85
    N = X.shape[1]
    assert hist.updates_per_epoch == {None: 1, 1: N, 16: -(-N // 16)}[batch_size]
    assert hist.update_loss.shape == (30 * hist.updates_per_epoch,)


def test_same_seed_same_history_other_seed_other_history(moons):
    net, X, labels = moons
    _, h1 = train.minibatch(net, X, labels, eta=0.3, epochs=5, batch_size=10, seed=7)
    _, h2 = train.minibatch(net, X, labels, eta=0.3, epochs=5, batch_size=10, seed=7)
    _, h3 = train.minibatch(net, X, labels, eta=0.3, epochs=5, batch_size=10, seed=8)
    assert rel_error(h1.update_loss, h2.update_loss) == 0.0 and rel_error(h1.loss, h2.loss) == 0.0
    assert rel_error(h1.update_loss, h3.update_loss) > 1e-6


def test_the_input_network_is_not_modified(moons):
    net, X, labels = moons
    before = net.copy()
    new, _ = train.sgd(net, X, labels, eta=0.1, epochs=1)
    assert new is not net
    for k in (1, 2):
        assert rel_error(net.W[k], before.W[k]) == 0.0 and rel_error(net.b[k], before.b[k]) == 0.0


def test_step_is_one_gradient_descent_update(moons):
    net, X, labels = moons
    L, _, g = bp.loss_and_gradients(net, X, labels)
    new, batch_loss = train.step(net, X, labels, eta=0.2)
    assert abs(batch_loss - L) < 1e-15
    for k in (1, 2):
        assert rel_error(new.W[k], net.W[k] - 0.2 * g.grad_W[k]) < 1e-15
        assert rel_error(new.b[k], net.b[k] - 0.2 * g.grad_b[k]) < 1e-15


def test_full_batch_gd_equals_repeated_steps(moons):
    net, X, labels = moons
    trained, hist = train.gd(net, X, labels, eta=0.5, epochs=3)
    for _ in range(3):
        net, _ = train.step(net, X, labels, eta=0.5)
    assert rel_error(trained.W[1], net.W[1]) < 1e-14
    assert rel_error(hist.update_loss, hist.loss[:3]) < 1e-14  # one update per epoch, before each


def test_validation_history_and_regression():
    X, Y = data.sine(60, seed=1)
    X_val, Y_val = data.sine(30, seed=2)
    net = bp.init((1, 10, 1), g="tanh", output="identity", loss="mse", seed=0)
    new, hist = train.minibatch(
        net, X, Y, eta=0.1, epochs=40, batch_size=10, val=(X_val, Y_val), progress=False
    )
    assert hist.val_loss.shape == (41,) and hist.val_loss[-1] < 0.5 * hist.val_loss[0]


def test_progress_bar_can_be_forced_on(moons, capsys):
    net, X, labels = moons
    train.gd(net, X, labels, eta=0.1, epochs=2, progress=True)
    assert "epochs" in capsys.readouterr().err


def test_predict_and_accuracy():
    net = bp.Network((None, np.array([[1.0], [-1.0]])), (None, np.zeros(2)), output="softmax")
    X = np.array([[2.0, -3.0, 0.5]])
    assert rel_error(train.predict(net, X), [0, 1, 0]) == 0.0
    assert abs(train.accuracy(net, X, np.array([0, 1, 1])) - 2 / 3) < 1e-15
    one = bp.Network(
        (None, np.array([[1.0]])), (None, np.zeros(1)), output="sigmoid", loss="binary_cross_entropy"
    )
    assert rel_error(train.predict(one, X), [1, 0, 1]) == 0.0
    sign = bp.Network((None, np.array([[1.0]])), (None, np.zeros(1)), output="identity", loss="hinge")
    assert rel_error(train.predict(sign, X), [1, -1, 1]) == 0.0
    assert train.accuracy(sign, X, np.array([1, -1, -1])) == pytest.approx(2 / 3, abs=1e-15)
