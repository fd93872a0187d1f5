"""Chapter 12 (gradient checking): the explorer's gradient-check panel against the lib.

These checks used to be cells of the chapter; they test the tooling, not the mathematics, so
they run here on the same explorer (same builder call and seed as the chapter).
"""

import backprop as bp
import numpy as np
import pytest
from backprop.broken import broken_backward
from backprop.explorers import gradient_check_explorer
from backprop.gradcheck import numerical_gradient_of

TOL = 1e-7
EXPLORER_BUGS = ("drop_g_prime", "drop_transpose", "flip_sign")  # the explorer's three boxes


@pytest.fixture
def breaker():
    return gradient_check_explorer(
        (3, 3, 3, 2), g="sigmoid", seed=12, y=1, selected=[1, 0, 0],
        title="3 → 3 → 3 → 2: gradient check of one weight, with the break-it toggles",
    )  # fmt: skip


def test_unbroken_panel_is_the_lib(breaker):
    """Every weight passes; the panel's backprop number is bp.backward's."""
    for k in (1, 2, 3):
        for i in range(breaker.sizes[k]):
            for j in range(breaker.sizes[k - 1]):
                breaker.selected = [k, i, j]
                assert breaker.relative_error() < TOL
    breaker.selected = [1, 0, 0]
    shown = breaker.readouts()
    expected = bp.backward(breaker.net, breaker.fwd, breaker.target).grad_W[1][0, 0]
    assert np.isclose(shown["check.analytic"], expected, rtol=1e-14, atol=0)


def _lib_marks(net, x, y, bug):
    """Pass/fail per layer, weight by weight, from bp.broken and bp.gradcheck (the chapter's table)."""
    bad = broken_backward(net, bp.forward(net, x), y, breaks=[bug])
    marks = ""
    for k in range(1, net.L + 1):
        numeric = numerical_gradient_of(net, x, y, "W", k)
        err = np.abs(bad.grad_W[k] - numeric) / np.maximum(np.abs(bad.grad_W[k]) + np.abs(numeric), 1e-12)
        marks += "p" if np.all(err < TOL) else "F" if np.all(err > TOL) else "~"
    return marks


@pytest.mark.parametrize("bug", EXPLORER_BUGS)
def test_broken_panel_matches_bp_broken(breaker, bug):
    """Ticking a box: the panel's broken number is bp.broken's, and its marks are the chapter's."""
    net, x, y = breaker.net, breaker.x_column, breaker.target
    bad = broken_backward(net, bp.forward(net, x), y, breaks=[bug])
    breaker.breaks = [bug]
    marks = ""
    for k in (1, 2, 3):
        failed = []
        for (i, j), _ in np.ndenumerate(net.W[k]):
            breaker.selected = [k, i, j]
            r = breaker.readouts()
            assert np.isclose(r["check.broken"], bad.grad_W[k][i, j], rtol=1e-14, atol=0)
            failed.append(r["check.rel.broken"] > TOL)
        marks += "F" if all(failed) else "p" if not any(failed) else "~"
    assert marks == _lib_marks(net, x, y, bug)
    assert marks == {"drop_g_prime": "FFp", "drop_transpose": "FFp", "flip_sign": "FFF"}[bug]
