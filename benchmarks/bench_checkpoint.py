"""What backpropagation costs (chapter 14), measured side by side in one run: float64, one thread.

1. backward / forward time of bp.forward, bp.backward (no ∇x) for L = 4 layers of width n,
   B = 256, against the counted ratio of multiply-adds (2L − 1)/L;
2. gradient checkpointing (backprop.checkpoint) for L = 32 and L = 64 layers of width 64,
   B = 256: per segment length m, the peak of stored floats (the pass's own count, equal to the
   formula), the peak tracemalloc sees, and the time relative to m = L (no recomputation)
   against the counted ratio.

Run: python benchmarks/bench_checkpoint.py   (prints two tables; times are the best of
alternated repeats)
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # before numpy is imported

import timeit  # noqa: E402
import tracemalloc  # noqa: E402

import backprop as bp  # noqa: E402
import numpy as np  # noqa: E402
from backprop import checkpoint as ck  # noqa: E402


def best_pair(fn_a, fn_b, repeats: int) -> tuple[float, float]:
    """Best of `repeats` alternated timings of fn_a() and fn_b(), in seconds."""
    t_a, t_b = [], []
    for _ in range(repeats):
        t_a.append(timeit.timeit(fn_a, number=1))
        t_b.append(timeit.timeit(fn_b, number=1))
    return min(t_a), min(t_b)


def forward_backward(rng) -> None:
    print("backward / forward, L = 4 layers of width n, B = 256 (no ∇x)")
    print(f"{'n':>5} {'forward':>11} {'backward':>11} {'measured':>9} {'counted':>8}")
    L, B = 4, 256
    for n in (32, 64, 128, 256, 512, 1024):
        net = bp.init((n,) * (L + 1), g="tanh", seed=n)
        x, y = rng.normal(size=(n, B)), rng.integers(0, n, size=B)
        fwd = bp.forward(net, x)
        repeats = max(5, min(100, int(2e8 / (n * n * B))))
        t_f, t_b = best_pair(
            lambda net=net, x=x: bp.forward(net, x),
            lambda net=net, fwd=fwd, y=y: bp.backward(net, fwd, y, input_grad=False),
            repeats,
        )
        F = sum(ck.forward_madds(net.sizes, B)[1:])
        C = sum(ck.backward_madds(net.sizes, B)[1:])
        print(f"{n:>5} {1e3 * t_f:>9.2f}ms {1e3 * t_b:>9.2f}ms {t_b / t_f:>9.2f} {C / F:>8.2f}")


def checkpointing(rng, L: int, n: int = 64, B: int = 256) -> None:
    sizes = (n,) * (L + 1)
    net = bp.init(sizes, g="tanh", output="identity", loss="squared_error", seed=L)
    x, y = rng.normal(size=(n, B)), rng.normal(size=(n, B))
    F, C = sum(ck.forward_madds(sizes, B)[1:]), sum(ck.backward_madds(sizes, B)[1:])
    print(f"\ncheckpointing, L = {L}, n = {n}, B = {B}; memory in units of n·B floats")
    print(f"{'m':>3} {'stored':>7} {'traced':>7} {'time':>6} {'counted':>8}")
    for m in sorted({1, 2, 3, 4, 5, 6, 8, 11, 16, L // 2, L - 1, L}):
        tracemalloc.start()
        res = ck.checkpointed_backward(net, x, y, m)
        traced = tracemalloc.get_traced_memory()[1] / 8
        tracemalloc.stop()
        assert res.peak == ck.peak_floats(sizes, B, m)
        t_none, t_m = best_pair(
            lambda: ck.checkpointed_backward(net, x, y, L),
            lambda m=m: ck.checkpointed_backward(net, x, y, m),
            7,
        )
        counted = (F + ck.extra_forward_madds(sizes, B, m) + C) / (F + C)
        best = " ← best m" if m == ck.best_segment_length(L) else ""
        stored, traced = res.peak / (n * B), traced / (n * B)
        print(f"{m:>3} {stored:>7.1f} {traced:>7.1f} {t_m / t_none:>6.2f} {counted:>8.2f}{best}")


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    forward_backward(rng)
    for L in (32, 64):
        checkpointing(rng, L)
