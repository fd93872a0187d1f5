"""A scratch static HTML page of explorers, without building the book (for looking and benchmarks).

It embeds the widgets' state the way the book does (html-manager's embed-amd.js, require.js with
a `paths` entry for anywidget's front end), with local copies of every script, so it works
offline from file://.  Needs `npm ci` (node_modules/) for require.js and embed-amd.js.

    python benchmarks/explorer_page.py OUT_DIR     # writes OUT_DIR/index.html
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import anywidget
from ipywidgets.embed import dependency_state, embed_data

ROOT = Path(__file__).resolve().parent.parent


def _first(npm_path: str, book_path: str) -> Path:
    """A pinned asset: from node_modules/ (npm ci), else the book's copy (book/assets/offline/)."""
    for candidate in (ROOT / "node_modules" / npm_path, ROOT / "book" / "assets" / "offline" / book_path):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{npm_path} not found: run `npm ci` (or `make book`)")


def default_explorers():
    from backprop import explorers as E

    return [
        E.explorer((2, 3, 3, 2), seed=1, title="Every component"),
        E.explorer((6, 6, 6, 6, 6), g="tanh", seed=2, title="4 layers × 6 units"),
        E.explorer((3, 4, 2), g="relu", output="identity", loss="squared_error", seed=3, mode="gradients"),
        E.explorer((2, 3, 2), output="sigmoid", loss="binary_cross_entropy", seed=4, components=["check"]),
    ]


def write_page(out_dir: Path, widgets=None, dark: bool = False) -> Path:
    """Write out_dir/index.html showing `widgets` (default: default_explorers()); return its path."""
    widgets = default_explorers() if widgets is None else widgets
    out_dir = Path(out_dir)
    assets = out_dir / "assets"
    (assets / "anywidget").mkdir(parents=True, exist_ok=True)
    shutil.copy2(_first("requirejs/require.js", "requirejs/require.js"), assets / "require.js")
    shutil.copy2(
        _first("@jupyter-widgets/html-manager/dist/embed-amd.js", "html-manager/embed-amd.js"),
        assets / "embed-amd.js",
    )
    front_end = Path(anywidget.__file__).parent / "nbextension" / "index.js"
    shutil.copy2(front_end, assets / "anywidget" / "index.js")
    # Explorers render through the kernel's ExplorerLibrary widget (an "anywidget:<id>" reference
    # that ipywidgets' dependency walk does not follow): its state goes in the page too.
    extra = [w._library for w in widgets if getattr(w, "_library", None) is not None]
    state = dependency_state(list(widgets) + extra[:1], drop_defaults=False)
    data = embed_data(views=widgets, state=state, drop_defaults=False)
    state = json.dumps(data["manager_state"]).replace("</", "<\\/")
    mime = "application/vnd.jupyter.widget-view+json"
    views = "\n".join(
        f'<div class="cell"><script type="{mime}">{json.dumps(v)}</script></div>' for v in data["view_specs"]
    )
    theme = ' data-theme="dark" style="background:#121212;color:#ddd"' if dark else ' data-theme="light"'
    html = f"""<!DOCTYPE html>
<html{theme}><head><meta charset="utf-8"><title>explorers</title>
<script src="assets/require.js"></script>
<script>requirejs.config({{paths: {{anywidget: "assets/anywidget/index"}}}});</script>
<script src="assets/embed-amd.js"></script>
<style>body {{ font-family: sans-serif; max-width: 900px; margin: 1em auto; }}
.cell {{ margin: 2em 0; }}</style>
</head><body>
<script type="application/vnd.jupyter.widget-state+json">{state}</script>
{views}
</body></html>
"""
    page = out_dir / "index.html"
    page.write_text(html, encoding="utf-8")
    return page


if __name__ == "__main__":
    print(write_page(Path(sys.argv[1] if len(sys.argv) > 1 else "artifacts/explorers")))
