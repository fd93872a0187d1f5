"""initialisation: the schemes' variances, init with a scheme, scaled_network, gradient_norms."""

from __future__ import annotations

import math

import backprop as bp
import numpy as np
import pytest
from backprop import initialisation as ini
from backprop.gradcheck import rel_error


def test_scheme_variances_closed_form():
    assert ini.weight_variance("lecun", 16, 4) == 1 / 16
    assert ini.weight_variance("glorot", 16, 4) == 2 / 20
    assert ini.weight_variance("he", 16, 4) == 2 / 16
    assert ini.weight_variance("normal", 16, 4) == 1.0
    assert ini.weight_std("he", 8, 8) == 0.5
    # Glorot equals LeCun on a square layer
    assert ini.weight_variance("glorot", 7, 7) == ini.weight_variance("lecun", 7, 7)


@pytest.mark.parametrize("g", ["sigmoid", "tanh", "relu", "identity"])
def test_init_with_bp_init_scheme_is_bp_init(g):
    scheme = "he" if g == "relu" else "lecun"
    a, b = bp.init((5, 7, 6, 3), g=g, seed=4), ini.init((5, 7, 6, 3), g=g, scheme=scheme, seed=4)
    for k in range(1, 4):
        assert rel_error(a.W[k], b.W[k]) == 0.0 and not b.b[k].any()


@pytest.mark.parametrize("scheme", sorted(ini.SCHEMES))
def test_init_sample_variance_matches_scheme(scheme):
    # 300 × 500 = 150 000 draws: the sample variance is within ~0.4 % (3 σ ≈ 3·√(2/N)) of v
    net = ini.init((500, 300, 200), g="tanh", scheme=scheme, seed=0)
    for k, (n_in, n_out) in enumerate([(500, 300), (300, 200)], 1):
        v = ini.weight_variance(scheme, n_in, n_out)
        assert abs(net.W[k].var() / v - 1) < 0.02, (scheme, k)
        assert abs(net.W[k].mean()) < 4 * math.sqrt(v / net.W[k].size)


def test_scaled_network_cuts_and_scales_the_normals():
    Z = np.random.default_rng(0).standard_normal((3, 6, 6))
    net = ini.scaled_network(Z, (4, 5, 3, 2), "relu", "glorot")
    assert net.sizes == (4, 5, 3, 2) and net.output == "softmax" and net.loss == "cross_entropy"
    assert np.array_equal(net.W[2], math.sqrt(2 / 8) * Z[1, :3, :5])
    with pytest.raises(ValueError, match="need L ≤ 3 layers of ≤ 6 units"):
        ini.scaled_network(Z, (7, 2), "relu", "he")
    with pytest.raises(ValueError, match="normals must have shape"):
        ini.scaled_network(Z[0], (2, 2), "relu", "he")


def test_gradient_norms_are_the_backward_pass_norms():
    net = ini.init((4, 6, 6, 3), g="tanh", scheme="glorot", seed=2)
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(4, 9)), rng.integers(0, 3, size=9)
    norms = ini.gradient_norms(net, x, y)
    _, _, grads = bp.loss_and_gradients(net, x, y)
    assert norms.grad_a[0] is None and len(norms.grad_W) == 4
    for k in range(1, 4):
        assert abs(norms.grad_a[k] - math.sqrt((grads.grad_a[k] ** 2).sum())) < 1e-14
        assert abs(norms.grad_W[k] - math.sqrt((grads.grad_W[k] ** 2).sum())) < 1e-14


def test_bad_input():
    with pytest.raises(ValueError, match="unknown initialisation scheme 'xavier'"):
        ini.init((2, 2), scheme="xavier")
    with pytest.raises(ValueError, match="n_in must be a positive integer"):
        ini.weight_variance("he", 0, 3)
    with pytest.raises(ValueError, match="sizes must be"):
        ini.init((3,))
    with pytest.raises(ValueError, match="unknown activation"):
        ini.init((2, 2), g="gelu")


def test_gaussian_mean_closed_forms():
    assert abs(ini.gaussian_mean(lambda a: a**2, 3.0) - 3.0) < 1e-12
    assert abs(ini.gaussian_mean(lambda a: np.maximum(a, 0) ** 2, 3.0) - 1.5) < 1e-9
    assert abs(ini.gaussian_mean(lambda a: (a > 0) * 1.0, 200.0) - 0.5) < 1e-3  # the step at 0
    with pytest.raises(ValueError, match="variance q"):
        ini.gaussian_mean(np.abs, -1.0)


def test_variance_recursion_relu_closed_form():
    # ReLU: E[relu(a)²] = q/2 and E[relu′(a)²] = 1/2, so q_k = (n v / 2) q_{k−1}, χ_k = n v / 2
    rec = ini.variance_recursion((10, 10, 10, 10), "relu", "lecun", input_second_moment=2.0)
    assert abs(rec.q[1] - 2.0) < 1e-12 and abs(rec.q[3] - 0.5) < 1e-8
    assert rec.chi[1] is None and all(abs(c - 0.5) < 1e-3 for c in rec.chi[2:])
    he = ini.variance_recursion((10, 10, 10), "relu", "he")
    assert abs(he.q[2] - he.q[1]) < 1e-8


def test_variance_recursion_predicts_a_wide_network():
    # the derived per-layer factor χ_k against the measured ‖∇a_{k−1}‖² / ‖∇a_k‖², width 256
    n, L = 256, 6
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(n, 64)), rng.integers(0, 4, size=64)
    for g, scheme in [("tanh", "lecun"), ("sigmoid", "he"), ("relu", "glorot")]:
        sizes = [n] * L + [4]
        _, _, grads = bp.loss_and_gradients(ini.init(sizes, g=g, scheme=scheme, seed=1), x, y)
        rec = ini.variance_recursion(sizes, g, scheme)
        for k in range(2, L):
            measured = (grads.grad_a[k - 1] ** 2).sum() / (grads.grad_a[k] ** 2).sum()
            assert abs(measured / rec.chi[k] - 1) < 0.3, (g, scheme, k)
