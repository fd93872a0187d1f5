"""Tests of backprop.plots (headless Agg): updates change the artists' data in place, add no artists."""

import backprop as bp
import numpy as np
import pytest
from backprop import data, plots
from backprop.activations import sigmoid, sigmoid_prime, tanh, tanh_prime


def artist_count(fig) -> int:
    """The figure's own artists and every axes' children (lines, patches, texts, images, legends...).

    Not recursive: tick marks are created by matplotlib as the limits change; they are not ours.
    """
    return len(fig.get_children()) + sum(len(ax.get_children()) for ax in fig.axes)


def test_palette_is_okabe_ito():
    assert set(plots.OKABE_ITO) == {
        "#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"
    }  # fmt: skip


def test_loss_curves_update_in_place():
    p = plots.loss_curves(["GD", "SGD", "mini-batch"], log=True)
    before = artist_count(p.fig)
    lines = dict(p.lines)
    gd, sgd = np.geomspace(1.0, 0.3, 11), np.geomspace(1.0, 0.01, 11)
    p.update({"GD": gd, "SGD": sgd}, title="η = 0.1")
    p.render_png()
    p.update({"GD": sgd, "mini-batch": (np.arange(5) * 2.0, gd[:5])})
    p.render_png()
    assert artist_count(p.fig) == before and p.lines == lines
    np.testing.assert_array_equal(p.lines["GD"].get_ydata(), sgd)
    assert len(p.lines["SGD"].get_xdata()) == 0  # left out → hidden
    np.testing.assert_array_equal(p.lines["mini-batch"].get_xdata(), [0, 2, 4, 6, 8])
    assert p.ax.get_yscale() == "log" and p.ax.get_title() == "η = 0.1"
    lo, hi = p.ax.get_ylim()
    assert lo <= 0.01 and hi >= 1.0


def test_loss_curves_errors():
    p = plots.loss_curves(["GD"])
    with pytest.raises(ValueError, match="unknown runs"):
        p.update({"Adam": [1.0, 0.5]})
    with pytest.raises(ValueError, match="x has shape"):
        p.update({"GD": (np.arange(3), np.ones(4))})


def test_loss_curves_fixed_xmax():
    p = plots.loss_curves(["GD"], xmax=30)
    p.update({"GD": np.linspace(1, 0.5, 6)})
    assert p.ax.get_xlim() == (0.0, 30.0)


def test_blitted_frame_equals_full_draw():
    p = plots.loss_curves(["GD", "SGD"], log=True, xmax=10)
    p.update({"GD": np.geomspace(1, 0.2, 11)})
    p.draw()
    background = p._background
    p.update({"GD": np.geomspace(0.9, 0.25, 11), "SGD": np.geomspace(0.8, 0.3, 11)}, title="new")
    fast = p.draw().copy()
    assert p._background is background  # same limits: the background was reused
    p.invalidate()
    full = p.draw().copy()
    assert p._background is not background
    np.testing.assert_array_equal(fast, full)


def test_render_png_and_html_alt_text():
    p = plots.loss_curves(["GD"])
    p.update({"GD": [0.7, 0.5, 0.4]})
    assert p.render_png()[:8] == b"\x89PNG\r\n\x1a\n"
    text = p.alt_text()
    assert text == "Line plot of training loss against epoch: GD from 0.7 to 0.4 at epoch 2."
    html = p._repr_html_()
    assert html.startswith('<img src="data:image/png;base64,') and f'alt="{text}"' in html
    assert repr(p) == f"<LossCurves: {text}>"


def test_decision_boundary_update_in_place():
    X, labels = data.moons(40, seed=1)
    p = plots.decision_boundary(X, labels, n_grid=20)
    assert p.grid.points.shape == (2, 400)
    before = artist_count(p.fig)
    net = bp.init((2, 5, 2), g="tanh", seed=0)
    probs = bp.forward(net, p.grid.points).y_hat
    p.update(probs, title="epoch 0", accuracy=0.5)
    p.render_png()
    p.update(probs[::-1], title="epoch 1")
    p.render_png()
    assert artist_count(p.fig) == before
    rgb = p.image.get_array()
    np.testing.assert_allclose(rgb, p.colours_of(probs[::-1]))
    # a pixel where class 1 is certain shows class 1's lightened colour
    one = np.zeros((2, 400))
    one[1] = 1.0
    np.testing.assert_allclose(p.colours_of(one)[0, 0], 0.5 * np.array([0xE6, 0x9F, 0x00]) / 255 + 0.5)
    assert "2 classes" in p.alt_text() and "40 training points" in p.alt_text()


def test_decision_boundary_single_sigmoid_output_and_errors():
    X, labels = data.xor(20, seed=0)
    p = plots.decision_boundary(X, labels, n_grid=10)
    p_one = np.full((1, 100), 0.25)
    np.testing.assert_allclose(p.colours_of(p_one), p.colours_of(np.vstack([0.75 * np.ones(100), p_one[0]])))
    with pytest.raises(ValueError, match=r"probs must have shape \(2, 100\)"):
        p.update(np.ones((3, 100)) / 3)
    with pytest.raises(ValueError, match="shape"):
        plots.grid(np.ones((3, 5)))


def test_vector_bars_update_in_place():
    p = plots.vector_bars(["ŷ", "e(ℓ)", "∇_{a_L}"], 4)
    before = artist_count(p.fig)
    y_hat = bp.softmax(np.array([1.0, 2.0, 0.5, -1.0]))
    e = bp.one_hot(1, 4).ravel()
    p.update({"ŷ": y_hat, "e(ℓ)": e, "∇_{a_L}": (y_hat - e).reshape(-1, 1)})
    p.render_png()
    p.update({"ŷ": y_hat[::-1]})
    p.render_png()
    assert artist_count(p.fig) == before
    np.testing.assert_allclose([r.get_height() for r in p.bars["ŷ"]], y_hat[::-1])
    np.testing.assert_allclose([r.get_height() for r in p.bars["∇_{a_L}"]], y_hat - e)
    assert p.texts["e(ℓ)"][1].get_text() == "1.00"
    lo, hi = p.ax.get_ylim()
    assert lo < min(y_hat - e) and hi > 1.0
    assert "e(ℓ) = [0.00, 1.00, 0.00, 0.00]" in p.alt_text()
    with pytest.raises(ValueError, match="must have 4 entries"):
        p.update({"ŷ": np.ones(3)})


def test_function_tangent_update_in_place():
    z = np.linspace(-5, 5, 101)
    p = plots.function_tangent(z, sigmoid(z), sigmoid_prime(z), name="σ")
    before = artist_count(p.fig)
    ylim = p.ax_g.get_ylim()
    for z0 in (-2.0, 0.0, 3.0):
        p.update(z0, sigmoid(z0), sigmoid_prime(z0))
        p.render_png()
    assert artist_count(p.fig) == before
    zs, ts = p.tangent.get_data()
    np.testing.assert_allclose(ts, sigmoid(3.0) + sigmoid_prime(3.0) * (zs - 3.0))
    assert p.dot_gp.get_ydata()[0] == pytest.approx(sigmoid_prime(3.0))
    assert p.ax_g.get_ylim() == ylim  # the tangent does not move the view
    p.set_curves(z, tanh(z), tanh_prime(z), name="tanh")
    np.testing.assert_array_equal(p.curve_gp.get_ydata(), tanh_prime(z))
    assert p.ax_g.get_ylim()[0] < -1.0 and p.ax_gp.get_ylabel() == "tanh′(z)"
    assert (
        "tangent at z = 3.00"
        in plots.function_tangent(z, sigmoid(z), sigmoid_prime(z))
        .update(3.0, sigmoid(3.0), sigmoid_prime(3.0))
        .alt_text()
    )


def test_gradient_norms_update_in_place():
    p = plots.gradient_norms(["sigmoid", "relu"], max_layers=12)
    before = artist_count(p.fig)
    p.update({"sigmoid": 0.25 ** np.arange(10)[::-1], "relu": np.ones(10)})
    p.render_png()
    p.update({"sigmoid": 0.25 ** np.arange(4)[::-1]})
    p.render_png()
    assert artist_count(p.fig) == before
    np.testing.assert_array_equal(p.lines["sigmoid"].get_xdata(), [1, 2, 3, 4])
    assert len(p.lines["relu"].get_xdata()) == 0
    assert p.ax.get_xlim() == (0.5, 12.5) and p.ax.get_yscale() == "log"
    assert "sigmoid: 1 at layer 4, 0.0156 at layer 1" in p.alt_text()


@pytest.mark.parametrize(
    "lo, hi, log, expected",
    [(0.079, 0.58, True, (0.05, 1.0)), (1e-6, 1.0, True, (1e-6, 1.0)), (-0.39, 1.0, False, (-0.5, 1.0))],
)
def test_nice_limits(lo, hi, log, expected):
    assert plots._nice_limits(lo, hi, log) == pytest.approx(expected)
    a, b = plots._nice_limits(0.2, 0.2, True)
    assert a < 0.2 < b


def test_gradient_norms_fixed_ylim_survives_updates():
    p = plots.gradient_norms(["sigmoid"], max_layers=10).fix_ylim(np.array([1e-7, 0.3]), [0.05])
    assert p.ax.get_ylim() == pytest.approx((1e-7, 0.5))
    p.update({"sigmoid": np.geomspace(1e-3, 0.1, 5)})
    p.draw()
    background = p._background
    p.update({"sigmoid": np.geomspace(1e-5, 0.1, 9)})
    p.draw()
    assert p.ax.get_ylim() == pytest.approx((1e-7, 0.5)) and p._background is background
