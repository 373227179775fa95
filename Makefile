# Two commands for a newcomer: `make demo` and `make test`. Both create or update .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The samples' planted mistakes are judged on the day they were made for (a planted "future"
# date stops being one later), so the demo pins it like the tests do.
SAMPLES_TODAY := 2026-11-25

.PHONY: demo demo-sync demo-service test lint format bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/retaguarda templates build
	$(BIN)/retaguarda samples
	$(BIN)/retaguarda validate workbooks/samples/*.xlsx --closed-until 2025-12-31 \
		--today $(SAMPLES_TODAY) || test $$? -eq 1
	$(BIN)/retaguarda validate workbooks/samples/matriz.xlsx --closed-until 2025-12-31 \
		--today $(SAMPLES_TODAY) \
		--write-back build/matriz_marcada.xlsx > /dev/null || test $$? -eq 1
	$(BIN)/retaguarda reconcile bank --statement workbooks/samples/extrato_matriz.ofx \
		--ledger workbooks/samples/matriz.xlsx --account 1.1.02 \
		--out build/conciliacao_matriz.xlsx || test $$? -eq 1
	$(BIN)/retaguarda reconcile teams workbooks/samples/matriz.xlsx \
		workbooks/samples/filial_sao_paulo.xlsx workbooks/samples/filial_rio.xlsx \
		--out build/conciliacao_filiais.xlsx || test $$? -eq 1
	$(BIN)/retaguarda reconcile payroll workbooks/samples/matriz.xlsx --month 09/2026 \
		--statement workbooks/samples/extrato_matriz.ofx \
		--out build/conciliacao_folha.xlsx || test $$? -eq 1
	$(BIN)/retaguarda payroll workbooks/samples/matriz.xlsx \
		--out build/folha_calculada.xlsx > /dev/null || test $$? -eq 1
	$(BIN)/retaguarda report todos workbooks/samples/matriz.xlsx \
		workbooks/samples/filial_sao_paulo.xlsx workbooks/samples/filial_rio.xlsx \
		--today $(SAMPLES_TODAY) --out build/relatorios.xlsx > /dev/null
	$(BIN)/retaguarda report todos workbooks/samples/matriz.xlsx \
		workbooks/samples/filial_sao_paulo.xlsx workbooks/samples/filial_rio.xlsx \
		--today $(SAMPLES_TODAY) --out build/relatorios.html > /dev/null
	$(BIN)/retaguarda addin xlsm --out build/Retaguarda.xlsm
	@echo "Abra build/matriz_marcada.xlsx: células marcadas, notas e a aba Pendências."
	@echo "Conciliações de outubro: build/conciliacao_matriz.xlsx (banco), \
	build/conciliacao_filiais.xlsx (matriz x filiais), build/conciliacao_folha.xlsx (folha)."
	@echo "Folha calculada: build/folha_calculada.xlsx (aba Memória de cálculo; o que difere \
	do cálculo fica em vermelho na Folha de pagamento; docs/folha.md)."
	@echo "Relatórios consolidados das três equipes (balancete, DRE, balanço, fluxo de caixa, \
	aging, folha, estoque): build/relatorios.xlsx e build/relatorios.html (docs/relatorios.md)."
	@echo "Excel de mesa: build/Retaguarda.xlsm, com os botões (docs/excel.md)."
	@echo "Excel na Web: XLWINGS_LICENSE_KEY=... $(BIN)/retaguarda serve (docs/excel.md)."
	@$(MAKE) --no-print-directory demo-sync
	@$(MAKE) --no-print-directory demo-service

# The service as a company runs it: the samples as Google spreadsheets (the emulator), a
# workbook in workbooks/inbox/, webhooks, the queue, the dashboard; Ctrl-C stops it all.
# DEMO_ARGS="--once" stops once the played edits are in the store; "--port 0" takes any port.
demo-service: $(STAMP)
	$(BIN)/python -m retaguarda.sync.demo $(DEMO_ARGS)

# The three sample workbooks as Google spreadsheets (the emulator, on a free port), synced
# twice into build/demo.db: the second run finds nothing to change.
demo-sync: $(STAMP)
	@rm -f build/demo.db build/demo.db-wal build/demo.db-shm
	@set -e; \
	port=$$($(BIN)/python -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"); \
	$(BIN)/retaguarda emulator --port $$port --seed workbooks/samples \
		--key-out build/emulator-key.json > build/emulator.log 2>&1 & pid=$$!; \
	trap "kill $$pid" EXIT; \
	export RETAGUARDA_DATABASE_URL=sqlite:///build/demo.db \
		RETAGUARDA_GOOGLE_API_URL=http://127.0.0.1:$$port \
		GOOGLE_APPLICATION_CREDENTIALS=build/emulator-key.json \
		RETAGUARDA_CLOSED_UNTIL=2025-12-31 RETAGUARDA_TODAY=$(SAMPLES_TODAY); \
	for i in $$(seq 100); do \
		$(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', $$port), 0.2)" \
			2>/dev/null && break; sleep 0.2; \
	done; \
	$(BIN)/retaguarda sources add --team Matriz --google matriz; \
	$(BIN)/retaguarda sources add --team "Filial São Paulo" --google filial_sao_paulo; \
	$(BIN)/retaguarda sources add --team "Filial Rio" --google filial_rio; \
	$(BIN)/retaguarda sync; \
	echo "De novo, sem mudanças na planilha:"; \
	$(BIN)/retaguarda sync
	@echo "Banco consolidado: build/demo.db (docs/sincronizacao.md)."

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
	$(BIN)/python benchmarks/targets.py
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/addin.py
	$(BIN)/python benchmarks/sync.py
	$(BIN)/python benchmarks/write_back.py
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,gunicorn]'
	$(BIN)/python benchmarks/service.py
	$(BIN)/python benchmarks/reconcile.py
	$(BIN)/python benchmarks/reports.py
	$(BIN)/python benchmarks/payroll.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
