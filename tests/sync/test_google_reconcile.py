"""Conciliar from a Google Sheet: the real Code.gs under Node asks the running service, signed,
and the service reconciles the spreadsheet in the Sheets API emulator through the Google
adapter. What is checked is what the user sees: the toast, and the Conciliação sheet as the
API reads it back (and a decision typed there surviving the next run).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import time
import urllib.error
import urllib.request
from datetime import date

import pytest
from test_apps_script import HARNESS, NOW
from test_serve import running

from retaguarda.sync.app import create_app
from retaguarda.sync.emulator import create_emulator
from retaguarda.sync.emulator.server import serving
from retaguarda.sync.google_api import gspread_client
from retaguarda.sync.sources import add_source
from retaguarda.templates.catalog import TEMPLATES

SPREADSHEET = "empresaConciliar"
CHART, LEDGER, EXTRATO = (TEMPLATES[t] for t in ("plano_de_contas", "lancamentos", "extrato"))
CHART_ROWS = [
    [*CHART.headers],
    ["1.1.02", "Bancos conta movimento", "Ativo", "Devedora", "Sim"],
    ["2.3.01", "Capital social", "Patrimônio líquido", "Credora", "Sim"],
    ["3.1.01", "Receita de vendas", "Receita", "Credora", "Sim"],
    ["4.1.05", "Tarifas bancárias", "Despesa", "Devedora", "Sim"],
]
JOURNAL_ROWS = [
    [*LEDGER.headers],
    [date(2026, 2, 1), "C-1", "Capital inicial", "1.1.02", "2.3.01", "1.000,00"],
    [date(2026, 3, 2), "V-1", "Venda João", "1.1.02", "3.1.01", "500,00"],
    [date(2026, 3, 10), "T-1", "Tarifa do banco", "4.1.05", "1.1.02", "30,00"],
]
#: the sale and the fee are on the ledger; the TED of 12/03 is not
STATEMENT_ROWS = [
    [*EXTRATO.headers],
    [date(2026, 3, 2), "PIX RECEBIDO JOAO", "1", "500,00", "1.500,00"],
    [date(2026, 3, 10), "TARIFA PACOTE", "2", "-30,00", "1.470,00"],
    [date(2026, 3, 12), "TED RECEBIDA", "3", "80,00", "1.550,00"],
]
#: the Conciliação sheet's columns used here (addin.reconcile.sheet.HEADER)
STATUS, DECISION, STATEMENT = 1, 3, 6


def company(*, chart=CHART_ROWS, statement=STATEMENT_ROWS) -> dict[str, list[list[object]]]:
    sheets = {CHART.sheet: chart, LEDGER.sheet: JOURNAL_ROWS}
    if statement is not None:
        sheets[EXTRATO.sheet] = statement
    return sheets


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
    """The service on a loopback port reading the emulator, the company's spreadsheet
    registered as a source; the app and the script's properties."""
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


def conciliar(properties: dict, spreadsheet: str = SPREADSHEET) -> dict:
    """Run the menu's Conciliar in Code.gs (and onOpen first); the harness's outcome."""
    scenario = {
        "now": int(NOW.timestamp() * 1000),
        "spreadsheetId": spreadsheet,
        "properties": properties,
        "steps": [["onOpen"], ["run", "conciliar"]],
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
    return json.loads(done.stdout)


def toast(outcome: dict) -> str:
    (shown,) = outcome["toasts"]
    assert shown["title"] == "Retaguarda"
    return shown["message"]


def titles(google) -> list[str]:
    return [w.title for w in google.client.open_by_key(SPREADSHEET).worksheets()]


def grid(google, sheet: str = "Conciliação") -> list[list[str]]:
    return google.client.open_by_key(SPREADSHEET).worksheet(sheet).get_all_values()


def pairs(rows: list[list[str]]) -> dict[str, list[str]]:
    """The first row of each pair listed, by its statement line."""
    return {
        r[STATEMENT]: r
        for r in rows
        if len(r) > STATEMENT and r[0].startswith("C") and r[STATUS] and r[STATEMENT]
    }


def test_conciliar_writes_the_sheet_in_one_batch_and_keeps_a_rejection(google, service):
    _app, properties = service
    google.add_spreadsheet(SPREADSHEET, "Empresa", company())
    before = dict(google.request_count)
    outcome = conciliar(properties)
    assert [c for c, _ in outcome["menu"][0]["items"]][:3] == [
        "Validar agora",
        "Sincronizar agora",
        "Conciliar",
    ]
    assert [r["status"] for r in outcome["requests"]] == [200]
    # 2 pairs (the sale, the fee), the TED alone; the capital is before the statement
    assert toast(outcome) == (
        "Conciliação da conta 1.1.02 pronta na aba “Conciliação”: 2 par(es) "
        "(0 sugerido(s), 0 confirmado(s)), 1 linha(s) do extrato e 0 do razão sem par."
    )
    # one metadata read, one values read, one batchUpdate
    spent = {k: v - before.get(k, 0) for k, v in google.request_count.items()}
    assert spent.get("write") == 1
    assert spent.get("read") == 2
    assert titles(google)[0] == "Conciliação"
    found = pairs(grid(google))
    assert set(found) == {"Extrato bancário!2", "Extrato bancário!3"}
    fee = found["Extrato bancário!3"]
    assert fee[STATUS] == "automática"

    # the person rejects the fee's pair in the sheet; the next run keeps it rejected
    row = grid(google).index(fee) + 1
    sheet = google.client.open_by_key(SPREADSHEET).worksheet("Conciliação")
    sheet.update_acell(f"D{row}", "rejeitar")
    again = conciliar(properties)
    assert "1 par(es)" in toast(again)
    assert "2 linha(s) do extrato" in toast(again)
    rows = grid(google)
    assert set(pairs([r for r in rows if r[STATUS] != "rejeitada"])) == {"Extrato bancário!2"}
    assert [r[STATEMENT] for r in rows if len(r) > STATUS and r[STATUS] == "rejeitada"] == [
        "Extrato bancário!3"
    ]


def test_a_spreadsheet_not_registered_is_refused(google, service):
    _app, properties = service
    google.add_spreadsheet("outraPlanilha", "Outra", company())
    outcome = conciliar(properties, spreadsheet="outraPlanilha")
    assert toast(outcome) == (
        "Conciliar: o Retaguarda respondeu 404: planilha não cadastrada como fonte: outraPlanilha"
    )


def test_a_bad_signature_is_refused_and_nothing_is_written(google, service):
    _app, properties = service
    google.add_spreadsheet(SPREADSHEET, "Empresa", company())
    outcome = conciliar({**properties, "RETAGUARDA_SECRET": "0" * 64})
    assert toast(outcome) == (
        "Conciliar: o Retaguarda respondeu 401: assinatura inválida (confira o segredo da "
        "fonte no script)."
    )
    assert "Conciliação" not in titles(google)


def test_without_the_extrato_sheet_the_user_is_told_and_nothing_is_written(google, service):
    _app, properties = service
    google.add_spreadsheet(SPREADSHEET, "Empresa", company(statement=None))
    outcome = conciliar(properties)
    assert toast(outcome).startswith("Conciliar: nenhuma aba “Extrato bancário” nesta pasta.")
    assert titles(google) == [CHART.sheet, LEDGER.sheet]


def test_an_account_that_cannot_be_decided_is_asked_for_then_used(google, service):
    _app, properties = service
    chart = [*CHART_ROWS, ["1.1.03", "Banco Itaú", "Ativo", "Devedora", "Sim"]]
    google.add_spreadsheet(SPREADSHEET, "Empresa", company(chart=chart))
    outcome = conciliar(properties)
    assert toast(outcome) == (
        "Conciliar: não foi possível escolher a conta contábil do banco (contas de banco no "
        "Plano de contas: 1.1.02, 1.1.03). Escreva o código da conta ao lado de “Conta "
        "contábil”, na aba Conciliação, e rode Conciliar de novo."
    )
    asked = grid(google)
    assert asked[1][0] == "Conta contábil"
    # the person writes the account next to the label and runs Conciliar again
    google.client.open_by_key(SPREADSHEET).worksheet("Conciliação").update_acell("B2", "1.1.02")
    again = conciliar(properties)
    assert toast(again).startswith("Conciliação da conta 1.1.02 pronta")
    assert set(pairs(grid(google))) == {"Extrato bancário!2", "Extrato bancário!3"}


def limit(app, cells: int) -> None:
    app.config["RETAGUARDA"] = app.config["RETAGUARDA"].model_copy(
        update={"max_workbook_cells": cells}
    )


def refused_as_too_big(found: str, cells: int) -> str:
    return (
        "Conciliar: o Retaguarda respondeu 413: planilha grande demais para conciliar pelo "
        f"serviço ({found}; limite {cells}). Apague linhas e abas que não são usadas, ou "
        "concilie pelo Excel ou pela linha de comando (retaguarda reconcile bank)."
    )


def test_a_spreadsheet_over_the_size_limit_is_refused_and_nothing_is_written(google, service):
    app, properties = service
    statement = [
        [*EXTRATO.headers],
        *(
            [date(2026, 3, 2), f"PIX {n}", str(n), "1,00", "", "341", "12345-6"]
            for n in range(3000)
        ),
    ]
    google.add_spreadsheet(SPREADSHEET, "Empresa", company(statement=statement))
    # Google leaves out each row's trailing empty cells: the chart 5 × 5, the journal's
    # header 9 and 3 lines of 6, the statement's header 7 and 3,000 lines of 7
    filled = 5 * 5 + (9 + 3 * 6) + (7 + 3000 * 7)
    limit(app, 20_000)
    assert toast(conciliar(properties)) == refused_as_too_big(
        f"{filled} células preenchidas", 20_000
    )
    # a grid ten times the limit is refused before its values are asked for: two sheets of
    # Google's 1,000 × 26 and the statement's 3,001 rows of 26 columns
    grid_cells = 2 * 1000 * 26 + 3001 * 26
    limit(app, 10_000)
    before = google.request_count["read"]
    assert toast(conciliar(properties)) == refused_as_too_big(
        f"{grid_cells} células na grade", 100_000
    )
    assert google.request_count["read"] - before == 1  # the metadata only
    assert "Conciliação" not in titles(google)


def test_thousands_of_lines_within_the_limit_reconcile_in_bounded_time(google, service):
    _app, properties = service
    days = [date(2026, 3, 1 + n % 28) for n in range(3000)]
    journal = [
        [*LEDGER.headers],
        *(
            [d, f"V-{n}", f"Venda {n}", "1.1.02", "3.1.01", f"{n + 1},{n % 100:02d}"]
            for n, d in enumerate(days)
        ),
    ]
    statement = [
        [*EXTRATO.headers],
        *([d, f"PIX {n}", str(n), f"{n + 1},{n % 100:02d}", ""] for n, d in enumerate(days)),
    ]
    sheets = {CHART.sheet: CHART_ROWS, LEDGER.sheet: journal, EXTRATO.sheet: statement}
    google.add_spreadsheet(SPREADSHEET, "Empresa", sheets)
    started = time.monotonic()
    outcome = conciliar(properties)
    elapsed = time.monotonic() - started
    message = toast(outcome)
    assert message.startswith("Conciliação da conta 1.1.02 pronta"), message
    # every amount differs (n + 1 reais and n % 100 cents): 3,000 pairs, nothing left over
    assert "3000 par(es)" in message
    assert "0 linha(s) do extrato e 0 do razão sem par" in message
    assert elapsed < 25  # the service's own timeout; measured here about 5 s


def test_a_reconciliation_over_the_time_limit_answers_504_and_never_writes(google, service):
    app, properties = service
    app.config["RETAGUARDA"] = app.config["RETAGUARDA"].model_copy(update={"action_timeout": 0.001})
    google.add_spreadsheet(SPREADSHEET, "Empresa", company())
    outcome = conciliar(properties)
    assert toast(outcome).startswith(
        "Conciliar: o Retaguarda respondeu 504: a conciliação passou de 0.001 segundos e foi "
        "interrompida sem alterar a planilha"
    )
    busy = app.extensions["retaguarda_actions"].busy
    deadline = time.monotonic() + 30
    while busy and time.monotonic() < deadline:  # the abandoned work finishes on its own
        time.sleep(0.05)
    assert not busy
    assert "Conciliação" not in titles(google)


def post(properties: dict, body: bytes, stamp: int, secret: str | None = None) -> tuple[int, dict]:
    """A request signed as the script signs it (HMAC-SHA256 of "timestamp.body")."""
    key = (secret or properties["RETAGUARDA_SECRET"]).encode()
    mac = hmac.new(key, str(stamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    sent = urllib.request.Request(
        properties["RETAGUARDA_URL"] + "/webhooks/google-sheets/actions",
        data=body,
        headers={
            "Content-Type": "application/json",
            "X-Retaguarda-Timestamp": str(stamp),
            "X-Retaguarda-Signature": f"sha256={mac}",
        },
    )
    try:
        with urllib.request.urlopen(sent, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


def test_a_stale_or_malformed_request_is_refused_in_portuguese(google, service):
    _app, properties = service
    google.add_spreadsheet(SPREADSHEET, "Empresa", company())
    now = int(NOW.timestamp())
    good = json.dumps({"spreadsheetId": SPREADSHEET, "action": "reconcile"}).encode()
    # signed right, but six minutes old: a captured request cannot be played later
    status, answer = post(properties, good, now - 360)
    assert status == 401
    assert "fora da janela de 300 segundos" in answer["error"]
    other = json.dumps({"spreadsheetId": SPREADSHEET, "action": "pagar"}).encode()
    assert post(properties, other, now) == (
        400,
        {"error": "ação desconhecida: as que existem são “reconcile”, “reports” e “payroll”."},
    )
    assert post(properties, b"{nada", now) == (
        400,
        {"error": "o corpo do pedido não é um objeto JSON."},
    )
    assert post(properties, b"x" * 5000, now)[0] == 413
    assert "Conciliação" not in titles(google)
    status, answer = post(properties, good, now)
    assert status == 200
    assert answer["message"].startswith("Conciliação da conta 1.1.02 pronta")


def test_the_script_says_so_when_the_service_is_down_or_not_configured(google, service):
    _app, properties = service
    down = conciliar({**properties, "RETAGUARDA_URL": "http://127.0.0.1:9"})  # nothing there
    assert toast(down).startswith("Conciliar: sem resposta do Retaguarda (")
    unset = conciliar({})
    assert toast(unset) == (
        "Conciliar: defina RETAGUARDA_URL e RETAGUARDA_SECRET nas propriedades do script."
    )
    assert unset["requests"] == []


def test_a_conciliacao_sheet_filled_with_pasted_rows_is_refused(google, service):
    app, properties = service
    pasted = [[f"colado {n}-{c}" for c in range(20)] for n in range(2000)]
    google.add_spreadsheet(SPREADSHEET, "Empresa", {**company(), "Conciliação": pasted})
    # the templates hold 25 + 27 + 22 cells: well inside; the Conciliação sheet read back may
    # hold twice the limit, and holds 2,000 × 20
    limit(app, 15_000)
    assert toast(conciliar(properties)) == refused_as_too_big(
        f"{2000 * 20} células na aba Conciliação", 2 * 15_000
    )
    assert grid(google)[0][0] == "colado 0-0"  # left as it was
