# Two commands for a fresh machine with Python 3.11, pip and make:
#   make demo   installs CareBridge into .venv and runs the Stockport example into out/stockport
#   make test   installs what the tests need and runs lint, types (src, tests, benchmarks), the import
#               contracts (lint-imports) and the whole suite (slow tests too; the benchmarks last, alone)
# For a quick local loop: make test-fast (skips tests marked slow).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: demo test test-fast lint bench bench-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-runtime: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed-runtime

demo: $(VENV)/.installed-runtime
	$(BIN)/carebridge run examples/stockport-2017/scenario.yaml --out out/stockport
	@echo "Open $(CURDIR)/out/stockport/report.html in a browser (the tables and the workbook are beside it)."

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/ruff format --check src tests benchmarks examples
	$(BIN)/mypy
	$(BIN)/lint-imports

# The benchmarks' tests run last and one at a time, so no other test shares the cores they time.
test: lint
	$(BIN)/pytest -n 2 -m "not benchmark" $(PYTEST_ARGS)
	$(BIN)/pytest -m benchmark $(PYTEST_ARGS)

test-fast: $(VENV)/.installed-test
	$(BIN)/pytest -n 2 -m "not slow" $(PYTEST_ARGS)

# make bench: every benchmark, one after another, each figure printed beside its goal and its baseline; it
# goes on past a missed goal. make bench-check (or make bench CHECK=1) passes --check-stable to each, so a
# missed ratio, memory or error goal fails (absolute times are printed, not judged: docs/speed.md).
BENCHMARKS := engine simulate region stratify web_load prioritise demand efficiency
BENCH_ARGS_web_load := --users 50 --duration 60
BENCH_CHECK := $(if $(CHECK),--check-stable,)

bench: $(VENV)/.installed-test
	@failed=""; \
	$(foreach name,$(BENCHMARKS),echo "== python $(strip benchmarks/$(name).py $(BENCH_ARGS_$(name)) $(BENCH_CHECK))"; \
	$(BIN)/python $(strip benchmarks/$(name).py $(BENCH_ARGS_$(name)) $(BENCH_CHECK)) || failed="$$failed $(name)";) \
	if [ -n "$$failed" ]; then echo "failed:$$failed"; exit 1; fi

bench-check:
	$(MAKE) bench CHECK=1

clean:
	rm -rf $(VENV) out build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
