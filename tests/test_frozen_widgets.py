"""book/frozen_widgets.py: ipywidgets widgets are drawn at build time as static, disabled HTML."""

from __future__ import annotations

import importlib.util
import re
from html.parser import HTMLParser
from pathlib import Path

import anywidget
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


class Elements(HTMLParser):
    """Every start tag of an HTML fragment as (tag, attributes), the text of each <label>, and
    each <button>'s text as its attribute "text"."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.labels: dict[str, str] = {}
        self._label: str | None = None
        self._button: dict | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "label" and "for" in attrs:
            self._label = attrs["for"]
            self.labels[self._label] = ""
        if tag == "button":
            self._button = attrs
            attrs["text"] = ""

    def handle_endtag(self, tag):
        if tag == "label":
            self._label = None
        if tag == "button":
            self._button = None

    def handle_data(self, data):
        if self._label:
            self.labels[self._label] += data
        if self._button is not None:
            self._button["text"] += data

    def all(self, *tags) -> list[dict]:
        return [a for t, a in self.tags if t in tags]


def test_python_widgets_become_static_disabled_labelled_html():
    grads = bw.vanishing_gradients_widget(width=3, depth=2, max_depth=3, B=4)
    x1 = widgets.FloatSlider(0.5, min=-3, max=3, step=0.1, description="x₁")
    box = bw.needs_kernel(widgets.HBox([x1]), widgets.HTMLMath("$x = 1$"))
    state = saved_state(grads, box)
    shown = [grads.model_id, box.model_id]
    drawn = frozen_widgets.freeze_page(state, shown)
    assert list(drawn) == shown
    assert state == {}, "every model the frozen widgets used is dropped from the page's state"
    for mid, html in drawn.items():
        el = Elements(html)
        assert bw.PYTHON_WIDGET_CLASS in html and "greyed out" in html  # the class, and its note
        controls = el.all("input", "button", "select", "textarea")
        assert controls, mid
        for c in controls:
            assert "disabled" in c, f"a live-looking control: {c}"
            named = c.get("aria-label") or c.get("text", "").strip() or el.labels.get(c.get("id"), "")
            assert named.strip() or c.get("type") == "radio", f"a control without a name: {c}"
        for img in el.all("img"):
            assert img["src"].startswith("data:image/png;base64,") and len(img["src"]) > 200
            assert len(img["alt"]) > 20, img["alt"]
    # The saved values are what the static controls show.
    depth = next(a for a in Elements(drawn[grads.model_id]).all("input") if a.get("type") == "range")
    assert (depth["min"], depth["max"], depth["value"]) == ("1", "3", "2")
    slider = next(a for a in Elements(drawn[box.model_id]).all("input") if a["type"] == "range")
    assert (slider["min"], slider["max"], slider["value"]) == ("-3.0", "3.0", "0.5")
    assert "$x = 1$" in drawn[box.model_id]  # MathJax typesets it on the page
    # The figure's caption is the image's alt text.
    alt = Elements(drawn[grads.model_id]).all("img")[0]["alt"]
    assert alt == grads.plot.alt_text()
    # The live widgets themselves are untouched: only the page's copy is frozen.
    assert not grads.depth.disabled and not x1.disabled


def test_other_ipywidgets_are_drawn_and_anywidgets_are_left_to_the_widget_manager():
    out = widgets.Output()
    out.append_stdout("epoch 3: loss 0.25\n")
    progress = widgets.HBox([widgets.HTML("epochs: "), widgets.FloatProgress(30, max=30)])
    lone = widgets.IntSlider(7, max=9, description="k")

    class Live(anywidget.AnyWidget):
        _esm = "export default { render() {} }"

    live = Live()
    mixed = widgets.VBox([widgets.HTML("around a live one"), Live()])
    state = saved_state(out, progress, lone, live, mixed)
    shown = [out.model_id, progress.model_id, lone.model_id, live.model_id, mixed.model_id]
    drawn = frozen_widgets.freeze_page(state, shown)
    assert list(drawn) == [out.model_id, progress.model_id, lone.model_id]
    assert "epoch 3: loss 0.25" in drawn[out.model_id]
    bar = Elements(drawn[progress.model_id]).all("progress")[0]
    assert (bar["value"], bar["max"], bar["aria-label"]) == ("30.0", "30.0", "progress")
    # A control outside backprop's Python widgets gets the note; a progress bar does not.
    assert "Jupyter" in drawn[lone.model_id] and "Jupyter" not in drawn[progress.model_id]
    assert "disabled" in Elements(drawn[lone.model_id]).all("input")[0]
    # What a widget manager still draws keeps every model it needs; the frozen ones are gone.
    assert set(state) == frozen_widgets.closure(state, [live.model_id, mixed.model_id])
    assert live.model_id in state and mixed.model_id in state
    assert not {out.model_id, progress.model_id, lone.model_id} & set(state)


def test_a_jslink_between_frozen_controls_goes_with_them():
    epoch = widgets.IntSlider(0, max=5, description="epoch")
    play = widgets.Play(0, max=5)
    widgets.jslink((play, "value"), (epoch, "value"))
    box = bw.needs_kernel(widgets.HBox([play, epoch]))
    state = saved_state(box)
    links = [m for m, s in state.items() if s["model_name"] == "LinkModel"]
    assert links, "the Play button is jslinked to the slider"
    frozen_widgets.freeze_page(state, [box.model_id])
    assert state == {}


def test_the_css_the_pages_get_exists():
    css = Path(__file__).resolve().parent.parent / "book" / "static" / frozen_widgets.CSS
    assert re.search(r"\.bp-frozen-control", css.read_text())


def test_python_widgets_carry_the_class_and_the_note():
    for w in (bw.vanishing_gradients_widget(width=3, depth=2, max_depth=3, B=4), bw.needs_kernel()):
        assert bw.PYTHON_WIDGET_CLASS in w._dom_classes
        assert "greyed out" in w.children[0].value
