"""Calcular folha on a copy of a workbook file (`retaguarda payroll --out`).

The copy is made the way `xlsx_file.write_back` makes a marked copy: an Excel workbook is
loaded whole by openpyxl, so it keeps its formatting and formulas, and any other file (CSV,
ODS, XLS, HTML) is rebuilt from its cells as read. The macro then runs on it through the .xlsx
port (`payroll_sheet.calculate_payroll`, the code the buttons run), and the "Memória de
cálculo" sheet is dressed as only a file can be: bold headings, numbers with their decimals,
columns wide enough, printed one A4 page wide.
"""

from __future__ import annotations

import functools
import secrets
from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.worksheet.properties import PageSetupProperties

from retaguarda.addin.payroll_sheet import (
    MEMORY_SHEET,
    MemoryLayout,
    PayrollRun,
    apply_payroll,
    compute_payroll,
    workbook_tables,
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
SOURCE = Alignment(horizontal="left", wrap_text=True, vertical="top", indent=1)
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
    port = XlsxWorkbook(book)
    run = compute_payroll(workbook_tables(port), competencia=competencia, holidays=holidays)
    _dress(book, apply_payroll(port, run), run)
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


#: the style of a step's text by column: the label wraps, the source wraps indented
_TEXT_STYLE = {1: "text", 3: "source"}


def _styles(book: Workbook) -> dict[str, str]:
    """The memória's cell styles, added to the workbook once as named styles: a cell takes
    one by name, where setting its font, alignment and format one by one costs openpyxl a
    lookup each (a minute for a folha of 10,000 employees)."""
    font, bold = Font(name=FONT, size=11), Font(name=FONT, size=11, bold=True)
    below = Border(bottom=Side(style="thin"))
    styles = {
        "value": NamedStyle(font=font, number_format=NUMBER, alignment=TOP),
        "text": NamedStyle(font=font, alignment=WRAP),
        "source": NamedStyle(font=font, alignment=SOURCE),
        "heading": NamedStyle(font=Font(name=FONT, size=11, bold=True, color=LINK_BLUE)),
        "header": NamedStyle(font=bold, fill=HEADER_FILL, border=below),
        "header_right": NamedStyle(
            font=bold, fill=HEADER_FILL, border=below, alignment=Alignment(horizontal="right")
        ),
        "header_source": NamedStyle(
            font=bold,
            fill=HEADER_FILL,
            border=below,
            alignment=Alignment(horizontal="left", indent=1),
        ),
    }
    names = {}
    for key, named in styles.items():
        named.name = names[key] = f"Retaguarda {key}"
        if named.name not in book.named_styles:
            book.add_named_style(named)
    return names


@functools.lru_cache(maxsize=4096)
def _lines(text: str, width: int) -> int:
    """`xlsx_layout.lines`, remembered: the sources and most labels repeat from one employee
    to the next."""
    return lines(text, width)


def _dress(book: Workbook, layout: MemoryLayout, run: PayrollRun) -> None:
    sheet = book[MEMORY_SHEET]
    style = _styles(book)
    headers = set(layout.headers)
    for number, row in enumerate(layout.rows, start=1):
        if row[1] == "" or number in headers:  # a heading or a summary line runs over the
            continue  # empty cells beside it
        for column, value in enumerate(row, start=1):
            if isinstance(value, Decimal):
                sheet.cell(row=number, column=column).style = style["value"]
            elif value:
                sheet.cell(row=number, column=column).style = style[_TEXT_STYLE[column]]
        # neither Excel nor LibreOffice grows a row a library wrote
        need = max(_lines(str(row[0]), WIDTHS["A"]), _lines(str(row[2]), WIDTHS["C"] - 1))
        if need > 1:
            sheet.row_dimensions[number].height = LINE_HEIGHT * need
    for number in layout.headings:  # linked to the employee's row: blue, as a link is
        sheet.cell(row=number, column=1).style = style["heading"]
    sheet.cell(row=1, column=1).font = Font(name=FONT, bold=True, size=14)
    for number in layout.headers:
        for column, name in enumerate(("header", "header_right", "header_source"), start=1):
            sheet.cell(row=number, column=column).style = style[name]
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
