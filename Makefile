# restwell — the two commands a newcomer needs: `make demo` and `make test`.
# Everything a fresh machine needs is installed from here (a .venv with pinned tools).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_WORKERS ?= 2

.PHONY: install demo test check format bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[cli,httpx2]" --group dev
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/restwell demo

# `make test` runs the static checks first, then the whole suite with branch coverage.
test: check
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

# Needs nginx (Debian package); installed here when missing and we are root.
bench: install
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || \
	  { [ "$$(id -u)" = 0 ] && (apt-get update -qq && apt-get install -y -qq nginx) ; }
	$(BIN)/python -m pip install -q --group bench
	$(BIN)/python bench/bench_pipeline.py --write docs/benchmarks.md
	$(BIN)/python bench/bench_overhead.py --write docs/benchmarks.md

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov
