# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
export FRPDESK_DATA_DIR ?= $(CURDIR)/data
# The suite runs on this many processes (pytest-xdist); each gets its own test database.
TEST_WORKERS ?= 2

.PHONY: demo test lint typecheck serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

demo: $(STAMP)
	$(BIN)/frpdesk migrate --no-input
	$(BIN)/frpdesk load_demo
	$(BIN)/frpdesk worker & worker=$$!; trap 'kill $$worker' EXIT; \
	$(BIN)/frpdesk runserver --insecure 127.0.0.1:8000

lint: $(STAMP)
	$(BIN)/ruff check src
	$(BIN)/ruff format --check src

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/frpdesk makemigrations --check --dry-run
	$(BIN)/pytest -n $(TEST_WORKERS)

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .mypy_cache .ruff_cache screenshots
