"""A reconciliation's sheets as a standalone .xlsx, for `--out`: the rows as the result gives
them (header first, user text already inert), numbers and dates typed, a frozen header.

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

from retaguarda.addin.marks import inert
from retaguarda.templates.column_rules import NUMBER_FORMATS
from retaguarda.templates.model import SCALE, Kind

#: a Decimal's exponent (−places) → the kind whose format it takes
KINDS = {-SCALE[kind]: kind for kind in (Kind.MONEY, Kind.QUANTITY, Kind.UNIT_COST)}
#: a column this wide holds most of what it shows; longer text wraps past it in the cell
MAX_WIDTH = 60


def write_sheets(path: Path, sheets: Sequence[tuple[str, Sequence[Sequence[object]]]]) -> Path:
    """Write each (sheet name, rows) into a new workbook at `path`, replacing it."""
    book = Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    try:
        bold = book.add_format({"bold": True, "bg_color": "#DDEBF7"})
        formats = {
            key: book.add_format({"num_format": NUMBER_FORMATS[kind]})
            for key, kind in (*KINDS.items(), ("date", Kind.DATE))
        }
        for name, rows in sheets:
            sheet = book.add_worksheet(name[:31])
            widths: dict[int, int] = {}
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    widths[c] = max(widths.get(c, 8), min(len(_shown(value)) + 2, MAX_WIDTH))
                    if r == 0:
                        sheet.write_string(r, c, inert(str(value)), bold)
                    elif value is None or value == "":
                        continue
                    elif isinstance(value, date):
                        sheet.write_datetime(r, c, value, formats["date"])
                    elif isinstance(value, Decimal):
                        # a cell holds a double: exact to the places the format shows
                        exponent = value.as_tuple().exponent
                        sheet.write_number(r, c, float(value), formats.get(exponent))
                    elif isinstance(value, int | float):
                        sheet.write_number(r, c, value)
                    else:
                        sheet.write_string(r, c, str(value))
            for c, width in widths.items():
                sheet.set_column(c, c, width)
            sheet.freeze_panes(1, 0)
    finally:
        book.close()
    return path


def _shown(value: object) -> str:
    if isinstance(value, date):
        return "00/00/0000"
    return "" if value is None else str(value)
