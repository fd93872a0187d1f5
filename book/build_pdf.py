"""Build the whole book as one PDF (Jupyter Book's LaTeX builder, xelatex): `make pdf`.

The notebooks are not executed a second time when the HTML build has run: its executed copies
(_build/jupyter_execute/chapters/*.ipynb) are the sources of a copy of the book in
_build/pdf_src/, built with execution off.  Without an HTML build the copy executes them.

A widget has no picture of its own in a notebook's outputs (its front end draws it in the
browser): headless Chromium takes one of each widget on the built HTML pages, and the PDF shows
it with a one-line note that the widget is live in the HTML book (a progress bar gets no note).
Without the HTML build (or Chromium) a widget is the note alone.  Output: _build/pdf/book.pdf.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "_build" / "pdf_src"
EXECUTED = ROOT / "_build" / "jupyter_execute" / "chapters"
PDF = ROOT / "_build" / "pdf" / "book.pdf"
WIDGET = "application/vnd.jupyter.widget-view+json"

NOTE = "*The interactive widget{what} above, as the HTML book first shows it: it is live there.*"
NOTE_ONLY = "*An interactive widget{what}: it is live in the HTML book.*"
HTML = ROOT / "_build" / "html"


def is_progress_bar(text: str) -> bool:
    return "it/s" in text or "%|" in text  # tqdm's bar: a display, not a control


def widget_pictures(chapters: list[str]) -> dict[str, str]:
    """{model id: base64 PNG} of every widget view on the built HTML pages, as they first show.

    Headless Chromium (Debian's, through Playwright, as the browser tests) opens each chapter's
    page offline; {} when the HTML build, Playwright or Chromium is missing.
    """
    pages = [f"chapters/{c}.html" for c in chapters if (HTML / "chapters" / f"{c}.html").is_file()]
    try:
        from playwright.sync_api import sync_playwright

        sys.path.insert(0, str(ROOT / "tests"))
        from bookpage import CHROMIUM_ARGS, WIDGET_VIEW, chromium_path, open_book_page
    except ImportError as err:
        print(f"build_pdf: no widget pictures ({err}): each widget is a note")
        return {}
    if not pages or not chromium_path():
        print("build_pdf: no widget pictures (no HTML build or no Chromium): each widget is a note")
        return {}
    pictures, start = {}, time.perf_counter()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        for at in range(0, len(pages), 4):  # four pages load at once
            visits = [open_book_page(browser, HTML, rel, wait=False) for rel in pages[at : at + 4]]
            for visit in visits:
                visit.page.wait_for_load_state("load")
                visit.ready()
                for script in visit.page.locator(WIDGET_VIEW).all():
                    model = json.loads(script.text_content())["model_id"]
                    area = script.locator("xpath=preceding-sibling::*[1]")
                    box = area.bounding_box()
                    if box and box["width"] > 0 and box["height"] > 0:
                        pictures[model] = base64.b64encode(area.screenshot(animations="disabled")).decode()
                visit.page.context.close()
        browser.close()
    seconds = time.perf_counter() - start
    print(f"build_pdf: {len(pictures)} widget pictures from {len(pages)} pages in {seconds:.0f} s")
    return pictures


def widget_outputs(output: dict, pictures: dict[str, str]) -> list[dict]:
    """What a widget output becomes in the PDF: its picture and a note saying where it is live."""
    text = "".join(output["data"].get("text/plain", ""))
    picture = pictures.get(output["data"][WIDGET].get("model_id"))
    progress = is_progress_bar(text)
    name = text.split("(", 1)[0].strip()
    what = f" ({name})" if name.isidentifier() else ""
    out = []
    if picture:
        out.append({"output_type": "display_data", "metadata": {}, "data": {"image/png": picture}})
    if not progress:
        note = (NOTE if picture else NOTE_ONLY).format(what=what)
        out.append({"output_type": "display_data", "metadata": {}, "data": {"text/markdown": note}})
    return out


def for_pdf(nb: dict, pictures: dict[str, str] | None = None) -> tuple[dict, int]:
    """The notebook with every widget output replaced by its picture and note; how many."""
    n = 0
    for cell in nb["cells"]:
        outputs = []
        for output in cell.get("outputs", []):
            if WIDGET in output.get("data", {}):
                outputs += widget_outputs(output, pictures or {})
                n += 1
            else:
                outputs.append(output)
        if "outputs" in cell:
            cell["outputs"] = outputs
    nb.get("metadata", {}).pop("widgets", None)
    return nb, n


def raw_latex(tex: str) -> str:
    return f"```{{raw}} latex\n{tex}\n```\n\n"


def numbering(toc: dict) -> tuple[dict, dict[str, str]]:
    """A PDF's table of contents and the LaTeX that each part's first file starts with.

    The introduction becomes the first chapter under a title page of its own (as the root, its
    sections would be the PDF's first chapters), and LaTeX numbers the chapters as the HTML book
    does: only the numbered parts, from 1.
    """
    parts = [{"caption": "Introduction", "chapters": [{"file": toc["root"]}]}, *toc["parts"]]
    starts, numbered_before = {}, False
    for part in parts:
        first = part["chapters"][0]["file"]
        if part.get("numbered"):
            starts[first] = r"\setcounter{secnumdepth}{2}" + (
                "" if numbered_before else r"\setcounter{chapter}{0}"
            )
            numbered_before = True
        else:
            starts[first] = r"\setcounter{secnumdepth}{-1}"
    return {"format": toc["format"], "root": "pdf_root", "parts": parts}, starts


def prepare(toc_file: Path = ROOT / "_toc.yml") -> bool:
    """Lay out _build/pdf_src; True if it reuses the HTML build's executed notebooks."""
    shutil.rmtree(SRC, ignore_errors=True)
    SRC.mkdir(parents=True)
    (SRC / "node_modules").symlink_to(ROOT / "node_modules")  # book/bookext.py copies assets from it
    toc, starts = numbering(yaml.safe_load(toc_file.read_text("utf-8")))
    (SRC / "_toc.yml").write_text(yaml.safe_dump(toc, allow_unicode=True, sort_keys=False), "utf-8")
    title = yaml.safe_load((ROOT / "_config.yml").read_text("utf-8"))["title"]
    (SRC / "pdf_root.md").write_text(f"# {title}\n", "utf-8")
    intro = (ROOT / "intro.md").read_text("utf-8").split("\n", 1)[1]  # its title is the book's
    (SRC / "intro.md").write_text(raw_latex(starts.get("intro", "")) + "# Introduction\n" + intro, "utf-8")
    shutil.copy2(ROOT / "references.bib", SRC / "references.bib")
    shutil.copytree(ROOT / "book", SRC / "book", ignore=shutil.ignore_patterns("assets", "__pycache__"))
    shutil.copytree(ROOT / "chapters", SRC / "chapters", ignore=shutil.ignore_patterns("*.ipynb"))
    listed = set(re.findall(r"file:\s*chapters/(\S+)", toc_file.read_text("utf-8")))
    chapters = [p for p in sorted((ROOT / "chapters").glob("*.ipynb")) if p.stem in listed]
    reuse = all((EXECUTED / p.name).is_file() for p in chapters)
    widgets = 0
    pictures = widget_pictures([p.stem for p in chapters]) if reuse else {}
    for path in chapters:
        nb = json.loads(((EXECUTED if reuse else ROOT / "chapters") / path.name).read_text("utf-8"))
        glue = EXECUTED / f"{path.stem}.glue.json"
        if reuse and glue.is_file():  # the HTML build took the glued outputs out: put them back
            code = next(c for c in nb["cells"] if c["cell_type"] == "code")
            have = {o.get("metadata", {}).get("scrapbook", {}).get("name") for c in nb["cells"]
                    for o in c.get("outputs", [])}  # fmt: skip
            for name, out in json.loads(glue.read_text("utf-8")).items():
                if name not in have:
                    prefix = out["metadata"]["scrapbook"]["mime_prefix"]
                    out["data"] = {prefix + mime: v for mime, v in out["data"].items()}
                    code["outputs"].append(out)
        nb, n = for_pdf(nb, pictures)
        start = starts.get(f"chapters/{path.stem}")
        if start:
            nb["cells"].insert(0, {"cell_type": "markdown", "id": "pdf-numbering", "metadata": {},
                                   "source": raw_latex(start)})  # fmt: skip
        widgets += n
        (SRC / "chapters" / path.name).write_text(json.dumps(nb, ensure_ascii=False), "utf-8")
    config = yaml.safe_load((ROOT / "_config.yml").read_text("utf-8"))
    if reuse:
        config["execute"]["execute_notebooks"] = "off"
    (SRC / "_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    how = "executed by the HTML build" if reuse else "to execute"
    print(f"build_pdf: {len(chapters)} notebooks ({how}), {widgets} widgets, {len(pictures)} pictured")
    return reuse


def main(argv: list[str]) -> int:
    start = time.perf_counter()
    prepare(Path(argv[0]).resolve() if argv else ROOT / "_toc.yml")
    jb = Path(sys.executable).with_name("jupyter-book")
    out = ROOT / "_build" / "pdf_out"
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run(
        [
            str(jb),
            "build",
            str(SRC),
            "--builder",
            "pdflatex",
            "--path-output",
            str(out),
            "-W",
            "-n",
            "--keep-going",
        ],
        check=True,
    )
    pdf = out / "_build" / "latex" / "book.pdf"
    PDF.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(pdf, PDF)
    for suffix in (".log", ".tex"):  # tests/test_reach_book.py reads them
        shutil.copy2(pdf.with_suffix(suffix), PDF.with_suffix(suffix))
    print(f"build_pdf: {PDF.relative_to(ROOT)} in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))  # optional: a table of contents other than _toc.yml
