"""Committed notebooks carry no outputs and no execution counts (the build executes them).

Checks every notebook that git tracks (or, outside a git checkout, every notebook under
chapters/), so a notebook saved with outputs fails here before it reaches the book. Fix one
with `nbstripout chapters/NN_topic.ipynb` (the pre-commit hook does it on commit).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _notebooks() -> list[str]:
    try:
        out = subprocess.run(
            ["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
        files = [f for f in out.splitlines() if (ROOT / f).is_file()]
    except (OSError, subprocess.CalledProcessError):
        files = [p.relative_to(ROOT).as_posix() for p in (ROOT / "chapters").glob("*.ipynb")]
    return sorted(files)


NOTEBOOKS = _notebooks()


@pytest.mark.parametrize("path", NOTEBOOKS or ["<no notebooks>"])
def test_notebook_is_stripped(path):
    if path == "<no notebooks>":
        pytest.skip("no notebooks committed yet")
    nb = json.loads((ROOT / path).read_text(encoding="utf-8"))
    dirty = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        if cell.get("outputs"):
            dirty.append(f"cell {i}: {len(cell['outputs'])} output(s)")
        if cell.get("execution_count") is not None:
            dirty.append(f"cell {i}: execution_count {cell['execution_count']}")
    assert not nb.get("metadata", {}).get("widgets"), f"{path}: saved widget state in metadata"
    assert not dirty, f"{path} is not stripped (run nbstripout):\n  " + "\n  ".join(dirty)
