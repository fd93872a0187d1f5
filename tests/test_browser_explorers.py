"""Browser test of the explorers in the built book: sliders moved, readouts equal to the lib's.

Every page of the built HTML (_build/html, from `make book`) that displays an explorer is opened
in headless Chromium with every non-file:// request aborted (the book must work offline).  For
each explorer the test moves the weight slider with the keyboard, picks another weight from the
menu and by clicking an edge, moves an input slider, and ticks a "break it" box.  After every
step it reads back every number on the explorer (data-bpx / data-value attributes) and the
state string, rebuilds the explorer in Python from that string, and compares each number with
the lib's value (backprop.explorers.Explorer.readouts) to 1e-9.  The labels the reader sees use
the lectures' numbering (units from 1: the weight menu's "W₁,₁₁" is selected = [1, 0, 0]), while
the data-bpx keys, menu values and the state string keep numpy's 0-based indices.

Skipped when the book is not built — except under CI=true, where a missing build fails.
BACKPROP_BOOK_HTML=<dir> points the test at another build (e.g. a scratch copy).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from backprop import explorers as E

ROOT = Path(__file__).resolve().parent.parent
BUILD = Path(os.environ.get("BACKPROP_BOOK_HTML", ROOT / "_build" / "html"))
TOUR = "chapters/00_explorers_tour.html"
EXPLORER_ID = "backprop.explorers.Explorer"
TOL = 1e-9
# The check's relative error compares two numbers that agree to ~1e-9 already: it is rounding
# noise (the loss difference divided by 2ε), which differs between numpy's and V8's exp/log.
NOISY = {"check.rel": 1e-6, "check.rel.broken": 1e-6}

pytestmark = pytest.mark.browser

STATE_RE = re.compile(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', re.S)
VIEW_RE = re.compile(r'<script type="application/vnd.jupyter.widget-view\+json">(.*?)</script>', re.S)


def explorer_views(html: str) -> int:
    """How many explorer views a built page displays (models in its saved widget state)."""
    m = STATE_RE.search(html)
    if not m:
        return 0
    state = json.loads(m.group(1))["state"]
    ids = {mid for mid, model in state.items() if model.get("state", {}).get("_anywidget_id") == EXPLORER_ID}
    return sum(json.loads(v).get("model_id") in ids for v in VIEW_RE.findall(html))


def explorer_pages() -> list[Path]:
    if not BUILD.is_dir():
        return []
    return sorted(
        p
        for p in BUILD.rglob("*.html")
        if "_static" not in p.parts and explorer_views(p.read_text("utf-8")) > 0
    )


@pytest.fixture(scope="module")
def pages():
    found = explorer_pages()
    if not (BUILD / TOUR).is_file():
        msg = f"the book is not built with the explorers' tour ({BUILD / TOUR} is missing); run `make book`"
        if os.environ.get("CI") == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    return found


# `browser` is the session fixture of tests/bookpage.py (one Playwright per session: a second
# sync_playwright inside the first one fails).


def open_page(browser, path: Path):
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    problems = []
    page.on(
        "console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))

    def route(r):
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            problems.append(f"request to the network: {r.request.url}")
            r.abort()

    page.route("**/*", route)
    page.goto(path.as_uri())
    return page, problems


READ_JS = """async (root) => {
  // The state string is rewritten shortly after the last change (data-pending until then).
  for (let n = 0; n < 100 && root.querySelector(".bpx-state-text[data-pending]"); n++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  // Panels off screen catch up when scrolled into view (data-stale until then).
  for (const fig of root.querySelectorAll(".bpx-panel[data-stale]")) {
    fig.scrollIntoView();
    for (let n = 0; n < 100 && fig.hasAttribute("data-stale"); n++) {
      await new Promise((r) => requestAnimationFrame(r));
    }
    if (fig.hasAttribute("data-stale")) throw new Error("a panel stayed stale after scrolling to it");
  }
  const out = {};
  for (const e of root.querySelectorAll("[data-bpx]")) {
    out[e.getAttribute("data-bpx")] = Number(e.getAttribute("data-value"));
  }
  const st = root.querySelector(".bpx-state-text");
  const verdict = root.querySelector(".bpx-verdict");
  const pass = verdict ? verdict.getAttribute("data-pass") : null;
  return { values: out, state: st ? st.value : null, pass };
}"""


def read(root):
    return root.evaluate(READ_JS)


SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def lecture_weight(k: int, i: int, j: int) -> str:
    """The label the page shows for net.W[k][i, j]: the lectures' W_{k,ij}, units from 1."""
    return f"W{str(k).translate(SUB)},{str(i + 1).translate(SUB)}{str(j + 1).translate(SUB)}"


def shown_labels(root) -> list[str]:
    """Every label text on the explorer: controls, bar rows, heatmap headers, table cells."""
    return root.evaluate(
        """(root) => [...root.querySelectorAll('.bpx-label, option, .bpx-idx, th, td, .bpx-readouts span')]
             .filter((e) => !e.hasAttribute('data-bpx')).map((e) => e.textContent)"""
    )


def assert_lecture_numbering(root, where: str) -> None:
    """No unit label counts from 0: no 'W₁[0, 0]', 'x[0]', 'ℓ = 0', '₀' after a comma, row '0'."""
    for text in shown_labels(root):
        assert not re.search(r"\[\d|ℓ = 0|,[₀-₉]*₀|m = 0", text), f"{where}: 0-based label {text!r}"
        assert text.strip() != "0", f"{where}: a row or column numbered 0"


def assert_equal_to_lib(shown: dict, where: str) -> int:
    """Rebuild the explorer from the page's state string; compare every number it shows."""
    ex = E.explorer(state=shown["state"])
    lib = ex.readouts()
    compared = 0
    for key, value in shown["values"].items():
        assert key in lib, f"{where}: the page shows {key!r}, which readouts() does not know"
        tol = NOISY.get(key, TOL)
        want = lib[key]
        assert abs(value - want) <= tol * max(1.0, abs(want)), (
            f"{where}: {key} = {value} on the page, lib {want}"
        )
        compared += 1
    assert compared >= 5, f"{where}: only {compared} numbers compared"
    return compared


def test_the_tour_is_built_and_every_explorer_page_is_found(pages):
    assert BUILD / TOUR in pages
    html = (BUILD / TOUR).read_text("utf-8")
    assert explorer_views(html) >= 6, "the tour shows an explorer per component"
    for c in E.COMPONENTS:
        assert f'"{c}"' in html, f"the tour uses the {c} component"


def test_explorers_are_live_offline_and_equal_the_lib(pages, browser):
    total = 0
    for path in pages:
        expected = explorer_views(path.read_text("utf-8"))
        page, problems = open_page(browser, path)
        try:
            page.wait_for_function(f"document.querySelectorAll('.bpx').length >= {expected}", timeout=30_000)
            roots = page.locator(".bpx")
            assert roots.count() == expected
            for n in range(expected):
                total += drive_one(page, roots.nth(n), f"{path.relative_to(BUILD)} explorer {n}")
        finally:
            page.close()
        assert not problems, f"{path.relative_to(BUILD)}: {problems}"
    assert total > 0
    print(f"{total} numbers compared with the lib on {len(pages)} page(s)")


def drive_one(page, root, where: str) -> int:
    compared = 0
    before = read(root)
    assert_lecture_numbering(root, where)
    compared += assert_equal_to_lib(before, f"{where}, as loaded")

    # 1. The weight slider, by keyboard: four steps up, then the values must change.
    slider = root.locator('input[data-bpx-control="weight"]')
    slider.focus()
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    moved = read(root)
    assert moved["state"] != before["state"], f"{where}: the slider did not move the weight"
    k, i, j = E.decode_state(before["state"])["selected"]
    if abs(E.explorer(state=before["state"]).readouts()[f"gW:{k}:{i}:{j}"]) > 1e-12:
        assert moved["values"]["loss"] != before["values"]["loss"], f"{where}: the loss did not respond"
    compared += assert_equal_to_lib(moved, f"{where}, after the slider")

    # 2. Another weight from the menu (keyboard-operable <select>), then the slider again.
    menu = root.locator('select[data-bpx-control="weight-select"]')
    options = menu.locator("option")
    last = options.nth(options.count() - 1).get_attribute("value")
    menu.select_option(last)
    slider.fill("-1.25")
    shown = read(root)
    k, i, j = map(int, last.split(","))
    name = lecture_weight(k, i, j)
    assert options.nth(options.count() - 1).inner_text() == name, f"{where}: menu shows another label"
    assert root.locator(".bpx-controls .bpx-wide .bpx-label").first.inner_text().strip() == f"{name} =", (
        f"{where}: the slider is not labelled {name}"
    )
    assert shown["values"][f"W:{k}:{i}:{j}"] == -1.25, f"{where}: fill did not set {name} = W[{k}][{i}, {j}]"
    compared += assert_equal_to_lib(shown, f"{where}, after {name} = -1.25")

    # 3. Click an edge of the diagram: it selects that weight.
    hits = root.locator(".bpx-net .bpx-hit")
    if hits.count():
        hits.nth(0).dispatch_event("click")
        assert menu.input_value() == "1,0,0", f"{where}: clicking the first edge should select W₁,₁₁"
        assert hits.nth(0).locator("title").text_content() == "W₁,₁₁"

    # 4. An input slider.
    x0 = root.locator('input[data-bpx-control="x:0"]')
    assert root.locator('label:has(input[data-bpx-control="x:0"]) .bpx-label').inner_text() == "x₁"
    x0.fill("1.5")
    shown = read(root)
    assert shown["values"]["x:0"] == 1.5
    compared += assert_equal_to_lib(shown, f"{where}, after x₁ = 1.5")
    assert_lecture_numbering(root, f"{where}, after the moves")

    # 5. "Break it": flipping the sign of the output gradient makes the check fail; unticking restores it.
    flip = root.locator('input[data-break="flip_sign"]')
    if flip.count():
        passed = read(root)["pass"]
        flip.check()
        broken = read(root)
        assert broken["pass"] == "false", f"{where}: the flipped sign still passes"
        assert "check.broken" in broken["values"]
        compared += assert_equal_to_lib(broken, f"{where}, with the sign flipped")
        flip.uncheck()
        assert read(root)["pass"] == passed
    return compared
