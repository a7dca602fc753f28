# Every target creates .venv/ when it is missing, so a fresh clone needs only `make demo` / `make test`.
# Installs take the exact versions of constraints.txt (those the test suite passed with);
# `make constraints` refreshes that file from a fresh environment.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXTRAS := .[dev,postgresql,serve]

.PHONY: demo test lint bench clean constraints

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '$(EXTRAS)'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/liuzhou demo

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

# The newest versions pyproject.toml allows, resolved in a fresh environment; run
# `make test` afterwards and commit constraints.txt only if it passes.
constraints:
	rm -rf .venv-constraints
	$(PYTHON) -m venv .venv-constraints
	.venv-constraints/bin/pip install --quiet --upgrade pip
	.venv-constraints/bin/pip install --quiet -e '$(EXTRAS)'
	{ echo "# Exact versions the test suite passed with. Refresh: make constraints (then make test)."; \
	  .venv-constraints/bin/pip freeze --all --exclude-editable | grep -v '^pip=='; } > constraints.txt
	rm -rf .venv-constraints

clean:
	rm -rf $(VENV) build *.egg-info
