"""Run a chapter's code cells in order into one namespace, as nbval does, for tests/test_chapter_*.py."""

from __future__ import annotations

import json
from pathlib import Path

CHAPTERS = Path(__file__).resolve().parent.parent / "chapters"


def run_chapter(name: str) -> dict:
    """Execute every code cell of chapters/<name>.ipynb in order; return the namespace."""
    path = CHAPTERS / f"{name}.ipynb"
    cells = [c for c in json.loads(path.read_text("utf-8"))["cells"] if c["cell_type"] == "code"]
    ns: dict = {}
    for i, cell in enumerate(cells):
        exec(compile("".join(cell["source"]), f"{path.name}, code cell {i}", "exec"), ns)
    return ns
