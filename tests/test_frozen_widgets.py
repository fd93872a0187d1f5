"""book/frozen_widgets.py: Python-only widgets are saved disabled for the static book."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import ipywidgets as widgets
from backprop import widgets as bw
from ipywidgets.embed import dependency_state

spec = importlib.util.spec_from_file_location(
    "frozen_widgets", Path(__file__).resolve().parent.parent / "book" / "frozen_widgets.py"
)
frozen_widgets = importlib.util.module_from_spec(spec)
spec.loader.exec_module(frozen_widgets)


def saved_state(*shown) -> dict:
    """The widget state a page embeds for these widgets: they and every model they depend on."""
    return dependency_state(list(shown))


def test_every_control_of_a_python_widget_is_disabled_and_nothing_else():
    grads = bw.vanishing_gradients_widget(width=3, depth=2, max_depth=3, B=4)
    box = bw.needs_kernel(widgets.FloatSlider(0.5, description="x₁"), widgets.HTMLMath("$x$"))
    elsewhere = widgets.IntSlider(3, description="not a Python widget")
    state = saved_state(grads, box, elsewhere)
    # dependency_state drops defaults (no "disabled": false): the model's type must decide.
    controls = {mid: m for mid, m in state.items() if m["model_name"] in frozen_widgets.control_models()}
    assert len(controls) == 4  # the depth slider, the activation buttons, x₁ and the unrelated slider
    n = frozen_widgets.freeze_python_widgets(state)
    assert n == 3
    for mid, m in controls.items():
        want = mid != elsewhere.model_id
        assert m["state"].get("disabled", False) is want, (m["model_name"], m["state"].get("description"))
        if want:
            assert "Jupyter" in m["state"]["tooltip"]
    # The live widgets themselves are untouched: only the saved copy is frozen.
    assert not grads.depth.disabled and not grads.activation.disabled


def test_python_widgets_carry_the_class_and_the_note():
    for w in (bw.vanishing_gradients_widget(width=3, depth=2, max_depth=3, B=4), bw.needs_kernel()):
        assert bw.PYTHON_WIDGET_CLASS in w._dom_classes
        assert "greyed out" in w.children[0].value
