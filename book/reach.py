"""Sphinx extension: what lets the book reach readers outside the repository.

- The HTML build ships a wheel of the book's library in ``_static/wheels/``, with an
  ``index.html`` listing it, so that ``pip install backprop-interactively --find-links
  <book>/_static/wheels/`` works from the published book (or from its folder on disk).
- Every chapter's first code cell is ``FIRST_CELL``: when ``backprop`` is missing it stops with
  a short message saying how to install it.  ``python book/reach.py chapters/NN_x.ipynb`` puts it
  into a chapter (tests/test_reach_first_cell.py checks every chapter has it).
- One switch for the buttons that point outside the book: ``repository.url`` in _config.yml.
  While it is empty, the repository, issues and edit buttons and the Binder/Colab launch
  buttons are off (Jupyter Book's default would point at its own repository); once it is set,
  the repository button and the launch buttons are on and point at it.
- The LaTeX builder gets SVG figures as PDF, converted with ``rsvg-convert`` (librsvg2-bin).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FIRST_CELL = """\
try:  # the book's library: without it, say how to install it, and stop
    import backprop  # noqa: F401
except ModuleNotFoundError:
    raise ModuleNotFoundError(
        "This chapter needs the book's library. Install it with\\n"
        "  %pip install backprop-interactively "
        "--find-links BOOK/_static/wheels/\\n"
        "where BOOK is the web address or folder of the HTML book\\n"
        "(../_static/wheels/ from this chapter's page), or run\\n"
        "  pip install -e .\\n"
        "at the root of a clone of the book's repository. "
        "Then restart the kernel."
    ) from None"""

# Cell tag: the snippet runs in the build (the lib is there) but is not shown in the book.
FIRST_CELL_TAGS = ["remove-cell"]

WHEEL_DIR = "_static/wheels"
GITHUB_URL = re.compile(r"^https://(github\.com|gitlab\.com|bitbucket\.org)/[\w.-]+/[\w.-]+/?$")


# --- the first cell ----------------------------------------------------------------------------


def first_code_cell(nb: dict) -> dict | None:
    return next((c for c in nb["cells"] if c["cell_type"] == "code"), None)


def has_first_cell(nb: dict) -> bool:
    cell = first_code_cell(nb)
    return cell is not None and "".join(cell["source"]) == FIRST_CELL


def add_first_cell(path: Path) -> bool:
    """Insert FIRST_CELL before the chapter's first code cell; False if it is already there."""
    nb = json.loads(path.read_text("utf-8"))
    if has_first_cell(nb):
        return False
    cell = first_code_cell(nb)
    at = nb["cells"].index(cell) if cell is not None else len(nb["cells"])
    ids = {c.get("id") for c in nb["cells"]}
    new_id, n = "reach-first-cell", 1
    while new_id in ids:
        new_id, n = f"reach-first-cell-{n}", n + 1
    lines = FIRST_CELL.splitlines(keepends=True)
    nb["cells"].insert(
        at,
        {
            "cell_type": "code",
            "execution_count": None,
            "id": new_id,
            "metadata": {"tags": list(FIRST_CELL_TAGS)},
            "outputs": [],
            "source": lines,
        },
    )
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", "utf-8")
    return True


# --- the wheel ---------------------------------------------------------------------------------


def build_wheel(dest: Path) -> Path:
    """Build the lib's wheel from a clean copy of the sources into dest; return its path."""
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="backprop-wheel-") as tmp:
        src = Path(tmp) / "src"
        shutil.copytree(ROOT / "lib", src / "lib", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        for name in ("pyproject.toml", "LICENSE-CODE"):
            shutil.copy2(ROOT / name, src / name)
        out = Path(tmp) / "out"
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
             "--no-index", "--wheel-dir", str(out), str(src)],
            check=True,
        )  # fmt: skip
        (wheel,) = out.glob("*.whl")
        for old in dest.glob("*.whl"):
            old.unlink()
        target = dest / wheel.name
        shutil.copy2(wheel, target)
    links = "\n".join(
        f'<a href="{html.escape(w.name)}">{html.escape(w.name)}</a><br>' for w in sorted(dest.glob("*.whl"))
    )
    (dest / "index.html").write_text(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>The book's library</title></head><body>\n"
        "<p>The library of <i>Backpropagation, interactively</i>: "
        "<code>pip install backprop-interactively --find-links</code> this folder.</p>\n"
        f"{links}\n</body></html>\n",
        "utf-8",
    )
    return target


def _ship_wheel(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        build_wheel(Path(app.outdir) / WHEEL_DIR)


# --- the buttons -------------------------------------------------------------------------------

REPOSITORY_BUTTONS = ("use_repository_button", "use_issues_button", "use_edit_page_button")
LAUNCH_KEYS = ("binderhub_url", "jupyterhub_url", "colab_url", "jupyterlite_url", "thebe")


def button_options(theme_options: dict) -> dict:
    """The theme options with the outward buttons on for a repository URL, off without one."""
    opts = dict(theme_options)
    url = (opts.get("repository_url") or "").strip()
    if not url:
        opts["repository_url"] = ""
        for key in REPOSITORY_BUTTONS:
            opts[key] = False
        opts["launch_buttons"] = {
            k: v for k, v in (opts.get("launch_buttons") or {}).items() if k not in LAUNCH_KEYS
        }
        return opts
    if not GITHUB_URL.match(url):
        raise ValueError(
            f"repository.url in _config.yml must be like https://github.com/OWNER/REPO, got {url!r}"
        )
    opts["repository_url"] = url.rstrip("/")
    opts["use_repository_button"] = True
    return opts


def _switch_buttons(app, config) -> None:
    config.html_theme_options = button_options(config.html_theme_options or {})


# --- SVG figures in the PDF --------------------------------------------------------------------


def _svg_converter():
    from sphinx.transforms.post_transforms.images import ImageConverter

    class RsvgConverter(ImageConverter):
        conversion_rules = [("image/svg+xml", "application/pdf")]

        def is_available(self) -> bool:
            return shutil.which("rsvg-convert") is not None

        def convert(self, _from: str, _to: str) -> bool:
            subprocess.run(["rsvg-convert", "--format=pdf", "--output", _to, _from], check=True)
            return True

    return RsvgConverter


def setup(app):
    app.connect("config-inited", _switch_buttons)
    app.connect("build-finished", _ship_wheel)
    app.add_post_transform(_svg_converter())
    return {"parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        print(f"{arg}: {'first cell added' if add_first_cell(Path(arg)) else 'already there'}")
