"""Accessibility of the built book: axe-core on every page, light and dark, after math and widgets.

Modelled on pydata-sphinx-theme's tests/test_a11y.py.  Each page is opened offline in headless
Chromium (tests/bookpage.py: MathJax has typeset every formula and every widget view is drawn),
the pinned axe-core (node_modules/axe-core, package.json) is injected, and
`axe.run(document, {runOnly: WCAG 2.0/2.1 A and AA})` must report no violation of impact
"serious" or "critical".  A failure lists each rule with its node count and a few targets.
Also: no MathJax formula (mjx-container) is in the keyboard's tab order, except a display
formula too wide for its box, which must be (to be scrolled).

An automated scan finds only part of what makes a page hard to use; passing it is a floor.

The same scan as a table of serious/critical nodes per rule, for any build:
    PYTHONPATH=lib .venv/bin/python tests/test_browser_a11y.py [BOOK_DIR]
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from bookpage import CHROMIUM_ARGS, chromium_path, open_book_page

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
BOOK = Path(os.environ.get("BOOK_DIR", ROOT / "_build" / "html"))
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BAD_IMPACTS = ("serious", "critical")
MODES = ("light", "dark")
# Pages loaded and scanned at the same time (each is its own renderer process).
PARALLEL = int(os.environ.get("A11Y_PARALLEL", max(2, min(4, os.cpu_count() or 2))))

_AXE_RUN_JS = """
async (tags) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({impact: n.impact, target: n.target.map(String), html: n.html,
                              summary: n.failureSummary})),
  }));
}
"""

# Formulas a Tab key stops at: mjx-container with tabindex ≥ 0 (MathJax's menu extension sets
# tabindex="0" on every formula unless its `inTabOrder` setting is false).  The one exception is a
# display formula wider than its box: it scrolls sideways, and book/static/book-js/math-scroll.js
# makes it a tab stop so that the keyboard can scroll it (axe: scrollable-region-focusable).
_MATH_IN_TAB_ORDER_JS = """
() => {
  const stops = Array.from(document.querySelectorAll('mjx-container')).filter(el => el.tabIndex >= 0);
  const scrolls = el => el.matches('div.math mjx-container') && el.scrollWidth > el.clientWidth + 1;
  const needless = stops.filter(el => !scrolls(el)).map(el => el.outerHTML.slice(0, 120));
  return {stops: stops.length, needless};
}
"""


def _is_redirect(path: Path) -> bool:
    return 'http-equiv="Refresh"' in path.read_text(encoding="utf-8", errors="replace")[:2000]


def _pages(book: Path = BOOK) -> list[str]:
    if not book.is_dir():
        return ["<book not built>"]
    return sorted(
        p.relative_to(book).as_posix()
        for p in book.rglob("*.html")
        if not p.relative_to(book).parts[0].startswith("_") and not _is_redirect(p)
    )


def _inject_axe(page) -> None:
    """Add the pinned axe-core to the page (an error, never a skip, if it is not installed)."""
    if not AXE.is_file():
        raise FileNotFoundError(f"{AXE} is missing: run `npm ci` (axe-core is pinned in package.json)")
    page.add_script_tag(path=str(AXE))


def scan(browser, book: Path, items: list[tuple[str, str]], parallel: int = PARALLEL) -> dict:
    """{(rel, mode): {"theme", "math", "bad"}} for every page and colour scheme in `items`.

    Each (page, mode) is a fresh page in its own browser context with that colour scheme.
    `parallel` of them load and run axe at the same time (each page is its own renderer
    process): a scan is started without waiting for it, then the results are collected."""
    results = {}
    for i in range(0, len(items), parallel):
        batch = [
            (rel, mode, open_book_page(browser, book, rel, mode, wait=False))
            for rel, mode in items[i : i + parallel]
        ]
        try:
            for _, _, visit in batch:
                visit.page.wait_for_load_state("load")
                visit.ready()
                _inject_axe(visit.page)
                visit.page.evaluate(
                    "(tags) => { window.__axeResult = null; (" + _AXE_RUN_JS + ")(tags).then("
                    "r => { window.__axeResult = r; }, e => { window.__axeResult = {error: String(e)}; }); }",
                    WCAG_TAGS,
                )
            for rel, mode, visit in batch:
                page = visit.page
                page.wait_for_function("window.__axeResult !== null", timeout=180_000)
                violations = page.evaluate("window.__axeResult")
                if isinstance(violations, dict):
                    raise RuntimeError(f"axe-core failed on {rel} ({mode}): {violations['error']}")
                results[rel, mode] = {
                    "theme": page.evaluate("document.documentElement.dataset.theme"),
                    "math": page.evaluate(_MATH_IN_TAB_ORDER_JS),
                    "bad": serious_nodes(violations),
                }
        finally:
            for _, _, visit in batch:
                visit.page.context.close()
    return results


def serious_nodes(violations: list[dict]) -> dict[str, list[dict]]:
    """rule id -> the nodes whose impact is serious or critical."""
    out: dict[str, list[dict]] = {}
    for v in violations:
        nodes = [n for n in v["nodes"] if (n["impact"] or v["impact"]) in BAD_IMPACTS]
        if nodes:
            out.setdefault(v["id"], []).extend(nodes)
    return out


def describe(bad: dict[str, list[dict]], examples: int = 3) -> str:
    lines = []
    for rule, nodes in sorted(bad.items(), key=lambda kv: -len(kv[1])):
        lines.append(f"{rule}: {len(nodes)} node(s)")
        for n in nodes[:examples]:
            summary = " ".join((n["summary"] or "").split())[:220]
            lines.append(f"    {' '.join(n['target'])}\n      {n['html'][:200]}\n      {summary}")
    return "\n".join(lines)


PAGES = _pages()


@pytest.fixture(scope="module")
def scans(request, browser, book_dir) -> dict:
    """The selected pages and modes (all, unless -k chooses), scanned once, in parallel (`scan`)."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci` (axe-core is pinned in package.json)")
    items = [
        (item.callspec.params["rel"], item.callspec.params["mode"])
        for item in request.session.items
        if getattr(item, "originalname", None) == "test_axe_no_serious_violations"
    ]
    return scan(browser, book_dir, items)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("rel", PAGES)
def test_axe_no_serious_violations(scans, rel, mode):
    result = scans[rel, mode]
    problems = []
    if result["theme"] != mode:
        problems.append(f"colour scheme {mode}, but html[data-theme] is {result['theme']}")
    needless = result["math"]["needless"]
    if needless:
        problems.append(
            f"{len(needless)} formulas (mjx-container) in the tab order, e.g.\n    "
            + "\n    ".join(needless[:3])
        )
    if result["bad"]:
        problems.append(
            "serious/critical axe-core violations (WCAG 2.0/2.1 A, AA):\n" + describe(result["bad"])
        )
    if problems:
        pytest.fail(f"{rel} ({mode}):\n" + "\n".join(problems), pytrace=False)


def _table(book: Path) -> None:
    """Print serious+critical nodes per rule and mode over every page of the book in `book`."""
    from playwright.sync_api import sync_playwright

    counts = {mode: Counter() for mode in MODES}
    tab_stops = Counter()
    pages = _pages(book)
    start = time.perf_counter()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        results = scan(browser, book, [(rel, mode) for rel in pages for mode in MODES])
        browser.close()
    for (rel, mode), result in results.items():
        tab_stops[mode] += result["math"]["stops"]
        tab_stops[f"{mode} needless"] += len(result["math"]["needless"])
        for rule, nodes in result["bad"].items():
            counts[mode][rule] += len(nodes)
            counts[mode][f"{rel}\t{rule}"] += len(nodes)
    rules = sorted({r for c in counts.values() for r in c if "\t" not in r})
    print(f"{len(pages)} pages x {len(MODES)} modes, {time.perf_counter() - start:.0f} s")
    print(f"{'rule':<28}{'light':>8}{'dark':>8}{'total':>8}")
    for rule in rules:
        light, dark = counts["light"][rule], counts["dark"][rule]
        print(f"{rule:<28}{light:>8}{dark:>8}{light + dark:>8}")
    total = {m: sum(v for k, v in counts[m].items() if "\t" not in k) for m in MODES}
    print(f"{'total':<28}{total['light']:>8}{total['dark']:>8}{sum(total.values()):>8}")
    print(f"{'formulas in the tab order':<28}{tab_stops['light']:>8}{tab_stops['dark']:>8}")
    print(f"{'  of which do not scroll':<28}{tab_stops['light needless']:>8}{tab_stops['dark needless']:>8}")
    print("\nper page (light + dark):")
    per_page = Counter()
    for m in MODES:
        for k, v in counts[m].items():
            if "\t" in k:
                per_page[k] += v
    for k, v in sorted(per_page.items()):
        print(f"  {k.replace(chr(9), '  ')}: {v}")


if __name__ == "__main__":
    _table(Path(sys.argv[1]) if len(sys.argv) > 1 else BOOK)
