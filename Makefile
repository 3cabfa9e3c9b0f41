# restwell — the two commands a newcomer needs: `make demo` and `make test`.
# Everything a fresh machine needs is installed from here (a .venv with pinned tools).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_WORKERS ?= 2

.PHONY: install demo test check format bench bench-profile clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[cli,httpx2,http2,pyreqwest]" --group dev
	touch $(STAMP)

# Servers the tests start on 127.0.0.1 (json-server, npm); pinned by package-lock.json.
NODE_STAMP := tests/servers/node_modules/.installed-stamp

$(NODE_STAMP): tests/servers/package.json tests/servers/package-lock.json
	@command -v npm >/dev/null || { [ "$$(id -u)" = 0 ] && (apt-get update -qq && apt-get install -y -qq nodejs npm) ; }
	npm ci --prefix tests/servers --no-audit --no-fund --silent
	touch $@

install: $(STAMP)

demo: install
	$(BIN)/restwell demo

# `make test` runs the static checks first, then the whole suite with branch coverage.
test: check $(NODE_STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --cov --cov-report=term --cov-fail-under=85 tests
	$(BIN)/python -m coverage report --include='src/restwell/policies/*' --fail-under=100

check: install
	$(BIN)/ruff format --check src tests scripts bench examples
	$(BIN)/ruff check src tests scripts bench examples
	$(BIN)/mypy
	$(BIN)/pyright
	$(BIN)/python scripts/unasync.py --check

format: install
	$(BIN)/python scripts/unasync.py
	$(BIN)/ruff format src tests scripts bench examples
	$(BIN)/ruff check --fix src tests scripts bench examples

# The pipeline benches measure this commit's tree too, in the same run (the previous
# core, a single retry loop); its src/ is exported once, read-only, into bench/.results.
BENCH_BASELINE ?= 159bdff
BASELINE_SRC := bench/.results/baseline-$(BENCH_BASELINE)/src

$(BASELINE_SRC):
	rm -rf $(dir $@) && mkdir -p $(dir $@)
	git archive $(BENCH_BASELINE) src | tar -x -C $(dir $@)

# Needs nginx and valgrind (Debian packages); installed here when missing and we are root.
bench: install $(BASELINE_SRC)
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || \
	  { [ "$$(id -u)" = 0 ] && (apt-get update -qq && apt-get install -y -qq nginx) ; }
	@command -v valgrind >/dev/null || \
	  { [ "$$(id -u)" = 0 ] && (apt-get update -qq && apt-get install -y -qq valgrind) ; }
	$(BIN)/python -m pip install -q --group bench
	$(BIN)/python bench/bench_pipeline.py --baseline-src $(BASELINE_SRC) --write docs/benchmarks.md
	$(BIN)/python bench/callgrind_pipeline.py --baseline-src $(BASELINE_SRC) --write docs/benchmarks.md
	$(BIN)/python bench/bench_overhead.py --write docs/benchmarks.md
	$(BIN)/python bench/bench_transports.py --write docs/benchmarks.md
	$(BIN)/python bench/bench_service.py --write docs/benchmarks.md

# Where a call's instructions go, per Python function (callgrind on CPython >= 3.12
# with -X perf; see bench/callgrind_pipeline.py). Prints; writes nothing.
PY_PERF ?= $(shell for v in 3.12 3.13; do python$$v -c 'import sys; print(sys.executable)' 2>/dev/null && break; \
  PYENV_VERSION=$$(pyenv versions --bare 2>/dev/null | grep "^$$v" | tail -1) \
  python$$v -c 'import sys; print(sys.executable)' 2>/dev/null && break; done)
PERF_VENV := bench/.results/venv-perf

$(PERF_VENV)/.stamp: pyproject.toml
	@test -n "$(PY_PERF)" || { echo "bench-profile needs CPython >= 3.12: set PY_PERF=/path/to/python3.12"; exit 1; }
	$(PY_PERF) -m venv $(PERF_VENV)
	$(PERF_VENV)/bin/python -m pip install -q -e .
	touch $@

bench-profile: install $(PERF_VENV)/.stamp
	$(BIN)/python bench/callgrind_pipeline.py --profile --python $(PERF_VENV)/bin/python --variants async
	$(BIN)/python bench/callgrind_pipeline.py --profile --python $(PERF_VENV)/bin/python --variants sync

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov bench/.results
