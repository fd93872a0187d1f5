"""Chapter 8 (activation derivatives): the tooling checks that left the reader's page.

Built with the chapter's calls: the one-unit `tangent_explorer` (W_1 = 3, so z = a_1 = 3x) and the
four-layer deep-thin `thin_explorer` (every weight 1, x = 0.5, target 2). Here: their readouts
against bp.activations and the chain of w·g′ factors, and the checker of exercise 8.5.
"""

from __future__ import annotations

import backprop as bp
import numpy as np
import pytest
from backprop.exercises import Exercise
from backprop.explorers import Explorer
from backprop.gradcheck import elementwise_derivative


def test_tangent_explorer_readouts_are_the_libs_g_and_g_prime():
    tangent_explorer = Explorer(
        sizes=[1, 1, 1],
        g="sigmoid",
        pair="identity+squared_error",
        W=[None, [[3.0]], [[1.0]]],
        b=[None, [0.0], [0.0]],
        x=[0.5],
        y=[0.0],
        unit=[1, 0],
        components=["curve"],
        title="g, g′ and the tangent at z = a₁",
    )
    for name in ["sigmoid", "tanh", "relu"]:
        for x0 in [-1.5, 0.0, 0.5, 2.0]:
            tangent_explorer.g, tangent_explorer.x = name, [x0]
            shown = tangent_explorer.readouts()
            act = bp.get_activation(name)
            assert shown["curve.a"] == 3.0 * x0
            assert np.isclose(shown["curve.g"], act.g(3.0 * x0), rtol=1e-15)
            assert np.isclose(shown["curve.gp"], act.g_prime(3.0 * x0), rtol=1e-15)


@pytest.mark.parametrize(("name", "expected"), [("sigmoid", 0.0120), ("tanh", 0.5339), ("relu", 1.0)])
def test_thin_explorer_multiplies_one_w_g_prime_factor_per_layer(name, expected):
    thin_explorer = Explorer(
        sizes=[1, 1, 1, 1, 1],
        g="sigmoid",
        pair="identity+squared_error",
        W=[None, [[1.0]], [[1.0]], [[1.0]], [[1.0]]],
        b=[None, [0.0], [0.0], [0.0], [0.0]],
        x=[0.5],
        y=[2.0],
        components=["network", "bars"],
        mode="gradients",
        title="a deep-thin network: one g′ factor per layer",
    )
    thin_explorer.g = name
    shown = thin_explorer.readouts()
    g_prime = bp.get_activation(name).g_prime
    product = np.prod([shown[f"W:{k + 1}:0:0"] * g_prime(shown[f"a:{k}:0"]) for k in (1, 2, 3)])
    assert np.isclose(shown["ga:1:0"], shown["ga:4:0"] * product, rtol=1e-12)
    assert abs(shown["ga:1:0"] / shown["ga:4:0"] - expected) < 5e-5


def test_exercise_8_5_checker_is_centred_differences_of_softplus():
    softplus = lambda z: np.logaddexp(0.0, z)  # noqa: E731
    z_grid = np.linspace(-6.0, 6.0, 25)
    ex = Exercise(
        "softplus′(z)",
        lambda z: elementwise_derivative(softplus, z, 1e-5),
        inputs=[*z_grid, z_grid.reshape(-1, 1)],
        atol=1e-8,
    )
    assert ex.check(lambda z: 1.0 / (1.0 + np.exp(-z))).correct
    assert ex.check(lambda z: np.exp(z) / (1.0 + np.exp(z))).correct
    assert not ex.check(lambda z: 1.0 / (1.0 + np.exp(z))).correct  # σ(−z)
    assert not ex.check(lambda z: np.exp(z)).correct  # the outer 1/u forgotten
    assert ex.check(None).reason == "not_attempted"
