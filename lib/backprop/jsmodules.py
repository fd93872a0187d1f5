"""The widgets' JavaScript as anywidget takes it: one ES module per widget family, once per page.

Each family of widgets (the explorers, the answer boxes, the trainer, the gradient-norm,
checkpointing and graph explorers) keeps its JavaScript in the package's `js/` folder: a math
module of plain functions (node-tested) and a view that imports it.  The static book has no
module resolution, so `bundle` joins them into one self-contained module: the view's imports are
dropped and every `export` keyword but the view's `export default` is removed (the files then
share one module scope), with a seam line `// ---- <file> ----` before each file after the first.

A family that shows many widgets on one page carries its module once: one hidden library widget
(a `SharedLibrary` subclass whose `_esm` is the bundle) per kernel, made by `one_per_kernel`, and
each widget's own `_esm` is `STUB_ESM`, which renders through the library's module (anywidget
0.11's widget composition, `host.getWidget`).  The widget refers to its library through a
`_library = anywidget.WidgetTrait().tag(sync=True)` trait.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from typing import TypeVar

import anywidget

__all__ = ["STUB_ESM", "SharedLibrary", "bundle", "one_per_kernel", "read", "seam"]


def read(name: str) -> str:
    """The text of js/<name> in the package."""
    return (resources.files("backprop") / "js" / name).read_text(encoding="utf-8")


def seam(name: str) -> str:
    """The line `bundle` writes before js/<name> (a string each bundle holds exactly once)."""
    return f"// ---- {name} ----"


def drop_imports(src: str) -> str:
    """`src` without its `import ... ;` statements (which may run over several lines)."""
    out, skipping = [], False
    for line in src.splitlines():
        if line.startswith("import ") or skipping:
            skipping = not line.rstrip().endswith(";")
            continue
        out.append(line)
    return "\n".join(out) + "\n"


def drop_exports(src: str) -> str:
    """`src` with `export` removed before its functions, constants, classes and lets."""
    lines = []
    for line in src.splitlines():
        for kw in ("export function ", "export const ", "export class ", "export let "):
            if line.startswith(kw):
                line = line[len("export ") :]
        lines.append(line)
    return "\n".join(lines) + "\n"


def bundle(*names: str) -> str:
    """js/<names[0]>, js/<names[1]>, ... as one ES module without imports (see the module doc)."""
    if not names:
        raise ValueError("bundle needs at least one file name of the package's js/ folder")
    parts = [drop_exports(read(names[0]))]
    for name in names[1:]:
        parts.append(seam(name) + "\n" + drop_exports(drop_imports(read(name))))
    return "\n".join(parts)


#: The module of every widget whose code a library widget carries: it asks anywidget's front end
#: for the widget named by its `_library` trait ("anywidget:<model id>") and renders through the
#: module that widget carries.
STUB_ESM = """\
// backprop: this widget's code is its family's library widget's module, shared by every widget
// of the family on the page; this stub renders through it (host.getWidget).
export default {
  async render({ model, el, host }) {
    const library = await host.getWidget(model.get("_library"));
    return library.exports.render({ model, el });
  },
};
"""


class SharedLibrary(anywidget.AnyWidget):
    """A widget that is never displayed: it carries a family's module (`_esm`) and CSS (`_css`)."""


L = TypeVar("L", bound=SharedLibrary)


def one_per_kernel(cls: type[L]) -> Callable[[], L]:
    """A function returning the kernel's one instance of `cls` (made on first use, and again
    if it was closed)."""
    made: list[L] = []

    def library() -> L:
        if not made or getattr(made[0], "comm", None) is None:
            made[:] = [cls()]
        return made[0]

    library.__doc__ = f"The kernel's one {cls.__name__} (created on first use, again if it was closed)."
    return library
