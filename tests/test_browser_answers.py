"""The answer boxes in the built book, offline: every box of every page answers, in the page.

For every page, every exercise has an answer box, or (a function exercise) says that it needs
Python.  In every box, a wrong answer typed (a known mistake of that exercise, else the answer
with its sign flipped, else the answer + 1) gives ✗ and exactly the hint the Python checker
gives for what the box reads (backprop.answers.check_state on the page's own box state), and the
right answer (the box state's expected value, typed as rows) gives ✓; Enter checks, the verdict
is in an aria-live region, the field is labelled, no console error.  The boxes' module travels
once per page.  Prints the number of boxes per page.

Run after the strict build: `make build browser`.
"""

from __future__ import annotations

import json
import re
import time

import numpy as np
import pytest
from backprop import answers as A
from bookpage import open_book_page

pytestmark = pytest.mark.browser

STATE_RE = re.compile(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', re.S)
BOX_ID = "backprop.answers.AnswerBox"


def box_models(html: str) -> list[dict]:
    m = STATE_RE.search(html)
    models = json.loads(m.group(1))["state"] if m else {}
    return [s["state"] for s in models.values() if s["state"].get("_anywidget_id") == BOX_ID]


def rows_text(value) -> str:
    """A value typed as the label says: a number, or one row per line with commas."""
    a = np.asarray(value, dtype=float)
    if a.ndim == 0:
        return repr(float(a))
    if a.ndim == 1:
        return ", ".join(repr(float(v)) for v in a)
    return "\n".join(", ".join(repr(float(v)) for v in row) for row in a)


def wrong_answer(state: dict):
    """A known mistake of the exercise if it has one, else −answer, else answer + 1."""
    e = np.asarray(state["expected"], dtype=float)
    for _, wrong in state["mistakes"]:
        if np.ndim(wrong) == e.ndim:
            return wrong, "mistake"
    if not A.check_state(-e, state).correct:
        return -e, None
    return e + 1.0, None


def verdict_text(fb) -> str:
    status = fb.status
    mark = {"correct": "✓", "wrong": "✗", "not attempted": "…"}[status]
    return f"{mark} {status} — {fb.name}: {fb.message}"


def squash(text: str) -> str:
    return " ".join(text.split())


BOX_INFO_JS = """(root) => {
  const handle = root.parentElement.__bpa;
  const field = root.querySelector('.bpa-field');
  const label = root.querySelector('label.bpa-label');
  const live = root.querySelector('.bpa-verdict');
  return {exercise: handle && handle.exercise, labelled: !!label && label.htmlFor === field.id && !!field.id,
          live: live.getAttribute('aria-live'), label: label ? label.textContent : ''};
}"""


def test_every_answer_box_checks_in_the_page(browser, book_dir, book_pages):
    started, counts = time.perf_counter(), {}
    for rel in book_pages:
        html = (book_dir / rel).read_text("utf-8")
        copies = html.count(A.MODULE_MARKER)
        assert copies <= 1, f"{rel} holds the answer boxes' module {copies} times"
        saved = box_models(html)
        if not saved:
            continue
        assert copies == 1, f"{rel} shows answer boxes but holds no copy of their module"
        assert all(s["_esm"] == A.STUB_ESM for s in saved), rel
        visit = open_book_page(browser, book_dir, rel)
        page = visit.page
        try:
            page.wait_for_function(
                f"document.querySelectorAll('.bpa').length >= {len(saved)}", timeout=20_000
            )
            boxes = page.locator(".bpa")
            exercises = page.locator("div.exercise").count()
            needs_python = page.locator(".backprop-needs-python").count()
            assert boxes.count() + needs_python == exercises, (
                f"{rel}: {exercises} exercises, {boxes.count()} answer boxes, {needs_python} notes"
            )
            counts[rel] = boxes.count()
            for n in range(boxes.count()):
                root = boxes.nth(n)
                info = root.evaluate(BOX_INFO_JS)
                state = info["exercise"]
                where = f"{rel}, box {n + 1} ({state and state['name']})"
                assert state, f"{where}: the box has no exercise state"
                assert info["labelled"] and info["live"] == "polite", where
                field, verdict = root.locator(".bpa-field"), root.locator(".bpa-verdict")
                ndim = np.ndim(state["expected"])
                wrong, kind = wrong_answer(state)
                for value, want_correct in ((wrong, False), (state["expected"], True)):
                    text = rows_text(value)
                    want = A.check_state(A.parse_rows(text, ndim), state)
                    assert want.correct is want_correct, f"{where}: {want.text}"
                    if kind == "mistake" and not want_correct:
                        assert want.reason == "mistake", f"{where}: {want.text}"
                    field.fill(text)
                    field.press("Enter")
                    got = squash(verdict.inner_text())
                    assert got == squash(verdict_text(want)), f"{where}: typed {text!r}"
            assert not visit.console_errors and not visit.failed_requests, (rel, visit.console_errors)
        finally:
            page.context.close()
    seconds = time.perf_counter() - started
    print(f"\nanswer boxes per page ({sum(counts.values())} in all, {seconds:.1f} s):")
    for rel, n in counts.items():
        print(f"  {n:3d}  {rel}")
    assert len(counts) >= 2, "the built book should have several pages with answer boxes"


def test_keyboard_only_and_jupyterlab_keys(browser, book_dir, book_pages):
    """Tab reaches the field, typing and Enter check; no key of the field reaches `document`."""
    rel = next(r for r in book_pages if box_models((book_dir / r).read_text("utf-8")))
    visit = open_book_page(browser, book_dir, rel)
    page = visit.page
    try:
        page.wait_for_selector(".bpa .bpa-field")
        page.evaluate(
            """() => { window.__keys = [];
                       document.addEventListener('keydown', (e) => window.__keys.push(e.key)); }"""
        )
        field = page.locator(".bpa .bpa-field").first
        # from a button put just before the box's field, Tab moves into the field
        field.evaluate("(f) => { const b = document.createElement('button'); b.id = 'before';"
                       " f.closest('.bpa').prepend(b); b.focus(); }")  # fmt: skip
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.classList.contains('bpa-field')")
        page.keyboard.type("1 2 a")
        page.keyboard.press("Shift+Enter")
        page.keyboard.type("3")
        page.keyboard.press("ArrowLeft")
        page.keyboard.press("Backspace")
        page.keyboard.press("Enter")
        keys = page.evaluate("window.__keys")
        assert keys == ["Tab"], f"keys of the answer field reached document: {keys}"
        assert "✗" in page.locator(".bpa .bpa-verdict").first.inner_text()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.classList.contains('bpa-check')")
        assert not visit.console_errors, visit.console_errors
    finally:
        page.context.close()
