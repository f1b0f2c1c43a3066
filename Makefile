# Two commands: `make run` (install, build, migrate, demo, serve) and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.12 || echo $(HOME)/.pyenv/versions/3.12.1/bin/python3.12)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT
.PHONY: run test install install-test assets demo-env migrate demo mutation clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || { echo "Python 3.12 or newer is needed (set PYTHON=/path/to/python3.12)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

build/static/app.css: node_modules/.package-lock.json $(shell find assets -type f 2>/dev/null) scripts/build-assets.mjs
	npm run --silent build

assets: build/static/app.css

# `make run` is the demo (its sent-mail page is on and the published demo key is allowed). What it decides
# is written to var/demo.env, which every `unmentoring` command run in this checkout afterwards reads
# (the real environment wins), so `.venv/bin/unmentoring tick` mails links to the port being served.
demo-env:
	@mkdir -p var
	@{ echo "# Written by make run; every unmentoring command in this checkout reads it. The real environment wins."; \
	   echo "DEMO_MODE=$${DEMO_MODE:-1}"; echo "PORT=$(PORT)"; echo "SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)}"; \
	   if [ -n "$${DATABASE_URL:-}" ]; then echo "DATABASE_URL=$$DATABASE_URL"; fi; } > var/demo.env

migrate: install demo-env
	$(BIN)/unmentoring migrate --no-input -v 0

demo: migrate
	$(BIN)/unmentoring demo --if-empty

run: install assets demo
	$(BIN)/unmentoring collectstatic --no-input -v 0
	$(BIN)/unmentoring serve --port $(PORT)

# Lint first (fast): imports that run against the layers, then ruff; then the suite.
test: install-test assets
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Mutation testing (slow; not part of CI): its own virtualenv holds the dependencies but not the project,
# so that the tests import the mutated copy mutmut writes to mutants/. Scores: docs/testing.md.
MUTATION_VENV := .venv-mutation
$(MUTATION_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(MUTATION_VENV)
	$(MUTATION_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(MUTATION_VENV)/bin/python -m pip install --quiet '.[test]' 'mutmut>=3.3'
	$(MUTATION_VENV)/bin/python -m pip uninstall --quiet --yes unmentoring
	@touch $@

mutation: $(MUTATION_VENV)/.installed assets
	$(MUTATION_VENV)/bin/mutmut run $(MUTMUT_ARGS) || true
	$(MUTATION_VENV)/bin/mutmut results

clean:
	rm -rf $(VENV) $(MUTATION_VENV) node_modules build var mutants
