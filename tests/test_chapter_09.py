"""Chapter 9 (the full algorithm): the checks that moved out of the chapter, and its exercise checker.

The explorer `whole` is built with the chapter's call; `check_backprop` is run on a correct
back_propagation and on each pitfall written the way a reader would write it.
"""

import backprop as bp
import numpy as np
import pytest
from backprop.exercises import BACKPROP_CASES, ExerciseFailed, check_backprop
from backprop.explorers import explorer
from backprop.network import Gradients, output_gradient


def test_whole_explorer_readouts_are_the_libs():
    whole = explorer(
        (2, 3, 2), g="sigmoid", seed=9, y=1,
        components=("network", "bars", "heatmap", "check"), mode="gradients", selected=[1, 2, 0],
        title="2 → 3 → 2: forward pass, backward pass and a gradient check",
    )  # fmt: skip
    shown = whole.readouts()
    for k in (1, 2):
        for (i, j), v in np.ndenumerate(whole.grads.grad_W[k]):
            assert shown[f"gW:{k}:{i}:{j}"] == v
    assert whole.relative_error() < 1e-7
    assert abs(shown["check.analytic"] - shown["check.numeric"]) < 1e-8


def reader_back_propagation(bug=None):
    """A back_propagation as a reader writes it, with one named bug (None: correct)."""

    def back_propagation(net, fwd, Y):
        L, g_prime = net.L, bp.get_activation(net.g).g_prime
        grad_a, grad_h = [None] * (L + 1), [None] * (L + 1)
        grad_W, grad_b = [None] * (L + 1), [None] * (L + 1)
        if bug == "no_mean":
            grad_a[L] = fwd.y_hat - Y  # the slide's one-example formula, no 1/B
        elif bug == "ce_shortcut_everywhere":
            grad_a[L] = (fwd.y_hat - Y) / Y.shape[1]  # wrong for squared error (factor 2)
        else:
            grad_a[L] = output_gradient(net, fwd, Y)[0]
        if bug == "flip_sign":
            grad_a[L] = -grad_a[L]
        for k in range(L, 0, -1):
            if bug == "outer_transposed":
                grad_W[k] = fwd.h[k - 1] @ grad_a[k].T
            else:
                grad_W[k] = grad_a[k] @ fwd.h[k - 1].T
            if bug == "mean_b":
                grad_b[k] = grad_a[k].mean(axis=1, keepdims=True)
            elif bug == "flat_b":
                grad_b[k] = grad_a[k].sum(axis=1)
            else:
                grad_b[k] = grad_a[k].sum(axis=1, keepdims=True)
            if bug == "drop_transpose":
                grad_h[k - 1] = net.W[k] @ grad_a[k]
            elif bug == "one_path":
                n = min(net.W[k].shape)
                grad_h[k - 1] = np.zeros_like(fwd.h[k - 1])
                grad_h[k - 1][:n] = np.diagonal(net.W[k])[:n, None] * grad_a[k][:n]
            else:
                grad_h[k - 1] = net.W[k].T @ grad_a[k]
            if k > 1 or bug == "no_guard":
                grad_a[k - 1] = (
                    grad_h[k - 1] if bug == "drop_g_prime" else grad_h[k - 1] * g_prime(fwd.a[k - 1])
                )
        return Gradients(grad_a, grad_h, grad_W, grad_b)

    return back_propagation


def test_correct_back_propagation_passes_strict():
    fb = check_backprop(reader_back_propagation(), strict=True)
    assert fb.correct and "7 networks" in fb.message


def test_the_lib_itself_passes():
    assert check_backprop(bp.network.back_propagation).correct


@pytest.mark.parametrize(
    ("bug", "words"),
    [
        ("drop_g_prime", "dropped g′"),
        ("drop_transpose", "transpose is missing"),
        ("outer_transposed", "∇_{W_k} is transposed"),
        ("flip_sign", "sign is flipped"),
        ("one_path", "only one path"),
        ("no_mean", "B = 5 times too large"),
        ("mean_b", "sum the columns"),
        ("flat_b", "wrong shape"),
        ("ce_shortcut_everywhere", "×1/2"),
    ],
)
def test_each_pitfall_gets_its_hint(bug, words):
    fb = check_backprop(reader_back_propagation(bug))
    assert not fb.correct
    assert words in fb.message, fb.message
    with pytest.raises(ExerciseFailed):
        check_backprop(reader_back_propagation(bug), strict=True)


def test_pitfalls_are_caught_on_the_first_square_network():
    # The first case is square, so even the transposing bugs give numbers (not a shape error) there.
    sizes = BACKPROP_CASES[0][0]
    assert len(set(sizes)) == 1
    for bug in ("drop_transpose", "outer_transposed", "one_path", "drop_g_prime", "flip_sign"):
        assert "case 1 of" in check_backprop(reader_back_propagation(bug)).message


def test_not_attempted_not_a_function_and_errors():
    assert check_backprop(None).reason == "not_attempted"
    assert check_backprop(3).reason == "type"
    assert check_backprop(lambda net, fwd, Y: 3).reason == "type"

    def crashes(net, fwd, Y):
        return net.W[1] @ net.W[1]  # shapes do not chain on the 4 → 3 network

    def no_guard(net, fwd, Y):
        return fwd.a[0] * 2.0  # a_0 does not exist

    fb = check_backprop(lambda net, fwd, Y: crashes(net, fwd, Y) if net.L == 1 else bp.backward(net, fwd, Y))
    assert fb.reason == "raised" and "shapes do not chain" in fb.message
    fb = check_backprop(no_guard)
    assert fb.reason == "raised" and "k > 1" in fb.message
