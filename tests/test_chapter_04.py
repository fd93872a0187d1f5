"""Chapter 4 (intuition, the deep-thin network): the checks of the tooling the chapter used to run.

Built with the same calls as chapters/04_intuition.ipynb: the lib's general output path
against the chain's first factor, the deep-thin explorer's readouts against the seven local
derivatives as the slider moves, and the function exercise's checker.
"""

from __future__ import annotations

import backprop as bp
import numpy as np
from backprop import explorers
from backprop.exercises import check_function
from backprop.gradcheck import rel_error

TOL = 1e-7
sigma_prime = bp.get_activation("sigmoid").g_prime


def chapter_net():
    return bp.Network(
        W=(None, [[0.8]], [[-1.5]], [[2.0]]), b=(None, [0.1], [0.5], [0.3]),
        g="sigmoid", output="sigmoid", loss="binary_cross_entropy",
    )  # fmt: skip


def chain_factors(net, x, y):
    """The seven local derivatives of the deep-thin chain for ∂L/∂W_111, from the forward pass."""
    f = bp.forward(net, x)
    y_hat, target = f.y_hat.item(), y.item()
    return [
        -target / y_hat + (1 - target) / (1 - y_hat),  # ∂L/∂ŷ
        sigma_prime(f.a[3]).item(),  # ∂ŷ/∂a_3
        net.W[3][0, 0],  # ∂a_3/∂h_2
        sigma_prime(f.a[2]).item(),  # ∂h_2/∂a_2
        net.W[2][0, 0],  # ∂a_2/∂h_1
        sigma_prime(f.a[1]).item(),  # ∂h_1/∂a_1
        x.item(),  # ∂a_1/∂W_111
    ]


def test_first_factor_is_the_general_paths_grad_y_hat():
    net, x, y = chapter_net(), np.array([[1.0]]), np.array([[1.0]])
    fwd = bp.forward(net, x)
    general = bp.backward(net, fwd, y, path="general")
    assert np.isclose(chain_factors(net, x, y)[0], general.grad_h[net.L].item(), rtol=1e-12)


def test_deep_thin_explorer_readouts_are_the_chain():
    thin = explorers.Explorer(
        sizes=[1, 1, 1, 1], g="sigmoid", pair="sigmoid+binary_cross_entropy",
        x=[1.0], y=[1.0],
        W=[None, [[0.8]], [[-1.5]], [[2.0]]], b=[None, [0.1], [0.5], [0.3]],
        selected=[1, 0, 0], unit=[1, 0], components=["network", "curve", "bars", "check"],
        title="The deep-thin network: ∂L/∂W₁,₁₁ as a chain",
    )  # fmt: skip
    start_W = thin.W
    for w in (-4.0, -1.0, 0.0, 0.8, 2.5, 6.0):  # slider positions
        thin.W = [None, [[w]], start_W[2], start_W[3]]
        r = thin.readouts()
        factors = chain_factors(thin.net, thin.x_column, thin.target)
        product = np.prod(factors)
        assert rel_error(product, r["check.analytic"]) < 1e-12
        assert r["check.rel"] < TOL
        running = np.cumprod(factors)  # ∂L/∂ŷ, ∂L/∂a_3, ∂L/∂h_2, ∂L/∂a_2, ∂L/∂h_1, ∂L/∂a_1, ∂L/∂W_111
        bars = [r["ga:3:0"], r["gh:2:0"], r["ga:2:0"], r["gh:1:0"], r["ga:1:0"]]
        assert np.allclose(bars, running[1:6], rtol=1e-12)
        assert np.isclose(r["curve.gp"], factors[5], rtol=1e-12)  # the tangent's slope is σ′(a_1)
    thin.W = start_W
    assert thin.W[1] == [[0.8]]


def reference(w1, w2, w3, b1, b2, b3, x, y):
    net = bp.Network(
        W=(None, [[w1]], [[w2]], [[w3]]), b=(None, [b1], [b2], [b3]),
        g="sigmoid", output="sigmoid", loss="binary_cross_entropy",
    )  # fmt: skip
    return bp.backward(net, bp.forward(net, np.array([[float(x)]])), np.array([[float(y)]])).grad_W[1].item()


def test_exercise_4_5_checker_accepts_the_chain_and_rejects_a_wrong_slope():
    rng = np.random.default_rng(44)
    inputs = [(*(1.5 * rng.normal(size=7)), float(rng.integers(2))) for _ in range(8)]

    def chain(w1, w2, w3, b1, b2, b3, x, y):
        h1 = bp.sigmoid(b1 + w1 * x)
        h2 = bp.sigmoid(b2 + w2 * h1)
        y_hat = bp.sigmoid(b3 + w3 * h2)
        return (y_hat - y) * w3 * h2 * (1 - h2) * w2 * h1 * (1 - h1) * x

    def slope_at_h(w1, w2, w3, b1, b2, b3, x, y):  # σ′ evaluated at h_k instead of a_k
        h1 = bp.sigmoid(b1 + w1 * x)
        h2 = bp.sigmoid(b2 + w2 * h1)
        y_hat = bp.sigmoid(b3 + w3 * h2)
        return (y_hat - y) * w3 * sigma_prime(h2) * w2 * sigma_prime(h1) * x

    assert check_function(chain, reference, inputs).correct
    assert not check_function(slope_at_h, reference, inputs).correct
    assert len({y for *_, y in inputs}) == 2  # both targets are sampled
