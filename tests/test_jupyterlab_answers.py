"""The answer boxes in a real JupyterLab: typing checks in the page, the text reaches the kernel.

Uses tests/test_jupyterlab.py's server and browser (its fixtures, its copy of the notebooks):
chapter 6 is run with Run → Run All Cells; in its first vector's box the test types, by keyboard,
a wrong answer with keys JupyterLab binds in command mode ("a", "b", "m", "d d": insert, change or
delete cells) and Shift+Enter for a new row (JupyterLab: run the cell), then Enter.  The notebook
must keep its cells and its active cell, the verdict must be the Python checker's for what the box
reads (backprop.answers.check_state on the box's own state), and the kernel's AnswerBox must hold
the typed text and the same verdict (AnswerBox.check_typed).  Then the right answer gives ✓.
Marker `jupyterlab` (`make lab`).
"""

from __future__ import annotations

import numpy as np
import pytest
from backprop import answers as A
from test_browser_answers import rows_text, squash, verdict_text
from test_jupyterlab import lab_browser, lab_server, open_notebook  # noqa: F401  (fixtures)

pytestmark = pytest.mark.jupyterlab

KERNEL_BOXES = """\
import json
from ipywidgets.widgets.widget import _instances
from backprop.answers import AnswerBox
boxes = [w for w in list(_instances.values()) if isinstance(w, AnswerBox) and w.typed]
said = [[b.typed, b.feedback.get("message"), getattr(b.check_typed(), "message", None)] for b in boxes]
print(json.dumps(said))"""


def test_an_answer_box_in_jupyterlab(open_notebook):  # noqa: F811
    nb = open_notebook("06_hidden_units")
    nb.run_all()
    assert not nb.problems_after_run()
    page = nb.page
    page.wait_for_function("document.querySelectorAll('.bpa').length >= 2", timeout=30_000)
    root = page.locator(".bpa:has(textarea)").first  # a vector's box: rows on separate lines
    root.scroll_into_view_if_needed()
    state = root.evaluate("(r) => r.parentElement.__bpa.exercise")
    ndim = np.ndim(state["expected"])
    field = root.locator(".bpa-field")
    # The first click makes the box's cell the active one; JupyterLab then focuses the cell's
    # node, sometimes after the field took the focus (a race seen in one CI run of three), so a
    # reader may need a second click, as in any output of an inactive cell.
    for _ in range(2):
        field.click()
        page.wait_for_timeout(500)
        focused = page.evaluate("() => document.activeElement.className")
        if focused == "bpa-field":
            break
    assert focused == "bpa-field", f"the click left the focus on {focused!r}"
    before = nb.state()
    # letters JupyterLab binds in command mode, then a new row, then the field is emptied again
    page.keyboard.type("a b m d d")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("x")
    after = nb.state()
    assert len(after["cells"]) == len(before["cells"]) and after["active"] == before["active"], (
        "keys typed into the answer box reached JupyterLab"
    )
    assert field.input_value() == "a b m d d\nx", field.input_value()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Backspace")
    wrong = -np.asarray(state["expected"], dtype=float) + 0.5
    text = rows_text(wrong)
    lines = text.split("\n")
    for n, line in enumerate(lines):
        page.keyboard.type(line)
        if n < len(lines) - 1:
            page.keyboard.press("Shift+Enter")
    page.keyboard.press("Enter")
    want = A.check_state(A.parse_rows(text, ndim), state)
    assert not want.correct
    verdict = root.locator(".bpa-verdict")
    assert squash(verdict.inner_text()) == squash(verdict_text(want))
    seen = nb.kernel(KERNEL_BOXES)
    assert seen == [[text, want.message, want.message]], seen
    field.fill(rows_text(state["expected"]))
    field.press("Enter")
    assert verdict.inner_text().startswith("✓ correct")
    problems = nb.console_errors + nb.kernel_problems()
    assert not problems, problems
