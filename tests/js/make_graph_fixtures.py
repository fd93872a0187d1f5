"""Write the fixtures the graph explorer's JavaScript math is tested against (graph_view.test.mjs).

Usage: python tests/js/make_graph_fixtures.py [OUT]   (default tests/js/graph_fixtures.json)

The file is committed; tests/test_graph_widget.py fails when it differs from what this script
writes now.  Cases: the explorer's own graphs (backprop.graph_widget.examples) and random graphs
of numbers over every operation the JavaScript knows, with shared inputs and nodes used twice.
Every expected number comes from backprop.autodiff (forward values, the sweep's steps, the
gradients), through graph_widget.sweep_readout.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from backprop import autodiff as ad
from backprop import graph_widget as gw

OUT = Path(__file__).resolve().parent / "graph_fixtures.json"
N_RANDOM = 40
UNARY = {
    "sigmoid": ad.sigmoid_node,
    "tanh": ad.tanh,
    "relu": ad.relu,
    "exp": lambda v: ad.exp(ad.tanh(v)),  # exp of a bounded value: no overflow
    "log": lambda v: ad.log(ad.softplus(v)),  # log of a positive value
    "square": ad.square,
    "abs": ad.abs_,
    "softplus": ad.softplus,
    "identity": lambda v: ad.activation("identity", v),
}
BINARY = {"add": ad.add, "sub": ad.sub, "mul": ad.mul, "matmul": ad.matmul}


def random_graph(rng) -> ad.Node:
    leaves = [
        ad.leaf(np.round(rng.normal(), 3).reshape(1, 1), f"x{i}") for i in range(int(rng.integers(1, 4)))
    ]
    pool = list(leaves)
    for _ in range(int(rng.integers(1, 8))):
        if rng.random() < 0.5:
            name = str(rng.choice(sorted(UNARY)))
            node = UNARY[name](pool[int(rng.integers(len(pool)))])
        else:
            name = str(rng.choice(sorted(BINARY)))
            node = BINARY[name](pool[int(rng.integers(len(pool)))], pool[int(rng.integers(len(pool)))])
        pool.append(node)
    end = pool[-1] + pool[0] if len(pool) > 1 else pool[0] * 1.0
    return ad.sum_(end) if rng.random() < 0.5 else ad.mean(end)


def cases() -> list[dict]:
    specs = gw.examples()
    rng = np.random.default_rng(13)
    specs += [gw.to_spec(random_graph(rng), f"random_{i}", f"random graph {i}") for i in range(N_RANDOM)]
    return [{"spec": s, "expected": gw.sweep_readout(s)} for s in specs]


def render() -> str:
    return json.dumps({"cases": cases()}, ensure_ascii=False, indent=1) + "\n"


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    out.write_text(render(), encoding="utf-8")
    print(f"wrote {out}")
