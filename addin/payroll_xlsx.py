"""Calcular folha on a copy of a workbook file (`retaguarda payroll --out`).

The copy is made the way `xlsx_file.write_back` makes a marked copy: an Excel workbook is
loaded whole by openpyxl, so it keeps its formatting and formulas, and any other file (CSV,
ODS, XLS, HTML) is rebuilt from its cells as read. The macro then runs on it through the .xlsx
port (`payroll_sheet.calculate_payroll`, the code the buttons run), and the "Memória de
cálculo" sheet is dressed as only a file can be: bold headings, numbers with their decimals,
columns wide enough, printed one A4 page wide.
"""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.properties import PageSetupProperties

from retaguarda.addin.payroll_sheet import (
    MEMORY_SHEET,
    MemoryLayout,
    PayrollInputError,
    PayrollRun,
    calculate_payroll,
    memory_sheet,
)
from retaguarda.addin.reconcile.bank_xlsx import MONEY
from retaguarda.addin.reconcile.xlsx_layout import LINE_HEIGHT, lines
from retaguarda.addin.xlsx_file import XlsxWorkbook, open_workbook
from retaguarda.templates.files import RawWorkbook, read_workbook
from retaguarda.validators.payroll import Holidays

#: a step's value may be money (248,60), a rate (0,075) or an exact product (121,575): two
#: decimals always, up to six when the value has them (aligned on the comma)
NUMBER = "#,##0.00????"
#: the memória sheet's columns: Item (the label), Valor, Fonte
WIDTHS = {"A": 60, "B": 16, "C": 58}
HEADER_FILL = PatternFill(fill_type="solid", start_color="FFDDEBF7", end_color="FFDDEBF7")
TOP = Alignment(vertical="top")
WRAP = Alignment(wrap_text=True, vertical="top")
SOURCE = Alignment(wrap_text=True, vertical="top", indent=2)
#: the default font of the workbooks Retaguarda writes (openpyxl's own default is none, which
#: LibreOffice shows in a serif face)
FONT = "Calibri"
LINK_BLUE = "FF0563C1"
#: A4, portrait: a block reads top to bottom
A4 = 9


def write_payroll(
    source: Path | str,
    out: Path | str,
    *,
    competencia: date | None = None,
    holidays: Holidays | None = None,
    workbook: RawWorkbook | None = None,
) -> PayrollRun:
    """Write `out`: `source` with the folha's empty INSS, IRRF, FGTS and Líquido cells filled,
    the differing ones marked, and the "Memória de cálculo" sheet first.

    `workbook` is the source as already read, if the caller kept it. Raises `UnreadableFile`,
    `PayrollInputError` (nothing to compute), or `OSError` (`out` cannot be written); the copy
    is written beside `out` and moved there only once complete.
    """
    source, out = Path(source), Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    book = _open(source, workbook)
    run = calculate_payroll(XlsxWorkbook(book), competencia=competencia, holidays=holidays)
    if run is None:  # told in the message sheet; the caller checked before, so say it loud
        raise PayrollInputError(str(book[book.sheetnames[0]]["A1"].value))
    _dress(book, memory_sheet(run), run)
    partial = out.with_name(f".{out.stem}.{secrets.token_hex(6)}.parcial.xlsx")
    try:
        book.save(partial)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return run


def _open(source: Path, workbook: RawWorkbook | None) -> Workbook:
    """The source loaded whole, or rebuilt from its cells when openpyxl cannot load it."""
    try:
        with source.open("rb") as file:
            return open_workbook(file, keep_macros=False)
    except Exception:  # not an Excel workbook (CSV, ODS, ...), or one openpyxl trips on
        raw = workbook if workbook is not None else read_workbook(source)
    book = Workbook()
    book.remove(book.active)
    port = XlsxWorkbook(book)
    for sheet in raw.sheets:
        book.create_sheet(sheet.name[:31])
        port.write(sheet.name[:31], "A1", sheet.rows)
    return book


def _dress(book: Workbook, layout: MemoryLayout, run: PayrollRun) -> None:
    sheet = book[MEMORY_SHEET]
    for number, row in enumerate(layout.rows, start=1):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=number, column=column)
            if isinstance(value, Decimal):
                cell.number_format, cell.alignment = NUMBER, TOP
            elif value and row[1] != "":  # a step's text wraps; a heading runs over the
                cell.alignment = SOURCE if column == 3 else WRAP  # empty cells beside it
        if row[1] != "":  # neither Excel nor LibreOffice grows a row a library wrote
            need = max(lines(str(row[0]), WIDTHS["A"]), lines(str(row[2]), WIDTHS["C"] - 2))
            if need > 1:
                sheet.row_dimensions[number].height = LINE_HEIGHT * need
    for number in layout.headings:  # linked to the employee's row: blue, as a link is
        sheet.cell(row=number, column=1).font = Font(name=FONT, bold=True, color=LINK_BLUE)
    sheet.cell(row=1, column=1).font = Font(name=FONT, bold=True, size=14)
    below = Border(bottom=Side(style="thin"))
    for number in layout.headers:
        for column, align in enumerate(("left", "right", "left"), start=1):
            cell = sheet.cell(row=number, column=column)
            cell.font, cell.fill, cell.border = Font(name=FONT, bold=True), HEADER_FILL, below
            cell.alignment = Alignment(horizontal=align, indent=2 if column == 3 else 0)
    for letter, width in WIDTHS.items():
        sheet.column_dimensions[letter].width = width
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.paperSize = A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    for row in run.rows:  # the filled folha cells read as money, as the typed ones do
        folha = book[row.computed.sheet]
        for key in row.empty:
            folha[row.cells[key]].number_format = MONEY
    book.active = book.sheetnames.index(MEMORY_SHEET)
    for ws in book.worksheets:
        ws.sheet_view.tabSelected = ws.title == MEMORY_SHEET
