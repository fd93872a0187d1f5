"""Open pages of the built HTML book in headless Chromium, offline, and inspect them.

The pytest fixtures at the bottom (`book_dir`, `book_pages`, `browser`, `open_page`) are
re-exported by tests/conftest.py, so any test can use them, e.g. to drive an explorer's sliders:

    def test_slider(open_page):
        visit = open_page("chapters/06_hidden_units.html")   # offline, math typeset, widgets drawn
        visit.page.locator("input[type=range]").first.fill("0.5")
        assert not visit.console_errors and not visit.failed_requests

Every request that is not a local file (file:, data:, blob:) is aborted and recorded, so a page
that needs the network fails its test. Chromium is Debian's (/usr/bin/chromium), never a browser
downloaded by Playwright.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "artifacts" / "screenshots"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")

WIDGET_VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]'

# Visible text outside code: text nodes not inside code, scripts, or MathJax's own output.
_VISIBLE_PROSE_JS = """
() => {
  const skip = 'pre, code, script, style, textarea, mjx-container, mjx-assistive-mml, .highlight';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest(skip)) continue;
    if (!node.textContent.trim()) continue;
    if (!el.getClientRects().length) continue;  // hidden
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    parts.push(node.textContent);
  }
  return parts.join(' ');
}
"""

# Raw TeX: a backslash command, \( or \[, or any $ left in prose (this book has no prices:
# a $ outside code is math that MyST did not parse, e.g. $$ inside a list item's paragraph).
RAW_TEX = re.compile(r"\\[A-Za-z]+|\\\(|\\\[|\$")


def chromium_path() -> str | None:
    """The Chromium binary: $CHROMIUM, else `chromium` on PATH."""
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class BookPage:
    """One opened page and everything it reported."""

    rel: str
    page: object  # playwright.sync_api.Page
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    # --- waiting --------------------------------------------------------------------------------

    def settle_math(self, rounds: int = 3) -> None:
        """Wait until MathJax 3 (if on the page) has finished every queued typeset."""
        for _ in range(rounds):
            self.page.evaluate(
                """async () => {
                    const mj = window.MathJax;
                    if (mj && mj.startup && mj.startup.promise) await mj.startup.promise;
                }"""
            )
            self.page.wait_for_timeout(100)

    def wait_for_widgets(self, timeout_ms: float = 20_000) -> None:
        """Wait until every embedded widget view has been rendered by the widget manager."""
        if not self.widget_view_count():
            return
        self.page.wait_for_function(
            """(sel) => Array.from(document.querySelectorAll(sel)).every(s => {
                   const area = s.previousElementSibling;
                   return area && area.classList.contains('widget-subarea') && area.children.length > 0;
               })""",
            arg=WIDGET_VIEW,
            timeout=timeout_ms,
        )

    def ready(self) -> BookPage:
        self.settle_math(1)
        self.wait_for_widgets()
        self.settle_math()
        return self

    # --- reading --------------------------------------------------------------------------------

    def visible_prose(self) -> str:
        return self.page.evaluate(_VISIBLE_PROSE_JS)

    def raw_tex(self) -> list[str]:
        """Raw TeX fragments left in the visible prose (should be [])."""
        text = self.visible_prose()
        return [text[max(0, m.start() - 30) : m.end() + 30] for m in RAW_TEX.finditer(text)]

    def math_elements(self) -> int:
        """How many math elements Sphinx wrote (inline and display)."""
        return self.page.locator("span.math, div.math").count()

    def untypeset_math(self) -> int:
        """Math elements without a typeset mjx-container inside."""
        return self.page.evaluate(
            """() => Array.from(document.querySelectorAll('span.math, div.math'))
                   .filter(el => !el.querySelector('mjx-container')).length"""
        )

    def widget_view_count(self) -> int:
        return self.page.locator(WIDGET_VIEW).count()

    def empty_widget_areas(self) -> list[str]:
        """Widget views that rendered nothing visible (should be [])."""
        return self.page.evaluate(
            """(sel) => Array.from(document.querySelectorAll(sel)).flatMap((s, i) => {
                   const area = s.previousElementSibling;
                   const ok = area && area.classList.contains('widget-subarea')
                       && area.getBoundingClientRect().height > 0 && area.innerText.trim().length > 0;
                   return ok ? [] : [`widget view #${i}`];
               })""",
            WIDGET_VIEW,
        )

    def animations(self) -> tuple[int, list[str]]:
        """(number of to_jshtml animations in the HTML, the ones whose frame did not render)."""
        return self.page.evaluate(
            """() => {
                const html = document.documentElement.innerHTML;
                const expected = (html.match(/new Animation\\(/g) || []).length;
                const broken = [];
                document.querySelectorAll('div.animation').forEach((div, i) => {
                    const img = div.querySelector('img[id^="_anim_img"]');
                    if (!img || !img.complete || img.naturalWidth === 0) broken.push(`animation #${i}`);
                });
                const found = document.querySelectorAll('div.animation').length;
                for (let i = found; i < expected; i++) broken.push(`animation #${i} (missing)`);
                return [expected, broken];
            }"""
        )

    def screenshot(self, suffix: str = "") -> Path:
        """The whole page as a PNG in artifacts/screenshots/; under CI=true, where nobody looks at
        them, its first screen only (a long chapter's full-page picture takes ~3 s to capture)."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = self.rel.replace("/", "__").removesuffix(".html") + suffix + ".png"
        path = SCREENSHOTS / name
        self.page.screenshot(path=str(path), full_page=os.environ.get("CI", "").lower() != "true")
        return path


def open_book_page(
    browser, book_dir: Path, rel: str, color_scheme: str = "light", wait: bool = True
) -> BookPage:
    """Open `rel` (e.g. "chapters/01_feedforward_networks.html") offline; return it, ready.

    With wait=False it returns as soon as navigation starts, so that several pages can load at
    once; then call `visit.page.wait_for_load_state("load")` and `visit.ready()` on each."""
    context = browser.new_context(
        color_scheme=color_scheme, viewport={"width": 1280, "height": 900}, service_workers="block"
    )
    page = context.new_page()
    visit = BookPage(rel, page)

    def route(r):
        url = r.request.url
        if url.startswith(LOCAL_SCHEMES):
            r.continue_()
        else:
            visit.failed_requests.append(f"blocked (not a local file): {url}")
            r.abort()

    context.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and visit.console_errors.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: visit.console_errors.append(f"uncaught: {e}"))
    page.on(
        "requestfailed",
        lambda r: r.url.startswith(LOCAL_SCHEMES) and visit.failed_requests.append(f"{r.url}: {r.failure}"),
    )
    page.goto((book_dir / rel).as_uri(), wait_until="load" if wait else "commit")
    return visit.ready() if wait else visit


# --- pytest fixtures (re-exported by tests/conftest.py) ------------------------------------------


@pytest.fixture(scope="session")
def book_dir() -> Path:
    """The built HTML book ($BOOK_DIR, default _build/html)."""
    path = Path(os.environ.get("BOOK_DIR", ROOT / "_build" / "html"))
    if not (path / "intro.html").is_file():
        pytest.fail(f"no built book in {path}: run `make build` first")
    return path


@pytest.fixture(scope="session")
def book_pages(book_dir: Path) -> list[str]:
    """Every HTML page of the built book, relative to book_dir."""
    return sorted(
        p.relative_to(book_dir).as_posix()
        for p in book_dir.rglob("*.html")
        if not p.relative_to(book_dir).parts[0].startswith("_")
    )


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, driven by Playwright (never a downloaded browser)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    exe = chromium_path()
    if exe is None:
        pytest.fail("Chromium not found: `make chromium` installs it (apt-get install chromium)")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, book_dir):
    """open_page(rel, color_scheme="light") -> BookPage: the page loaded offline, math typeset,
    widgets rendered; its console errors and failed requests are collected."""
    opened = []

    def _open(rel: str, color_scheme: str = "light"):
        visit = open_book_page(browser, book_dir, rel, color_scheme)
        opened.append(visit)
        return visit

    yield _open
    for visit in opened:
        visit.page.context.close()
