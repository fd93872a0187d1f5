"""Write tests/js/gradnorm_fixtures.json, what tests/js/gradnorm.test.mjs checks the JS against.

Usage: PYTHONPATH=lib python tests/js/make_gradnorm_fixtures.py [OUT]
(committed; tests/test_gradnorm.py fails if the committed file differs from a fresh run).

A reduced copy of the explorer's draws (the first SUB layers, rows and columns of the seeded
normals and rows of X, so the file stays small; the page's full draws are compared with the lib
by the browser test), encoded as the page receives them, and for every activation × scheme and a
few (depth, width) the lib's ‖∇_{a_k}‖ and ‖∇_{W_k}‖ (backprop.initialisation.gradient_norms on
backprop.initialisation.scaled_network), and the weights of one case.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from backprop import gradnorm
from backprop.initialisation import SCHEMES, gradient_norms, scaled_network

SUB = 12
SHAPES = [(2, 4), (5, 7), (12, 12), (9, 5)]
OUT = Path(__file__).with_name("gradnorm_fixtures.json")


def fixtures() -> dict:
    normals, X, labels = gradnorm.draws(seed=0)
    normals, X = normals[:SUB, :SUB, :SUB], X[:SUB]
    data = {
        "normals_b64": gradnorm._b64(normals),
        "x_b64": gradnorm._b64(X),
        "labels": [int(v) for v in labels],
        "n_max": SUB,
        "batch": gradnorm.BATCH,
        "classes": gradnorm.CLASSES,
    }
    cases = []
    for g in gradnorm.ACTIVATION_CHOICES:
        for scheme in SCHEMES:
            for depth, width in SHAPES:
                sizes = (width,) * depth + (gradnorm.CLASSES,)
                net = scaled_network(normals, sizes, g, scheme)
                norms = gradient_norms(net, X[:width], labels)
                case = {"depth": depth, "width": width, "g": g, "scheme": scheme}
                case["grad_a"], case["grad_W"] = norms.grad_a[1:], norms.grad_W[1:]
                if (g, scheme, depth) == ("tanh", "glorot", 5):
                    case["W"] = [net.W[k].tolist() for k in range(1, net.L + 1)]
                cases.append(case)
    return {"data": data, "normals_first": normals.ravel()[:8].tolist(), "cases": cases}


def text() -> str:
    return json.dumps(fixtures(), indent=1) + "\n"


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    out.write_text(text(), encoding="utf-8")
    print(f"wrote {out}")
