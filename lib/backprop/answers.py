"""Answer boxes: a numeric exercise answered and checked in the page, with no kernel.

Every chapter's answer cell ends with ``ex.check(answer)`` (backprop.exercises.Exercise).  Its
Feedback, when displayed, shows an AnswerBox: a text field for the answer (a number, a vector or
a matrix typed as rows), a Check button and the verdict.  The checking runs in JavaScript
(js/answers.js, checkAnswer), so the box works in the static HTML book as in Jupyter, with the
same verdicts and word for word the same hints as `backprop.exercises.check`: both compose them
from js/answer_messages.json, and tests/js/answers.test.mjs and tests/test_answers.py run one
fixture set, written by this lib (tests/js/make_answer_fixtures.py), through both checkers.

The box's JavaScript travels once per page, as the explorers' does: the hidden AnswerLibrary
widget carries the module (answers.js + answer_view.js), the checker's sentences and the feedback
colours; every AnswerBox's own `_esm` is a stub that renders through it (host.getWidget).

What the box ships to the page is box_state(exercise): the expected value, the tolerances, the
batch size, the known mistakes and the hint — everything the checker needs, nothing else.
Exercises that ask for a function get no box (their Feedback says that they need Python).
"""

from __future__ import annotations

import re
from functools import cache

import anywidget
import numpy as np
import traitlets as t

from backprop import jsmodules
from backprop.exercises import (
    _BACKGROUNDS,
    _COLOURS,
    _TEXT,
    _TEXT_COLOURS,
    Exercise,
    Feedback,
    _as_array,
    check,
    messages,
)
from backprop.jsmodules import SharedLibrary, bundle, one_per_kernel

#: The seam esm_source() writes between answers.js and answer_view.js (once per module).
MODULE_MARKER = jsmodules.seam("answer_view.js")


@cache
def esm_source() -> str:
    """One self-contained ES module: answers.js, then answer_view.js, no imports.

    As explorers.esm_source: the view's import of answers.js is dropped and both files share
    one module scope; the view's `export default` stays.
    """
    return bundle("answers.js", "answer_view.js")


@cache
def css_source() -> str:
    """The boxes' stylesheet, js/answer.css."""
    return jsmodules.read("answer.css")


def palette() -> dict:
    """The Feedback box's colours (exercises.py), for the boxes' verdicts: one source."""
    out = {
        status: {"border": border, "text": _TEXT_COLOURS[status], "background": _BACKGROUNDS[status]}
        for status, border in _COLOURS.items()
    }
    return {**out, "text": _TEXT}


#: Every AnswerBox's own module: it renders through the page's AnswerLibrary widget.
STUB_ESM = jsmodules.STUB_ESM


class AnswerLibrary(SharedLibrary):
    """The answer boxes' JavaScript, CSS, sentences and colours, once per kernel (never shown)."""

    _esm = esm_source()
    _css = css_source()
    messages = t.Dict().tag(sync=True)
    palette = t.Dict().tag(sync=True)

    def __init__(self, **kwargs):
        super().__init__(messages=messages(), palette=palette(), **kwargs)


#: The kernel's one AnswerLibrary (created on first use, again if it was closed).
library = one_per_kernel(AnswerLibrary)


class AnswerBox(anywidget.AnyWidget):
    """One numeric exercise's answer box.

    exercise : box_state(exercise), what the JavaScript checker needs
    typed : the text in the field (the reader's typing reaches Python here in Jupyter)
    feedback : the verdict shown, {correct, reason, name, message}: the Python checker's on the
               cell's answer at first, then the JavaScript checker's on what was typed
    """

    _esm = STUB_ESM
    _library = anywidget.WidgetTrait().tag(sync=True)
    exercise = t.Dict().tag(sync=True)
    typed = t.Unicode("").tag(sync=True)
    feedback = t.Dict().tag(sync=True)

    def check_typed(self) -> Feedback | None:
        """The Python checker's verdict on the typed text, if it is a bracket-free list of numbers."""
        value = parse_rows(self.typed, np.ndim(self.exercise["expected"]))
        return None if value is _UNREAD else check_state(value, self.exercise)


def box_state(ex: Exercise) -> dict | None:
    """What an AnswerBox ships for `ex`: JSON numbers only; None for a function exercise.

    Known mistakes that are not finite arrays are left out: the checker compares them only with
    finite answers, so they can never match.
    """
    if callable(ex.expected):
        return None
    e = _as_array(ex.expected)
    if e is None or not np.all(np.isfinite(e)):
        return None
    mistakes = []
    for hint, wrong in (ex.mistakes or {}).items():
        w = _as_array(wrong)
        if w is not None and np.all(np.isfinite(w)):
            mistakes.append([str(hint), w.tolist()])
    return {
        "name": ex.name,
        "expected": e.tolist(),
        "rtol": float(ex.rtol),
        "atol": float(ex.atol),
        "batch_size": None if ex.batch_size is None else int(ex.batch_size),
        "mistakes": mistakes,
        "hint": ex.hint,
    }


def check_state(answer, state: dict, strict: bool = False) -> Feedback:
    """backprop.exercises.check of `answer` against a box_state: what the box's JavaScript decides."""
    return check(
        answer, state["expected"], state["name"], rtol=state["rtol"], atol=state["atol"],
        batch_size=state["batch_size"], mistakes=dict(state["mistakes"]), hint=state["hint"], strict=strict,
    )  # fmt: skip


def typed_text(answer) -> str:
    """A Python answer as the box's field shows it: a number, rows "a, b; c, d", or [1-D]."""
    if answer is None:
        return ""
    if isinstance(answer, str):
        return answer
    a = _as_array(answer)
    if a is None or a.ndim > 2:
        return ""
    if a.ndim == 0:
        return repr(float(a))
    if a.ndim == 1:
        return "[" + ", ".join(repr(float(v)) for v in a) + "]"
    return "; ".join(", ".join(repr(float(v)) for v in row) for row in a)


_UNREAD = object()
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?", re.I)
_SPECIAL = re.compile(r"([+-]?)(nan|inf|infinity)", re.I)


def _number(token: str) -> float | None:
    """One typed number as answers.js parseNumber reads it, or None."""
    if _NUMBER.fullmatch(token):
        return float(token)
    if m := _SPECIAL.fullmatch(token):
        return float("nan") if m[2].lower() == "nan" else float(f"{m[1]}inf")
    p, slash, q = token.partition("/")
    if slash and p and _NUMBER.fullmatch(p) and _NUMBER.fullmatch(q):
        return float(p) / float(q) if float(q) else None  # 1/0: the JavaScript gives inf
    return None


def parse_rows(text: str, expected_ndim: int = 2):
    """Rows typed without brackets ("1, 2; 3, 4", one row per line) as answers.js parseTyped reads
    them (None for empty text); _UNREAD for anything else (brackets, words: the JavaScript's)."""
    text = text.strip().replace("\u2212", "-")
    if not text:
        return None
    rows = [re.split(r"[\s,]+", r.strip()) for r in re.split(r"[;\n]", text) if r.strip()]
    values = [[_number(x) for x in r if x] for r in rows]
    if any(v is None for r in values for v in r) or text.startswith(("[", "np.", "array(")):
        return _UNREAD
    if expected_ndim == 0 and len(values) == 1 and len(values[0]) == 1:
        return values[0][0]
    if expected_ndim == 1 and len(values) == 1:
        return values[0]
    return values


def answer_box(feedback) -> AnswerBox | None:
    """The box for an answer cell's Feedback (exercises.ExerciseFeedback), or None (no box)."""
    ex = getattr(feedback, "exercise", None)
    state = None if ex is None else box_state(ex)
    if state is None:
        return None
    verdict = {k: bool(v) if k == "correct" else v for k, v in feedback._asdict().items()}
    return AnswerBox(
        _library=library(),
        exercise=state,
        typed=typed_text(getattr(feedback, "answer", None)),
        feedback=verdict,
    )
