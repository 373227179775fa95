"""Relatórios and Calcular folha from a Google Sheet: the real Code.gs under Node asks the
running service, signed, and the service runs the macro on the spreadsheet in the Sheets API
emulator through the Google adapter. What is checked is what the user sees: the toast, and the
sheets as unmodified gspread reads them back.

The folha figures are worked out here by hand (2026 tables):
* 3.000,00 in 03/2026: INSS = 1.621,00 × 7,5% + (2.902,84 − 1.621,00) × 9% + (3.000,00 −
  2.902,84) × 12% = 121,575 + 115,3656 + 11,6592 = 248,5998 → 248,60 (one half-up rounding);
  IRRF 0,00 (taxable income up to 5.000,00 in 2026); FGTS = 3.000,00 × 8% = 240,00; Líquido =
  3.000,00 − 248,60 = 2.751,40.
* 2.000,00 in 03/2026: INSS = 1.621,00 × 7,5% + (2.000,00 − 1.621,00) × 9% = 121,575 + 34,11 =
  155,685 → 155,69; the 200,00 typed in its INSS cell differs and is marked, never overwritten.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import urllib.error
import urllib.request
from datetime import date
from typing import Any

import pytest
from test_apps_script import HARNESS, NOW
from test_serve import running

from retaguarda.sync.actions import MACROS
from retaguarda.sync.app import create_app
from retaguarda.sync.emulator import create_emulator
from retaguarda.sync.emulator.server import serving
from retaguarda.sync.google_api import gspread_client
from retaguarda.sync.sources import add_source
from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.files import column_letter

SPREADSHEET = "empresaRelatorios"
CHART, LEDGER, FOLHA = (TEMPLATES[t] for t in ("plano_de_contas", "lancamentos", "folha"))
#: an account named like a formula: its name is copied into the report sheets
FORMULA_NAME = '=HYPERLINK("http://exemplo.invalid";"clique")'
CHART_ROWS = [
    [*CHART.headers],
    ["1.1.02", "Bancos conta movimento", "Ativo", "Devedora", "Sim"],
    ["2.3.01", "Capital social", "Patrimônio líquido", "Credora", "Sim"],
    ["3.1.01", "Receita de vendas", "Receita", "Credora", "Sim"],
    ["4.1.05", FORMULA_NAME, "Despesa", "Devedora", "Sim"],
]
JOURNAL_ROWS = [
    [*LEDGER.headers],
    [date(2026, 2, 1), "C-1", "Capital inicial", "1.1.02", "2.3.01", "1.000,00"],
    [date(2026, 3, 2), "V-1", "Venda João", "1.1.02", "3.1.01", "500,00"],
    [date(2026, 3, 10), "T-1", "Tarifa do banco", "4.1.05", "1.1.02", "30,00"],
]
LETTER = {c.key: column_letter(i) for i, c in enumerate(FOLHA.columns)}


def employee(salary: str, name: str, matricula: str, **more: object) -> list[object]:
    values = {
        "competencia": date(2026, 3, 1),
        "matricula": matricula,
        "nome": name,
        "cpf": "577.665.165-43",
        "pis": "174.56387.67-0",
        "admissao": date(2020, 2, 1),
        "salario_base": salary,
        **more,
    }
    return [values.get(c.key, "") for c in FOLHA.columns]


#: Ana's computed cells are empty; Bruno's INSS is typed, and wrong
FOLHA_ROWS = [
    [*FOLHA.headers],
    employee("3.000,00", "=1+2 Ana Paula", "1001"),
    employee("2.000,00", "Bruno Souza", "1002", inss="200,00"),
]


@pytest.fixture
def google(tmp_path):
    app = create_emulator(key_out=tmp_path / "key.json", quota=None)
    with serving(app) as base_url:
        state = app.extensions["sheets_emulator"]
        state.client = gspread_client(tmp_path / "key.json", base_url)
        state.base = base_url
        state.key_file = tmp_path / "key.json"
        yield state


@pytest.fixture
def service(google, store, store_url):
    """The service on a loopback port reading the emulator, the spreadsheet registered as a
    source; the app and the script's properties."""
    source = add_source(store, team="Matriz", google=SPREADSHEET)
    app = create_app(
        clock=lambda: NOW,
        database_url=store_url,
        google_credentials=google.key_file,
        google_api_url=google.base,
    )
    with running(app) as port:
        properties = {
            "RETAGUARDA_URL": f"http://127.0.0.1:{port}",
            "RETAGUARDA_SECRET": source.webhook_secret,
        }
        yield app, properties


def menu(properties: dict, function: str) -> str:
    """Run one menu entry of Code.gs (onOpen first); the toast it shows."""
    scenario = {
        "now": int(NOW.timestamp() * 1000),
        "spreadsheetId": SPREADSHEET,
        "properties": properties,
        "steps": [["onOpen"], ["run", function]],
    }
    done = subprocess.run(
        ["node", str(HARNESS)],
        input=json.dumps(scenario),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout)
    (shown,) = outcome["toasts"]
    assert shown["title"] == "Retaguarda"
    return shown["message"]


def titles(google) -> list[str]:
    return [w.title for w in google.client.open_by_key(SPREADSHEET).worksheets()]


def values(google, sheet: str) -> list[list[str]]:
    return google.client.open_by_key(SPREADSHEET).worksheet(sheet).get_all_values()


def number(google, sheet: str, cell: str) -> Any:
    worksheet = google.client.open_by_key(SPREADSHEET).worksheet(sheet)
    return worksheet.get(cell, value_render_option="UNFORMATTED_VALUE").first()


def grid_data(google, sheet: str) -> list[list[dict[str, Any]]]:
    """The sheet's CellData rows, as spreadsheets.get answers them with grid data."""
    found = google.client.open_by_key(SPREADSHEET).fetch_sheet_metadata(
        {"includeGridData": "true", "ranges": f"'{sheet}'"}
    )
    (only,) = found["sheets"]
    return [row.get("values", []) for row in only["data"][0].get("rowData", [])]


def cell(google, sheet: str, address: str) -> dict[str, Any]:
    column = ord(address[0]) - ord("A")
    rows = grid_data(google, sheet)
    row = rows[int(address[1:]) - 1]
    return row[column] if column < len(row) else {}


def post(properties: dict, body: bytes, secret: str | None = None) -> tuple[int, dict]:
    """A request signed as the script signs it (HMAC-SHA256 of "timestamp.body")."""
    stamp = str(int(NOW.timestamp()))
    key = (secret or properties["RETAGUARDA_SECRET"]).encode()
    mac = hmac.new(key, stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    sent = urllib.request.Request(
        properties["RETAGUARDA_URL"] + "/webhooks/google-sheets/actions",
        data=body,
        headers={
            "Content-Type": "application/json",
            "X-Retaguarda-Timestamp": stamp,
            "X-Retaguarda-Signature": f"sha256={mac}",
        },
    )
    try:
        with urllib.request.urlopen(sent, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


def action(name: str) -> bytes:
    return json.dumps({"spreadsheetId": SPREADSHEET, "action": name}).encode()


def test_relatorios_writes_the_report_sheets_in_one_batch(google, service):
    _app, properties = service
    google.add_spreadsheet(
        SPREADSHEET, "Empresa", {CHART.sheet: CHART_ROWS, LEDGER.sheet: JOURNAL_ROWS}
    )
    before = dict(google.request_count)
    message = menu(properties, "relatorios")
    assert message.startswith("Relatórios de fevereiro a março de 2026 prontos nas abas "), message
    assert "“Rel. Balancete”" in message
    assert "“Rel. DRE”" in message
    # one metadata read, one values read, one batchUpdate
    spent = {k: v - before.get(k, 0) for k, v in google.request_count.items()}
    assert (spent.get("read"), spent.get("write")) == (2, 1)
    assert titles(google)[:2] == [CHART.sheet, LEDGER.sheet]
    assert "Rel. Balancete" in titles(google)
    assert values(google, "Rel. Balancete")[0][0] == "Balancete de verificação"
    rows = {
        row[0]["userEnteredValue"].get("stringValue"): row
        for row in grid_data(google, "Rel. Balancete")
        if row and "userEnteredValue" in row[0]
    }
    # the bank: 1.000,00 + 500,00 in, 30,00 out, 1.470,00 at the end of March, as numbers
    amounts = [c["userEnteredValue"]["numberValue"] for c in rows["1.1.02"][2:6]]
    assert amounts == [0, 1000 + 500, 30, 1000 + 500 - 30]
    # the account named like a formula is in the sheet as text, never run
    assert rows["4.1.05"][1]["userEnteredValue"] == {"stringValue": FORMULA_NAME}
    assert rows["4.1.05"][1]["formattedValue"] == FORMULA_NAME


def test_relatorios_without_any_known_sheet_says_why_and_writes_nothing(google, service):
    _app, properties = service
    google.add_spreadsheet(SPREADSHEET, "Empresa", {"Anotações": [["qualquer", "coisa"]]})
    assert menu(properties, "relatorios") == (
        "Relatórios: nenhuma aba com lançamentos, contas, folha ou estoque foi reconhecida "
        "nesta pasta (confira os cabeçalhos)."
    )
    assert titles(google) == ["Anotações"]


def test_calcular_folha_fills_the_figures_marks_a_difference_and_explains(google, service):
    _app, properties = service
    google.add_spreadsheet(SPREADSHEET, "Empresa", {FOLHA.sheet: FOLHA_ROWS})
    summary = (
        "Folha calculada (03/2026): 2 empregado(s), {} célula(s) vazia(s) de INSS, IRRF, FGTS "
        "e Líquido preenchida(s), 1 valor(es) digitado(s) diferente(s) do cálculo, marcado(s) "
        "em vermelho. A conta está na aba “Memória de cálculo”."
    )
    # Ana's four cells and Bruno's IRRF, FGTS and Líquido
    assert menu(properties, "calcularFolha") == summary.format(7)
    ana = {
        k: number(google, FOLHA.sheet, f"{LETTER[k]}2") for k in ("inss", "irrf", "fgts", "liquido")
    }
    assert ana == {"inss": 248.6, "irrf": 0, "fgts": 240, "liquido": 2751.4}
    # Bruno's typed INSS stays, marked red with the computed 155,69 in its note
    typed = cell(google, FOLHA.sheet, f"{LETTER['inss']}3")
    assert typed["userEnteredValue"] == {"stringValue": "200,00"}
    assert "INSS 200,00, mas o cálculo dá 155,69" in typed["note"]
    assert typed["userEnteredFormat"]["backgroundColor"]["green"] < 1
    # 2.000,00 − 155,69 = 1.844,31 (IRRF 0,00: exempt)
    assert number(google, FOLHA.sheet, f"{LETTER['liquido']}3") == 1844.31
    assert titles(google)[0] == "Memória de cálculo"
    memory = values(google, "Memória de cálculo")
    assert memory[0][0] == "Memória de cálculo da folha"
    # the name that looks like a formula is text in the block's title, never run
    heading = next(r[0] for r in memory if r[0].startswith("=1+2 Ana Paula"))
    assert heading.startswith("=1+2 Ana Paula — CPF 577.665.165-43 — competência 03/2026")
    block = [c for row in grid_data(google, "Memória de cálculo") for c in row[:1]]
    assert {"stringValue": heading} in [c.get("userEnteredValue") for c in block]

    # run again: the filled cells are now values of the sheet and agree; the mark is kept
    # (the hidden record of marks is read back), and the note is not doubled
    assert menu(properties, "calcularFolha") == summary.format(0)
    again = cell(google, FOLHA.sheet, f"{LETTER['inss']}3")
    assert again["note"] == typed["note"]


def test_calcular_folha_without_a_folha_says_why_and_writes_nothing(google, service):
    _app, properties = service
    google.add_spreadsheet(SPREADSHEET, "Empresa", {CHART.sheet: CHART_ROWS})
    assert menu(properties, "calcularFolha") == (
        "Calcular folha: nenhuma aba Folha de pagamento nesta pasta (confira os cabeçalhos)."
    )
    assert titles(google) == [CHART.sheet]


def test_a_wrong_signature_or_an_unknown_action_is_refused(google, service):
    _app, properties = service
    google.add_spreadsheet(SPREADSHEET, "Empresa", {FOLHA.sheet: FOLHA_ROWS})
    wrong = {**properties, "RETAGUARDA_SECRET": "0" * 64}
    assert menu(wrong, "relatorios") == (
        "Relatórios: o Retaguarda respondeu 401: assinatura inválida (confira o segredo da "
        "fonte no script)."
    )
    assert menu(wrong, "calcularFolha").startswith("Calcular folha: o Retaguarda respondeu 401")
    assert post(properties, action("imprimir")) == (
        400,
        {"error": "ação desconhecida: as que existem são “reconcile”, “reports” e “payroll”."},
    )
    assert titles(google) == [FOLHA.sheet]
    assert number(google, FOLHA.sheet, f"{LETTER['inss']}2") is None


def test_one_macro_at_a_time_per_spreadsheet_whichever_it_is(google, service):
    app, properties = service
    google.add_spreadsheet(SPREADSHEET, "Empresa", {FOLHA.sheet: FOLHA_ROWS})
    busy = app.extensions["retaguarda_actions"].busy
    busy[SPREADSHEET] = MACROS["reconcile"]  # a Conciliar still running
    assert post(properties, action("payroll")) == (
        409,
        {"error": "uma conciliação desta planilha já está em andamento; aguarde."},
    )
    del busy[SPREADSHEET]
    status, answer = post(properties, action("payroll"))
    assert status == 200
    assert answer["message"].startswith("Folha calculada (03/2026): 2 empregado(s)")
