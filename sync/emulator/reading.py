"""Reading values out of a sheet, in the render options of values.get / values.batchGet.

The UNFORMATTED_VALUE path stays a slice and a trim per row, so that a 100,000-row sheet is
answered in a fraction of a second; formatting and date rendering only visit the cells that
need them.
"""

from __future__ import annotations

from collections.abc import Callable

from retaguarda.sync.emulator.a1 import format_range
from retaguarda.sync.emulator.book import Box, Sheet, Spreadsheet, trim_rows
from retaguarda.sync.emulator.compute import Calculator, CellError
from retaguarda.sync.emulator.errors import invalid_argument
from retaguarda.sync.emulator.values import Formula, extended_value, format_value, is_date_format

VALUE_RENDER = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
DATE_RENDER = ("SERIAL_NUMBER", "FORMATTED_STRING")
DIMENSIONS = ("ROWS", "COLUMNS")
DEFAULT_PIXELS = {"ROWS": 21, "COLUMNS": 100}


def render_options(args: dict) -> tuple[str, str, str]:
    """majorDimension, valueRenderOption and dateTimeRenderOption, with Google's defaults."""
    major = args.get("majorDimension") or "ROWS"
    value_render = args.get("valueRenderOption") or "FORMATTED_VALUE"
    date_render = args.get("dateTimeRenderOption") or "SERIAL_NUMBER"
    for name, given, allowed in (
        ("major_dimension", major, DIMENSIONS),
        ("value_render_option", value_render, VALUE_RENDER),
        ("date_time_render_option", date_render, DATE_RENDER),
    ):
        if given not in allowed:
            raise invalid_argument(
                f"Invalid value at '{name}' (type.googleapis.com/google.apps.sheets.v4."
                f'{name.title().replace("_", "")}), "{given}"'
            )
    return major, value_render, date_render


def value_range(
    spreadsheet: Spreadsheet, text: str, major: str, value_render: str, date_render: str
) -> dict:
    """One ValueRange: the range named back in Google's words, values trimmed, none if empty."""
    sheet, box = spreadsheet.box(text)
    rows = sheet.read(box)
    if value_render != "FORMULA" and sheet.has_formulas:
        rows = computed(Calculator(spreadsheet), sheet, box, rows)
    if value_render == "FORMATTED_VALUE":
        rows = formatted(sheet, box, rows, spreadsheet.locale, lambda fmt: True)
    elif date_render == "FORMATTED_STRING":
        rows = formatted(sheet, box, rows, spreadsheet.locale, is_date_format)
    values = trim_rows(rows)
    if major == "COLUMNS" and values:
        width = max(len(row) for row in values)
        padded = [row + [""] * (width - len(row)) for row in values]
        values = [list(column) for column in zip(*padded, strict=True)]
        values = trim_rows([[None if v == "" else v for v in col] for col in values])
    answer = {
        "range": format_range(
            sheet.title, box.start_row, box.end_row, box.start_column, box.end_column
        ),
        "majorDimension": major,
    }
    if values:
        answer["values"] = values
    return answer


def computed(calculator: Calculator, sheet: Sheet, box: Box, rows: list[list]) -> list[list]:
    """Formula cells replaced by what they compute to (the rows are the caller's own)."""
    for row_index, row in enumerate(rows, box.start_row):
        for offset, value in enumerate(row):
            if isinstance(value, Formula):
                row[offset] = calculator.value(sheet, row_index, box.start_column + offset)
    return rows


def formatted(
    sheet: Sheet,
    box: Box,
    rows: list[list],
    locale: str,
    wanted: Callable[[dict | None], bool],
) -> list[list]:
    """Numbers and booleans as the cell's number format shows them (for formats `wanted`)."""
    out = []
    formats = sheet.formats
    for row_index, row in enumerate(rows, box.start_row):
        if all(v is None or isinstance(v, str) for v in row):
            out.append(row)
            continue
        line = list(row)
        for offset, value in enumerate(line):
            if value is None or isinstance(value, str):
                continue
            number_format = formats.get((row_index, box.start_column + offset), {}).get(
                "numberFormat"
            )
            if wanted(number_format):
                line[offset] = format_value(value, number_format, locale)
        out.append(line)
    return out


def grid_data(spreadsheet: Spreadsheet, sheet: Sheet, box: Box) -> dict:
    """GridData for includeGridData / `fields=sheets.data...`: one CellData per cell."""
    sparse = [
        key[0]
        for store in (sheet.formats, sheet.notes, sheet.validations)
        for key in store
        if in_box(key, box)
    ]
    end_row = min(box.end_row, max([len(sheet.rows), *(r + 1 for r in sparse)]))
    row_data = []
    calculator = Calculator(spreadsheet)
    for row_index in range(box.start_row, end_row):
        line = sheet.rows[row_index] if row_index < len(sheet.rows) else []
        cells = []
        for column in range(box.start_column, box.end_column):
            value = line[column] if column < len(line) else None
            cells.append(cell_data(calculator, sheet, (row_index, column), value))
        while cells and not cells[-1]:
            cells.pop()
        row_data.append({"values": cells} if cells else {})
    while row_data and not row_data[-1]:
        row_data.pop()
    data: dict = {}
    if box.start_row:
        data["startRow"] = box.start_row
    if box.start_column:
        data["startColumn"] = box.start_column
    if row_data:
        data["rowData"] = row_data
    data["rowMetadata"] = dimension_metadata(sheet, "ROWS", box.start_row, box.end_row)
    data["columnMetadata"] = dimension_metadata(sheet, "COLUMNS", box.start_column, box.end_column)
    return data


def dimension_metadata(sheet: Sheet, dimension: str, start: int, end: int) -> list[dict]:
    """DimensionProperties of each row or column: Google's default sizes unless set."""
    default = {"pixelSize": DEFAULT_PIXELS[dimension]}
    found = sheet.dimensions[dimension]
    return [{**default, **found[i]} if i in found else dict(default) for i in range(start, end)]


def shown_text(spreadsheet: Spreadsheet, sheet: Sheet, row: int, column: int) -> str:
    """A cell's text as the grid shows it (computed, then formatted)."""
    value = Calculator(spreadsheet).value(sheet, row, column)
    if value is None:
        return ""
    number_format = sheet.formats.get((row, column), {}).get("numberFormat")
    return str(format_value(value, number_format, spreadsheet.locale))


def cell_data(calculator: Calculator, sheet: Sheet, key: tuple[int, int], value: object) -> dict:
    """Google's CellData: what was entered, what it computes to, and how that is shown."""
    cell: dict = {}
    cell_format = sheet.formats.get(key)
    if value is not None:
        cell["userEnteredValue"] = extended_value(value)
        shown = calculator.value(sheet, *key) if isinstance(value, Formula) else value
        if isinstance(shown, CellError):
            cell["effectiveValue"] = {"errorValue": shown.error_value}
        elif shown != "":
            cell["effectiveValue"] = extended_value(shown)
        number_format = (cell_format or {}).get("numberFormat")
        locale = calculator.spreadsheet.locale
        cell["formattedValue"] = format_value(shown, number_format, locale)
    if cell_format:
        cell["userEnteredFormat"] = cell_format
        # read-only in Google's CellData: the link of the whole cell, as the web UI follows it
        link = (cell_format.get("textFormat") or {}).get("link") or {}
        if link.get("uri"):
            cell["hyperlink"] = link["uri"]
    if key in sheet.notes:
        cell["note"] = sheet.notes[key]
    if key in sheet.validations:
        cell["dataValidation"] = sheet.validations[key]
    return cell


def in_box(key: tuple[int, int], box: Box) -> bool:
    return box.start_row <= key[0] < box.end_row and box.start_column <= key[1] < box.end_column
