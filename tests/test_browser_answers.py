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


BOXES_JS = """() => [...document.querySelectorAll('.bpa')].map((root) => {
  const handle = root.parentElement.__bpa;
  const field = root.querySelector('.bpa-field');
  const label = root.querySelector('label.bpa-label');
  const live = root.querySelector('.bpa-verdict');
  return {exercise: handle && handle.exercise, labelled: !!label && label.htmlFor === field.id && !!field.id,
          live: live.getAttribute('aria-live')};
})"""

# Types `texts[n]` into box n as a keyboard does (the field's value, then an Enter keydown on the
# field: the box's own handler checks) and returns each verdict's visible text.
TYPE_ALL_JS = """(texts) => [...document.querySelectorAll('.bpa')].map((root, n) => {
  const field = root.querySelector('.bpa-field');
  field.focus();
  field.value = texts[n];
  field.dispatchEvent(new Event('input', {bubbles: true}));
  field.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true, cancelable: true}));
  return root.querySelector('.bpa-verdict').innerText;
})"""


def _pages_with_boxes(book_dir, book_pages) -> dict[str, list[dict]]:
    out = {}
    for rel in book_pages:
        html = (book_dir / rel).read_text("utf-8")
        copies = html.count(A.MODULE_MARKER)
        assert copies <= 1, f"{rel} holds the answer boxes' module {copies} times"
        saved = box_models(html)
        if saved:
            assert copies == 1, f"{rel} shows answer boxes but holds no copy of their module"
            assert all(s["_esm"] == A.STUB_ESM for s in saved), rel
            out[rel] = saved
    assert len(out) >= 2, "the built book should have several pages with answer boxes"
    return out


def test_every_answer_box_checks_in_the_page(browser, book_dir, book_pages):
    started, counts = time.perf_counter(), {}
    pages = _pages_with_boxes(book_dir, book_pages)
    visits = {}
    try:
        for rel in pages:  # one page at a time: anywidget gives a model 2 s to initialise
            visit = visits[rel] = open_book_page(browser, book_dir, rel, wait=False)
            page = visit.page
            page.wait_for_load_state("load")
            n_saved = len(pages[rel])
            page.wait_for_function(f"document.querySelectorAll('.bpa').length >= {n_saved}", timeout=30_000)
            boxes = page.evaluate(BOXES_JS)
            exercises = page.locator("div.exercise").count()
            needs_python = page.locator(".backprop-needs-python").count()
            assert len(boxes) + needs_python == exercises, (
                f"{rel}: {exercises} exercises, {len(boxes)} answer boxes, {needs_python} notes"
            )
            counts[rel] = len(boxes)
            wrong_texts, right_texts, wrong_want, right_want = [], [], [], []
            for n, info in enumerate(boxes):
                state = info["exercise"]
                where = f"{rel}, box {n + 1} ({state and state['name']})"
                assert state, f"{where}: the box has no exercise state"
                assert info["labelled"] and info["live"] == "polite", where
                ndim = np.ndim(state["expected"])
                wrong, kind = wrong_answer(state)
                for value, texts, wants in (
                    (wrong, wrong_texts, wrong_want),
                    (state["expected"], right_texts, right_want),
                ):
                    text = rows_text(value)
                    want = A.check_state(A.parse_rows(text, ndim), state)
                    texts.append(text)
                    wants.append(want)
                assert not wrong_want[-1].correct and right_want[-1].correct, (where, wrong_want[-1].text)
                if kind == "mistake":
                    assert wrong_want[-1].reason == "mistake", (where, wrong_want[-1].text)
            # the first box by real keystrokes, then every box at once
            field = page.locator(".bpa .bpa-field").first
            field.fill(wrong_texts[0])
            field.press("Enter")
            got = squash(page.locator(".bpa .bpa-verdict").first.inner_text())
            assert got == squash(verdict_text(wrong_want[0])), f"{rel}, box 1: typed {wrong_texts[0]!r}"
            for texts, wants in ((wrong_texts, wrong_want), (right_texts, right_want)):
                shown = page.evaluate(TYPE_ALL_JS, texts)
                for n, (got, want) in enumerate(zip(shown, wants, strict=True)):
                    assert squash(got) == squash(verdict_text(want)), (
                        f"{rel}, box {n + 1}: typed {texts[n]!r}"
                    )
            assert not visit.console_errors and not visit.failed_requests, (rel, visit.console_errors)
    finally:
        for visit in visits.values():
            visit.page.context.close()
    seconds = time.perf_counter() - started
    print(f"\nanswer boxes per page ({sum(counts.values())} in all, {seconds:.1f} s):")
    for rel, n in counts.items():
        print(f"  {n:3d}  {rel}")


def test_keyboard_only_and_jupyterlab_keys(browser, book_dir, book_pages):
    """Tab reaches the field, typing and Enter check; no key of the field reaches `document`."""
    rel = next(iter(_pages_with_boxes(book_dir, book_pages)))
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
