"""The `extrato` template sheet as a statement, and bank exports that are workbooks (even
named .csv): refs "Sheet!row", each line's value cell, the balance column's proof."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from conftest import table_of
from openpyxl import Workbook

from retaguarda.addin.reconcile.statements import read_statement, statement_from_table

SHEET = "Extrato bancário"


def test_the_extrato_sheet_gives_lines_cells_balances_and_its_reading_issues():
    table = table_of(
        "extrato",
        ["01/03/2026", "Saldo anterior", "", "", "1.000,00", "341", "56789-1"],  # row 2
        ["02/03/2026", "PIX RECEBIDO", "NF 12", "300,00", "1.300,00"],  # row 3
        ["03/03/2026", "TARIFA", "", "dez", "1.290,00"],  # row 4: the amount does not read
        ["04/03/2026", "TARIFA", "", "-10,00", "1.290,00"],  # row 5
    )
    statement = statement_from_table(table)
    frame = statement.lines
    assert list(frame["ref"]) == [f"{SHEET}!3", f"{SHEET}!5"]
    assert list(frame["cell"]) == [f"{SHEET}!D3", f"{SHEET}!D5"]  # Valor is column D
    assert [d.date() for d in frame["date"]] == [dt.date(2026, 3, 2), dt.date(2026, 3, 4)]
    assert list(frame["cents"]) == [30000, -1000]
    assert list(frame["document"]) == ["NF 12", ""]
    # the "Saldo anterior" row: 1.000,00; 1.000,00 + 300,00 − 10,00 = 1.290,00 on row 5
    assert (statement.opening, statement.closing) == (Decimal("1000.00"), Decimal("1290.00"))
    assert (statement.bank, statement.account) == ("341", "56789-1")
    assert [(w.code, w.cell, w.row) for w in statement.warnings] == [
        ("number.invalid", "D4", 4),
        ("statement.balance_row", "", 2),
    ]


def test_a_balance_column_that_jumps_leaves_a_gap():
    table = table_of(
        "extrato",
        ["02/03/2026", "PIX RECEBIDO", "", "300,00", "1.300,00"],  # 1.000,00 before it
        ["03/03/2026", "TARIFA", "", "-10,00", "1.250,00"],  # 1.290,00 expected
    )
    statement = statement_from_table(table)
    assert statement.gap() == Decimal("-40.00")  # 1.250,00 − (1.000,00 + 300,00 − 10,00)
    assert [(w.code, w.row) for w in statement.warnings] == [
        ("statement.balance_jump", 3),
        ("statement.unbalanced", None),
    ]
    assert "em R$ 40,00" in statement.warnings[1].message


def test_a_sheet_without_balances_is_not_proved_but_says_so():
    statement = statement_from_table(table_of("extrato", ["02/03/2026", "PIX", "", "300,00"]))
    assert (statement.opening, statement.closing) == (None, None)
    assert [w.code for w in statement.warnings] == ["statement.unproven"]
    assert statement.warnings[0].message.startswith("O extrato não informa o saldo final")


def workbook(path, title: str, rows: list[list[object]]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_a_workbook_named_csv_is_read_as_the_workbook_it_is(tmp_path):
    path = tmp_path / "extrato.csv"
    workbook(
        path,
        SHEET,
        [
            ["Data", "Descrição", "Documento", "Valor", "Saldo"],
            [dt.datetime(2026, 3, 2), "PIX RECEBIDO", "", 300, 1300],
            [dt.datetime(2026, 3, 3), "TARIFA", "", -10.5, 1289.5],
        ],
    )
    statement = read_statement(path)
    assert list(statement.lines["ref"]) == [f"{SHEET}!2", f"{SHEET}!3"]
    assert list(statement.lines["cents"]) == [30000, -1050]
    assert (statement.opening, statement.closing) == (Decimal("1000.00"), Decimal("1289.50"))
    assert statement.warnings == []


def test_a_banks_own_workbook_is_read_through_its_guessed_mapping(tmp_path):
    path = tmp_path / "Extrato_Bradesco.xlsx"
    workbook(
        path,
        "Extrato",
        [
            ["Bradesco - Extrato Mensal"],
            [],
            ["Data", "Lançamento", "Dcto.", "Crédito (R$)", "Débito (R$)", "Saldo (R$)"],
            ["02/03/2026", "TRANSF RECEBIDA", "77", "1.000,00", "", "1.500,00"],  # row 4
            ["03/03/2026", "PAGTO BOLETO", "", "", "250,00", "1.250,00"],  # row 5
        ],
    )
    statement = read_statement(path)
    assert list(statement.lines["ref"]) == ["Extrato!4", "Extrato!5"]
    assert list(statement.lines["cents"]) == [100000, -25000]
    # the cell of each line's amount: Crédito (D) or Débito (E)
    assert list(statement.lines["cell"]) == ["Extrato!D4", "Extrato!E5"]
    assert list(statement.lines["document"]) == ["77", ""]
    # 1.500,00 − 1.000,00 = 500,00 before; 500,00 + 1.000,00 − 250,00 = 1.250,00
    assert (statement.opening, statement.closing) == (Decimal("500.00"), Decimal("1250.00"))
    assert statement.warnings == []


def test_a_sheet_name_with_a_slash_is_kept_whole_in_the_warnings():
    table = table_of("extrato", ["02/03/2026", "PIX", "", "300,00"])
    table.sheet = "Extrato 03/2026"
    statement = statement_from_table(table)
    assert list(statement.lines["ref"]) == ["Extrato 03/2026!2"]
    assert [(w.sheet, w.file) for w in statement.warnings] == [("Extrato 03/2026", "")]
