"""The book's reach, checked without a build: every chapter's first cell, the button switch.

The checks that need the built book (a chapter run alone in a fresh venv, the PDF, the pages'
buttons) are in tests/test_reach_book.py.
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "book"))
import reach  # noqa: E402

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_first_code_cell_says_how_to_install_the_lib(path):
    nb = json.loads(path.read_text("utf-8"))
    cell = reach.first_code_cell(nb)
    assert cell is not None, f"{path.name} has no code cell"
    assert reach.has_first_cell(nb), (
        f"{path.name}: its first code cell is not the install snippet of book/reach.py "
        f"(FIRST_CELL). Add it with:  python book/reach.py chapters/{path.name}"
    )
    assert cell["metadata"].get("tags") == reach.FIRST_CELL_TAGS, f"{path.name}: tags {cell['metadata']}"


def test_first_cell_stops_with_the_install_command_when_the_lib_is_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "backprop", None)  # `import backprop` raises ModuleNotFoundError
    with pytest.raises(ModuleNotFoundError) as err:
        exec(compile(reach.FIRST_CELL, "first cell", "exec"), {})
    message = str(err.value)
    assert "pip install backprop-interactively --find-links BOOK/_static/wheels/" in message
    assert "pip install -e ." in message
    assert err.value.__suppress_context__, "the bare 'No module named' traceback is shown too"


def test_add_first_cell_inserts_before_the_first_code_cell_once(tmp_path):
    nb = {
        "cells": [
            {"cell_type": "markdown", "id": "title", "metadata": {}, "source": ["# T"]},
            {"cell_type": "code", "id": "c1", "metadata": {}, "outputs": [], "source": ["x = 1"],
             "execution_count": None},
        ],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }  # fmt: skip
    path = tmp_path / "t.ipynb"
    path.write_text(json.dumps(nb), "utf-8")
    assert reach.add_first_cell(path) is True
    assert reach.add_first_cell(path) is False
    cells = json.loads(path.read_text("utf-8"))["cells"]
    assert [c["id"] for c in cells] == ["title", "reach-first-cell", "c1"]
    assert "".join(cells[1]["source"]) == reach.FIRST_CELL


def test_distribution_name_is_not_the_unrelated_pypi_backprop():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert project["name"] == "backprop-interactively"
    assert project["name"] in reach.FIRST_CELL
    assert project["license"] == "MIT"


# --- the buttons -------------------------------------------------------------------------------

LAUNCH = {"binderhub_url": "https://mybinder.org", "colab_url": "https://colab.research.google.com",
          "notebook_interface": "jupyterlab", "thebe": False}  # fmt: skip


def test_without_repository_url_every_outward_button_is_off():
    opts = reach.button_options(
        {"repository_url": "", "use_repository_button": True, "launch_buttons": dict(LAUNCH)}
    )
    assert opts["repository_url"] == ""
    assert not any(opts[k] for k in reach.REPOSITORY_BUTTONS)
    assert not any(opts["launch_buttons"].get(k) for k in reach.LAUNCH_KEYS)


def test_with_repository_url_the_repository_and_launch_buttons_are_on():
    url = "https://github.com/someone/backprop-book"
    opts = reach.button_options({"repository_url": url + "/", "launch_buttons": dict(LAUNCH)})
    assert opts["repository_url"] == url
    assert opts["use_repository_button"] is True
    assert opts["launch_buttons"]["binderhub_url"] == LAUNCH["binderhub_url"]
    assert opts["launch_buttons"]["colab_url"] == LAUNCH["colab_url"]


def test_a_repository_url_the_theme_cannot_link_is_refused():
    with pytest.raises(ValueError, match="https://github.com/OWNER/REPO"):
        reach.button_options({"repository_url": "github.com/someone"})


def test_config_has_one_switch_and_it_is_off():
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text("utf-8"))
    assert config["repository"]["url"] == "", "set it only where the book really is published"
    assert "reach" in config["sphinx"]["local_extensions"]
    # Jupyter Book refuses these on without a url; reach turns the repository button on.
    assert not any(config["html"].get(k) for k in reach.REPOSITORY_BUTTONS)
    assert config["launch_buttons"]["binderhub_url"] and config["launch_buttons"]["colab_url"]


# --- the wheel ---------------------------------------------------------------------------------


def test_wheel_holds_the_lib_its_javascript_and_the_code_licence(tmp_path):
    import zipfile

    wheel = reach.build_wheel(tmp_path / "wheels")
    assert wheel.name.startswith("backprop_interactively-") and wheel.suffix == ".whl"
    names = zipfile.ZipFile(wheel).namelist()
    lib = sorted(p.relative_to(ROOT / "lib").as_posix() for p in (ROOT / "lib/backprop").rglob("*.py"))
    js_dir = ROOT / "lib/backprop/js"
    js = sorted(f"backprop/js/{p.name}" for p in [*js_dir.glob("*.js"), *js_dir.glob("*.css")])
    assert lib and js
    missing = [f for f in lib + js if f not in names]
    assert not missing, f"not in the wheel: {missing}"
    assert any(n.endswith("licenses/LICENSE-CODE") for n in names)
    index = (tmp_path / "wheels" / "index.html").read_text("utf-8")
    assert f'href="{wheel.name}"' in index


# --- licence, citation, publishing -------------------------------------------------------------

SPDX = {"CC-BY-SA-4.0", "MIT"}


def test_licences_hold_both_full_texts():
    text = (ROOT / "LICENSE").read_text("utf-8")
    assert "Attribution-ShareAlike 4.0 International" in text
    assert "Section 8 -- Interpretation." in text  # the legal code's last section: the full text
    code = (ROOT / "LICENSE-CODE").read_text("utf-8")
    assert code.startswith("MIT License") and "WITHOUT WARRANTY OF ANY KIND" in code


def test_citation_cff_follows_the_1_2_0_schema():
    # `cffconvert --validate` (PyPI) accepts it; it is not a dev requirement because it pins
    # jsonschema 3, which JupyterLab's server cannot use. These are the schema's rules we rely on.
    import datetime

    import yaml

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text("utf-8"))
    assert cff["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors"):
        assert cff.get(key), f"CITATION.cff lacks {key}"
    assert all(
        isinstance(a, dict) and ({"name"} <= a.keys() or {"family-names"} <= a.keys()) for a in cff["authors"]
    )
    assert cff["type"] in {"software", "dataset"}
    assert set(cff["license"]) == SPDX
    datetime.date.fromisoformat(str(cff["date-released"]))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert str(cff["version"]) == project["version"]


def test_readme_intro_and_footer_state_the_licences_and_how_to_cite():
    import yaml

    readme = (ROOT / "README.md").read_text("utf-8")
    intro = (ROOT / "intro.md").read_text("utf-8")
    footer = yaml.safe_load((ROOT / "_config.yml").read_text("utf-8"))["html"]["extra_footer"]
    for text in (readme, intro, footer):
        assert "CC BY-SA 4.0" in text and "MIT" in text
    assert "How to cite" in intro and "CITATION.cff" in readme
    assert "## For teachers" in readme


def test_pages_workflow_runs_the_ci_command_and_deploys_the_html_book():
    import yaml

    flow = yaml.safe_load((ROOT / ".github/workflows/pages.yml").read_text("utf-8"))
    ci = (ROOT / ".ci/run").read_text("utf-8").strip().splitlines()[-1].strip()
    steps = [s for job in flow["jobs"].values() for s in job.get("steps", [])]
    assert any(s.get("run", "").strip() == ci for s in steps), f"the workflow does not run {ci!r}"
    upload = [s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact")]
    assert upload and upload[0]["with"]["path"] == "_build/html"
    assert any(s.get("uses", "").startswith("actions/deploy-pages") for s in steps)


def _top_level_imports(source: str) -> set[str]:
    import ast

    tree = ast.parse(
        "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    )
    guarded = set()  # imports inside `try: ... except ImportError` are optional
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
            isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")
            for h in node.handlers
        ):
            guarded |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    names = set()
    for node in ast.walk(tree):
        if id(node) in guarded:
            continue
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_a_downloaded_chapter_imports_only_what_the_wheel_brings():
    """A reader who installs the wheel gets its dependencies and nothing else: every module a
    chapter imports is the standard library's, the lib's, or a dependency of the wheel (or the
    Jupyter kernel's own IPython), so no chapter fails on a module only the book's build has."""
    import sys
    import tomllib

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["dependencies"]
    import_names = {"scikit-learn": "sklearn"}
    allowed = {import_names.get(d, d).replace("-", "_") for d in deps} | {"backprop", "IPython"}
    allowed |= set(sys.stdlib_module_names)
    # Modules the dependencies bring and chapters may use directly.
    allowed |= {"traitlets", "threadpoolctl"}  # ipywidgets', scikit-learn's
    extra = {}
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        cells = json.loads(path.read_text("utf-8"))["cells"]
        used = set().union(
            *(_top_level_imports("".join(c["source"])) for c in cells if c["cell_type"] == "code")
        )
        if used - allowed:
            extra[path.name] = sorted(used - allowed)
    assert not extra, f"chapters import modules the wheel does not install: {extra}"
