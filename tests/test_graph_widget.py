"""backprop.graph_widget: the graph explorer's Python side, its specs and its committed fixtures."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
import traitlets
from backprop import autodiff as ad
from backprop import graph_widget as gw

FIXTURES = Path(__file__).resolve().parent / "js" / "graph_fixtures.json"


def load_fixture_script():
    spec = importlib.util.spec_from_file_location(
        "make_graph_fixtures", FIXTURES.parent / "make_graph_fixtures.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_fixtures_are_up_to_date():
    fresh = load_fixture_script().render()
    assert FIXTURES.read_text("utf-8") == fresh, (
        "tests/js/graph_fixtures.json is out of date: run `python tests/js/make_graph_fixtures.py`"
    )


def test_the_examples_round_trip_through_their_specs():
    for build, name in ((gw.deep_thin_graph, "deep_thin"), (gw.shared_weight_graph, "shared_weight")):
        root = build()
        spec = gw.to_spec(root, name, name)
        readout = gw.sweep_readout(spec)
        sweep = ad.backward(root)
        order = ad.topological_order(root)
        assert [s["grad"] for s in readout["steps"]] == [float(np.ravel(s.grad)[0]) for s in sweep.steps]
        assert readout["values"] == [float(n.value) for n in order]
        assert spec["nodes"][-1]["label"] == "ℓ" and len(spec["nodes"]) == len(order)


def test_the_deep_thin_gradients_are_the_chain_of_chapter_4():
    spec = gw.examples()[0]
    r = gw.sweep_readout(spec)
    by_label = {n["label"]: i for i, n in enumerate(spec["nodes"])}
    v = dict(zip(by_label, [r["values"][by_label[k]] for k in by_label], strict=True))
    s = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    # ∂ℓ/∂w₁ = 2(ŷ − y) · σ′(a₂) · w₂ · σ′(a₁) · x
    chain = (
        2
        * (v["ŷ"] - v["y"])
        * s(v["a₂"])
        * (1 - s(v["a₂"]))
        * v["w₂"]
        * s(v["a₁"])
        * (1 - s(v["a₁"]))
        * v["x"]
    )
    assert abs(r["grads"][by_label["w₁"]] - chain) < 1e-15


def test_the_shared_weight_receives_two_shares():
    spec = gw.examples()[1]
    r = gw.sweep_readout(spec)
    w = next(i for i, n in enumerate(spec["nodes"]) if n["label"] == "w")
    shares = [
        st["sent"][k]
        for st in r["steps"]
        for k, p in enumerate(spec["nodes"][st["node"]]["parents"])
        if p == w
    ]
    assert len(shares) == 2 and abs(sum(shares) - r["grads"][w]) < 1e-15
    assert all(abs(sh - r["grads"][w]) > 1e-3 for sh in shares)


def test_the_widget_state_and_readout():
    ex = gw.graph_explorer()
    assert ex.selected == "deep_thin" and ex.step == 0 and ex.readout()["current"] is None
    ex.step = 3
    r = ex.readout()
    assert r["current"] == r["order"][2] and r["step"] == 3
    ex.selected = "shared_weight"
    assert ex.spec["name"] == "shared_weight"
    with pytest.raises(traitlets.TraitError, match="step must lie in 0..8"):
        ex.step = 99
    with pytest.raises(traitlets.TraitError, match="selected must be one of"):
        ex.selected = "nope"
    assert "export default" in ex._esm and ".bpg" in ex._css
    json.dumps(ex.graphs)  # plain data, as the front end receives it


def test_to_spec_refuses_what_the_javascript_cannot_show():
    with pytest.raises(ValueError, match="graphs of numbers"):
        gw.to_spec(ad.sum_(ad.leaf(np.ones((2, 2)))), "m", "m")
    with pytest.raises(ValueError, match="cannot show op 'huber'"):
        gw.to_spec(ad.sum_(ad.huber(ad.leaf(1.0))), "h", "h")
    with pytest.raises(ValueError, match="unknown op"):
        gw.from_spec({"nodes": [{"op": "nope", "label": "?", "parents": []}]})
    with pytest.raises(ValueError, match="at least one graph"):
        gw.GraphExplorer(graphs=[])


def test_a_front_end_change_reaches_python_through_the_widget_protocol():
    # What the front end sends when a button or the menu is used: a state update of the model.
    ex = gw.graph_explorer()
    ex.set_state({"step": 4})
    assert ex.step == 4 and ex.readout()["current"] == ex.readout()["order"][3]
    ex.set_state({"selected": "shared_weight", "step": 0})
    assert ex.spec["name"] == "shared_weight" and ex.readout()["current"] is None
    state = ex.get_state()
    assert state["step"] == 0 and state["selected"] == "shared_weight"
