"""The same macros on the .xlsx file adapter, where fills and notes can be read back."""

from __future__ import annotations

from datetime import date

from openpyxl import load_workbook
from openpyxl.styles import PatternFill

from retaguarda.addin import macros
from retaguarda.addin.xlsx_file import XlsxWorkbook
from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.model import PENDING_SHEET
from retaguarda.templates.render import render_workbook
from retaguarda.templates.validate import Options

CHART = [
    ["1.1.02", "Bancos", "Ativo", "Devedora", "Sim"],
    ["3.1.01", "Receita de vendas", "Receita", "Credora", "Sim"],
]
GOOD = [date(2026, 3, 5), "NF-1", "Venda", "1.1.02", "3.1.01", "10,00"]
BAD = [date(2026, 3, 6), "NF-2", "Venda", "9.9.99", "3.1.01", "10,00"]
OPTIONS = Options(today=date(2026, 11, 25))


def test_validate_again_after_a_fix_and_clear_leave_the_users_formatting(tmp_path):
    path = render_workbook(
        tmp_path / "l.xlsx",
        [(TEMPLATES["plano_de_contas"], CHART), (TEMPLATES["lancamentos"], [GOOD, BAD])],
    )
    book = load_workbook(path)
    ledger = book["Lançamentos"]
    ledger["A2"].fill = PatternFill(fill_type="solid", start_color="00B0F0", end_color="00B0F0")
    port = XlsxWorkbook(book)
    macros.validate_workbook(port, OPTIONS)
    assert ledger["D3"].fill.fgColor.rgb.endswith("FFC7CE")
    assert "não existe no Plano de contas" in ledger["D3"].comment.text
    assert book[macros.MARKS_SHEET].sheet_state == "hidden"

    ledger["D3"] = "1.1.02"  # the user fixes the account
    macros.validate_workbook(port, OPTIONS)
    assert ledger["D3"].fill.fill_type is None
    assert ledger["D3"].comment is None
    assert [r[0] for r in book[PENDING_SHEET].iter_rows(min_row=2, values_only=True)] == [
        "Nenhuma pendência encontrada."
    ]

    macros.clear_marks(port)
    assert PENDING_SHEET not in book.sheetnames
    assert macros.MARKS_SHEET not in book.sheetnames
    assert ledger["A2"].fill.fgColor.rgb.endswith("00B0F0")  # the user's own fill stays
