# The two commands a newcomer needs (see README.md):
#   make lab    create .venv, install the course, open it in JupyterLab
#   make test   create .venv, install everything for testing (and Chromium), run every test
VENV    ?= .venv
PYTHON  ?= python3
BIN     := $(VENV)/bin
INSTALL := $(BIN)/python -m pip install --quiet --constraint constraints.txt
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: lab test install install-test chromium refresh-outputs lint benchmarks

lab: install
	. $(BIN)/activate && compass lab

test: install-test chromium
	. $(BIN)/activate && pytest

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(INSTALL) --editable .

install-test: $(BIN)/python
	$(INSTALL) --editable ".[test]"
	npm ci --prefix deploy --no-audit --no-fund --loglevel=error
	npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error

# Browser tests drive Debian's Chromium (Playwright cannot download its own browser offline).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# Maintainers: store fresh outputs and the course map after changing a notebook, the library
# or the data.
refresh-outputs: install
	. $(BIN)/activate && python scripts/refresh_outputs.py && python scripts/course_map.py

lint: install-test
	. $(BIN)/activate && ruff check src tests scripts benchmarks deploy && mypy

benchmarks: install-test
	. $(BIN)/activate && for b in benchmarks/*.py; do python $$b || exit 1; done
