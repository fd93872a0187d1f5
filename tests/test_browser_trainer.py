"""The in-page trainer in the built HTML book, offline, with no kernel (headless Chromium).

On every page with a trainer: every control (method, η, M, epochs, activation, width, and the
train / one epoch / reset buttons) changes what the trainer shows, and after each change one
epoch gives the lib's loss for the new settings (bp.train.train, through
backprop.trainer_widget.run_state, on the state the page holds); training to the end reaches
the lib's final loss to 1e-9; a focused slider moves with the arrow keys; no console error, no
request off the machine.  And chapters 1, 3 and 9 hold no ipywidgets models any more, so the
light widget manager serves them.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
from backprop.trainer_widget import STATE_KEYS, run_state

pytestmark = pytest.mark.browser

TRAINER_PAGES = ("chapters/03_gradient_descent.html", "chapters/09_full_algorithm.html")
LIVE_PAGES = ("chapters/01_feedforward_networks.html", *TRAINER_PAGES)
TOL = 1e-9

# What a trainer shows: its readout, its loss (full precision) and its three canvases' pixels.
SHOWN_JS = """(i) => {
  const root = document.querySelectorAll(".bpt")[i];
  const canvases = [...root.querySelectorAll("canvas")].map((c) => c.toDataURL());
  return { readout: root.querySelector(".bpt-readout").textContent, loss: root.dataset.loss,
           epoch: root.dataset.epoch, state: root.dataset.state, canvases };
}"""

STATE_JS = """([i, keys]) => {
  const model = document.querySelectorAll(".bpt")[i].parentElement.__bpt.model;
  return Object.fromEntries(keys.map((k) => [k, model.get(k)]));
}"""


def lib_loss(page, i: int, epochs: int | None = None) -> float:
    """The lib's loss after `epochs` (default: the state's) for the trainer's current settings."""
    state = page.evaluate(STATE_JS, [i, list(STATE_KEYS)])
    return float(run_state(state, epochs).history.loss[-1])


def assert_close(got: str, want: float, what: str) -> None:
    value = float(got)
    assert math.isclose(value, want, rel_tol=TOL), f"{what}: the page's loss {value}, the lib's {want}"


def other_option(locator) -> str:
    current = locator.input_value()
    values = locator.locator("option").evaluate_all("(os) => os.map((o) => o.value)")
    return next(v for v in values if v != current)


def move_range(locator) -> None:
    """Set a range input to another of its steps, as a reader's drag does (an input event)."""
    value, top = int(locator.input_value()), int(locator.get_attribute("max"))
    locator.fill(str(value - 1 if value == top else value + 1))


@pytest.mark.parametrize("rel", LIVE_PAGES)
def test_the_page_holds_no_ipywidgets_models(book_dir, rel):
    html = (book_dir / rel).read_text(encoding="utf-8")
    state = re.search(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', html, re.S)
    assert state, f"{rel}: no widget state"
    models = {(m["model_module"], m["model_name"]) for m in json.loads(state.group(1))["state"].values()}
    assert models <= {("anywidget", "AnyModel"), ("@jupyter-widgets/base", "LayoutModel")}, models
    assert "widgets-light.js" in html and "embed-amd.js" not in html


@pytest.mark.parametrize("rel", TRAINER_PAGES)
def test_every_trainer_control_is_live_and_the_numbers_are_the_lib_s(open_page, rel):
    visit = open_page(rel)
    page = visit.page
    n = page.locator(".bpt").count()
    assert n >= 1, f"{rel}: no trainer drawn"
    for i in range(n):
        root = page.locator(".bpt").nth(i)
        root.scroll_into_view_if_needed()
        control = {key: root.locator(f'[id$="-{key}"]') for key in STATE_KEYS if key in
                   ("method", "eta", "batch_size", "epochs", "g", "width")}  # fmt: skip
        assert len(control) == 6 and all(c.count() == 1 for c in control.values())
        step, reset, play = root.locator(".bpt-step"), root.locator(".bpt-reset"), root.locator(".bpt-play")
        for c in (*control.values(), step, reset, play):  # every control has a name
            assert c.evaluate("(e) => (e.labels && e.labels.length > 0) || e.textContent.trim() !== ''")

        # Training to the end reaches the lib's final loss.
        play.click()
        page.wait_for_function(
            f"document.querySelectorAll('.bpt')[{i}].dataset.state === 'done'", timeout=30000
        )
        assert_close(root.get_attribute("data-loss"), lib_loss(page, i), f"{rel}: final loss")

        # reset goes back to epoch 0; one epoch trains one, the lib's.
        reset.click()
        assert page.evaluate(SHOWN_JS, i)["epoch"] == "0"
        step.click()
        shown = page.evaluate(SHOWN_JS, i)
        assert shown["epoch"] == "1"
        assert_close(shown["loss"], lib_loss(page, i, 1), f"{rel}: one epoch")

        # Every setting changes what is shown, and one epoch after it is the lib's epoch.
        control["method"].select_option(other_option(control["method"]))  # start away from mini-batch
        for key in ("method", "eta", "batch_size", "epochs", "g", "width"):
            step.click()
            before = page.evaluate(SHOWN_JS, i)
            c = control[key]
            if key == "method" and c.input_value() != "mini-batch":
                c.select_option("mini-batch")  # M then makes a difference
            elif c.evaluate("(e) => e.tagName") == "SELECT":
                c.select_option(other_option(c))
            else:
                move_range(c)
            step.click()
            after = page.evaluate(SHOWN_JS, i)
            assert after != before, f"{rel}: moving {key} changed nothing the trainer shows"
            assert after["canvases"] != before["canvases"] or key == "epochs"
            assert_close(after["loss"], lib_loss(page, i, 1), f"{rel}: one epoch after moving {key}")

        # The keyboard moves a focused slider (and the change is a new run).
        eta = control["eta"]
        old = eta.input_value()
        eta.focus()
        page.keyboard.press("ArrowLeft" if old != "0" else "ArrowRight")
        assert eta.input_value() != old
        assert page.evaluate(SHOWN_JS, i)["epoch"] == "0"
    assert not visit.console_errors, visit.console_errors
    assert not visit.failed_requests, visit.failed_requests


def test_a_diverging_run_stops_with_the_lib_s_message(open_page):
    # No η the slider offers makes this stable loss overflow; Python can set any η (in Jupyter
    # the trait is synced), so the page's model is given what a kernel would send: η = 1e9, ReLU, SGD.
    visit = open_page(TRAINER_PAGES[0])
    page = visit.page
    root = page.locator(".bpt").first
    root.scroll_into_view_if_needed()
    page.evaluate("""() => {
      const model = document.querySelector(".bpt").parentElement.__bpt.model;
      for (const [k, v] of [["g", "relu"], ["method", "SGD"], ["eta", 1e9]]) model.set(k, v);
    }""")
    with pytest.raises(ValueError, match="training diverged") as err, np.errstate(all="ignore"):
        run_state(page.evaluate(STATE_JS, [0, list(STATE_KEYS)]))
    root.locator(".bpt-play").click()
    page.wait_for_function("document.querySelector('.bpt').dataset.state === 'diverged'", timeout=30000)
    assert root.locator(".bpt-error").text_content() == str(err.value)
    assert root.get_attribute("data-loss") == "NaN"
    assert not visit.console_errors, visit.console_errors
