"""gradcheck: finite differences, rel_error, and the whole-network check over many architectures."""

from __future__ import annotations

import backprop as bp
import numpy as np
import pytest
from backprop import activations, gradcheck
from backprop.gradcheck import (
    check_network,
    numerical_gradient,
    numerical_gradient_of,
    one_sided_gradient,
    rel_error,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from netcases import ACTIVATION_NAMES, PAIRS, random_problem

TOL = 1e-7  # the bound for backprop vs centred differences, float64


def test_numerical_gradient_of_a_quadratic():
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    X = np.array([[0.5], [-1.0]])
    grad = numerical_gradient(lambda X: (X.T @ A @ X).item(), X)
    # ∇(xᵀAx) = 2Ax for symmetric A; centred differences are exact for quadratics up to rounding
    assert rel_error(grad, 2 * A @ X) < 1e-9
    assert rel_error(X, [[0.5], [-1.0]]) == 0.0  # restored exactly


def test_centred_error_is_second_order_and_one_sided_first_order():
    X = np.array([0.3])
    exact = np.cos(0.3)
    err_c = [abs(numerical_gradient(lambda X: np.sin(X[0]), X, eps)[0] - exact) for eps in (1e-2, 1e-3)]
    err_f = [abs(one_sided_gradient(lambda X: np.sin(X[0]), X, eps)[0] - exact) for eps in (1e-2, 1e-3)]
    # shrinking ε tenfold divides the error by ~100 (centred, O(ε²)) and by ~10 (one-sided, O(ε))
    assert 80 < err_c[0] / err_c[1] < 120
    assert 8 < err_f[0] / err_f[1] < 12
    assert err_c[1] < err_f[1] / 100


def test_numerical_gradient_wants_a_writable_float_array_and_a_scalar_function():
    with pytest.raises(TypeError, match="float64 numpy array"):
        numerical_gradient(lambda X: X.sum(), [1.0, 2.0])
    with pytest.raises(TypeError, match="dtype int"):
        numerical_gradient(lambda X: X.sum(), np.array([1, 2]))
    with pytest.raises(TypeError, match="must return a scalar"):
        numerical_gradient(lambda X: X * 2, np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="eps must be a finite number > 0"):
        numerical_gradient(lambda X: X.sum(), np.array([1.0]), eps=0.0)


def test_rel_error_closed_form():
    assert rel_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert rel_error(np.zeros(3), np.zeros(3)) == 0.0
    # max |a − b| = 0.5, max(|a| + |b|) = 4
    assert abs(rel_error([1.0, 2.0], [1.5, 2.0]) - 0.5 / 4.0) < 1e-15
    assert abs(rel_error([1.0, -2.0], [-1.0, 2.0]) - 1.0) < 1e-15  # opposite signs: the maximum, 1
    assert rel_error([3.0], [1.0]) == rel_error([1.0], [3.0])
    with pytest.raises(ValueError, match="same shape"):
        rel_error(np.zeros((2, 1)), np.zeros(2))


def test_report_is_a_readable_table():
    net, x, y = random_problem((3, 4, 2), "tanh", "softmax", "cross_entropy", B=3, seed=0)
    report = check_network(net, x, y)
    names = [r.name for r in report.rows]
    assert names == ["W[1]", "W[2]", "b[1]", "b[2]", "a[1]", "a[2]", "h[0]", "h[1]"]  # no ∇_ŷ on the shortcut
    assert report.passed(TOL) and report.max_error < TOL
    assert report["W[2]"].shape == (2, 4)
    text = str(report)
    assert "W[1]" in text and "rel. error" in text and "max relative error" in text
    general = check_network(net, x, y, path="general")
    assert "h[2]" in [r.name for r in general.rows] and general.passed(TOL)
    with pytest.raises(KeyError, match="no tensor"):
        report["W[9]"]


def test_check_network_leaves_the_network_unchanged():
    net, x, y = random_problem((2, 3, 2), "sigmoid", "softmax", "cross_entropy", B=2, seed=1)
    before = net.copy()
    check_network(net, x, y)
    for k in range(1, net.L + 1):
        assert rel_error(net.W[k], before.W[k]) == 0.0 and rel_error(net.b[k], before.b[k]) == 0.0


def test_gradient_of_one_tensor_matches_backward():
    net, x, y = random_problem((3, 5, 4, 3), "relu", "softmax", "cross_entropy", B=4, seed=2)
    grads = bp.backward(net, bp.forward(net, x), y)
    assert rel_error(numerical_gradient_of(net, x, y, "W", 2), grads.grad_W[2]) < TOL
    assert rel_error(numerical_gradient_of(net, x, y, "a", 3), grads.grad_a[3]) < TOL
    assert rel_error(numerical_gradient_of(net, x, y, "h", 0), grads.grad_h[0]) < TOL
    with pytest.raises(ValueError, match="which must be one of"):
        numerical_gradient_of(net, x, y, "z", 1)
    with pytest.raises(ValueError, match=r"a\[k\] needs k in 1..L = 1..3"):
        numerical_gradient_of(net, x, y, "a", 0)


def test_the_check_fails_when_backprop_is_broken(monkeypatch):
    # "Break it": drop g′ from the backward pass; the check must notice.
    net, x, y = random_problem((3, 4, 2), "sigmoid", "softmax", "cross_entropy", B=3, seed=3)
    broken = activations.Activation("sigmoid", activations.sigmoid, lambda a: np.ones_like(a))
    monkeypatch.setitem(activations.ACTIVATIONS, "sigmoid", broken)
    report = check_network(net, x, y)
    assert report.max_error > 1e-2 and not report.passed(TOL)
    assert report["W[2]"].rel_error < TOL  # the last layer does not use g′
    assert report["W[1]"].rel_error > 1e-2


@st.composite
def problems(draw):
    depth = draw(st.integers(1, 4))
    sizes = tuple(draw(st.lists(st.integers(1, 6), min_size=depth + 1, max_size=depth + 1)))
    g = draw(st.sampled_from(ACTIVATION_NAMES))
    output, loss = draw(st.sampled_from(PAIRS))
    if output == "softmax":  # softmax needs k ≥ 2 outputs
        sizes = sizes[:-1] + (max(sizes[-1], 2),)
    B = draw(st.sampled_from([1, 2, 5]))
    seed = draw(st.integers(0, 2**32 - 1))
    labels = draw(st.booleans())
    return random_problem(sizes, g, output, loss, B, seed, labels)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(problems(), st.sampled_from(["shortcut", "general"]))
def test_whole_network_gradient_check(problem, path):
    net, x, y = problem
    report = check_network(net, x, y, path=path)
    assert report.passed(TOL), f"{net.sizes} g={net.g} {net.output}+{net.loss} path={path}\n{report}"


@pytest.mark.parametrize(("output", "loss"), PAIRS)
def test_every_pair_passes_on_both_paths(output, loss):
    for path in ("shortcut", "general"):
        net, x, y = random_problem((3, 4, 3), "tanh", output, loss, B=4, seed=7)
        assert check_network(net, x, y, path=path).passed(TOL)


def test_module_exports():
    assert gradcheck.TENSORS == ("W", "b", "a", "h")


def test_numerical_gradient_at_equals_the_full_difference_at_those_entries():
    rng = np.random.default_rng(5)
    A = rng.normal(size=(3, 4))

    def f(X):
        return float(np.sum(np.sin(X) * A))

    X = rng.normal(size=(3, 4))
    idx = np.array([0, 5, 11])
    full = gradcheck.numerical_gradient(f, X.copy(), eps=1e-6)
    some = gradcheck.numerical_gradient_at(f, X, idx, eps=1e-6)
    assert some.shape == (3,)
    np.testing.assert_allclose(some, full.flat[idx], rtol=0, atol=1e-15)
    assert gradcheck.rel_error(some, (np.cos(X) * A).flat[idx]) < 1e-9
    with pytest.raises(ValueError, match="flat integer indices in 0..11"):
        gradcheck.numerical_gradient_at(f, X, [12], eps=1e-6)


def test_sampled_check_network_passes_and_costs_fewer_evaluations():
    net = bp.init((6, 5, 4), g="tanh", seed=2)
    x = np.random.default_rng(2).normal(size=(6, 3))
    y = np.array([0, 3, 1])
    report = gradcheck.check_network(net, x, y, samples=4, seed=1, activations=False)
    assert report.passed(1e-7), str(report)
    assert [r.name for r in report.rows] == ["W[1]", "W[2]", "b[1]", "b[2]"]
    with pytest.raises(ValueError, match="samples must be an integer"):
        gradcheck.check_network(net, x, y, samples=0)


def test_sampled_entries_catch_a_broken_backward_pass():
    from backprop.broken import broken_backward

    net = bp.init((4, 4, 4, 3), g="sigmoid", seed=3)
    x = np.random.default_rng(3).normal(size=(4, 2))
    y = np.array([2, 0])
    bad = broken_backward(net, bp.forward(net, x), y, breaks=["drop_g_prime"]).grad_W[1]
    f, X = gradcheck.loss_function(net, x, y, "W", 1)
    idx = np.random.default_rng(0).choice(X.size, size=5, replace=False)
    assert gradcheck.rel_error(bad.flat[idx], gradcheck.numerical_gradient_at(f, X, idx, 1e-5)) > 1e-2


def test_numerical_jacobian_of_a_layer_is_diag_g_prime_times_W():
    """∂h_k/∂h_{k−1} = diag(g′(a_k)) W_k (chapter 10's layer Jacobian), C and F flattening."""
    rng = np.random.default_rng(7)
    W, b = rng.normal(size=(3, 4)), rng.normal(size=(3, 1))
    h = rng.normal(size=(4, 1))

    def layer(h):
        return np.tanh(b + W @ h)

    J = gradcheck.numerical_jacobian(layer, h)
    expected = np.diagflat(activations.tanh_prime(b + W @ h)) @ W
    assert J.shape == (3, 4)
    assert gradcheck.rel_error(J, expected) < 1e-9
    M = rng.normal(size=(2, 3))
    JF = gradcheck.numerical_jacobian(lambda A: A.sum(axis=0), M, order="F")
    np.testing.assert_allclose(JF, np.kron(np.eye(3), np.ones((1, 2))), atol=1e-9)
    with pytest.raises(ValueError, match="order must be"):
        gradcheck.numerical_jacobian(layer, h, order="K")


def test_numerical_jacobian_flattens_input_and_output_alike():
    M = np.random.default_rng(8).normal(size=(2, 3))
    for order in ("C", "F"):
        J = gradcheck.numerical_jacobian(lambda A: 2.0 * A, M, order=order)
        np.testing.assert_allclose(J, 2.0 * np.eye(6), atol=1e-9)
    JF = gradcheck.numerical_jacobian(lambda A: A.T, M, order="F")  # the commutation matrix
    assert not np.allclose(JF, np.eye(6))


def test_elementwise_derivative_matches_every_g_prime_away_from_kinks():
    z = np.linspace(-6.0, 6.0, 121) + 0.0123  # never at ReLU's kink
    for name in ("sigmoid", "tanh", "relu", "identity"):
        act = activations.get_activation(name)
        got = gradcheck.elementwise_derivative(act.g, z, eps=1e-5)
        assert got.shape == z.shape
        assert np.max(np.abs(got - act.g_prime(z))) < 1e-9, name
    assert gradcheck.elementwise_derivative(activations.relu, 0.0, eps=1e-3) == 0.5  # the kink
    with pytest.raises(ValueError, match="eps must be"):
        gradcheck.elementwise_derivative(np.sin, z, eps=0.0)
