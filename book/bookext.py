"""The book's local Sphinx extension (loaded through _config.yml's `sphinx: local_extensions`).

Small fixes for an offline, light Jupyter Book 1 build, each found in headless Chromium:

* config-inited: copy the pinned JavaScript assets into book/assets/ (see copy_assets.py) before
  Sphinx checks `html_static_path`, so `jupyter-book build .` works right after `npm ci`.
* html-page-context, early: a page that shows ipywidgets gets MathJax even if its text has no
  math, because widget labels and HTMLMath values are typeset by MathJax.
* html-page-context: notebook outputs that link a CDN (matplotlib's to_jshtml animations link
  Font Awesome 4) get the local copy instead (CDN_TO_LOCAL).
* html-page-context: myst-nb's "Show code cell source" toggles lose their aria-label="Toggle hidden
  content", which contradicts the visible text (axe-core: label-content-name-mismatch); their
  name is then the visible "Show code cell source" / "Hide code cell source".
* build-finished: the sidebar's fold toggles (a chevron alone) get an accessible name, and the
  bibliography's entries the role listitem (docutils' doc-biblioentry is deprecated in ARIA).
* html-page-context, late: the widget scripts load without blocking the first paint (`defer`:
  they run, in order, once the page is parsed), and a page whose saved widgets are all
  anywidgets (the explorers) gets book-js/widgets-light.js instead of html-manager's 3.6 MB
  embed-amd.js (LIGHT_MODELS; see that file).  Pages with ipywidgets controls keep embed-amd.js.
* html-page-context, last: drop duplicate <script> entries. sphinx-thebe's inline configuration
  script reaches a page's script_files twice (once with filename None, once with ""), and the
  second copy throws "Identifier 'THEBE_JS_URL' has already been declared".
"""

from __future__ import annotations

import re
from pathlib import Path

from copy_assets import AssetsMissing, copy_assets
from sphinx.application import Sphinx
from sphinx.errors import ConfigError


def _copy_assets(app: Sphinx, config) -> None:
    try:
        copy_assets()
    except AssetsMissing as err:
        raise ConfigError(str(err)) from err


def _math_for_widget_pages(app: Sphinx, pagename: str, templatename, context, doctree) -> None:
    from myst_nb.sphinx_ import NbMetadataCollector

    env = app.env
    if not hasattr(env, "nb_metadata") or pagename not in env.nb_metadata:
        return
    # Widgets drawn statically at build time (book/frozen_widgets.py) keep their math too.
    frozen = env.nb_metadata[pagename].get("frozen_widgets")
    if frozen or "ipywidgets_state" in NbMetadataCollector.get_js_files(env, pagename):
        env.get_domain("math").data["has_equations"][pagename] = True


# CDN links that notebook outputs carry in their HTML, and the local copy that replaces each.
CDN_TO_LOCAL = {
    # matplotlib's Animation.to_jshtml() / HTMLWriter: icons of the player's buttons.
    "https://maxcdn.bootstrapcdn.com/font-awesome/4.4.0/css/font-awesome.min.css": (
        "_static/offline/font-awesome/css/font-awesome.min.css"
    ),
}


def _localize_cdn_links(app: Sphinx, pagename: str, templatename, context, doctree) -> None:
    body = context.get("body")
    if not body:
        return
    for url, local in CDN_TO_LOCAL.items():
        if url in body:
            body = body.replace(url, context["pathto"](local, 1))
    context["body"] = body


# Third-party markup in a page's body, and its accessible replacement.
BODY_A11Y_FIXES = {
    # myst_nb/sphinx_.py (hide-input cells): the name should be the summary's visible text.
    '<summary aria-label="Toggle hidden content">': "<summary>",
}


def _fix_body_markup(app: Sphinx, pagename: str, templatename, context, doctree) -> None:
    body = context.get("body")
    if not body:
        return
    for old, new in BODY_A11Y_FIXES.items():
        body = body.replace(old, new)
    context["body"] = body


# Widget models that book-js/widgets-light.js renders: anywidget's, and the layouts they refer to.
LIGHT_MODELS = {("anywidget", "AnyModel"), ("@jupyter-widgets/base", "LayoutModel")}
WIDGET_MANAGER = "offline/html-manager/embed-amd.js"
LIGHT_MANAGER = "book-js/widgets-light.js"
# Loaded after the page is parsed (defer keeps their order); the MathJax 2 shim stays as it is.
DEFERRED = {"offline/requirejs/require.js", "book-js/require-paths.js", WIDGET_MANAGER}


def page_widget_models(app: Sphinx, pagename: str) -> set[tuple[str, str]] | None:
    """(model_module, model_name) of every widget saved in the page, or None without widgets."""
    import json

    from myst_nb.sphinx_ import NbMetadataCollector

    env = app.env
    if not hasattr(env, "nb_metadata") or pagename not in env.nb_metadata:
        return None
    saved = NbMetadataCollector.get_js_files(env, pagename).get("ipywidgets_state")
    if not saved:
        return None
    state = json.loads(saved[1]["body"])["state"]
    return {(m["model_module"], m["model_name"]) for m in state.values()}


def _light_widget_scripts(app: Sphinx, pagename: str, templatename, context, doctree) -> None:
    models = page_widget_models(app, pagename)
    scripts = context.get("script_files")
    if models is None or not scripts:
        return
    light = models <= LIGHT_MODELS
    for n, js in enumerate(scripts):
        name = str(js.filename or "").removeprefix("_static/")  # the builder adds _static/
        if name not in DEFERRED:
            continue
        if name == WIDGET_MANAGER and light:
            name = LIGHT_MANAGER
        attributes = {**js.attributes, "defer": "defer"}
        # _JavaScript is immutable: a new entry in its place
        scripts[n] = type(js)(f"_static/{name}", priority=js.priority, **attributes)


def _dedupe_scripts(app: Sphinx, pagename: str, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for js in scripts:
        key = (js.filename or "", tuple(sorted((k, str(v)) for k, v in js.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    scripts[:] = unique  # in place: the builder renders this very list


# The theme's sidebar folds a chapter's sections in <details><summary>, and the summary holds only
# a chevron icon: no accessible name (axe-core: summary-name, serious).  The sidebar is rendered
# inside the page template, after html-page-context, so its written HTML is patched.
_NAV_TOGGLE = re.compile(
    r'(<a class="[^"]*reference internal[^"]*" href="[^"]*">([^<]*)</a><details[^>]*>)<summary>'
    r'(<span class="toctree-toggle" role="presentation">)'
)
# docutils marks a bibliography entry role="doc-biblioentry", which ARIA 1.3 deprecates: axe-core
# then ignores the role and finds links as direct items of the role="list" (aria-required-children,
# serious).  Each entry becomes a plain list item.
_BIBLIOENTRY = re.compile(r'(<div class="citation" id="[^"]*") role="doc-biblioentry">')


def _fix_written_pages(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for path in Path(app.outdir).rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        fixed = _NAV_TOGGLE.sub(
            lambda m: f'{m[1]}<summary aria-label="sections of {m[2].strip()}">{m[3]}', text
        )
        fixed = _BIBLIOENTRY.sub(r'\1 role="listitem">', fixed)
        if fixed != text:
            path.write_text(fixed, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _copy_assets, priority=100)
    app.connect("html-page-context", _math_for_widget_pages, priority=100)  # before sphinx.ext.mathjax (500)
    app.connect("html-page-context", _localize_cdn_links)
    app.connect("html-page-context", _fix_body_markup)
    app.connect("html-page-context", _light_widget_scripts, priority=900)  # after myst-nb's (500)
    app.connect("html-page-context", _dedupe_scripts, priority=999)  # after everyone who adds scripts
    app.connect("build-finished", _fix_written_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
