"""backprop.checkpoint: the cost model and the checkpointed backward pass (chapter 14)."""

from __future__ import annotations

import math
import sys
import tracemalloc
from pathlib import Path

import backprop as bp
import numpy as np
import pytest
from backprop import checkpoint as ck
from backprop.checkpoint_explorer import CheckpointExplorer, checkpoint_explorer
from netcases import ACTIVATION_NAMES, PAIRS, random_problem

JS_TESTS = Path(__file__).resolve().parent / "js"


def _cases(n: int, seed: int):
    rng = np.random.default_rng(seed)
    for i in range(n):
        L = int(rng.integers(1, 9))
        sizes = [int(v) for v in rng.integers(1, 7, size=L + 1)]
        output, loss = PAIRS[i % len(PAIRS)]
        if output == "softmax":
            sizes[-1] = max(2, sizes[-1])
        g = ACTIVATION_NAMES[i % len(ACTIVATION_NAMES)]
        yield random_problem(tuple(sizes), g, output, loss, B=int(rng.integers(1, 5)), seed=1000 + i)


@pytest.mark.parametrize("chunk", range(4))
def test_checkpointed_gradients_equal_backward(chunk):
    # 120 random networks (every activation, every output/loss pair, depth 1–8), every m in 1..L+1
    for net, x, y in _cases(30, seed=chunk):
        fwd = bp.forward(net, x)
        want = bp.backward(net, fwd, y, input_grad=True)
        want_loss = bp.network.loss(net, fwd, y)
        for m in range(1, net.L + 2):
            got = ck.checkpointed_backward(net, x, y, m, input_grad=True)
            for k in range(1, net.L + 1):
                assert np.max(np.abs(got.grads.grad_W[k] - want.grad_W[k])) <= 1e-12
                assert np.max(np.abs(got.grads.grad_b[k] - want.grad_b[k])) <= 1e-12
            assert np.max(np.abs(got.grads.grad_h[0] - want.grad_h[0])) <= 1e-12
            assert abs(got.loss - want_loss) <= 1e-12 * max(1.0, abs(want_loss))
            # the measured memory and recomputation equal the formulas exactly
            assert got.memory == ck.checkpoint_memory(net.sizes, x.shape[1], m)
            assert got.peak == ck.peak_floats(net.sizes, x.shape[1], m)
            assert got.recomputed == ck.recomputed_layers(net.L, m)
            assert got.extra_madds == ck.extra_forward_madds(net.sizes, x.shape[1], m)


def test_without_input_gradient():
    net, x, y = random_problem((4, 5, 3, 3), "tanh", "softmax", "cross_entropy", B=3, seed=7)
    got = ck.checkpointed_backward(net, x, y, 2)
    want = bp.backward(net, bp.forward(net, x), y, input_grad=False)
    assert got.grads.grad_h[0] is None
    for k in (1, 2, 3):
        assert np.max(np.abs(got.grads.grad_W[k] - want.grad_W[k])) <= 1e-12


def test_madds_closed_form():
    sizes, B = (5, 7, 3, 2), 4
    assert ck.forward_madds(sizes, B) == [None, 7 * 5 * 4, 3 * 7 * 4, 2 * 3 * 4]
    assert ck.backward_madds(sizes, B) == [None, 7 * 5 * 4, 2 * 3 * 7 * 4, 2 * 2 * 3 * 4]
    assert ck.backward_madds(sizes, B, input_grad=True) == [None, 2 * 7 * 5 * 4, 2 * 3 * 7 * 4, 2 * 2 * 3 * 4]


def test_plain_forward_stores_exactly_the_formula():
    # Forward's arrays (h_0 = x, every a_k, h_k) hold B (n_0 + 2 Σ n_k) float64s.
    for net, x, _ in _cases(20, seed=9):
        fwd = bp.forward(net, x)
        arrays = [fwd.h[0]] + fwd.a[1:] + fwd.h[1:]
        assert sum(arr.nbytes for arr in arrays) == 8 * ck.stored_floats(net.sizes, x.shape[1])
        # m ≥ L is one segment: the plain pass
        assert ck.peak_floats(net.sizes, x.shape[1], net.L) == ck.stored_floats(net.sizes, x.shape[1])


def test_checkpoints_and_segments():
    assert ck.checkpoints(10, 3) == (0, 3, 6, 9)
    assert ck.segments(10, 3) == [(1, 3), (4, 6), (7, 9), (10, 10)]
    assert ck.recomputed_layers(10, 3) == 9
    assert ck.segments(4, 9) == [(1, 4)]
    assert ck.recomputed_layers(4, 9) == 0


def test_uniform_peak_is_peak_floats_and_best_m_near_sqrt():
    for L in range(1, 60):
        for m in range(1, L + 2):
            assert ck.uniform_peak(L, 3, 2, m) == ck.peak_floats((3,) * (L + 1), 2, m)
        best = ck.best_segment_length(L)
        assert abs(best - math.sqrt(L / 2)) <= 1.5
        # the minimum is about 2√(2L) n B floats, against (2L + 1) n B without checkpointing
        assert ck.uniform_peak(L, 1, 1, best) <= 2 * math.sqrt(2 * L) + 3


def test_tracemalloc_sees_the_saving():
    # An independent measurement: the peak of memory numpy allocates (tracemalloc) during the
    # whole pass, checkpointed at the best m against m = L, for a deep, wide network.
    L, n, B = 32, 32, 256
    net = bp.init((n,) * (L + 1), g="tanh", output="identity", loss="squared_error", seed=0)
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(n, B)), rng.normal(size=(n, B))
    peaks = {}
    for m in (L, ck.best_segment_length(L)):
        tracemalloc.start()
        ck.checkpointed_backward(net, x, y, m)
        peaks[m] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    ratio = peaks[ck.best_segment_length(L)] / peaks[L]
    # stored floats alone: 16/65 ≈ 0.25 (temporaries and gradients come on top of both)
    assert ratio < 0.5, peaks


@pytest.mark.parametrize(
    "call",
    [
        lambda: ck.checkpoints(0, 1),
        lambda: ck.checkpoints(4, 0),
        lambda: ck.forward_madds((3,), 1),
        lambda: ck.forward_madds((3, 2), 0),
        lambda: ck.stored_floats((3, -2), 1),
        lambda: ck.checkpointed_backward(bp.init((2, 2)), np.zeros((2, 1)), [0], 0),
        lambda: ck.checkpointed_backward(bp.init((2, 2)), np.zeros((3, 1)), [0], 1),
    ],
)
def test_bad_input_is_a_value_error(call):
    with pytest.raises(ValueError):
        call()


def test_explorer_readouts_and_limits():
    ex = checkpoint_explorer(L=16, m=4, n=100)
    r = ex.readouts()
    assert r["peak"] == ck.peak_floats((100,) * 17, 1, 4) == 100 * (4 + 8)
    assert r["plain"] == 100 * 33
    assert r["recomputed"] == 12
    assert r["extra"] == 12 * 100 * 100
    ex.m = 40  # m ≥ L is one segment
    assert ex.readouts()["m"] == 16 and ex.readouts()["recomputed"] == 0
    with pytest.raises(Exception, match="L must be an integer in 1..48"):
        ex.L = 0
    with pytest.raises(Exception, match="n must be"):
        CheckpointExplorer(n=5)


def test_explorer_esm_is_the_js_files_bundled():
    from backprop import jsmodules

    ex = CheckpointExplorer()
    assert ex._esm == jsmodules.bundle("keys.js", "checkpoint_view.js") and "export default" in ex._esm
    assert not [line for line in ex._esm.splitlines() if line.startswith("import ")]  # self-contained


def test_js_fixtures_are_up_to_date():
    sys.path.insert(0, str(JS_TESTS))
    try:
        import make_checkpoint_fixtures
    finally:
        sys.path.remove(str(JS_TESTS))
    committed = (JS_TESTS / "checkpoint_fixtures.json").read_text("utf-8")
    assert committed == make_checkpoint_fixtures.text(), (
        "tests/js/checkpoint_fixtures.json is out of date: run "
        "`PYTHONPATH=lib .venv/bin/python tests/js/make_checkpoint_fixtures.py`"
    )


def test_counted_products_of_the_lib_equal_the_formulas():
    # The products bp.forward and bp.backward really make, logged, against the cost model.
    for net, x, y in _cases(24, seed=5):
        B = x.shape[1]
        for input_grad in (False, True):
            fwd_log, bwd_log = ck.counted_products(net, x, y, input_grad=input_grad)
            assert [p * q * r for p, q, r in fwd_log] == ck.forward_madds(net.sizes, B)[1:]
            want = sum(ck.backward_madds(net.sizes, B, input_grad)[1:])
            assert sum(p * q * r for p, q, r in bwd_log) == want
            assert len(bwd_log) == 2 * net.L - (0 if input_grad else 1)


def test_front_end_updates_reach_python(caplog):
    # What the kernel does with the front end's `update` message when the reader moves the
    # sliders (L and m together when L drops below m); the readouts follow, nothing is logged.
    import logging

    ex = checkpoint_explorer(L=16, m=4, n=100)
    for state in ({"L": 30}, {"m": 7}, {"n": 250}, {"L": 5, "m": 5}):
        with caplog.at_level(logging.WARNING):
            ex._handle_msg(
                {"content": {"data": {"method": "update", "state": state, "buffer_paths": []}}, "buffers": []}
            )
        for trait, value in state.items():
            assert getattr(ex, trait) == value
    assert not caplog.records, [r.getMessage() for r in caplog.records]
    r = ex.readouts()
    assert (r["m"], r["recomputed"], r["peak"]) == (5, 0, ck.stored_floats((250,) * 6, 1))
