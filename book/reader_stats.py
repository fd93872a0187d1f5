"""What a reader of the HTML book sees of the code, chapter by chapter: `python book/reader_stats.py`.

Visible code lines are the lines of code cells not folded or removed (tags hide-input,
hide-cell, remove-input, remove-cell) and not inside a solution (between solution-start and
solution-end, folded in a dropdown).  Also counted: exercises (sphinx-exercise directives) and
reader-facing mentions of the lecture files by name ("seed 00x"), which should be none.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HIDDEN = {"hide-input", "hide-cell", "remove-input", "remove-cell"}
SEED = re.compile(r"seeds? ?0\d\d", re.I)


def stats(path: Path) -> dict:
    nb = json.loads(path.read_text(encoding="utf-8"))
    visible = exercises = seeds = 0
    in_solution = False
    for cell in nb["cells"]:
        src = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            exercises += len(re.findall(r"^```\{exercise(-start)?\}", src, re.M))
            seeds += len(SEED.findall(src))
            if "{solution-start}" in src:
                in_solution = True
            if "{solution-end}" in src:
                in_solution = False
            continue
        if cell["cell_type"] != "code":
            continue
        seeds += len(SEED.findall(src))
        tags = set(cell.get("metadata", {}).get("tags", []))
        if not in_solution and not tags & HIDDEN:
            visible += len(src.splitlines())
    return {"visible code lines": visible, "exercises": exercises, "'seed 00x' mentions": seeds}


def main() -> int:
    rows = {p.stem: stats(p) for p in sorted((ROOT / "chapters").glob("*.ipynb"))}
    keys = list(next(iter(rows.values())))
    print(f"{'chapter':32}" + "".join(f"{k:>24}" for k in keys))
    for name, row in rows.items():
        print(f"{name:32}" + "".join(f"{row[k]:>24}" for k in keys))
    print(f"{'total':32}" + "".join(f"{sum(r[k] for r in rows.values()):>24}" for k in keys))
    return 0


if __name__ == "__main__":
    sys.exit(main())
