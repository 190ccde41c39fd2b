# motcua-desk — the two commands of the README, plus the benchmark.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
DEMO   := .demo-home

.PHONY: run test suite check bench bench-hub clean

# bytecode is written on first import, into the venv (not beside the sources), even where the shell sets
# PYTHONDONTWRITEBYTECODE (the shared development machine does): pip installs with --no-compile below, so
# without this every process of `make test` (the suite's workers, each `python -m desk` of the smoke
# tests, the bench) compiled textual, reportlab, pyHanko, hypothesis... from source again, ~3 s of CPU each
unexport PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX := $(CURDIR)/$(VENV)/pycache

# the venv is (re)built when pyproject.toml changes; the stamp records which extras it has.
# The packages are installed by uv (pinned here; a wheel of PyPI with the program inside, put in the venv by
# its pip): it downloads in parallel and keeps what it downloaded in its cache (~/.cache/uv), so a fresh
# clone on a machine that has installed once before copies the ~270 MB of wheels from there instead of
# downloading them again (pip kept no cache of them here). Where uv cannot be had, pip does the install as
# before. The venv's own pip (Python >= 3.11 ships one that does editable installs) is not upgraded.
# No compiling at install: Python writes the bytecode of what is imported on first use (see above).
UV_VERSION := 0.13.8
INSTALL = { $(PY) -m pip install --quiet --no-compile 'uv==$(UV_VERSION)' \
	    && $(VENV)/bin/uv pip install --quiet --python $(PY) $(1); } \
	  || { echo "make: uv was not installed: installing with pip"; $(PY) -m pip install --quiet --no-compile $(1); }

$(VENV)/.stamp-run: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(call INSTALL,-e .)
	touch $@

$(VENV)/.stamp-test: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(call INSTALL,-e '.[test]')
	touch $@ $(VENV)/.stamp-run

run: $(VENV)/.stamp-run
	$(VENV)/bin/desk --home $(DEMO) demo --quiet
	$(VENV)/bin/desk --home $(DEMO)

# the static checks and the suite side by side (mypy's cold cache of a fresh clone is ~10 s on one
# core, while the suite's workers start); each one's output is printed whole when it ends, and any
# failure of either fails `make test` (make names the failing target: check or suite)
test: $(VENV)/.stamp-test
	@$(MAKE) --no-print-directory -j2 --output-sync=target check suite

# the suite's temporary files (desk homes, bundles, the test PostgreSQL clusters) go to memory where /dev/shm is
# a tmpfs with 2 GiB free: the product's fsyncs (each atomic file write, each SQLite commit) then wait for no
# disk, ~10 % of the non-TUI tests' CPU and more of their wall. Elsewhere (a container's 64 MB /dev/shm, or one
# mounted noexec: tests run stand-ins of `lp` from their folders) the system's temporary folder, as before.
# The folder is a short one of this run's own (/dev/shm/ds.XXXXXX, the tests' under p/: shorter than
# /tmp/pytest-of-USER/pytest-N, as a test shows a whole path at 80x24), open to the postgres user as /tmp is
# (the test clusters run as postgres under root), removed after a green run; after a red one it holds the
# failed tests' folders only (pytest keeps no others: pyproject.toml).
SUITE_TMP := $(shell d=/dev/shm; test -d $$d -a -w $$d \
	&& test "$$(df -Pk $$d | awk 'NR==2 {print $$4}')" -gt 2097152 2>/dev/null \
	&& ! awk '$$2 == "/dev/shm" && $$4 ~ /noexec/ {found=1} END {exit !found}' /proc/mounts 2>/dev/null && echo $$d)
# WORKERS: pytest-xdist's workers (auto: one per core; `make suite WORKERS=4` to try more workers than cores: a
# fresh clone's `make test` took 94.8 s with 2 and 103.7 s with 3, docs/performance.md)
WORKERS ?= auto
SUITE := $(PY) -m pytest -q -n $(WORKERS) --dist worksteal

# the suite on every core (pytest-xdist); tests idle in the TUI steal work from a busy neighbour
suite: $(VENV)/.stamp-test
ifeq ($(SUITE_TMP),)
	$(SUITE)
else
	@t=$$(mktemp -d $(SUITE_TMP)/ds.XXXXXX) && chmod 755 $$t || exit 1; echo "TMPDIR=$$t $(SUITE) --basetemp=$$t/p"; \
	TMPDIR=$$t $(SUITE) --basetemp=$$t/p; rc=$$?; if [ $$rc -eq 0 ]; then rm -rf "$$t"; fi; exit $$rc
endif

# static checks: formatting, lint, types, and the layers of SPEC §1 (import-linter contracts in pyproject.toml)
check: $(VENV)/.stamp-test
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# budgets of SPEC §10, written as JSON; BENCH_SIZE=small keeps CI fast
bench: $(VENV)/.stamp-test
	$(PY) -m bench --out bench/results.json

# the hub under a province's end of day (issue 17): N desks pushing at once, a 20,000-event bundle, the board
# of 600 desks; BENCH_HUB_ARGS="--full" for a hub of 10,000,000 events, "--desks 300" for more desks, "--pg
# --workers 1,2,4" for the hub on a PostgreSQL cluster of the bench's own (docs/performance.md)
bench-hub: $(VENV)/.stamp-test
	$(PY) -m bench.hub --out bench/hub-results.json $(BENCH_HUB_ARGS)

clean:
	rm -rf $(VENV) $(DEMO) build *.egg-info
