"""Write tests/js/checkpoint_fixtures.json, the cases js/checkpoint_view.js is tested against.

Usage: python tests/js/make_checkpoint_fixtures.py [OUT]   (default tests/js/checkpoint_fixtures.json)

The file is committed; tests/test_checkpoint.py fails if it differs from what this script writes
now (run it again after changing backprop.checkpoint).  Every expected value comes from
backprop.checkpoint (and backprop.checkpoint_explorer for the explorer's readouts).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from backprop import checkpoint as ck
from backprop.checkpoint_explorer import CheckpointExplorer

OUT = Path(__file__).resolve().parent / "checkpoint_fixtures.json"


def fixtures() -> dict:
    """Random networks (widths 1–9, depth 1–14, batch 1–5, every m in 1..L+1) and explorer states."""
    rng = np.random.default_rng(14)
    nets = []
    for _ in range(40):
        L = int(rng.integers(1, 15))
        sizes = [int(v) for v in rng.integers(1, 10, size=L + 1)]
        B = int(rng.integers(1, 6))
        per_m = [
            {
                "m": m,
                "checkpoints": list(ck.checkpoints(L, m)),
                "segments": [list(s) for s in ck.segments(L, m)],
                "memory": ck.checkpoint_memory(sizes, B, m),
                "peak": ck.peak_floats(sizes, B, m),
                "recomputed": ck.recomputed_layers(L, m),
                "extra": ck.extra_forward_madds(sizes, B, m),
            }
            for m in range(1, L + 2)
        ]
        nets.append({
            "sizes": sizes,
            "B": B,
            "forward": ck.forward_madds(sizes, B),
            "backward": ck.backward_madds(sizes, B),
            "backward_input_grad": ck.backward_madds(sizes, B, input_grad=True),
            "stored": ck.stored_floats(sizes, B),
            "per_m": per_m,
        })  # fmt: skip
    explorer = []
    for L, m, n in [(1, 1, 10), (16, 4, 100), (48, 48, 1000), (48, 5, 250), (30, 7, 40), (7, 3, 990)]:
        explorer.append({"L": L, "m": m, "n": n, **CheckpointExplorer(L=L, m=m, n=n).readouts()})
    for _ in range(30):
        L = int(rng.integers(1, 49))
        m, n = int(rng.integers(1, L + 1)), int(10 * rng.integers(1, 101))
        explorer.append({"L": L, "m": m, "n": n, **CheckpointExplorer(L=L, m=m, n=n).readouts()})
    return {"nets": nets, "explorer": explorer}


def text() -> str:
    """The fixture file's content."""
    return json.dumps(fixtures(), separators=(",", ":")) + "\n"


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    out.write_text(text(), encoding="utf-8")
    print(f"wrote {out}")
