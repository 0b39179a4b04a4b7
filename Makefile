# Two commands for a newcomer: `make demo` and `make test`. Both set up .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR := demo
PYTEST_ARGS ?=

.PHONY: demo test bench mutation lint lab venv clean

venv: $(STAMP)

# Re-installs only when pyproject.toml changes: a second `make test` starts at once.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (toolkit)" >/dev/null
	touch $(STAMP)

# The same demo on every OS: `toolkit demo` (copy of the sample register, then check, status,
# letters --mark-sent and report).
demo: $(STAMP)
	$(BIN)/toolkit demo --dir $(DEMO_DIR)

test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist loadfile $(PYTEST_ARGS)

# TOOLKIT_BENCH_README=1: the benchmarks that publish figures refresh them (README.md,
# docs/developer/benchmarks.md).
bench: $(STAMP)
	@for script in tests/benchmarks/bench_*.py; do \
		echo "== $$script"; TOOLKIT_BENCH_README=1 $(BIN)/python $$script || exit 1; done

# Mutation testing of the core (pyproject.toml [tool.mutmut]): slow, not part of `make test`.
# MODULES="toolkit/register/deadlines.py ..." limits it to some modules.
mutation: $(STAMP)
	$(BIN)/python tests/mutation/run.py $(MODULES)

lint: $(STAMP)
	$(BIN)/ruff check toolkit tests notebooks/*.py

# JupyterLab and jupytext are not part of the installed tool: only `make lab` adds them.
lab: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[lab]'
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf $(VENV) $(DEMO_DIR) mutants .pytest_cache .hypothesis .ruff_cache
