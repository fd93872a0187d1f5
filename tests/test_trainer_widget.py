"""The in-page trainer's Python side: its state, its fixtures, and the widget protocol.

The JavaScript trainer is checked against bp.train by tests/js/trainer.test.mjs, on fixtures
committed in tests/js/trainer_fixtures.json; the first test here fails when those fixtures no
longer say what the lib computes (rerun tests/js/make_trainer_fixtures.py).  The others check
that the widget ships what the page needs to train with no kernel (data, the initial weights of
every menu choice, the lib's shuffle orders) and that a front end's `update` message (what a
reader's control sends in Jupyter) reaches the Python side, whose run() is bp.train's.
"""

from __future__ import annotations

import itertools
import json
import logging
import math
import subprocess
import sys
from pathlib import Path

import backprop as bp
import numpy as np
import pytest
from backprop import trainer_widget as T

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "js"))
import make_trainer_fixtures  # noqa: E402


def _same(got, want, path="fixture"):
    """Equal structure; floats equal to 1e-12 relative (BLAS may sum in another order)."""
    if isinstance(want, float) or isinstance(got, float):
        assert isinstance(got, (int, float)) and isinstance(want, (int, float)), path
        assert math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-15), f"{path}: {got} != {want}"
    elif isinstance(want, dict):
        assert isinstance(got, dict) and got.keys() == want.keys(), f"{path}: keys differ"
        for k in want:
            _same(got[k], want[k], f"{path}.{k}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), f"{path}: lengths differ"
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            _same(g, w, f"{path}[{i}]")
    else:
        assert got == want, f"{path}: {got!r} != {want!r}"


def test_the_committed_trainer_fixtures_are_up_to_date():
    committed = json.loads(make_trainer_fixtures.OUT.read_text(encoding="utf-8"))
    with np.errstate(all="ignore"):
        fresh = json.loads(json.dumps(make_trainer_fixtures.build()))
    _same(fresh, committed)


def test_epoch_orders_are_the_order_train_uses():
    # Training with the orders by hand, one bp.train.step per batch, gives bp.train's network.
    X, y = bp.data.moons(30, noise=0.2, seed=2)
    net0 = bp.init((2, 4, 2), g="tanh", seed=1)
    run = bp.train.train(net0, X, y, 0.2, 3, batch_size=7, seed=5)
    net = net0
    for order in itertools.islice(bp.train.epoch_orders(30, 7, 5), 3):
        for start in range(0, 30, 7):
            net, _ = bp.train.step(net, X[:, order[start : start + 7]], y[order[start : start + 7]], 0.2)
    for k in (1, 2):
        np.testing.assert_allclose(net.W[k], run.net.W[k], rtol=1e-14, atol=1e-15)
    assert np.array_equal(next(bp.train.epoch_orders(5, 5)), np.arange(5))  # GD: stored order


def small(**kw):
    X, y = bp.data.xor(24, seed=1)
    kw = {"widths": (2, 4), "width": 4, "epochs": 5, "max_epochs": 8, "batch_size": 6, "seed": 2} | kw
    return T.trainer(X, y, **kw)


def test_the_state_holds_every_initial_network_and_the_lib_s_orders():
    w = small(hidden=2)
    assert set(w.initial) == {f"{g}/{n}" for g in ("sigmoid", "tanh", "relu") for n in (2, 4)}
    for key, params in w.initial.items():
        g, n = key.split("/")
        W, b = T.to_lists(bp.init((2, int(n), int(n), 2), g=g, seed=2))
        assert params == {"W": W, "b": b}
    want = [o.tolist() for o in itertools.islice(bp.train.epoch_orders(24, 1, 2), 8)]
    assert w.orders == want
    assert np.array_equal(np.array(w.X), bp.data.xor(24, seed=1)[0])
    json.dumps(w.get_state())  # the page's widget state is plain JSON


def test_run_is_bp_train_with_the_widget_s_settings():
    w = small(method="mini-batch", eta=0.5, g="relu")
    X, y = bp.data.xor(24, seed=1)
    want = bp.train.train(bp.init((2, 4, 2), g="relu", seed=2), X, y, 0.5, 5, batch_size=6, seed=2)
    assert np.array_equal(w.run().history.loss, want.history.loss)
    w.method = "GD"
    assert w.M == 24 and w.run().history.updates_per_epoch == 1


def front_end_update(widget, state: dict) -> None:
    """What the kernel does with a front end's `update` message (no buffers)."""
    widget._handle_msg(
        {"content": {"data": {"method": "update", "state": state, "buffer_paths": []}}, "buffers": []}
    )


NEW_VALUES = {"method": "SGD", "eta": 0.05, "batch_size": 3, "epochs": 7, "g": "sigmoid", "width": 2}


def test_every_control_s_trait_is_covered():
    synced = {n for n in T.Trainer.class_traits(sync=True) if not n.startswith("_")}
    fixed = {"X", "labels", "classes", "hidden", "activations", "widths", "initial", "orders", "seed",
             "max_epochs", "eta_range", "title", "layout", "tabbable", "tooltip"}  # fmt: skip
    assert synced - fixed == set(NEW_VALUES)


@pytest.mark.parametrize("trait", sorted(NEW_VALUES))
def test_a_front_end_update_reaches_python(trait, caplog):
    w = small()
    before = w.run().history.loss[-1]
    with caplog.at_level(logging.WARNING):
        front_end_update(w, {trait: NEW_VALUES[trait]})
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    assert getattr(w, trait) == NEW_VALUES[trait]
    assert w.run().history.loss[-1] != before, f"{trait}: the Python side's run did not follow"


@pytest.mark.parametrize(
    ("trait", "value", "message"),
    [
        ("method", "adam", "method must be one of"),
        ("eta", -1.0, "eta"),
        ("batch_size", 99, "batch_size must be in 1..N"),
        ("epochs", 9, "max_epochs"),
        ("g", "softplus", "g must be one of"),
        ("width", 3, "width must be one of"),
    ],
)
def test_a_bad_front_end_value_is_rejected_and_logged(trait, value, message, caplog):
    w = small()
    old = getattr(w, trait)
    with caplog.at_level(logging.WARNING):
        front_end_update(w, {trait: value})
    assert getattr(w, trait) == old
    assert message in caplog.text


def test_bad_builder_arguments_raise_value_errors():
    X, y = bp.data.moons(20, seed=0)
    with pytest.raises(ValueError, match="width"):
        T.trainer(X, y, width=5, widths=(2, 4))
    with pytest.raises(ValueError, match="hidden"):
        T.trainer(X, y, hidden=0)
    with pytest.raises(ValueError, match="epochs"):
        T.trainer(X, y, epochs=10, max_epochs=5)
    with pytest.raises(ValueError, match="one label per column"):
        T.trainer(X, y[:-1])


def test_the_bundled_module_is_one_valid_es_module(tmp_path):
    src = T.esm_source()
    assert "\nimport " not in src and src.count("export ") == 1  # only the view's export default
    path = tmp_path / "trainer_bundle.mjs"
    path.write_text(src, encoding="utf-8")
    subprocess.run(["node", "--check", str(path)], check=True)
