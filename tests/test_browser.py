"""The built book in headless Chromium, offline: every page, light and dark.

Per page: no console errors, no failed (or blocked non-local) requests, no raw TeX in the visible
text, every math element typeset by MathJax (and none in error), every widget view rendered and
non-empty, every to_jshtml animation present with a frame. A full-page screenshot of each page is
saved under artifacts/screenshots/ (dark mode with the suffix -dark).

Run after the strict build: `make build browser` (or `make test`).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
BOOK = Path(os.environ.get("BOOK_DIR", ROOT / "_build" / "html"))


def _is_redirect(path: Path) -> bool:
    return 'http-equiv="Refresh"' in path.read_text(encoding="utf-8", errors="replace")[:2000]


def _pages() -> list[str]:
    if not BOOK.is_dir():
        return ["<book not built>"]
    return sorted(
        p.relative_to(BOOK).as_posix()
        for p in BOOK.rglob("*.html")
        if not p.relative_to(BOOK).parts[0].startswith("_") and not _is_redirect(p)
    )


PAGES = _pages()


def _check(visit) -> None:
    problems = []
    problems += visit.console_errors
    problems += [f"request failed: {r}" for r in visit.failed_requests]
    problems += [f"raw TeX in text: …{t}…" for t in visit.raw_tex()]
    n_math, untypeset = visit.math_elements(), visit.untypeset_math()
    if untypeset:
        problems.append(f"{untypeset} of {n_math} math elements not typeset by MathJax")
    if n_math and not visit.page.locator("mjx-container").count():
        problems.append("page has math but no mjx-container")
    if visit.page.locator("mjx-merror").count():
        problems.append("MathJax reported an error in some math (mjx-merror), e.g. an unknown macro")
    problems += [f"empty widget area: {w}" for w in visit.empty_widget_areas()]
    _, broken = visit.animations()
    problems += [f"to_jshtml animation not rendered: {a}" for a in broken]
    assert not problems, f"{visit.rel}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("rel", PAGES)
def test_page_light(open_page, rel):
    visit = open_page(rel)
    visit.screenshot()
    _check(visit)


@pytest.mark.parametrize("rel", PAGES)
def test_page_dark(open_page, rel):
    visit = open_page(rel, color_scheme="dark")
    assert visit.page.evaluate("document.documentElement.dataset.theme") == "dark"
    visit.screenshot("-dark")
    _check(visit)


def test_every_toc_file_has_a_page(book_dir):
    """Every chapter listed in _toc.yml was built (only_build_toc_files drops the rest)."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]] + [ch["file"] for part in toc.get("parts", []) for ch in part.get("chapters", [])]
    missing = [f for f in files if not (book_dir / f"{f}.html").is_file()]
    assert not missing


def test_widget_pages_are_covered(book_dir):
    """Guard for the per-page checks: the pipeline's widget chapter embeds widget state."""
    html = (book_dir / "chapters" / "01_feedforward_networks.html").read_text(encoding="utf-8")
    assert "application/vnd.jupyter.widget-state+json" in html
    assert "cdn.jsdelivr" not in html and "unpkg.com/" not in html.replace("unpkg.com/thebe", "")


def test_index_redirects_to_intro(book_dir):
    html = (book_dir / "index.html").read_text(encoding="utf-8")
    assert 'http-equiv="Refresh"' in html and "intro.html" in html


def test_search_finds_a_chapter(open_page):
    """The theme's search works offline (file://): a query lists the chapter that has the word."""
    visit = open_page("search.html")
    visit.page.goto(visit.page.url + "?q=pre-activation")
    results = visit.page.locator("#search-results ul.search li")
    results.first.wait_for(timeout=20_000)
    assert "Feedforward" in results.all_inner_texts()[0]
    assert not visit.console_errors and not visit.failed_requests


def test_dark_mode_switch(open_page):
    """The theme's light/dark button works, and the widget area stays rendered in dark mode."""
    visit = open_page("chapters/01_feedforward_networks.html")
    html = visit.page.locator("html")
    before = html.get_attribute("data-theme")
    visit.page.locator("button.theme-switch-button").first.click()
    assert html.get_attribute("data-theme") != before
    assert not visit.empty_widget_areas()
