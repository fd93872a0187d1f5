"""The in-page trainer: a small classifier trained by gradient descent in the reader's browser.

Chapter 3 (GD, SGD and mini-batch under η and M) and chapter 9 (the decision boundary of a
2-D classifier as it trains).  An anywidget: the training runs in JavaScript
(js/trainer.js, the lib's `train` step for step), the view (js/trainer_view.js) draws the loss
per epoch and per update and the decision regions, so it is live in the HTML book with no
kernel.  Everything the JavaScript needs comes from here, in the widget's state: the data
(from `backprop.data`), the initial weights `bp.init(sizes, g, seed)` for every activation and
width the controls offer, and the shuffle order of every epoch (`bp.train.epoch_orders`), so the
page's trajectory is the lib's (tests/js/trainer.test.mjs checks it to 1e-9).

In Jupyter the widget works the same and its settings are traitlets synced with the page:
`method`, `eta`, `batch_size`, `epochs`, `g`, `width`; `run()` trains the same network with
`bp.train.train` in Python, so a cell can read what the reader set up.
"""

from __future__ import annotations

import itertools
import math
from functools import cache

import anywidget
import numpy as np
import traitlets as t

import backprop as bp
from backprop import jsmodules
from backprop._checks import as_matrix, check_name
from backprop.jsmodules import SharedLibrary, bundle, one_per_kernel
from backprop.losses import check_labels

__all__ = ["METHODS", "Trainer", "TrainerError", "TrainerLibrary", "run_state", "to_lists", "trainer"]

METHODS = ("GD", "SGD", "mini-batch")
ACTIVATIONS = ("sigmoid", "tanh", "relu")


class TrainerError(ValueError, t.TraitError):
    """Bad trainer settings: a ValueError (a TraitError too, so traitlets rolls the batch back)."""


def to_lists(net: bp.Network) -> tuple[list, list]:
    """A network's parameters as the JavaScript takes them: [None, W_1 rows, ...], [None, b_1, ...]."""
    W = [None] + [Wk.tolist() for Wk in net.W[1:]]
    b = [None] + [bk.ravel().tolist() for bk in net.b[1:]]
    return W, b


@cache
def esm_source() -> str:
    """One ES module: trainer.js (the math), keys.js, trainer_view.js (the view); no imports."""
    return bundle("trainer.js", "keys.js", "trainer_view.js")


@cache
def css_source() -> str:
    """The trainer's stylesheet, js/trainer.css."""
    return jsmodules.read("trainer.css")


STUB_ESM = jsmodules.STUB_ESM


class TrainerLibrary(SharedLibrary):
    """The trainer's JavaScript and CSS, once per page: a widget that is never displayed."""

    _esm = esm_source()
    _css = css_source()


#: The kernel's one TrainerLibrary (created on first use, again if it was closed).
library = one_per_kernel(TrainerLibrary)


def _key(g: str, width: int) -> str:
    return f"{g}/{width}"


#: The traits that decide a run (what `run_state` reads from a widget's state).
STATE_KEYS = (
    "X",
    "labels",
    "classes",
    "hidden",
    "seed",
    "method",
    "eta",
    "batch_size",
    "epochs",
    "g",
    "width",
)


def run_state(state: dict, epochs: int | None = None) -> bp.train.Trained:
    """bp.train.train for a trainer's state (a Trainer's traits, or a page's saved widget state).

    The network is bp.init((n_0, width, ..., width, k), g, seed), trained with the state's
    method (M = N for 'GD', 1 for 'SGD', batch_size for 'mini-batch'), eta and epochs (or the
    `epochs` given), shuffled by the state's seed: the run the page's JavaScript reproduces.
    """
    X = np.array(state["X"], dtype=np.float64)
    y = np.array(state["labels"], dtype=np.intp)
    N = y.size
    sizes = (X.shape[0],) + (state["width"],) * state["hidden"] + (state["classes"],)
    M = {"GD": N, "SGD": 1}.get(state["method"], state["batch_size"])
    net0 = bp.init(sizes, g=state["g"], seed=state["seed"])
    E = state["epochs"] if epochs is None else epochs
    return bp.train.train(net0, X, y, state["eta"], E, batch_size=M, seed=state["seed"], progress=False)


class Trainer(anywidget.AnyWidget):
    """A classifier n_0 → width × hidden → k trained in the page; build it with `trainer(...)`.

    Synced settings (the reader's controls): method ('GD', 'SGD', 'mini-batch'), eta (η > 0),
    batch_size (M of the mini-batch method, 1..N), epochs (1..max_epochs), g (one of
    `activations`), width (one of `widths`).  Fixed at build time: X (n_0 rows of N numbers),
    labels (N classes), hidden (number of hidden layers), seed, the initial weights of every
    (g, width) in `initial` and the shuffle orders of `max_epochs` epochs in `orders`.
    """

    _esm = STUB_ESM
    _library = anywidget.WidgetTrait().tag(sync=True)

    X = t.List().tag(sync=True)
    labels = t.List(t.Int()).tag(sync=True)
    classes = t.Int(2).tag(sync=True)
    hidden = t.Int(1).tag(sync=True)
    activations = t.List(t.Unicode()).tag(sync=True)
    widths = t.List(t.Int()).tag(sync=True)
    initial = t.Dict().tag(sync=True)
    orders = t.List().tag(sync=True)
    seed = t.Int(0).tag(sync=True)
    max_epochs = t.Int(30).tag(sync=True)
    eta_range = t.List(t.Float(), default_value=[1e-3, 10.0]).tag(sync=True)
    method = t.Unicode("mini-batch").tag(sync=True)
    eta = t.Float(0.3).tag(sync=True)
    batch_size = t.Int(16).tag(sync=True)
    epochs = t.Int(30).tag(sync=True)
    g = t.Unicode("tanh").tag(sync=True)
    width = t.Int(8).tag(sync=True)
    title = t.Unicode("").tag(sync=True)

    def __repr__(self) -> str:
        # Stable text (no memory address), so executed notebooks compare equal run to run.
        return (
            f"Trainer(N={self.N}, sizes={self.sizes}, method={self.method!r}, eta={self.eta}, "
            f"batch_size={self.batch_size}, epochs={self.epochs}, g={self.g!r})"
        )

    @property
    def N(self) -> int:
        return len(self.labels)

    @property
    def sizes(self) -> tuple[int, ...]:
        """(n_0, width, ..., width, k) for the current width."""
        return (len(self.X),) + (self.width,) * self.hidden + (self.classes,)

    @property
    def M(self) -> int:
        """The batch size the current method uses: N (GD), 1 (SGD) or batch_size."""
        return {"GD": self.N, "SGD": 1}.get(self.method, self.batch_size)

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        """(X (n_0, N), labels (N,)) as numpy arrays."""
        return np.array(self.X, dtype=np.float64), np.array(self.labels, dtype=np.intp)

    def net0(self) -> bp.Network:
        """The initial network for the current g and width, bp.init(sizes, g, seed)."""
        return bp.init(self.sizes, g=self.g, seed=self.seed)

    def run(self) -> bp.train.Trained:
        """The run the page shows, in Python: bp.train.train with the widget's settings.

        Raises the lib's ValueError ("training diverged: ...") where the page shows that message.
        """
        return run_state({name: getattr(self, name) for name in STATE_KEYS})

    @t.validate("method")
    def _v_method(self, proposal):
        if proposal.value not in METHODS:
            raise TrainerError(f"method must be one of {METHODS}, got {proposal.value!r}")
        return proposal.value

    @t.validate("eta")
    def _v_eta(self, proposal):
        if not (math.isfinite(proposal.value) and proposal.value > 0):
            raise TrainerError(
                f"eta (the learning rate η) must be a finite number > 0, got {proposal.value!r}"
            )
        return proposal.value

    @t.validate("batch_size")
    def _v_batch_size(self, proposal):
        if not 1 <= proposal.value <= max(self.N, 1):
            raise TrainerError(f"batch_size must be in 1..N = 1..{self.N}, got {proposal.value!r}")
        return proposal.value

    @t.validate("epochs")
    def _v_epochs(self, proposal):
        if not 1 <= proposal.value <= self.max_epochs:
            raise TrainerError(
                f"epochs must be in 1..max_epochs = 1..{self.max_epochs} (the page holds the shuffle "
                f"orders of {self.max_epochs} epochs), got {proposal.value!r}"
            )
        return proposal.value

    @t.validate("g")
    def _v_g(self, proposal):
        if proposal.value not in self.activations:
            raise TrainerError(f"g must be one of the activations {self.activations}, got {proposal.value!r}")
        return proposal.value

    @t.validate("width")
    def _v_width(self, proposal):
        if proposal.value not in self.widths:
            raise TrainerError(f"width must be one of the widths {self.widths}, got {proposal.value!r}")
        return proposal.value


def trainer(
    X=None,
    y=None,
    *,
    hidden: int = 1,
    width: int = 8,
    widths=(2, 4, 8, 16),
    g: str = "tanh",
    activations=ACTIVATIONS,
    method: str = "mini-batch",
    eta: float = 0.3,
    batch_size: int = 16,
    epochs: int = 30,
    max_epochs: int | None = None,
    seed: int = 0,
    title: str = "",
) -> Trainer:
    """A trainer for a 2-D classification set (chapters 3 and 9), live in the page.

    Parameters
    ----------
    X, y : training set, X (2, N), labels (N,) in 0..k−1; default bp.data.moons(200, noise=0.2, seed)
    hidden : number of hidden layers (each of `width` units)
    width, widths : the initial width and the widths the control offers
    g, activations : the initial activation and those the control offers ('sigmoid', 'tanh', 'relu')
    method, eta, batch_size, epochs : the initial settings of the controls
    max_epochs : the largest number of epochs the control offers (default: epochs)
    seed : seed of the initial weights (bp.init) and of the shuffling (bp.train.train)
    title : a heading shown above the trainer

    Returns
    -------
    Trainer (an anywidget), with .run() giving bp.train.train's result for its current settings
    """
    if X is None:
        X, y = bp.data.moons(200, noise=0.2, seed=seed)
    X = as_matrix(X, "training inputs X", rows=2)
    labels = check_labels(y, int(np.max(y)) + 1)
    if labels.size != X.shape[1]:
        raise ValueError(f"y must hold one label per column of X ({X.shape[1]}), got {labels.size}")
    classes = max(2, int(labels.max()) + 1)
    widths = sorted({int(w) for w in widths})
    activations = list(activations)
    for a in activations:
        check_name(a, dict.fromkeys(ACTIVATIONS), "activation g")
    if width not in widths or g not in activations:
        raise ValueError(
            f"width {width!r} and g {g!r} must be among widths {widths} and activations {activations}"
        )
    if not (isinstance(hidden, int) and 1 <= hidden <= 4):
        raise ValueError(f"hidden (the number of hidden layers) must be an integer in 1..4, got {hidden!r}")
    max_epochs = epochs if max_epochs is None else max_epochs
    if not (isinstance(max_epochs, int) and 1 <= epochs <= max_epochs):
        raise ValueError(f"epochs must be in 1..max_epochs, got {epochs!r} and {max_epochs!r}")
    N = X.shape[1]
    initial = {}
    for a, w in itertools.product(activations, widths):
        W, b = to_lists(bp.init((2,) + (w,) * hidden + (classes,), g=a, seed=seed))
        initial[_key(a, w)] = {"W": W, "b": b}
    # The lib's shuffle order of every epoch (the same for every M < N; GD keeps the stored order).
    orders = [o.tolist() for o in itertools.islice(bp.train.epoch_orders(N, 1, seed), max_epochs)]
    w = Trainer(
        X=X.tolist(), labels=labels.tolist(), classes=classes, hidden=hidden, activations=activations,
        widths=widths, initial=initial, orders=orders, seed=seed, max_epochs=max_epochs, title=title,
        _library=library(),
    )  # fmt: skip
    w.g, w.width = g, width
    w.method, w.eta, w.batch_size, w.epochs = method, float(eta), batch_size, epochs
    return w
