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
CHAPTERS := $(sort $(wildcard chapters/*.ipynb))
JS_TESTS = $(sort $(shell find tests/js -type f \( -name '*.test.mjs' -o -name '*.test.js' -o -name '*.test.cjs' \) 2>/dev/null))

.PHONY: help book test lint pytest nbval build browser lab js assets chromium clean

help:
	@echo "make book   build the book into $(BUILD) (open $(BUILD)/index.html)"
	@echo "make test   run every test (lint, pytest, nbval, strict build, browser, JupyterLab, node)"
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

assets: node_modules/.package-lock.json $(VENV)/.runtime-installed
	$(BIN)/python book/copy_assets.py

# --- the book ------------------------------------------------------------------------------------

book: $(VENV)/.runtime-installed node_modules/.package-lock.json build
	@echo "The book is in $(BUILD)/: open $(CURDIR)/$(BUILD)/index.html in a browser."

# Clean and strict: every notebook is executed again (an incremental build would keep old pages
# and static files), and every warning (a broken reference, a failing cell) is an error.
build: assets
	rm -rf _build
	time $(BIN)/jupyter-book build . -W -n --keep-going

# --- the tests -----------------------------------------------------------------------------------

test: $(VENV)/.dev-installed node_modules/.package-lock.json chromium
	$(MAKE) lint
	$(MAKE) pytest
	$(MAKE) nbval
	$(MAKE) build
	$(MAKE) browser
	$(MAKE) lab
	$(MAKE) js

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The lib's tests and the repository checks (committed notebooks carry no outputs).
pytest:
	$(BIN)/pytest -m "not browser and not jupyterlab" tests

# Every chapter in a fresh kernel; outputs are not compared (they are not stored), errors fail.
nbval:
	$(if $(CHAPTERS),$(BIN)/pytest -p no:cacheprovider --nbval-lax --nbval-current-env $(CHAPTERS),@echo "no chapter notebooks yet")

browser:
	$(BIN)/pytest -m browser tests/test_browser.py tests/test_browser_explorers.py tests/test_browser_controls.py tests/test_browser_a11y.py tests/test_browser_pages.py tests/test_browser_trainer.py

# Chapters run in a real JupyterLab (its own server on 127.0.0.1, headless Chromium): no errors,
# explorer and ipywidgets changes reach the kernel, the keyboard moves sliders, not the notebook.
lab:
	$(BIN)/pytest -m jupyterlab tests/test_jupyterlab.py

js:
	$(if $(JS_TESTS),node --test $(JS_TESTS),@echo "no JavaScript tests under tests/js")

clean:
	rm -rf _build book/assets artifacts
