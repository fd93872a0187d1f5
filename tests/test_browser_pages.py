"""Light pages: what the built book's pages load, and how they fit a phone.

* The explorers' JavaScript module travels once per page (in the ExplorerLibrary widget's saved
  state), however many explorers the page shows; every explorer's own module is the stub.
* No page loads Font Awesome's 1.5 MB JavaScript, and the theme's header icons still show (drawn
  by its CSS and web font, a subset of the icons the book uses).
* No script blocks the first paint but documentation_options.js (the others are deferred; the
  light widget manager is async, and pages with explorers load no require.js), and no page loads
  html-manager's embed-amd.js: ipywidgets widgets are drawn at build time as static HTML
  (book/frozen_widgets.py), so what is left for a widget manager is anywidgets, drawn by
  book-js/widgets-light.js.
  (tests/test_browser_explorers.py drives every explorer of every page: they stay live.)
* The math is typeset at build time (book/typeset_math.cjs): no page loads MathJax, and with
  JavaScript off every formula of every page is already drawn, with its MathML for screen readers.
* Every page, with everything it loads while it renders, is at most 1.0 MB gzipped (the bytes of
  the built files Chromium requests, gzipped as a web server would send them).
* At 390 × 844 (a phone) no page scrolls sideways, and the explorers' SVG labels are drawn at
  10 px or more.  Screenshots: artifacts/screenshots/phone/.

Run after the strict build: `make build browser`.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from backprop import explorers as E
from bookpage import LOCAL_SCHEMES, SCREENSHOTS

pytestmark = pytest.mark.browser

# The seam esm_source() writes between backprop_math.js and explorer_view.js: once per module.
MODULE_MARKER = "---- explorer_view.js ----"
STATE_RE = re.compile(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', re.S)
SCRIPT_RE = re.compile(r"<script\b[^>]*>", re.S)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
WIDGET_VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]'
HEADER_ICONS = '.bd-header-article [class*="fa-"], .header-article-items [class*="fa-"]'
MIN_LABEL_PX = 10
MAX_PAGE_GZIP = 1_000_000  # bytes, everything a page loads, gzipped (-6, as a web server sends)


def saved_models(html: str) -> dict:
    m = STATE_RE.search(html)
    return json.loads(m.group(1))["state"] if m else {}


def explorer_models(models: dict) -> list[dict]:
    return [m for m in models.values() if m["state"].get("_anywidget_id") == "backprop.explorers.Explorer"]


def test_the_marker_is_in_the_module_once():
    assert E.esm_source().count(MODULE_MARKER) == 1
    assert MODULE_MARKER not in E.STUB_ESM


def test_every_page_holds_the_explorer_module_at_most_once(book_dir, book_pages):
    with_explorers = 0
    for rel in book_pages:
        html = (book_dir / rel).read_text("utf-8")
        copies = html.count(MODULE_MARKER)
        assert copies <= 1, f"{rel} holds the explorers' module {copies} times"
        explorers = explorer_models(saved_models(html))
        if explorers:
            with_explorers += 1
            assert copies == 1, f"{rel} shows explorers but holds no copy of their module"
            assert all(m["state"]["_esm"] == E.STUB_ESM for m in explorers), rel
            refs = {m["state"]["_library"] for m in explorers}
            assert len(refs) == 1, f"{rel}: explorers refer to several library widgets {refs}"
            library = saved_models(html)[refs.pop().removeprefix("anywidget:")]
            assert library["state"]["_esm"] == E.esm_source(), f"{rel}: the library widget's module"
    assert with_explorers >= 2, "the built book should have several pages with explorers"


def _script_tags(html: str) -> list[str]:
    return SCRIPT_RE.findall(html)


def test_widget_scripts_are_deferred_and_no_page_needs_html_manager(book_dir, book_pages):
    light = 0
    for rel in book_pages:
        html = (book_dir / rel).read_text("utf-8")
        tags = _script_tags(html)
        assert not [t for t in tags if "fontawesome.js" in t], f"{rel} loads Font Awesome's JavaScript"
        assert not [t for t in tags if "embed-amd.js" in t], f"{rel} loads html-manager's embed-amd.js"
        models = saved_models(html)
        # Every model left in the page's state is an anywidget's (or a layout it refers to): an
        # ipywidgets control left there would be drawn by nobody.
        kinds = {(m["model_module"], m["model_name"]) for m in models.values()}
        others = {k for k in kinds if k[0] != "anywidget" and k[1] != "LayoutModel"}
        assert not others, f"{rel}: widget models that only html-manager draws: {others}"
        managers = [t for t in tags if "widgets-light.js" in t]
        if not models:
            assert not managers and not [t for t in tags if "require.js" in t], (
                f"{rel}: widget scripts, no widget"
            )
            assert 'type="application/vnd.jupyter.widget-view+json"' not in html, (
                f"{rel}: a view without state"
            )
            continue
        light += 1
        assert len(managers) == 1, f"{rel}: one widget manager, got {managers}"
        # The light manager runs while the page is parsed (async) and needs no module loader.
        assert "async" in managers[0], f"{rel}: the light widget manager blocks the first paint: {managers}"
        loaders = [t for t in tags if "require.js" in t or "require-paths.js" in t]
        assert not loaders, f"{rel}: a module loader on a light page: {loaders}"
        blocking = [
            t for t in tags if "src=" in t and "/_static/" in t and not ("defer" in t or "async" in t)
        ]
        assert [t for t in blocking if "documentation_options.js" not in t] == [], (
            f"{rel}: scripts that block the first paint: {blocking}"
        )
    assert light >= 2, f"expected several pages with explorers, got {light}"


# Sphinx's math elements, and what each holds once typeset: MathJax's output with its MathML.
MATH_RE = re.compile(r'<(span|div) class="math notranslate nohighlight">(.*?)</\1>', re.S)
TYPESET_RE = re.compile(r"^\s*<mjx-container [^>]*>.*<mjx-assistive-mml [^>]*><math ", re.S)
# Pages opened with JavaScript off to see their formulas drawn: one per kind of page with math.
NO_JS_PAGES = ["chapters/10_formal_derivation.html", "chapters/08_activation_derivatives.html", "intro.html"]


def test_math_is_typeset_at_build_time_and_no_page_loads_mathjax(browser, book_dir, book_pages):
    """Every page's math elements, as written, already hold MathJax's output and its MathML, and
    no page loads MathJax; with JavaScript off, pages show their formulas drawn by the page's own
    stylesheet of MathJax's glyphs."""
    counted, failures = 0, []
    for rel in book_pages:
        html = (book_dir / rel).read_text("utf-8")
        loaders = [t for t in _script_tags(html) if "mathjax" in t.lower()]
        if loaders or "window.MathJax" in html:
            failures.append(f"{rel} loads MathJax in the browser: {loaders}")
        math = MATH_RE.findall(html)
        bare = [inner[:60] for _, inner in math if not TYPESET_RE.match(inner)]
        counted += len(math)
        if bare:
            failures.append(f"{rel}: {len(bare)} of {len(math)} formulas not typeset, e.g. {bare[:2]}")
        if math and '<style id="MJX-CHTML-styles">' not in html:
            failures.append(f"{rel}: formulas without MathJax's stylesheet")
    assert counted > 1000, f"only {counted} math elements in the whole book: the test would pass vacuously"
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(LOCAL_SCHEMES) else r.abort())
    try:
        for rel in NO_JS_PAGES:
            page = context.new_page()
            page.goto((book_dir / rel).as_uri(), wait_until="load")
            got = page.evaluate(
                """() => {
                  const math = Array.from(document.querySelectorAll('span.math, div.math'));
                  // the glyphs of the formulas on view (not in a folded solution)
                  const glyphs = Array.from(document.querySelectorAll('mjx-c'))
                    .filter((g) => g.closest('mjx-container').getClientRects().length).slice(0, 200);
                  const styled = glyphs.filter((g) => {
                    const c = getComputedStyle(g, '::before').content;
                    return c && c !== 'none' && c !== 'normal';
                  });
                  const wide = glyphs.filter((g) => g.getBoundingClientRect().width > 0);
                  return {math: math.length, glyphs: glyphs.length, styled: styled.length, wide: wide.length,
                          bare: math.filter((m) => !m.querySelector('mjx-container')).length};
                }"""
            )
            page.close()
            drawn = got["styled"] == got["glyphs"] >= 100 and got["wide"] > 0.9 * got["glyphs"]
            if not got["math"] or got["bare"] or not drawn:
                failures.append(f"{rel} without JavaScript: {got}")
    finally:
        context.close()
    assert not failures, "\n".join(failures)


def _file_of(url: str) -> Path | None:
    parts = urlsplit(url)
    path = Path(unquote(parts.path)) if parts.scheme == "file" else None
    return path if path and path.is_file() else None


def _open(browser, book_dir, rel: str, viewport: dict, problems: list, urls: list | None = None):
    context = browser.new_context(viewport=viewport, service_workers="block")
    page = context.new_page()

    def route(r):
        if r.request.url.startswith(LOCAL_SCHEMES):
            if urls is not None:
                urls.append(r.request.url)
            r.continue_()
        else:
            problems.append(f"blocked (not a local file): {r.request.url}")
            r.abort()

    context.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"uncaught: {e}"))
    page.goto((book_dir / rel).as_uri(), wait_until="load")
    return context, page


WAIT_WIDGETS_JS = """(sel) => Array.from(document.querySelectorAll(sel)).every((s) => {
  const area = s.previousElementSibling;
  return area && area.classList.contains('widget-subarea') && area.innerText.trim().length > 0;
})"""

# Rendered size of every explorer SVG label: its font size times the SVG's scale on screen.
LABELS_JS = """() => Array.from(document.querySelectorAll('.bpx svg text')).flatMap((t) => {
  if (!t.textContent.trim() || !t.getClientRects().length) return [];
  const m = t.getScreenCTM();
  const px = parseFloat(getComputedStyle(t).fontSize) * (m ? Math.hypot(m.a, m.b) : 1);
  return [[t.ownerSVGElement.getAttribute('class') || 'svg', t.textContent.trim().slice(0, 12), px]];
})"""


def test_header_icons_show_without_font_awesome_js(browser, book_dir):
    problems: list[str] = []
    urls: list[str] = []
    context, page = _open(browser, book_dir, "chapters/06_hidden_units.html", DESKTOP, problems, urls)
    try:
        page.wait_for_function("() => document.fonts.status === 'loaded'", timeout=20_000)
        icons = page.evaluate(
            """(sel) => Array.from(document.querySelectorAll(sel))
                .filter((i) => i.getClientRects().length)
                .map((i) => {
                  const before = getComputedStyle(i, '::before');
                  return {cls: i.className, content: before.content, font: before.fontFamily,
                          width: i.getBoundingClientRect().width, svg: !!i.querySelector('svg')};
                })""",
            HEADER_ICONS,
        )
        loaded = page.evaluate(
            """() => Array.from(document.fonts)
                .filter((f) => /Font Awesome/.test(f.family) && f.status === 'loaded').length"""
        )
    finally:
        context.close()
    assert len(icons) >= 3, f"the article header should show several icons, found {icons}"
    for icon in icons:
        assert icon["content"] not in ("none", "normal", '""'), f"icon without a glyph: {icon}"
        assert "Font Awesome" in icon["font"] and icon["width"] > 0, f"icon not drawn by the web font: {icon}"
    assert loaded >= 1, "no Font Awesome web font loaded"
    # The font is book/bookext.py's subset of the icons the book uses, not the whole 156 kB font.
    fonts = [u.rsplit("/", 1)[-1] for u in urls if "fa-solid" in u]
    assert fonts == ["fa-solid-subset.woff"], f"Font Awesome's solid font files fetched: {fonts}"
    assert not problems, problems


@pytest.fixture(scope="module")
def phone_visits(browser, book_dir, book_pages) -> dict[str, dict]:
    """Every page opened once at 390 × 844, its widgets drawn: what it requested, its width, its
    explorer labels and its problems (console errors, non-local requests).  Screenshots go to
    artifacts/screenshots/phone/."""
    out = SCREENSHOTS / "phone"
    out.mkdir(parents=True, exist_ok=True)
    visits = {}
    for rel in book_pages:
        problems: list[str] = []
        urls: list[str] = []
        context, page = _open(browser, book_dir, rel, PHONE, problems, urls)
        try:
            if page.locator(WIDGET_VIEW).count():
                page.wait_for_function(WAIT_WIDGETS_JS, arg=WIDGET_VIEW, timeout=20_000)
            page.wait_for_function("() => document.fonts.status === 'loaded'", timeout=20_000)
            page.wait_for_timeout(300)  # late requests: MathJax's fonts
            width = page.evaluate("document.documentElement.scrollWidth")
            labels = page.evaluate(LABELS_JS)
            page.screenshot(path=str(out / (rel.replace("/", "__").removesuffix(".html") + ".png")))
        finally:
            context.close()
        visits[rel] = {"urls": urls, "width": width, "labels": labels, "problems": problems}
    return visits


def test_every_page_loads_at_most_1_mb_gzipped(phone_visits):
    """The transfer of each page: the built files it requests (HTML, CSS, JS, fonts, images) while
    it loads and draws its widgets, each gzipped; as benchmarks/bench_pages.py counts it."""
    sizes: dict[Path, int] = {}
    weights, failures = {}, []
    for rel, visit in phone_visits.items():
        files = {f for f in map(_file_of, visit["urls"]) if f is not None}
        for f in files - sizes.keys():
            sizes[f] = len(gzip.compress(f.read_bytes(), compresslevel=6))
        weights[rel] = sum(sizes[f] for f in files)
        if weights[rel] > MAX_PAGE_GZIP:
            top = [(f.name, sizes[f]) for f in sorted(files, key=sizes.get, reverse=True)[:3]]
            failures.append(f"{rel}: {weights[rel] / 1e3:.0f} kB gzipped; largest {top}")
    assert min(weights.values()) > 100_000, f"too little counted: {weights}"  # the theme alone is more
    assert not failures, "\n".join(failures)


def test_no_page_scrolls_sideways_on_a_phone_and_labels_stay_readable(phone_visits):
    failures, labelled = [], 0
    for rel, visit in phone_visits.items():
        width, labels = visit["width"], visit["labels"]
        if width > PHONE["width"]:
            failures.append(f"{rel}: the page is {width} px wide at {PHONE['width']} px")
        small = [lab for lab in labels if lab[2] < MIN_LABEL_PX]
        if small:
            failures.append(f"{rel}: {len(small)} explorer labels under {MIN_LABEL_PX} px, e.g. {small[:3]}")
        labelled += bool(labels)
        failures += [f"{rel}: {p}" for p in visit["problems"]]
    assert labelled >= 2, "no explorer labels measured: the test would pass vacuously"
    assert not failures, "\n".join(failures)
