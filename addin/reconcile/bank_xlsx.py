"""The "Conciliação" sheet as a standalone .xlsx (`retaguarda reconcile bank --out`).

The same grid the add-in writes into the workbook (`sheet.conciliation_sheet`), dressed as
only a file can be: money in R$, dates dd/mm/aaaa, the header bold and frozen, the sections'
headings bold, each column as wide as what it shows, printed one page wide. The links open
the ledger's cells in the ledger's own file, next to this one (a relative path, as Excel
keeps it).
"""

from __future__ import annotations

import os
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.workbook import Workbook

from retaguarda.addin.marks import MAX_LINKS, XLSXWRITER_AS_IS
from retaguarda.addin.reconcile.sheet import SHEET, SheetLayout
from retaguarda.addin.reconcile.xlsx_layout import (
    LINE_HEIGHT,
    MIN_WIDTH,
    TEXT,
    TOP,
    column_widths,
    header_alignment,
    lines,
    print_setup,
    runs_over,
)

#: the templates' money format (`templates.render`), so a reader sees the same R$ everywhere
MONEY = "[$R$-416] #,##0.00;-[$R$-416] #,##0.00"
DATE = "dd/mm/yyyy"
STATEMENT_COLUMN = "G"  # "Extrato": its links go to the statement's file
#: the summary's values (the account, the statement's file and bank, the period) widen their
#: column up to this (the period fits); longer ones wrap rather than widen "Decisão" below
SUMMARY_MAX_WIDTH = 26


def write_conciliation(
    layout: SheetLayout,
    path: Path,
    *,
    ledger_file: Path | None = None,
    statement_file: Path | None = None,
) -> Path:
    """Write the sheet into a new workbook at `path` (replacing it); links to the cells of
    `ledger_file` and `statement_file` where given."""
    book = Workbook(str(path), XLSXWRITER_AS_IS)
    try:
        bold = book.add_format({"bold": True, **TEXT})
        head = {
            align: book.add_format(
                {"bold": True, "bg_color": "#DDEBF7", "bottom": 1, **TEXT, "align": align}
            )
            for align in ("left", "center", "right")
        }
        money = book.add_format({"num_format": MONEY, **TOP})
        day = book.add_format({"num_format": DATE, "align": "center", **TOP})
        score = book.add_format({"num_format": "0.00", **TOP})
        plain = book.add_format(TEXT)
        wrap = book.add_format({"text_wrap": True, **TEXT})
        link = book.add_format({"font_color": "blue", "underline": 1, **TEXT})
        sheet = book.add_worksheet(SHEET)
        widths = _widths(layout)
        aligns = header_alignment(layout.rows[layout.header_row :] if layout.header_row else [])
        for c, width in widths.items():
            sheet.set_column(c, c, width)
        headings = set(layout.headings) | {1}
        for r, row in enumerate(layout.rows):
            number = r + 1
            height = 1
            for c, value in enumerate(row):
                if value == "" or value is None:
                    continue
                if isinstance(value, Decimal):
                    sheet.write_number(r, c, value, money)  # xlsxwriter writes the double
                elif isinstance(value, date):
                    sheet.write_datetime(r, c, datetime(value.year, value.month, value.day), day)
                elif isinstance(value, int | float):
                    sheet.write_number(r, c, value, score)
                else:
                    shown = str(value)
                    style = head[aligns.get(c, "left")] if number == layout.header_row else plain
                    style = bold if number in headings and c == 0 else style
                    need = 1 if runs_over(row, c) else lines(shown, widths.get(c, MIN_WIDTH))
                    if style is plain and need > 1:
                        style, height = wrap, max(height, need)
                    sheet.write_string(r, c, shown, style)
            if height > 1:
                sheet.set_row(r, LINE_HEIGHT * height)
        if layout.header_row:
            sheet.freeze_panes(layout.header_row, 0)
        print_setup(sheet, layout.header_row)
        _links(sheet, layout, path, ledger_file, statement_file, link)
        sheet.activate()
    finally:
        _close(book)
    return path


def _widths(layout: SheetLayout) -> dict[int, int]:
    """Each column's width: the table's cells and the summary's values, capped apart."""
    top = layout.header_row - 1 if layout.header_row else len(layout.rows)
    summary = column_widths(layout.rows[:top], header_row=0, spill=True, cap=SUMMARY_MAX_WIDTH)
    table = column_widths(layout.rows[top:], spill=True)
    return {c: max(summary.get(c, 0), table.get(c, 0)) for c in summary.keys() | table.keys()}


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
    style: object,
) -> None:
    written = 0
    for cell, target, text in layout.links:
        file = statement_file if cell.startswith(STATEMENT_COLUMN) else ledger_file
        if file is None or written >= MAX_LINKS:
            continue
        relative = os.path.relpath(Path(file).resolve(), Path(out).resolve().parent)
        sheet.write_url(cell, f"external:{relative}#{target}", style, text)  # type: ignore[attr-defined]
        written += 1
