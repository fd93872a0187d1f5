"""activations: closed-form values, stability, and every g′ against centred differences."""

from __future__ import annotations

import numpy as np
import pytest
from backprop import activations as act
from backprop.gradcheck import numerical_gradient, rel_error


def test_closed_form_values():
    assert abs(act.sigmoid(0.0) - 0.5) < 1e-15
    assert abs(act.sigmoid_prime(0.0) - 0.25) < 1e-15  # σ′(0) = σ(0)(1 − σ(0)) = 1/4
    assert abs(act.tanh_prime(0.0) - 1.0) < 1e-15  # tanh′(0) = 1 − 0² = 1
    assert abs(act.sigmoid(np.log(3.0)) - 0.75) < 1e-15  # 1 / (1 + 1/3)
    assert abs(act.tanh(np.log(2.0)) - 0.6) < 1e-15  # (2 − ½) / (2 + ½)
    assert rel_error(act.relu(np.array([-2.0, 0.0, 3.0])), [0.0, 0.0, 3.0]) == 0.0
    assert rel_error(act.relu_prime(np.array([-2.0, 0.0, 3.0])), [0.0, 0.0, 1.0]) == 0.0  # 0 at the kink
    assert rel_error(act.identity_prime(np.array([[-2.0, 5.0]])), [[1.0, 1.0]]) == 0.0


def test_sigmoid_is_stable_and_precise_for_any_argument():
    a = np.array([-1000.0, -40.0, 40.0, 1000.0])
    # no overflow or NaN warning escapes (an underflow to 0 is fine)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = act.sigmoid(a)
    assert np.all(np.isfinite(s))
    assert s[0] == 0.0 and s[3] == 1.0
    assert abs(s[1] / np.exp(-40.0) - 1.0) < 1e-14  # full relative precision far in the tail
    assert abs(act.sigmoid(-5.0) + act.sigmoid(5.0) - 1.0) < 1e-15  # σ(−a) = 1 − σ(a)
    assert np.all(np.isfinite(act.sigmoid_prime(a)))


def test_softmax_sums_to_one_and_is_shift_invariant():
    a = np.random.default_rng(0).normal(size=(4, 5))
    y_hat = act.softmax(a)
    assert np.max(np.abs(y_hat.sum(axis=0) - 1.0)) < 1e-15
    assert np.all(y_hat > 0)
    assert rel_error(act.softmax(a + 123.0), y_hat) < 1e-14
    assert rel_error(act.softmax(np.zeros(4)), np.full(4, 0.25)) < 1e-15
    assert rel_error(act.log_softmax(a), np.log(y_hat)) < 1e-14


def test_softmax_stable_for_huge_logits():
    a = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y_hat = act.softmax(a)
        log_y = act.log_softmax(a)
    assert rel_error(y_hat, np.eye(2)) == 0.0
    assert abs(log_y[1, 0] + 2000.0) < 1e-12 and log_y[0, 0] == 0.0


AWAY_FROM_KINKS = np.array([-3.0, -1.2, -0.3, 0.4, 1.1, 2.5])


@pytest.mark.parametrize("name", sorted(act.ACTIVATIONS))
def test_g_prime_matches_centred_differences(name):
    g, g_prime = act.get_activation(name).g, act.get_activation(name).g_prime
    a = AWAY_FROM_KINKS.copy()
    # Σ g(a_i) has gradient (g′(a_1), ..., g′(a_n)) since g acts elementwise.
    numeric = numerical_gradient(lambda a: g(a).sum(), a)
    assert rel_error(g_prime(a), numeric) < 1e-8


def test_activation_shapes_are_kept():
    a = np.random.default_rng(1).normal(size=(3, 7))
    for entry in act.ACTIVATIONS.values():
        assert entry.g(a).shape == a.shape and entry.g_prime(a).shape == a.shape


def test_softmax_jacobian_matches_centred_differences():
    a = np.array([0.3, -1.0, 2.0, 0.1])
    J = act.softmax_jacobian(a)
    for i in range(4):
        numeric = numerical_gradient(lambda a, i=i: act.softmax(a)[i], a.copy())
        assert rel_error(J[i], numeric) < 1e-8
    assert np.max(np.abs(J.sum(axis=0))) < 1e-15  # Σ_i ŷ_i = 1, so each column sums to 0


def test_unknown_activation_is_named():
    with pytest.raises(ValueError, match=r"unknown activation 'softplus'; expected one of \['identity'"):
        act.get_activation("softplus")
