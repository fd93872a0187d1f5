"""Helpers for tests/test_chapter_*.py: run a chapter's cells, move an explorer's weight."""

from __future__ import annotations

import json
from pathlib import Path

CHAPTERS = Path(__file__).resolve().parent.parent / "chapters"


def code_cells(name: str) -> list[str]:
    """The sources of chapters/<name>.ipynb's code cells, without its install-message cell."""
    cells = json.loads((CHAPTERS / f"{name}.ipynb").read_text("utf-8"))["cells"]
    return [
        "".join(c["source"]) for c in cells if c["cell_type"] == "code" and c.get("id") != "reach-first-cell"
    ]


def run_chapter(name: str) -> dict:
    """Execute every code cell of chapters/<name>.ipynb in order; return the namespace."""
    path = CHAPTERS / f"{name}.ipynb"
    cells = [c for c in json.loads(path.read_text("utf-8"))["cells"] if c["cell_type"] == "code"]
    ns: dict = {}
    for i, cell in enumerate(cells):
        exec(compile("".join(cell["source"]), f"{path.name}, code cell {i}", "exec"), ns)
    return ns


def slide(explorer, k: int, i: int, j: int, w: float) -> None:
    """Set W_k[i, j] = w on an explorer as its slider does: a new W list with one entry changed."""
    W = [None] + [[row[:] for row in Wk] for Wk in explorer.W[1:]]
    W[k][i][j] = w
    explorer.W = W
