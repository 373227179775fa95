"""The reconciliation files `make demo` writes, as a reader opens or prints them: every value
shown whole (no "###", no period cut off), a long text wrapped in a taller row, and a print
setup that keeps the sheet one page wide with its header atop every page."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string

from retaguarda.addin.reconcile.result_xlsx import write_sheets
from retaguarda.sync.cli import main

SAMPLES = Path(__file__).parents[2] / "workbooks" / "samples"


def run(*args: object) -> None:
    result = CliRunner().invoke(main, ["reconcile", *map(str, args)])
    assert result.exit_code in (0, 1), result.output


def width(sheet, letter: str) -> float:
    """A column's width; openpyxl files neighbours of one width under the first's letter."""
    index = column_index_from_string(letter)
    for dim in sheet.column_dimensions.values():
        if dim.min <= index <= dim.max:
            return dim.width
    raise AssertionError(f"column {letter} has no width")


def assert_prints_one_page_wide(sheet, title_rows: str) -> None:
    setup = sheet.page_setup
    assert setup.orientation == "landscape"
    assert setup.paperSize == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert setup.fitToWidth in (None, 1)  # 1 is the default, left out of the file
    assert setup.fitToHeight == 0  # as many pages long as it takes
    assert sheet.print_title_rows == title_rows


@pytest.fixture(scope="module")
def bank(tmp_path_factory):
    out = tmp_path_factory.mktemp("bank") / "conciliacao_matriz.xlsx"
    run(
        "bank",
        "--statement",
        SAMPLES / "extrato_matriz.ofx",
        "--ledger",
        SAMPLES / "matriz.xlsx",
        "--account",
        "1.1.02",
        "--out",
        out,
    )
    return load_workbook(out).active


def test_the_bank_sheet_prints_one_page_wide_with_its_header_on_every_page(bank):
    assert bank["A11"].value == "ID"
    assert_prints_one_page_wide(bank, "$11:$11")


def test_the_bank_sheet_shows_the_period_and_the_largest_amounts_whole(bank):
    assert bank["A4"].value == "Período do extrato"
    assert bank["D4"].value == "02/10/2026 a 29/10/2026"
    assert width(bank, "D") >= len("02/10/2026 a 29/10/2026")  # 23
    # the widest amounts of the sample statement and ledger, as Excel shows them
    amounts = [bank[f"I{r}"].value for r in range(12, bank.max_row + 1)]
    assert -20000 in amounts
    for letter in "IM":  # Valor extrato, Valor razão
        assert width(bank, letter) >= len("-R$ 20.000,00")  # 13
    assert width(bank, "F") >= len("dd/mm/aaaa") + 2  # a date clear of the reference beside it


def test_a_long_history_wraps_in_a_taller_row_instead_of_being_cut(bank):
    long = "Recebimento de cliente NF 2532 - Construtora Pedra Forte S.A. (RC-MAT-001)"
    rows = [r for r in range(12, bank.max_row + 1) if bank[f"L{r}"].value == long]
    assert rows, "the sample's longest history is in the sheet"
    cell = bank[f"L{rows[0]}"]
    assert cell.alignment.wrap_text
    assert bank.row_dimensions[rows[0]].height == 30  # two lines of 15 points
    assert width(bank, "L") < len(long)


def test_the_payroll_sheet_shows_its_money_whole(tmp_path):
    out = tmp_path / "conciliacao_folha.xlsx"
    run(
        "payroll",
        SAMPLES / "matriz.xlsx",
        "--month",
        "09/2026",
        "--statement",
        SAMPLES / "extrato_matriz.ofx",
        "--out",
        out,
    )
    sheet = load_workbook(out).active
    assert [c.value for c in sheet[1]][3:6] == ["Líquido", "Pago", "Diferença"]
    for letter in "DE":
        assert width(sheet, letter) >= len("R$ 7.707,13")  # 11, the widest net pay
    assert width(sheet, "F") >= len("-R$ 150,00")  # 10
    assert_prints_one_page_wide(sheet, "$1:$1")


def test_a_text_longer_than_a_column_holds_wraps_and_short_columns_fit(tmp_path):
    reason = "palavra " * 15  # 120 characters, two lines in a column capped at 60
    out = write_sheets(
        tmp_path / "r.xlsx",
        [("Folha", [["Nome", "Líquido", "Motivo"], ["Ana", Decimal("-12345.67"), reason]])],
    )
    sheet = load_workbook(out).active
    assert width(sheet, "B") >= len("-R$ 12.345,67")  # 13
    assert width(sheet, "C") <= 61  # 60 and the file's own padding
    assert sheet["C2"].alignment.wrap_text
    assert sheet.row_dimensions[2].height == 30
    assert not sheet["A2"].alignment.wrap_text
