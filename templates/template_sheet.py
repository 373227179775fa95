"""One template as a sheet of an .xlsx: its header as an Excel table, every column's format,
note and data-validation rule, and the given rows, each value in the cell type its column
needs; plus the formats a rendered workbook shares (`Styles`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from decimal import Decimal

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from retaguarda.templates.column_rules import (
    DATE_KINDS,
    NUMBER_FORMATS,
    NUMERIC_KINDS,
    TEXT_FORMAT,
    note,
    validation,
)
from retaguarda.templates.model import ROW_ID_HEADER, Column, Kind, Template
from retaguarda.templates.text_metrics import column_width, header_height

#: Dropdowns and checks reach this sheet row, or further when the data does (see `last_row`).
VALIDATED_ROWS = 1000
SPARE_ROWS = 500
TABLE_STYLE = "Table Style Medium 2"

REQUIRED_FILL = "#1F4E78"
OPTIONAL_FILL = "#5B86B5"


class Styles:
    """The formats a workbook shares: xlsxwriter wants one Format object per look."""

    def __init__(self, workbook: Workbook) -> None:
        header = {
            "bold": True,
            "font_color": "#FFFFFF",
            "text_wrap": True,
            "align": "center",
            "valign": "vcenter",
            "border": 1,
            "border_color": "#FFFFFF",
        }
        self.header = {
            True: workbook.add_format({**header, "bg_color": REQUIRED_FILL}),
            False: workbook.add_format({**header, "bg_color": OPTIONAL_FILL}),
        }
        self.columns = {
            kind: workbook.add_format({"num_format": NUMBER_FORMATS.get(kind, TEXT_FORMAT)})
            for kind in Kind
        }
        self.title = workbook.add_format({"bold": True, "font_size": 14, "font_color": "#1F4E78"})
        self.section = workbook.add_format(
            {"bold": True, "font_size": 12, "font_color": "#1F4E78", "bottom": 1}
        )
        self.bold = workbook.add_format({"bold": True})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.wrap_bold = workbook.add_format({"text_wrap": True, "valign": "top", "bold": True})
        self.plain = workbook.add_format({"valign": "top"})

    def column(self, column: Column) -> Format:
        return self.columns[column.kind]


def write_sheet(
    sheet: Worksheet,
    styles: Styles,
    template: Template,
    rows: Sequence[Sequence[object]],
    *,
    top: int = 0,
) -> None:
    """One template sheet, its header on row `top` (0-based).

    Formats and checks cover empty rows too: users type below the data.
    """
    columns = template.columns
    id_col = len(columns)  # the hidden row identity, inside the table so it sorts along
    last_col = id_col
    last = top + last_row(len(rows))
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column_width(column), styles.column(column))
    sheet.set_column(id_col, id_col, 14, styles.columns[Kind.TEXT], {"hidden": True})
    sheet.set_row(top, header_height(columns))
    sheet.freeze_panes(top + 1, 0)
    sheet.add_table(
        top,
        0,
        top + max(len(rows), 1),
        last_col,
        {
            "name": f"tbl_{template.id}",
            "style": TABLE_STYLE,
            "columns": [
                {
                    "header": column.header,
                    "header_format": styles.header[column.required],
                    "format": styles.column(column),
                }
                for column in columns
            ]
            + [
                {
                    "header": ROW_ID_HEADER,
                    "header_format": styles.header[False],
                    "format": styles.columns[Kind.TEXT],
                }
            ],
        },
    )
    for index, column in enumerate(columns):
        sheet.write_comment(
            top,
            index,
            note(column),
            {"author": "Retaguarda", "x_scale": 2.2, "y_scale": 1.2},
        )
        sheet.data_validation(top + 1, index, last - 1, index, validation(template, column))
    text_columns = " ".join(
        f"{xl_col_to_name(i)}{top + 2}:{xl_col_to_name(i)}{last}"
        for i, column in enumerate(columns)
        if column.kind not in NUMERIC_KINDS | DATE_KINDS
    )
    if text_columns:
        # Codes typed as text (CNPJ, contas) are meant to be text: no green triangles.
        sheet.ignore_errors({"number_stored_as_text": text_columns})

    for r, row in enumerate(rows, start=top + 1):
        if len(row) > len(columns):
            raise ValueError(
                f"{template.sheet}: a linha {r + 1} tem {len(row)} valores; "
                f"o modelo tem {len(columns)} colunas"
            )
        for c, value in enumerate(row):
            _write_value(sheet, r, c, columns[c], value, styles.column(columns[c]))

    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(top)
    sheet.set_footer("&L&A&R&P / &N")


def _write_value(
    sheet: Worksheet, row: int, col: int, column: Column, value: object, fmt: Format
) -> None:
    """A value with the cell type its column needs; anything else stays text as typed."""
    if value is None or value == "":
        return
    if column.kind in NUMERIC_KINDS and _is_number(value):
        # the .xlsx format has no decimal type: a number cell is a double, here and only here
        sheet.write_number(row, col, float(value), fmt)
    elif column.kind in DATE_KINDS and isinstance(value, dt.date):
        sheet.write_datetime(row, col, value, fmt)
    else:
        sheet.write_string(row, col, str(value), fmt)


def _is_number(value: object) -> bool:
    # bool is an int to Python, not a number to a spreadsheet user.
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    return math.isfinite(value)


def last_row(data_rows: int) -> int:
    """The last sheet row (1-based) that gets checks: row 1000, or well past the data."""
    return max(VALIDATED_ROWS, 1 + data_rows + SPARE_ROWS)
