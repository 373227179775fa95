"""read_table_columns: a sheet already in columns (pyarrow's CSV reader gives Arrow text) is
read as the same sheet given in rows: header found below a title, blank and Total rows left
out, every finding at its true cell."""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa

from retaguarda.templates.files import read_workbook
from retaguarda.templates.reader import read_table, read_table_columns, read_tables
from retaguarda.templates.validate import Options, validate_tables

OPTIONS = Options(today=date(2026, 4, 30), closed_until=date(2025, 12, 31))

#: A journal as a person types it: a title, the header in row 2, a blank row, a Total row.
#: Row 4 has a CNPJ with a wrong check digit (…-82, the right one is …-81), row 6 no value.
ROWS = [
    ["Lançamentos de março", "", "", "", "", "", ""],
    ["Data", "Histórico", "Conta débito", "Conta crédito", "Valor", "CPF/CNPJ", "Minha nota"],
    ["05/03/2026", "Venda", "1.1.02", "3.1.01", "R$ 1.234,56", "11.222.333/0001-81", "ok"],
    ["06/03/2026", "Compra", "4.1.03", "1.1.02", "10,50", "11.222.333/0001-82", ""],
    ["", "", "", "", "", "", ""],
    ["07/03/2026", "Frete", "4.1.03", "1.1.02", "", "", ""],
    ["Total", "", "", "", "1.245,06", "", ""],
]


def arrow_columns(rows: list[list[str]]) -> list[pa.Array]:
    return [pa.array(list(column), pa.string()) for column in zip(*rows, strict=True)]


def found(table) -> list[tuple[str, str]]:
    return [(i.cell, i.code) for i in validate_tables([table], OPTIONS) if i.cell]


def test_arrow_text_columns_are_read_with_true_positions():
    table = read_table_columns(arrow_columns(ROWS), sheet="Lançamentos")
    assert table is not None
    assert table.template.id == "lancamentos"
    assert table.header_row == 2
    assert table.rows.tolist() == [3, 4, 6]  # the blank row and the Total row left out
    assert table.letters["valor"] == "E"
    assert table.letters["cpf_cnpj"] == "F"
    # R$ 1.234,56 and 10,50 in cents, read from the text as typed
    assert table.data["valor"].tolist()[:2] == [123456, 1050]
    assert table.data["data"].tolist()[0].date() == date(2026, 3, 5)
    assert found(table) == [("F4", "cpf_cnpj.check_digit"), ("E6", "cell.required")]


def test_columns_and_rows_of_the_same_sheet_give_the_same_findings():
    by_rows = read_table(ROWS, sheet="Lançamentos")
    by_columns = read_table_columns(arrow_columns(ROWS), sheet="Lançamentos")
    assert by_rows is not None
    assert by_columns is not None
    assert validate_tables([by_columns], OPTIONS) == validate_tables([by_rows], OPTIONS)
    assert by_columns.raw.astype(object).fillna("").values.tolist() == (
        by_rows.raw.astype(object).fillna("").values.tolist()
    )


def test_a_table_from_column_c_keeps_its_letters():
    table = read_table_columns(arrow_columns(ROWS), sheet="Lançamentos", first_col=3)
    assert table is not None
    assert found(table) == [("H4", "cpf_cnpj.check_digit"), ("G6", "cell.required")]


def test_a_null_is_an_empty_cell():
    columns = arrow_columns(ROWS)
    values = columns[4].to_pylist()
    values[2] = None  # the first data row's Valor
    columns[4] = pa.array(values, pa.string())
    table = read_table_columns(columns, sheet="Lançamentos")
    assert table is not None
    assert ("E3", "cell.required") in found(table)


def test_object_columns_beside_arrow_text():
    """A reader may hand typed cells (a number, a date) in object arrays beside Arrow text."""
    columns: list[object] = arrow_columns(ROWS)
    values = columns[4].to_pylist()
    values[2] = 1234.56  # a number cell, as calamine gives it
    columns[4] = np.array(values, dtype=object)
    dates = columns[0].to_pylist()
    dates[3] = date(2026, 3, 6)  # a date cell
    columns[0] = np.array(dates, dtype=object)
    table = read_table_columns(columns, sheet="Lançamentos")
    assert table is not None
    assert table.data["valor"].tolist()[:2] == [123456, 1050]
    assert table.raw["valor"].tolist()[0] == "R$ 1.234,56"  # as the sheet shows the number
    assert table.data["data"].tolist()[1].date() == date(2026, 3, 6)
    assert found(table) == [("F4", "cpf_cnpj.check_digit"), ("E6", "cell.required")]


def test_ragged_rows_are_read_as_if_padded_with_empty_cells():
    """gspread leaves out a row's trailing empty cells."""
    ragged = [[cell for cell in row] for row in ROWS]
    ragged[3] = ragged[3][:6]
    ragged[4] = []
    table = read_table(ragged, sheet="Lançamentos")
    assert table is not None
    assert table.rows.tolist() == [3, 4, 6]
    assert found(table) == [("F4", "cpf_cnpj.check_digit"), ("E6", "cell.required")]


def test_row_ids_in_a_text_column_are_trimmed_and_empty_ones_are_none():
    rows = [[*row[:6], "ID"] if i == 1 else [*row[:6], ""] for i, row in enumerate(ROWS)]
    rows[2][6], rows[3][6], rows[5][6] = " r-1 ", "\u00a0", "r-3"
    table = read_table_columns(arrow_columns(rows), sheet="Lançamentos")
    assert table is not None
    assert table.ids.tolist() == ["r-1", None, "r-3"]
    assert table.id_column == 7  # column G


def test_a_wide_sheet_is_read_like_a_narrow_one():
    """A sheet with hundreds of columns of its own (read one column at a time) is read as the
    same sheet without them."""
    wide = [[*row, *[""] * 150, "minha"] for row in ROWS]
    table = read_table(wide, sheet="Lançamentos")
    assert table is not None
    assert table.rows.tolist() == [3, 4, 6]
    assert found(table) == [("F4", "cpf_cnpj.check_digit"), ("E6", "cell.required")]


def test_a_csv_is_read_into_tables_from_its_columns(tmp_path):
    """pyarrow reads a CSV into text columns; the tables come from them, and the rows (a
    Python object per cell, which cost seconds and hundreds of MB on a big file) are never
    made."""
    path = tmp_path / "lancamentos.csv"
    path.write_text("\n".join(";".join(row) for row in ROWS) + "\n", encoding="utf-8")
    workbook = read_workbook(path)
    (sheet,) = workbook.sheets
    assert sheet.columns is not None  # read by pyarrow, not by the csv module
    (table,) = read_tables(workbook)
    assert table.rows.tolist() == [3, 4, 6]
    assert found(table) == [("F4", "cpf_cnpj.check_digit"), ("E6", "cell.required")]
    assert sheet._rows is None  # ColumnSheet makes its rows only when asked
