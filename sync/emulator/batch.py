"""spreadsheets.batchUpdate: the structural and formatting requests, all or nothing.

Each request kind is one function taking the spreadsheet and the request body and returning
its reply (Google answers `{}` for kinds without one). A refused request rolls the whole batch
back, and the error names it the way Google does: `Invalid requests[2].addSheet: ...`.
"""

from __future__ import annotations

from collections.abc import Callable

from retaguarda.sync.emulator.book import Box, Sheet, Spreadsheet, deep_copy
from retaguarda.sync.emulator.errors import ApiError, InvalidRequest, invalid_argument
from retaguarda.sync.emulator.fields import parse_mask
from retaguarda.sync.emulator.protection import check_writable
from retaguarda.sync.emulator.shifting import rename_in_formulas, shift_ranges
from retaguarda.sync.emulator.values import Formula, from_extended_value

Handler = Callable[[Spreadsheet, dict], dict]
HANDLERS: dict[str, Handler] = {}


def handles(kind: str) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        HANDLERS[kind] = function
        return function

    return register


def batch_update(spreadsheet: Spreadsheet, body: dict, *, caller: str | None = None) -> dict:
    requests = body.get("requests")
    if not isinstance(requests, list) or not requests:
        raise invalid_argument("Must specify at least one request.")
    snapshot = spreadsheet.snapshot()
    replies = []
    try:
        for index, request in enumerate(requests):
            if not isinstance(request, dict) or len(request) != 1:
                raise invalid_argument(f"Invalid requests[{index}]: No request set.")
            ((kind, payload),) = request.items()
            handler = HANDLERS.get(kind)
            if handler is None:
                raise invalid_argument(
                    f'Invalid JSON payload received. Unknown name "{kind}" at '
                    f"'requests[{index}]': the emulator does not implement this request."
                )
            try:
                for sheet, box in touched(spreadsheet, kind, payload or {}):
                    check_writable(spreadsheet, sheet, box, caller)
                replies.append(handler(spreadsheet, payload or {}))
            except InvalidRequest as error:
                raise invalid_argument(
                    f"Invalid requests[{index}].{kind}: {error.message}"
                ) from error
    except ApiError:
        spreadsheet.restore(snapshot)
        raise
    spreadsheet.touch()
    answer: dict = {"spreadsheetId": spreadsheet.id, "replies": replies}
    if body.get("includeSpreadsheetInResponse"):
        answer["updatedSpreadsheet"] = spreadsheet.metadata()
    return answer


def touched(spreadsheet: Spreadsheet, kind: str, request: dict) -> list[tuple[Sheet, Box]]:
    """The cells a request changes, for the protected-range check (values and layout only)."""
    if kind == "updateCells" and "start" in request:
        start, rows = request["start"], request.get("rows") or []
        top, left = start.get("rowIndex", 0), start.get("columnIndex", 0)
        width = max((len(r.get("values") or []) for r in rows), default=0)
        sheet = sheet_of(spreadsheet, start.get("sheetId"))
        return [(sheet, Box(top, top + len(rows), left, left + width))]
    if kind in ("updateCells", "repeatCell", "sortRange", "mergeCells", "setDataValidation"):
        return [grid_box(spreadsheet, request.get("range") or {})]
    if kind == "copyPaste":
        return [grid_box(spreadsheet, request.get("destination") or {})]
    if kind == "cutPaste":
        sheet, box = grid_box(spreadsheet, request.get("source") or {})
        where = request.get("destination") or {}
        top, left = where.get("rowIndex", 0), where.get("columnIndex", 0)
        height, width = box.end_row - box.start_row, box.end_column - box.start_column
        target = Box(top, top + height, left, left + width)
        return [(sheet, box), (sheet_of(spreadsheet, where.get("sheetId")), target)]
    return []


def sheet_of(spreadsheet: Spreadsheet, sheet_id: object) -> Sheet:
    sheet = spreadsheet.sheet_by_id(int(sheet_id or 0))
    if sheet is None:
        raise InvalidRequest(f"No grid with id: {sheet_id or 0}")
    return sheet


def grid_box(spreadsheet: Spreadsheet, grid_range: dict) -> tuple[Sheet, Box]:
    """A GridRange (absent bounds = unbounded) as a block inside the sheet's grid."""
    sheet = sheet_of(spreadsheet, grid_range.get("sheetId"))
    box = Box(
        grid_range.get("startRowIndex", 0),
        grid_range.get("endRowIndex", sheet.row_count),
        grid_range.get("startColumnIndex", 0),
        grid_range.get("endColumnIndex", sheet.column_count),
    )
    if box.end_row > sheet.row_count or box.end_column > sheet.column_count:
        raise InvalidRequest(
            f"Range ('{sheet.title}'!{box.start_row + 1}:{box.end_row}) exceeds grid limits. "
            f"Max rows: {sheet.row_count}, max columns: {sheet.column_count}"
        )
    return sheet, box


def merge_fields(target: dict, source: dict, fields: str) -> None:
    """Copy the `fields` paths of `source` into `target`; named paths absent in source go."""
    mask = parse_mask(fields)
    if not mask or "*" in mask:
        target.clear()
        target.update(source)
        return
    _merge_mask(target, source, mask)


def _merge_mask(target: dict, source: dict, mask: dict) -> None:
    for key, sub in mask.items():
        if key not in source:
            target.pop(key, None)
        elif sub and isinstance(source[key], dict):
            _merge_mask(target.setdefault(key, {}), source[key], sub)
        else:
            target[key] = source[key]


def required_fields(request: dict) -> str:
    """The request's `fields` mask; Google refuses a request that names none."""
    fields = request.get("fields") or ""
    if not fields:
        raise InvalidRequest("At least one field must be updated.")
    return fields


@handles("addSheet")
def add_sheet(spreadsheet: Spreadsheet, request: dict) -> dict:
    properties = dict(request.get("properties") or {})
    title = properties.get("title")
    if title is not None and any(s.title == title for s in spreadsheet.sheets):
        raise InvalidRequest(
            f'A sheet with the name "{title}" already exists. Please enter another name.'
        )
    if "sheetId" in properties and spreadsheet.sheet_by_id(properties["sheetId"]):
        raise InvalidRequest(f"Sheet with id {properties['sheetId']} already exists.")
    try:
        sheet = spreadsheet.add_sheet(properties)
    except ApiError as error:
        raise InvalidRequest(error.message) from error
    return {"addSheet": {"properties": sheet.properties}}


@handles("deleteSheet")
def delete_sheet(spreadsheet: Spreadsheet, request: dict) -> dict:
    sheet = sheet_of(spreadsheet, request.get("sheetId"))
    if len(spreadsheet.sheets) == 1:
        raise InvalidRequest("You can't remove all the sheets in a document.")
    spreadsheet.sheets.remove(sheet)
    spreadsheet.reindex()
    if all(s.hidden for s in spreadsheet.sheets):
        raise InvalidRequest("You can't remove all the visible sheets in a document.")
    return {}


@handles("updateSheetProperties")
def update_sheet_properties(spreadsheet: Spreadsheet, request: dict) -> dict:
    properties = request.get("properties") or {}
    sheet = sheet_of(spreadsheet, properties.get("sheetId"))
    fields = required_fields(request)
    changed = deep_copy(sheet.properties)
    merge_fields(changed, properties, fields)
    changed["sheetId"] = sheet.sheet_id
    title = changed.get("title")
    if any(s.title == title and s is not sheet for s in spreadsheet.sheets):
        raise InvalidRequest(
            f'A sheet with the name "{title}" already exists. Please enter another name.'
        )
    if changed.get("hidden") and all(s.hidden or s is sheet for s in spreadsheet.sheets):
        raise InvalidRequest("You can't hide all the sheets in a document.")
    if not changed.get("hidden"):
        changed.pop("hidden", None)
    grid = changed.get("gridProperties") or {}
    rows, columns = grid.get("rowCount", 0), grid.get("columnCount", 0)
    if rows < 1 or columns < 1:
        raise InvalidRequest("A grid must have at least one row and one column.")
    extra = rows * columns - sheet.row_count * sheet.column_count
    if extra > 0:
        spreadsheet.check_cells(extra)
    sheet.resize(rows, columns)
    if changed.get("title") != sheet.title:
        rename_in_formulas(spreadsheet, sheet.title, changed["title"])
    sheet.properties.clear()
    sheet.properties.update(changed)
    spreadsheet.sheets.remove(sheet)
    index = int(changed.get("index", len(spreadsheet.sheets)))
    spreadsheet.sheets.insert(min(index, len(spreadsheet.sheets)), sheet)
    spreadsheet.reindex()
    return {}


@handles("updateSpreadsheetProperties")
def update_spreadsheet_properties(spreadsheet: Spreadsheet, request: dict) -> dict:
    fields = required_fields(request)
    merge_fields(spreadsheet.properties, request.get("properties") or {}, fields)
    return {}


def apply_cell(sheet: Sheet, key: tuple[int, int], cell: dict, mask: dict) -> None:
    """Set the parts of one CellData that the fields mask names (`*` = all of them)."""
    every = not mask or "*" in mask
    if every or "userEnteredValue" in mask:
        value = from_extended_value(cell.get("userEnteredValue"))
        if isinstance(value, Formula):
            sheet.has_formulas = True
        row, column = key
        line = sheet.rows[row] if row < len(sheet.rows) else []
        if column < len(line):
            line[column] = value
        elif value is not None:
            sheet.write(row, column, [[value]])
    if every or "userEnteredFormat" in mask:
        sub = {} if every else mask["userEnteredFormat"]
        current = dict(sheet.formats.get(key, {}))
        source = cell.get("userEnteredFormat") or {}
        if not sub or "*" in sub:
            current = dict(source)
        else:
            _merge_mask(current, source, sub)
        if current:
            mirror_colors(current)
            mirror_colors(current.get("textFormat") or {})
            sheet.formats[key] = current
        else:
            sheet.formats.pop(key, None)
    for name, store in (("note", sheet.notes), ("dataValidation", sheet.validations)):
        if every or name in mask:
            if cell.get(name):
                store[key] = cell[name]
            else:
                store.pop(key, None)


COLOR_PAIRS = (
    ("backgroundColor", "backgroundColorStyle"),
    ("foregroundColor", "foregroundColorStyle"),
)


def mirror_colors(cell_format: dict) -> None:
    """Google keeps each colour twice, `xColor` and `xColorStyle.rgbColor`; set one, get both."""
    for plain, style in COLOR_PAIRS:
        if plain in cell_format:
            cell_format[style] = {"rgbColor": cell_format[plain]}
        elif "rgbColor" in (cell_format.get(style) or {}):
            cell_format[plain] = cell_format[style]["rgbColor"]


@handles("updateCells")
def update_cells(spreadsheet: Spreadsheet, request: dict) -> dict:
    mask = parse_mask(required_fields(request))
    rows = request.get("rows") or []
    if "start" in request:
        start = request["start"]
        sheet = sheet_of(spreadsheet, start.get("sheetId"))
        top, left = start.get("rowIndex", 0), start.get("columnIndex", 0)
        height = len(rows)
        width = max((len(r.get("values") or []) for r in rows), default=0)
        box = Box(top, top + height, left, left + width)
        if box.end_row > sheet.row_count or box.end_column > sheet.column_count:
            raise InvalidRequest(
                f"Range ('{sheet.title}'!{box.start_row + 1}:{box.end_row}) exceeds grid "
                f"limits. Max rows: {sheet.row_count}, max columns: {sheet.column_count}"
            )
    else:
        sheet, box = grid_box(spreadsheet, request.get("range") or {})
    for row_offset in range(box.end_row - box.start_row):
        cells = (rows[row_offset].get("values") or []) if row_offset < len(rows) else []
        for column_offset in range(box.end_column - box.start_column):
            cell = cells[column_offset] if column_offset < len(cells) else {}
            key = (box.start_row + row_offset, box.start_column + column_offset)
            apply_cell(sheet, key, cell or {}, mask)
    return {}


@handles("repeatCell")
def repeat_cell(spreadsheet: Spreadsheet, request: dict) -> dict:
    mask = parse_mask(required_fields(request))
    sheet, box = grid_box(spreadsheet, request.get("range") or {})
    cell = request.get("cell") or {}
    for row in range(box.start_row, box.end_row):
        for column in range(box.start_column, box.end_column):
            apply_cell(sheet, (row, column), cell, mask)
    return {}


def dimension_range(spreadsheet: Spreadsheet, request: dict) -> tuple[Sheet, str, int, int]:
    span = request.get("range") or {}
    sheet = sheet_of(spreadsheet, span.get("sheetId"))
    dimension = span.get("dimension")
    if dimension not in ("ROWS", "COLUMNS"):
        raise InvalidRequest("range.dimension must be ROWS or COLUMNS.")
    size = sheet.row_count if dimension == "ROWS" else sheet.column_count
    start, end = span.get("startIndex", 0), span.get("endIndex", size)
    if not 0 <= start < end:
        raise InvalidRequest("range.startIndex must be less than range.endIndex.")
    return sheet, dimension, start, end


@handles("updateDimensionProperties")
def update_dimension_properties(spreadsheet: Spreadsheet, request: dict) -> dict:
    sheet, dimension, start, end = dimension_range(spreadsheet, request)
    fields = required_fields(request)
    properties = request.get("properties") or {}
    found = sheet.dimensions[dimension]
    for index in range(start, end):
        merged = dict(found.get(index, {}))
        merge_fields(merged, properties, fields)
        if merged:
            found[index] = merged
        else:
            found.pop(index, None)
    return {}


@handles("insertDimension")
def insert_dimension(spreadsheet: Spreadsheet, request: dict) -> dict:
    span = request.get("range") or {}
    sheet = sheet_of(spreadsheet, span.get("sheetId"))
    dimension = span.get("dimension")
    size = sheet.row_count if dimension == "ROWS" else sheet.column_count
    start, end = span.get("startIndex", 0), span.get("endIndex", 0)
    if dimension not in ("ROWS", "COLUMNS") or not 0 <= start < end or start > size:
        raise InvalidRequest("Invalid range: startIndex must be less than endIndex.")
    other = sheet.column_count if dimension == "ROWS" else sheet.row_count
    spreadsheet.check_cells((end - start) * other)
    sheet.insert(dimension, start, end)
    shift_ranges(spreadsheet, sheet, dimension, start, end - start)
    return {}


@handles("appendDimension")
def append_dimension(spreadsheet: Spreadsheet, request: dict) -> dict:
    """Rows or columns added at the end of the grid (the sync's id column, past the last)."""
    sheet = sheet_of(spreadsheet, request.get("sheetId"))
    dimension, length = request.get("dimension"), request.get("length", 0)
    if dimension not in ("ROWS", "COLUMNS"):
        raise InvalidRequest("dimension must be ROWS or COLUMNS.")
    if not isinstance(length, int) or length < 1:
        raise InvalidRequest("length must be greater than 0.")
    rows = sheet.row_count + (length if dimension == "ROWS" else 0)
    columns = sheet.column_count + (length if dimension == "COLUMNS" else 0)
    spreadsheet.grow(sheet, rows, columns)
    return {}


@handles("deleteDimension")
def delete_dimension(spreadsheet: Spreadsheet, request: dict) -> dict:
    sheet, dimension, start, end = dimension_range(spreadsheet, request)
    size = sheet.row_count if dimension == "ROWS" else sheet.column_count
    if end >= size and start == 0:
        raise InvalidRequest(
            "You can't delete all the rows on the sheet."
            if dimension == "ROWS"
            else "You can't delete all the columns on the sheet."
        )
    sheet.delete(dimension, start, min(end, size))
    shift_ranges(spreadsheet, sheet, dimension, start, start - min(end, size))
    return {}


@handles("setDataValidation")
def set_data_validation(spreadsheet: Spreadsheet, request: dict) -> dict:
    sheet, box = grid_box(spreadsheet, request.get("range") or {})
    rule = request.get("rule")
    for row in range(box.start_row, box.end_row):
        for column in range(box.start_column, box.end_column):
            if rule:
                sheet.validations[(row, column)] = rule
            else:
                sheet.validations.pop((row, column), None)
    return {}
