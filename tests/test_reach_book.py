"""The built book's reach: a chapter run alone, the PDF, the outward buttons (`make reach`).

Run after `make build` and `make pdf`: these read _build/html and _build/pdf.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import tomllib
import venv
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
PDF = ROOT / "_build" / "pdf" / "book.pdf"
EXECUTED = ROOT / "_build" / "jupyter_execute" / "chapters"
sys.path.insert(0, str(ROOT / "book"))
import build_pdf  # noqa: E402
import reach  # noqa: E402

pytestmark = pytest.mark.book

# The chapter run alone: a short one, with an explorer (the wheel's JavaScript) and figures.
ALONE = "04_intuition"
# What a reader has besides the lib: the wheel's own dependencies, and a kernel to run it.
KERNEL = ["ipykernel", "nbclient"]


def built(path: Path) -> Path:
    assert path.exists(), f"{path.relative_to(ROOT)} is missing: run `make build` and `make pdf` first"
    return path


# --- a chapter on its own ----------------------------------------------------------------------


def closure(names: list[str]) -> set[str]:
    """The installed distributions that `names` need, with theirs, from this environment."""
    seen, todo = set(), list(names)
    env = {"extra": ""}
    while todo:
        name = re.sub(r"[-_.]+", "-", todo.pop()).lower()
        if name in seen:
            continue
        seen.add(name)
        for spec in metadata.requires(name) or []:
            req = Requirement(spec)
            if req.marker is None or req.marker.evaluate(env):
                todo.append(req.name)
    return seen


def reader_venv(where: Path) -> Path:
    """A venv without the lib whose site holds only the wheel's dependencies and a kernel.

    Installing them into it from pip's cache takes ~30 s; so their files are linked from this
    environment (the dependency closure only: no jupyter-book, no myst-nb, no torch).
    """
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    wanted = [Requirement(r).name for r in project["dependencies"]] + KERNEL
    venv.EnvBuilder(with_pip=False).create(where)
    deps = where / "reader-deps"
    deps.mkdir()
    for name in sorted(closure(wanted)):
        dist = metadata.distribution(name)
        top = {Path(str(f)).parts[0] for f in dist.files or [] if not str(f).startswith("..")}
        for entry in top:
            src = Path(dist.locate_file(entry))
            if src.exists() and not (deps / entry).exists():
                (deps / entry).symlink_to(src)
    (site,) = where.glob("lib/python3*/site-packages")
    (site / "reader-deps.pth").write_text(f"{deps}\n", "utf-8")
    kernel = where / "share" / "jupyter" / "kernels" / "python3"
    kernel.mkdir(parents=True)
    argv = [str(where / "bin" / "python"), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (kernel / "kernel.json").write_text(json.dumps({"argv": argv, "language": "python"}), "utf-8")
    return where / "bin" / "python"


RUN = """
import json, sys
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
nb = nbformat.read(sys.argv[1], as_version=4)
try:
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    error = None
except CellExecutionError as err:
    error = {"ename": err.ename, "evalue": err.evalue}
ran = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.get("execution_count")]
errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
print(json.dumps({"error": error, "ran": ran, "errors": errors}))
"""


def run_alone(python: Path, notebook: Path, env: dict) -> dict:
    out = subprocess.run(
        [str(python), "-c", RUN, str(notebook)],
        cwd=notebook.parent, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture
def served_book():
    """The built book over HTTP on 127.0.0.1, as a reader's pip would fetch it."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(built(HTML)))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_chapter_alone_says_how_to_install_the_lib_and_runs_after_it(tmp_path, served_book):
    # What the page's download button gives the reader, into an empty folder.
    source = built(HTML / "_sources" / "chapters" / f"{ALONE}.ipynb")
    folder = tmp_path / "downloads"
    folder.mkdir()
    notebook = folder / source.name
    shutil.copy2(source, notebook)
    python = reader_venv(tmp_path / "venv")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "JUPYTER", "VIRTUAL_ENV"))}
    env |= {"JUPYTER_PATH": str(tmp_path / "venv" / "share" / "jupyter"), "MPLBACKEND": "agg"}

    before = run_alone(python, notebook, env)
    assert before["error"] is not None, "the chapter ran without the lib: is it still on the path?"
    assert before["error"]["ename"] == "ModuleNotFoundError"
    assert "pip install backprop-interactively --find-links BOOK/_static/wheels/" in before["error"]["evalue"]
    first = next(
        i for i, c in enumerate(json.loads(source.read_text("utf-8"))["cells"]) if c["cell_type"] == "code"
    )
    assert before["ran"] == [first], f"Run All went past the first cell: cells {before['ran']} ran"
    (error,) = before["errors"]
    tb = "\n".join(error["traceback"])
    assert "No module named 'backprop'" not in tb, "the bare traceback of the failed import is shown too"
    assert len(re.sub(r"\x1b\[[0-9;]*m", "", tb).splitlines()) <= 25, tb

    # The message's command, against the served book (dependencies are there: no other index).
    wheels = f"{served_book}/{reach.WHEEL_DIR}/"
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-index", "--quiet"]
    subprocess.run([*pip, "backprop-interactively", "--find-links", wheels], env=env, check=True, timeout=120)

    after = run_alone(python, notebook, env)
    assert after["error"] is None, after["error"]
    assert not after["errors"]
    n_code = sum(c["cell_type"] == "code" for c in json.loads(source.read_text("utf-8"))["cells"])
    assert len(after["ran"]) == n_code, f"ran {len(after['ran'])} of {n_code} code cells"


def test_the_reader_venv_holds_no_book_tooling(tmp_path):
    python = reader_venv(tmp_path / "venv")
    code = "import importlib.util as u; print([m for m in ('backprop', 'myst_nb', 'jupyter_book', 'torch') if u.find_spec(m)])"  # noqa: E501
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    out = subprocess.run([str(python), "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- the PDF -----------------------------------------------------------------------------------


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text("utf-8"))
    out = []

    def walk(entries):
        for e in entries:
            out.append(e["file"])
            walk(e.get("sections", []))

    for part in toc["parts"]:
        walk(part["chapters"])
    return out


def titles() -> list[str]:
    out = []
    for f in toc_files():
        path = ROOT / (f + (".ipynb" if (ROOT / f"{f}.ipynb").exists() else ".md"))
        if path.suffix == ".ipynb":
            text = "".join(json.loads(path.read_text("utf-8"))["cells"][0]["source"])
        else:
            text = path.read_text("utf-8")
        out.append(re.search(r"^# (.+)$", text, re.M).group(1).strip())
    return out


def pdf_text() -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(built(PDF)), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_pdf_has_every_chapter_in_its_table_of_contents():
    pages = [p for p in pdf_text().split("\f")]
    n_pages = len(pages) - (pages[-1] == "")
    files = toc_files()
    # ~10 pages per chapter or more; a PDF with chapters left out or empty is far shorter.
    assert n_pages >= 8 * len(files), f"{n_pages} pages for {len(files)} chapters"
    contents = " ".join(" ".join(pages[:8]).split())
    heads = [" ".join(p.split()[:1]).lower() for p in pages[1:4]]
    assert "contents" in heads, f"no page headed Contents after the title: {heads}"
    flat = " ".join(pages)
    for title in titles():
        words = title.replace("-", "").split()[:3]
        assert " ".join(words) in contents.replace("-", ""), f"{title!r} not in the table of contents"
        assert title.split()[0] in flat


def test_pdf_has_no_missing_characters():
    log = built(PDF.with_suffix(".log")).read_text("utf-8", errors="replace")
    missing = sorted(set(re.findall(r"Missing character: There is no (.+?) in font", log)))
    assert not missing, f"characters the fonts lack: {missing}"
    assert "\ufffd" not in pdf_text(), "pdftotext found characters it could not map"
    fonts = subprocess.run(["pdffonts", str(PDF)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    not_embedded = [r[0] for r in rows if "no" in r[-5:-3]]
    assert rows and not not_embedded, f"fonts not embedded: {not_embedded}"


def test_pdf_shows_each_widget_as_its_picture_with_a_note_and_every_figure():
    text = pdf_text()
    texts = [
        "".join(o["data"].get("text/plain", ""))
        for p in built(EXECUTED).glob("*.ipynb")
        for c in json.loads(p.read_text("utf-8"))["cells"]
        for o in c.get("outputs", [])
        if build_pdf.WIDGET in o.get("data", {})
    ]
    controls = [t for t in texts if not build_pdf.is_progress_bar(t)]
    assert controls, "no widget in the executed chapters"
    flat = " ".join(text.split())
    pictured = re.findall(r"The interactive widget(?: \(\w+\))? above, as the HTML book first shows it", flat)
    bare = re.findall(r"An interactive widget(?: \(\w+\))?: it is live", flat)
    assert not bare, f"{len(bare)} widgets without their picture (is Chromium there for make pdf?)"
    assert len(pictured) == len(controls), f"{len(pictured)} pictured notes for {len(controls)} widgets"
    tex = built(PDF.with_suffix(".tex")).read_text("utf-8")
    images = len(re.findall(r"\\sphinxincludegraphics", tex))
    assert images >= len(texts), f"{images} images in the PDF for {len(texts)} widgets and the figures"
    svgs = len(re.findall(r"\{figure\}\s*\S+\.svg", (ROOT / "intro.md").read_text("utf-8")))
    svgs += sum(
        len(re.findall(r"\{figure\}\s*\S+\.svg", "".join(c["source"])))
        for p in (ROOT / "chapters").glob("*.ipynb")
        for c in json.loads(p.read_text("utf-8"))["cells"]
    )
    figures = re.findall(r"^Fig\. \d+\.\d+|^Fig\. \d+:", text, re.M)
    assert len(figures) >= svgs > 0, f"{len(figures)} figure captions for {svgs} SVG figures"
    # Raw TeX left in the text would reach LaTeX escaped (\textbackslash{}frac); code is verbatim.
    tex = built(PDF.with_suffix(".tex")).read_text("utf-8")
    prose = re.sub(r"\\begin\{sphinxVerbatim\}.*?\\end\{sphinxVerbatim\}", "", tex, flags=re.S)
    raw = re.findall(r"\\textbackslash\{\}(?:frac|partial|nabla|mathcal|hat|sum)\b.{0,40}", prose)
    assert not raw, f"raw TeX in the PDF's text, math not typeset: {raw[:5]}"
    assert prose.count("\\(") > 500, "hardly any inline math typeset"


# --- the outward buttons -----------------------------------------------------------------------

OUTWARD = re.compile(r"mybinder\.org/v2|colab\.research\.google\.com/github|btn-source-repository-button|"
                     r"executablebooks/jupyter-book")  # fmt: skip


def test_built_pages_have_no_outward_button_while_repository_url_is_empty():
    assert yaml.safe_load((ROOT / "_config.yml").read_text("utf-8"))["repository"]["url"] == ""
    pages = sorted(built(HTML).rglob("*.html"))
    hits = [
        p.relative_to(HTML).as_posix()
        for p in pages
        if OUTWARD.search(p.read_text("utf-8", errors="replace"))
    ]
    assert len(pages) > 10 and not hits, f"pages with a button pointing outside: {hits}"


def test_a_page_built_with_a_repository_url_points_its_buttons_at_it(tmp_path):
    config = yaml.safe_load((ROOT / "_config.yml").read_text("utf-8"))
    url = "https://github.com/someone/backprop-book"
    small = {
        "title": "t", "only_build_toc_files": True, "execute": {"execute_notebooks": "off"},
        "repository": dict(config["repository"], url=url), "launch_buttons": config["launch_buttons"],
        "html": {k: v for k, v in config["html"].items() if k.startswith("use_")},
        "sphinx": {"local_extensions": {"reach": str(ROOT / "book")}},
    }  # fmt: skip
    (tmp_path / "_config.yml").write_text(yaml.safe_dump(small), "utf-8")
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: page\n", "utf-8")
    nb = {"cells": [{"cell_type": "markdown", "id": "a", "metadata": {}, "source": "# Page\n"},
                    {"cell_type": "code", "id": "b", "metadata": {}, "source": "1", "outputs": [],
                     "execution_count": None}],
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}  # fmt: skip
    (tmp_path / "page.ipynb").write_text(json.dumps(nb), "utf-8")
    jb = Path(sys.executable).with_name("jupyter-book")
    subprocess.run(
        [str(jb), "build", str(tmp_path), "-W", "-n", "-q"], check=True, capture_output=True, timeout=300
    )
    page = (tmp_path / "_build" / "html" / "page.html").read_text("utf-8")
    assert f'href="{url}"' in page, "no repository button"
    assert "https://mybinder.org/v2/gh/someone/backprop-book/main?urlpath=lab/tree/page.ipynb" in page
    assert "https://colab.research.google.com/github/someone/backprop-book/blob/main/page.ipynb" in page
    assert not re.search(r"github\.com/(?!someone/backprop-book)[\w.-]+/[\w.-]+", page), (
        "a button points elsewhere"
    )
