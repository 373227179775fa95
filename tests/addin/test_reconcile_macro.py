"""Conciliar, the macro: the same code on an .xlsx file and on xlwings' remote engine.

The workbook holds the bank's lines in its "Extrato bancário" sheet and the ledger in its
other sheets; the macro writes the "Conciliação" sheet, and a rerun reads back what a person
decided there.
"""

from __future__ import annotations

import asyncio
import copy
from datetime import date
from decimal import Decimal

import pytest
import xlwings as xw
from payloads import BASIC_ACTIONS, CLIENTS, OFFICE_JS, VBA, apply, payload
from xlwings.server import custom_scripts_call

from retaguarda.addin import macros, protocol
from retaguarda.addin.reconcile.sheet import HEADER, SHEET
from retaguarda.addin.xlsx_file import XlsxWorkbook, open_workbook
from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.model import MESSAGE_SHEET
from retaguarda.templates.render import render_workbook

COL = {name: i for i, name in enumerate(HEADER)}
CHART = [
    ["1.1.02", "Bancos conta movimento", "Ativo", "Devedora", "Sim"],
    ["2.3.01", "Capital social", "Patrimônio líquido", "Credora", "Sim"],
    ["3.1.01", "Receita de vendas", "Receita", "Credora", "Sim"],
    ["4.1.05", "Tarifas bancárias", "Despesa", "Devedora", "Sim"],
]
JOURNAL = [
    [date(2026, 2, 1), "", "Capital inicial", "1.1.02", "2.3.01", Decimal("1000.00")],
    [date(2026, 3, 2), "V-1", "Venda João", "1.1.02", "3.1.01", Decimal("500.00")],
    [date(2026, 3, 10), "", '=HYPERLINK("http://x","{0}")', "4.1.05", "1.1.02", Decimal("30")],
]
EXTRATO = [
    [date(2026, 3, 2), "PIX RECEBIDO JOAO", "", Decimal("500.00"), Decimal("1500.00")],
    [date(2026, 3, 10), "TARIFA PACOTE", "", Decimal("-30.00"), Decimal("1470.00")],
    [date(2026, 3, 12), "TED RECEBIDA", "", Decimal("80.00"), Decimal("1550.00")],
]


@pytest.fixture
def workbook(tmp_path):
    return render_workbook(
        tmp_path / "empresa.xlsx",
        [
            (TEMPLATES["plano_de_contas"], CHART),
            (TEMPLATES["lancamentos"], JOURNAL),
            (TEMPLATES["extrato"], EXTRATO),
        ],
    )


def run_remote(request: dict) -> tuple[list[dict], dict]:
    """Conciliar as the xlwings server runs it: the actions of the response, and the next
    request of the same client after it applied them."""
    book = xw.Book(json=copy.deepcopy(request))
    given = {xw.Book: book}
    asyncio.run(
        custom_scripts_call(protocol.server_scripts(), "reconcile", typehint_to_value=given)
    )
    actions = book.json()["actions"]
    return actions, apply(request, actions)


def sheet_values(request: dict, name: str) -> list[list[object]]:
    return next(s["values"] for s in request["sheets"] if s["name"] == name)


def match_rows(grid: list[list[object]]) -> dict[str, list[object]]:
    """The first row of each proposed or confirmed pair (not the rejected ones), by its
    statement reference."""
    return {
        row[COL["Extrato"]]: row
        for row in grid
        if len(row) == len(HEADER)
        and str(row[0]).startswith("C")
        and row[COL["Status"]] not in ("", None, "rejeitada")
    }


def test_through_the_xlsx_file_the_sheet_links_the_ledger_and_keeps_decisions(workbook):
    book = open_workbook(workbook)
    result = macros.reconcile(XlsxWorkbook(book))
    book.save(workbook)
    assert result.account == "1.1.02"  # the chart's only bank account
    # the sale and the fee match; the TED of 12/03 has no ledger line
    assert result.matching.unmatched_statement == ["Extrato bancário!4"]
    book = open_workbook(workbook)
    assert book.sheetnames[0] == SHEET
    sheet = book[SHEET]
    grid = [list(r) for r in sheet.iter_rows(values_only=True)]
    pairs = match_rows(grid)
    assert set(pairs) == {"Extrato bancário!2", "Extrato bancário!3"}
    fee = pairs["Extrato bancário!3"]
    assert fee[COL["Razão"]] == "Lançamentos!4"
    assert fee[COL["Histórico no razão"]] == '\'=HYPERLINK("http://x","{0}")'
    assert fee[COL["Valor razão"]] == -30
    row = grid.index(fee) + 1
    link = sheet.cell(row, COL["Razão"] + 1).hyperlink
    assert link.location == "'Lançamentos'!F4"
    # the person rejects the fee's pair; the next run keeps it rejected
    sheet.cell(row, COL["Decisão"] + 1).value = "rejeitar"
    book.save(workbook)
    book = open_workbook(workbook)
    again = macros.reconcile(XlsxWorkbook(book))
    assert [m.statement for m in again.matching.matches] == [("Extrato bancário!2",)]
    assert [d.statement for d in again.rejected] == [("Extrato bancário!3",)]


@pytest.mark.parametrize("client", CLIENTS)
def test_through_the_remote_engine_on_every_client(workbook, client):
    request = payload(workbook, client)
    actions, after = run_remote(request)
    assert {a["func"] for a in actions} <= BASIC_ACTIONS | {"addNote", "setSheetVisibility"}
    assert after["sheets"][0]["name"] == SHEET
    grid = sheet_values(after, SHEET)
    pairs = match_rows(grid)
    assert set(pairs) == {"Extrato bancário!2", "Extrato bancário!3"}
    assert pairs["Extrato bancário!2"][COL["Valor extrato"]] == 500
    # every client here takes links to cells
    assert ("Conciliação", f"K{grid.index(pairs['Extrato bancário!2']) + 1}") in after["_links"]
    # the person confirms the sale's pair (typed into the sheet the next request carries)
    pairs["Extrato bancário!2"][COL["Decisão"]] = "Confirmar"
    _, again = run_remote(after)
    statuses = {
        r[COL["Extrato"]]: r[COL["Status"]] for r in match_rows(sheet_values(again, SHEET)).values()
    }
    assert statuses["Extrato bancário!2"] == "confirmada"


def test_without_an_extrato_sheet_the_user_is_told(tmp_path):
    path = render_workbook(
        tmp_path / "livro.xlsx",
        [(TEMPLATES["plano_de_contas"], CHART), (TEMPLATES["lancamentos"], JOURNAL)],
    )
    book = open_workbook(path)
    assert macros.reconcile(XlsxWorkbook(book)) is None
    assert "nenhuma aba “Extrato bancário”" in book[MESSAGE_SHEET]["A1"].value
    # VBA has a message box
    actions, _ = run_remote(payload(path, VBA))
    (alert,) = [a for a in actions if a["func"] == "alert"]
    assert "Extrato bancário" in alert["args"][0]


def test_when_the_chart_cannot_tell_the_account_the_sheet_asks_for_it(tmp_path):
    chart = [*CHART, ["1.1.03", "Banco Itaú", "Ativo", "Devedora", "Sim"]]
    path = render_workbook(
        tmp_path / "empresa.xlsx",
        [
            (TEMPLATES["plano_de_contas"], chart),
            (TEMPLATES["lancamentos"], JOURNAL),
            (TEMPLATES["extrato"], EXTRATO),
        ],
    )
    request = payload(path, OFFICE_JS)
    _, after = run_remote(request)
    grid = sheet_values(after, SHEET)
    assert grid[1][0] == "Conta contábil"
    assert "1.1.02, 1.1.03" in grid[2][0]
    # the person writes the account into the cell next to the label, and runs it again
    grid[1][COL["Decisão"]] = "1.1.02"
    _, again = run_remote(after)
    assert set(match_rows(sheet_values(again, SHEET))) == {
        "Extrato bancário!2",
        "Extrato bancário!3",
    }


def test_hostile_sheet_names_and_descriptions_stay_text_and_decisions_still_hold(workbook):
    request = payload(workbook, OFFICE_JS)
    journal = next(s for s in request["sheets"] if s["name"] == "Lançamentos")
    journal["name"] = "=Lanç{0}"  # a sheet name may begin with "=" and hold braces
    _, after = run_remote(request)
    grid = sheet_values(after, SHEET)
    pairs = match_rows(grid)
    fee = pairs["Extrato bancário!3"]
    assert fee[COL["Razão"]] == "'=Lanç{0}!4"
    assert fee[COL["Histórico no razão"]] == '\'=HYPERLINK("http://x","{0}")'
    row = grid.index(fee) + 1
    assert after["_links"][(SHEET, f"K{row}")] == "#'=Lanç{0}'!F4"
    fee[COL["Decisão"]] = "REJEITAR"
    _, again = run_remote(after)
    assert set(match_rows(sheet_values(again, SHEET))) == {"Extrato bancário!2"}
    rejected = [
        r for r in sheet_values(again, SHEET) if len(r) > 1 and r[COL["Status"]] == "rejeitada"
    ]
    assert [r[COL["Razão"]] for r in rejected] == ["'=Lanç{0}!4"]
