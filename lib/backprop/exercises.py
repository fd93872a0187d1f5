"""Checking a reader's answers: ✓, or ✗ with a specific hint — every chapter's exercises.

Every chapter ends with exercises.  An answer cell is prefilled with `answer = None`
and ends with a check against the value the lib computes::

    from backprop.exercises import check
    answer = None            # the reader writes ∇_{W_2} here
    check(answer, grads.grad_W[2], name="∇_{W_2}")

The returned `Feedback` shows itself as one line of text (deterministic, so nbval
can compare it) and as a small coloured box in Jupyter and in the HTML book:

    ✓ ∇_{W_2}: correct.
    ✗ ∇_{W_2}: wrong shape — expected (3, 2), got (2, 3); your values are the transpose ...
    … ∇_{W_2}: not attempted yet — replace `answer = None` with your answer.

An answer cell's verdict (``Exercise.check`` without strict) is an `ExerciseFeedback`: displayed,
a numeric exercise's is an answer box (backprop.answers) in which the reader types the answer —
in the HTML book too, with no kernel: its JavaScript (js/answers.js) gives the same verdicts and,
word for word, the same hints, composed from the same sentences (js/answer_messages.json).  A
function exercise's verdict says that it needs Python (NEEDS_PYTHON).

The solution cells call the same checker with ``strict=True``: a wrong (or missing)
solution raises `ExerciseFailed` (an AssertionError), so executing the book in CI
proves every solution right.

Hints, in the order they are tried: not attempted (None); not a number / not a
function; NaN or inf; a known mistake the chapter names (``mistakes=``); wrong
shape (naming both shapes, and saying when the values are the transpose or only
the vector's orientation differs); wrong sign; transposed; off by a constant
factor (×2, ×1/B, ...); close but not within tolerance; some entries right.

Shapes: an expected value may be a number (shape ()), a vector — the lib's column
vectors are (n, 1) — or a matrix (n, m); the reader's answer must have the same
shape, except that a number may be given as any array with one entry.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

import numpy as np

__all__ = [
    "Exercise",
    "ExerciseFailed",
    "ExerciseFeedback",
    "Feedback",
    "check",
    "check_backprop",
    "check_function",
]

# Okabe–Ito: bluish green for right, vermillion for wrong, grey for not attempted (the box's
# left border).  The verdict's words use darker shades of the same hues, and the box brings its
# own light background and text colour, so the text keeps ≥ 4.5:1 (WCAG AA) wherever the box is
# shown: on the book's white page, on the light slab its dark mode puts outputs on, or in a dark
# JupyterLab.
_COLOURS = {"correct": "#009E73", "wrong": "#D55E00", "not attempted": "#767676"}
_TEXT_COLOURS = {"correct": "#006B4F", "wrong": "#A84800", "not attempted": "#595959"}
_BACKGROUNDS = {"correct": "#EEF8F4", "wrong": "#FDF1E9", "not attempted": "#F3F3F3"}
_TEXT = "#1F1F1F"
_MARKS = {"correct": "✓", "wrong": "✗", "not attempted": "…"}

# A relative error below this (but above the tolerance) is reported as "close".
_CLOSE = 1e-2


@cache
def messages() -> dict[str, str]:
    """The checker's sentences, js/answer_messages.json: shared with the answer boxes' JavaScript.

    `check` and js/answers.js compose their hints from these templates, so the two say the same
    words; a "{field}" is filled in by `_say` (and by its twin `say` in answers.js).
    """
    text = (resources.files("backprop") / "js" / "answer_messages.json").read_text(encoding="utf-8")
    return {k: v for k, v in json.loads(text).items() if k != "//"}


_FIELD = re.compile(r"\{(\w+)\}")


def _say(key: str, **fields) -> str:
    """The template `key` of messages() with every {field} replaced by str(fields[field])."""

    def fill(m: re.Match) -> str:
        if m[1] not in fields:
            raise KeyError(f"message {key!r} needs the field {m[1]!r}")
        return str(fields[m[1]])

    return _FIELD.sub(fill, messages()[key])


class ExerciseFailed(AssertionError):
    """Raised by a strict check (a solution cell) whose answer is not correct."""


class Feedback(NamedTuple):
    """The verdict on one answer: shown as "✓ name: message" (text) or a coloured box (HTML).

    correct : True if the answer matches within tolerance
    reason : machine-readable cause — 'correct', 'not_attempted', 'type', 'nonfinite',
             'mistake', 'shape', 'transposed', 'sign', 'factor', 'close', 'partial',
             'different' or 'raised' (a function answer raised an exception)
    name : what was checked, e.g. "∇_{W_2}"
    message : the hint shown to the reader (no answer values are revealed)
    """

    correct: bool
    reason: str
    name: str
    message: str

    @property
    def status(self) -> str:
        """'correct', 'wrong' or 'not attempted'."""
        if self.correct:
            return "correct"
        return "not attempted" if self.reason == "not_attempted" else "wrong"

    @property
    def text(self) -> str:
        """One line: mark, name, message — what nbval compares."""
        return f"{_MARKS[self.status]} {self.name}: {self.message}"

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        status = self.status
        verdict = f"{_MARKS[status]} {html.escape(status)}"
        return (
            f'<div class="backprop-feedback backprop-feedback-{status.replace(" ", "-")}" role="status" '
            f'style="border-left: 4px solid {_COLOURS[status]}; padding: 0.3em 0.8em; margin: 0.3em 0; '
            f'background: {_BACKGROUNDS[status]}; color: {_TEXT};">'
            f'<strong style="color: {_TEXT_COLOURS[status]};">{verdict}</strong> — '
            f'<code style="color: inherit;">{html.escape(self.name)}</code>: '
            f"{html.escape(self.message)}</div>"
        )

    def raise_if_wrong(self) -> Feedback:
        """Raise ExerciseFailed with this feedback's text unless the answer is correct."""
        if not self.correct:
            raise ExerciseFailed(self.text)
        return self


#: What an answer cell that asks for a function says in the page: the HTML book cannot run it.
NEEDS_PYTHON = (
    "This exercise asks for a function, and only Python can run it: the HTML book cannot check "
    "it. Open this chapter in Jupyter, write your function and run this cell."
)


class ExerciseFeedback(Feedback):
    """The Feedback of an answer cell (Exercise.check without strict): it also shows the answer box.

    A Feedback (the same tuple, text and verdict) that remembers its exercise and answer.
    Displayed in Jupyter or the HTML book, a numeric exercise's feedback is an answer box
    (backprop.answers.AnswerBox: type an answer, Enter checks it in JavaScript, with the same
    verdicts and hints), starting from this verdict; a function exercise's box says that it needs
    Python (NEEDS_PYTHON).  Its text (what nbval and a terminal show) is Feedback.text.
    """

    exercise: Exercise | None = None
    answer: Any = None
    needs_python: bool = False

    def _repr_html_(self) -> str:
        html_ = super()._repr_html_()
        if not self.needs_python:
            return html_
        note = (
            '<p class="backprop-needs-python" style="margin: 0.2em 0 0; font-size: 0.92em;">'
            f"{html.escape(NEEDS_PYTHON)}</p>"
        )
        return html_.removesuffix("</div>") + note + "</div>"

    def _repr_mimebundle_(self, include=None, exclude=None) -> tuple[dict, dict]:
        bundle, metadata = {"text/plain": self.text, "text/html": self._repr_html_()}, {}
        if self.exercise is not None and not self.needs_python:
            from backprop.answers import answer_box

            box = answer_box(self)
            if box is not None:
                data, metadata = box._repr_mimebundle_()  # anywidget's: (data, metadata)
                view = "application/vnd.jupyter.widget-view+json"
                bundle[view] = data[view]
        return bundle, metadata


def _for_cell(fb: Feedback, exercise=None, answer=None, needs_python: bool = False) -> ExerciseFeedback:
    out = ExerciseFeedback(*fb)
    out.exercise, out.answer, out.needs_python = exercise, answer, needs_python
    return out


def _cell(fb: Feedback, strict: bool) -> Feedback:
    """A function check's verdict: raised if strict and wrong, else noted as needing Python."""
    return _done(fb, strict) if strict else _for_cell(fb, needs_python=True)


def _done(fb: Feedback, strict: bool) -> Feedback:
    return fb.raise_if_wrong() if strict else fb


def _fmt_shape(shape: tuple) -> str:
    return _say("a_number") if shape == () else str(tuple(int(n) for n in shape))


def _simple_fraction(c: float) -> Fraction | None:
    """c as n, 1/n (n ≤ 16) or p/q (p ≤ 8, q ≤ 4) if it is one of those, else None; c > 0."""
    frac = Fraction(c).limit_denominator(16)
    p, q = frac.numerator, frac.denominator
    simple = (q == 1 and p <= 16) or (p == 1 and q <= 16) or (p <= 8 and q <= 4)
    return frac if frac != 0 and simple and np.isclose(float(frac), c, rtol=1e-9) else None


def _is_simple_factor(c: float, batch_size: int | None) -> bool:
    """True for ±n, ±1/n, ±p/q with small p, q (×2, ×1/2, ×−3/2, ...) or ±B, ±1/B."""
    c = abs(c)
    if batch_size and (np.isclose(c, batch_size) or np.isclose(c, 1 / batch_size)):
        return True
    return _simple_fraction(c) is not None


def _fmt_factor(c: float, batch_size: int | None) -> str:
    """Name a factor simply: ×2, ×1/4 (= 1/B), ×0.37."""
    if batch_size and batch_size > 1:
        if np.isclose(c, batch_size, rtol=1e-6):
            return _say("factor_B", B=batch_size)
        if np.isclose(c, 1 / batch_size, rtol=1e-6):
            return _say("factor_1_over_B", B=batch_size)
    sign, c = ("−", -c) if c < 0 else ("", c)
    frac = _simple_fraction(c)
    return _say("factor_plain", sign=sign, value=frac if frac is not None else f"{c:.3g}")


def _as_array(value) -> np.ndarray | None:
    """The answer as a float64 array, or None if it is not made of numbers."""
    if isinstance(value, (str, bytes)) or callable(value):
        return None
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return arr


def _same(a: np.ndarray, e: np.ndarray, rtol: float, atol: float) -> bool:
    return a.shape == e.shape and bool(np.allclose(a, e, rtol=rtol, atol=atol))


def _compare(a: np.ndarray, e: np.ndarray, rtol, atol, batch_size, mistakes) -> tuple[str, str] | None:
    """Compare arrays; None if equal, else (reason, hint)."""
    if _same(a, e, rtol, atol):
        return None
    for hint, wrong in mistakes.items():
        w = _as_array(wrong)
        if w is not None and _same(a, w, rtol, atol) and not _same(w, e, rtol, atol):
            return "mistake", hint
    if a.shape != e.shape:
        msg = _say("shape", want=_fmt_shape(e.shape), given=_fmt_shape(a.shape))
        if a.ndim == 2 and a.T.shape == e.shape and np.allclose(a.T, e, rtol=rtol, atol=atol):
            return "transposed", _say("shape_transposed", shape=msg)
        if a.size == e.size and np.allclose(a.reshape(e.shape), e, rtol=rtol, atol=atol):
            return "shape", _say("shape_reshaped", shape=msg)
        if e.ndim == 2 and e.shape[1] == 1 and a.ndim == 1:
            return "shape", _say("shape_1d", shape=msg)
        return "shape", msg
    if np.allclose(a, -e, rtol=rtol, atol=atol):
        return "sign", _say("sign")
    if a.ndim == 2 and a.shape[0] == a.shape[1] and np.allclose(a.T, e, rtol=rtol, atol=atol):
        return "transposed", _say("transposed")
    ee = float(np.sum(e * e))
    if ee > 0:
        c = float(np.sum(a * e) / ee)  # least-squares factor: a ≈ c e
        # With one entry any answer is a multiple of the expected one: name only simple factors.
        simple = e.size > 1 or _is_simple_factor(c, batch_size)
        if (
            simple
            and abs(c) > 1e-12
            and not np.isclose(c, 1.0, rtol=_CLOSE)
            and np.allclose(a, c * e, rtol=rtol, atol=atol)
        ):
            sign = _say("factor_sign") if c < 0 else ""
            return "factor", _say("factor", sign=sign, factor=_fmt_factor(c, batch_size))
    # Relative to the size of the expected value, so a rounded small entry still counts as close.
    scale = float(np.max(np.abs(e)))
    rel = float(np.max(np.abs(a - e))) / (scale if scale > 0 else 1.0)
    if rel < _CLOSE:
        return "close", _say("close", rel=f"{rel:.1e}", rtol=f"{rtol:.0e}")
    ok = np.isclose(a, e, rtol=rtol, atol=atol)
    if a.ndim > 0 and ok.any():
        first = tuple(int(i) for i in np.argwhere(~ok)[0])
        return "partial", _say("partial", right=int(ok.sum()), size=ok.size, index=first)
    return "different", _say("different_number" if a.ndim == 0 else "different_array")


def check(
    answer,
    expected,
    name: str = "answer",
    *,
    rtol: float = 1e-6,
    atol: float = 1e-9,
    batch_size: int | None = None,
    mistakes: Mapping[str, Any] | None = None,
    hint: str | None = None,
    strict: bool = False,
) -> Feedback:
    """Check a number, vector or matrix against the lib's value and say what is wrong.

    Parameters
    ----------
    answer : the reader's answer — None (not attempted), a number or an array-like
    expected : the lib's value: a number (shape ()), a vector (n, 1) or a matrix (n, m)
    name : what is being checked, shown in the feedback, e.g. "∇_{W_2}"
    rtol, atol : tolerance of np.allclose(answer, expected, rtol, atol)
    batch_size : B, if the exercise has a batch — a factor B or 1/B is then named as such
    mistakes : {hint: wrong value} — known wrong answers (e.g. "you dropped g′(a_1)":
               the gradient without g′); an answer equal to one gets that hint
    hint : a general hint appended to every ✗ (e.g. "recall ∇_{W_k} = ∇_{a_k} h_{k−1}ᵀ")
    strict : raise ExerciseFailed instead of returning a wrong verdict (solution cells)

    Returns
    -------
    Feedback(correct, reason, name, message)
    """
    e = _as_array(expected)
    if e is None:
        raise TypeError(f"expected must be a number or an array of numbers, got {type(expected).__name__}")
    if answer is None:
        return _done(Feedback(False, "not_attempted", name, _say("not_attempted")), strict)
    a = _as_array(answer)
    if a is None:
        want = _say("a_number") if e.ndim == 0 else _say("an_array", shape=_fmt_shape(e.shape))
        fb = Feedback(False, "type", name, _say("type", want=want, got=type(answer).__name__))
        return _done(_with_hint(fb, hint), strict)
    if e.ndim == 0 and a.size == 1:
        a = a.reshape(())
    if not np.all(np.isfinite(a)):
        fb = Feedback(False, "nonfinite", name, _say("nonfinite"))
        return _done(_with_hint(fb, hint), strict)
    found = _compare(a, e, rtol, atol, batch_size, mistakes or {})
    if found is None:
        return Feedback(True, "correct", name, _say("correct"))
    return _done(_with_hint(Feedback(False, found[0], name, found[1]), hint), strict)


def _with_hint(fb: Feedback, hint: str | None) -> Feedback:
    return fb._replace(message=_say("with_hint", message=fb.message, hint=hint)) if hint else fb


def _describe_input(x) -> str:
    arr = _as_array(x)
    if arr is not None and arr.ndim == 0:
        return f"z = {float(arr):.4g}"
    if arr is not None:
        return f"an input of shape {_fmt_shape(arr.shape)}"
    return "an input"


def _call(fn: Callable, x):
    args = x if isinstance(x, tuple) else (x,)
    args = tuple(np.array(v, dtype=np.float64) if _as_array(v) is not None else v for v in args)  # copies
    return fn(*args)


def _not_a_function(fn, name: str) -> Feedback | None:
    """The feedback for an answer that is not yet a function (None, or not callable), else None."""
    if fn is None:
        return Feedback(
            False, "not_attempted", name, "not attempted yet — replace `answer = None` with your function."
        )
    if not callable(fn):
        return Feedback(False, "type", name, f"expected a function (def or lambda), got {type(fn).__name__}")
    return None


def check_function(
    fn,
    reference: Callable,
    inputs: Iterable | None = None,
    name: str = "your function",
    *,
    rtol: float = 1e-6,
    atol: float = 1e-9,
    hint: str | None = None,
    strict: bool = False,
) -> Feedback:
    """Check a function by calling it and the lib's `reference` on the same sample inputs.

    Parameters
    ----------
    fn : the reader's function — None (not attempted) or a callable
    reference : the lib's function, e.g. backprop.activations.sigmoid_prime
    inputs : the sample inputs; each is passed as the one argument (a copy of it), and a
             tuple is unpacked into several arguments.  Default: z = −4, −3.5, ..., 4 (scalars),
             then the same 17 values as one (17, 1) column.
    name, rtol, atol, hint, strict : as in `check`

    Returns
    -------
    Feedback — on a mismatch the message names the first failing input and what is wrong there;
    without strict an ExerciseFeedback, whose box says that the exercise needs Python.
    """
    if (fb := _not_a_function(fn, name)) is not None:
        return _cell(fb if fb.reason == "not_attempted" else _with_hint(fb, hint), strict)
    if inputs is None:
        z = np.linspace(-4.0, 4.0, 17)
        inputs = [*z, z.reshape(-1, 1)]
    inputs = list(inputs)
    outputs, first_bad = [], None
    for i, x in enumerate(inputs, 1):
        where = f"on {_describe_input(x)} (sample {i} of {len(inputs)})"
        want = _call(reference, x)
        try:
            got = _call(fn, x)
        except Exception as err:  # the reader's code: any error is feedback, not a crash
            fb = Feedback(False, "raised", name, f"raised {type(err).__name__}: {err} — {where}")
            return _cell(_with_hint(fb, hint), strict)
        outputs.append((got, want))
        fb = check(got, want, name=name, rtol=rtol, atol=atol)
        if not fb.correct and first_bad is None:
            reason = "type" if fb.reason == "not_attempted" else fb.reason
            message = "returned None (a missing `return`?)" if fb.reason == "not_attempted" else fb.message
            first_bad = Feedback(False, reason, name, f"{message} — {where}")
    if first_bad is None:
        return _cell(Feedback(True, "correct", name, f"correct on all {len(inputs)} sample inputs."), strict)
    # A wrong sign or factor shows best over all samples together (one number is a multiple of any other).
    got_all = [_as_array(g) for g, _ in outputs]
    if all(g is not None and g.size == np.size(w) for g, (_, w) in zip(got_all, outputs, strict=True)):
        joint = check(
            np.concatenate([g.ravel() for g in got_all]),
            np.concatenate([np.ravel(w) for _, w in outputs]),
            name=name, rtol=rtol, atol=atol,
        )  # fmt: skip
        if joint.reason in ("sign", "factor", "close"):
            first_bad = joint._replace(message=f"{joint.message} (over all {len(inputs)} sample inputs)")
    return _cell(_with_hint(first_bad, hint), strict)


class Exercise(NamedTuple):
    """One exercise of a chapter: the expected value (or reference function) and its hints.

    Build it where the lib's value is at hand, check readers' answers later::

        ex = Exercise("∇_{b_1}", grads.grad_b[1], hint="∇_{b_k} = ∇_{a_k}, summed over the batch")
        ex.check(answer)                 # answer cell
        ex.check(solution, strict=True)  # solution cell

    name : shown in the feedback
    expected : a number/array, or a function (then `inputs` are its sample inputs)
    inputs, rtol, atol, batch_size, mistakes, hint : as in `check` / `check_function`
    """

    name: str
    expected: Any
    inputs: Any = None
    rtol: float = 1e-6
    atol: float = 1e-9
    batch_size: int | None = None
    mistakes: Mapping[str, Any] | None = None
    hint: str | None = None

    def check(self, answer, strict: bool = False) -> Feedback:
        """Check `answer` against this exercise; see `check` and `check_function`.

        Without strict (an answer cell) the verdict is an ExerciseFeedback: displayed, it is the
        exercise's answer box, or for a function exercise a note that it needs Python.
        """
        if callable(self.expected):
            fb = check_function(
                answer, self.expected, self.inputs, self.name, rtol=self.rtol, atol=self.atol,
                hint=self.hint, strict=strict,
            )  # fmt: skip
            return fb if strict else _for_cell(fb, self, answer, needs_python=True)
        fb = check(
            answer, self.expected, self.name, rtol=self.rtol, atol=self.atol, batch_size=self.batch_size,
            mistakes=self.mistakes, hint=self.hint, strict=strict,
        )  # fmt: skip
        return fb if strict else _for_cell(fb, self, answer)


# -------------------------------------------- writing the backward pass (chapter 9)

# (sizes, g, output, loss): depths 1–4, every activation, the three matched output/loss pairs.
# The first network is square, so that a dropped or misplaced transpose still gives numbers.
BACKPROP_CASES = (
    ((3, 3, 3, 3), "sigmoid", "softmax", "cross_entropy"),
    ((4, 3), "tanh", "softmax", "cross_entropy"),
    ((2, 5, 3), "relu", "softmax", "cross_entropy"),
    ((3, 4, 4, 2, 3), "tanh", "softmax", "cross_entropy"),
    ((3, 2, 4, 2), "identity", "softmax", "cross_entropy"),
    ((3, 3, 3), "sigmoid", "sigmoid", "binary_cross_entropy"),
    ((2, 4, 3, 1), "tanh", "identity", "squared_error"),
)

_BACKPROP_BUGS = {
    "flip_sign": "the sign is flipped: ∇_{a_L} = −(e(ℓ) − ŷ) = ŷ − e(ℓ) (over B), not e(ℓ) − ŷ",
    "drop_g_prime": "you dropped g′: ∇_{a_{k−1}} = ∇_{h_{k−1}} ⊙ g′(a_{k−1}), not ∇_{h_{k−1}} alone",
    "drop_transpose": "the transpose is missing: ∇_{h_{k−1}} = W_kᵀ ∇_{a_k}, not W_k ∇_{a_k}",
    "outer_transposed": (
        "∇_{W_k} is transposed: it is ∇_{a_k} h_{k−1}ᵀ (the shape of W_k), not h_{k−1} ∇_{a_k}ᵀ"
    ),
    "one_path": (
        "only one path is summed: ∂L/∂h_{k−1,j} = Σ_m W_{k,m,j} ∂L/∂a_{k,m} over every unit m, "
        "i.e. the whole product W_kᵀ ∇_{a_k}, not its diagonal"
    ),
}


def _backprop_case(i: int, sizes, g: str, output: str, loss: str, B: int):
    from backprop.network import init, target

    rng = np.random.default_rng(100 + i)
    net = init(sizes, g=g, output=output, loss=loss, seed=100 + i)
    # Random biases too, so that a bias gradient cannot pass by accident.
    net = net.replace(b=(None,) + tuple(rng.normal(size=bk.shape) for bk in net.b[1:]))
    x = rng.normal(size=(sizes[0], B))
    k = sizes[-1]
    if loss == "cross_entropy":
        y = rng.integers(0, k, size=B)
    elif loss == "binary_cross_entropy":
        y = rng.integers(0, 2, size=(k, B)).astype(float)
    else:
        y = rng.normal(size=(k, B))
    return net, x, target(net, y, B)


def _describe_case(sizes, g: str, output: str, loss: str, B: int) -> str:
    arrow = " → ".join(map(str, sizes))
    return f"on the network {arrow} (g = {g}, {output} output with {loss.replace('_', ' ')}, B = {B})"


def _params(grads, L: int) -> list[np.ndarray] | None:
    """[∇W_1..∇W_L, ∇b_1..∇b_L] as arrays, or None if the answer does not hold them."""
    try:
        out = [_as_array(grads.grad_W[k]) for k in range(1, L + 1)]
        out += [_as_array(grads.grad_b[k]) for k in range(1, L + 1)]
    except (AttributeError, IndexError, TypeError):
        return None
    return None if any(a is None for a in out) else out


def _same_all(got: list, want: list, rtol: float, atol: float) -> bool:
    return all(_same(a, e, rtol, atol) for a, e in zip(got, want, strict=True))


def _diagnose_backprop(net, fwd, Y, got: list, want: list, rtol: float, atol: float) -> str:
    """The hint for gradients that differ from the lib's: a known pitfall if one matches."""
    from backprop.broken import broken_backward

    L = net.L
    for bug, hint in _BACKPROP_BUGS.items():
        bad = _params(broken_backward(net, fwd, Y, [bug]), L)
        if not _same_all(bad, want, rtol, atol) and _same_all(got, bad, rtol, atol):
            return hint
    B = Y.shape[1]
    if all(a.shape == e.shape for a, e in zip(got, want, strict=True)):
        a = np.concatenate([g.ravel() for g in got])
        e = np.concatenate([w.ravel() for w in want])
        c = float(a @ e / (e @ e))
        if np.allclose(a, c * e, rtol=rtol, atol=atol):
            if np.isclose(c, B):
                return (
                    f"every gradient is B = {B} times too large: the loss is the mean over the batch, "
                    "so ∇_{a_L} carries a 1/B (output_gradient includes it)"
                )
            if np.isclose(c, -1.0):
                return "every gradient has the wrong sign: ∇_{a_L} = ŷ − e(ℓ), over B"
            return (
                f"every gradient is {_fmt_factor(c, B)} the right one: check ∇_{{a_L}} for this "
                "output/loss pair (output_gradient(net, fwd, Y)[0] knows each pair)"
            )
        if _same_all(got[:L], want[:L], rtol, atol):
            gb, wb = got[L:], want[L:]
            if all(np.allclose(x, w / B, rtol=rtol, atol=atol) for x, w in zip(gb, wb, strict=True)):
                return (
                    "∇_{W_k} is right but ∇_{b_k} is 1/B too small: "
                    "sum the columns of ∇_{a_k}, do not average"
                )
    names = [f"∇_{{W_{k}}}" for k in range(1, L + 1)] + [f"∇_{{b_{k}}}" for k in range(1, L + 1)]
    for name, a, e in zip(names, got, want, strict=True):
        fb = check(a, e, name=name, rtol=rtol, atol=atol, batch_size=B)
        if not fb.correct:
            return f"{name}: {fb.message}"
    return "the gradients differ from the lib's"  # not reached: some array differs


def _raised_hint(err: Exception) -> str:
    text = str(err)
    if isinstance(err, TypeError) and "NoneType" in text:
        return (
            "the loop reached layer 0, where there is no a_0 (fwd.a[0] is None): "
            "compute ∇_{a_{k−1}} only for k > 1"
        )
    if isinstance(err, ValueError) and ("matmul" in text or "broadcast" in text or "aligned" in text):
        return (
            "the shapes do not chain — ∇_{W_k} = ∇_{a_k} h_{k−1}ᵀ is (n_k, n_{k−1}) and "
            "∇_{h_{k−1}} = W_kᵀ ∇_{a_k} is (n_{k−1}, B): a missing or misplaced transpose?"
        )
    return "read the error message above the hint"


def check_backprop(
    fn,
    cases=BACKPROP_CASES,
    name: str = "back_propagation",
    *,
    B: int = 5,
    rtol: float = 1e-8,
    atol: float = 1e-12,
    strict: bool = False,
) -> Feedback:
    """Check a reader's back_propagation(net, fwd, Y) → Gradients against backprop.network.backward.

    The reader's function has the contract of backprop.network.back_propagation: it
    gets a Network, the Forward of a batch and the target Y of shape (k, B), and
    returns Gradients(grad_a, grad_h, grad_W, grad_b) (only grad_W[1..L], (n_k, n_{k−1}),
    and grad_b[1..L], (n_k, 1), are checked).  It runs on every network of `cases`
    (random weights and biases, a batch of B columns); a known pitfall (a dropped g′ or
    transpose, a flipped sign, one path only, a missing 1/B, ...) gets its own hint.

    Parameters
    ----------
    fn : the reader's function, or None (not attempted)
    cases : sequence of (sizes, g, output, loss), default BACKPROP_CASES (depths 1–4)
    name, rtol, atol, strict : as in `check`
    B : batch size of every case

    Returns
    -------
    Feedback — on a mismatch the message names the first network that fails and why.
    """
    from backprop.network import backward, forward

    if (fb := _not_a_function(fn, name)) is not None:
        return _cell(fb, strict)
    cases = list(cases)
    for i, (sizes, g, output, loss) in enumerate(cases):
        net, x, Y = _backprop_case(i, sizes, g, output, loss, B)
        where = f"{_describe_case(sizes, g, output, loss, B)}, case {i + 1} of {len(cases)}"
        want = _params(backward(net, forward(net, x), Y), net.L)
        try:
            result = fn(net, forward(net, x), Y.copy())
        except Exception as err:  # the reader's code: any error is feedback, not a crash
            msg = f"raised {type(err).__name__}: {err} — {where}; {_raised_hint(err)}"
            return _cell(Feedback(False, "raised", name, msg), strict)
        got = _params(result, net.L)
        if got is None:
            msg = (
                "the result has no grad_W[1..L] and grad_b[1..L] of numbers — return "
                f"Gradients(grad_a, grad_h, grad_W, grad_b) with slot 0 None — {where}"
            )
            return _cell(Feedback(False, "type", name, msg), strict)
        if not _same_all(got, want, rtol, atol):
            hint = _diagnose_backprop(net, forward(net, x), Y, got, want, rtol, atol)
            reason = "mistake" if hint in _BACKPROP_BUGS.values() else "different"
            return _cell(Feedback(False, reason, name, f"{hint} — {where}"), strict)
    depths = sorted({len(sizes) - 1 for sizes, *_ in cases})
    msg = f"correct on all {len(cases)} networks (depths {depths[0]}–{depths[-1]})."
    return _cell(Feedback(True, "correct", name, msg), strict)
