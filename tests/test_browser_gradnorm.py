"""The gradient-norm explorer in the built book (pages 8 and 15): live, offline, equal to the lib.

Each control (depth and width sliders, activation and initialisation menus) is moved, by the
keyboard for the sliders; the plotted ‖∇a_k‖ and ‖∇W_k‖ must change and equal
backprop.gradnorm.explorer_norms for the new settings (≤ 1e-9 relative); the SVG has a role and
a name that follows the settings; no console error, no request to the network; at 390 px the
explorer does not scroll sideways.  Light and dark.
"""

from __future__ import annotations

import pytest
from backprop import gradnorm as G
from backprop.initialisation import SCHEMES
from bookpage import open_book_page

pytestmark = pytest.mark.browser

PAGES = ["chapters/08_activation_derivatives.html", "chapters/15_deep_networks.html"]
RTOL = 1e-9

READ_JS = """(root) => {
  const pts = [...root.querySelectorAll('[data-bpg-which]')];
  const get = (which) => Object.fromEntries(pts.filter((p) => p.dataset.bpgWhich === which)
      .map((p) => [Number(p.dataset.bpgK), Number(p.dataset.value)]));
  const val = (name) => root.querySelector(`[data-bpg="${name}"]`).value;
  return { a: get('a'), W: get('W'), depth: Number(val('depth')), width: Number(val('width')),
           g: val('g'), scheme: val('scheme'),
           name: root.querySelector('svg').getAttribute('aria-labelledby').split(' ')
                 .map((id) => document.getElementById(id).textContent).join(' '),
           role: root.querySelector('svg').getAttribute('role') };
}"""


def read(root) -> dict:
    state = root.evaluate(READ_JS)
    for which in ("a", "W"):  # JSON object keys are strings: layer numbers back to ints
        state[which] = {int(k): v for k, v in state[which].items()}
    return state


def assert_equals_lib(state: dict) -> None:
    norms = G.explorer_norms(state["depth"], state["width"], state["g"], state["scheme"])
    L = state["depth"]
    for which, lib in (("a", norms.grad_a), ("W", norms.grad_W)):
        shown = state[which]
        drawn = [k for k in range(1, L + 1) if lib[k] > 0]
        assert sorted(shown) == drawn, f"‖∇{which}_k‖ drawn for layers {sorted(shown)}, lib has {drawn}"
        for k in drawn:
            err = abs(shown[k] - lib[k]) / lib[k]
            assert err <= RTOL, f"{state['g']}/{state['scheme']} L={L}: ‖∇{which}_{k}‖ {shown[k]} vs {lib[k]}"


@pytest.fixture(scope="module", params=PAGES)
def visit(request, browser, book_dir):
    if not (book_dir / request.param).is_file():
        pytest.fail(f"{request.param} is not in the built book")
    v = open_book_page(browser, book_dir, request.param)
    v.page.wait_for_selector(".bpg svg [data-bpg-which]", timeout=30_000)
    yield v
    v.page.context.close()


def test_every_control_changes_the_plot_and_equals_the_lib(visit):
    roots = visit.page.locator(".bpg")
    assert roots.count() == 1
    root = roots.first
    root.scroll_into_view_if_needed()
    state = read(root)
    assert state["role"] == "img" and "Gradient norms per layer" in state["name"]
    assert_equals_lib(state)

    def changed(before, after, what):
        assert after["a"] != before["a"], f"{what} did not change ‖∇a_k‖"
        assert after["name"] != before["name"], f"{what} did not change the plot's name"
        assert_equals_lib(after)

    # sliders by keyboard: focus, one arrow step away from the nearer end, then one step back
    for name in ("depth", "width"):
        slider = root.locator(f'[data-bpg="{name}"]')
        lo, hi = (int(slider.get_attribute(a)) for a in ("min", "max"))
        first = "ArrowLeft" if read(root)[name] > lo else "ArrowRight"
        second = {"ArrowLeft": "ArrowRight", "ArrowRight": "ArrowLeft"}[first]
        for key in (first, second):
            before = read(root)
            slider.focus()
            slider.press(key)
            after = read(root)
            delta = -1 if key == "ArrowLeft" else 1
            assert after[name] == before[name] + delta, (
                f"{key} moved {name} from {before[name]} to {after[name]}"
            )
            assert lo <= after[name] <= hi
            assert root.locator(f'[data-bpg-out="{name}"]').text_content() == str(after[name])
            changed(before, after, f"{name} {key}")
    # the depth slider's ends
    slider = root.locator('[data-bpg="depth"]')
    for value in ("2", str(G.DEPTH_MAX)):
        before = read(root)
        slider.fill(value)
        after = read(root)
        assert after["depth"] == int(value) and len(after["a"]) <= int(value)
        changed(before, after, f"depth = {value}")
    # menus: every option
    for name, options in (("g", G.ACTIVATION_CHOICES), ("scheme", sorted(SCHEMES))):
        menu = root.locator(f'[data-bpg="{name}"]')
        shown = menu.locator("option").evaluate_all("os => os.map((o) => o.value)")
        assert sorted(shown) == sorted(options)
        for option in options:
            before = read(root)
            if before[name] == option:
                continue
            menu.select_option(option)
            after = read(root)
            assert after[name] == option
            changed(before, after, f"{name} = {option}")
    assert not visit.console_errors, visit.console_errors
    assert not visit.failed_requests, visit.failed_requests


def test_every_control_is_labelled(visit):
    unlabelled = visit.page.evaluate(
        """() => [...document.querySelectorAll('.bpg input, .bpg select')]
             .filter((e) => !(e.labels && e.labels.length && e.labels[0].textContent.trim()))
             .map((e) => e.outerHTML.slice(0, 80))"""
    )
    assert not unlabelled


def test_fits_a_phone_in_light_and_dark_mode(browser, book_dir):
    v = open_book_page(browser, book_dir, PAGES[1])
    try:
        page = v.page
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_selector(".bpg svg [data-bpg-which]", timeout=30_000)
        root = page.locator(".bpg").first
        root.scroll_into_view_if_needed()
        for theme in ("light", "dark"):  # the book's theme switch sets html[data-theme]
            page.evaluate(f"document.documentElement.dataset.theme = '{theme}'")
            box = root.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390 + 0.5, box
            wide = page.evaluate(
                """() => [...document.querySelectorAll('.bpg *')]
                     .filter((e) => e.getBoundingClientRect().right
                                    > document.documentElement.clientWidth + 0.5)
                     .map((e) => e.tagName)"""
            )
            assert not wide, f"elements wider than the phone's screen: {wide}"
            smallest = page.evaluate(
                "() => Math.min(...[...document.querySelectorAll('.bpg svg text')]"
                ".map((t) => t.getBoundingClientRect().height))"
            )
            assert smallest >= 10, f"axis labels drawn {smallest:.1f} px high"
            colours = page.evaluate(
                """() => { const r = document.querySelector('.bpg');
                     return [getComputedStyle(r).color, getComputedStyle(r).backgroundColor]; }"""
            )
            if theme == "dark":  # light text on the page's dark background, not on a light slab
                assert colours[0] != "rgb(0, 0, 0)" and colours[1] not in (
                    "rgba(0, 0, 0, 0)",
                    "rgb(255, 255, 255)",
                )
            root.screenshot(path=f"artifacts/screenshots/gradnorm_390_{theme}.png")
        assert not v.console_errors, v.console_errors
    finally:
        v.page.context.close()
