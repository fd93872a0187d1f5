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
  anywidgets (the explorers) gets book-js/widgets-light.js (`async`) instead of html-manager's
  3.6 MB embed-amd.js and require.js (LIGHT_MODELS; see that file), without the two
  scripts only html-manager's views need (HTML_MANAGER_ONLY).  book/frozen_widgets.py draws
  ipywidgets widgets at build time, so only a widget it cannot draw would still bring
  embed-amd.js.
* build-finished: Font Awesome's solid web font (fa-solid-900.woff2, 156 kB that gzip cannot
  shrink, fetched by every page for its dozen header icons) gets a subset with only the icons
  the book uses (FA_SUBSET, a few kB); every page declares it, for exactly those code points,
  after the theme's stylesheet, so the browser fetches the subset and never the whole font.  An
  icon outside the subset (a theme update) still comes from the full font.
* html-page-context, late, and build-finished: the math is typeset at build time
  (book/typeset_math.cjs, with the book's pinned MathJax in node), so the reader's browser loads
  no MathJax (263 kB gzipped), and the page does not shift as formulas are typeset one after the
  other (Lighthouse measured a layout shift of 0.17 on chapter 8).  A page that still needs
  html-manager (a widget book/frozen_widgets.py cannot draw) keeps MathJax in the browser, which
  typesets that widget's labels, and its math is left to it.
* html-page-context, late: the scripts in every page's head that wait for the parsed page anyway
  are deferred (DEFER_SAFE), so that they do not block its first paint.
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
from sphinx.util import logging

logger = logging.getLogger(__name__)


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
# A light page has no module loader (require.js and its paths): the light manager, loaded async
# so that the widgets' modules load while the page is parsed, loads anywidget's front end itself
# and lends it the one `define` call it makes.
REQUIRE_ONLY = {"offline/requirejs/require.js", "book-js/require-paths.js"}
# What only html-manager's views need (its MathJax 2 calls, names for its sliders and images):
# a light page leaves them out.
HTML_MANAGER_ONLY = {"book-js/mathjax2-compat.js", "book-js/widget-a11y.js"}


def _script_like(js, filename: str, extra: dict):
    """A page's script entry with another file and more attributes (Sphinx's _JavaScript is
    immutable: a new entry goes in its place)."""
    return type(js)(filename, priority=js.priority, **{**js.attributes, **extra})


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
    if light:
        scripts[:] = [
            js for js in scripts if str(js.filename or "").removeprefix("_static/") not in HTML_MANAGER_ONLY
        ]
    out = []
    for js in scripts:
        name = str(js.filename or "").removeprefix("_static/")  # the builder adds _static/
        if name not in DEFERRED:
            out.append(js)
            continue
        if light and name in REQUIRE_ONLY:
            continue
        if name == WIDGET_MANAGER and light:
            out.append(_script_like(js, f"_static/{LIGHT_MANAGER}", {"async": "async"}))
        else:
            out.append(_script_like(js, f"_static/{name}", {"defer": "defer"}))
    scripts[:] = out  # in place: the builder renders this very list


# The scripts Sphinx and its extensions put in every page's <head> that need nothing but the
# parsed page: each starts its work when the DOM is ready (doctools' _ready, runWhenDOMLoaded,
# DOMContentLoaded), and reads the inline settings written before it (toggleHint*,
# togglebuttonSelector) only then.  Deferred, they no longer block the first paint (Lighthouse
# counted 580 ms of render-blocking scripts on chapter 8); they run in the same order once the
# page is parsed.  documentation_options.js stays as it is: an inline script after it sets
# DOCUMENTATION_OPTIONS.pagename while the page is parsed.
DEFER_SAFE = {
    "doctools.js",
    "sphinx_highlight.js",
    "clipboard.min.js",
    "copybutton.js",
    "scripts/sphinx-book-theme.js",
    "togglebutton.js",
    "design-tabs.js",
    "book-js/math-scroll.js",
}


def _defer_page_scripts(app: Sphinx, pagename: str, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    # The search page runs Sphinx's searchtools.js while it is parsed, and that needs doctools.js.
    if not scripts or pagename == "search":
        return
    for n, js in enumerate(scripts):
        name = str(js.filename or "").removeprefix("_static/")
        if name in DEFER_SAFE and "defer" not in js.attributes and "async" not in js.attributes:
            scripts[n] = _script_like(js, js.filename, {"defer": "defer"})


def _is_mathjax(app: Sphinx, js) -> bool:
    """Sphinx's two MathJax entries: the configuration (window.MathJax = ...) and the loader."""
    name = str(js.filename or "").removeprefix("_static/")
    body = str(js.attributes.get("body", ""))
    return name == app.config.mathjax_path or (not name and body.startswith("window.MathJax"))


def _math_at_build_time(app: Sphinx, pagename: str, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts or not any(_is_mathjax(app, js) for js in scripts):
        return
    names = {str(js.filename or "").removeprefix("_static/") for js in scripts}
    if WIDGET_MANAGER in names:  # html-manager's widgets need MathJax in the browser
        return
    scripts[:] = [js for js in scripts if not _is_mathjax(app, js)]
    app.builder.typeset_pages.add(pagename)


def typeset_config(app: Sphinx) -> dict:
    """What the page would have given MathJax in the browser, less the options of its menu (a
    browser's context menu, which the build does not load)."""
    import copy

    config = copy.deepcopy(app.config.mathjax3_config or {})
    config.get("options", {}).pop("menuOptions", None)
    return config


def typeset_pages(outdir: Path, pages: list[Path], config: dict) -> dict[Path, int]:
    """Typeset the math of each written page in place with book/typeset_math.cjs (one node process
    per page, as many at once as there are cores); return each page's number of formulas.  A TeX
    error, or node or MathJax missing, raises RuntimeError naming the page."""
    import json
    import os
    import shutil
    import subprocess
    import tempfile
    from concurrent.futures import ThreadPoolExecutor

    from copy_assets import NODE_MODULES

    node = shutil.which("node")
    es5 = NODE_MODULES / "mathjax" / "es5"
    if node is None or not (es5 / "startup.js").is_file():
        raise RuntimeError(
            "the book's math is typeset at build time with Node.js and MathJax: install Node.js "
            f"and run `npm ci` (node: {node}, MathJax: {es5})"
        )
    script = Path(__file__).resolve().parent / "typeset_math.cjs"
    fonts = "_static/offline/mathjax/output/chtml/fonts/woff-v2"
    with tempfile.TemporaryDirectory(prefix="typeset-math-") as tmp:

        def one(page: Path) -> tuple[Path, int]:
            rel = page.relative_to(outdir)
            settings = {"mathjax": config, "es5": str(es5), "fontURL": "../" * (len(rel.parts) - 1) + fonts}
            cfg = Path(tmp) / (rel.as_posix().replace("/", "__") + ".json")
            cfg.write_text(json.dumps(settings), encoding="utf-8")
            done = subprocess.run([node, str(script), str(cfg), str(page)], capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"typesetting the math of {page} failed:\n{done.stderr.strip()}")
            return page, json.loads(done.stdout)["formulas"]

        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            return dict(pool.map(one, pages))


def _start_typeset_list(app: Sphinx) -> None:
    app.builder.typeset_pages = set()  # pages whose math book/typeset_math.cjs typesets


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
    outdir = Path(app.outdir)
    static = outdir / "_static"
    written = {path: path.read_text(encoding="utf-8") for path in outdir.rglob("*.html")}
    kept = []
    if (static / FA_SOLID).is_file():
        kept = write_font_subset(static, font_awesome_codepoints(static, list(written.values())))
    for path, text in written.items():
        fixed = _NAV_TOGGLE.sub(
            lambda m: f'{m[1]}<summary aria-label="sections of {m[2].strip()}">{m[3]}', text
        )
        fixed = _BIBLIOENTRY.sub(r'\1 role="listitem">', fixed)
        theme_css = fixed.find("_static/styles/pydata-sphinx-theme.css")
        if kept and theme_css != -1 and "</head>" in fixed:
            depth = len(path.relative_to(outdir).parts) - 1
            fixed = fixed.replace("</head>", _font_face("../" * depth, kept) + "\n</head>", 1)
        if fixed != text:
            path.write_text(fixed, encoding="utf-8")
    pages = [outdir / app.builder.get_target_uri(name) for name in sorted(app.builder.typeset_pages)]
    if pages:
        counts = typeset_pages(outdir, pages, typeset_config(app))
        logger.info(f"bookext: typeset {sum(counts.values())} formulas on {len(pages)} pages at build time")


# ---- Font Awesome: the solid font cut down to the icons the book shows.
FA_SOLID = "vendor/fontawesome/webfonts/fa-solid-900.ttf"
FA_SUBSET = "book-js/fa-solid-subset.woff"
_FA_ICON = re.compile(r'([^{}]+)\{content:"(\\[0-9a-fA-F]{4,5}|[\ue000-\uf8ff])"\}')
_FA_CLASS = re.compile(r"\bfa-[a-z0-9-]+")
_PUA = re.compile(r"[\ue000-\uf8ff]|\\((?:f|e)[0-9a-fA-F]{3})(?![0-9a-fA-F])")


def _codepoint(text: str) -> int:
    return int(text[1:], 16) if text.startswith("\\") else ord(text)


def font_awesome_codepoints(static: Path, pages: list[str]) -> set[int]:
    """The Font Awesome code points the book can show: its pages' fa-* icons and the icons the
    stylesheets draw themselves (admonitions, links, the theme's --pst-icon-* variables).

    static : the built _static/ directory; pages : the text of every written page
    """
    used = {name for text in pages for name in _FA_CLASS.findall(text)}
    theme = (static / "styles" / "pydata-sphinx-theme.css").read_text("utf-8")
    points = set()
    for selectors, content in _FA_ICON.findall(theme):
        names = re.findall(r"\.(fa-[a-z0-9-]+):(?:before|after)", selectors)
        if names and any(n in used for n in names):
            points.add(_codepoint(content))
    # Everything else in the stylesheets that names a private-use code point (icons by CSS).
    for css in static.rglob("*.css"):
        if {"vendor", "offline"} & set(css.relative_to(static).parts):
            continue
        text = css.read_text("utf-8", "replace")
        if css.name == "pydata-sphinx-theme.css":
            text = _FA_ICON.sub("", text)  # its per-icon rules count only when a page uses them
        for m in _PUA.finditer(text):
            points.add(int(m[1], 16) if m[1] else ord(m[0]))
    return points


def write_font_subset(static: Path, points: set[int]) -> list[int]:
    """Write FA_SUBSET, the solid font with only `points` (those it has); return them, sorted."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(static / FA_SOLID)
    kept = sorted(points & set(font.getBestCmap()))
    options = subset.Options()
    options.flavor = "woff"  # zlib; woff2 would need brotli
    options.layout_features = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=kept)
    subsetter.subset(font)
    out = static / FA_SUBSET
    out.parent.mkdir(parents=True, exist_ok=True)
    font.flavor = "woff"
    font.save(out)
    return kept


def _font_face(prefix: str, kept: list[int]) -> str:
    ranges = ",".join(f"U+{cp:X}" for cp in kept)
    return (
        '<style>@font-face{font-family:"Font Awesome 6 Free";font-style:normal;font-weight:900;'
        f'font-display:block;src:url({prefix}_static/{FA_SUBSET}) format("woff");unicode-range:{ranges}}}'
        "</style>"
    )


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _copy_assets, priority=100)
    app.connect("html-page-context", _math_for_widget_pages, priority=100)  # before sphinx.ext.mathjax (500)
    app.connect("html-page-context", _localize_cdn_links)
    app.connect("html-page-context", _fix_body_markup)
    app.connect("html-page-context", _light_widget_scripts, priority=900)  # after myst-nb's (500)
    app.connect("html-page-context", _math_at_build_time, priority=950)  # after sphinx.ext.mathjax's
    app.connect("builder-inited", _start_typeset_list)
    app.connect("html-page-context", _defer_page_scripts, priority=990)
    app.connect("html-page-context", _dedupe_scripts, priority=999)  # after everyone who adds scripts
    app.connect("build-finished", _fix_written_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
