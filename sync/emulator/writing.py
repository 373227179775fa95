"""Writing values: values.update, values.append and values.clear with Google's semantics.

RAW keeps what the client sent (a string stays a string, even `=1+1` or `0042`); USER_ENTERED
parses strings like typing into the Sheets UI (numbers, booleans, dates, percentages, formulas,
a leading apostrophe for text) in the spreadsheet's locale. `null` leaves a cell alone, `""`
empties it. Writes below or right of the grid grow it, within Google's 10,000,000-cell limit.
"""

from __future__ import annotations

from dataclasses import replace

from retaguarda.sync.emulator.a1 import format_range
from retaguarda.sync.emulator.book import Box, Sheet, Spreadsheet
from retaguarda.sync.emulator.errors import invalid_argument, invalid_field_value
from retaguarda.sync.emulator.protection import check_writable
from retaguarda.sync.emulator.reading import value_range
from retaguarda.sync.emulator.shifting import shift_ranges
from retaguarda.sync.emulator.values import Formula, normalize_number, parse_user_entered
from retaguarda.templates.files import column_letter

LIST_VALUE = "type.googleapis.com/google.protobuf.ListValue"
INPUT_OPTIONS = ("RAW", "USER_ENTERED")


def checked_values(values: object, field: str) -> list[list]:
    """The `values` of a ValueRange: a list of lists of scalars, else Google's 400."""
    if values is None:
        return []
    if not isinstance(values, list):
        raise invalid_field_value(field, LIST_VALUE, values)
    for row in values:
        if not isinstance(row, list):
            raise invalid_field_value(f"{field}[0]", LIST_VALUE, row)
        for value in row:
            if isinstance(value, dict | list):
                raise invalid_argument(
                    f"Invalid values[{values.index(row)}][{row.index(value)}]: "
                    f"{'struct_value' if isinstance(value, dict) else 'list_value'} {{}}"
                )
    return values


def input_option(option: str | None) -> str:
    if option not in INPUT_OPTIONS:
        raise invalid_argument(
            "Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED"
            if not option
            else f"Invalid value at 'value_input_option', \"{option}\""
        )
    return option


def stored_values(
    sheet: Sheet, start_row: int, start_column: int, rows: list[list], option: str, locale: str
) -> list[list]:
    """The cell values to store; USER_ENTERED also sets the number formats that typing sets."""
    if option == "RAW":
        return [
            [normalize_number(v) if type(v) is float else v for v in row] if row else row
            for row in rows
        ]
    out = []
    for row_offset, row in enumerate(rows):
        line = []
        for column_offset, value in enumerate(row):
            if value is None:
                line.append(None)
                continue
            parsed, number_format = parse_user_entered(value, locale)
            if isinstance(parsed, Formula):
                sheet.has_formulas = True
            if number_format:
                key = (start_row + row_offset, start_column + column_offset)
                sheet.formats.setdefault(key, {})["numberFormat"] = number_format
            line.append(parsed)
        out.append(line)
    return out


def transpose(rows: list[list]) -> list[list]:
    width = max((len(r) for r in rows), default=0)
    return [[r[i] if i < len(r) else None for r in rows] for i in range(width)]


def update(
    spreadsheet: Spreadsheet,
    text: str,
    values: list[list],
    option: str,
    major: str = "ROWS",
    include_values: str | None = None,
    *,
    caller: str | None = None,
) -> dict:
    """values.update: write from the range's top-left corner, never past its explicit ends.

    A single cell (`A1`) only names the corner: the data may extend right and down from it.
    """
    sheet, parsed = spreadsheet.resolve(text)
    if parsed.is_cell:
        parsed = replace(parsed, end_row=None, end_column=None)
    rows = transpose(values) if major == "COLUMNS" else values
    start_row, start_column = parsed.start_row or 0, parsed.start_column or 0
    height, width = len(rows), max((len(r) for r in rows), default=0)
    if parsed.end_row is not None and start_row + height > parsed.end_row:
        raise invalid_argument(
            f"Requested writing within range [{text}], but tried writing to row "
            f"[{parsed.end_row + 1}]"
        )
    if parsed.end_column is not None and start_column + width > parsed.end_column:
        raise invalid_argument(
            f"Requested writing within range [{text}], but tried writing to column "
            f"[{column_letter(parsed.end_column)}]"
        )
    return write_block(
        spreadsheet, sheet, start_row, start_column, rows, option, include_values, caller=caller
    )


def write_block(
    spreadsheet: Spreadsheet,
    sheet: Sheet,
    start_row: int,
    start_column: int,
    rows: list[list],
    option: str,
    include_values: str | None = None,
    *,
    caller: str | None = None,
) -> dict:
    height, width = len(rows), max((len(r) for r in rows), default=0)
    answer: dict = {"spreadsheetId": spreadsheet.id}
    if not height or not width:
        return answer
    box = Box(start_row, start_row + height, start_column, start_column + width)
    check_writable(spreadsheet, sheet, box, caller)
    spreadsheet.grow(sheet, start_row + height, start_column + width)
    cells = stored_values(sheet, start_row, start_column, rows, option, spreadsheet.locale)
    sheet.write(start_row, start_column, cells)
    spreadsheet.touch()
    updated_range = format_range(
        sheet.title, start_row, start_row + height, start_column, start_column + width
    )
    written_columns = {i for row in rows for i, v in enumerate(row) if v is not None}
    answer.update(
        updatedRange=updated_range,
        updatedRows=sum(1 for row in rows if any(v is not None for v in row)),
        updatedColumns=len(written_columns),
        updatedCells=sum(1 for row in rows for v in row if v is not None),
    )
    if include_values:
        answer["updatedData"] = value_range(
            spreadsheet, updated_range, "ROWS", include_values, "SERIAL_NUMBER"
        )
    return answer


def append(
    spreadsheet: Spreadsheet,
    text: str,
    values: list[list],
    option: str,
    insert_option: str | None,
    major: str = "ROWS",
    include_values: str | None = None,
    *,
    caller: str | None = None,
) -> dict:
    """values.append: find the table in the range, write on the rows after it.

    As recorded from Google: a single-cell range anchors the table at that cell (an empty cell
    means no table: write right there); a larger range looks for the first non-empty row in it
    and takes that row's last block of filled cells (`x, , y` in row 1: the table is C1).
    The table runs right along its first row's filled cells and down while its rows hold
    anything, past the range's bottom; new rows start at the table's first column.
    """
    sheet, parsed = spreadsheet.resolve(text)
    rows = transpose(values) if major == "COLUMNS" else values
    first_row = parsed.start_row or 0
    first_column = parsed.start_column or 0
    open_right = parsed.end_column is None or parsed.is_cell
    end_column = sheet.column_count if open_right else parsed.end_column
    end_row = sheet.row_count if parsed.end_row is None else parsed.end_row
    table = find_table(sheet, first_row, end_row, first_column, end_column, parsed.is_cell)
    answer: dict = {"spreadsheetId": spreadsheet.id}
    if table:
        top, bottom, left, right = table
        answer["tableRange"] = format_range(sheet.title, top, bottom, left, right)
        start_row, start_column = bottom, left
    else:
        start_row, start_column = first_row, first_column
    width = max((len(r) for r in rows), default=0)
    if rows and width:  # refused before any row goes in
        target = Box(start_row, start_row + len(rows), start_column, start_column + width)
        check_writable(spreadsheet, sheet, target, caller)
    if insert_option == "INSERT_ROWS" and rows:
        spreadsheet.grow(sheet, start_row, 0)
        spreadsheet.check_cells(len(rows) * sheet.column_count)
        sheet.insert("ROWS", start_row, start_row + len(rows))
        shift_ranges(spreadsheet, sheet, "ROWS", start_row, len(rows))
    answer["updates"] = write_block(
        spreadsheet, sheet, start_row, start_column, rows, option, include_values, caller=caller
    )
    return answer


def find_table(
    sheet: Sheet, first_row: int, end_row: int, first_column: int, end_column: int, anchored: bool
) -> tuple[int, int, int, int] | None:
    """(top, bottom, left, right), end-exclusive, of the table `append` writes after."""
    stored = sheet.rows
    top = first_row
    if not anchored:
        last = min(end_row, len(stored))
        while top < last and all(v is None for v in stored[top][first_column:end_column]):
            top += 1
    if top >= len(stored):
        return None
    line = stored[top]
    left = first_column
    if not anchored:  # the last block of the row, as recorded from Google
        last = min(end_column, len(line))
        while last > first_column and line[last - 1] is None:
            last -= 1
        left = last - 1
        while left > first_column and line[left - 1] is not None:
            left -= 1
        left = max(left, first_column)
    if left >= len(line) or line[left] is None:
        return None
    right = left
    while right < min(end_column, len(line)) and line[right] is not None:
        right += 1
    bottom = top + 1
    while bottom < len(stored) and any(v is not None for v in stored[bottom][left:right]):
        bottom += 1
    return top, bottom, left, right


def clear(spreadsheet: Spreadsheet, text: str, *, caller: str | None = None) -> str:
    """values.clear: values go, formats and notes stay; answers the cleared range."""
    sheet, box = spreadsheet.box(text)
    check_writable(spreadsheet, sheet, box, caller)
    sheet.clear(box)
    spreadsheet.touch()
    return format_range(sheet.title, box.start_row, box.end_row, box.start_column, box.end_column)
