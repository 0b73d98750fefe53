# Two entry points for a fresh machine: `make run` and `make test` (see README).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run demo demo-alerts schedule test install install-demo install-bench install-test postgres-binaries bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e .

install-demo: $(BIN)/python
	$(BIN)/pip install -q -e '.[demo]'

# The tests' PostgreSQL pass and benchmarks/postgres.py start a throwaway server from Debian's binaries (never a download).
postgres-binaries:
	@ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || \
	  { command -v apt-get >/dev/null && apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null; } || \
	  echo "postgresql missing and not installable: the PostgreSQL tests will be skipped (under CI=true: fail), and benchmarks/postgres.py fails"

install-bench: $(BIN)/python postgres-binaries
	$(BIN)/pip install -q -e '.[bench]'

install-test: $(BIN)/python postgres-binaries
	$(BIN)/pip install -q -e '.[test]'
	@# The browser tests drive Debian's Chromium through its own chromedriver (never a download).
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  { command -v apt-get >/dev/null && apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver >/dev/null; } || \
	  echo "chromium/chromedriver missing and not installable: the browser tests will be skipped"

run: install          ## crawl the live register into output/ (needs REGWATCH_PROXY outside Russia)
	$(BIN)/regwatch crawl

demo: install-demo    ## the same job offline, against two recorded states, into output/demo/
	$(BIN)/regwatch demo

demo-alerts: install-demo  ## the scheduler offline: a state switch alerts a local webhook and mailbox once
	$(BIN)/regwatch demo --alerts

schedule: install     ## the daemon: probe, crawl and alert on schedules/schedules.toml (Ctrl-C stops it)
	$(BIN)/regwatch schedule

test: install-test    ## lint (ruff), types (mypy), then the whole test suite (no network), on SQLite and PostgreSQL
	$(BIN)/ruff check .
	$(BIN)/mypy
	@# One worker per core; a file's tests (and its fixtures, the browser) stay in one worker. The suite starts
	@# hundreds of `regwatch` processes: with bytecode written once (even where PYTHONDONTWRITEBYTECODE is set),
	@# none of them compiles regwatch's modules again, nor pytest its rewritten test files.
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -q -n auto --dist loadfile --backends all

# Each benchmark's output is kept in $(BENCH_OUT); the README's performance table is written from them.
BENCH_OUT  := benchmarks/out
BENCHMARKS := run alerts check startup registers web everywhere history extract announcements early_warning postgres

bench: install-bench  ## benchmarks: print figures against their goals, then write the README's table from them
	@mkdir -p $(BENCH_OUT)
	@rm -f $(BENCH_OUT)/*.failed
	@# a script that fails stops here: the README's table is never written from part of the figures
	@for name in $(BENCHMARKS); do \
	  echo "== benchmarks/$$name.py"; \
	  { $(BIN)/python benchmarks/$$name.py || touch $(BENCH_OUT)/$$name.failed; } | tee $(BENCH_OUT)/$$name.txt; \
	  if [ -e $(BENCH_OUT)/$$name.failed ]; then \
	    echo "benchmarks/$$name.py failed: the README's table is left as it was" >&2; exit 1; fi; \
	done
	$(BIN)/python benchmarks/_common.py $(foreach name,$(BENCHMARKS),$(BENCH_OUT)/$(name).txt)

clean:
	rm -rf $(VENV) *.egg-info
