# Two commands: `make run` (set up and serve the demo) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast test-clock lint format bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python manage.py serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Two runs: the fast tests, then the real-process and browser tests in a fresh process (in one
# process, a browser test after the fast tests waited forever on Chromium; each run alone passes).
test: lint
	$(BIN)/python -m pytest -m "not slow and not browser" $(PYTEST_ARGS)
	$(BIN)/python -m pytest -m "slow or browser" $(PYTEST_ARGS)

# The fast tests again with the clock at 00:05 and at 23:55 local (time-machine, ticking): a
# fixture that posts "3 hours ago" or reads "today" must not pass only by the time of day.
# CI runs it after `make test`.
test-clock: $(STAMP)
	SCC_TEST_CLOCK=00:05 $(BIN)/python -m pytest -m "not slow and not browser" $(PYTEST_ARGS)
	SCC_TEST_CLOCK=23:55 $(BIN)/python -m pytest -m "not slow and not browser" $(PYTEST_ARGS)

# Everything but the slow end-to-end tests (they still run in `make test` and CI).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
