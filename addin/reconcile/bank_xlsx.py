"""The "Conciliação" sheet as a standalone .xlsx (`retaguarda reconcile bank --out`).

The same grid the add-in writes into the workbook (`sheet.conciliation_sheet`), dressed as
only a file can be: money in R$, dates dd/mm/aaaa, the header bold and frozen, the sections'
headings bold, the columns' widths. The links open the ledger's cells in the ledger's own
file, next to this one (a relative path, as Excel keeps it).
"""

from __future__ import annotations

import os
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.workbook import Workbook

from retaguarda.addin.marks import MAX_LINKS
from retaguarda.addin.reconcile.sheet import HEADER, SHEET, WIDTHS, SheetLayout

#: the templates' money format (`templates.render`), so a reader sees the same R$ everywhere
MONEY = "[$R$-416] #,##0.00;-[$R$-416] #,##0.00"
DATE = "dd/mm/yyyy"
STATEMENT_COLUMN = "G"  # "Extrato": its links go to the statement's file


def write_conciliation(
    layout: SheetLayout,
    path: Path,
    *,
    ledger_file: Path | None = None,
    statement_file: Path | None = None,
) -> Path:
    """Write the sheet into a new workbook at `path` (replacing it); links to the cells of
    `ledger_file` and `statement_file` where given."""
    book = Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    try:
        bold = book.add_format({"bold": True})
        head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "bottom": 1})
        money = book.add_format({"num_format": MONEY})
        day = book.add_format({"num_format": DATE})
        score = book.add_format({"num_format": "0.00"})
        sheet = book.add_worksheet(SHEET)
        headings = set(layout.headings) | {1}
        for r, row in enumerate(layout.rows):
            number = r + 1
            for c, value in enumerate(row):
                if value == "" or value is None:
                    continue
                if isinstance(value, Decimal):
                    # a cell holds a double: the cents are exact as the format shows them
                    sheet.write_number(r, c, float(value), money)
                elif isinstance(value, date):
                    sheet.write_datetime(r, c, datetime(value.year, value.month, value.day), day)
                elif isinstance(value, int | float):
                    sheet.write_number(r, c, value, score)
                else:
                    style = head if number == layout.header_row else None
                    style = bold if style is None and number in headings and c == 0 else style
                    sheet.write_string(r, c, str(value), style)
        for c, width in enumerate(WIDTHS[: len(HEADER)]):
            sheet.set_column(c, c, width)
        if layout.header_row:
            sheet.freeze_panes(layout.header_row, 0)
        _links(sheet, layout, path, ledger_file, statement_file)
        sheet.activate()
    finally:
        _close(book)
    return path


def _close(book: Workbook) -> None:
    """Close (write) the file; a file that cannot be created is the OSError it is."""
    try:
        book.close()
    except FileCreateError as error:
        cause = error.args[0] if error.args else None
        raise cause if isinstance(cause, OSError) else OSError(str(error)) from None


def _links(
    sheet: object,
    layout: SheetLayout,
    out: Path,
    ledger_file: Path | None,
    statement_file: Path | None,
) -> None:
    written = 0
    for cell, target, text in layout.links:
        file = statement_file if cell.startswith(STATEMENT_COLUMN) else ledger_file
        if file is None or written >= MAX_LINKS:
            continue
        relative = os.path.relpath(Path(file).resolve(), Path(out).resolve().parent)
        sheet.write_url(cell, f"external:{relative}#{target}", string=text)  # type: ignore[attr-defined]
        written += 1
