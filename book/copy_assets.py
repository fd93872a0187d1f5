"""Copy the book's pinned third-party front-end files into book/assets/ (generated, git-ignored).

Sources, all pinned: MathJax 3, the Jupyter widget manager (@jupyter-widgets/html-manager),
require.js and Font Awesome 4 from node_modules/ (installed by `npm ci` from package-lock.json),
and anywidget's front end from the installed Python package (the wheel ships `anywidget/nbextension/index.js`,
the same file as the npm package's `dist/index.js`, so its version always equals the kernel's).

The layout below is what _config.yml (mathjax_path, nb_ipywidgets_js) and
book/static/book-js/require-paths.js expect:

    book/assets/offline/mathjax/          MathJax's es5/ folder (tex-chtml.js, fonts, extensions)
    book/assets/offline/requirejs/        require.js
    book/assets/offline/html-manager/     embed-amd.js and the icon fonts it references (pages with
                                          ipywidgets controls; bookext.py gives pages whose widgets
                                          are all anywidgets book-js/widgets-light.js instead)
    book/assets/offline/anywidget/        index.js (an AMD module named `anywidget`)
    book/assets/offline/font-awesome/     css/ and fonts/ of Font Awesome 4.7 (matplotlib animations)

Run by the local Sphinx extension (book/bookext.py) at the start of every build, and by hand with
`python book/copy_assets.py`.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
DEST = ROOT / "book" / "assets" / "offline"

# (source under node_modules, destination under DEST, glob patterns to copy)
NPM_FILES = [
    ("mathjax/es5", "mathjax", ["**/*"]),
    ("requirejs", "requirejs", ["require.js"]),
    # Font Awesome 4 for the play/pause buttons of matplotlib's to_jshtml animations (their HTML
    # links version 4.4 on a CDN; book/bookext.py points that link here).
    ("font-awesome", "font-awesome", ["css/font-awesome.min.css", "fonts/*"]),
    (
        "@jupyter-widgets/html-manager/dist",
        "html-manager",
        ["embed-amd.js", "*.woff", "*.woff2", "*.ttf", "*.eot", "*.svg"],
    ),
]


class AssetsMissing(RuntimeError):
    """The pinned sources are not installed (run `npm ci`, or pip install -r requirements.txt)."""


def _copy(src: Path, dest: Path) -> None:
    # Skip unchanged files so that repeated builds stay cheap.
    if (
        dest.exists()
        and dest.stat().st_size == src.stat().st_size
        and dest.stat().st_mtime >= src.stat().st_mtime
    ):
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dest)


def copy_assets(dest: Path = DEST) -> Path:
    """Copy every pinned asset into `dest`; return `dest`. Raises AssetsMissing with the fix."""
    for src_dir, sub, patterns in NPM_FILES:
        src_root = NODE_MODULES / src_dir
        if not src_root.is_dir():
            raise AssetsMissing(
                f"{src_root} not found: the book's JavaScript assets come from the npm registry; "
                "run `npm ci` in the repository root (or `make book`)."
            )
        for pattern in patterns:
            for src in src_root.glob(pattern):
                if src.is_file():
                    _copy(src, dest / sub / src.relative_to(src_root))
    try:
        import anywidget
    except ImportError as err:
        raise AssetsMissing("anywidget is not installed: pip install -r requirements.txt") from err
    front_end = Path(anywidget.__file__).parent / "nbextension" / "index.js"
    if not front_end.is_file():
        raise AssetsMissing(f"{front_end} not found: this anywidget wheel does not ship its front end")
    _copy(front_end, dest / "anywidget" / "index.js")
    return dest


if __name__ == "__main__":
    try:
        print(f"assets copied to {copy_assets().relative_to(ROOT)}")
    except AssetsMissing as err:
        sys.exit(str(err))
