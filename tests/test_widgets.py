"""Tests of backprop.widgets, headless: drive the controls, compare the plotted data with the lib.

Tolerances: the widgets call the same lib functions with the same seeds, so the plotted
numbers agree with an independent call to rtol 1e-12 (float64, same operations).
"""

import re

import backprop as bp
import numpy as np
import pytest
from backprop import data, widgets
from backprop import train as training

RTOL = 1e-12


@pytest.fixture(scope="module")
def small_set():
    return data.moons(24, noise=0.2, seed=3)


@pytest.fixture(scope="module")
def trainer(small_set):
    X, y = small_set
    return widgets.training_widget(
        X, y, sizes=(2, 4, 2), eta=0.1, batch_size=4, epochs=3, max_epochs=4, seed=1
    )


def expected_losses(X, y, eta, M, epochs, max_epochs=4, seed=1):
    net0 = bp.init((2, 4, 2), g="tanh", seed=seed)
    run = training.train(net0, X, y, eta, max_epochs, batch_size=M, seed=seed)
    return run.history.loss[: epochs + 1]


def test_training_widget_structure(trainer):
    assert widgets.LIVE_NOTE in trainer.note.value
    assert trainer.figure is trainer.plot.fig
    assert trainer.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert trainer.image in trainer.children and trainer.note is trainer.children[0]
    # the caption right after the image is its text alternative (book/static/book-js/widget-a11y.js)
    kids = list(trainer.children)
    assert kids[kids.index(trainer.image) + 1] is trainer.caption
    assert "backprop-alt-text" in trainer.caption._dom_classes and trainer.caption.value
    assert set(trainer.methods) == {"GD", "SGD", "mini-batch"}


def test_training_widget_plots_what_the_lib_returns(trainer, small_set):
    X, y = small_set
    trainer.eta.value = 0.31622776601683794  # 10^-0.5, on the slider's grid
    trainer.batch_size.value = 8
    trainer.epochs.value = 2
    eta = trainer.eta.value
    for method, M in (("GD", 24), ("SGD", 1), ("mini-batch", 8)):
        np.testing.assert_allclose(
            trainer.plot.lines[method].get_ydata(), expected_losses(X, y, eta, M, 2), rtol=RTOL
        )
    assert trainer.plot.ax.get_title() == f"η = {eta:.3g}, mini-batch M = 8, N = 24"
    assert "mini-batch from" in trainer.caption.value


def test_training_widget_methods_and_redraw(trainer):
    png = trainer.image.value
    trainer.methods["SGD"].value = False
    assert len(trainer.plot.lines["SGD"].get_ydata()) == 0
    assert trainer.image.value != png  # redrawn
    assert "SGD" not in trainer.losses()
    trainer.methods["SGD"].value = True
    lines = dict(trainer.plot.lines)
    trainer.epochs.value = 4
    assert trainer.plot.lines == lines  # the same Line2D objects, updated in place
    assert len(trainer.plot.lines["GD"].get_ydata()) == 5


def test_training_widget_caches_runs(trainer):
    trainer.eta.value = 0.1
    n = len(trainer._cache)
    trainer.eta.value = 0.31622776601683794
    trainer.eta.value = 0.1
    assert len(trainer._cache) == n  # revisited settings are not retrained


@pytest.fixture(scope="module")
def boundary(small_set):
    X, y = small_set
    return widgets.decision_boundary_widget(X, y, sizes=(2, 6, 2), eta=0.5, batch_size=8, epochs=3, n_grid=12)


def test_decision_boundary_widget_snapshots_match_training(boundary, small_set):
    X, y = small_set
    net = bp.init((2, 6, 2), g="tanh", seed=0)
    for e in range(4):
        if e:
            net = training.train(net, X, y, 0.5, 1, batch_size=8, seed=e - 1).net
        boundary.epoch.value = e
        probs = bp.forward(net, boundary.plot.grid.points).y_hat
        np.testing.assert_allclose(
            boundary.plot.image.get_array(), boundary.plot.colours_of(probs), rtol=RTOL
        )
        assert boundary.accuracy[e] == training.accuracy(net, X, y)
        assert f"epoch {e}: loss " in boundary.plot.ax.get_title()
    assert boundary.epoch.max == 3 and boundary.play.max == 3


def test_sweep_animation_is_small_and_restores_the_control(boundary):
    boundary.epoch.value = 2
    html = widgets.sweep_animation(boundary, "epoch", [0, 1, 3], dpi=30)
    text = html.data
    assert "Precomputed sweep of epoch over 0, 1, 3 (3 frames" in text
    assert text.count("data:image/png;base64") == 3 and "<script" in text
    assert len(text) < 1_000_000
    assert text.count('<img id="_anim_img') == 1  # no alt unless asked for
    with_alt = widgets.sweep_animation(boundary, "epoch", [0, 3], dpi=30, alt='regions "grow"').data
    assert '<img alt="regions &quot;grow&quot;" id="_anim_img' in with_alt
    # the player's frame slider is named (its buttons already are)
    assert text.count('class="anim-slider" aria-label="frame of the sweep of epoch"') == 1
    assert boundary.epoch.value == 2
    assert "epoch 2:" in boundary.plot.ax.get_title()


def test_sweep_animation_respects_the_embed_limit(boundary, caplog):
    html = widgets.sweep_animation(boundary, "epoch", [0, 1, 2, 3], dpi=30, embed_limit_mb=0.002)
    assert html.data.count("data:image/png;base64") < 4
    assert "embed_limit" in caplog.text


def test_sweep_animation_references_no_remote_url(boundary):
    # matplotlib's HTMLWriter links Font Awesome on a CDN: offline that is a failed request (a
    # console error in JupyterLab) and blank buttons.  The player must be self-contained.
    text = widgets.sweep_animation(boundary, "epoch", [0, 1], dpi=30).data
    assert re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}/", text, re.I) == []
    assert re.findall(r"https?://", text, re.I) == []
    assert "<link" not in text and 'class="fa ' not in text
    # Every player button still has a name for screen readers and a visible glyph.
    buttons = re.findall(
        r'<button title="[^"]+" aria-label="([^"]+)"[^>]*>\s*<span aria-hidden="true">(.+?)</span>', text
    )
    assert len(buttons) == text.count("<button") == 9
    assert all(name and glyph.strip() for name, glyph in buttons)
    assert len({glyph for _, glyph in buttons}) == 9  # no two buttons look the same


def test_sweep_player_refuses_an_icon_it_cannot_draw():
    with pytest.raises(RuntimeError, match="fa-rocket"):
        widgets._self_contained_player('<button aria-label="x"><i class="fa fa-rocket"></i></button>')
    with pytest.raises(RuntimeError, match="https://cdn.example.org"):
        widgets._self_contained_player('<script src="https://cdn.example.org/x.js"></script>')
