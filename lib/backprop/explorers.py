"""Explorers: "slide a weight, watch every gradient" — widgets that stay live in the static book.

Chapters 0 (the tour) and 4–8, 12 use them.  An explorer is an anywidget whose front end runs
the network's forward and backward pass in JavaScript (js/backprop_math.js, tested under node
against this lib) and draws SVG (js/explorer_view.js), so its sliders work in Jupyter *and* in
the built HTML book, with no kernel.  This module holds what the reader controls as traitlets
and exposes the same quantities computed by the lib (bp.forward / bp.backward) for the current
state, so both sides can be compared.

Shapes and indices are the lib's: sizes = (n_0, ..., n_L); W[k] has shape (n_k, n_{k−1}),
stored as nested lists with W[0] = None; b[k] has n_k entries; one example (B = 1).  The
selected weight (k, i, j) is W[k][i, j].  Explorers take up to 4 layers of up to 6 units.

What the reader sees uses the lectures' numbering: layers as here, units counted from 1, so the
widget's "W₂,₁₃" (the lectures' W_{2,13}) is W[2][0, 2] here, "h₁,₂" is h[1][1], "x₁" is x[0] and
"ℓ = 1" is label 0.  Everything on the Python side — `selected`, `unit`, `label`, the readouts'
keys, the state string — keeps numpy's 0-based unit indices.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from functools import cache

import anywidget
import numpy as np
import traitlets as t

import backprop as bp
from backprop import jsmodules
from backprop.activations import ACTIVATIONS, get_activation
from backprop.broken import broken_backward
from backprop.gradcheck import numerical_gradient_of, rel_error
from backprop.jsmodules import SharedLibrary, bundle, one_per_kernel
from backprop.network import loss as network_loss

PAIRS = ("softmax+cross_entropy", "sigmoid+binary_cross_entropy", "identity+squared_error")
COMPONENTS = ("network", "bars", "heatmap", "curve", "paths", "check")
BREAKS = ("drop_g_prime", "drop_transpose", "flip_sign")
MODES = ("values", "gradients")
MAX_LAYERS = 4
MAX_UNITS = 6
STATE_PREFIX = "bp1."
#: the gradient check's pass threshold (relative error), as in the JavaScript panel
CHECK_TOLERANCE = 1e-7


class ExplorerError(ValueError, t.TraitError):
    """Bad explorer settings: a ValueError (a TraitError too, so traitlets rolls the batch back)."""


@cache
def esm_source() -> str:
    """One self-contained ES module: backprop_math.js, keys.js, explorer_view.js (jsmodules.bundle)."""
    return bundle("backprop_math.js", "keys.js", "explorer_view.js")


#: The explorers' stub module: every Explorer's own `_esm` (it renders through the page's
#: ExplorerLibrary widget, named by the explorer's `_library` trait).
STUB_ESM = jsmodules.STUB_ESM


@cache
def css_source() -> str:
    """The explorers' stylesheet, js/explorer.css."""
    return jsmodules.read("explorer.css")


# ------------------------------------------------------------------ the widget


class ExplorerLibrary(SharedLibrary):
    """The explorers' JavaScript and CSS, once per kernel: a widget that is never displayed.

    Its module (esm_source()) exports, through anywidget's `initialize`, the `render` that every
    Explorer's stub module (STUB_ESM) calls via `host.getWidget(model.get("_library"))`.  So a
    page of the built book (and a notebook's saved widget state) holds the module once, however
    many explorers it shows.  Get the kernel's instance with library().
    """

    _esm = esm_source()
    _css = css_source()


#: The kernel's one ExplorerLibrary (created on first use, again if it was closed).
library = one_per_kernel(ExplorerLibrary)


class Explorer(anywidget.AnyWidget):
    """A small network, its forward and backward pass, drawn live in the browser.

    Traitlets (synced with the front end; the reader's slider moves change them in Jupyter).
    The widget shows the lectures' 1-based unit numbers (W₂,₁₃, h₁,₂, x₁, ℓ = 1, rows 1..n),
    while `selected`, `unit`, `label` and every other traitlet hold numpy's 0-based indices:
    the widget's W₂,₁₃ is selected = [2, 0, 2].

    sizes : [n_0, ..., n_L], 1 ≤ L ≤ 4, each 1 ≤ n_k ≤ 6
    g : hidden activation, 'sigmoid', 'tanh', 'relu' or 'identity'
    pair : output/loss, 'softmax+cross_entropy', 'sigmoid+binary_cross_entropy' or
           'identity+squared_error'
    x : the input, n_0 numbers
    label : the class, 0..k−1 (softmax + cross-entropy); the widget shows it as ℓ = label + 1
    y : the target, k numbers (in [0, 1] for binary cross-entropy; unused for cross-entropy)
    W : [None, W_1, ..., W_L], W_k nested lists of shape (n_k, n_{k−1})
    b : [None, b_1, ..., b_L], b_k a list of n_k numbers
    seed : the seed the weights were drawn with (recorded in the state string)
    selected : [k, i, j], the weight W[k][i, j] the slider moves and the check examines
               (shown as W_{k,(i+1)(j+1)})
    unit : [i, j], unit j (0-based; shown as h_{i,j+1}) of layer i (0 ≤ i < L) for the
           multi-path view and the curve
    breaks : which broken backward variants the check panel uses (subset of BREAKS)
    eps : the centred difference's step ε
    components : which views to show, a subset of COMPONENTS, in that order
    mode : what the diagram's units show, 'values' (a, h) or 'gradients' (∇a, ∇h)
    title : a heading shown above the explorer
    """

    _esm = STUB_ESM
    # the widget that carries the explorers' module and CSS (see ExplorerLibrary)
    _library = anywidget.WidgetTrait().tag(sync=True)

    sizes = t.List(t.Int(), default_value=[2, 3, 2]).tag(sync=True)
    g = t.Unicode("sigmoid").tag(sync=True)
    pair = t.Unicode(PAIRS[0]).tag(sync=True)
    x = t.List(t.Float()).tag(sync=True)
    label = t.Int(0).tag(sync=True)
    y = t.List(t.Float()).tag(sync=True)
    W = t.List().tag(sync=True)
    b = t.List().tag(sync=True)
    seed = t.Int(0).tag(sync=True)
    selected = t.List(t.Int(), default_value=[1, 0, 0]).tag(sync=True)
    unit = t.List(t.Int(), default_value=[1, 0]).tag(sync=True)
    breaks = t.List(t.Unicode()).tag(sync=True)
    eps = t.Float(1e-5).tag(sync=True)
    components = t.List(t.Unicode(), default_value=list(COMPONENTS)).tag(sync=True)
    mode = t.Unicode("values").tag(sync=True)
    title = t.Unicode("").tag(sync=True)

    def __init__(self, **kwargs):
        unknown = set(kwargs) - _SETTINGS
        if unknown:
            raise ExplorerError(
                f"Explorer has no setting(s) {sorted(unknown)}; settings are {sorted(_SETTINGS)}"
            )
        sizes = _check_sizes(kwargs.get("sizes", [2, 3, 2]))
        kwargs["sizes"] = sizes
        kwargs.setdefault("seed", 0)
        # Defaults consistent with sizes, so the widget is valid from the start.
        if "W" not in kwargs or "b" not in kwargs:
            net = bp.init(sizes, g=kwargs.get("g", "sigmoid"), seed=kwargs["seed"])
            kwargs.setdefault("W", _weights_to_lists(net.W))
            kwargs.setdefault("b", _biases_to_lists(net.b))
        kwargs.setdefault("x", [0.0] * sizes[0])
        kwargs.setdefault("y", [0.0] * sizes[-1])
        kwargs.setdefault("unit", [1 if len(sizes) > 2 else 0, 0])
        kwargs["_library"] = library()
        # HasTraits sets these in one batch and cross-validates them together at the end.
        super().__init__(**kwargs)

    def __repr__(self) -> str:
        # Stable text (no memory address), so executed notebooks compare equal run to run.
        return f"Explorer(sizes={self.sizes}, g={self.g!r}, pair={self.pair!r}, components={self.components})"

    # ---- validation (runs after a batch of changes, so sizes and W may change together)

    @t.validate("sizes")
    def _v_sizes(self, proposal):
        sizes = _check_sizes(proposal["value"])
        # Everything shaped by sizes must change with it (in the same batch): check it all.
        L = len(sizes) - 1
        _check_weights(self.W, sizes)
        if len(self.b) != L + 1:
            raise ExplorerError(f"b must be [None, b_1, ..., b_L] with L = {L} for sizes {sizes}")
        for k in range(1, L + 1):
            _check_vector(self.b[k], sizes[k], f"b[{k}]")
        _check_vector(self.x, sizes[0], "input x (n_0 numbers)")
        _check_vector(self.y, sizes[-1], "target y (k numbers)")
        k_sel, i_sel, j_sel = self.selected
        if not (1 <= k_sel <= L and i_sel < sizes[k_sel] and j_sel < sizes[k_sel - 1]):
            raise ExplorerError(f"selected {self.selected} is not a weight of a network of sizes {sizes}")
        if not (self.unit[0] < L and self.unit[1] < sizes[self.unit[0]]):
            raise ExplorerError(f"unit {self.unit} is not a unit of a hidden layer for sizes {sizes}")
        if self.label >= sizes[-1]:
            raise ExplorerError(f"label {self.label} is not a class of k = {sizes[-1]} outputs")
        return sizes

    @t.validate("g")
    def _v_g(self, proposal):
        if proposal["value"] not in ACTIVATIONS:
            raise ExplorerError(f"g must be one of {sorted(ACTIVATIONS)}, got {proposal['value']!r}")
        return proposal["value"]

    @t.validate("pair")
    def _v_pair(self, proposal):
        if proposal["value"] not in PAIRS:
            raise ExplorerError(f"pair must be one of {PAIRS}, got {proposal['value']!r}")
        if proposal["value"] == "sigmoid+binary_cross_entropy" and any(not 0 <= v <= 1 for v in self.y):
            raise ExplorerError(f"binary cross-entropy needs targets y in [0, 1]; set y too, got {self.y}")
        return proposal["value"]

    @t.validate("x")
    def _v_x(self, proposal):
        return _check_vector(proposal["value"], self.sizes[0], "input x (n_0 numbers)")

    @t.validate("y")
    def _v_y(self, proposal):
        y = _check_vector(proposal["value"], self.sizes[-1], "target y (k numbers)")
        if self.pair == "sigmoid+binary_cross_entropy" and any(not 0 <= v <= 1 for v in y):
            raise ExplorerError(f"binary cross-entropy targets y must lie in [0, 1], got {y}")
        return y

    @t.validate("label")
    def _v_label(self, proposal):
        k = self.sizes[-1]
        label = proposal["value"]
        if not 0 <= label < k:
            raise ExplorerError(
                f"label must be a class in 0..{k - 1} (k = {k} outputs; 0-based, the widget shows "
                f"ℓ = label + 1), got {label}"
            )
        return label

    @t.validate("W")
    def _v_W(self, proposal):
        return _check_weights(proposal["value"], self.sizes)

    @t.validate("b")
    def _v_b(self, proposal):
        b = proposal["value"]
        if len(b) != len(self.sizes) or b[0] is not None:
            raise ExplorerError(
                f"b must be [None, b_1, ..., b_L] with L = {len(self.sizes) - 1}, got {len(b)} entries"
            )
        return [None] + [
            _check_vector(bk, n, f"b[{k}]")
            for k, (bk, n) in enumerate(zip(b[1:], self.sizes[1:], strict=True), 1)
        ]

    @t.validate("selected")
    def _v_selected(self, proposal):
        sel = list(proposal["value"])
        L = len(self.sizes) - 1
        if (
            len(sel) != 3
            or not 1 <= sel[0] <= L
            or not 0 <= sel[1] < self.sizes[sel[0]]
            or not 0 <= sel[2] < self.sizes[sel[0] - 1]
        ):
            raise ExplorerError(
                f"selected must be [k, i, j] naming W_k[i, j]: 1 ≤ k ≤ {L}, 0 ≤ i < n_k, 0 ≤ j < n_(k−1) "
                f"for sizes {self.sizes}, got {sel}"
            )
        return sel

    @t.validate("unit")
    def _v_unit(self, proposal):
        u = list(proposal["value"])
        L = len(self.sizes) - 1
        if len(u) != 2 or not 0 <= u[0] < L or not 0 <= u[1] < self.sizes[u[0]]:
            raise ExplorerError(
                f"unit must be [i, j], unit j of layer i with 0 ≤ i < L = {L} and 0 ≤ j < n_i "
                f"for sizes {self.sizes}, got {u}"
            )
        return u

    @t.validate("breaks")
    def _v_breaks(self, proposal):
        bad = [v for v in proposal["value"] if v not in BREAKS]
        if bad:
            raise ExplorerError(f"breaks must be a subset of {BREAKS}, got {bad}")
        return [v for v in BREAKS if v in proposal["value"]]

    @t.validate("eps")
    def _v_eps(self, proposal):
        eps = proposal["value"]
        if not (math.isfinite(eps) and 0 < eps <= 0.1):
            raise ExplorerError(f"eps must be a step in (0, 0.1], got {eps}")
        return eps

    @t.validate("components")
    def _v_components(self, proposal):
        comps = list(proposal["value"])
        bad = [c for c in comps if c not in COMPONENTS]
        if bad or not comps:
            raise ExplorerError(f"components must be a non-empty subset of {COMPONENTS}, got {comps}")
        return [c for c in COMPONENTS if c in comps]

    @t.validate("mode")
    def _v_mode(self, proposal):
        if proposal["value"] not in MODES:
            raise ExplorerError(f"mode must be one of {MODES}, got {proposal['value']!r}")
        return proposal["value"]

    # ---- the same quantities, computed by the lib

    @property
    def output(self) -> str:
        """The output function O of the pair ('softmax', 'sigmoid' or 'identity')."""
        return self.pair.split("+")[0]

    @property
    def loss_name(self) -> str:
        """The loss of the pair ('cross_entropy', 'binary_cross_entropy' or 'squared_error')."""
        return self.pair.split("+")[1]

    @property
    def net(self) -> bp.Network:
        """The current network as a lib Network (W[k] of shape (n_k, n_{k−1}), b[k] of shape (n_k, 1))."""
        return bp.Network(
            W=(None,) + tuple(np.array(Wk, dtype=np.float64) for Wk in self.W[1:]),
            b=(None,) + tuple(np.array(bk, dtype=np.float64).reshape(-1, 1) for bk in self.b[1:]),
            g=self.g,
            output=self.output,
            loss=self.loss_name,
        )

    @property
    def x_column(self) -> np.ndarray:
        """The input x as a column, shape (n_0, 1)."""
        return np.array(self.x, dtype=np.float64).reshape(-1, 1)

    @property
    def target(self):
        """The target in the lib's form: labels [ℓ] for cross-entropy, else a (k, 1) column y."""
        if self.pair == PAIRS[0]:
            return np.array([self.label])
        return np.array(self.y, dtype=np.float64).reshape(-1, 1)

    @property
    def target_vector(self) -> np.ndarray:
        """The target as a (k, 1) column: e(ℓ) for cross-entropy, else y."""
        if self.pair == PAIRS[0]:
            return bp.one_hot(self.label, self.sizes[-1])
        return self.target

    @property
    def fwd(self):
        """bp.forward(net, x): a[k], h[k] of shape (n_k, 1); h[L] = ŷ."""
        return bp.forward(self.net, self.x_column)

    @property
    def grads(self) -> bp.network.Gradients:
        """bp.backward(net, fwd, y): grad_a, grad_h, grad_W, grad_b (shapes as the quantities)."""
        net = self.net
        return bp.backward(net, bp.forward(net, self.x_column), self.target)

    @property
    def loss(self) -> float:
        """The loss L for the current input and target."""
        net = self.net
        return network_loss(net, bp.forward(net, self.x_column), self.target)

    @property
    def y_hat(self) -> np.ndarray:
        """ŷ = O(a_L), shape (k, 1)."""
        return self.fwd.y_hat

    @property
    def selected_gradient(self) -> float:
        """∂L/∂W_kij for the selected weight, by backprop (the lib's grad_W[k][i, j])."""
        k, i, j = self.selected
        return float(self.grads.grad_W[k][i, j])

    def centred_difference(self, eps: float | None = None) -> float:
        """(L(W_kij + ε) − L(W_kij − ε)) / (2ε) for the selected weight (bp.gradcheck)."""
        k, i, j = self.selected
        eps = self.eps if eps is None else eps
        return float(numerical_gradient_of(self.net, self.x_column, self.target, "W", k, eps)[i, j])

    def relative_error(self) -> float:
        """The check panel's |analytic − numeric| / max(|analytic| + |numeric|, 1e-12).

        bp.gradcheck.rel_error with a floor of 1e-12, so that a weight whose gradient is exactly
        0 (a dead ReLU unit, say) passes instead of comparing two rounding errors.
        """
        return rel_error(self.selected_gradient, self.centred_difference(), tiny=1e-12)

    def path_contributions(self, unit=None) -> np.ndarray:
        """Per-path terms ∂L/∂a_{i+1,m} · W_{i+1}[m, j] for unit j of layer i, shape (n_{i+1},).

        They sum to grad_h[i][j] = (W_{i+1}ᵀ ∇_{a_{i+1}})_j.
        """
        i, j = self.unit if unit is None else unit
        return self.grads.grad_a[i + 1][:, 0] * self.net.W[i + 1][:, j]

    def readouts(self) -> dict[str, float]:
        """Every number the explorer shows, keyed as the page's data-bpx attributes, by the lib.

        Keys: 'loss'; 'x:j', 'y:m', 'target:m'; 'a:k:i', 'h:k:i' (h:0 is x, h:L is ŷ);
        'ga:k:i', 'gh:k:i'; 'W:k:i:j', 'gW:k:i:j'; 'check.analytic', 'check.numeric',
        'check.rel' (and 'check.broken', 'check.rel.broken' with break-it boxes ticked);
        'path.term:m', 'path.sum'; 'curve.a', 'curve.g', 'curve.gp'.
        """
        net, fwd, grads = self.net, self.fwd, self.grads
        L = net.L
        out = {"loss": self.loss}
        out.update({f"x:{j}": v for j, v in enumerate(self.x)})
        out.update({f"y:{m}": v for m, v in enumerate(self.y)})
        out.update({f"target:{m}": float(v) for m, v in enumerate(self.target_vector[:, 0])})
        for k in range(L + 1):
            for i, v in enumerate(fwd.h[k][:, 0]):
                out[f"h:{k}:{i}"] = float(v)
            if k >= 1:
                for i, v in enumerate(fwd.a[k][:, 0]):
                    out[f"a:{k}:{i}"] = float(v)
                for i, v in enumerate(grads.grad_a[k][:, 0]):
                    out[f"ga:{k}:{i}"] = float(v)
                for (i, j), v in np.ndenumerate(net.W[k]):
                    out[f"W:{k}:{i}:{j}"] = float(v)
                for (i, j), v in np.ndenumerate(grads.grad_W[k]):
                    out[f"gW:{k}:{i}:{j}"] = float(v)
            if k < L:
                for i, v in enumerate(grads.grad_h[k][:, 0]):
                    out[f"gh:{k}:{i}"] = float(v)
        out["check.analytic"] = self.selected_gradient
        out["check.numeric"] = self.centred_difference()
        out["check.rel"] = self.relative_error()
        if self.breaks:  # what the check panel shows with "break it" boxes ticked
            k, i, j = self.selected
            broken = float(broken_backward(net, fwd, self.target, self.breaks).grad_W[k][i, j])
            out["check.broken"] = broken
            out["check.rel.broken"] = rel_error(broken, out["check.numeric"], tiny=1e-12)
        terms = self.path_contributions()
        out.update({f"path.term:{m}": float(v) for m, v in enumerate(terms)})
        out["path.sum"] = float(grads.grad_h[self.unit[0]][self.unit[1], 0])
        i, j = self.unit
        if i >= 1:
            act = get_activation(self.g)
            a = fwd.a[i][j, 0]
            out["curve.a"] = float(a)
            out["curve.g"] = float(act.g(a))
            out["curve.gp"] = float(act.g_prime(a))
        return out

    # ---- the state string

    @property
    def state(self) -> str:
        """The copyable state string: 'bp1.' + base64url of compact JSON (seed, weights, input, ...)."""
        return encode_state(self)

    def load_state(self, state: str) -> None:
        """Load a state string (as shown in the widget) into this explorer.

        Not named `set_state`: ipywidgets calls `Widget.set_state(dict)` for every change the
        front end sends (a slider moved in JupyterLab), and overriding it dropped them all.
        """
        _apply(self, decode_state(state))


_SETTINGS = {
    "sizes", "g", "pair", "x", "label", "y", "W", "b", "seed", "selected",
    "unit", "breaks", "eps", "components", "mode", "title",
}  # fmt: skip


def _check_sizes(sizes) -> list[int]:
    try:
        sizes = [int(n) if float(n) == int(n) else None for n in sizes]
    except (TypeError, ValueError) as err:
        raise ExplorerError(f"sizes must be a list of integers (n_0, ..., n_L), got {sizes!r}") from err
    if not 2 <= len(sizes) <= MAX_LAYERS + 1 or any(n is None or not 1 <= n <= MAX_UNITS for n in sizes):
        raise ExplorerError(
            f"explorers take sizes (n_0, ..., n_L) with 1 ≤ L ≤ {MAX_LAYERS} layers and 1..{MAX_UNITS} "
            f"units each, got {sizes!r}"
        )
    return sizes


def _check_vector(v, n: int, name: str) -> list[float]:
    try:
        arr = np.array(v, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ExplorerError(f"{name} must be a list of {n} numbers, got {v!r}") from err
    if arr.shape != (n,):
        raise ExplorerError(f"{name} must be a list of {n} numbers, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ExplorerError(f"{name} must hold finite numbers, got {v!r}")
    return [float(t) for t in arr]


def _check_weights(W, sizes) -> list:
    L = len(sizes) - 1
    if not isinstance(W, (list, tuple)) or len(W) != L + 1 or W[0] is not None:
        raise ExplorerError(f"W must be [None, W_1, ..., W_L] with L = {L} for sizes {sizes}")
    out = [None]
    for k in range(1, L + 1):
        try:
            arr = np.array(W[k], dtype=np.float64)
        except (TypeError, ValueError) as err:
            raise ExplorerError(f"W[{k}] must be a matrix of numbers") from err
        if arr.shape != (sizes[k], sizes[k - 1]):
            raise ExplorerError(
                f"W[{k}] must have shape (n_{k}, n_{k - 1}) = ({sizes[k]}, {sizes[k - 1]}), got {arr.shape}"
            )
        if not np.all(np.isfinite(arr)):
            raise ExplorerError(f"W[{k}] must hold finite numbers")
        out.append(arr.tolist())
    return out


def _weights_to_lists(W) -> list:
    return [None] + [np.asarray(Wk, dtype=np.float64).tolist() for Wk in W[1:]]


def _biases_to_lists(b) -> list:
    return [None] + [np.asarray(bk, dtype=np.float64).ravel().tolist() for bk in b[1:]]


# ------------------------------------------------------------------ state strings


def encode_state(ex: Explorer) -> str:
    """'bp1.' + base64url(compact JSON): seed, sizes, g, pair, x, ℓ or y, W, b, selected, unit, eps."""
    o = {"v": 1, "seed": ex.seed, "sizes": ex.sizes, "g": ex.g, "pair": ex.pair, "x": ex.x}
    if ex.pair == PAIRS[0]:
        o["label"] = ex.label
    else:
        o["y"] = ex.y
    o.update(W=ex.W[1:], b=ex.b[1:], selected=ex.selected, unit=ex.unit, eps=ex.eps)
    if ex.breaks:
        o["breaks"] = ex.breaks
    raw = json.dumps(o, separators=(",", ":")).encode("ascii")
    return STATE_PREFIX + base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_state(state: str) -> dict:
    """Read a state string back into explorer settings (W and b with the None in slot 0)."""
    if not isinstance(state, str) or not state.strip().startswith(STATE_PREFIX):
        raise ValueError(
            f"a state string starts with {STATE_PREFIX!r} (copy it from the explorer), got {state!r:.40}"
        )
    body = state.strip()[len(STATE_PREFIX) :]
    try:
        o = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError) as err:
        raise ValueError(
            "the state string is damaged (not base64 of JSON); copy it again from the explorer"
        ) from err
    if not isinstance(o, dict) or o.get("v") != 1 or not {"sizes", "W", "b", "x"} <= o.keys():
        raise ValueError("the state string is not an explorer state (version 1 with sizes, W, b and x)")
    settings = {k: v for k, v in o.items() if k in _SETTINGS}
    settings["W"] = [None, *o["W"]]
    settings["b"] = [None, *o["b"]]
    # Only the pair's own target is stored; the other one gets a neutral value of the right size.
    k = o["sizes"][-1] if isinstance(o["sizes"], list) and o["sizes"] else 1
    settings.setdefault("y", [0.0] * k)
    settings.setdefault("label", 0)
    return settings


def _apply(ex: Explorer, settings: dict) -> None:
    with ex.hold_trait_notifications():
        for name, value in settings.items():
            setattr(ex, name, value)


# ------------------------------------------------------------------ builders


def explorer(
    sizes=(2, 3, 2),
    g: str = "sigmoid",
    output: str = "softmax",
    loss: str = "cross_entropy",
    seed: int = 0,
    x=None,
    y=None,
    components=COMPONENTS,
    selected=None,
    unit=None,
    mode: str = "values",
    title: str = "",
    state: str | None = None,
) -> Explorer:
    """An explorer of a small network: weights bp.init(sizes, g, output, loss, seed).

    Parameters
    ----------
    sizes : (n_0, ..., n_L), 1 ≤ L ≤ 4 layers, 1..6 units each
    g : hidden activation; output, loss : one of the pairs softmax + cross_entropy,
        sigmoid + binary_cross_entropy, identity + squared_error
    seed : seed of the weights (and of the default input x)
    x : input, n_0 numbers (default: drawn from the seed, rounded to 0.01)
    y : target — a class label (int, 0-based: y=1 is the widget's "ℓ = 2") for cross-entropy,
        else k numbers (default: label 0, or drawn from the seed)
    components : the views to show, any of COMPONENTS
    selected : [k, i, j], the weight the slider moves, numpy's 0-based i, j (default [1, 0, 0],
        which the widget shows as W₁,₁₁: it shows the lectures' 1-based unit numbers)
    unit : [i, j], the unit of the multi-path view and the curve, 0-based j (default: the first
        hidden unit, [1, 0], shown as h₁,₁)
    mode : 'values' or 'gradients', what the diagram's units show
    title : a heading
    state : a state string copied from an explorer; it overrides sizes, g, output/loss, seed,
            x, y and the weights

    Returns
    -------
    Explorer
    """
    pair = f"{output}+{loss}"
    if pair not in PAIRS:
        raise ValueError(
            f"explorers support the output/loss pairs {[p.replace('+', ' + ') for p in PAIRS]}, "
            f"got output={output!r}, loss={loss!r}"
        )
    if not isinstance(seed, (int, np.integer)):
        raise ValueError(f"seed must be an integer, got {seed!r}")
    sizes = _check_sizes(sizes)
    if g not in ACTIVATIONS:
        raise ValueError(f"g must be one of {sorted(ACTIVATIONS)}, got {g!r}")
    settings = {"sizes": sizes, "g": g, "pair": pair, "seed": int(seed)}
    if state is not None:
        settings = decode_state(state)
        sizes = settings["sizes"] = _check_sizes(settings["sizes"])
        pair = settings.get("pair", pair)
    else:
        net = bp.init(sizes, g=g, output=output, loss=loss, seed=seed)
        settings["W"] = _weights_to_lists(net.W)
        settings["b"] = _biases_to_lists(net.b)
        rng = np.random.default_rng([int(seed), 1])
        settings["x"] = (
            np.round(rng.uniform(-1, 1, sizes[0]), 2).tolist()
            if x is None
            else _check_vector(x, sizes[0], "x")
        )
        k = sizes[-1]
        if pair == PAIRS[0]:
            label = 0 if y is None else y
            if not isinstance(label, (int, np.integer)):
                raise ValueError(
                    f"for cross-entropy, y is a class label (an int in 0..{k - 1}; 0-based, the "
                    f"widget shows ℓ = y + 1), got {y!r}"
                )
            settings["label"] = int(label)
            settings["y"] = [0.0] * k
        elif y is None:
            lo = 0.0 if pair == PAIRS[1] else -1.0
            settings["y"] = np.round(rng.uniform(lo, 1, k), 2).tolist()
        else:
            settings["y"] = _check_vector(np.ravel(y), k, "target y")
    if selected is not None:
        settings["selected"] = list(selected)
    if unit is not None:
        settings["unit"] = list(unit)
    settings.setdefault("selected", [1, 0, 0])
    settings.setdefault("unit", [1 if len(sizes) > 2 else 0, 0])
    settings.setdefault("y", [0.0] * sizes[-1])
    return Explorer(components=list(components), mode=mode, title=title, **settings)


def network_explorer(sizes=(2, 3, 2), **kwargs) -> Explorer:
    """An explorer with the network diagram and the gradient vectors (chapters 4–6)."""
    return explorer(sizes, components=("network", "bars"), **kwargs)


def matrix_explorer(sizes=(3, 3, 3), **kwargs) -> Explorer:
    """An explorer with W_k and ∇W_k = ∇a_k h_{k−1}ᵀ as heatmaps (chapter 7)."""
    return explorer(sizes, components=("network", "heatmap"), **kwargs)


def activation_explorer(sizes=(2, 3, 2), **kwargs) -> Explorer:
    """An explorer with the activation curve and its tangent (chapter 8)."""
    return explorer(sizes, components=("curve", "bars"), **kwargs)


def multipath_explorer(sizes=(2, 3, 3, 2), **kwargs) -> Explorer:
    """An explorer of the multi-path chain rule at one hidden unit (chapter 6)."""
    return explorer(sizes, components=("paths",), **kwargs)


def gradient_check_explorer(sizes=(3, 3, 3, 2), **kwargs) -> Explorer:
    """An explorer of the gradient check with its "break it" toggles (chapter 12)."""
    return explorer(sizes, components=("network", "check"), **kwargs)
