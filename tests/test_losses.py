"""losses: closed-form values, every ∇_ŷ against centred differences, matched shortcuts, targets."""

from __future__ import annotations

import backprop as bp
import numpy as np
import pytest
from backprop import losses
from backprop.activations import softmax
from backprop.gradcheck import numerical_gradient, rel_error
from netcases import random_target


def test_cross_entropy_is_minus_log_y_hat_of_the_label():
    y_hat = np.array([[0.1, 0.7], [0.2, 0.2], [0.7, 0.1]])
    ce = losses.get_loss("cross_entropy")
    Y = losses.one_hot([2, 0], 3)
    assert abs(ce.value(y_hat, Y) - (-np.log(0.7))) < 1e-15  # both columns: −log 0.7
    uniform = np.full((4, 1), 0.25)
    assert abs(ce.value(uniform, losses.one_hot([1], 4)) - np.log(4.0)) < 1e-15


def test_closed_form_values_of_every_loss():
    y_hat = np.array([[0.5], [-1.0]])
    y = np.array([[1.0], [1.0]])
    names = [name for name in losses.LOSSES if "entropy" not in name]
    value = {name: losses.get_loss(name, delta=1.0).value(y_hat, y) for name in names}
    assert abs(value["squared_error"] - (0.25 + 4.0)) < 1e-15
    assert abs(value["mse"] - 0.5 * (0.25 + 4.0)) < 1e-15
    assert abs(value["l1"] - 2.5) < 1e-15
    assert abs(value["huber"] - (0.5 * 0.25 + (2.0 - 0.5))) < 1e-15  # |r| = ½ quadratic, |r| = 2 linear
    assert abs(value["logistic"] - (np.log1p(np.exp(-0.5)) + np.log1p(np.exp(1.0)))) < 1e-15
    assert abs(value["hinge"] - (0.5 + 2.0)) < 1e-15
    bce = losses.get_loss("binary_cross_entropy").value(np.array([[0.8]]), np.array([[1.0]]))
    assert abs(bce + np.log(0.8)) < 1e-15


def test_batch_loss_is_the_mean_over_columns():
    se = losses.get_loss("squared_error")
    y_hat, y = np.array([[1.0, 3.0]]), np.array([[0.0, 0.0]])
    assert abs(se.value(y_hat, y) - 5.0) < 1e-15  # (1 + 9) / 2
    assert rel_error(se.grad(y_hat, y), [[1.0, 3.0]]) < 1e-15  # 2(ŷ − y) / B


@pytest.mark.parametrize("name", sorted(losses.LOSSES))
def test_loss_gradient_matches_centred_differences(name):
    rng = np.random.default_rng(3)
    k, B = 3, 4
    loss = losses.get_loss(name, delta=0.8)
    y = random_target(name, k, B, rng, labels=False)
    # ŷ in (0.05, 0.95) suits every loss; kinks (ŷ = y for L1, yŷ = 1 for hinge) are far away
    y_hat = rng.uniform(0.05, 0.95, (k, B))
    numeric = numerical_gradient(lambda y_hat: loss.value(y_hat, y), y_hat)
    assert rel_error(loss.grad(y_hat, y), numeric) < 1e-8


def test_huber_is_quadratic_inside_delta_and_linear_outside():
    huber = losses.get_loss("huber", delta=2.0)
    y = np.zeros((1, 1))
    assert abs(huber.value(np.array([[1.0]]), y) - 0.5) < 1e-15
    assert abs(huber.value(np.array([[5.0]]), y) - 2.0 * (5.0 - 1.0)) < 1e-15
    assert abs(huber.grad(np.array([[5.0]]), y)[0, 0] - 2.0) < 1e-15  # clipped at δ


def test_output_vjp_is_the_jacobian_transpose_times_v():
    rng = np.random.default_rng(4)
    a_L, v = rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    for name, output in losses.OUTPUTS.items():
        got = losses.output_vjp(name, a_L, v)
        for b in range(2):
            assert rel_error(got[:, b], output.jacobian(a_L[:, b]).T @ v[:, b]) < 1e-14
            # J_Oᵀ v is the gradient of v · O(a) w.r.t. a
            numeric = numerical_gradient(lambda a, b=b, O=output.O: float(v[:, b] @ O(a)), a_L[:, b].copy())
            assert rel_error(got[:, b], numeric) < 1e-8


@pytest.mark.parametrize(("output", "loss"), sorted(losses.MATCHED_PAIRS))
def test_matched_shortcut_equals_general_path(output, loss):
    rng = np.random.default_rng(5)
    a_L = rng.normal(size=(4, 3))
    y_hat = losses.get_output(output).O(a_L)
    Y = random_target(loss, 4, 3, rng, labels=False)
    general = losses.output_vjp(output, a_L, losses.get_loss(loss).grad(y_hat, Y))
    assert rel_error(losses.matched_grad_a_L(output, loss, y_hat, Y), general) < 1e-13


def test_softmax_cross_entropy_shortcut_is_minus_e_minus_y_hat():
    # The lecture's k = 4, ℓ = 2 example: ∇_{a_L} = −(e(ℓ) − ŷ)
    a_L = np.array([[1.0], [2.0], [0.5], [-1.0]])
    y_hat = softmax(a_L)
    e = losses.one_hot([2], 4)
    assert rel_error(losses.matched_grad_a_L("softmax", "cross_entropy", y_hat, e), -(e - y_hat)) == 0.0


def test_loss_from_logits_is_stable():
    a_L = np.array([[1000.0], [-1000.0]])
    Y = losses.one_hot([1], 2)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value = losses.loss_from_logits("softmax", "cross_entropy", a_L, softmax(a_L), Y)
    assert abs(value - 2000.0) < 1e-9
    y_hat = np.array([[1.0], [0.0]])  # σ(±1000) saturated
    value = losses.loss_from_logits("sigmoid", "binary_cross_entropy", a_L, y_hat, np.array([[0.0], [0.0]]))
    assert abs(value - 1000.0) < 1e-9


def test_one_hot_and_targets():
    assert rel_error(losses.one_hot([0, 2], 3), [[1, 0], [0, 0], [0, 1]]) == 0.0
    Y = losses.as_target("cross_entropy", np.array([1, 0]), k=2)
    assert Y.shape == (2, 2) and Y.dtype == np.float64
    P = np.array([[0.3], [0.7]])
    assert rel_error(losses.as_target("cross_entropy", P, k=2), P) == 0.0
    assert losses.as_target("squared_error", [1.0, 2.0], k=2).shape == (2, 1)  # one example, 1-D
    assert losses.is_matched("softmax", "cross_entropy") and not losses.is_matched("softmax", "l1")


def test_loss_functions_accept_labels_and_reject_bad_targets():
    """get_loss(...).value/grad take labels ℓ like the network does, or fail clearly."""
    y_hat = bp.softmax(np.array([[1.0, 2.0], [0.0, 1.0], [3.0, 0.0]]))
    ce = bp.get_loss("cross_entropy")
    labels = np.array([2, 1])
    expected = -np.mean(np.log(y_hat[labels, [0, 1]]))
    assert abs(ce.value(y_hat, labels) - expected) < 1e-14
    np.testing.assert_allclose(ce.grad(y_hat, labels), ce.grad(y_hat, bp.one_hot(labels, 3)), rtol=0, atol=0)
    with pytest.raises(ValueError, match="must lie in 0..2"):
        ce.value(y_hat, np.array([3, 1]))
    with pytest.raises(ValueError, match=r"shape \(3, B\)"):
        bp.get_loss("squared_error").grad(y_hat, np.ones((2, 2)))
