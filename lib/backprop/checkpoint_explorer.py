"""The checkpointing explorer of chapter 14: what is kept, what is recomputed, live in the page.

An anywidget whose front end (js/checkpoint_view.js, with js/checkpoint.css) computes the counts
of backprop.checkpoint in JavaScript and draws them as SVG, so its sliders work in Jupyter and
in the built HTML book with no kernel.  The network has L layers of n units each (n_0 = n too)
and one example (B = 1); the reader moves L, the segment length m and the width n.
`readouts()` gives the same numbers from the lib, for tests and the chapter.
"""

from __future__ import annotations

from functools import cache

import anywidget
import traitlets as t

from backprop import checkpoint as ck
from backprop import jsmodules

#: the sliders' ranges, as in js/checkpoint_view.js (LIMITS)
LIMITS = {"L": (1, 48), "m": (1, 48), "n": (10, 1000)}


@cache
def esm_source() -> str:
    """The explorer's ES module: keys.js, then js/checkpoint_view.js (jsmodules.bundle)."""
    return jsmodules.bundle("keys.js", "checkpoint_view.js")


@cache
def css_source() -> str:
    """The explorer's stylesheet, js/checkpoint.css."""
    return jsmodules.read("checkpoint.css")


class CheckpointExplorer(anywidget.AnyWidget):
    """Depth L, segment length m, width n: which activations are kept, which recomputed.

    Traitlets (synced with the front end):
    L : number of layers, 1..48
    m : segment length, 1..48 (an m ≥ L is one segment: the plain pass)
    n : units per layer, 10..1000 (every layer, the input too)
    title : heading shown above the explorer
    """

    _esm = esm_source()
    _css = css_source()
    L = t.Int(16).tag(sync=True)
    m = t.Int(4).tag(sync=True)
    n = t.Int(100).tag(sync=True)
    title = t.Unicode("Gradient checkpointing: kept and recomputed activations").tag(sync=True)

    @t.validate("L", "m", "n")
    def _v_range(self, proposal):
        name, value = proposal["trait"].name, proposal["value"]
        lo, hi = LIMITS[name]
        if not lo <= value <= hi:
            raise t.TraitError(f"{name} must be an integer in {lo}..{hi}, got {value!r}")
        return value

    @property
    def sizes(self) -> tuple[int, ...]:
        """(n, n, ..., n), L + 1 entries."""
        return (self.n,) * (self.L + 1)

    def readouts(self) -> dict[str, int]:
        """What the explorer shows, from backprop.checkpoint, for one example (B = 1)."""
        m = min(self.m, self.L)
        sizes, L = self.sizes, self.L
        forward = sum(ck.forward_madds(sizes, 1)[1:])
        backward = sum(ck.backward_madds(sizes, 1)[1:])
        return {
            "m": m,
            "segments": len(ck.segments(L, m)),
            "peak": ck.peak_floats(sizes, 1, m),
            "plain": ck.stored_floats(sizes, 1),
            "recomputed": ck.recomputed_layers(L, m),
            "extra": ck.extra_forward_madds(sizes, 1, m),
            "forward": forward,
            "backward": backward,
            "best": ck.best_segment_length(L),
        }


def checkpoint_explorer(L: int = 16, m: int = 4, n: int = 100, **kwargs) -> CheckpointExplorer:
    """The explorer with depth L, segment length m and width n (see CheckpointExplorer)."""
    return CheckpointExplorer(L=L, m=m, n=n, **kwargs)
