"""Tests of backprop.exercises: every hint the checker can give, and strict mode."""

import backprop as bp
import numpy as np
import pytest
from backprop.activations import sigmoid, sigmoid_prime, tanh_prime
from backprop.exercises import Exercise, ExerciseFailed, Feedback, check, check_function

E = np.array([[1.0, -2.0], [3.0, 0.5], [-1.5, 4.0]])  # a (3, 2) "gradient"
COL = np.array([[0.2], [-0.7], [1.1]])  # a (3, 1) column vector


def test_correct_matrix_vector_number():
    assert check(E.copy(), E).reason == "correct"
    assert check(E.tolist(), E).correct
    assert check(COL * (1 + 1e-9), COL).correct
    assert check(3, 3.0).correct
    assert check(np.array([[2.5]]), 2.5).correct  # a number given as a 1×1 array


def test_not_attempted():
    fb = check(None, E, name="∇_{W_2}")
    assert not fb.correct and fb.reason == "not_attempted" and fb.status == "not attempted"
    assert fb.text == "… ∇_{W_2}: not attempted yet — replace `answer = None` with your answer."


def test_text_is_deterministic_and_exact():
    assert repr(check(E, E, name="∇_{W_2}")) == "✓ ∇_{W_2}: correct."
    assert str(check(-E, E, name="∇_{a_3}")) == (
        "✗ ∇_{a_3}: wrong sign — your answer is minus the expected one (y − ŷ or ŷ − y?)"
    )


def test_wrong_shape_names_both_shapes():
    fb = check(np.zeros((2, 2)), E)
    assert fb.reason == "shape"
    assert "expected (3, 2), got (2, 2)" in fb.message


def test_wrong_shape_transposed_values():
    fb = check(E.T, E)
    assert fb.reason == "transposed"
    assert "expected (3, 2), got (2, 3)" in fb.message and "transpose" in fb.message


def test_square_matrix_transposed():
    M = np.array([[1.0, 2.0], [3.0, 4.0]])
    fb = check(M.T, M)
    assert fb.reason == "transposed" and "transpose" in fb.message


def test_vector_orientation():
    fb = check(COL.ravel(), COL)
    assert fb.reason == "shape"
    assert "expected (3, 1), got (3,)" in fb.message and "numbers are right" in fb.message
    fb = check([9.0, 9.0, 9.0], COL)
    assert fb.reason == "shape" and "column vector has shape (n, 1)" in fb.message


def test_wrong_sign():
    assert check(-E, E).reason == "sign"
    assert check(-2.5, 2.5).reason == "sign"


@pytest.mark.parametrize(
    "factor, words",
    [(2.0, "×2 "), (0.5, "×1/2 "), (-3.0, "×−3 "), (1 / 3, "×1/3 "), (1.7, "×1.7 ")],
)
def test_constant_factor_is_named(factor, words):
    fb = check(factor * E, E)
    assert fb.reason == "factor" and words in fb.message
    assert ("wrong sign" in fb.message) == (factor < 0)


def test_factor_of_batch_size_is_named_as_1_over_B():
    fb = check(E / 4, E, batch_size=4)
    assert fb.reason == "factor" and "×1/4 (= ×1/B, B = 4" in fb.message
    fb = check(E * 4, E, batch_size=4)
    assert "×4 (= ×B, B = 4" in fb.message


def test_a_number_gets_only_simple_factors():
    assert check(6.0, 3.0).reason == "factor"
    assert check(3.3, 3.0).reason == "different"  # ×1.1 of a single number says nothing


def test_close_but_not_within_tolerance():
    fb = check(np.round(E * 1.0001, 6), E)
    assert fb.reason == "close"
    assert "largest relative error 1.0e-04 > rtol = 1e-06" in fb.message
    assert check(E * 1.0001, E, rtol=1e-3).correct  # a looser tolerance accepts it


def test_partial_points_at_first_wrong_entry():
    A = E.copy()
    A[1, 0] = 7.0
    fb = check(A, E)
    assert fb.reason == "partial"
    assert fb.message == "5 of 6 entries are right; the first wrong one is at index (1, 0)"


def test_different():
    fb = check(np.ones((3, 2)) * 10, E)
    assert fb.reason == "different" and "shape is right" in fb.message


def test_not_numbers_and_nonfinite():
    assert check("0.5", 0.5).reason == "type"
    assert check(lambda z: z, E).reason == "type"
    fb = check(np.full((3, 2), np.nan), E)
    assert fb.reason == "nonfinite" and "NaN" in fb.message


def test_known_mistake_gets_its_own_hint():
    net = bp.init((2, 3, 2), g="tanh", seed=1)
    x, y = np.array([[0.5], [-1.0]]), np.array([1])
    _, fwd, grads = bp.loss_and_gradients(net, x, y)
    no_g_prime = grads.grad_h[1]  # ∇_{a_1} with g′ dropped
    hint = "you dropped g′(a_1): ∇_{a_1} = ∇_{h_1} ⊙ g′(a_1)"
    fb = check(no_g_prime, grads.grad_a[1], name="∇_{a_1}", mistakes={hint: no_g_prime})
    assert fb.reason == "mistake" and fb.message == hint
    assert check(grads.grad_a[1], grads.grad_a[1], mistakes={hint: no_g_prime}).correct


def test_general_hint_is_appended_to_wrong_answers_only():
    fb = check(-E, E, hint="recall ∇_{W_k} = ∇_{a_k} h_{k−1}ᵀ")
    assert fb.message.endswith(". Hint: recall ∇_{W_k} = ∇_{a_k} h_{k−1}ᵀ")
    assert "Hint" not in check(E, E, hint="x").message
    assert "Hint" not in check(None, E, hint="x").message


def test_strict_raises_assertion_with_same_text():
    fb = check(-E, E, name="∇_{W_2}")
    with pytest.raises(ExerciseFailed) as info:
        check(-E, E, name="∇_{W_2}", strict=True)
    assert isinstance(info.value, AssertionError)
    assert str(info.value) == fb.text
    with pytest.raises(AssertionError, match="not attempted yet"):
        check(None, E, strict=True)
    assert check(E, E, strict=True).correct  # a right solution passes silently


def test_feedback_bool_and_html():
    ok, bad = check(E, E), check(-E, E, name="<b>")
    assert ok and not bad
    assert isinstance(ok, Feedback)
    html = bad._repr_html_()
    assert 'role="status"' in html and "#D55E00" in html and "&lt;b&gt;" in html and "✗" in html
    assert "#009E73" in ok._repr_html_()


def _contrast(fg: str, bg: str) -> float:
    """WCAG 2 contrast ratio of two #RRGGBB colours."""

    def lum(c):
        r, g, b = (int(c[i : i + 2], 16) / 255 for i in (1, 3, 5))
        lin = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in (r, g, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((lum(fg), lum(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_feedback_box_contrast():
    """Every status: the box sets its own background and text colour, both ≥ 4.5:1 (WCAG AA)."""
    import re

    for fb in (check(E, E), check(-E, E), check(None, E)):
        html = fb._repr_html_()
        box = re.search(r'<div [^>]*style="[^"]*background: (#\w{6}); color: (#\w{6});', html)
        verdict = re.search(r'<strong style="color: (#\w{6});">', html)
        assert box and verdict, html
        background, text = box.groups()
        assert _contrast(text, background) >= 4.5
        assert _contrast(verdict.group(1), background) >= 4.5, (fb.status, verdict.group(1), background)


def test_expected_must_be_numeric():
    with pytest.raises(TypeError, match="expected must be"):
        check(1.0, "one")


# ------------------------------------------------------------------ functions


def test_function_correct_and_not_attempted():
    fb = check_function(lambda z: sigmoid(z) * (1 - sigmoid(z)), sigmoid_prime, name="σ′")
    assert fb.correct and fb.message == "correct on all 18 sample inputs."
    assert check_function(None, sigmoid_prime).reason == "not_attempted"
    assert check_function(3.0, sigmoid_prime).reason == "type"


def test_function_factor_and_sign_over_all_inputs():
    fb = check_function(lambda z: 2 * sigmoid_prime(z), sigmoid_prime, name="σ′")
    assert fb.reason == "factor" and "×2" in fb.message and "over all 18 sample inputs" in fb.message
    assert check_function(lambda z: -tanh_prime(z), tanh_prime).reason == "sign"


def test_function_wrong_names_first_failing_input():
    fb = check_function(lambda z: sigmoid(z) * (1 + sigmoid(z)), sigmoid_prime, name="σ′")
    assert fb.reason == "different" and "on z = -4 (sample 1 of 18)" in fb.message


def test_function_that_raises_or_returns_none():
    fb = check_function(lambda z: float(sigmoid_prime(z)), sigmoid_prime)
    assert fb.reason == "raised" and "TypeError" in fb.message and "(17, 1)" in fb.message
    fb = check_function(lambda z: None, sigmoid_prime)
    assert fb.reason == "type" and "missing `return`" in fb.message


def test_function_with_tuple_inputs_and_no_mutation():
    def reference(W, h):
        return W @ h

    def mutating(W, h):
        W *= 0  # the checker passes copies, so the reference is not affected
        return W @ h

    inputs = [(E, COL[:2]), (E.T @ E, np.ones((2, 1)))]
    assert check_function(lambda W, h: W @ h, reference, inputs).correct
    assert check_function(mutating, reference, inputs).reason == "different"
    assert E[0, 0] == 1.0


def test_function_strict():
    with pytest.raises(ExerciseFailed, match="σ′"):
        check_function(lambda z: sigmoid(z), sigmoid_prime, name="σ′", strict=True)


# ------------------------------------------------------------------ Exercise


def test_exercise_helper_value_and_function():
    ex = Exercise("∇_{b_1}", COL, hint="∇_{b_k} = ∇_{a_k}")
    assert ex.check(None).reason == "not_attempted"
    assert ex.check(COL).correct
    assert ex.check(-COL).message.endswith("Hint: ∇_{b_k} = ∇_{a_k}")
    with pytest.raises(ExerciseFailed):
        ex.check(-COL, strict=True)
    exf = Exercise("tanh′", tanh_prime, inputs=[0.0, 1.0, np.array([[0.5], [2.0]])])
    assert exf.check(lambda z: 1 - np.tanh(z) ** 2).message == "correct on all 3 sample inputs."
    ex_b = Exercise("∇_{W_1}", E, batch_size=8)
    assert "= ×B" in ex_b.check(8 * E).message
