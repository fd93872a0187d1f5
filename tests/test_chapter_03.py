"""Chapter 3 (gradient descent): the checks of the tooling that the chapter used to run.

Built with the same calls and seeds as chapters/03_gradient_descent.ipynb: a `unittest.mock`
spy on the trainer's backward pass (the batch sizes of one epoch), the chapter's hand-written
step against bp.train.step, and the in-page trainer's Python side against bp.train.train.
"""

from __future__ import annotations

import math
from unittest import mock

import backprop as bp
import backprop.data
import backprop.train
import backprop.trainer_widget
import numpy as np
import pytest


def chapter_problem():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(2, 8))
    y = (X[0] * X[1] > 0).astype(int)
    net = bp.init((2, 5, 2), g="tanh", output="softmax", loss="cross_entropy", seed=3)
    return net, X, y


def hand_step(net, grads, eta):
    """The chapter's step: θ ← θ − η ∇θ, block by block."""
    W = [None] + [net.W[k] - eta * grads.grad_W[k] for k in range(1, net.L + 1)]
    b = [None] + [net.b[k] - eta * grads.grad_b[k] for k in range(1, net.L + 1)]
    return net.replace(W=W, b=b)


def test_hand_step_is_the_trainers_step():
    net, X, y = chapter_problem()
    loss, _, grads = bp.loss_and_gradients(net, X, y)
    lib_net, lib_loss = bp.train.step(net, X, y, eta=0.1)
    ours = hand_step(net, grads, 0.1)
    assert np.isclose(lib_loss, loss, rtol=1e-12)
    for k in range(1, net.L + 1):
        assert np.allclose(lib_net.W[k], ours.W[k], rtol=1e-12, atol=1e-15)
        assert np.allclose(lib_net.b[k], ours.b[k], rtol=1e-12, atol=1e-15)
    assert not np.allclose(hand_step(net, grads, 0.2).W[1], lib_net.W[1])


def batches_of_one_epoch(net, X, y, batch_size):
    """The batch sizes of one epoch's updates, in order (a spy on the trainer's backward pass)."""
    name = next(n for n in ("back_propagation", "backward") if hasattr(bp.train, n))
    with mock.patch.object(bp.train, name, wraps=getattr(bp.train, name)) as spy:
        _, history = bp.train.train(net, X, y, eta=0.1, epochs=1, batch_size=batch_size)
    sizes = [call.args[1].h[0].shape[1] for call in spy.call_args_list]  # columns of each batch's x
    assert len(sizes) == len(history.update_loss) == history.updates_per_epoch
    return sizes


@pytest.mark.parametrize("M", [200, 1, 20, 64])
def test_one_epoch_uses_every_example_once_in_batches_of_M(M):
    net, _, _ = chapter_problem()
    X_big, y_big = bp.data.moons(n=200, noise=0.2, seed=3)
    N = X_big.shape[1]
    sizes = batches_of_one_epoch(net, X_big, y_big, M)
    assert sum(sizes) == N  # every epoch: N per-example gradients in total
    assert len(sizes) == math.ceil(N / M)  # 1, N, N/M (rounded up)
    assert sizes[:-1] == [M] * (len(sizes) - 1)  # M each ...
    assert sizes[-1] == N - M * (len(sizes) - 1)  # ... and the remainder last


def test_the_trainer_s_python_side_is_the_lib_trainer():
    # The chapter's in-page trainer: its data, θ_0 and runs are the lib's (the JavaScript is
    # checked against bp.train by tests/js/trainer.test.mjs and tests/test_browser_trainer.py).
    X_w, y_w = bp.data.moons(64, noise=0.2, seed=3)
    w = bp.trainer_widget.trainer(X_w, y_w, hidden=1, width=10, widths=(2, 5, 10, 20), g="tanh",
                                  eta=0.3, batch_size=16, epochs=30, max_epochs=60, seed=3)  # fmt: skip
    net0 = bp.init((2, 10, 2), g="tanh", seed=3)
    assert w.initial["tanh/10"] == dict(zip(("W", "b"), bp.trainer_widget.to_lists(net0), strict=True))
    for method, M in (("GD", 64), ("SGD", 1), ("mini-batch", 16)):
        w.method = method
        direct = bp.train.train(net0, X_w, y_w, eta=0.3, epochs=30, batch_size=M, seed=3)
        np.testing.assert_allclose(w.run().history.loss, direct.history.loss, rtol=1e-12)
