# Human Security Lab — the two commands a newcomer needs:
#   make lab    set everything up (first time) and open JupyterLab on lesson 00
#   make test   set everything up and run every test (unit, data, lessons, browser)
# Others: make data (rebuild datasets/ from ../shared/data-raw), make app (Voilà),
#         make bench (latency benchmark), make html (static export), make test-fast
#         (everything but the browser suite), make strip, make clean.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: lab test test-fast data lint format strip clean help

help:
	@sed -n '1,6p' Makefile

# (Re)install only when the dependency pins or the package metadata change.
$(STAMP): pyproject.toml requirements.lock etc/jupyter/voila.json
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[test]"
	$(BIN)/python -c "import widgets"   # builds the offline chart bundle once
	$(BIN)/python scripts/app.py --install   # Voilà inside Lab: offline template, culling
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab lessons/00-start-here.ipynb

# Tests run on every CPU core (pytest-xdist), a file at a time per worker: a
# notebook's cells share one kernel, and each browser file shares one server
# (app mode and JupyterLab are separate files, so they run side by side).
XDIST ?= -n auto --dist loadfile

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/pytest $(XDIST) $(PYTEST_ARGS)

# Everything except the browser suite: for a quick check while editing.
test-fast: $(STAMP)
	$(BIN)/pytest $(XDIST) -m "not browser" $(PYTEST_ARGS)

data: $(STAMP)
	$(BIN)/python datasets/build/build_all.py

lint: $(STAMP)
	$(BIN)/ruff check .

format: $(STAMP)
	$(BIN)/ruff check --fix .

# Strip outputs and widget state from every notebook before committing.
strip: $(STAMP)
	$(BIN)/nbstripout --keep-id lessons/*.ipynb lessons/*/*.ipynb

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache _site test-artifacts

-include mk/app.mk

-include mk/hub.mk
