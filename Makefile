# Two commands for a newcomer: `make demo` and `make test`. Both set up .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR := demo
DEMO_TODAY := 2026-11-20
DEMO_MONTH := 2026-11
SAMPLE := register/exemple_registre.xlsx
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

demo: $(STAMP)
	mkdir -p $(DEMO_DIR)
	cp $(SAMPLE) $(DEMO_DIR)/registre_demo.xlsx
	@echo "== toolkit check"
	$(BIN)/toolkit check --register $(DEMO_DIR)/registre_demo.xlsx --today $(DEMO_TODAY)
	@echo "== toolkit status"
	$(BIN)/toolkit status --register $(DEMO_DIR)/registre_demo.xlsx --today $(DEMO_TODAY)
	@echo "== toolkit letters (dossiers dans $(DEMO_DIR)/dossiers)"
	rm -rf $(DEMO_DIR)/dossiers
	$(BIN)/toolkit letters --register $(DEMO_DIR)/registre_demo.xlsx --today $(DEMO_TODAY) --dossiers $(DEMO_DIR)/dossiers --mark-sent
	@echo "== toolkit report"
	$(BIN)/toolkit report --register $(DEMO_DIR)/registre_demo.xlsx --today $(DEMO_TODAY) --month $(DEMO_MONTH) --out $(DEMO_DIR)/rapports

test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist loadfile $(PYTEST_ARGS)

# TOOLKIT_BENCH_README=1: the benchmarks that publish figures refresh them in README.md.
bench: $(STAMP)
	@for script in tests/benchmarks/bench_*.py; do \
		echo "== $$script"; TOOLKIT_BENCH_README=1 $(BIN)/python $$script || exit 1; done

# Mutation testing of the core (pyproject.toml [tool.mutmut]): slow, not part of `make test`.
# MODULES="toolkit/register/deadlines.py ..." limits it to some modules.
mutation: $(STAMP)
	$(BIN)/python tests/mutation/run.py $(MODULES)

lint: $(STAMP)
	$(BIN)/ruff check toolkit tests notebooks/*.py

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf $(VENV) $(DEMO_DIR) mutants .pytest_cache .hypothesis .ruff_cache
