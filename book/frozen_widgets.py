"""Python-only widgets become static HTML in the book (a local Sphinx extension).

A widget of backprop.widgets (training, decision boundary, vanishing gradients, needs_kernel)
needs a Python kernel: in the static book its sliders, boxes and Play button would move without
changing anything.  Such a widget carries the DOM class PYTHON_WIDGET_CLASS.  When a page is
read (doctree-read, after myst-nb has stored the page's saved widget state), every displayed
widget that is built only of ipywidgets models (no anywidget inside) is drawn once, at build
time, from its saved state, as plain HTML:

* boxes as flex <div>s with their Layout; HTML / HTMLMath / Label values as they are (MathJax
  typesets the math); Image values as <img> (a data: URI) named by the caption next to them
  (class backprop-alt-text) or by their description; Output widgets' outputs (HTML, images,
  text);
* sliders, check boxes, toggle buttons, dropdowns, text fields, buttons and Play as native
  controls with a <label>, `disabled` and a tooltip saying they are live in Jupyter.

The widget's view script in the page is replaced by that HTML, and the models it used are
dropped from the page's saved state.  A page whose widgets are then all anywidgets gets the
light widget manager (book/bookext.py), and a page without any widget left loads no widget
script at all: no page needs html-manager's embed-amd.js.  A widget whose models this file cannot
draw (an anywidget inside an ipywidgets box, say) is left as it was.  The notebook itself is not
touched: in Jupyter the same widget stays live.
"""

from __future__ import annotations

import html
import json
import math
import re
from functools import cache

import ipywidgets
from backprop.widgets import KERNEL_NOTE, PYTHON_WIDGET_CLASS
from docutils import nodes
from sphinx.application import Sphinx

TOOLTIP = "Live when the notebook runs in Jupyter; frozen in the HTML book"
REF = "IPY_MODEL_"
VIEW_SCRIPT = re.compile(r'<script type="application/vnd\.jupyter\.widget-view\+json">(.*?)</script>', re.S)
CSS = "book-js/frozen-widgets.css"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
BOXES = {"VBoxModel": "column", "HBoxModel": "row", "BoxModel": "row", "GridBoxModel": None}
SLIDERS = {"IntSliderModel", "FloatSliderModel", "FloatLogSliderModel", "SelectionSliderModel"}
CHOICES = {"ToggleButtonsModel", "RadioButtonsModel", "DropdownModel", "SelectModel"}
TEXTS = {
    "TextModel", "IntTextModel", "FloatTextModel", "BoundedIntTextModel", "BoundedFloatTextModel",
    "TextareaModel", "ComboboxModel", "PasswordModel",
}  # fmt: skip
# Models that are never drawn themselves: a view's layout and style, links between controls.
SILENT = {"LayoutModel", "LinkModel", "DirectionalLinkModel"}
PLAY_BUTTONS = (("Play", "\u25b6\ufe0e"), ("Pause", "\u275a\u275a"), ("Stop", "\u25a0"), ("Repeat", "\u21bb"))


class Undrawable(Exception):
    """A model this file cannot draw statically: its widget is left to a widget manager."""


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


@cache
def model_defaults(name: str) -> dict:
    """The default state of the ipywidgets model `name`: a saved state may leave defaults out."""
    for obj in vars(ipywidgets).values():
        if isinstance(obj, type) and issubclass(obj, ipywidgets.Widget):
            traits = obj.class_traits()
            if "_model_name" in traits and traits["_model_name"].default_value == name:
                plain = (str, int, float, bool, list, tuple, type(None))
                return {k: t.default_value for k, t in traits.items() if isinstance(t.default_value, plain)}
    return {}


def refs(value) -> list[str]:
    """Every model id a saved state value refers to ("IPY_MODEL_<id>", in lists and dicts too)."""
    if isinstance(value, str):
        return [value.removeprefix(REF)] if value.startswith(REF) else []
    if isinstance(value, list | tuple):
        return [r for v in value for r in refs(v)]
    if isinstance(value, dict):
        return [r for v in value.values() for r in refs(v)]
    return []


def closure(state: dict, roots) -> set[str]:
    """The models `roots` are made of: the roots and every model they refer to, recursively."""
    seen, todo = set(), list(roots)
    while todo:
        mid = todo.pop()
        if mid in seen or mid not in state:
            continue
        seen.add(mid)
        todo.extend(refs(state[mid]["state"]))
    return seen


def _esc(text) -> str:
    return html.escape(str(text), quote=True)


def _css(layout: dict) -> str:
    """A Layout model's properties as inline CSS (what html-manager applies to a view's element)."""
    rules = []
    for key, v in layout.items():
        if key.startswith("_") or not isinstance(v, str) or not v:
            continue
        rules.append(f"{key.replace('_', '-')}: {v}")
    return "; ".join(rules)


def _format(value, spec: str | None) -> str:
    """A slider's readout: Python's format spec, which agrees with d3-format's common ones."""
    if spec:
        try:
            return format(value, spec)
        except (ValueError, TypeError):
            pass
    return f"{value:.3g}" if isinstance(value, float) else str(value)


class StaticWidgets:
    """Draws saved ipywidgets models (one page's widget state) as static HTML."""

    def __init__(self, state: dict):
        self.state = state

    def model(self, mid: str) -> dict:
        if mid not in self.state:
            raise Undrawable(f"no saved model {mid}")
        return self.state[mid]

    def draw(self, mid: str) -> str:
        """The HTML of widget `mid` and everything inside it; Undrawable if a model is unknown."""
        spec = self.model(mid)
        module, name = spec["model_module"], spec["model_name"]
        s = {**model_defaults(name), **spec["state"]}
        if module != "@jupyter-widgets/controls" and module != "@jupyter-widgets/output":
            raise Undrawable(f"{module} {name}")
        if name == "OutputModel":
            inner = self.outputs(s.get("outputs", []))
            return self.element(mid, "div", "bp-frozen-output", inner)
        if name in BOXES:
            return self.box(mid, name, s)
        if name in ("HTMLModel", "HTMLMathModel", "LabelModel"):
            value = s.get("value", "")
            value = _esc(value) if name == "LabelModel" else value
            label = self.label_html(s, None)
            return self.element(
                mid, "div", "bp-frozen-html", label + f'<div class="bp-frozen-value">{value}</div>'
            )
        if name == "ImageModel":
            return self.image(mid, spec, alt=None)
        if name in SLIDERS:
            return self.slider(mid, name, s)
        if name in ("CheckboxModel", "ToggleButtonModel"):
            return self.checkbox(mid, name, s)
        if name == "PlayModel":
            return self.play(mid, s)
        if name in CHOICES:
            return self.choices(mid, name, s)
        if name in TEXTS:
            return self.text(mid, name, s)
        if name in ("FloatProgressModel", "IntProgressModel"):
            lo, hi, value = s.get("min", 0), s.get("max", 100), s.get("value", 0)
            label = self.label_html(s, None)
            name_attr = _esc(s.get("description") or "progress")
            inner = label + (
                f'<progress max="{hi - lo}" value="{value - lo}" aria-label="{name_attr}">{value}</progress>'
            )
            return self.element(mid, "div", "bp-frozen-control bp-frozen-progress", inner)
        if name == "ButtonModel":
            text = _esc(s.get("description", ""))
            inner = f'<button type="button" disabled title="{_esc(TOOLTIP)}">{text}</button>'
            return self.element(mid, "div", "bp-frozen-control", inner)
        raise Undrawable(f"{module} {name}")

    # ---- pieces

    def layout(self, s: dict) -> str:
        ids = refs(s.get("layout"))
        return _css(self.state[ids[0]]["state"]) if ids and ids[0] in self.state else ""

    def element(
        self, mid: str, tag: str, cls: str, inner: str, style: str = "", s: dict | None = None
    ) -> str:
        s = s if s is not None else self.state[mid]["state"]
        classes = " ".join([cls, *map(str, s.get("_dom_classes", []))])
        css = "; ".join(c for c in (style, self.layout(s)) if c)
        style_attr = f' style="{_esc(css)}"' if css else ""
        return f'<{tag} class="{_esc(classes)}"{style_attr}>{inner}</{tag}>'

    def label_html(self, s: dict, for_id: str | None) -> str:
        text = s.get("description") or ""
        if not text:
            return ""
        shown = text if s.get("description_allow_html") else _esc(text)
        width = self.description_width(s)
        style = f' style="width: {_esc(width)}; min-width: {_esc(width)}"' if width else ""
        if for_id is None:
            return f'<span class="bp-frozen-label"{style}>{shown}</span>'
        return f'<label class="bp-frozen-label" for="{for_id}"{style}>{shown}</label>'

    def description_width(self, s: dict) -> str:
        ids = refs(s.get("style"))
        style = self.state[ids[0]]["state"] if ids and ids[0] in self.state else {}
        width = style.get("description_width", "")
        return "" if width == "initial" else width

    def box(self, mid: str, name: str, s: dict) -> str:
        children = refs(s.get("children", []))
        parts = []
        for n, child in enumerate(children):
            spec = self.model(child)
            if spec["model_name"] == "ImageModel":
                # backprop.widgets puts the figure's text caption right after its image.
                nxt = self.state.get(children[n + 1]) if n + 1 < len(children) else None
                caption = nxt and "backprop-alt-text" in nxt["state"].get("_dom_classes", [])
                alt = _text(nxt["state"].get("value", "")) if caption else None
                parts.append(self.image(child, spec, alt))
            else:
                parts.append(self.draw(child))
        direction = BOXES[name]
        style = f"display: flex; flex-direction: {direction}" if direction else "display: grid"
        kind = "bp-frozen-box " + ("bp-frozen-vbox" if direction == "column" else "bp-frozen-hbox")
        return self.element(mid, "div", kind, "".join(parts), style)

    def image(self, mid: str, spec: dict, alt: str | None) -> str:
        s = spec["state"]
        data = next((b["data"] for b in spec.get("buffers", []) if b["path"] == ["value"]), None)
        if data is None:
            raise Undrawable(f"image {mid} without a saved value")
        fmt = s.get("format", "png")
        mime = "image/svg+xml" if fmt == "svg" else f"image/{fmt}"
        alt = alt or s.get("description") or "a figure drawn by Python (live in Jupyter)"
        size = "".join(f' {k}="{_esc(s[k])}"' for k in ("width", "height") if s.get(k))
        inner = f'<img src="data:{mime};base64,{data}" alt="{_esc(alt)}"{size}>'
        return self.element(mid, "div", "bp-frozen-image", inner)

    def slider(self, mid: str, name: str, s: dict) -> str:
        uid = f"bpw-{mid}"
        if name == "SelectionSliderModel":
            labels = s.get("_options_labels", [])
            index = s.get("index", 0) or 0
            lo, hi, step, pos = 0, max(len(labels) - 1, 0), 1, index
            readout = labels[index] if index < len(labels) else ""
        elif name == "FloatLogSliderModel":
            base = s.get("base", 10.0)
            value = s.get("value", 1.0)
            lo, hi, step = s.get("min", 0.0), s.get("max", 4.0), s.get("step", 0.1)
            pos = math.log(value, base) if value > 0 else lo
            readout = _format(value, s.get("readout_format", ".3g"))
        else:
            lo, hi = s.get("min", 0), s.get("max", 100)
            step = s.get("step", 1 if name == "IntSliderModel" else 0.1)
            pos = value = s.get("value", lo)
            readout = _format(value, s.get("readout_format", "d" if name == "IntSliderModel" else ".2f"))
        attrs = f'min="{lo}" max="{hi}" step="{step}" value="{pos}" aria-valuetext="{_esc(readout)}"'
        inner = (
            self.label_html(s, uid)
            + f'<input type="range" id="{uid}" {attrs} disabled title="{_esc(TOOLTIP)}">'
            + (f'<output for="{uid}">{_esc(readout)}</output>' if s.get("readout", True) else "")
        )
        return self.element(mid, "div", "bp-frozen-control bp-frozen-slider", inner)

    def checkbox(self, mid: str, name: str, s: dict) -> str:
        uid = f"bpw-{mid}"
        checked = " checked" if s.get("value") else ""
        if name == "ToggleButtonModel":
            pressed = "true" if s.get("value") else "false"
            inner = (
                f'<button type="button" aria-pressed="{pressed}" disabled title="{_esc(TOOLTIP)}">'
                f"{_esc(s.get('description', ''))}</button>"
            )
        else:
            inner = f'<input type="checkbox" id="{uid}"{checked} disabled title="{_esc(TOOLTIP)}">' + (
                self.label_html({**s, "style": None}, uid) or f'<label for="{uid}">on</label>'
            )
        return self.element(mid, "div", "bp-frozen-control bp-frozen-check", inner)

    def play(self, mid: str, s: dict) -> str:
        buttons = "".join(
            f'<button type="button" aria-label="{name}" disabled title="{_esc(TOOLTIP)}">'
            f'<span aria-hidden="true">{glyph}</span></button>'
            for name, glyph in PLAY_BUTTONS
        )
        label = _esc(s.get("description") or "play")
        inner = f'<span role="group" aria-label="{label}">{buttons}</span>'
        return self.element(mid, "div", "bp-frozen-control bp-frozen-play", inner)

    def choices(self, mid: str, name: str, s: dict) -> str:
        uid = f"bpw-{mid}"
        labels = s.get("_options_labels", [])
        index = s.get("index")
        if name in ("DropdownModel", "SelectModel"):
            options = "".join(
                f"<option{' selected' if n == index else ''}>{_esc(lab)}</option>"
                for n, lab in enumerate(labels)
            )
            inner = (
                self.label_html(s, uid)
                + f'<select id="{uid}" disabled title="{_esc(TOOLTIP)}">{options}</select>'
            )
        elif name == "RadioButtonsModel":
            radios = "".join(
                f'<label><input type="radio" name="{uid}"{" checked" if n == index else ""} disabled> '
                f"{_esc(lab)}</label>"
                for n, lab in enumerate(labels)
            )
            legend = _esc(s.get("description") or "options")
            inner = f"<fieldset disabled><legend>{legend}</legend>{radios}</fieldset>"
        else:  # ToggleButtons
            buttons = "".join(
                f'<button type="button" aria-pressed="{"true" if n == index else "false"}" disabled '
                f'title="{_esc(TOOLTIP)}">{_esc(lab)}</button>'
                for n, lab in enumerate(labels)
            )
            group = _esc(s.get("description") or "options")
            inner = self.label_html(s, None) + f'<span role="group" aria-label="{group}">{buttons}</span>'
        return self.element(mid, "div", "bp-frozen-control bp-frozen-choices", inner)

    def text(self, mid: str, name: str, s: dict) -> str:
        uid = f"bpw-{mid}"
        value = _esc(s.get("value", ""))
        if name == "TextareaModel":
            field = f'<textarea id="{uid}" disabled title="{_esc(TOOLTIP)}">{value}</textarea>'
        else:
            field = f'<input type="text" id="{uid}" value="{value}" disabled title="{_esc(TOOLTIP)}">'
        label = self.label_html(s, uid) or f'<label class="bp-frozen-label" for="{uid}">value</label>'
        return self.element(mid, "div", "bp-frozen-control bp-frozen-text", label + field)

    def outputs(self, outputs: list) -> str:
        parts = []
        for out in outputs:
            kind = out.get("output_type")
            if kind == "stream":
                parts.append(f"<pre>{_esc(''.join(out.get('text', '')))}</pre>")
            elif kind == "error":
                parts.append(f"<pre>{_esc(ANSI.sub('', chr(10).join(out.get('traceback', []))))}</pre>")
            elif kind in ("display_data", "execute_result"):
                parts.append(self.mime(out.get("data", {})))
        return "".join(parts)

    def mime(self, data: dict) -> str:
        def joined(v):
            return "".join(v) if isinstance(v, list) else str(v)

        plain = joined(data.get("text/plain", ""))
        if "application/vnd.jupyter.widget-view+json" in data:
            raise Undrawable("a widget inside an Output widget")
        if "text/html" in data:
            return f"<div>{joined(data['text/html'])}</div>"
        for mime in ("image/png", "image/jpeg", "image/gif"):
            if mime in data:
                alt = _esc(plain or "an output image (live in Jupyter)")
                return f'<img src="data:{mime};base64,{joined(data[mime]).strip()}" alt="{alt}">'
        if "image/svg+xml" in data:
            name = _esc(plain or "an output figure")
            return f'<div role="img" aria-label="{name}">{joined(data["image/svg+xml"])}</div>'
        if "text/latex" in data:
            return f"<div>{joined(data['text/latex'])}</div>"
        return f"<pre>{_esc(plain)}</pre>" if plain else ""


def _text(fragment: str) -> str:
    """The plain text of an HTML fragment (a caption used as alt text)."""
    return html.unescape(re.sub(r"<[^>]*>", "", fragment)).strip()


def freeze_page(state: dict, view_ids: list[str]) -> dict[str, str]:
    """Static HTML for every displayed widget drawn only from ipywidgets models; drop their models.

    state : the "state" mapping of a page's saved widget state, {model_id: {"state": {...}, ...}};
            changed in place: the models only the frozen widgets used are removed
    view_ids : the model ids of the page's widget views, in order
    Returns {model_id: html} for each widget view drawn statically.
    """
    drawer = StaticWidgets(state)
    frozen: dict[str, str] = {}
    for mid in dict.fromkeys(view_ids):
        try:
            inner = drawer.draw(mid)
        except Undrawable:
            continue
        classes = state[mid]["state"].get("_dom_classes", [])
        controls = [m for m in closure(state, [mid]) if state[m]["model_name"] in control_models()]
        note = ""
        # backprop's Python widgets say it themselves; a progress bar or a text has nothing to say.
        if controls and PYTHON_WIDGET_CLASS not in classes:
            note = f'<p class="bp-frozen-note">⚡ {html.escape(KERNEL_NOTE)}</p>'
        frozen[mid] = f'<div class="bp-frozen-widget">{note}{inner}</div>'
    if not frozen:
        return frozen
    # The frozen views' models, and the links between them (jslink), are no longer needed ...
    gone = closure(state, frozen)
    links = {m for m, spec in state.items() if spec["model_name"] in SILENT - {"LayoutModel"}}
    gone |= {m for m in links if set(refs(state[m]["state"])) & gone}
    # ... unless a widget still drawn by a widget manager refers to one of them.
    kept = closure(state, [m for m in state if m not in gone])
    for mid in gone - kept:
        del state[mid]
    return frozen


def widget_models(state: dict) -> list[str]:
    """The models of a saved state that a widget manager draws (not layouts, styles or links)."""
    return [
        m
        for m, spec in state.items()
        if spec["model_name"] not in SILENT and not spec["model_name"].endswith("StyleModel")
    ]


def _freeze_doctree(app: Sphinx, doctree: nodes.document) -> None:
    from myst_nb.core.render import sanitize_script_content

    env = app.env
    docname = env.docname
    data = getattr(env, "nb_metadata", {}).get(docname)
    entry = (data or {}).get("js_files", {}).get("ipywidgets_state")
    if not entry:
        return
    uri, kwargs = entry
    saved = json.loads(kwargs["body"])
    state = saved.get("state", {})
    raws = [n for n in doctree.findall(nodes.raw) if VIEW_SCRIPT.search(n.astext())]
    view_ids = [json.loads(m[1])["model_id"] for n in raws for m in VIEW_SCRIPT.finditer(n.astext())]
    frozen = freeze_page(state, view_ids)
    if not frozen:
        return
    for node in raws:
        text = VIEW_SCRIPT.sub(lambda m: frozen.get(json.loads(m[1])["model_id"], m[0]), node.astext())
        node.replace_self(nodes.raw("", text, format="html"))
    data["frozen_widgets"] = len(frozen)
    if any(widget_models(state)):
        kwargs["body"] = sanitize_script_content(json.dumps(saved))
    else:  # no widget left for a widget manager: no widget scripts at all
        for key in [k for k in data["js_files"] if k == "ipywidgets_state" or k.startswith("ipywidgets_")]:
            del data["js_files"][key]


def _frozen_css(app: Sphinx, pagename: str, templatename, context, doctree) -> None:
    data = getattr(app.env, "nb_metadata", {}).get(pagename) or {}
    if data.get("frozen_widgets"):
        app.add_css_file(CSS)


def setup(app: Sphinx) -> dict:
    # After myst-nb's NbMetadataCollector (priority 500) has stored the page's widget state.
    app.connect("doctree-read", _freeze_doctree, priority=900)
    app.connect("html-page-context", _frozen_css)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
