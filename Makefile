# Two commands for a newcomer: `make demo` and `make test`. Both create or update .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint format bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/retaguarda templates build
	$(BIN)/retaguarda samples
	$(BIN)/retaguarda validate workbooks/samples/*.xlsx --closed-until 2025-12-31 || test $$? -eq 1
	$(BIN)/retaguarda validate workbooks/samples/matriz.xlsx --closed-until 2025-12-31 \
		--write-back build/matriz_marcada.xlsx > /dev/null || test $$? -eq 1
	@echo "Abra build/matriz_marcada.xlsx: células marcadas, notas e a aba Pendências."
	@echo "Excel na Web: XLWINGS_LICENSE_KEY=... $(BIN)/retaguarda serve (docs/excel.md)."

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
