"""Write the answer checker's fixture set: the Python verdicts the JavaScript must repeat.

Usage: python tests/js/make_answer_fixtures.py [OUT]   (default tests/js/answer_fixtures.json,
committed; tests/test_answers.py fails when it is out of date)

Each case is an exercise (backprop.answers.box_state of a backprop.exercises.Exercise: what an
answer box ships to the page) and an answer, with the verdict of backprop.exercises.check: reason,
message and text.  tests/js/answers.test.mjs runs every case through js/answers.js (checkAnswer),
tests/test_answers.py through both checkers; reason and message must be identical.  The cases
cover every reason many times, every kind of known mistake (a number, a vector, a matrix, one of
another shape, one equal to the answer) and the edges: a number given as a 1-entry array, column
vs row vs 1-D vectors, empty and ragged lists, NaN and inf, strings, booleans, tolerances, B and
1/B, factors printed as fractions and as decimals (9/8 is "1.12", half to even).

Answers that JSON cannot hold are tagged: {"float": "nan" | "inf" | "-inf"}.
"""

from __future__ import annotations

import json
import math
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from backprop.answers import box_state, check_state
from backprop.exercises import Exercise

OUT = Path(__file__).with_name("answer_fixtures.json")
#: every reason of backprop.exercises.check, and how many cases each must have at least
REASONS = (
    "correct",
    "not_attempted",
    "type",
    "nonfinite",
    "mistake",
    "shape",
    "transposed",
    "sign",
    "factor",
    "close",
    "partial",
    "different",
)
MIN_PER_REASON = 8


def encode(value):
    """An answer as JSON: non-finite floats tagged, arrays as nested lists."""
    if isinstance(value, np.ndarray):
        return encode(value.tolist())
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return {"float": "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}
    return value


def decode(value):
    """encode's inverse (tests/test_answers.py, and its twin in answers.test.mjs)."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict) and set(value) == {"float"}:
        return float(value["float"])
    return value


def exercises() -> list[Exercise]:
    rng = np.random.default_rng(12)
    col = np.array([[0.2], [0.2], [-0.6], [0.2]])
    mat = np.array([[1.0, -2.0], [3.0, 0.5], [-1.5, 4.0]])
    sq = np.array([[0.3, -1.2], [2.5, 0.7]])
    big = rng.normal(size=(4, 3))
    return [
        Exercise("a number", 0.37),
        Exercise("zero", 0.0, atol=1e-9, hint="add the entries"),
        Exercise("an integer", 2, mistakes={"that is the transpose bug": 1, "that is the 1/B bug": 3}),
        Exercise("tiny", 3.2e-7, rtol=1e-4, atol=1e-12),
        Exercise("sign", -1.0, hint="0 < ŷ_i < 1"),
        Exercise(
            "∇_{a_L} L",
            col,
            mistakes={
                "that is ∇_ŷ L": np.array([[0.0], [0.0], [-2.5], [0.0]]),
                "that is ŷ itself": np.array([[0.2], [0.2], [0.4], [0.2]]),
                "the same as the answer (never shown)": col.copy(),
                "a row, not a column": col.T,
                "not numbers": "x",
                "has a NaN": np.array([[np.nan], [0.0], [0.0], [0.0]]),
            },
            hint="∇_{a_L} L = −(e(ℓ) − ŷ)",
        ),
        Exercise("∇_{W_3} L", mat, mistakes={"you used a_2, not h_2": mat + 0.25}),
        Exercise("∇_{W_2} L (batch)", mat / 5, batch_size=5, hint="the mean's 1/B"),
        Exercise("square", sq, batch_size=4),
        Exercise("row", np.array([[1.5, -0.5, 2.0]])),
        Exercise("flat", np.array([1.0, 2.0, -3.0])),
        Exercise("one entry matrix", np.array([[2.5]])),
        Exercise("big", big, rtol=1e-5, atol=1e-10, mistakes={"a scalar mistake": 0.5}),
        Exercise("∂L/∂W_312", -0.0421875, mistakes={"you swapped i and j": 0.0184}, batch_size=8),
        # a mistake within tolerance of the answer is never named (tolerances are not transitive)
        Exercise("near mistake", 1.0, mistakes={"too near to tell": 1.0 + 0.9e-6}),
        Exercise("zeros", np.array([[0.0, 1.0], [2.0, 0.0]]), mistakes={"the diagonal only": np.eye(2)}),
    ]


def answers(e: np.ndarray, rng) -> list:
    """Many answers to an exercise whose expected value is e: right, wrong in every way, odd."""
    out = [None, "abc", "", True, False, {}, [], [[]], [[1.0, 2.0], [3.0]], [1.0, [2.0]], [[[1.0]]]]
    out += [e, e + 1e-9 * np.abs(e), e.tolist(), e + 5e-10, e - 3e-9, e + 1.8e-6]  # atol, rtol
    out += [np.full(e.shape, np.nan), np.full(e.shape, np.inf), np.full(e.shape, -np.inf)]
    if e.ndim == 0:
        x = float(e)
        out += [[x], [[x]], [[x, x]], -x, x * 1.001, x * (1 + 2e-6), round(x, 2), x + 1, 2 * x]
        out += [x * c for c in (0.5, 3, -2, 1.5, 9 / 8, 0.37, 1 / 8, 1 / 5, 5, 8, -8, 17, 1 / 17)]
        out += [x + 0.3, 0.0, 1.0, [None]]
        return out
    flat = e.ravel()
    out += [-e, flat, flat.tolist(), flat.reshape(1, -1), flat.reshape(-1, 1), e * 1.003, e * (1 + 3e-6)]
    out += [np.round(e, 2), np.round(e, 1), np.zeros(e.shape), np.ones(e.shape), np.zeros((7, 7))]
    out += [e * c for c in (2, 0.5, -3, 1.5, 9 / 8, 0.37, -0.37, 1 / 4, 4, 1 / 5, 5, 8, 1 / 8, -5)]
    if e.ndim == 2:
        out += [e.T, e.T.tolist(), -e.T, np.vstack([e, e]), e[:, :1]]
    one = e.copy()
    one.flat[-1] += 1.0
    out += [one]
    two = e.copy()
    two.flat[0] += 7.0
    out += [two, e + rng.normal(size=e.shape)]
    if e.size > 1:
        nan_one = e.copy().astype(float)
        nan_one.flat[0] = np.nan
        out += [nan_one]
        holed = e.tolist()
        holed_flat = holed if e.ndim == 1 else holed[0]
        holed_flat[0] = None  # numpy reads None inside an array as nan
        out += [holed]
    return out


def _case(n: int, label: str, state: dict, answer) -> dict:
    fb = check_state(answer, state)
    return {
        "id": label,
        "exercise": n,
        "answer": encode(answer),
        "correct": fb.correct,
        "reason": fb.reason,
        "message": fb.message,
        "text": fb.text,
    }


def fixtures() -> dict:
    """{"reasons": counts, "exercises": [box_state, ...], "cases": [{exercise: index, ...}, ...]}."""
    rng = np.random.default_rng(7)
    states, cases = [], []
    for n, ex in enumerate(exercises()):
        state = box_state(ex)
        states.append(state)
        e = np.asarray(state["expected"], dtype=float)
        cases += [_case(n, f"{ex.name} #{k}", state, a) for k, a in enumerate(answers(e, rng))]
        # every known mistake, given as the answer
        cases += [_case(n, f"{ex.name}: mistake {hint!r}", state, wrong) for hint, wrong in state["mistakes"]]
    counts = Counter(c["reason"] for c in cases)
    thin = {r: counts[r] for r in REASONS if counts[r] < MIN_PER_REASON}
    if thin or set(counts) - set(REASONS):
        raise RuntimeError(f"too few cases for {thin}, or unknown reasons in {dict(counts)}")
    return {"reasons": dict(sorted(counts.items())), "exercises": states, "cases": cases}


def dumps(data: dict) -> str:
    """The fixture file's text: one exercise or case a line (stable, reviewable diffs)."""

    def line(obj) -> str:
        return json.dumps(obj, ensure_ascii=False, allow_nan=False)

    parts = [f' "reasons": {line(data["reasons"])}']
    parts.append(' "exercises": [\n' + ",\n".join(f"  {line(x)}" for x in data["exercises"]) + "\n ]")
    parts.append(' "cases": [\n' + ",\n".join(f"  {line(c)}" for c in data["cases"]) + "\n ]")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def main(argv: list[str]) -> None:
    out = Path(argv[1]) if len(argv) > 1 else OUT
    data = fixtures()
    out.write_text(dumps(data), encoding="utf-8")
    print(f"{out}: {len(data['cases'])} cases, {data['reasons']}")


if __name__ == "__main__":
    main(sys.argv)
