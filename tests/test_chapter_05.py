"""Chapter 5 (gradient w.r.t. the output units): the checks of the tooling that the chapter used to run.

Built with the same calls and seeds as chapters/05_output_units.ipynb: the explorers' readouts
against the lib, the lib's two backward paths on a batch, and the chapter's explicit
gradient-descent loop against bp.train.gd.
"""

from __future__ import annotations

import backprop as bp
import backprop.data
import backprop.train
import numpy as np
import pytest
from backprop import explorers
from backprop.broken import broken_backward
from backprop.exercises import check_function
from backprop.gradcheck import numerical_gradient_of, rel_error

TOL = 1e-7  # centred differences vs exact gradients


def test_shortcut_and_general_paths_agree_on_a_batch():
    net = bp.init((3, 3, 3, 4), g="sigmoid", output="softmax", loss="cross_entropy", seed=5)
    rng = np.random.default_rng(5)
    rng.normal(size=(3, 1))  # the chapter's single example x comes first
    X5 = rng.normal(size=(3, 5))
    labels5 = rng.integers(0, 4, size=5)
    fwd5 = bp.forward(net, X5)
    short5 = bp.backward(net, fwd5, labels5)
    gen5 = bp.backward(net, fwd5, labels5, path="general")
    for name in ("grad_a", "grad_W", "grad_b"):
        for k in range(1, net.L + 1):
            assert rel_error(getattr(short5, name)[k], getattr(gen5, name)[k]) < 1e-12, (name, k)


def test_identity_output_jacobian_is_the_identity():
    reg = bp.init((3, 3, 3, 3), g="sigmoid", output="identity", loss="squared_error", seed=5)
    x = np.random.default_rng(5).normal(size=(3, 1))
    a_L = bp.forward(reg, x).a[reg.L]
    assert np.allclose(bp.get_output("identity").jacobian(a_L.ravel()), np.eye(3))


def test_explicit_descent_loop_is_gradient_descent():
    X, labels = bp.data.moons(n=100, noise=0.1, seed=5)
    start = bp.init((2, 8, 2), g="tanh", output="softmax", loss="cross_entropy", seed=5)
    eta, epochs = 0.5, 60

    def descend(net, breaks):  # the chapter's loop
        losses = []
        for _ in range(epochs + 1):
            fwd = bp.forward(net, X)
            losses.append(bp.network.loss(net, fwd, labels))
            g = broken_backward(net, fwd, labels, breaks=breaks)
            W = [None] + [Wk - eta * gW for Wk, gW in zip(net.W[1:], g.grad_W[1:], strict=True)]
            b = [None] + [bk - eta * gb for bk, gb in zip(net.b[1:], g.grad_b[1:], strict=True)]
            net = net.replace(W=tuple(W), b=tuple(b))
        return np.array(losses)

    right = bp.train.gd(start, X, labels, eta=eta, epochs=epochs).history.loss
    assert np.allclose(descend(start, []), right, rtol=1e-12)
    assert not np.allclose(descend(start, ["flip_sign"]), right, rtol=1e-3)


@pytest.fixture
def out_ex():
    return explorers.explorer(
        sizes=(2, 3, 4), g="sigmoid", output="softmax", loss="cross_entropy", seed=5,
        y=1, selected=(2, 1, 0), components=("network", "bars", "check"),
        title="Softmax + cross-entropy: ŷ, e(ℓ) and ∇a_L",
    )  # fmt: skip


def test_softmax_explorer_readouts_match_the_lib(out_ex):
    start_W, start_label = out_ex.W, out_ex.label
    for w, true_class in [(None, 1), (-3.0, 1), (3.0, 1), (3.0, 0), (0.5, 3)]:
        if w is not None:
            W2 = [row[:] for row in start_W[2]]
            W2[1][0] = w  # the selected weight W₂,₂₁
            out_ex.W = [None, start_W[1], W2]
        out_ex.label = true_class
        r = out_ex.readouts()
        e = bp.one_hot(true_class, 4)
        grad_a = np.array([[r[f"ga:2:{m}"]] for m in range(4)])
        assert rel_error(grad_a, -(e - out_ex.y_hat)) < 1e-15
        assert np.allclose([r[f"target:{m}"] for m in range(4)], e.ravel())
        assert abs(grad_a.sum()) < 1e-12 and grad_a[true_class, 0] < 0
        assert r["check.rel"] < TOL
        if w is None:  # the starting state, with "flip the sign" ticked
            flipped = broken_backward(out_ex.net, out_ex.fwd, out_ex.target, breaks=["flip_sign"])
            for layer in (1, 2):
                numeric = numerical_gradient_of(out_ex.net, out_ex.x_column, out_ex.target, "W", layer)
                scale = np.maximum(np.abs(flipped.grad_W[layer]) + np.abs(numeric), 1e-12)
                assert np.all(np.abs(flipped.grad_W[layer] - numeric) / scale > 0.1)  # every check fails
                assert rel_error(flipped.grad_W[layer], -numeric) < TOL  # by a factor of exactly −1
    out_ex.W, out_ex.label = start_W, start_label
    assert out_ex.label == 1


def test_regression_explorer_readouts_match_the_lib():
    reg_ex = explorers.explorer(
        sizes=(2, 3, 2), g="tanh", output="identity", loss="squared_error", seed=5,
        y=[0.5, -0.5], selected=(2, 0, 1), components=("bars", "check"),
        title="Linear output + squared error: ∇a_L = 2(ŷ − y)",
    )  # fmt: skip
    r = reg_ex.readouts()
    grad_a = np.array([[r["ga:2:0"]], [r["ga:2:1"]]])
    assert rel_error(grad_a, 2 * (reg_ex.y_hat - np.array([[0.5], [-0.5]]))) < 1e-15
    assert r["check.rel"] < TOL


def test_exercise_5_5_checker_catches_the_usual_mistakes():
    """The function exercise rejects the sign slip and ∇_ŷ L, and accepts the formula."""
    rng = np.random.default_rng(55)
    inputs = []
    for k in (2, 3, 4, 4, 6, 10):
        a = 3 * rng.normal(size=(k, 1))
        inputs.append((a, bp.one_hot(np.array([rng.integers(k)]), k)))

    def reference(a, y):
        net = bp.Network(W=(None, np.eye(a.shape[0])), b=(None, np.zeros(a.shape[0])),
                         output="softmax", loss="cross_entropy")  # fmt: skip
        return bp.backward(net, bp.forward(net, a), np.array([int(np.argmax(y))])).grad_a[1]

    def good(a, y):
        return bp.softmax(a) - y

    def flipped(a, y):
        return y - bp.softmax(a)

    def wrt_y_hat(a, y):
        return -y / (bp.softmax(a) * y).sum()

    check = check_function
    assert check(good, reference, inputs).correct
    assert check(flipped, reference, inputs).reason == "sign"
    assert not check(wrt_y_hat, reference, inputs).correct
