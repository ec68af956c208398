# Otklik — two commands do everything: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Every runtime and dev dependency pinned with its hashes (pip-tools, docs/decisions.md); `make lock` rewrites it.
LOCK := requirements.lock

.DEFAULT_GOAL := help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(STAMP): $(LOCK) pyproject.toml frontend/package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	npm ci --prefix frontend --no-audit --no-fund --loglevel=error
	touch $(STAMP)

install: $(STAMP) ## create .venv and install Otklik with its development tools, exactly as requirements.lock pins them

lock: ## rewrite requirements.lock from pyproject.toml (after adding or changing a dependency), then `make install`
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/pip-compile || $(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --extra dev --generate-hashes --allow-unsafe --strip-extras \
		--no-emit-index-url --no-emit-find-links --output-file $(LOCK) pyproject.toml

run: $(STAMP) ## start the service with the Kostroma reference data and a demo stream (SQLite)
	$(BIN)/otklik serve --demo

lint: $(STAMP) ## ruff (lint and format check), mypy, and the layer contract (import-linter)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

services: ## start the local servers the tests need (PostgreSQL, …) if they are not running
	bash scripts/ensure-services.sh

# `make test` runs lint and three test passes side by side, so that one pass's waits (on PostgreSQL, on the kill
# tests' processes, on sockets) are another's CPU time (README "Tests"):
#   test-sqlite  the whole suite on a fresh SQLite file;
#   test-pg      every test marked `db` again on a fresh PostgreSQL database, but the kill tests;
#   test-kill    the broker's kill tests (tests/e2e/test_broker_kill.py: real RabbitMQ, `services` starts it) on a
#                PostgreSQL database of their own; the SQLite pass does not collect them (they need PostgreSQL's
#                locks across processes).
# Each pass's output appears when it ends (--output-sync); every pass runs to its end (-k), and any failure fails
# `make test`. A test that uses RabbitMQ and the kill tests' broker restart exclude each other across the passes
# through a file lock (tests/broker_support.py). Each target also runs alone, e.g. `make test-pg`;
# `make test TEST_JOBS=1` runs them one after another (on a machine too loaded for time-bounded tests side by side).
TEST_JOBS ?= 4
PG_TEST := OTKLIK_TEST_DATABASE=postgresql $(BIN)/pytest -m db -p no:cacheprovider
KILL_TESTS := tests/e2e/test_broker_kill.py

test: $(STAMP) services ## every test: lint, the whole suite on SQLite, the database tests again on PostgreSQL
	@echo "lint, test-sqlite, test-pg, test-kill ($(TEST_JOBS) at a time); each one's output appears when it ends"
	@$(MAKE) --no-print-directory -j$(TEST_JOBS) -k --output-sync=target lint test-sqlite test-pg test-kill

test-sqlite: $(STAMP) ## the whole suite on a fresh SQLite file
	$(BIN)/pytest

test-pg: $(STAMP) services ## the tests marked `db` on a fresh PostgreSQL database, but the kill tests
	$(PG_TEST) --ignore=$(KILL_TESTS)

test-kill: $(STAMP) services ## the broker's kill tests on PostgreSQL and RabbitMQ
	$(PG_TEST) $(KILL_TESTS)

bench: $(STAMP) ## benchmarks, each printing `name: value unit` lines
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

.PHONY: help install lock run lint services test test-sqlite test-pg test-kill bench
