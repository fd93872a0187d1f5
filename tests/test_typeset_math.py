"""The math is typeset at build time: book/typeset_math.cjs (MathJax in node) and book/bookext.py.

A small page goes through the script with the book's own MathJax configuration (_config.yml, as
the build passes it): its formulas come back as MathJax's CommonHTML with MathML for screen
readers, the book's macros expanded, and everything else in the page untouched.  A TeX error
fails, naming the page.  The built book itself is checked in a browser with JavaScript off
(tests/test_browser_pages.py).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "book" / "typeset_math.cjs"
ES5 = ROOT / "node_modules" / "mathjax" / "es5"
sys.path.insert(0, str(ROOT / "book"))

import bookext  # noqa: E402

# A saved widget whose code holds TeX-like text: scripts are not math, and must come back unchanged.
ESM = 's = "$x$ \\\\(y\\\\)"'
WIDGET_STATE = json.dumps({"state": {"a": {"model_name": "AnyModel", "state": {"_esm": ESM}}}})
PAGE = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>t</title>
<script type="application/vnd.jupyter.widget-state+json">{WIDGET_STATE}</script>
</head><body>
<p>Inline <span class="math notranslate nohighlight">\\(W_k \\in \\R^{{n_k \\times n_{{k-1}}}}\\)</span>
and a price written \\$5, kept as text.</p>
<div class="math notranslate nohighlight">\\[\\grad_{{a_L}} \\L = -(\\e(\\ell) - \\yhat)\\]</div>
<pre>x = "$not math$"  # code: &lt;kept&gt;</pre>
<div class="cell_output"><div class="output text_html">$h_k = g(a_k)$</div></div>
</body></html>
"""


def book_mathjax_config() -> dict:
    """The MathJax configuration _config.yml gives the book, with the class myst-parser adds."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())["sphinx"]["config"]["mathjax3_config"]
    config["options"]["processHtmlClass"] = "tex2jax_process|mathjax_process|math|output_area"
    return config


def typeset(tmp_path: Path, html: str, config: dict | None = None) -> subprocess.CompletedProcess:
    page = tmp_path / "chapters" / "page.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(html, encoding="utf-8")
    settings = {
        "mathjax": config if config is not None else bookext_config(),
        "es5": str(ES5),
        "fontURL": "../_static/offline/mathjax/output/chtml/fonts/woff-v2",
    }
    cfg = tmp_path / "config.json"
    cfg.write_text(json.dumps(settings), encoding="utf-8")
    return subprocess.run(["node", str(SCRIPT), str(cfg), str(page)], capture_output=True, text=True)


def bookext_config() -> dict:
    class App:  # what typeset_config reads of Sphinx's application
        class config:  # noqa: N801
            mathjax3_config = book_mathjax_config()

    return bookext.typeset_config(App)


@pytest.fixture(scope="module")
def node_ready():
    assert shutil.which("node"), "Node.js is needed to build the book (its math is typeset at build time)"
    assert (ES5 / "startup.js").is_file(), "node_modules/mathjax is missing: run `npm ci`"


def test_the_build_drops_only_the_menu_options(node_ready):
    config = bookext_config()
    assert "menuOptions" not in config["options"]  # the browser's context menu, not loaded in node
    assert config["tex"]["macros"]["R"] == "\\mathbb{R}" and config["options"]["processHtmlClass"]
    assert "menuOptions" in book_mathjax_config()["options"]  # the config itself is not changed


def test_formulas_become_commonhtml_with_mathml_and_the_rest_stays(node_ready, tmp_path):
    done = typeset(tmp_path, PAGE)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["formulas"] == 3
    out = (tmp_path / "chapters" / "page.html").read_text("utf-8")
    assert out.startswith("<!DOCTYPE html>")
    assert out.count('<mjx-container class="MathJax" jax="CHTML"') == 3
    assert out.count('display="true"') >= 1  # the display formula
    # MathML for screen readers, with the book's macros expanded: \R, \grad, \L, \e, \yhat
    mathml = re.findall(r"<mjx-assistive-mml[^>]*>(.*?)</mjx-assistive-mml>", out, re.S)
    assert len(mathml) == 3
    assert '<mi mathvariant="double-struck">R</mi>' in mathml[0]
    assert (
        "∇" in mathml[1]
        and '<mi data-mjx-variant="-tex-calligraphic" mathvariant="script">L</mi>' in mathml[1]
    )
    assert (
        '<mi mathvariant="normal">e</mi>' in mathml[1]
        and "ℓ" in mathml[1]
        and '<mo stretchy="false">^</mo>' in mathml[1]
    )
    # no raw TeX left where there was math; \$ is a dollar in text; code and scripts unchanged
    body = out.split("</head>")[1]
    text = re.sub(r"<[^>]+>", "", body)  # an escaped \$ comes back as <span>$</span>
    assert "\\(" not in body and "\\[" not in body and "and a price written $5, kept as text." in text
    assert '<pre>x = "$not math$"  # code: &lt;kept&gt;</pre>' in out
    assert f'<script type="application/vnd.jupyter.widget-state+json">{WIDGET_STATE}</script>' in out
    # one stylesheet: the glyphs used, fonts from the book's copy, the size rule
    (sheet,) = re.findall(r'<style id="MJX-CHTML-styles">(.*?)</style>', out, re.S)
    assert 'url("../_static/offline/mathjax/output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff")' in sheet
    assert "mjx-c.mjx-c211D.TEX-A::before" in sheet  # ℝ
    assert "font-size: calc(1ex / 0.442)" in sheet and "font-size: 113.1%" not in out


def test_a_tex_error_fails_and_names_the_page(node_ready, tmp_path):
    done = typeset(tmp_path, PAGE.replace("\\grad_", "\\nosuchmacro_"))
    assert done.returncode == 1
    assert "page.html" in done.stderr and "Undefined control sequence \\nosuchmacro" in done.stderr


def test_an_unknown_option_fails(node_ready, tmp_path):
    config = book_mathjax_config()  # with the browser menu's options, which node does not load
    done = typeset(tmp_path, PAGE, config)
    assert done.returncode == 1 and "menuOptions" in done.stderr


def test_a_page_without_math_comes_back_whole(node_ready, tmp_path):
    html = PAGE.split("<body>")[0] + "<body><p>No formulas, a price: 5 $ only.</p></body></html>\n"
    done = typeset(tmp_path, html)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["formulas"] == 0
    out = (tmp_path / "chapters" / "page.html").read_text("utf-8")
    assert "<p>No formulas, a price: 5 $ only.</p>" in out and "MJX-CHTML-styles" not in out


def test_the_build_says_what_is_missing_without_node(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="install Node.js and run `npm ci`"):
        bookext.typeset_pages(tmp_path, [tmp_path / "a.html"], {})
