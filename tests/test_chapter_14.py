"""Chapter 14 (what backpropagation costs): its explorer and its exercises' checkers.

The chapter's own cells assert its formulas; these tests check the tooling: the explorer the
chapter shows (same builder call) and the exercise checkers (each listed mistake is caught,
each solution accepted), running only the cells that define them (the timing cells are slow).
"""

import pytest
from backprop import checkpoint as ck
from backprop.checkpoint_explorer import checkpoint_explorer
from chapter_ns import code_cells


@pytest.fixture(scope="module")
def exercises():
    cells = code_cells("14_cost")
    ns: dict = {}
    exec(cells[0], ns)  # the imports
    defining = [c for c in cells if "ex1 = Exercise(" in c]
    assert len(defining) == 1
    exec(defining[0], ns)
    return ns


def test_explorer_matches_exercise_5():
    ex = checkpoint_explorer(L=16, m=4, n=100)  # as in the chapter
    r = ex.readouts()
    assert r["recomputed"] == 12 and r["segments"] == 4
    assert abs(r["extra"] / (r["forward"] + r["backward"]) - 12 / 47) < 1e-15


def test_exercise_checkers(exercises):
    ns = exercises
    for name in ("ex1", "ex2", "ex4", "ex5"):
        ex = ns[name]
        assert ex.check(ex.expected).correct
        for message, wrong in (ex.mistakes or {}).items():
            fb = ex.check(wrong)
            assert not fb.correct and message in fb.message, (name, message, fb.message)
        assert not ex.check(None).correct
    assert ns["ex1"].expected == 256 * 784 * 64 + 2 * 128 * 256 * 64 + 2 * 10 * 128 * 64
    assert ns["ex2"].expected == 64 * (784 + 2 * (256 + 128 + 10))


def test_exercise_3_rejects_the_rough_form(exercises):
    ex3 = exercises["ex3"]
    assert not ex3.check(lambda L, m: L / m + 2 * m).correct  # the approximation is not exact
    assert not ex3.check(lambda L, m: ck.uniform_peak(int(L), 1, 1, int(m)) + 1).correct
    assert ex3.check(lambda L, m: ck.uniform_peak(int(L), 1, 1, int(m))).correct
