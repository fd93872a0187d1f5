"""The graph explorer of chapter 13: a computational graph, and its backward sweep step by step.

An anywidget whose front end (js/graph_view.js) recomputes the graph's forward values and the
backward sweep in JavaScript, draws the graph as SVG and steps through the sweep node by node,
so it is live in Jupyter and in the static HTML book.  The Python side holds what the reader
controls (`selected`, `step`) as traitlets and gives the lib's numbers for the same state
(`readout`), computed by backprop.autodiff, so both sides can be compared (tests/js/ and
tests/test_browser_graph.py do).

The JavaScript does scalar arithmetic: every node of a graph shown here holds one number
(shape () or (1, 1)), like the deep-thin network of chapter 4.
"""

from __future__ import annotations

from functools import cache

import anywidget
import numpy as np
import traitlets as t

from backprop import autodiff as ad
from backprop import jsmodules

#: the operations the JavaScript knows (a subset of backprop.autodiff's)
JS_OPS = (
    "leaf",
    "constant",
    "add",
    "sub",
    "mul",
    "matmul",
    "sigmoid",
    "tanh",
    "relu",
    "identity",
    "exp",
    "log",
    "square",
    "abs",
    "softplus",
    "sum",
    "mean",
)


def to_spec(root: ad.Node, name: str, title: str) -> dict:
    """The graph of a scalar loss as plain data for the JavaScript, nodes in topological order.

    Returns {"name", "title", "nodes": [{"op", "label", "parents": [indices], "value"?}]}: the
    root is the last node; leaves and constants carry their value, every other value is
    recomputed by the front end.
    """
    order = ad.topological_order(root)
    index = {id(n): i for i, n in enumerate(order)}
    nodes = []
    for n in order:
        if n.op not in JS_OPS:
            raise ValueError(f"the graph explorer cannot show op {n.op!r}; it knows {list(JS_OPS)}")
        if n.value.size != 1:
            raise ValueError(
                f"the graph explorer shows graphs of numbers; node {n.label or n.op!r} has shape {n.shape}"
            )
        spec = {"op": n.op, "label": n.label or n.op, "parents": [index[id(p)] for p in n.parents]}
        if not n.parents:
            spec["value"] = float(n.value.ravel()[0])
        nodes.append(spec)
    return {"name": name, "title": title, "nodes": nodes}


def _named(node: ad.Node, label: str) -> ad.Node:
    node.label = label
    return node


def deep_thin_graph() -> ad.Node:
    """Chapter 4's deep-thin network, two sigmoid layers and a squared error:
    a₁ = w₁x + b₁, h₁ = σ(a₁), a₂ = w₂h₁ + b₂, ŷ = σ(a₂), ℓ = (ŷ − y)²."""
    x, y = ad.leaf(1.5, "x"), ad.leaf(0.2, "y")
    w1, b1, w2, b2 = ad.leaf(0.8, "w₁"), ad.leaf(-0.3, "b₁"), ad.leaf(-1.2, "w₂"), ad.leaf(0.5, "b₂")
    a1 = _named(_named(w1 * x, "w₁x") + b1, "a₁")
    h1 = _named(ad.sigmoid_node(a1), "h₁")
    a2 = _named(_named(w2 * h1, "w₂h₁") + b2, "a₂")
    y_hat = _named(ad.sigmoid_node(a2), "ŷ")
    return _named(ad.square(_named(y_hat - y, "ŷ − y")), "ℓ")


def shared_weight_graph() -> ad.Node:
    """One weight used twice (tied layers): a₁ = wx, h₁ = tanh(a₁), ŷ = w h₁, ℓ = (ŷ − y)²;
    ∂ℓ/∂w is the sum of what both uses send back."""
    x, y, w = ad.leaf(0.9, "x"), ad.leaf(-0.4, "y"), ad.leaf(1.3, "w")
    h1 = _named(ad.tanh(_named(w * x, "a₁")), "h₁")
    y_hat = _named(w * h1, "ŷ")
    return _named(ad.square(_named(y_hat - y, "ŷ − y")), "ℓ")


def examples() -> list[dict]:
    """The explorer's graphs, as specs (see to_spec)."""
    return [
        to_spec(deep_thin_graph(), "deep_thin", "Deep-thin network (chapter 4)"),
        to_spec(shared_weight_graph(), "shared_weight", "One weight used twice"),
    ]


def from_spec(spec: dict) -> ad.Node:
    """Rebuild a spec's graph with backprop.autodiff (the lib's numbers for the front end's)."""
    built: list[ad.Node] = []
    ops = {
        "add": ad.add,
        "sub": ad.sub,
        "mul": ad.mul,
        "matmul": lambda A, B: ad.mul(A, B),  # one number each: A B = A · B
        "exp": ad.exp,
        "log": ad.log,
        "square": ad.square,
        "abs": ad.abs_,
        "softplus": ad.softplus,
        "sum": ad.sum_,
        "mean": ad.mean,
    }
    for node in spec["nodes"]:
        op, parents = node["op"], [built[i] for i in node["parents"]]
        if op in ("leaf", "constant"):
            n = ad.Node(node["value"], op=op, label=node["label"])
        elif op in ("sigmoid", "tanh", "relu", "identity"):
            n = ad.activation(op, parents[0])
        elif op in ops:
            n = ops[op](*parents)
        else:
            raise ValueError(f"unknown op {op!r} in graph spec; expected one of {list(JS_OPS)}")
        n.label = node["label"]
        built.append(n)
    return built[-1]


def sweep_readout(spec: dict) -> dict:
    """The lib's numbers for a spec: forward values, and the sweep's steps in order.

    Returns {"values": [v_i], "order": [node index per step], "steps": [{"node", "grad",
    "sent": [per parent]}], "grads": [∂ℓ/∂v_i]} — what the front end shows, node by node.
    """
    root = from_spec(spec)
    order = ad.topological_order(root)
    index = {id(n): i for i, n in enumerate(order)}
    sweep = ad.backward(root)
    return {
        "values": [float(n.value.ravel()[0]) for n in order],
        "order": [index[id(s.node)] for s in sweep.steps],
        "steps": [
            {
                "node": index[id(s.node)],
                "grad": float(np.ravel(s.grad)[0]),
                "sent": [float(np.ravel(v)[0]) for v in s.sent],
            }
            for s in sweep.steps
        ],
        "grads": [float(np.ravel(sweep.grad(n))[0]) for n in order],
    }


@cache
def esm_source() -> str:
    """The explorer's ES module: keys.js, then js/graph_view.js (math and view; jsmodules.bundle)."""
    return jsmodules.bundle("keys.js", "graph_view.js")


@cache
def css_source() -> str:
    """The explorer's stylesheet, js/graph_view.css."""
    return jsmodules.read("graph_view.css")


class GraphExplorer(anywidget.AnyWidget):
    """A computational graph and its backward sweep, step by step (one per page: its own _esm).

    graphs : list of specs (see to_spec), the graphs the menu offers
    selected : the name of the graph shown
    step : how many nodes the sweep has visited, 0 (before the sweep) .. number of nodes
    """

    _esm = esm_source()
    _css = css_source()
    graphs = t.List(t.Dict()).tag(sync=True)
    selected = t.Unicode("").tag(sync=True)
    step = t.Int(0).tag(sync=True)

    def __init__(self, graphs=None, **kwargs):
        graphs = examples() if graphs is None else list(graphs)
        if not graphs:
            raise ValueError("GraphExplorer needs at least one graph spec")
        kwargs.setdefault("selected", graphs[0]["name"])
        super().__init__(graphs=graphs, **kwargs)

    @t.validate("selected")
    def _v_selected(self, proposal):
        names = [g["name"] for g in self.graphs]
        if proposal["value"] not in names:
            raise t.TraitError(f"selected must be one of {names}, got {proposal['value']!r}")
        return proposal["value"]

    @t.validate("step")
    def _v_step(self, proposal):
        n = len(self.spec["nodes"]) if self.graphs and self.selected else 0
        if not 0 <= proposal["value"] <= n:
            raise t.TraitError(f"step must lie in 0..{n} (the number of nodes), got {proposal['value']}")
        return proposal["value"]

    @property
    def spec(self) -> dict:
        """The spec of the graph shown."""
        return next(g for g in self.graphs if g["name"] == self.selected)

    def readout(self) -> dict:
        """The lib's numbers for the current state: sweep_readout(spec) and the current step."""
        out = sweep_readout(self.spec)
        out["step"] = self.step
        out["current"] = out["order"][self.step - 1] if self.step else None
        return out


def graph_explorer(**kwargs) -> GraphExplorer:
    """The chapter's explorer: the deep-thin network and the shared-weight graph."""
    return GraphExplorer(**kwargs)
