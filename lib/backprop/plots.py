"""Figures built once and updated in place: loss curves, decision boundaries, bars, tangents, depth.

Chapters 2 (bars of ŷ and the one-hot target), 3 (loss curves of GD, SGD and
mini-batch), 5–7 (bars of gradients), 8 (g, g′ and the tangent; gradient norms
through depth), 9 (a decision boundary while training) and the Python widgets
in `backprop.widgets`, which redraw these figures on every slider move.

Every builder makes its matplotlib Figure once (an Agg canvas, not pyplot, so
no stray figure leaks into a notebook's outputs) and returns a small object that
holds `fig` and its artists, with `update(...)` that changes the artists' data in
place (Line2D.set_data, Rectangle.set_height, AxesImage.set_data) and never adds
artists.  The objects only draw the arrays they are given: the numbers come
from the lib.  Each has `alt_text()` (a sentence describing the current figure)
and shows itself in a notebook as a PNG <img> carrying that alt text.

Colours are the Okabe–Ito palette (safe for colour-blind readers); classes also
differ by marker shape.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

__all__ = [
    "OKABE_ITO",
    "DecisionBoundary",
    "FunctionTangent",
    "GradientNorms",
    "Grid",
    "LossCurves",
    "VectorBars",
    "decision_boundary",
    "function_tangent",
    "gradient_norms",
    "grid",
    "loss_curves",
    "vector_bars",
]

# Okabe & Ito (2008), without black and yellow first: blue, orange, bluish green, vermillion,
# reddish purple, sky blue, yellow, black.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def new_figure(figsize=(6.0, 3.6), dpi: int = 80) -> Figure:
    """A Figure on an Agg canvas (headless, no pyplot state)."""
    fig = Figure(figsize=figsize, dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


def _fmt(v: float) -> str:
    return f"{v:.3g}"


class _Plot:
    """What every plot object shares: fast redraws, PNG output, an <img> with alt text.

    The artists that `update` changes are "animated" (matplotlib's blitting): a full
    draw renders everything else once and keeps it as a background; a redraw restores
    that background and draws only the changing artists.  The background is redrawn
    whenever an axis' limits change (or after `invalidate()`).
    """

    fig: Figure
    _dynamic: list  # the artists update() changes, in drawing order

    def _init_dynamic(self, artists) -> None:
        self._dynamic = list(artists)
        for artist in self._dynamic:
            artist.set_animated(True)
        self._background, self._background_key = None, None

    def invalidate(self) -> None:
        """Force a full draw next time (after changing labels, ticks or other static parts)."""
        self._background = None

    def _view_key(self) -> tuple:
        canvas = self.fig.canvas
        return (id(canvas.get_renderer()),) + tuple((ax.get_xlim(), ax.get_ylim()) for ax in self.fig.axes)

    def draw(self) -> np.ndarray:
        """Redraw: the background if stale, then the changing artists; return the RGBA pixels (h, w, 4)."""
        canvas = self.fig.canvas
        key = self._view_key()
        if self._background is None or key != self._background_key:
            canvas.draw()  # everything but the animated artists
            self._background, self._background_key = canvas.copy_from_bbox(self.fig.bbox), self._view_key()
        else:
            canvas.restore_region(self._background)
        for artist in self._dynamic:
            self.fig.draw_artist(artist)
        return np.asarray(canvas.buffer_rgba())

    def render_png(self) -> bytes:
        """Redraw (see `draw`) and return the figure as PNG bytes — what a widget's Image shows."""
        from PIL import Image

        buf = io.BytesIO()
        Image.fromarray(self.draw()[..., :3]).save(buf, format="png", compress_level=1)
        return buf.getvalue()

    def alt_text(self) -> str:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.render_png()).decode("ascii")
        return f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.alt_text(), quote=True)}"/>'

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.alt_text()}>"


def _nice_limits(lo: float, hi: float, log: bool) -> tuple[float, float]:
    """Round data limits outwards to 1-2-5 steps (×10ⁿ on a log axis).

    Rounded limits change rarely, so most redraws can reuse the background.
    """
    if log:
        lo, hi = max(lo, 1e-300), max(hi, 1e-300)
        steps_lo = [m * 10.0 ** np.floor(np.log10(lo)) for m in (5, 2, 1)]
        steps_hi = [m * 10.0 ** np.floor(np.log10(hi)) for m in (1, 2, 5, 10)]
        low = float(next(v for v in steps_lo if v <= lo * (1 + 1e-12)))
        high = float(next(v for v in steps_hi if v >= hi * (1 - 1e-12)))
        return (low, high) if high > low else (low / 2, high * 2)
    span = hi - lo if hi > lo else max(abs(hi), 1.0)
    step = 10.0 ** np.floor(np.log10(span / 4))
    step *= min((m for m in (1, 2, 5, 10) if span / (m * step) <= 5), default=10)
    low, high = float(step * np.floor(lo / step)), float(step * np.ceil(hi / step))
    return (low, high) if high > low else (low - step, high + step)


def _data_range(lines, positive: bool) -> tuple[float, float] | None:
    """Smallest and largest finite y over some Line2Ds (only y > 0 if `positive`), or None."""
    ys = [np.asarray(line.get_ydata(), dtype=float) for line in lines]
    ys = np.concatenate([y[np.isfinite(y) & ((y > 0) if positive else True)] for y in ys] or [np.empty(0)])
    return (float(ys.min()), float(ys.max())) if ys.size else None


def _log_axis(ax) -> None:
    """A log y axis with plain tick labels (0.1, 1, 10) and no minor ticks: easier to read, faster to draw."""
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_locator(NullLocator())


def _set_log_ylim(ax, lo: float, hi: float) -> None:
    """Set log limits; within two decades tick at 1-2-5 steps, else at powers of ten."""
    ax.set_ylim(lo, hi)
    ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0) if hi / lo <= 100 * (1 + 1e-9) else (1.0,)))


def _plain(label: str) -> str:
    """A label for alt text: mathtext "$\\hat y$" read as "hat y"."""
    return label.replace("$", "").replace("\\", "")


# ------------------------------------------------------------------ loss curves


class LossCurves(_Plot):
    """Loss curves of several training runs on one axes; `lines` maps each run's label to its Line2D."""

    def __init__(self, fig, ax, lines: dict, log: bool, xmax: float | None):
        self.fig, self.ax, self.lines, self.log, self.xmax = fig, ax, lines, log, xmax
        self._init_dynamic([*lines.values(), ax.title])

    def update(self, histories: Mapping, title: str | None = None) -> LossCurves:
        """Set each run's curve; runs left out of `histories` are emptied (hidden).

        Parameters
        ----------
        histories : {label: losses} with losses of shape (T,) plotted at x = 0..T−1 (epochs),
                    or {label: (x, losses)} with x and losses of shape (T,)
        title : new axes title, or None to keep it

        Returns
        -------
        self
        """
        unknown = set(histories) - set(self.lines)
        if unknown:
            raise ValueError(f"unknown runs {sorted(unknown)}; this plot has {list(self.lines)}")
        for label, line in self.lines.items():
            value = histories.get(label)
            if value is None:
                line.set_data([], [])
                continue
            if isinstance(value, tuple):
                x, losses = np.asarray(value[0], dtype=float), np.asarray(value[1], dtype=float)
            else:
                losses = np.asarray(value, dtype=float)
                x = np.arange(losses.size)
            if x.shape != losses.shape:
                raise ValueError(f"run {label!r}: x has shape {x.shape} but the losses have {losses.shape}")
            line.set_data(x, losses)
        if title is not None:
            self.ax.set_title(title)
        shown = [line for line in self.lines.values() if len(line.get_xdata())]
        if shown:
            if self.xmax is None:
                self.ax.set_xlim(0, max(float(np.max(line.get_xdata())) for line in shown) or 1.0)
            y_range = _data_range(shown, positive=self.log)
            if y_range is not None:
                lo, hi = _nice_limits(*y_range, log=self.log)
                if self.log:
                    _set_log_ylim(self.ax, lo, hi)
                else:
                    self.ax.set_ylim(min(lo, 0.0), hi)
        return self

    def alt_text(self) -> str:
        """One sentence: what is plotted and where each run ends."""
        ends = []
        for label, line in self.lines.items():
            x, y = line.get_data()
            if len(y):
                ends.append(
                    f"{label} from {_fmt(y[0])} to {_fmt(y[-1])} at {self.ax.get_xlabel()} {_fmt(x[-1])}"
                )
        scale = " (log scale)" if self.log else ""
        runs = "; ".join(ends) if ends else "no runs shown"
        return f"Line plot of {_plain(self.ax.get_ylabel())}{scale} against {self.ax.get_xlabel()}: {runs}."


def loss_curves(
    labels: Sequence[str],
    *,
    log: bool = False,
    xlabel: str = "epoch",
    ylabel: str = "training loss",
    title: str = "Training loss",
    xmax: float | None = None,
    figsize=(6.4, 3.4),
    dpi: int = 80,
) -> LossCurves:
    """Axes for the loss curves of several runs (e.g. GD, SGD, mini-batch), one colour and marker each.

    Parameters
    ----------
    labels : the runs' names, in legend order (at most 8)
    log : logarithmic loss axis
    xmax : fixed x range (0, xmax) — e.g. the most epochs a slider allows; None fits the data
    xlabel, ylabel, title, figsize, dpi : as in matplotlib

    Returns
    -------
    LossCurves — call .update({label: losses}) to draw.
    """
    fig = new_figure(figsize, dpi)
    ax = fig.add_subplot()
    lines = {
        label: ax.plot([], [], color=OKABE_ITO[i], lw=2, label=label, marker=MARKERS[i], markevery=0.1, ms=4)[
            0
        ]
        for i, label in enumerate(labels)
    }
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    if log:
        _log_axis(ax)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    if xmax is not None:
        ax.set_xlim(0, xmax)
    fig.subplots_adjust(left=0.11, right=0.78, bottom=0.15, top=0.9)
    return LossCurves(fig, ax, lines, log, xmax)


# ------------------------------------------------------------------ decision boundary


class Grid(NamedTuple):
    """A square grid over the data: `points` (2, n²) to feed the network, `extent` to draw."""

    points: np.ndarray
    shape: tuple
    extent: tuple


def grid(X, n: int = 60, margin: float = 0.25) -> Grid:
    """A regular n × n grid covering the 2-D data X with a margin.

    Parameters
    ----------
    X : array, shape (2, N), the data (columns are points)
    n : grid points per side
    margin : added on each side, as a fraction of the data's range

    Returns
    -------
    Grid(points (2, n²), shape (n, n), extent (x_min, x_max, y_min, y_max))
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] != 2:
        raise ValueError(f"X must have shape (2, N) (2-D points as columns), got {X.shape}")
    lo, hi = X.min(axis=1), X.max(axis=1)
    pad = margin * np.maximum(hi - lo, 1e-9)
    xs = np.linspace(lo[0] - pad[0], hi[0] + pad[0], n)
    ys = np.linspace(lo[1] - pad[1], hi[1] + pad[1], n)
    xx, yy = np.meshgrid(xs, ys)
    return Grid(np.vstack([xx.ravel(), yy.ravel()]), (n, n), (xs[0], xs[-1], ys[0], ys[-1]))


class DecisionBoundary(_Plot):
    """A 2-D classifier's class probabilities on a grid (an image) under the data (a scatter)."""

    def __init__(self, fig, ax, image, scatters, grid: Grid, k: int, colours: np.ndarray, n_points: int):
        self.fig, self.ax, self.image, self.scatters, self.grid, self.k = fig, ax, image, scatters, grid, k
        self._colours, self._n_points = colours, n_points
        self._accuracy = None
        # The image changes; the points must be drawn over it again (the legend sits outside).
        self._init_dynamic([image, *scatters, ax.title])

    def colours_of(self, probs) -> np.ndarray:
        """The image for class probabilities: each pixel mixes the class colours by ŷ.

        Parameters
        ----------
        probs : array (k, n²) of ŷ on grid.points (columns sum to 1), or (1, n²) for a single
                sigmoid output ŷ = P(class 1)

        Returns
        -------
        rgb : array (n, n, 3)
        """
        probs = np.asarray(probs, dtype=float)
        if probs.shape[0] == 1 and self.k == 2:
            probs = np.vstack([1.0 - probs, probs])
        n_pix = self.grid.shape[0] * self.grid.shape[1]
        if probs.shape != (self.k, n_pix):
            raise ValueError(
                f"probs must have shape ({self.k}, {n_pix}) (ŷ on grid.points), got {probs.shape}"
            )
        return (probs.T @ self._colours).reshape(*self.grid.shape, 3).clip(0.0, 1.0)

    def update(self, probs, title: str | None = None, accuracy: float | None = None) -> DecisionBoundary:
        """Show new class probabilities on the grid.

        Parameters
        ----------
        probs : ŷ on grid.points, shape (k, n²) (or (1, n²) for one sigmoid output)
        title : new title, or None to keep it
        accuracy : training accuracy to mention in the alt text, or None

        Returns
        -------
        self
        """
        self.image.set_data(self.colours_of(probs))
        if title is not None:
            self.ax.set_title(title)
        self._accuracy = accuracy
        return self

    def alt_text(self) -> str:
        """One sentence: data, classes and (if given) the accuracy."""
        acc = f", training accuracy {self._accuracy:.0%}" if self._accuracy is not None else ""
        return (
            f"Decision regions of a classifier over the plane, coloured by predicted class "
            f"({self.k} classes), with {self._n_points} training points drawn as class-coloured markers{acc}."
        )


def decision_boundary(
    X,
    labels,
    *,
    k: int | None = None,
    n_grid: int = 60,
    title: str = "Decision regions",
    figsize=(5.6, 4.2),
    dpi: int = 80,
) -> DecisionBoundary:
    """Axes for a 2-D classifier: class-coloured regions on a grid, the data on top.

    Parameters
    ----------
    X : array, shape (2, N), the 2-D points as columns
    labels : int array, shape (N,), classes 0..k−1
    k : number of classes (default: max label + 1, at least 2)
    n_grid : grid points per side (the network is evaluated on n_grid² points)
    title, figsize, dpi : as in matplotlib

    Returns
    -------
    DecisionBoundary — feed `.grid.points` (2, n_grid²) to the network, then .update(ŷ).
    """
    X = np.asarray(X, dtype=float)
    labels = np.asarray(labels)
    k = int(k if k is not None else max(int(labels.max()) + 1, 2))
    g = grid(X, n_grid)
    fig = new_figure(figsize, dpi)
    ax = fig.add_subplot()
    # Region colours: each class colour lightened halfway to white, so the markers stand out.
    colours = 0.5 * np.array([to_rgb(c) for c in OKABE_ITO[:k]]) + 0.5
    image = ax.imshow(
        np.ones((*g.shape, 3)), extent=g.extent, origin="lower", interpolation="bilinear", aspect="auto"
    )
    scatters = [
        ax.scatter(*X[:, labels == c], s=14, color=OKABE_ITO[c], marker=MARKERS[c], edgecolors="black",
                   linewidths=0.4, label=f"class {c}")
        for c in range(k)
    ]  # fmt: skip
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title=title, xlim=g.extent[:2], ylim=g.extent[2:])
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
    fig.subplots_adjust(left=0.12, right=0.78, bottom=0.12, top=0.91)
    return DecisionBoundary(fig, ax, image, scatters, g, k, colours, X.shape[1])


# ------------------------------------------------------------------ vector bars


class VectorBars(_Plot):
    """Grouped bars of a few vectors of the same length n (ŷ, e(ℓ), ∇_{a_L}, ...)."""

    def __init__(self, fig, ax, bars: dict, texts: dict, fixed_ylim: bool):
        self.fig, self.ax, self.bars, self.texts, self._fixed_ylim = fig, ax, bars, texts, fixed_ylim
        self._init_dynamic(
            [r for rects in bars.values() for r in rects]
            + [t for ts in texts.values() for t in ts]
            + [ax.title]
        )

    def update(self, vectors: Mapping, title: str | None = None) -> VectorBars:
        """Set the bars' heights (and the numbers printed on them).

        Parameters
        ----------
        vectors : {name: vector}, each of shape (n,) or (n, 1); names left out keep their bars
        title : new title, or None

        Returns
        -------
        self
        """
        for name, v in vectors.items():
            if name not in self.bars:
                raise ValueError(f"unknown vector {name!r}; this plot has {list(self.bars)}")
            v = np.asarray(v, dtype=float).ravel()
            if v.size != len(self.bars[name]):
                raise ValueError(f"{name} must have {len(self.bars[name])} entries, got shape {np.shape(v)}")
            for rect, text, value in zip(self.bars[name], self.texts[name], v, strict=True):
                rect.set_height(value)
                text.set_y(value)
                text.set_text(f"{value:.2f}")
                text.set_va("bottom" if value >= 0 else "top")
        if title is not None:
            self.ax.set_title(title)
        if not self._fixed_ylim:
            heights = [r.get_height() for rects in self.bars.values() for r in rects]
            lo, hi = _nice_limits(min(0.0, *heights), max(0.0, *heights), log=False)
            pad = 0.1 * (hi - lo)  # room for the printed numbers
            self.ax.set_ylim(lo - (pad if lo < 0 else 0.0), hi + pad)
        return self

    def alt_text(self) -> str:
        """One sentence listing every vector's values."""
        parts = [
            f"{_plain(name)} = [{', '.join(f'{r.get_height():.2f}' for r in rects)}]"
            for name, rects in self.bars.items()
        ]
        return f"Bar chart over {self.ax.get_xlabel()}: " + "; ".join(parts) + "."


def vector_bars(
    names: Sequence[str],
    n: int,
    *,
    tick_labels: Sequence[str] | None = None,
    xlabel: str = "unit i",
    ylabel: str = "value",
    title: str = "",
    ylim=None,
    figsize=(6.0, 3.2),
    dpi: int = 80,
) -> VectorBars:
    """Axes with one group of bars per unit i = 1..n and one bar per named vector.

    Parameters
    ----------
    names : the vectors' names, e.g. ("ŷ", "e(ℓ)", "∇_{a_L} L") — mathtext "$...$" works too
    n : length of each vector
    tick_labels : labels of the n groups (default "1".."n", the lecture's unit index)
    ylim : fixed (low, high), or None to fit the data (rounded outwards) on every update
    xlabel, ylabel, title, figsize, dpi : as in matplotlib

    Returns
    -------
    VectorBars — call .update({name: vector}).
    """
    fig = new_figure(figsize, dpi)
    ax = fig.add_subplot()
    width = 0.8 / len(names)
    x = np.arange(n)
    bars, texts = {}, {}
    for j, name in enumerate(names):
        pos = x - 0.4 + width * (j + 0.5)
        bars[name] = list(
            ax.bar(pos, np.zeros(n), width, color=OKABE_ITO[j], label=name, edgecolor="black", lw=0.4)
        )
        texts[name] = [ax.text(p, 0.0, "", ha="center", va="bottom", fontsize="x-small") for p in pos]
    ax.axhline(0.0, color="black", lw=0.8)
    ax.set_xticks(x, tick_labels if tick_labels is not None else [str(i + 1) for i in x])
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title, ylim=ylim if ylim is not None else (0.0, 1.0))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.subplots_adjust(left=0.12, right=0.74, bottom=0.16, top=0.88)
    return VectorBars(fig, ax, bars, texts, ylim is not None)


# ------------------------------------------------------------------ function and tangent


class FunctionTangent(_Plot):
    """g(z) with the tangent at z₀ (top) and g′(z) with the point (z₀, g′(z₀)) (bottom)."""

    def __init__(self, fig, ax_g, ax_gp, curve_g, curve_gp, tangent, dot_g, dot_gp, name: str):
        self.fig, self.ax_g, self.ax_gp = fig, ax_g, ax_gp
        self.curve_g, self.curve_gp, self.tangent, self.dot_g, self.dot_gp = (
            curve_g,
            curve_gp,
            tangent,
            dot_g,
            dot_gp,
        )
        self.name = name
        self._init_dynamic([tangent, dot_g, dot_gp, ax_g.title])

    def set_curves(self, z, g_values, g_prime_values, name: str | None = None) -> FunctionTangent:
        """Replace the curves g(z) and g′(z) (e.g. another activation), all of shape (m,)."""
        self.curve_g.set_data(z, g_values)
        self.curve_gp.set_data(z, g_prime_values)
        if name is not None:
            self.name = name
            self.ax_g.set_ylabel(f"{name}(z)")
            self.ax_gp.set_ylabel(f"{name}′(z)")
        for ax, curve in ((self.ax_g, self.curve_g), (self.ax_gp, self.curve_gp)):
            lo, hi = _data_range([curve], positive=False)
            pad = 0.08 * max(hi - lo, 1e-9)
            ax.set_ylim(lo - pad, hi + pad)  # the tangent may leave this range: the view stays on g
        self.ax_g.set_xlim(float(np.min(z)), float(np.max(z)))
        self.invalidate()
        return self

    def update(self, z0: float, g_z0: float, g_prime_z0: float, half_width: float = 1.5) -> FunctionTangent:
        """Move the point to z₀ and draw the tangent line g(z₀) + g′(z₀)(z − z₀) for |z − z₀| ≤ half_width.

        Parameters
        ----------
        z0, g_z0, g_prime_z0 : the point and the lib's values g(z₀), g′(z₀) (numbers)
        half_width : half the drawn length of the tangent, along z

        Returns
        -------
        self
        """
        z0, g_z0, slope = float(z0), float(g_z0), float(g_prime_z0)
        zs = np.array([z0 - half_width, z0 + half_width])
        self.tangent.set_data(zs, g_z0 + slope * (zs - z0))
        self.dot_g.set_data([z0], [g_z0])
        self.dot_gp.set_data([z0], [slope])
        self.ax_g.set_title(
            f"{self.name}({z0:.2f}) = {g_z0:.3f},  slope {self.name}′({z0:.2f}) = {slope:.3f}"
        )
        return self

    def alt_text(self) -> str:
        """One sentence: the function, the point and the slope."""
        zs, gs = self.dot_g.get_data()
        if not len(zs):
            return f"Top: the curve {self.name}(z); bottom: its derivative {self.name}′(z)."
        (z0,), (g0,), (s,) = zs, gs, self.dot_gp.get_data()[1]
        return (
            f"Top: the curve {self.name}(z) with its tangent at z = {z0:.2f}, where {self.name} = {g0:.3f}; "
            f"bottom: the derivative {self.name}′(z), marked at {s:.3f}, the tangent's slope."
        )


def function_tangent(
    z, g_values, g_prime_values, *, name: str = "g", figsize=(5.5, 4.4), dpi: int = 80
) -> FunctionTangent:
    """Two stacked axes: g(z) with a tangent line, and g′(z) with a moving point.

    Parameters
    ----------
    z : array (m,), the sample points; g_values, g_prime_values : arrays (m,) from the lib
    name : the function's name in labels, e.g. "σ" or "tanh"
    figsize, dpi : as in matplotlib

    Returns
    -------
    FunctionTangent — call .update(z0, g(z0), g′(z0)).
    """
    fig = new_figure(figsize, dpi)
    ax_g, ax_gp = fig.subplots(2, 1, sharex=True)
    (curve_g,) = ax_g.plot([], [], color=OKABE_ITO[0], lw=2)
    (tangent,) = ax_g.plot([], [], color=OKABE_ITO[3], lw=1.5, ls="--", label="tangent")
    (dot_g,) = ax_g.plot([], [], "o", color=OKABE_ITO[3], ms=6)
    (curve_gp,) = ax_gp.plot([], [], color=OKABE_ITO[2], lw=2)
    (dot_gp,) = ax_gp.plot([], [], "o", color=OKABE_ITO[3], ms=6)
    ax_g.set_title(" ")
    ax_gp.set(xlabel="z")
    for ax in (ax_g, ax_gp):
        ax.grid(True, alpha=0.3)
    ax_g.legend(loc="upper left", fontsize="small", frameon=False)
    fig.subplots_adjust(left=0.14, right=0.97, bottom=0.11, top=0.92, hspace=0.12)
    plot = FunctionTangent(fig, ax_g, ax_gp, curve_g, curve_gp, tangent, dot_g, dot_gp, name)
    return plot.set_curves(z, g_values, g_prime_values, name=name)


# ------------------------------------------------------------------ gradient norms through depth


class GradientNorms(_Plot):
    """‖∇_{a_k} L‖ for k = 1..L, one line per series (e.g. per activation), on a log axis."""

    def __init__(self, fig, ax, lines: dict, max_layers: int | None):
        self.fig, self.ax, self.lines, self.max_layers = fig, ax, lines, max_layers
        self._fixed_ylim = False
        self._init_dynamic([*lines.values(), ax.title])

    def fix_ylim(self, *norms) -> GradientNorms:
        """Fix the y range to cover these norm arrays (rounded outwards), e.g. the shallowest and
        deepest networks a slider allows, so curves of every depth share one scale.

        Parameters
        ----------
        *norms : arrays of positive norms, any shapes

        Returns
        -------
        self
        """
        values = np.concatenate([np.ravel(np.asarray(v, dtype=float)) for v in norms])
        values = values[np.isfinite(values) & (values > 0)]
        _set_log_ylim(self.ax, *_nice_limits(float(values.min()), float(values.max()), log=True))
        self._fixed_ylim = True
        return self

    def update(self, norms: Mapping, title: str | None = None) -> GradientNorms:
        """Set each series' norms; series left out are emptied (hidden).

        Parameters
        ----------
        norms : {label: array (L,)} with entry k−1 the norm at layer k = 1..L
        title : new title, or None

        Returns
        -------
        self
        """
        unknown = set(norms) - set(self.lines)
        if unknown:
            raise ValueError(f"unknown series {sorted(unknown)}; this plot has {list(self.lines)}")
        for label, line in self.lines.items():
            v = norms.get(label)
            if v is None:
                line.set_data([], [])
            else:
                v = np.asarray(v, dtype=float).ravel()
                line.set_data(np.arange(1, v.size + 1), v)
        if title is not None:
            self.ax.set_title(title)
        shown = [line for line in self.lines.values() if len(line.get_xdata())]
        if shown:
            if self.max_layers is None:
                self.ax.set_xlim(0.5, max(len(line.get_xdata()) for line in shown) + 0.5)
            y_range = _data_range(shown, positive=True)
            if y_range is not None and not self._fixed_ylim:
                _set_log_ylim(self.ax, *_nice_limits(*y_range, log=True))
        return self

    def alt_text(self) -> str:
        """One sentence: each series' norm at the first and the last layer."""
        parts = []
        for label, line in self.lines.items():
            x, y = line.get_data()
            if len(y):
                parts.append(f"{label}: {_fmt(y[-1])} at layer {int(x[-1])}, {_fmt(y[0])} at layer 1")
        return (
            "Line plot, log scale, of the gradient norm with respect to each layer's pre-activations "
            "against the layer index: " + ("; ".join(parts) if parts else "no series shown") + "."
        )


def gradient_norms(
    labels: Sequence[str],
    *,
    ylabel: str = r"$\|\nabla_{a_k} L\|$",
    title: str = "Gradient norm through depth",
    max_layers: int | None = None,
    figsize=(6.4, 3.4),
    dpi: int = 80,
) -> GradientNorms:
    """Axes for per-layer gradient norms (log scale), one line with markers per series.

    Parameters
    ----------
    labels : the series' names, e.g. ("sigmoid", "tanh", "relu")
    max_layers : fixed x range 1..max_layers (e.g. the deepest a slider allows); None fits the data
    ylabel, title, figsize, dpi : as in matplotlib

    Returns
    -------
    GradientNorms — call .update({label: norms}).
    """
    fig = new_figure(figsize, dpi)
    ax = fig.add_subplot()
    lines = {
        label: ax.plot([], [], color=OKABE_ITO[i], marker=MARKERS[i], ms=4, lw=1.5, label=label)[0]
        for i, label in enumerate(labels)
    }
    _log_axis(ax)
    ax.set(xlabel="layer k (input side → output side)", ylabel=ylabel, title=title)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    if max_layers is not None:
        ax.set_xlim(0.5, max_layers + 0.5)
    fig.subplots_adjust(left=0.14, right=0.8, bottom=0.15, top=0.9)
    return GradientNorms(fig, ax, lines, max_layers)
