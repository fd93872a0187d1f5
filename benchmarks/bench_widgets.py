"""Python widgets: ms per update, in place (backprop.widgets) vs a naive `interact` that rebuilds the figure.

Run:  .venv/bin/python benchmarks/bench_widgets.py [--updates 40]

For each widget the same sequence of control values is applied twice per step,
alternating, in one run:

* in place — set the control's value; the widget's callback asks the lib for the
  numbers, updates the existing artists, redraws (Agg, blitting when the axes
  limits did not change) and encodes the PNG its Image shows;
* naive — what `interact` with a plotting function does: plt.figure(), plot
  everything, fig.canvas.draw(), encode the same PNG, plt.close().

Both include the canvas draw and the PNG encoding.  Both get their numbers from
the same lib calls: the depth widget builds three deep networks and runs
forward/backward on every update (in both versions).  (Chapters 3 and 9 train in
the page: benchmarks/bench_trainer.py.)
"""

from __future__ import annotations

import argparse
import io
import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from backprop import plots, widgets  # noqa: E402
from PIL import Image  # noqa: E402

GOAL_SPEEDUP, GOAL_P50_MS = 3.0, 50.0


def encode(fig) -> bytes:
    """Draw and encode as the widgets do (PNG, zlib level 1)."""
    fig.canvas.draw()
    buf = io.BytesIO()
    Image.fromarray(np.asarray(fig.canvas.buffer_rgba())[..., :3]).save(buf, format="png", compress_level=1)
    return buf.getvalue()


# ------------------------------------------------------------------ naive versions


def naive_depth(w: widgets.VanishingGradientsWidget, depth: int) -> bytes:
    norms = {g: widgets.layer_gradient_norms(w.network(g, depth), w.x, w.labels) for g in widgets.ACTIVATIONS}
    fig = plt.figure(figsize=(6.4, 3.4), dpi=80)
    ax = fig.add_subplot()
    for i, (g, v) in enumerate(norms.items()):
        ax.plot(np.arange(1, v.size + 1), v, color=plots.OKABE_ITO[i], marker=plots.MARKERS[i], label=g)
    ax.set(yscale="log", xlabel="layer k", ylabel=r"$\|\nabla_{a_k} L\|$", title=f"{depth} hidden layers")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.subplots_adjust(left=0.14, right=0.8, bottom=0.15, top=0.9)
    png = encode(fig)
    plt.close(fig)
    return png


# ------------------------------------------------------------------ timing


def side_by_side(set_value, naive, values) -> tuple[np.ndarray, np.ndarray]:
    """ms per update for the in-place widget and the naive rebuild, alternating on each value."""
    fast, slow = [], []
    set_value(values[-1])  # first draw outside the timing, for both
    naive(values[-1])
    for v in values:
        t0 = time.perf_counter()
        set_value(v)
        t1 = time.perf_counter()
        naive(v)
        t2 = time.perf_counter()
        fast.append(1e3 * (t1 - t0))
        slow.append(1e3 * (t2 - t1))
    return np.array(fast), np.array(slow)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=40, help="updates timed per widget")
    n = parser.parse_args().updates

    rows = []

    # Chapter 8: depth slider 2..30, three activations, lib forward/backward in every update.
    d = widgets.vanishing_gradients_widget(activation="all")
    seq = [int(v) for v in np.resize(np.arange(2, 31, 3), n)]
    fast, slow = side_by_side(lambda v: setattr(d.depth, "value", v), lambda v: naive_depth(d, v), seq)
    rows.append(("vanishing gradients (depth slider)", fast, slow))

    header = (
        f"{'widget':<38} {'in place p50':>12} {'p95':>7} {'naive p50':>10} {'p95':>7} {'speed-up':>9}  goal"
    )
    print(f"{n} updates per widget, ms per update (lib call + artist update + Agg draw + PNG encode)\n")
    print(header)
    print("-" * len(header))
    for name, fast, slow in rows:
        f50, f95, s50, s95 = (float(np.percentile(a, q)) for a in (fast, slow) for q in (50, 95))
        speedup = s50 / f50
        ok = "ok" if speedup >= GOAL_SPEEDUP and f50 <= GOAL_P50_MS else "MISSED"
        print(f"{name:<38} {f50:>12.1f} {f95:>7.1f} {s50:>10.1f} {s95:>7.1f} {speedup:>8.1f}×  {ok}")
    print(f"goal: in place ≥ {GOAL_SPEEDUP:.0f}× faster than naive and ≤ {GOAL_P50_MS:.0f} ms p50")


if __name__ == "__main__":
    main()
