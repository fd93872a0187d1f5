"""Forward mode vs reverse mode on the chain of Jacobians of chapter 13, measured side by side.

Usage: PYTHONPATH=lib .venv/bin/python benchmarks/bench_modes.py

For a network n_0 → 32 → 32 → 32 → 3 (tanh, softmax, one example) and n_0 from 1 to 4096, the
Jacobians of backprop.modes.layer_jacobians are multiplied in both orders by
backprop.modes.multiply_chain; the table gives the multiply-adds each order counts, the median
wall time of each (numpy, float64) and both ratios, so the counted and the timed advantage of
reverse mode can be read next to each other.
"""

from __future__ import annotations

import statistics
import time

import backprop as bp
import numpy as np
from backprop import modes

HIDDEN = (32, 32, 32)
REPEATS = 41


def median_seconds(f) -> float:
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    print(
        f"{'n_0':>5} {'fwd madds':>11} {'rev madds':>10} {'ratio':>6}"
        f"  {'fwd µs':>8} {'rev µs':>7} {'ratio':>6}"
    )
    for n_0 in (1, 4, 16, 64, 256, 1024, 4096):
        net = bp.init((n_0, *HIDDEN, 3), g="tanh", seed=n_0)
        x = np.random.default_rng(n_0).normal(size=(n_0, 1))
        J = modes.layer_jacobians(net, x, np.array([1]))
        fw, rv = modes.multiply_chain(J, "forward"), modes.multiply_chain(J, "reverse")
        t_fw = median_seconds(lambda J=J: modes.multiply_chain(J, "forward"))
        t_rv = median_seconds(lambda J=J: modes.multiply_chain(J, "reverse"))
        print(
            f"{n_0:>5} {fw.multiply_adds:>11,} {rv.multiply_adds:>10,}"
            f" {fw.multiply_adds / rv.multiply_adds:>6.1f}"
            f"  {t_fw * 1e6:>8.1f} {t_rv * 1e6:>7.1f} {t_fw / t_rv:>6.1f}"
        )


if __name__ == "__main__":
    main()
