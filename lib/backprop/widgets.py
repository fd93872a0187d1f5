"""Python widgets: ipywidgets controls wired to the lib and to `backprop.plots`.

`vanishing_gradients_widget` (‖∇_{a_k} L‖ layer by layer on a deep network, redrawn by
matplotlib) and `needs_kernel`, a box of ipywidgets marked as needing Python.  No chapter shows
them any more: the book's widgets compute in the page (backprop.explorers, backprop.gradnorm for
chapters 8 and 15, backprop.trainer_widget for chapters 3 and 9).  They stay for readers who want
a kernel-side widget to extend, and as the book's measured example of a figure updated in place
(benchmarks/bench_widgets.py).

These widgets need a Python kernel.  Each builder returns the widget (a VBox)
with its controls, its `plot` (from backprop.plots) and `figure` as attributes,
so tests and benchmarks drive it without a display.  The figure is built once;
a control change calls the lib, updates the plot's artists in place and shows
the redrawn PNG in an ipywidgets Image.  The callbacks do no mathematics: they
call `backprop.train`, `backprop.forward` or `layer_gradient_norms`.

In the static HTML book the widget says plainly that it is live only in Jupyter.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from backprop import plots
from backprop.network import Network, backward, forward, init

__all__ = [
    "KERNEL_NOTE",
    "LIVE_NOTE",
    "PYTHON_WIDGET_CLASS",
    "VanishingGradientsWidget",
    "layer_gradient_norms",
    "needs_kernel",
    "vanishing_gradients_widget",
]

LIVE_NOTE = (
    "Live when this notebook runs in Jupyter (a Python kernel does the training). "
    "In the HTML book these controls are greyed out; below is a precomputed sweep."
)


def layer_gradient_norms(net: Network, x, y) -> np.ndarray:
    """The size of the backpropagated signal at each layer: ‖∇_{a_k} L‖_F for k = 1..L.

    ∇_{a_k} = (W_{k+1}ᵀ ∇_{a_{k+1}}) ⊙ g′(a_k): each layer multiplies by a Wᵀ and a g′ factor,
    so with |g′| ≤ ¼ (sigmoid) the norm shrinks geometrically towards the input (chapter 8).

    Parameters
    ----------
    net : Network
    x : input batch, shape (n_0, B)
    y : targets, labels (B,) for cross-entropy or shape (k, B)

    Returns
    -------
    norms : array (L,), norms[k − 1] = Frobenius norm of grad_a[k], shape (n_k, B)
    """
    fwd = forward(net, x)
    grads = backward(net, fwd, y, input_grad=False)
    return np.array([np.linalg.norm(grads.grad_a[k]) for k in range(1, net.L + 1)])


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


# ------------------------------------------------------------------ chapter 8: depth


ACTIVATIONS = ("sigmoid", "tanh", "relu")


class VanishingGradientsWidget(_PlotWidget):
    """‖∇_{a_k} L‖ for k = 1..L on a deep, narrow network; `depth` and `activation` choose the network.

    For each activation the network is `init((2, width, ..., width, 2), g, seed)` with
    `depth` hidden layers, on a fixed batch of B random inputs with random labels;
    the norms come from `layer_gradient_norms` (one forward and one backward pass).
    """

    def __init__(self, width: int, depth: int, max_depth: int, activation: str, B: int, seed: int):
        self.width, self.seed = width, seed
        rng = np.random.default_rng(seed)
        self.x, self.labels = rng.normal(size=(2, B)), rng.integers(0, 2, size=B)
        self.depth = widgets.IntSlider(value=depth, min=1, max=max_depth, description="hidden layers",
                                       style={"description_width": "initial"})  # fmt: skip
        self.activation = widgets.ToggleButtons(
            options=[*ACTIVATIONS, "all"], value=activation, description="g"
        )
        super().__init__()
        plot = plots.gradient_norms(ACTIVATIONS, max_layers=max_depth + 1)
        # One y scale for every depth: the range met by the shallowest and the deepest network.
        plot.fix_ylim(*[v for d in (1, max_depth) for v in self.all_norms(d).values()])
        self._build([self.depth, self.activation], plot)

    def network(self, g: str, depth: int) -> Network:
        """The deep network for activation g with `depth` hidden layers of `width` units."""
        return init((2,) + (self.width,) * depth + (2,), g=g, seed=self.seed)

    def norms(self) -> dict:
        """{activation: ‖∇_{a_k} L‖ for k = 1..L} for the current controls."""
        shown = ACTIVATIONS if self.activation.value == "all" else (self.activation.value,)
        return self.all_norms(self.depth.value, shown)

    def all_norms(self, depth: int, activations=ACTIVATIONS) -> dict:
        """{activation: ‖∇_{a_k} L‖ for k = 1..L} for networks with `depth` hidden layers."""
        return {g: layer_gradient_norms(self.network(g, depth), self.x, self.labels) for g in activations}

    def _update_plot(self) -> None:
        L = self.depth.value + 1
        self.plot.update(self.norms(), title=f"{L - 1} hidden layers of {self.width} units (L = {L})")


def vanishing_gradients_widget(
    *,
    width: int = 16,
    depth: int = 10,
    max_depth: int = 30,
    activation: str = "all",
    B: int = 64,
    seed: int = 0,
) -> VanishingGradientsWidget:
    """Chapter 8's measurement: how ‖∇_{a_k} L‖ changes from the output layer back to layer 1.

    Parameters
    ----------
    width : units per hidden layer
    depth, max_depth : initial and largest number of hidden layers
    activation : 'sigmoid', 'tanh', 'relu' or 'all' (one curve each)
    B : batch size of the random inputs x (2, B)
    seed : seed of the weights (default init: N(0, 1/n) or He for ReLU) and the batch

    Returns
    -------
    VanishingGradientsWidget (a VBox) with .depth, .activation, .plot, .figure
    """
    return VanishingGradientsWidget(width, depth, max_depth, activation, B, seed)
