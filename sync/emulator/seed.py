"""Seeding the emulator from Excel workbooks, so a developer starts with the team's real sheets.

Each .xlsx/.xlsm becomes a spreadsheet whose id is the file name without its extension, read
with calamine (fast, no Excel): sheets in order with their titles, hidden sheets hidden, dates
turned into serial numbers with a date format, as Google's own .xlsx import does. Formulas stay
formulas, as in Google's import: calamine gives only their last computed values (none at all in
a file openpyxl wrote), so a workbook that has formulas is also read by openpyxl for their text.
"""

from __future__ import annotations

import zipfile
from datetime import date, time, timedelta
from pathlib import Path

from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from retaguarda.sync.emulator.book import Sheet, Spreadsheet
from retaguarda.sync.emulator.values import Formula, date_format, normalize_number, serial

SEED_SUFFIXES = (".xlsx", ".xlsm")
LOCALE = "pt_BR"
TIME_ZONE = "America/Sao_Paulo"


def seed_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in SEED_SUFFIXES)


def read_workbook(path: Path) -> Spreadsheet:
    book = CalamineWorkbook.from_path(str(path))
    formulas = formula_cells(path)
    spreadsheet = Spreadsheet(path.stem, path.stem, LOCALE, TIME_ZONE)
    for meta in book.sheets_metadata:
        if meta.typ != SheetTypeEnum.WorkSheet:
            continue
        rows = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
        properties = {"title": meta.name}
        if meta.visible != SheetVisibleEnum.Visible:
            properties["hidden"] = True
        sheet = fill_sheet(spreadsheet, properties, rows)
        for (row, column), text in formulas.get(meta.name, {}).items():
            spreadsheet.grow(sheet, row + 1, column + 1)
            sheet.write(row, column, [[Formula(text)]])
            sheet.has_formulas = True
    return spreadsheet


def formula_cells(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Each sheet's formulas by (row, column), 0-based; {} at once for a file without any."""
    if not has_formulas(path):
        return {}
    from openpyxl import load_workbook  # only for workbooks that have formulas

    book = load_workbook(path, read_only=True)
    found: dict[str, dict[tuple[int, int], str]] = {}
    try:
        for worksheet in book.worksheets:
            cells = {
                (cell.row - 1, cell.column - 1): cell.value
                for line in worksheet.iter_rows()
                for cell in line
                if getattr(cell, "data_type", None) == "f" and isinstance(cell.value, str)
            }
            if cells:
                found[worksheet.title] = cells
    finally:
        book.close()
    return found


def has_formulas(path: Path) -> bool:
    """Whether any worksheet part holds a formula element (`<f>` or `<f t="shared" ...>`)."""
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            with package.open(name) as part:
                tail = b""
                while chunk := part.read(1 << 20):
                    block = tail + chunk
                    if b"<f>" in block or b"<f " in block:
                        return True
                    tail = block[-3:]
    return False


def fill_sheet(spreadsheet: Spreadsheet, properties: dict, rows: list[list]) -> Sheet:
    """Add a sheet holding `rows` (Python values; '' or None = empty) at least 1000 × 26."""
    width = max((len(r) for r in rows), default=0)
    grid = properties.setdefault("gridProperties", {})
    grid.setdefault("rowCount", max(len(rows), 1000))
    grid.setdefault("columnCount", max(width, 26))
    sheet = spreadsheet.add_sheet(properties)
    for row_index, row in enumerate(rows):
        line = []
        for column, value in enumerate(row):
            if value is None or value == "":
                line.append(None)
            elif isinstance(value, date | time | timedelta):
                number_format = date_format(value, spreadsheet.locale)
                sheet.formats[(row_index, column)] = {"numberFormat": number_format}
                line.append(serial(value))
            elif type(value) is float:
                line.append(normalize_number(value))
            else:
                line.append(value)
        sheet.rows.append(line)
    return sheet
