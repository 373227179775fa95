"""Amounts and dates as a user meets them: a sheet typed and validated, issues at their cells."""

from __future__ import annotations

from datetime import date

from conftest import TODAY, table_of

from retaguarda.templates.files import read_workbook
from retaguarda.templates.reader import read_tables
from retaguarda.templates.validate import Options, validate_paths, validate_tables

OPTIONS = Options(today=TODAY, closed_until=date(2025, 12, 31))


def ledger_row(valor: object = "R$ 1.234,56", data: object = "05/03/2026", doc: str = "NF-1"):
    return [data, doc, "Venda", "1.1.02", "3.1.01", valor, "", "11.222.333/0001-81", ""]


def test_an_amount_with_more_decimals_is_rounded_and_warned(chart):
    sheet = table_of("lancamentos", ledger_row("0,005"), ledger_row("1.234,56-", doc="NF-2"))
    issues = validate_tables([chart, sheet], OPTIONS)
    assert [(i.cell, i.code, i.severity, i.suggestion) for i in issues] == [
        ("F2", "number.rounded", "warning", "R$ 0,01"),  # half a cent rounds up
        ("F3", "number.negative", "error", ""),  # the trailing minus is read: -1.234,56
    ]
    assert sheet.data["valor"].tolist() == [1, -123456]


def test_dates_typed_month_first_and_digits_in_a_date_column(chart):
    sheet = table_of(
        "lancamentos",
        ledger_row(data="12/25/2025"),  # row 2: no month 25, typed month first
        ledger_row(data="02/03/2026", doc="NF-2"),  # row 3: 2 March, or 3 February?
        ledger_row(data="2026", doc="NF-3"),  # row 4: a year is not a date
        ledger_row(data="15/01/2026", doc="NF-4"),  # row 5: only one reading
    )
    issues = validate_tables([chart, sheet], OPTIONS)
    assert [(i.cell, i.code, i.suggestion) for i in issues] == [
        ("A2", "date.invalid", "25/12/2025"),
        ("A3", "date.ambiguous", "02/03/2026"),
        ("A4", "date.invalid", ""),
    ]


def test_a_bank_statement_csv_as_banks_export_it(tmp_path):
    """A real file through the real reader: trailing minus, D/C, thin spaces, boleto codes."""
    path = tmp_path / "extrato.csv"
    path.write_text(
        "Data;Descrição;Documento;Valor;Saldo;Banco;Conta\n"
        "05/03/2026;Fornecedor;1;1.234,56-;10.000,00;341-7;12345-6\n"
        "05/03/2026;Tarifa;2;150,00 D;9.850,00;001-9;12345-X\n"
        "06/03/2026;Depósito;3;1\u2009234,56 C;11.084,56;748-X;98765\u20130\n"
        "2026-03-06T01:30:00Z;PIX;4;0,005;11.084,57;341-8;12.345-6\n",
        encoding="utf-8",
    )
    report = validate_paths([path], OPTIONS)
    assert [(i.cell, i.code) for i in report.issues] == [
        ("D5", "number.rounded"),
        ("F5", "bank.check_digit"),
    ]
    (table,) = read_tables(read_workbook(path))
    assert table.data["valor"].tolist() == [-123456, -15000, 123456, 1]
    # 01:30 UTC on the 6th is 22:30 of the 5th in Brasília (UTC-3)
    assert table.data["data"].dt.day.tolist() == [5, 5, 6, 5]
