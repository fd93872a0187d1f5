"""The gradient-norm explorer: ‖∇_{a_k} L‖ and ‖∇_{W_k} L‖ per layer, live in the static book.

Chapters 8 and 15.  An anywidget whose JavaScript (js/gradnorm_view.js over js/backprop_math.js)
builds the network, runs the forward and backward pass of a batch and draws the per-layer norms
on a log scale; controls: depth L, width n, activation g, initialisation scheme.  No kernel is
needed, so the controls stay live in the HTML book.

The numbers are the lib's: Python ships seeded standard normals Z for the largest depth and width
(rounded to float32, so that the page can carry them compactly and both sides use the same
float64 values), the input batch X and the labels; the page scales Z by the scheme's σ_k as
backprop.initialisation.scaled_network does.  `GradNormExplorer.network()` and `.norms()` give
the lib's network and norms for the widget's current state (tests compare them with the page).

Shapes: sizes = (n, ..., n, k) with L layers with parameters (n_0 = n, L − 1 hidden layers of n
units, k = CLASSES outputs); normals (DEPTH_MAX, N_MAX, N_MAX); X (N_MAX, BATCH).
"""

from __future__ import annotations

import base64
from functools import cache

import anywidget
import numpy as np
import traitlets as t

from backprop import jsmodules
from backprop.initialisation import SCHEMES, GradientNorms, gradient_norms, scaled_network
from backprop.jsmodules import bundle
from backprop.network import Network

DEPTH_MAX = 30
N_MAX = 32
WIDTH_MIN = 4
BATCH = 16
CLASSES = 4
ACTIVATION_CHOICES = ("sigmoid", "tanh", "relu")


@cache
def esm_source() -> str:
    """One self-contained ES module: backprop_math.js, keys.js, gradnorm_view.js (jsmodules.bundle)."""
    return bundle("backprop_math.js", "keys.js", "gradnorm_view.js")


@cache
def css_source() -> str:
    """The explorer's stylesheet, js/gradnorm.css."""
    return jsmodules.read("gradnorm.css")


def draws(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The shipped draws: normals (DEPTH_MAX, N_MAX, N_MAX), X (N_MAX, BATCH), labels (BATCH,).

    Normals and X are standard normals rounded to float32 (held as float64); the labels are
    uniform in 0..CLASSES − 1.  All from np.random.default_rng(seed).
    """
    rng = np.random.default_rng(seed)
    normals = rng.standard_normal((DEPTH_MAX, N_MAX, N_MAX)).astype(np.float32).astype(np.float64)
    X = rng.standard_normal((N_MAX, BATCH)).astype(np.float32).astype(np.float64)
    labels = rng.integers(0, CLASSES, size=BATCH)
    return normals, X, labels


def _b64(a: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(a, dtype="<f4").tobytes()).decode("ascii")


@cache
def payload(seed: int = 0) -> dict:
    """What the page needs: the draws (base64 little-endian float32, row-major) and the limits."""
    normals, X, labels = draws(seed)
    return {
        "normals_b64": _b64(normals),
        "x_b64": _b64(X),
        "labels": [int(v) for v in labels],
        "depth_max": DEPTH_MAX,
        "n_max": N_MAX,
        "width_min": WIDTH_MIN,
        "batch": BATCH,
        "classes": CLASSES,
        "seed": seed,
    }


def sizes_for(depth: int, width: int) -> tuple[int, ...]:
    """(n, ..., n, k): `depth` layers with parameters, n_0 = n, k = CLASSES outputs."""
    return (width,) * depth + (CLASSES,)


def explorer_network(depth: int, width: int, g: str, scheme: str, seed: int = 0) -> Network:
    """The lib's network for these settings, built as the page builds it (scaled_network)."""
    normals, _, _ = draws(seed)
    return scaled_network(normals, sizes_for(depth, width), g, scheme)


def explorer_norms(depth: int, width: int, g: str, scheme: str, seed: int = 0) -> GradientNorms:
    """The lib's per-layer norms for these settings: what the page draws."""
    _, X, labels = draws(seed)
    net = explorer_network(depth, width, g, scheme, seed)
    return gradient_norms(net, X[:width], labels)


class GradNormExplorer(anywidget.AnyWidget):
    """Gradient norms per layer vs depth, width, activation and initialisation, live.

    Traitlets (synced; the page's controls change them in Jupyter):
    depth : L, 2..DEPTH_MAX;  width : n, WIDTH_MIN..N_MAX
    g : 'sigmoid', 'tanh' or 'relu';  scheme : one of backprop.initialisation.SCHEMES
    title : a heading;  data : the shipped draws (see `payload`), set by the constructor
    """

    _esm = esm_source()
    _css = css_source()

    depth = t.Int(10).tag(sync=True)
    width = t.Int(16).tag(sync=True)
    g = t.Unicode("sigmoid").tag(sync=True)
    scheme = t.Unicode("lecun").tag(sync=True)
    title = t.Unicode("gradient norm per layer").tag(sync=True)
    data = t.Dict().tag(sync=True)

    def __init__(self, seed: int = 0, **kwargs):
        kwargs["data"] = payload(seed)
        super().__init__(**kwargs)

    def __repr__(self) -> str:
        return (
            f"GradNormExplorer(depth={self.depth}, width={self.width}, g={self.g!r}, scheme={self.scheme!r})"
        )

    @t.validate("depth")
    def _v_depth(self, proposal):
        v = proposal["value"]
        if not 2 <= v <= DEPTH_MAX:
            raise t.TraitError(f"depth must be an integer in 2..{DEPTH_MAX}, got {v}")
        return v

    @t.validate("width")
    def _v_width(self, proposal):
        v = proposal["value"]
        if not WIDTH_MIN <= v <= N_MAX:
            raise t.TraitError(f"width must be an integer in {WIDTH_MIN}..{N_MAX}, got {v}")
        return v

    @t.validate("g")
    def _v_g(self, proposal):
        v = proposal["value"]
        if v not in ACTIVATION_CHOICES:
            raise t.TraitError(f"g must be one of {ACTIVATION_CHOICES}, got {v!r}")
        return v

    @t.validate("scheme")
    def _v_scheme(self, proposal):
        v = proposal["value"]
        if v not in SCHEMES:
            raise t.TraitError(f"scheme must be one of {sorted(SCHEMES)}, got {v!r}")
        return v

    def network(self) -> Network:
        """The lib's network for the current settings."""
        return explorer_network(self.depth, self.width, self.g, self.scheme, self.data["seed"])

    def norms(self) -> GradientNorms:
        """The lib's ‖∇_{a_k}‖ and ‖∇_{W_k}‖, k = 1..L, for the current settings."""
        return explorer_norms(self.depth, self.width, self.g, self.scheme, self.data["seed"])
