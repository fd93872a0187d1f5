"""Chapter 13 (autodiff): the checks of the tooling behind the chapter, out of the reader's text.

The chapter's explorer (graph_explorer(), the same call as the chapter's) against the lib, and
the chapter's own namespace: its network graph reproduces bp.backward.
"""

import backprop as bp
import numpy as np
from backprop import autodiff as ad
from backprop import graph_widget as gw
from backprop.gradcheck import rel_error
from chapter_ns import run_chapter


def test_the_chapter_runs_and_its_graph_is_the_lib():
    ns = run_chapter("13_autodiff")
    sweep = ad.backward(ns["G"].loss)
    lib = bp.backward(ns["net"], ns["fwd"], ns["labels"])
    for k in (1, 2):
        assert rel_error(sweep.grad(ns["G"].W[k]), lib.grad_W[k]) < 1e-12
    assert isinstance(ns["sweep_explorer"], gw.GraphExplorer)
    assert [row[0] for row in ns["table"]] == [1, 4, 16, 64, 256, 1024]


def test_the_explorer_steps_through_the_lib_sweep():
    ex = gw.graph_explorer()
    for spec in ex.graphs:
        ex.selected = spec["name"]
        root = gw.from_spec(spec)
        lib_steps = ad.backward(root).steps
        n = len(spec["nodes"])
        for step in range(n + 1):
            ex.step = step
            r = ex.readout()
            assert r["step"] == step
            if step:
                assert np.isclose(
                    r["steps"][step - 1]["grad"], float(np.ravel(lib_steps[step - 1].grad)[0]), rtol=1e-15
                )
                assert r["current"] == r["order"][step - 1]
        ex.step = 0
