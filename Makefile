# archcat: two commands do everything on a fresh Debian machine.
#   make gallery   build the gallery from the bundled catalog into output/
#   make test      run the test suite
# Both create .venv, install Python packages and, when missing, Graphviz.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.DEFAULT_GOAL := help
.PHONY: help gallery test bench setup system-deps lint schema golden clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

# The Anki decks' notes carry the last commit's time, so that importing a newer deck updates their cards.
gallery: setup ## build diagrams, slide exports, decks and gallery from architectures/ into output/
	SOURCE_DATE_EPOCH=$${SOURCE_DATE_EPOCH:-$$(git log -1 --format=%ct 2>/dev/null)} $(BIN)/archcat build --slides

test: setup ## run the tests (real Graphviz renders, Chromium for the gallery, LibreOffice for the decks)
	@sh scripts/install-system-deps.sh --test
	$(BIN)/python -m pytest -n auto --dist loadgroup

setup: system-deps $(STAMP) ## create .venv and install everything the project needs

system-deps:
	@sh scripts/install-system-deps.sh

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "archcat needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

bench: setup ## measure build speed against the plain approach and the Graphviz floor (several minutes)
	$(BIN)/python bench/run.py

lint: setup ## ruff and mypy
	$(BIN)/ruff check .
	@sh scripts/typecheck.sh

golden: setup ## regenerate tests/golden/ after an intended change to what is drawn or written
	$(BIN)/python -m tests.golden

schema: setup ## regenerate docs/archcat.schema.json
	$(BIN)/archcat schema -o docs/archcat.schema.json

clean: ## remove generated files
	rm -rf output/* output/.archcat-output .pytest_cache .ruff_cache
