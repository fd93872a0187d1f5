"""Browser test of chapter 13's graph explorer in the built book (offline, headless Chromium).

Every control is used — the graph menu, Step ▶, ◀ Back, Play/Pause, and the keyboard on the
buttons — and after each use the test reads every node of the drawing (its value, its gradient
and whether that gradient is pending, partial or complete) and the panel (upstream gradient and
the VJP sent to each parent), and compares them with the lib: backprop.autodiff's sweep of the
same graph (backprop.graph_widget.sweep_readout), to 1e-12 for the numbers the page holds and
to the 4 significant digits it shows.  Also: no console error, no request leaving the machine,
no sideways scroll at 390 px, in light and dark mode.
"""

from __future__ import annotations

import pytest
from backprop import graph_widget as gw

pytestmark = pytest.mark.browser

PAGE = "chapters/13_autodiff.html"
TOL = 1e-12
SHOWN = 5e-4  # 4 significant digits

READ_JS = """(root) => {
  const nodes = [...root.querySelectorAll('g.bpg-node')].map((g) => ({
    i: +g.dataset.node, state: g.dataset.state, value: +g.dataset.value,
    grad: g.dataset.grad === undefined ? null : +g.dataset.grad,
    current: g.classList.contains('bpg-current'),
    texts: [...g.querySelectorAll('text')].map((t) => t.textContent),
  }));
  const panel = root.querySelector('.bpg-panel');
  const up = panel.querySelector('.bpg-upstream');
  const rows = [...panel.querySelectorAll('tr[data-parent]')].map((tr) => ({
    parent: +tr.dataset.parent, sent: +tr.dataset.sent, text: tr.lastElementChild.textContent,
  }));
  return {
    step: +panel.dataset.step, current: panel.dataset.current === undefined ? null : +panel.dataset.current,
    upstream: up ? +up.dataset.grad : null, upstreamText: up ? up.textContent : null,
    status: panel.querySelector('.bpg-status').textContent, rows, nodes,
    back: root.querySelector('[data-bpg-control=back]').disabled,
    forward: root.querySelector('[data-bpg-control=forward]').disabled,
    play: root.querySelector('[data-bpg-control=play]').textContent,
    pressed: root.querySelector('[data-bpg-control=play]').getAttribute('aria-pressed'),
    menu: root.querySelector('[data-bpg-control=graph]').value,
  };
}"""


def shown_number(text: str) -> float:
    return float(text.replace("\u2212", "-"))


def close(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol * max(1.0, abs(b))


def expected_state(spec: dict, readout: dict, step: int) -> list[dict]:
    """What each node's ḡ is after `step` steps of the lib's sweep: state and running sum."""
    nodes = spec["nodes"]
    out = [{"state": "pending", "grad": None} for _ in nodes]
    out[-1] = {"state": "partial", "grad": 1.0}
    for s in readout["steps"][:step]:
        out[s["node"]]["state"] = "done"
        for k, j in enumerate(nodes[s["node"]]["parents"]):
            g = out[j]["grad"]
            out[j]["grad"] = s["sent"][k] if g is None else g + s["sent"][k]
            if out[j]["state"] == "pending":
                out[j]["state"] = "partial"
    return out


def assert_equals_lib(shown: dict, spec: dict) -> int:
    """Every number of the drawing and the panel against the lib; returns how many were compared."""
    readout = gw.sweep_readout(spec)
    step = shown["step"]
    assert shown["menu"] == spec["name"]
    assert shown["status"] == f"Step {step} of {len(spec['nodes'])}"
    assert len(shown["nodes"]) == len(spec["nodes"])
    want = expected_state(spec, readout, step)
    compared = 0
    for node in shown["nodes"]:
        i = node["i"]
        assert close(node["value"], readout["values"][i], TOL), (i, node)
        assert close(shown_number(node["texts"][1].removeprefix("v = ")), readout["values"][i], SHOWN)
        assert node["state"] == want[i]["state"], (step, i, node)
        if want[i]["grad"] is None:
            assert node["grad"] is None and node["texts"][2] == "ḡ = ?"
        else:
            assert close(node["grad"], want[i]["grad"], TOL), (step, i)
            if node["state"] == "done":
                assert close(shown_number(node["texts"][2].removeprefix("ḡ = ")), want[i]["grad"], SHOWN)
            compared += 1
        compared += 1
    if step == 0:
        assert shown["current"] is None and not shown["rows"]
        assert not any(n["current"] for n in shown["nodes"])
        return compared
    lib_step = readout["steps"][step - 1]
    assert shown["current"] == lib_step["node"] == readout["order"][step - 1]
    assert [n["i"] for n in shown["nodes"] if n["current"]] == [lib_step["node"]]
    assert close(shown["upstream"], lib_step["grad"], TOL)
    parents = spec["nodes"][lib_step["node"]]["parents"]
    assert [r["parent"] for r in shown["rows"]] == parents
    for r, sent in zip(shown["rows"], lib_step["sent"], strict=True):
        assert close(r["sent"], sent, TOL)
        assert close(shown_number(r["text"].rsplit("= ", 1)[1]), sent, SHOWN)
        compared += 1
    return compared + 1


@pytest.fixture
def explorer(open_page):
    def _open(color_scheme="light"):
        visit = open_page(PAGE, color_scheme)
        visit.page.wait_for_selector(".bpg g.bpg-node")
        root = visit.page.locator(".bpg").first
        root.scroll_into_view_if_needed()
        return visit, root

    return _open


def specs() -> dict:
    return {s["name"]: s for s in gw.examples()}


def test_every_control_moves_the_sweep_and_every_number_is_the_libs(explorer):
    visit, root = explorer()
    page, graphs = visit.page, specs()
    read = lambda: root.evaluate(READ_JS)  # noqa: E731
    control = lambda name: root.locator(f"[data-bpg-control={name}]")  # noqa: E731

    shown = read()
    assert shown["step"] == 0 and shown["back"] and not shown["forward"]
    compared = assert_equals_lib(shown, graphs["deep_thin"])

    # Step ▶ through the whole sweep: one node further each time, every number the lib's.
    n = len(graphs["deep_thin"]["nodes"])
    for step in range(1, n + 1):
        control("forward").click()
        shown = read()
        assert shown["step"] == step
        compared += assert_equals_lib(shown, graphs["deep_thin"])
    assert shown["forward"] and not shown["back"]
    assert all(node["state"] == "done" for node in shown["nodes"])

    # ◀ Back: one node back, the visited node's gradient is partial or pending again.
    control("back").click()
    back = read()
    assert back["step"] == n - 1 and back["current"] != shown["current"]
    compared += assert_equals_lib(back, graphs["deep_thin"])
    last = shown["current"]
    assert next(node for node in back["nodes"] if node["i"] == last)["state"] != "done"

    # The keyboard: Enter and Space on the focused buttons.
    control("back").focus()
    page.keyboard.press("Enter")
    assert read()["step"] == n - 2
    control("forward").focus()
    page.keyboard.press(" ")
    assert read()["step"] == n - 1
    compared += assert_equals_lib(read(), graphs["deep_thin"])

    # The menu: another graph, back to step 0, its own numbers.
    control("graph").select_option("shared_weight")
    shown = read()
    assert shown["step"] == 0 and len(shown["nodes"]) == len(graphs["shared_weight"]["nodes"])
    compared += assert_equals_lib(shown, graphs["shared_weight"])
    control("graph").focus()
    page.keyboard.press("ArrowUp")  # the keyboard moves the menu too
    assert read()["menu"] == "deep_thin" and read()["step"] == 0
    control("graph").select_option("shared_weight")

    # Play: the sweep advances by itself; Pause stops it.
    control("play").click()
    assert read()["play"] == "Pause" and read()["pressed"] == "true"
    page.wait_for_function(
        "(root) => +root.querySelector('.bpg-panel').dataset.step >= 2",
        arg=root.element_handle(),
        timeout=5000,
    )
    control("play").click()
    paused = read()
    assert paused["play"] == "Play" and paused["pressed"] == "false" and paused["step"] >= 2
    page.wait_for_timeout(1000)  # longer than Play's 700 ms per step
    assert read()["step"] == paused["step"]
    compared += assert_equals_lib(read(), graphs["shared_weight"])

    # Play to the end (from one step before it): it stops there by itself, and the shared
    # weight w has received both shares and is complete.
    for _ in range(len(graphs["shared_weight"]["nodes"]) - 1 - paused["step"]):
        control("forward").click()
    control("play").click()
    page.wait_for_function(
        "(root) => root.querySelector('[data-bpg-control=play]').textContent === 'Play'",
        arg=root.element_handle(),
        timeout=15000,
    )
    end = read()
    assert end["step"] == len(graphs["shared_weight"]["nodes"])
    compared += assert_equals_lib(end, graphs["shared_weight"])
    readout = gw.sweep_readout(graphs["shared_weight"])
    w = next(i for i, node in enumerate(graphs["shared_weight"]["nodes"]) if node["label"] == "w")
    assert close(next(node for node in end["nodes"] if node["i"] == w)["grad"], readout["grads"][w], TOL)

    assert compared > 150

    # a phone, light mode (dark mode: the next test): no sideways scroll
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(200)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert root.bounding_box()["x"] + root.bounding_box()["width"] <= 390
    assert not visit.console_errors, visit.console_errors
    assert not visit.failed_requests, visit.failed_requests


def test_the_explorer_is_labelled_and_fits_a_phone_in_dark_mode(explorer):
    visit, root = explorer("dark")
    page = visit.page
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = root.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    svg = root.locator("svg.bpg-svg")
    assert svg.get_attribute("role") == "img"
    title_id = svg.get_attribute("aria-labelledby")
    assert "computational graph" in root.locator(f"[id='{title_id}']").text_content()
    assert root.get_by_role("combobox", name="Graph").count() == 1  # the menu's <label>
    for name in ("back", "forward"):
        assert root.locator(f"[data-bpg-control={name}]").get_attribute("aria-label").startswith("Step")
    assert root.locator(".bpg-panel").get_attribute("aria-live") == "polite"
    # labels stay readable at 390 px: every text of the drawing at ≥ 10 px on screen
    sizes = root.evaluate(
        """(root) => [...root.querySelectorAll('svg text')].map((t) =>
             parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)"""
    )
    assert sizes and min(sizes) >= 10, min(sizes)
    assert not visit.console_errors, visit.console_errors
