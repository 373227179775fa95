"""Calcular folha, the macro: the same code on an .xlsx file (openpyxl) and on xlwings' remote
engine, fed the requests each client sends.

Figures worked out by hand for a salary of 3.000,00 in 03/2026: INSS 1.621,00 × 7,5% +
(2.902,84 − 1.621,00) × 9% + (3.000,00 − 2.902,84) × 12% = 121,575 + 115,3656 + 11,6592 =
248,5998 → 248,60; IRRF 0,00 (taxable income up to 5.000,00 in 2026, Lei 15.270/2025); FGTS
3.000,00 × 8% = 240,00; net 3.000,00 − 248,60 − 0,00 = 2.751,40.
"""

from __future__ import annotations

import asyncio
import copy
from datetime import date
from decimal import Decimal

import pytest
import xlwings as xw
from payloads import CLIENTS, OFFICE_JS, VBA, apply, payload
from xlwings.server import custom_scripts_call

from retaguarda.addin import macros, protocol
from retaguarda.addin.payroll_sheet import MEMORY_SHEET
from retaguarda.addin.xlsx_file import XlsxWorkbook, open_workbook
from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.files import column_letter
from retaguarda.templates.model import MARKS_SHEET, MESSAGE_SHEET
from retaguarda.templates.render import render_workbook

FOLHA = TEMPLATES["folha"]
LETTER = {c.key: column_letter(i) for i, c in enumerate(FOLHA.columns)}
COLUMN = {c.key: i for i, c in enumerate(FOLHA.columns)}
RED = "FFC7CE"
INSS, IRRF, FGTS, NET = (f"{LETTER[k]}2" for k in ("inss", "irrf", "fgts", "liquido"))


def employee(**more: object) -> list[object]:
    values = {
        "competencia": date(2026, 3, 1),
        "matricula": "1001",
        "nome": "Ana Paula Ferreira",
        "cpf": "577.665.165-43",
        "pis": "174.56387.67-0",
        "admissao": date(2020, 2, 1),
        "salario_base": Decimal("3000.00"),
        **more,
    }
    return [values.get(c.key) for c in FOLHA.columns]


@pytest.fixture
def typed_inss(tmp_path):
    """One employee whose INSS was typed as 250,00 (the right figure is 248,60), the rest
    left empty."""
    return render_workbook(tmp_path / "folha.xlsx", [(FOLHA, [employee(inss=Decimal("250.00"))])])


def cents(value: object) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


# --- the .xlsx file port ---------------------------------------------------------------------


def test_file_fills_the_empty_cells_and_marks_the_typed_one(typed_inss):
    book = open_workbook(typed_inss)
    port = XlsxWorkbook(book)
    run = macros.payroll(port)
    assert run is not None
    sheet = book[FOLHA.sheet]
    assert sheet[INSS].value == 250  # typed: never overwritten
    assert sheet[IRRF].value == Decimal("0.00")
    assert sheet[FGTS].value == Decimal("240.00")
    assert sheet[NET].value == Decimal("2751.40")  # from the computed INSS, 248,60
    assert sheet[INSS].fill.start_color.rgb == f"FF{RED}"
    note = sheet[INSS].comment.text
    assert "INSS: INSS 250,00, mas o cálculo dá 248,60" in note
    assert "Sugestão: 248,60" in note
    assert [d.code for d in run.differences] == ["payroll.inss_mismatch"]
    assert book.sheetnames[0] == MEMORY_SHEET
    memory = [list(r) for r in book[MEMORY_SHEET].iter_rows(values_only=True)]
    assert memory[0][0] == "Memória de cálculo da folha"
    assert any(r[1] == Decimal("248.60") for r in memory)
    # recorded, so that Limpar marcações can undo it
    assert [r[:2] for r in book[MARKS_SHEET].iter_rows(values_only=True)][1:] == [
        (FOLHA.sheet, INSS)
    ]


def test_a_rerun_after_the_fix_unmarks_and_limpar_removes_the_rest(typed_inss):
    book = open_workbook(typed_inss)
    port = XlsxWorkbook(book)
    macros.payroll(port)
    book[FOLHA.sheet][INSS].value = Decimal("248.60")  # the clerk corrects it
    run = macros.payroll(port)
    assert run is not None
    assert run.differences == []
    assert run.complete
    assert book[FOLHA.sheet][INSS].fill.fill_type is None
    assert book[FOLHA.sheet][INSS].comment is None
    assert MARKS_SHEET not in book.sheetnames
    # an emptied cell is filled with the computed figure
    book[FOLHA.sheet][INSS].value = None
    macros.payroll(port)
    assert book[FOLHA.sheet][INSS].value == Decimal("248.60")
    # a wrong figure typed again is marked again; Limpar marcações takes the mark, not the value
    book[FOLHA.sheet][INSS].value = Decimal("1.00")
    macros.payroll(port)
    assert book[FOLHA.sheet][INSS].fill.start_color.rgb == f"FF{RED}"
    macros.clear_marks(port)
    assert book[FOLHA.sheet][INSS].fill.fill_type is None
    assert book[FOLHA.sheet][INSS].value == Decimal("1.00")


def test_a_note_of_the_user_s_own_stays(typed_inss):
    from openpyxl.comments import Comment

    book = open_workbook(typed_inss)
    book[FOLHA.sheet][INSS].comment = Comment("acordo judicial", "Maria")
    macros.payroll(XlsxWorkbook(book))
    assert book[FOLHA.sheet][INSS].comment.text == "acordo judicial"
    assert book[FOLHA.sheet][INSS].fill.start_color.rgb == f"FF{RED}"


def test_without_a_folha_sheet_the_file_gets_a_message(tmp_path):
    path = render_workbook(tmp_path / "razao.xlsx", [(TEMPLATES["plano_de_contas"], [])])
    book = open_workbook(path)
    assert macros.payroll(XlsxWorkbook(book)) is None
    message = book[MESSAGE_SHEET]["A1"].value
    assert message == (
        "Calcular folha: nenhuma aba Folha de pagamento nesta pasta (confira os cabeçalhos)."
    )


# --- xlwings' remote engine, as the clients call it ------------------------------------------


def run_remote(request: dict) -> tuple[list[dict], dict]:
    book = xw.Book(json=copy.deepcopy(request))
    asyncio.run(
        custom_scripts_call(protocol.server_scripts(), "payroll", typehint_to_value={xw.Book: book})
    )
    actions = book.json()["actions"]
    return actions, apply(request, actions)


def values(request: dict, sheet: str) -> list[list[object]]:
    return next(s["values"] for s in request["sheets"] if s["name"] == sheet)


@pytest.mark.parametrize("client", CLIENTS)
def test_remote_clients_get_the_same_figures_and_marks(typed_inss, client):
    request = payload(typed_inss, client)
    actions, after = run_remote(request)
    grid = values(after, FOLHA.sheet)
    row = grid[1]
    assert row[COLUMN["inss"]] == 250  # typed: left alone
    assert [cents(row[COLUMN[k]]) for k in ("irrf", "fgts", "liquido")] == [
        Decimal("0.00"),
        Decimal("240.00"),
        Decimal("2751.40"),
    ]
    assert after["_fills"] == {(FOLHA.sheet, INSS): f"#{RED}"}
    # the folha is written before any sheet is added: the positions of the request hold
    folha_position = [s["name"] for s in request["sheets"]].index(FOLHA.sheet)
    first_added = next(n for n, a in enumerate(actions) if a["func"] == "addSheet")
    writes = [
        a
        for a in actions[:first_added]
        if a["func"] == "setValues" and a["sheet_position"] == folha_position
    ]
    assert [len(w["values"][0]) for w in writes] == [3]  # IRRF, FGTS, Líquido side by side
    assert after["sheets"][0]["name"] == MEMORY_SHEET
    memory = values(after, MEMORY_SHEET)
    assert memory[0][0] == "Memória de cálculo da folha"
    assert any(r[0] == "Item" for r in memory)
    assert any(cents(r[1]) == Decimal("248.60") for r in memory if isinstance(r[1], float | int))
    if client == OFFICE_JS:  # the one client that shows notes
        notes = [a for a in actions if a["func"] == "addNote"]
        assert len(notes) == 1
        assert "mas o cálculo dá 248,60" in notes[0]["args"][1]


@pytest.mark.parametrize("client", CLIENTS)
def test_remote_without_a_folha_says_so_in_portuguese(tmp_path, client):
    path = render_workbook(tmp_path / "razao.xlsx", [(TEMPLATES["plano_de_contas"], [])])
    actions, _after = run_remote(payload(path, client))
    if client == VBA:
        (alert,) = actions
        assert alert["func"] == "alert"
        assert "nenhuma aba Folha de pagamento" in alert["args"][0]
    else:
        assert [a["func"] for a in actions] == ["addSheet", "setValues"]
        assert "nenhuma aba Folha de pagamento" in actions[1]["values"][0][0]
