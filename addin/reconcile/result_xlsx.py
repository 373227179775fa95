"""A reconciliation's sheets as a standalone .xlsx, for `--out`: the rows as the result gives
them (header first, user text already inert), numbers and dates typed, a frozen header,
each column as wide as what it shows, printed one page wide.

A value's type says its format, the templates' own (`column_rules.NUMBER_FORMATS`): a date is
dd/mm/aaaa, a Decimal with two places is money (R$), one with three a quantity, one with four a
unit cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from xlsxwriter.workbook import Workbook

from retaguarda.addin.marks import XLSXWRITER_AS_IS, inert
from retaguarda.addin.reconcile.xlsx_layout import (
    LINE_HEIGHT,
    TEXT,
    TOP,
    column_widths,
    header_alignment,
    lines,
    print_setup,
)
from retaguarda.templates.column_rules import NUMBER_FORMATS
from retaguarda.templates.model import SCALE, Kind

#: a Decimal's exponent (−places) → the kind whose format it takes
KINDS = {-SCALE[kind]: kind for kind in (Kind.MONEY, Kind.QUANTITY, Kind.UNIT_COST)}


def write_sheets(path: Path, sheets: Sequence[tuple[str, Sequence[Sequence[object]]]]) -> Path:
    """Write each (sheet name, rows) into a new workbook at `path`, replacing it."""
    book = Workbook(str(path), XLSXWRITER_AS_IS)
    try:
        bold = {
            align: book.add_format({"bold": True, "bg_color": "#DDEBF7", **TEXT, "align": align})
            for align in ("left", "center", "right")
        }
        plain = book.add_format(TEXT)
        number = book.add_format(TOP)
        wrap = book.add_format({"text_wrap": True, **TEXT})
        formats = {
            key: book.add_format({"num_format": NUMBER_FORMATS[kind], **TOP})
            for key, kind in KINDS.items()
        }
        formats["date"] = book.add_format(
            {"num_format": NUMBER_FORMATS[Kind.DATE], "align": "center", **TOP}
        )
        for name, rows in sheets:
            sheet = book.add_worksheet(name[:31])
            widths = column_widths(rows)
            aligns = header_alignment(rows[1:])
            for c, width in widths.items():
                sheet.set_column(c, c, width)
            for r, row in enumerate(rows):
                height = 1
                for c, value in enumerate(row):
                    if r == 0:
                        sheet.write_string(r, c, inert(str(value)), bold[aligns.get(c, "left")])
                    elif value is None or value == "":
                        continue
                    elif isinstance(value, date):
                        sheet.write_datetime(r, c, value, formats["date"])
                    elif isinstance(value, Decimal):
                        exponent = value.as_tuple().exponent
                        sheet.write_number(r, c, value, formats.get(exponent, number))
                    elif isinstance(value, int | float):
                        sheet.write_number(r, c, value, number)
                    else:
                        text = str(value)
                        need = lines(text, widths[c])
                        height = max(height, need)
                        sheet.write_string(r, c, text, wrap if need > 1 else plain)
                if height > 1:
                    sheet.set_row(r, LINE_HEIGHT * height)
            sheet.freeze_panes(1, 0)
            print_setup(sheet, 1)
    finally:
        book.close()
    return path
