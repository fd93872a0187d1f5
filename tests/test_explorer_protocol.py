"""A front-end change reaches Python: explorers driven through the widget protocol itself.

In JupyterLab every slider, menu or box the reader moves sends a comm message
{"method": "update", "state": {trait: value}}; ipywidgets' `Widget._handle_msg` hands the
state to `Widget.set_state(dict)`.  These tests send exactly such messages to every explorer
builder, one synced trait at a time, and check that the trait took the new value, that the
lib-backed readouts follow it, and that nothing was logged (ipywidgets logs, and drops, an
update whose handler raises).
"""

from __future__ import annotations

import logging

import pytest
from backprop import explorers as E

BUILDERS = {
    "explorer": E.explorer,
    "network_explorer": E.network_explorer,
    "matrix_explorer": E.matrix_explorer,
    "activation_explorer": E.activation_explorer,
    "multipath_explorer": E.multipath_explorer,
    "gradient_check_explorer": E.gradient_check_explorer,
}


def front_end_update(widget, state: dict) -> None:
    """What the kernel does with a front end's `update` message (no buffers)."""
    widget._handle_msg(
        {"content": {"data": {"method": "update", "state": state, "buffer_paths": []}}, "buffers": []}
    )


def new_value(ex: E.Explorer, trait: str):
    """A valid value for `trait` that differs from the current one (what a reader's move sends)."""
    k, i, j = ex.selected
    if trait == "W":
        W = [None] + [[row[:] for row in Wk] for Wk in ex.W[1:]]
        W[k][i][j] = round(W[k][i][j] + 0.73, 2)
        return W
    if trait == "b":
        b = [None] + [bk[:] for bk in ex.b[1:]]
        b[-1][0] += 0.5
        return b
    if trait == "x":
        return [v + 0.25 for v in ex.x]
    if trait == "y":
        return [min(1.0, max(0.0, v)) * 0.5 + 0.1 for v in ex.y]
    if trait == "label":
        return (ex.label + 1) % ex.sizes[-1]
    if trait == "g":
        return "tanh" if ex.g != "tanh" else "relu"
    if trait == "pair":
        return E.PAIRS[1] if ex.pair != E.PAIRS[1] else E.PAIRS[2]
    if trait == "selected":
        return [ex.net.L, ex.sizes[-1] - 1, ex.sizes[-2] - 1]
    if trait == "unit":
        L = ex.net.L
        return [L - 1, ex.sizes[L - 1] - 1] if [L - 1, ex.sizes[L - 1] - 1] != ex.unit else [0, 0]
    if trait == "breaks":
        return ["flip_sign"]
    if trait == "eps":
        return 1e-4
    if trait == "mode":
        return "gradients" if ex.mode == "values" else "values"
    if trait == "components":
        return ["check"] if ex.components != ["check"] else ["bars"]
    if trait == "title":
        return "moved from the front end"
    if trait == "seed":
        return ex.seed + 1
    raise AssertionError(f"no test value for the synced trait {trait!r}")


# Traits whose value the reader's controls change from the front end, and the readout that must
# follow.  sizes is not a front-end control (it changes together with W, b, x, y: tested below).
SYNCED = sorted(
    name
    for name, trait in E.Explorer.class_traits(sync=True).items()
    if not name.startswith("_") and name not in {"sizes", "layout", "tabbable", "tooltip"}
)


def test_every_synced_trait_is_covered():
    assert set(SYNCED) >= {"W", "x", "y", "label", "g", "pair", "selected", "unit", "breaks", "eps", "mode"}
    assert "sizes" in E.Explorer.class_traits(sync=True)


@pytest.mark.parametrize("builder", sorted(BUILDERS))
@pytest.mark.parametrize("trait", SYNCED)
def test_a_front_end_update_reaches_python(builder, trait, caplog):
    ex = BUILDERS[builder](seed=3)
    if trait == "y":  # y is the target only for the pairs with real-valued targets
        front_end_update(ex, {"pair": E.PAIRS[2]})
    before = ex.readouts()
    value = new_value(ex, trait)
    with caplog.at_level(logging.WARNING):
        front_end_update(ex, {trait: value})
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    got = getattr(ex, trait)
    if trait == "breaks" or trait == "components":
        assert got == value
    elif trait == "eps":
        assert abs(got - value) <= 1e-15
    else:
        assert got == value, f"{builder}: {trait} is {got!r} after the front end sent {value!r}"
    after = ex.readouts()
    # The readouts are the lib's for the new state (not a stale cache) ...
    assert after == E.explorer(state=ex.state).readouts() or trait in {"components", "breaks"}
    # ... and the traits that feed the mathematics move at least one of them.
    if trait in {"W", "b", "x", "y", "label", "g", "pair"}:
        changed = [key for key in before if key in after and abs(before[key] - after[key]) > 1e-12]
        assert changed, f"{builder}: moving {trait} from the front end changed no readout"
    if trait == "selected":
        assert after["check.analytic"] == after[f"gW:{value[0]}:{value[1]}:{value[2]}"]
    if trait == "breaks":
        assert "check.broken" in after and "check.broken" not in before


@pytest.mark.parametrize("builder", sorted(BUILDERS))
def test_a_new_shape_sent_in_one_message_is_taken_whole(builder, caplog):
    ex = BUILDERS[builder](seed=1)
    other = E.explorer((3, 4, 2), g="relu", seed=5, selected=(2, 1, 3), unit=(1, 2))
    state = {name: getattr(other, name) for name in ("sizes", "W", "b", "x", "y", "selected", "unit", "g")}
    with caplog.at_level(logging.WARNING):
        front_end_update(ex, state)
    assert not caplog.records, caplog.text
    assert ex.sizes == [3, 4, 2] and ex.W == other.W
    assert ex.readouts() == other.readouts()


def test_a_bad_front_end_value_is_rejected_and_logged_not_applied(caplog):
    ex = E.explorer(seed=0)
    W = ex.W
    with caplog.at_level(logging.WARNING):
        front_end_update(ex, {"W": [None, [[1.0]], W[2]]})
    assert ex.W == W
    assert "W[1] must have shape" in caplog.text


def test_state_strings_are_loaded_with_load_state_not_set_state():
    # ipywidgets' own Widget.set_state(dict) must stay the one the protocol calls.
    import ipywidgets

    assert E.Explorer.set_state is ipywidgets.Widget.set_state
    ex = E.explorer(seed=0)
    other = E.explorer((3, 3, 2), seed=4)
    ex.load_state(other.state)
    assert ex.readouts() == other.readouts()
