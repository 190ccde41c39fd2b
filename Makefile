# motcua-desk — the two commands of the README, plus the benchmark.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
DEMO   := .demo-home

.PHONY: run test check bench clean

# the venv is (re)built when pyproject.toml changes; the stamp records which extras it has
$(VENV)/.stamp-run: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.stamp-test: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.stamp-run

run: $(VENV)/.stamp-run
	$(VENV)/bin/desk --home $(DEMO) demo --quiet
	$(VENV)/bin/desk --home $(DEMO)

# the suite on every core (pytest-xdist); tests idle in the TUI steal work from a busy neighbour
test: check
	$(PY) -m pytest -q -n auto --dist worksteal

# static checks: formatting, lint, types, and the layers of SPEC §1 (import-linter contracts in pyproject.toml)
check: $(VENV)/.stamp-test
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# budgets of SPEC §10, written as JSON; BENCH_SIZE=small keeps CI fast
bench: $(VENV)/.stamp-test
	$(PY) -m bench --out bench/results.json

clean:
	rm -rf $(VENV) $(DEMO) build *.egg-info
