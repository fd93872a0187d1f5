"""Tests of backprop.widgets, headless: drive the controls, compare the plotted data with the lib.

Tolerances: the widgets call the same lib functions with the same seeds, so the plotted
numbers agree with an independent call to rtol 1e-12 (float64, same operations).
"""

import backprop as bp
import numpy as np
from backprop import widgets

RTOL = 1e-12


def test_vanishing_gradients_widget_matches_lib():
    w = widgets.vanishing_gradients_widget(width=5, depth=3, max_depth=8, activation="all", B=7, seed=2)
    w.depth.value = 6
    w.activation.value = "sigmoid"
    net = bp.init((2, 5, 5, 5, 5, 5, 5, 2), g="sigmoid", seed=2)
    rng = np.random.default_rng(2)
    x, labels = rng.normal(size=(2, 7)), rng.integers(0, 2, size=7)
    grads = bp.backward(net, bp.forward(net, x), labels)
    expected = [np.linalg.norm(grads.grad_a[k]) for k in range(1, 8)]
    np.testing.assert_allclose(w.plot.lines["sigmoid"].get_ydata(), expected, rtol=RTOL)
    np.testing.assert_array_equal(w.plot.lines["sigmoid"].get_xdata(), np.arange(1, 8))
    assert len(w.plot.lines["relu"].get_ydata()) == 0
    w.activation.value = "all"
    assert all(len(line.get_ydata()) == 7 for line in w.plot.lines.values())


def test_sigmoid_gradients_vanish_through_depth():
    w = widgets.vanishing_gradients_widget(depth=20, activation="all", seed=0)
    norms = w.norms()
    assert norms["sigmoid"][0] < 1e-4 * norms["sigmoid"][-1]  # σ′ ≤ 1/4 per layer
    assert norms["relu"][0] > 1e-2 * norms["relu"][-1]  # He init keeps the scale


def test_layer_gradient_norms_is_the_norm_of_grad_a():
    net = bp.init((3, 4, 4, 2), g="tanh", seed=5)
    x, y = np.ones((3, 2)), np.array([0, 1])
    grads = bp.backward(net, bp.forward(net, x), y)
    np.testing.assert_allclose(
        widgets.layer_gradient_norms(net, x, y), [np.sqrt(np.sum(grads.grad_a[k] ** 2)) for k in (1, 2, 3)]
    )
