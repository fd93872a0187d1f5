"""Tests of backprop.answers: the answer boxes, and the two checkers agreeing word for word.

tests/js/answer_fixtures.json (committed) holds exercises, answers and the Python checker's
verdicts; here every case goes through backprop.exercises.check and through js/answers.js (run by
node), and both must give the fixture's reason and message.  The fixture must be what
tests/js/make_answer_fixtures.py writes today.
"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from backprop import answers as A
from backprop.exercises import Exercise, ExerciseFeedback, Feedback, check_backprop, check_function, messages

ROOT = Path(__file__).resolve().parent.parent
JS = ROOT / "lib" / "backprop" / "js"
FIXTURES = ROOT / "tests" / "js" / "answer_fixtures.json"
sys.path.insert(0, str(ROOT / "tests" / "js"))
import make_answer_fixtures as M  # noqa: E402

VIEW_MIME = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def fixtures() -> dict:
    return json.loads(FIXTURES.read_text("utf-8"))


def test_the_committed_fixture_is_up_to_date():
    assert FIXTURES.read_text("utf-8") == M.dumps(M.fixtures()), (
        "tests/js/answer_fixtures.json is out of date: run "
        "`PYTHONPATH=lib .venv/bin/python tests/js/make_answer_fixtures.py` and commit it"
    )


def test_python_checker_gives_every_fixture_verdict(fixtures):
    for c in fixtures["cases"]:
        fb = A.check_state(M.decode(c["answer"]), fixtures["exercises"][c["exercise"]])
        assert (fb.reason, fb.message, fb.text) == (c["reason"], c["message"], c["text"]), c["id"]


NODE_VERDICTS = """
import { readFileSync } from "node:fs";
import { checkAnswer, feedbackText } from "%(answers)s";
const fx = JSON.parse(readFileSync(%(fixtures)s, "utf8"));
const messages = JSON.parse(readFileSync(%(messages)s, "utf8"));
const decode = (v) => Array.isArray(v) ? v.map(decode)
  : v && typeof v === "object" && Object.keys(v).length === 1 && "float" in v
  ? { nan: NaN, inf: Infinity, "-inf": -Infinity }[v.float] : v;
const out = fx.cases.map((c) => {
  const fb = checkAnswer(decode(c.answer), fx.exercises[c.exercise], messages);
  return [fb.correct, fb.reason, fb.message, feedbackText(fb)];
});
process.stdout.write(JSON.stringify(out));
"""


def test_javascript_and_python_checkers_agree_on_every_fixture(fixtures):
    node = shutil.which("node")
    assert node, "node (Node.js ≥ 18) is needed to run the answer boxes' checker"
    script = NODE_VERDICTS % {
        "answers": (JS / "answers.js").as_uri(),
        "fixtures": json.dumps(str(FIXTURES)),
        "messages": json.dumps(str(JS / "answer_messages.json")),
    }
    run = subprocess.run(
        [node, "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60, check=True
    )
    js = json.loads(run.stdout)
    assert len(js) == len(fixtures["cases"])
    for c, (correct, reason, message, text) in zip(fixtures["cases"], js, strict=True):
        fb = A.check_state(M.decode(c["answer"]), fixtures["exercises"][c["exercise"]])
        assert (correct, reason, message, text) == (fb.correct, fb.reason, fb.message, fb.text), c["id"]


def test_every_message_template_is_used_by_both_checkers():
    """Both sides name every template of answer_messages.json, and no other."""
    keys = set(messages())
    for path in (JS / "answers.js", ROOT / "lib" / "backprop" / "exercises.py"):
        text = path.read_text("utf-8")
        assert not [k for k in keys if f'"{k}"' not in text], path.name
        said = set(re.findall(r'say\((?:messages, )?\s*"(\w+)"', text))
        said |= set(re.findall(r'"(different_\w+)"', text))  # chosen by a conditional expression
        assert said <= keys, (path.name, said - keys)


# ------------------------------------------------------------------ the boxes

EX = Exercise(
    "∇_{W_2}",
    np.array([[1.0, -2.0], [3.0, 0.5]]),
    batch_size=4,
    mistakes={"you used a_1": np.ones((2, 2)), "not numbers": "x", "a NaN": np.full((2, 2), np.nan)},
    hint="∇_{W_k} = ∇_{a_k} h_{k−1}ᵀ",
)


def test_an_answer_cell_shows_a_box_a_solution_does_not():
    fb = EX.check(None)
    assert isinstance(fb, ExerciseFeedback) and isinstance(fb, Feedback) and fb.exercise is EX
    assert tuple(fb) == tuple(EX.check(None, strict=False)) and fb.reason == "not_attempted"
    bundle, _ = fb._repr_mimebundle_()
    assert bundle["text/plain"] == fb.text and "backprop-feedback" in bundle["text/html"]
    assert VIEW_MIME in bundle
    solved = EX.check(EX.expected, strict=True)
    assert type(solved) is Feedback and solved.correct


def test_box_state_ships_what_the_checker_needs_and_json_can_hold():
    state = A.box_state(EX)
    assert state == {
        "name": "∇_{W_2}",
        "expected": [[1.0, -2.0], [3.0, 0.5]],
        "rtol": 1e-6,
        "atol": 1e-9,
        "batch_size": 4,
        "mistakes": [["you used a_1", [[1.0, 1.0], [1.0, 1.0]]]],  # the string and the NaN can never match
        "hint": "∇_{W_k} = ∇_{a_k} h_{k−1}ᵀ",
    }
    json.dumps(state, allow_nan=False)
    for answer in (None, np.ones((2, 2)), EX.expected.T, 4 * EX.expected, "x", np.full((2, 2), np.nan)):
        assert A.check_state(answer, state) == EX.check(answer), answer


def test_one_library_widget_carries_the_module_for_every_box():
    boxes = [A.answer_box(EX.check(a)) for a in (None, EX.expected, 2 * EX.expected)]
    assert len({id(b._library) for b in boxes}) == 1 and boxes[0]._library is A.library()
    assert all(b._esm == A.STUB_ESM for b in boxes)
    assert A.library()._esm == A.esm_source() and A.esm_source().count(A.MODULE_MARKER) == 1
    assert A.MODULE_MARKER not in A.STUB_ESM
    assert "\nimport " not in A.esm_source() and "export default" in A.esm_source()
    assert A.library().messages == messages() and A.library().palette["wrong"]["border"] == "#D55E00"


def test_the_box_starts_from_the_cells_answer_and_verdict():
    box = A.answer_box(EX.check(2 * EX.expected))
    assert box.typed == "2.0, -4.0; 6.0, 1.0"
    assert box.feedback["reason"] == "factor" and box.feedback == dict(EX.check(2 * EX.expected)._asdict())
    assert A.answer_box(EX.check(None)).typed == ""
    assert A.typed_text(np.array([1.0, 2.0])) == "[1.0, 2.0]" and A.typed_text(0.25) == "0.25"


def test_typed_text_reaches_python():
    box = A.answer_box(EX.check(None))
    box.set_state({"typed": "1, 3\n-2, 0.5"})  # what the front end sends when the reader checks
    assert box.check_typed().reason == "transposed"
    box.set_state({"typed": "1, -2; 3, 1/2"})
    assert box.check_typed().correct
    box.set_state({"typed": "[[1, -2], [3, 0.5]]"})
    assert box.check_typed() is None  # brackets: the JavaScript's to read


def test_function_exercises_say_they_need_python_and_get_no_box():
    fx = Exercise("f(z)", lambda z: 2 * z, inputs=[1.0, 2.0])
    for fb in (fx.check(None), fx.check(lambda z: z), check_backprop(None), check_function(None, abs)):
        bundle, _ = fb._repr_mimebundle_()
        assert VIEW_MIME not in bundle
        assert "only Python can run it" in bundle["text/html"] and "Jupyter" in bundle["text/html"]
        assert "Python" not in fb.text  # nbval's text stays the verdict
    assert type(fx.check(lambda z: 2 * z, strict=True)) is Feedback
