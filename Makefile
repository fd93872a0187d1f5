# Two commands for a newcomer (see README.md):
#   make book   build the HTML book into _build/html (open _build/html/index.html)
#   make test   every check CI runs: lint, unit tests, notebooks, strict build, browser, node
# Both create the virtual environment .venv and install what they need into it.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BUILD := _build/html
PDF := _build/pdf/book.pdf
# A subset of the chapters: `make book TOC=my_toc.yml` (a copy of _toc.yml with fewer files; see
# README.md, "For teachers").  JB_FLAGS: the strict build's flags (any warning fails).
TOC ?=
JB_FLAGS ?= -W -n --keep-going
CHAPTERS := $(sort $(wildcard chapters/*.ipynb))
JS_TESTS = $(sort $(shell find tests/js -type f \( -name '*.test.mjs' -o -name '*.test.js' -o -name '*.test.cjs' \) 2>/dev/null))

.PHONY: help book test lint pytest nbval build browser lab js assets chromium clean tex pdf reach

help:
	@echo "make book   build the book into $(BUILD) (open $(BUILD)/index.html)"
	@echo "make test   run every test (lint, pytest, nbval, strict build, PDF, browser, JupyterLab, node)"
	@echo "make pdf    build the whole book as one PDF, $(PDF) (after make book it executes nothing)"
	@echo "$(BIN)/jupyter lab   open the chapters with live widgets (after make book)"

# --- environments ------------------------------------------------------------------------------

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip

# Stamps record that the pinned requirements are installed; they are redone when a list changes.
$(VENV)/.runtime-installed: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Headless Chromium for the browser test, from Debian's packages (never a downloaded browser).
chromium:
	@if command -v chromium >/dev/null 2>&1; then \
	    echo "chromium: $$(command -v chromium)"; \
	elif [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
	    echo "Chromium is missing: run 'sudo apt-get install chromium' (Debian) and retry." >&2; exit 1; \
	fi

# TeX for the PDF, from Debian's packages (~430 MB, ~35 s from a local mirror): xelatex and the
# LaTeX packages Sphinx uses, DejaVu fonts, xindy for the index, rsvg-convert for the SVG
# figures, poppler's pdftotext/pdffonts for the PDF test.
TEX_PACKAGES := texlive-xetex texlive-latex-extra texlive-fonts-recommended latexmk fonts-dejavu \
	lmodern xindy librsvg2-bin poppler-utils
tex:
	@missing=""; \
	for c in xelatex latexmk xindy rsvg-convert pdftotext pdffonts; do \
	    command -v $$c >/dev/null 2>&1 || missing="$$missing $$c"; \
	done; \
	fc-list 2>/dev/null | grep -q DejaVuSansMono || missing="$$missing DejaVu"; \
	if [ -z "$$missing" ]; then \
	    echo "tex: $$(command -v xelatex)"; \
	elif [ "$$(id -u)" = 0 ]; then \
	    echo "tex: missing$$missing; installing Debian's packages"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(TEX_PACKAGES); \
	else \
	    echo "TeX is missing ($$missing): run 'sudo apt-get install --no-install-recommends $(TEX_PACKAGES)' and retry." >&2; \
	    exit 1; \
	fi

assets: node_modules/.package-lock.json $(VENV)/.runtime-installed
	$(BIN)/python book/copy_assets.py

# --- the book ------------------------------------------------------------------------------------

book: $(VENV)/.runtime-installed node_modules/.package-lock.json build
	@echo "The book is in $(BUILD)/: open $(CURDIR)/$(BUILD)/index.html in a browser."

# Clean and strict: every notebook is executed again (an incremental build would keep old pages
# and static files), and every warning (a broken reference, a failing cell) is an error.
build: assets
	rm -rf _build
	time $(BIN)/jupyter-book build . $(JB_FLAGS) $(if $(TOC),--toc $(TOC))

# The whole book as one PDF (Jupyter Book's LaTeX builder, xelatex).  It reuses the notebooks the
# HTML build executed (_build/jupyter_execute) and executes them itself only without one.
pdf: tex assets
	time $(BIN)/python book/build_pdf.py $(TOC)
	@echo "The PDF is $(PDF)."

# --- the tests -----------------------------------------------------------------------------------

test: $(VENV)/.dev-installed node_modules/.package-lock.json chromium tex
	$(MAKE) lint
	$(MAKE) pytest
	$(MAKE) nbval
	$(MAKE) build
	$(MAKE) pdf
	$(MAKE) reach
	$(MAKE) browser
	$(MAKE) lab
	$(MAKE) js

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The lib's tests and the repository checks (committed notebooks carry no outputs).
pytest:
	$(BIN)/pytest -m "not browser and not jupyterlab and not book" tests

# What reads the built book and PDF: a downloaded chapter run alone in a venv without the lib
# (then with the wheel from the book), the PDF's contents and characters, the outward buttons.
reach:
	$(BIN)/pytest -m book tests/test_reach_book.py

# Every chapter in a fresh kernel; outputs are not compared (they are not stored), errors fail.
nbval:
	$(if $(CHAPTERS),$(BIN)/pytest -p no:cacheprovider --nbval-lax --nbval-current-env $(CHAPTERS),@echo "no chapter notebooks yet")

browser:
	$(BIN)/pytest -m browser tests/test_browser.py tests/test_browser_explorers.py tests/test_browser_controls.py tests/test_browser_a11y.py tests/test_browser_pages.py tests/test_browser_graph.py tests/test_browser_checkpoint.py tests/test_browser_answers.py tests/test_browser_gradnorm.py tests/test_browser_trainer.py

# Chapters run in a real JupyterLab (its own server on 127.0.0.1, headless Chromium): no errors,
# explorer and ipywidgets changes reach the kernel, the keyboard moves sliders, not the notebook.
lab:
	$(BIN)/pytest -m jupyterlab tests/test_jupyterlab.py tests/test_jupyterlab_answers.py

js:
	$(if $(JS_TESTS),node --test $(JS_TESTS),@echo "no JavaScript tests under tests/js")

clean:
	rm -rf _build book/assets artifacts
