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
the same lib calls: the training widget's runs are cached per (method, η, M) —
the cache is warmed before timing, and the cold cost of training a new η is
reported on its own line; the decision-boundary widget precomputes its epoch
snapshots at build time (both versions read them).
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


def naive_training(w: widgets.TrainingWidget, eta: float) -> bytes:
    losses = {m: w.history(m, eta, w.batch_size.value).loss[: w.epochs.value + 1] for m in widgets.METHODS}
    fig = plt.figure(figsize=(6.4, 3.4), dpi=80)
    ax = fig.add_subplot()
    for i, (m, y) in enumerate(losses.items()):
        ax.plot(
            np.arange(y.size), y, color=plots.OKABE_ITO[i], marker=plots.MARKERS[i], markevery=0.1, label=m
        )
    ax.set(yscale="log", xlabel="epoch", ylabel="training loss L(θ)", title=f"η = {eta:.3g}")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.subplots_adjust(left=0.11, right=0.78, bottom=0.15, top=0.9)
    png = encode(fig)
    plt.close(fig)
    return png


def naive_boundary(w: widgets.DecisionBoundaryWidget, epoch: int) -> bytes:
    rgb = w.plot.colours_of(w.probs[epoch])
    fig = plt.figure(figsize=(5.6, 4.2), dpi=80)
    ax = fig.add_subplot()
    ax.imshow(rgb, extent=w.plot.grid.extent, origin="lower", interpolation="bilinear", aspect="auto")
    for c in range(w.plot.k):
        pts = w.X[:, w.y == c]
        ax.scatter(*pts, s=14, color=plots.OKABE_ITO[c], marker=plots.MARKERS[c], edgecolors="black",
                   linewidths=0.4, label=f"class {c}")  # fmt: skip
    ax.set(
        xlabel="$x_1$",
        ylabel="$x_2$",
        title=f"epoch {epoch}: loss {w.loss[epoch]:.3f}, accuracy {w.accuracy[epoch]:.0%}",
    )
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
    fig.subplots_adjust(left=0.12, right=0.78, bottom=0.12, top=0.91)
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

    # Chapter 3: η slider over 9 grid values (cache warmed first), 3 runs of 30 epochs on 64 points.
    w = widgets.training_widget()
    etas = [10.0**p for p in np.arange(-2.0, 0.01, 0.25)]
    cold = []
    for eta in etas:
        t0 = time.perf_counter()
        w.eta.value = eta
        cold.append(1e3 * (time.perf_counter() - t0))
    seq = [etas[i % len(etas)] for i in range(n)]
    fast, slow = side_by_side(lambda v: setattr(w.eta, "value", v), lambda v: naive_training(w, v), seq)
    rows.append(("training (η slider, cached runs)", fast, slow))
    cold_p50 = float(np.median(cold))

    # Chapter 9: epoch slider over the 41 snapshots.
    b = widgets.decision_boundary_widget()
    seq = [int(e) for e in np.resize(np.arange(0, b.epoch.max + 1), n)]
    fast, slow = side_by_side(lambda v: setattr(b.epoch, "value", v), lambda v: naive_boundary(b, v), seq)
    rows.append(("decision boundary (epoch slider)", fast, slow))

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
    print(
        f"\ncold update of the training widget (a new η: trains GD, SGD and mini-batch for "
        f"{w.max_epochs} epochs on N = {w.X.shape[1]}), p50 over {len(etas)} values: {cold_p50:.0f} ms"
    )
    print(f"goal: in place ≥ {GOAL_SPEEDUP:.0f}× faster than naive and ≤ {GOAL_P50_MS:.0f} ms p50")


if __name__ == "__main__":
    main()
