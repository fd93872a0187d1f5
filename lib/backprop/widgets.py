"""Python widgets: ipywidgets controls wired to the lib and to `backprop.plots`.

Chapter 3 (`training_widget`: loss curves of GD, SGD and mini-batch under a
learning-rate slider) and chapter 9 (`decision_boundary_widget`: a 2-D
classifier's regions epoch by epoch).  (Chapter 8's gradient norms per layer are
an explorer that runs in the page: backprop.gradnorm.)

These widgets need a Python kernel.  Each builder returns the widget (a VBox)
with its controls, its `plot` (from backprop.plots) and `figure` as attributes,
so tests and benchmarks drive it without a display.  The figure is built once;
a control change calls the lib, updates the plot's artists in place and shows
the redrawn PNG in an ipywidgets Image.  The callbacks do no mathematics: they
call `backprop.train` or `backprop.forward`.

In the static HTML book the widget says plainly that it is live only in Jupyter,
and `sweep_animation(widget, control, values)` gives the meaningful static result:
a small matplotlib animation of the same figure over a sweep of one control.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from tempfile import TemporaryDirectory

import ipywidgets as widgets
import numpy as np
from matplotlib.animation import HTMLWriter

from backprop import data, plots
from backprop import train as training
from backprop.network import Network, forward, init

__all__ = [
    "KERNEL_NOTE",
    "LIVE_NOTE",
    "PYTHON_WIDGET_CLASS",
    "DecisionBoundaryWidget",
    "TrainingWidget",
    "decision_boundary_widget",
    "needs_kernel",
    "sweep_animation",
    "training_widget",
]

LIVE_NOTE = (
    "Live when this notebook runs in Jupyter (a Python kernel does the training). "
    "In the HTML book these controls are greyed out; below is a precomputed sweep."
)


PYTHON_WIDGET_CLASS = "backprop-python-widget"
KERNEL_NOTE = (
    "Live when this notebook runs in Jupyter (Python computes the readout). "
    "In the HTML book these controls are greyed out."
)


def _note(text: str) -> widgets.HTML:
    return widgets.HTML(
        f'<div class="backprop-live-note" style="font-size: 0.9em; color: #444; '
        f'border-left: 3px solid #0072B2; padding-left: 0.5em;">⚡ {html.escape(text)}</div>'
    )


def needs_kernel(*children, note: str = KERNEL_NOTE) -> widgets.VBox:
    """A VBox of ipywidgets that need Python, marked so the static book shows them disabled.

    The box starts with a note saying so; its DOM class PYTHON_WIDGET_CLASS makes the book's
    build (book/frozen_widgets.py) grey out every control inside it in the HTML page, where no
    kernel would answer them.  In Jupyter the controls stay live.
    """
    box = widgets.VBox([_note(note), *children])
    box.add_class(PYTHON_WIDGET_CLASS)
    return box


class _PlotWidget(widgets.VBox):
    """A note, the controls, the figure as an Image and a text caption (its alt text)."""

    plot: plots._Plot

    def _build(self, controls: list, plot) -> None:
        self.plot = plot
        # The book's build disables every control inside this class in the static page
        # (book/frozen_widgets.py): there, with no kernel, they would move and change nothing.
        self.add_class(PYTHON_WIDGET_CLASS)
        self.note = _note(LIVE_NOTE)
        self.image = widgets.Image(format="png")
        # The caption is the image's text alternative.  html-manager renders an Image as a bare
        # <img> (no alt, and a `tooltip` would throw there), so the book names it from the caption
        # next to it: book/static/book-js/widget-a11y.js looks for this class.
        self.caption = widgets.HTML()
        self.caption.add_class("backprop-alt-text")
        self._quiet = False  # True while an animation drives the controls: no PNG, no caption
        for control in controls:
            control.observe(self._on_change, names="value")
        self.children = [self.note, *controls, self.image, self.caption]
        self.refresh()

    @property
    def figure(self):
        """The matplotlib Figure, built once and updated in place."""
        return self.plot.fig

    def _on_change(self, _change=None) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Update the plot from the controls (calling the lib) and show it."""
        self._update_plot()
        if not self._quiet:
            self.image.value = self.plot.render_png()
            self.caption.value = (
                f'<span style="font-size: 0.8em; color: #555;">{html.escape(self.plot.alt_text())}</span>'
            )

    def _update_plot(self) -> None:  # pragma: no cover - every widget overrides it
        raise NotImplementedError


# ------------------------------------------------------------------ chapter 3: training


METHODS = ("GD", "SGD", "mini-batch")


class TrainingWidget(_PlotWidget):
    """Loss curves of full-batch GD, SGD and mini-batch training, redrawn as the sliders move.

    Controls: `eta` (learning rate, log slider), `batch_size` (M of the mini-batch run),
    `epochs`, and `methods` (one Checkbox per method).  Every run starts from the same
    network `net0` and trains on (X, y) with `backprop.train.train` for `max_epochs`; the
    slider `epochs` shows the first epochs of that run (the same numbers a shorter run
    gives).  Runs are cached per (method, η, M), so revisiting a setting costs only a redraw.
    """

    def __init__(
        self, net0: Network, X, y, eta: float, batch_size: int, epochs: int, max_epochs: int, seed: int
    ):
        self.net0, self.X, self.y, self.seed, self.max_epochs = net0, X, y, seed, max_epochs
        N = X.shape[1]
        sizes = sorted({2**i for i in range(int(np.log2(N)) + 1)} | {N})
        self.eta = widgets.FloatLogSlider(
            value=eta,
            base=10,
            min=-3,
            max=1,
            step=0.25,
            description="η",
            readout_format=".3g",
            continuous_update=False,
        )
        self.batch_size = widgets.SelectionSlider(
            options=sizes, value=min(sizes, key=lambda m: abs(m - batch_size)), description="M (mini-batch)",
            continuous_update=False, style={"description_width": "initial"},
        )  # fmt: skip
        self.epochs = widgets.IntSlider(
            value=min(epochs, max_epochs),
            min=1,
            max=max_epochs,
            description="epochs",
            continuous_update=False,
        )
        self.methods = {m: widgets.Checkbox(value=True, description=m, indent=False) for m in METHODS}
        self._cache: dict = {}
        super().__init__()
        boxes = widgets.HBox(list(self.methods.values()))
        plot = plots.loss_curves(METHODS, log=True, ylabel="training loss L(θ)", xmax=max_epochs)
        self._build([self.eta, self.batch_size, self.epochs, *self.methods.values()], plot)
        self.children = [self.note, self.eta, self.batch_size, self.epochs, boxes, self.image, self.caption]

    def batch_of(self, method: str, batch_size: int) -> int:
        """M for a method: N for GD, 1 for SGD, the slider's value for mini-batch."""
        return {"GD": self.X.shape[1], "SGD": 1}.get(method, batch_size)

    def history(self, method: str, eta: float, batch_size: int):
        """The History of `max_epochs` of training with method, η and M (cached); None if it diverged."""
        key = (method, float(eta), self.batch_of(method, batch_size))
        if key not in self._cache:
            try:
                run = training.train(self.net0, self.X, self.y, key[1], self.max_epochs, batch_size=key[2],
                                     seed=self.seed, progress=False)  # fmt: skip
                self._cache[key] = run.history
            except ValueError:  # the weights overflowed: the run diverged
                self._cache[key] = None
        return self._cache[key]

    def losses(self) -> dict:
        """{method: loss per epoch, shape (epochs + 1,)} for the current controls (shown methods only)."""
        out = {}
        for method, box in self.methods.items():
            if box.value:
                hist = self.history(method, self.eta.value, self.batch_size.value)
                if hist is not None:
                    out[method] = hist.loss[: self.epochs.value + 1]
        return out

    def _update_plot(self) -> None:
        M = self.batch_size.value
        title = f"η = {self.eta.value:.3g}, mini-batch M = {M}, N = {self.X.shape[1]}"
        self.plot.update(self.losses(), title=title)


def training_widget(
    X=None,
    y=None,
    *,
    sizes=(2, 8, 2),
    g: str = "tanh",
    eta: float = 0.1,
    batch_size: int = 8,
    epochs: int = 20,
    max_epochs: int = 30,
    seed: int = 0,
) -> TrainingWidget:
    """Chapter 3's experiment: GD, SGD and mini-batch loss curves under η, M and epoch sliders.

    Parameters
    ----------
    X, y : training set, X (n_0, N), labels (N,); default: backprop.data.moons(64, noise=0.2, seed)
    sizes : layer sizes (n_0, ..., n_L) of the network; g : hidden activation
    eta, batch_size, epochs : initial slider values (η, M, epochs shown)
    max_epochs : length of every run (the epochs slider's maximum)
    seed : seed of the initial weights, the data and the shuffling

    Returns
    -------
    TrainingWidget (a VBox) with .eta, .batch_size, .epochs, .methods, .plot, .figure
    """
    if X is None:
        X, y = data.moons(64, noise=0.2, seed=seed)
    net0 = init(sizes, g=g, seed=seed)
    return TrainingWidget(
        net0, np.asarray(X, dtype=float), np.asarray(y), eta, batch_size, epochs, max_epochs, seed
    )


# ------------------------------------------------------------------ chapter 9: decision boundary


class DecisionBoundaryWidget(_PlotWidget):
    """A 2-D classifier's decision regions epoch by epoch; `epoch` scrubs through saved snapshots.

    At build time the network is trained one epoch at a time (`backprop.train.train`,
    epochs=1, seed = seed + epoch); after each epoch ŷ on the plot's grid, the training
    loss and the accuracy are saved: `probs[e]` (k, n_grid²), `loss[e]`, `accuracy[e]`
    for e = 0..epochs.  Moving the slider only redraws.
    """

    def __init__(self, nets: list, X, y, plot: plots.DecisionBoundary):
        self.nets, self.X, self.y = nets, X, y
        self.probs = [forward(net, plot.grid.points).y_hat for net in nets]
        self.loss = np.array([training.loss(net, forward(net, X), y) for net in nets])
        self.accuracy = np.array([training.accuracy(net, X, y) for net in nets])
        epochs = len(nets) - 1
        self.epoch = widgets.IntSlider(value=epochs, min=0, max=epochs, description="epoch")
        self.play = widgets.Play(value=epochs, min=0, max=epochs, interval=300, description="play")
        widgets.jslink((self.play, "value"), (self.epoch, "value"))
        super().__init__()
        self._build([self.epoch], plot)
        self.children = [self.note, widgets.HBox([self.play, self.epoch]), self.image, self.caption]

    def _update_plot(self) -> None:
        e = self.epoch.value
        title = f"epoch {e}: loss {self.loss[e]:.3f}, accuracy {self.accuracy[e]:.0%}"
        self.plot.update(self.probs[e], title=title, accuracy=self.accuracy[e])


def decision_boundary_widget(
    X=None,
    y=None,
    *,
    sizes=(2, 16, 16, 2),
    g: str = "tanh",
    eta: float = 0.3,
    batch_size: int = 16,
    epochs: int = 40,
    n_grid: int = 50,
    seed: int = 0,
) -> DecisionBoundaryWidget:
    """Chapter 9's picture: the decision regions of a small MLP while it trains (mini-batch GD).

    Parameters
    ----------
    X, y : 2-D training set, X (2, N), labels (N,); default: backprop.data.moons(200, noise=0.2, seed)
    sizes : layer sizes, n_0 = 2 and n_L = number of classes; g : hidden activation
    eta, batch_size : learning rate η and mini-batch size M
    epochs : number of epochs trained (the slider's maximum)
    n_grid : grid points per side where ŷ is evaluated
    seed : seed of the initial weights, the data and the shuffling

    Returns
    -------
    DecisionBoundaryWidget (a VBox) with .epoch, .play, .plot, .figure and the snapshots
    .nets, .probs, .loss, .accuracy
    """
    if X is None:
        X, y = data.moons(200, noise=0.2, seed=seed)
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    nets = [init(sizes, g=g, seed=seed)]
    for e in range(epochs):
        nets.append(
            training.train(nets[-1], X, y, eta, 1, batch_size=batch_size, seed=seed + e, progress=False).net
        )
    plot = plots.decision_boundary(X, y, k=sizes[-1] if sizes[-1] > 1 else 2, n_grid=n_grid)
    return DecisionBoundaryWidget(nets, X, y, plot)


# ------------------------------------------------------------------ chapter 8: depth


# ------------------------------------------------------------------ the static result

# matplotlib's HTMLWriter links Font Awesome 4.4 from a CDN for the icons of the player's buttons:
# offline (a reader's JupyterLab without network, the HTML book) that is a failed request and
# empty buttons.  The player is made self-contained instead: the CDN <link> goes, and each icon
# becomes a Unicode glyph from fonts every system has (the buttons keep matplotlib's aria-label
# and title, the glyph itself is aria-hidden).
_PLAYER_GLYPHS = {
    "fa-minus": "\u2212",  # − decrease speed
    "fa-fast-backward": "\u21e4",  # ⇤ first frame
    "fa-step-backward": "\u25c1",  # ◁ previous frame
    "fa-play fa-flip-horizontal": "\u25c0\ufe0e",  # ◀ play backwards (text, not emoji, style)
    "fa-pause": "\u275a\u275a",  # ❚❚ pause
    "fa-play": "\u25b6\ufe0e",  # ▶ play
    "fa-step-forward": "\u25b7",  # ▷ next frame
    "fa-fast-forward": "\u21e5",  # ⇥ last frame
    "fa-plus": "+",  # increase speed
}
_REMOTE_LINK = re.compile(r"<link\b[^>]*\bhref=[\"']?(?:https?:)?//[^>]*>\s*", re.I)
_ICON = re.compile(r'<i class="fa ([^"]*)"></i>')
_REMOTE_URL = re.compile(r"https?://[^\s\"'<>]*", re.I)


def _self_contained_player(player: str) -> str:
    """HTMLWriter's player without its CDN stylesheet: icon fonts replaced by Unicode glyphs."""

    def glyph(m: re.Match) -> str:
        icon = m.group(1).strip()
        if icon not in _PLAYER_GLYPHS:
            raise RuntimeError(f"matplotlib's player has an icon this lib does not know: fa {icon}")
        return f'<span aria-hidden="true">{_PLAYER_GLYPHS[icon]}</span>'

    player = _ICON.sub(glyph, _REMOTE_LINK.sub("", player))
    remote = _REMOTE_URL.search(player)
    if remote:  # a newer matplotlib links something else: fail here, not as a request offline
        raise RuntimeError(f"matplotlib's player still references {remote.group(0)!r}")
    return player


def sweep_animation(
    widget: _PlotWidget,
    control: str,
    values,
    *,
    fps: float = 2.0,
    dpi: int = 50,
    embed_limit_mb: float = 1.0,
    caption: str | None = None,
    alt: str | None = None,
):
    """A small animation of the widget's figure over a sweep of one control, for the static book.

    Sets `widget.<control>.value` to each value in turn (the widget recomputes through the
    lib, as when a reader moves the slider), grabs each frame with matplotlib's HTMLWriter
    (the writer behind FuncAnimation.to_jshtml), then puts the control back.  The player is
    self-contained: no Font Awesome from a CDN (its buttons show Unicode glyphs), no remote URL.

    Parameters
    ----------
    widget : a widget from this module
    control : the control's attribute name, e.g. "eta" or "epoch"
    values : the values to show, one frame each (keep it to ~5–15 frames)
    fps : frames per second; dpi : resolution of the frames (small keeps the page light)
    embed_limit_mb : size limit of the embedded frames in MB; frames beyond it are dropped (with a warning)
    caption : text shown above the animation (default: what is swept, plus LIVE_NOTE's gist)
    alt : text alternative for the animation's image (what the frames show), for screen readers

    Returns
    -------
    IPython.display.HTML — the caption and the animation's player
    """
    from IPython.display import HTML

    ctrl = getattr(widget, control)
    values = list(values)
    original = ctrl.value
    # What FuncAnimation(...).to_jshtml() does, without its draw-event hook (which would
    # replay the first frame on the widget's next redraw): grab one frame per value.
    writer = HTMLWriter(fps=fps, embed_frames=True, default_mode="once", embed_limit=embed_limit_mb)
    widget._quiet = True
    try:
        with TemporaryDirectory() as tmp:
            path = Path(tmp, "sweep.html")
            with writer.saving(widget.figure, str(path), dpi):
                for value in values:
                    ctrl.value = value
                    writer.grab_frame()
            player = _self_contained_player(path.read_text())
    finally:
        ctrl.value = original
        widget._quiet = False
        widget.refresh()
    shown = ", ".join(f"{v:.3g}" if isinstance(v, float) else str(v) for v in values)
    text = caption or (
        f"Precomputed sweep of {getattr(ctrl, 'description', control) or control} over {shown} "
        f"({len(values)} frames; press ▶). Live sliders need Jupyter."
    )
    if alt is not None:
        player = player.replace(
            '<img id="_anim_img', f'<img alt="{html.escape(alt, quote=True)}" id="_anim_img', 1
        )
    # The player's frame slider has no label of its own (its buttons do): name it.
    label = html.escape(
        f"frame of the sweep of {getattr(ctrl, 'description', control) or control}", quote=True
    )
    player = player.replace(
        'type="range" class="anim-slider"', f'type="range" class="anim-slider" aria-label="{label}"', 1
    )
    return HTML(f'<p class="backprop-sweep-caption">{html.escape(text)}</p>\n{player}')
