"""The checkpointing explorer of chapter 14 in the built book (offline, headless Chromium).

Every control (depth L, segment length m, width n) is moved, by keyboard and by setting its
value, and what it claims to change is checked: the drawing (cells kept and recomputed,
checkpoint marks, bars) and every readout, which must equal the lib's
(backprop.checkpoint_explorer.CheckpointExplorer.readouts) for the new state.  Also: no console
error or failed request, the SVGs are named images, the arrow keys stay in the explorer, and at
390 px the page does not scroll sideways and every SVG label is drawn at 10 px or more.
One page is opened for all of it (a page costs seconds).
"""

from __future__ import annotations

import pytest
from backprop.checkpoint_explorer import CheckpointExplorer
from bookpage import open_book_page

pytestmark = pytest.mark.browser

PAGE = "chapters/14_cost.html"


def shown(root) -> dict:
    """What the explorer shows: the sliders' values, the readouts, the drawing's counts."""
    return root.evaluate(
        """(root) => {
             const text = (sel) => root.querySelector(sel).textContent.trim();
             const out = {};
             for (const k of ['L', 'm', 'n']) {
               out['slider_' + k] = Number(root.querySelector(`input[data-control=${k}]`).value);
               out['value_' + k] = text(`output[data-value=${k}]`);
             }
             for (const e of root.querySelectorAll('[data-readout]')) {
               out[e.dataset.readout] = e.textContent.trim();
             }
             out.h_cells = root.querySelectorAll('rect[data-cell^=h]').length;
             out.a_cells = root.querySelectorAll('rect[data-cell^=a]').length;
             const all = (sel, f) => [...root.querySelectorAll(sel)].map(f);
             out.cells_kept = all('rect[data-cell].bpck-kept', (e) => e.dataset.cell);
             out.cells_recomputed = all('rect[data-cell].bpck-recomputed', (e) => e.dataset.cell);
             out.marks = all('[data-mark]', (e) => Number(e.dataset.mark));
             out.bars = root.querySelectorAll('rect[data-bar]').length;
             out.current_bar = all('rect[data-bar].bpck-current', (e) => Number(e.dataset.bar));
             out.best_mark = all('[data-best]', (e) => Number(e.dataset.best));
             out.m_max = Number(root.querySelector('input[data-control=m]').max);
             out.names = all('svg[role=img]', (s) => s.querySelector('title').textContent);
             return out;
           }"""
    )


def fmt(v: int) -> str:
    return f"{v:,}"


def assert_equal_to_lib(s: dict) -> None:
    L, m, n = s["slider_L"], s["slider_m"], s["slider_n"]
    assert (s["value_L"], s["value_m"], s["value_n"]) == (str(L), str(m), str(n))
    r = CheckpointExplorer(L=L, m=m, n=n).readouts()
    assert r["m"] == m
    assert s["segments"] == fmt(r["segments"])
    assert s["peak"] == fmt(r["peak"])
    assert s["plain"] == fmt(r["plain"])
    assert s["saving"] == f"{100 * r['peak'] / r['plain']:.1f} %"
    assert s["recomputed"] == f"{r['recomputed']} of {L}"
    assert s["extra"] == fmt(r["extra"])
    assert s["overhead"] == f"{100 * r['extra'] / (r['forward'] + r['backward']):.1f} %"
    assert s["best"] == f"m = {r['best']}"
    # the drawing: L + 1 columns of h, L of a; checkpoints every m layers from 0; layers up to
    # the last checkpoint recomputed (their h too, but for the checkpoints), the rest kept
    last = ((L - 1) // m) * m
    assert s["h_cells"] == L + 1 and s["a_cells"] == L
    assert s["marks"] == list(range(0, L, m))
    want_re = [f"h{k}" for k in range(1, last) if k % m] + [f"a{k}" for k in range(1, last + 1)]
    assert sorted(s["cells_recomputed"]) == sorted(want_re)
    assert len(s["cells_kept"]) + len(s["cells_recomputed"]) == 2 * L + 1
    assert r["recomputed"] == last
    assert s["bars"] == L and s["current_bar"] == [m] and s["m_max"] == L
    assert s["best_mark"] == [r["best"]]
    assert all(name.strip() for name in s["names"]) and len(s["names"]) == 2


@pytest.fixture(scope="module")
def light_page(browser, book_dir):
    # One page for the tests below (opening a page costs seconds); each test starts by setting
    # the chapter's state again.
    visit = open_book_page(browser, book_dir, PAGE, "light")
    visit.initial = shown(visit.page.locator(".bpck").first)  # as the page loaded
    yield visit
    visit.page.context.close()


@pytest.fixture
def explorer(light_page):
    root = light_page.page.locator(".bpck")
    assert root.count() == 1
    root = root.first
    for key, value in (("L", 16), ("m", 4), ("n", 100)):
        root.locator(f"input[data-control={key}]").fill(str(value))
    yield light_page, root
    assert not light_page.console_errors, light_page.console_errors
    assert not light_page.failed_requests, light_page.failed_requests


def test_initial_state_is_the_chapters(light_page):
    s = light_page.initial
    assert (s["slider_L"], s["slider_m"], s["slider_n"]) == (16, 4, 100)
    assert_equal_to_lib(s)


def test_every_control_changes_what_it_claims(explorer):
    visit, root = explorer
    before = shown(root)
    # depth L: the columns, the bars, the marks and every count change
    for L in (30, 7, 1, 48):
        root.locator("input[data-control=L]").fill(str(L))
        s = shown(root)
        assert s["slider_L"] == L and s["h_cells"] == L + 1 and s["bars"] == L
        assert_equal_to_lib(s)
    root.locator("input[data-control=L]").fill("16")
    # segment length m: checkpoints, kept/recomputed cells, the highlighted bar
    for m in (1, 3, 8, 16):
        root.locator("input[data-control=m]").fill(str(m))
        s = shown(root)
        assert s["slider_m"] == m and s["current_bar"] == [m]
        assert s["marks"] == list(range(0, 16, m))
        assert_equal_to_lib(s)
    # width n: every count scales with n, the drawing does not change
    root.locator("input[data-control=m]").fill("4")
    s4 = shown(root)
    root.locator("input[data-control=n]").fill("500")
    s5 = shown(root)
    assert_equal_to_lib(s5)
    assert s5["peak"] == fmt(5 * int(s4["peak"].replace(",", "")))
    assert s5["extra"] == fmt(25 * int(s4["extra"].replace(",", "")))
    assert (s5["cells_kept"], s5["cells_recomputed"], s5["marks"]) == (
        s4["cells_kept"],
        s4["cells_recomputed"],
        s4["marks"],
    )
    assert s4 == before  # back at L = 16, m = 4, n = 100: the first state again
    # a depth below m takes m down with it
    root.locator("input[data-control=m]").fill("12")
    root.locator("input[data-control=L]").fill("5")
    s = shown(root)
    assert s["slider_m"] == 5 and s["m_max"] == 5 and s["recomputed"] == "0 of 5"
    assert_equal_to_lib(s)


def test_keyboard_moves_each_slider_and_keeps_its_keys(explorer):
    visit, root = explorer
    visit.page.evaluate(
        "window.__keys = []; document.addEventListener('keydown', (e) => window.__keys.push(e.key))"
    )
    for key, step in (("L", 1), ("m", 1), ("n", 10)):
        slider = root.locator(f"input[data-control={key}]")
        start = shown(root)["slider_" + key]
        slider.focus()
        visit.page.keyboard.press("ArrowRight")
        visit.page.keyboard.press("ArrowRight")
        visit.page.keyboard.press("ArrowLeft")
        s = shown(root)
        assert s["slider_" + key] == start + step, key
        assert_equal_to_lib(s)
    assert visit.page.evaluate("window.__keys") == []  # the arrows did not reach the page
    # every control is labelled
    labels = root.evaluate(
        "(r) => [...r.querySelectorAll('input')]"
        ".map((i) => r.querySelector(`label[for=${i.id}]`)?.textContent)"
    )
    assert labels and all(labels), labels


def test_phone_width(light_page):
    # (the dark palette's contrast is axe-core's job, tests/test_browser_a11y.py, light and dark)
    page = light_page.page
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        page.wait_for_timeout(200)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        root = page.locator(".bpck").first
        box = root.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        sizes = root.evaluate(
            """(r) => [...r.querySelectorAll('svg text')].map((t) => {
                 const m = t.getScreenCTM();
                 return parseFloat(getComputedStyle(t).fontSize) * (m ? Math.hypot(m.a, m.b) : 1);
               })"""
        )
        assert sizes and min(sizes) >= 10, min(sizes)
        assert not light_page.console_errors, light_page.console_errors
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})
