"""Chapter 15 (deep networks): the tooling checks that stay off the reader's page.

Built with the chapter's own cells (its imports and its folded exercise set-up; the measuring
cells are left out, they assert for themselves under nbval): its checkers reject the mistakes
they name, with the hint for each, and hold the solutions' values; its explorer is the lib's
network.
"""

from __future__ import annotations

import numpy as np
import pytest
from backprop import gradnorm as G
from chapter_ns import code_cells


@pytest.fixture(scope="module")
def ns():
    import matplotlib

    matplotlib.use("Agg")
    code = code_cells("15_deep_networks")
    wanted = [code[0]] + [src for src in code if src.startswith("ex_15_1 = Exercise(")]
    assert len(wanted) == 2, "the chapter's imports and its exercise set-up cell"
    namespace: dict = {}
    for src in wanted:
        exec(compile(src, "15_deep_networks.ipynb", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("name", ["ex_15_1", "ex_15_2", "ex_15_3", "ex_15_4", "ex_15_5"])
def test_checkers_name_each_mistake(ns, name):
    ex = ns[name]
    assert ex.check(None).reason == "not_attempted"
    assert ex.mistakes and len(ex.mistakes) >= 2
    for hint, wrong in ex.mistakes.items():
        fb = ex.check(wrong)
        assert not fb.correct and fb.reason == "mistake" and hint in fb.message, (name, hint, fb)


def test_solutions_are_right(ns):
    assert abs(ns["ex_15_1"].expected - 0.01) < 1e-15
    assert abs(ns["ex_15_2"].expected - 1 / 32) < 1e-15
    np.testing.assert_allclose(ns["ex_15_3"].expected, [[0.93, -0.515]], rtol=1e-12)
    assert abs(ns["ex_15_4"].expected - np.sqrt(1 / 200)) < 1e-15
    assert abs(ns["ex_15_5"].expected - 0.25) < 1e-15


def test_the_explorers_of_chapters_8_and_15_are_the_libs_networks():
    for settings in (dict(depth=16, width=32, g="relu", scheme="he"),
                     dict(depth=30, width=16, g="sigmoid", scheme="lecun")):  # fmt: skip
        w = G.GradNormExplorer(**settings)
        net = w.network()
        assert net.sizes == (settings["width"],) * settings["depth"] + (G.CLASSES,)
        norms = w.norms()
        assert len(norms.grad_a) == settings["depth"] + 1 and all(v > 0 for v in norms.grad_a[1:])
    # chapter 8's start: the sigmoid's gradient vanishes through 30 layers of width 16
    sig = G.explorer_norms(30, 16, "sigmoid", "lecun").grad_a
    assert sig[1] / sig[30] < 1e-12
