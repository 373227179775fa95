"""batchUpdate requests that arrange cells: merges, sorting, the basic filter, row and column
groups, automatic column widths, copy-paste and cut-paste.

Each keeps what spreadsheets.get shows about it on the sheet (`merges`, `basicFilter`,
`rowGroups`/`columnGroups`, the dimensions' `pixelSize`) in Google's shape, sheetId 0 left out
of the ranges as Google leaves it out.
"""

from __future__ import annotations

from retaguarda.sync.emulator.batch import grid_box, handles, sheet_of
from retaguarda.sync.emulator.book import Box, Sheet, Spreadsheet, grid_range_out
from retaguarda.sync.emulator.compute import Calculator
from retaguarda.sync.emulator.errors import InvalidRequest
from retaguarda.sync.emulator.reading import shown_text
from retaguarda.sync.emulator.shifting import offset_formula
from retaguarda.sync.emulator.values import Formula

MERGE_TYPES = ("MERGE_ALL", "MERGE_COLUMNS", "MERGE_ROWS")
CHARACTER_PIXELS = 7  # Arial 10, the default font: about 7 pixels a character
CELL_PADDING = 10


def grid_of(sheet: Sheet, box: Box) -> dict:
    return grid_range_out(
        {
            "sheetId": sheet.sheet_id,
            "startRowIndex": box.start_row,
            "endRowIndex": box.end_row,
            "startColumnIndex": box.start_column,
            "endColumnIndex": box.end_column,
        }
    )


def box_of(grid: dict) -> Box:
    return Box(
        grid.get("startRowIndex", 0),
        grid.get("endRowIndex", 0),
        grid.get("startColumnIndex", 0),
        grid.get("endColumnIndex", 0),
    )


def cell_at(sheet: Sheet, row: int, column: int) -> object:
    line = sheet.rows[row] if row < len(sheet.rows) else []
    return line[column] if column < len(line) else None


@handles("mergeCells")
def merge_cells(spreadsheet: Spreadsheet, request: dict) -> dict:
    """Merging keeps each merge's top-left value, as Google warns it does."""
    kind = request.get("mergeType") or "MERGE_ALL"
    if kind not in MERGE_TYPES:
        raise InvalidRequest(f"Invalid mergeType: {kind}")
    sheet, box = grid_box(spreadsheet, request.get("range") or {})
    if kind == "MERGE_ROWS":
        parts = [
            Box(r, r + 1, box.start_column, box.end_column)
            for r in range(box.start_row, box.end_row)
        ]
    elif kind == "MERGE_COLUMNS":
        parts = [
            Box(box.start_row, box.end_row, c, c + 1)
            for c in range(box.start_column, box.end_column)
        ]
    else:
        parts = [box]
    merges = [m for m in sheet.objects.get("merges", []) if not box_of(m).overlaps(box)]
    for part in parts:
        if part.end_row - part.start_row == 1 and part.end_column - part.start_column == 1:
            continue
        anchor = cell_at(sheet, part.start_row, part.start_column)
        sheet.clear(part)
        if anchor is not None:
            sheet.write(part.start_row, part.start_column, [[anchor]])
        merges.append(grid_of(sheet, part))
    sheet.objects["merges"] = merges
    return {}


@handles("unmergeCells")
def unmerge_cells(spreadsheet: Spreadsheet, request: dict) -> dict:
    sheet, box = grid_box(spreadsheet, request.get("range") or {})
    merges = sheet.objects.get("merges", [])
    sheet.objects["merges"] = [m for m in merges if not box_of(m).overlaps(box)]
    return {}


def sort_key(value: object, descending: bool) -> tuple:
    """Google's order: numbers, then text (case ignored), then booleans; empty cells last."""
    if value is None or value == "":
        return (1, 0, 0)
    if isinstance(value, bool):
        rank, key = 2, value
    elif isinstance(value, int | float):
        rank, key = 0, value
    else:
        rank, key = 1, str(value).casefold()
    if descending:
        return (0, -rank, Reverse(key))
    return (0, rank, key)


class Reverse:
    """Wraps a sort key so that it orders backwards (for mixed text and numbers)."""

    def __init__(self, key: object) -> None:
        self.key = key

    def __lt__(self, other: Reverse) -> bool:
        return other.key < self.key

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Reverse) and other.key == self.key

    __hash__ = None  # type: ignore[assignment]


@handles("sortRange")
def sort_range(spreadsheet: Spreadsheet, request: dict) -> dict:
    """Rows of the range reordered by the sort specs; their formats and notes move with them."""
    sheet, box = grid_box(spreadsheet, request.get("range") or {})
    specs = request.get("sortSpecs") or [{"dimensionIndex": box.start_column}]
    width = box.end_column - box.start_column
    rows = []
    for row in range(box.start_row, box.end_row):
        values = [cell_at(sheet, row, c) for c in range(box.start_column, box.end_column)]
        sparse = [
            {c: store.get((row, c)) for c in range(box.start_column, box.end_column)}
            for store in (sheet.formats, sheet.notes, sheet.validations)
        ]
        rows.append((values, sparse))

    def key(item: tuple) -> list:
        values = item[0]
        return [
            sort_key(
                values[spec.get("dimensionIndex", 0) - box.start_column]
                if 0 <= spec.get("dimensionIndex", 0) - box.start_column < width
                else None,
                spec.get("sortOrder") == "DESCENDING",
            )
            for spec in specs
        ]

    rows.sort(key=key)
    sheet.clear(box)
    for offset, (values, sparse) in enumerate(rows):
        row = box.start_row + offset
        sheet.write(row, box.start_column, [["" if v is None else v for v in values]])
        for store, found in zip(
            (sheet.formats, sheet.notes, sheet.validations), sparse, strict=True
        ):
            for column, item in found.items():
                if item is None:
                    store.pop((row, column), None)
                else:
                    store[(row, column)] = item
    return {}


@handles("setBasicFilter")
def set_basic_filter(spreadsheet: Spreadsheet, request: dict) -> dict:
    given = dict(request.get("filter") or {})
    sheet, box = grid_box(spreadsheet, given.get("range") or {})
    given["range"] = grid_of(sheet, box)
    sheet.objects["basicFilter"] = given
    return {}


@handles("clearBasicFilter")
def clear_basic_filter(spreadsheet: Spreadsheet, request: dict) -> dict:
    sheet = sheet_of(spreadsheet, request.get("sheetId"))
    sheet.objects.pop("basicFilter", None)
    return {}


def group_span(spreadsheet: Spreadsheet, request: dict) -> tuple[Sheet, str, dict]:
    span = dict(request.get("range") or {})
    sheet = sheet_of(spreadsheet, span.get("sheetId"))
    dimension = span.get("dimension")
    if dimension not in ("ROWS", "COLUMNS"):
        raise InvalidRequest("range.dimension must be ROWS or COLUMNS.")
    if not 0 <= span.get("startIndex", 0) < span.get("endIndex", 0):
        raise InvalidRequest("range.startIndex must be less than range.endIndex.")
    return sheet, "rowGroups" if dimension == "ROWS" else "columnGroups", grid_range_out(span)


def groups_reply(sheet: Sheet, name: str) -> dict:
    groups = sheet.objects.get(name) or []
    return {"dimensionGroups": [dict(g) for g in groups]} if groups else {}


@handles("addDimensionGroup")
def add_dimension_group(spreadsheet: Spreadsheet, request: dict) -> dict:
    """A group one deeper than the groups holding it; the +/- control goes after it."""
    sheet, name, span = group_span(spreadsheet, request)
    groups = sheet.objects.setdefault(name, [])
    if any(g["range"] == span for g in groups):
        raise InvalidRequest("The group already exists.")
    depth = 1 + sum(
        1
        for g in groups
        if g["range"].get("startIndex", 0) <= span.get("startIndex", 0)
        and span["endIndex"] <= g["range"]["endIndex"]
    )
    groups.append({"range": span, "depth": depth})
    groups.sort(key=lambda g: (g["depth"], g["range"].get("startIndex", 0)))
    control = "rowGroupControlAfter" if name == "rowGroups" else "columnGroupControlAfter"
    sheet.grid.setdefault(control, True)
    return {"addDimensionGroup": groups_reply(sheet, name)}


@handles("deleteDimensionGroup")
def delete_dimension_group(spreadsheet: Spreadsheet, request: dict) -> dict:
    sheet, name, span = group_span(spreadsheet, request)
    groups = sheet.objects.get(name) or []
    found = [g for g in groups if g["range"] == span]
    if not found:
        raise InvalidRequest("No group exists with the given range.")
    groups.remove(found[-1])
    return {"deleteDimensionGroup": groups_reply(sheet, name)}


@handles("autoResizeDimensions")
def auto_resize_dimensions(spreadsheet: Spreadsheet, request: dict) -> dict:
    """Column widths fitted to the longest text shown (about 7 pixels a character)."""
    span = request.get("dimensions") or {}
    sheet = sheet_of(spreadsheet, span.get("sheetId"))
    dimension = span.get("dimension")
    if dimension != "COLUMNS":
        return {}  # rows keep Google's 21 pixels: the emulator does not wrap text
    start, end = span.get("startIndex", 0), span.get("endIndex", sheet.column_count)
    for column in range(start, min(end, sheet.column_count)):
        longest = max(
            (len(shown_text(spreadsheet, sheet, row, column)) for row in range(len(sheet.rows))),
            default=0,
        )
        if longest:
            props = sheet.dimensions["COLUMNS"].setdefault(column, {})
            props["pixelSize"] = longest * CHARACTER_PIXELS + CELL_PADDING
    return {}


def paste(
    spreadsheet: Spreadsheet,
    source: tuple[Sheet, Box],
    target: tuple[Sheet, int, int],
    kind: str,
    *,
    shift: bool = True,
) -> None:
    """Values and/or formats of the source block written from the target's top-left cell.

    A copied formula's relative references move with it (`shift`); a cut one's stay, as in
    Google; PASTE_VALUES pastes what formulas compute."""
    sheet, box = source
    to_sheet, top, left = target
    height, width = box.end_row - box.start_row, box.end_column - box.start_column
    if top + height > to_sheet.row_count or left + width > to_sheet.column_count:
        raise InvalidRequest("The paste would fall outside the grid.")
    values = [
        [cell_at(sheet, r, c) for c in range(box.start_column, box.end_column)]
        for r in range(box.start_row, box.end_row)
    ]
    formats = {
        (r - box.start_row, c - box.start_column): sheet.formats.get((r, c))
        for r in range(box.start_row, box.end_row)
        for c in range(box.start_column, box.end_column)
    }
    if kind == "PASTE_VALUES" and sheet.has_formulas:  # what the formulas show, not them
        calculator = Calculator(spreadsheet)
        values = [
            [calculator.value(sheet, r, c) for c in range(box.start_column, box.end_column)]
            for r in range(box.start_row, box.end_row)
        ]
    elif kind == "PASTE_NORMAL" and shift and sheet.has_formulas:
        down, right = top - box.start_row, left - box.start_column
        values = [
            [Formula(offset_formula(v, down, right)) if isinstance(v, Formula) else v for v in row]
            for row in values
        ]
    if kind in ("PASTE_NORMAL", "PASTE_VALUES"):
        to_sheet.write(top, left, [["" if v is None else v for v in row] for row in values])
        to_sheet.has_formulas = to_sheet.has_formulas or sheet.has_formulas
    if kind in ("PASTE_NORMAL", "PASTE_FORMAT"):
        for (r, c), found in formats.items():
            if found is None:
                to_sheet.formats.pop((top + r, left + c), None)
            else:
                to_sheet.formats[(top + r, left + c)] = dict(found)


@handles("copyPaste")
def copy_paste(spreadsheet: Spreadsheet, request: dict) -> dict:
    """The source repeated over the destination as many whole times as fit (at least once)."""
    source = grid_box(spreadsheet, request.get("source") or {})
    to_sheet, to_box = grid_box(spreadsheet, request.get("destination") or {})
    kind = request.get("pasteType") or "PASTE_NORMAL"
    height = source[1].end_row - source[1].start_row
    width = source[1].end_column - source[1].start_column
    down = max(1, (to_box.end_row - to_box.start_row) // max(height, 1))
    across = max(1, (to_box.end_column - to_box.start_column) // max(width, 1))
    for row in range(down):
        for column in range(across):
            top, left = to_box.start_row + row * height, to_box.start_column + column * width
            paste(spreadsheet, source, (to_sheet, top, left), kind)
    return {}


@handles("cutPaste")
def cut_paste(spreadsheet: Spreadsheet, request: dict) -> dict:
    sheet, box = grid_box(spreadsheet, request.get("source") or {})
    where = request.get("destination") or {}
    to_sheet = sheet_of(spreadsheet, where.get("sheetId"))
    kind = request.get("pasteType") or "PASTE_NORMAL"
    snapshot = sheet.copy()
    sheet.clear(box)
    for row in range(box.start_row, box.end_row):
        for column in range(box.start_column, box.end_column):
            sheet.formats.pop((row, column), None)
    target = (to_sheet, where.get("rowIndex", 0), where.get("columnIndex", 0))
    paste(spreadsheet, (snapshot, box), target, kind, shift=False)
    return {}
