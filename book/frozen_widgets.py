"""Python-only widgets are shown disabled in the HTML book (a local Sphinx extension).

A widget of backprop.widgets (training, decision boundary, vanishing gradients) needs a Python
kernel: in the static book its sliders, boxes and Play button would move without changing
anything, so nothing would tell a reader that they are not live.  Such a widget carries the
DOM class PYTHON_WIDGET_CLASS; at env-updated (every notebook read, no page written yet) this
extension sets `disabled` on every control inside it in the page's saved widget state, so the
widget manager draws them greyed out and out of the tab order.  The notebook itself is not
touched: in Jupyter the same widget stays live.
"""

from __future__ import annotations

import json
from functools import cache

import ipywidgets
from backprop.widgets import PYTHON_WIDGET_CLASS
from sphinx.application import Sphinx

TOOLTIP = "Live when the notebook runs in Jupyter; frozen in the HTML book"


@cache
def control_models() -> frozenset[str]:
    """The model names of the ipywidgets controls that have a `disabled` trait (sliders, Play, ...)."""
    names = set()
    for obj in vars(ipywidgets).values():
        if isinstance(obj, type) and issubclass(obj, ipywidgets.DOMWidget):
            traits = obj.class_traits()
            if "disabled" in traits:
                names.add(traits["_model_name"].default_value)
    return frozenset(names)


def freeze_python_widgets(state: dict) -> int:
    """Set disabled = True on every control under a PYTHON_WIDGET_CLASS box; return how many.

    state : the "state" mapping of a saved widget state, {model_id: {"state": {...}, ...}}
    """
    roots = [mid for mid, m in state.items() if PYTHON_WIDGET_CLASS in m["state"].get("_dom_classes", [])]
    seen, todo, frozen = set(), list(roots), 0
    while todo:
        mid = todo.pop()
        if mid in seen or mid not in state:
            continue
        seen.add(mid)
        model = state[mid]["state"]
        for child in model.get("children", []):
            if isinstance(child, str) and child.startswith("IPY_MODEL_"):
                todo.append(child.removeprefix("IPY_MODEL_"))
        # A saved state may drop defaults (disabled: false), so the model's type decides.
        if "disabled" in model or state[mid].get("model_name") in control_models():
            model["disabled"] = True
            model["tooltip"] = TOOLTIP
            frozen += 1
    return frozen


def _freeze(app: Sphinx, env) -> None:
    from myst_nb.core.render import sanitize_script_content

    for data in getattr(env, "nb_metadata", {}).values():
        entry = data.get("js_files", {}).get("ipywidgets_state")
        if not entry:
            continue
        uri, kwargs = entry
        saved = json.loads(kwargs["body"])
        if freeze_python_widgets(saved.get("state", {})):
            kwargs["body"] = sanitize_script_content(json.dumps(saved))


def setup(app: Sphinx) -> dict:
    app.connect("env-updated", _freeze)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
