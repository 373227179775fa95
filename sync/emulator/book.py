"""The in-memory spreadsheets: a grid of plain Python rows per sheet, everything else sparse.

Speed is the point of the layout: a sheet's values are a list of row lists (None = empty cell),
so a 100,000-row read is a slice per row and a write is an assignment per cell; formats, notes,
validation rules and dimension properties live in dicts keyed by position and cost nothing for
the cells that have none.
"""

from __future__ import annotations

import random
import secrets
import string
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from retaguarda.sync.emulator.a1 import A1Range, column_index, parse_range, split_sheet
from retaguarda.sync.emulator.defaults import DEFAULT_FORMAT, DEFAULT_THEME
from retaguarda.sync.emulator.errors import ApiError, invalid_argument, unparsable_range

CELL_LIMIT = 10_000_000
ID_ALPHABET = string.ascii_letters + string.digits + "-_"


def now() -> datetime:
    return datetime.now(UTC)


def new_spreadsheet_id() -> str:
    """44 characters, like Google's file ids."""
    return "1" + "".join(secrets.choice(ID_ALPHABET) for _ in range(43))


def rfc3339(moment: datetime) -> str:
    """Drive's timestamps: UTC with milliseconds, `2023-08-17T10:53:41.893Z`."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass
class Box:
    """A resolved block of one sheet: 0-based, end-exclusive."""

    start_row: int
    end_row: int
    start_column: int
    end_column: int

    def overlaps(self, other: Box) -> bool:
        """Whether the two blocks share a cell."""
        return (
            self.start_row < other.end_row
            and other.start_row < self.end_row
            and self.start_column < other.end_column
            and other.start_column < self.end_column
        )


class Sheet:
    """One tab: Google's `SheetProperties` dict plus the grid."""

    def __init__(self, properties: dict, rows: list[list] | None = None) -> None:
        self.properties = properties
        self.rows: list[list] = rows if rows is not None else []
        self.formats: dict[tuple[int, int], dict] = {}
        self.notes: dict[tuple[int, int], str] = {}
        self.validations: dict[tuple[int, int], dict] = {}
        self.dimensions: dict[str, dict[int, dict]] = {"ROWS": {}, "COLUMNS": {}}
        # Sheet-level objects answered in spreadsheets.get (`merges`, `protectedRanges`,
        # `basicFilter`, `rowGroups`...), each in Google's own JSON shape.
        self.objects: dict[str, object] = {}
        self.has_formulas = False  # set when a formula is stored; reads of others skip the scan

    @property
    def sheet_id(self) -> int:
        return self.properties["sheetId"]

    @property
    def title(self) -> str:
        return self.properties["title"]

    @property
    def grid(self) -> dict:
        return self.properties.setdefault("gridProperties", {})

    @property
    def row_count(self) -> int:
        return self.grid.get("rowCount", 0)

    @property
    def column_count(self) -> int:
        return self.grid.get("columnCount", 0)

    @property
    def hidden(self) -> bool:
        return bool(self.properties.get("hidden"))

    @property
    def hidden_columns(self) -> list[int]:
        """0-based indexes of the columns hidden by the user."""
        found = self.dimensions["COLUMNS"].items()
        return sorted(i for i, props in found if props.get("hiddenByUser"))

    @property
    def hidden_rows(self) -> list[int]:
        found = self.dimensions["ROWS"].items()
        return sorted(i for i, props in found if props.get("hiddenByUser"))

    def copy(self) -> Sheet:
        """A copy deep enough for batchUpdate's all-or-nothing rollback."""
        twin = Sheet(deep_copy(self.properties), [row.copy() for row in self.rows])
        twin.formats = {k: deep_copy(v) for k, v in self.formats.items()}
        twin.notes = dict(self.notes)
        twin.validations = dict(self.validations)
        twin.dimensions = {
            k: {i: dict(p) for i, p in v.items()} for k, v in self.dimensions.items()
        }
        twin.objects = deep_copy(self.objects)
        twin.has_formulas = self.has_formulas
        return twin

    def entry(self, owner: str | None = None) -> dict:
        """The sheet as spreadsheets.get lists it: properties and whatever objects it holds.

        Google lists the spreadsheet's owner first among every protected range's editors.
        """
        answer: dict = {"properties": deep_copy(self.properties)}
        for name, value in self.objects.items():
            if value:
                answer[name] = deep_copy(value)
        for protected in answer.get("protectedRanges", []) if owner else []:
            users = protected.setdefault("editors", {}).setdefault("users", [])
            if owner not in users:
                users.insert(0, owner)
        return answer

    # Inspection helpers (for tests), by A1 cell name.
    def value(self, cell: str) -> object:
        row, column = _cell(cell)
        line = self.rows[row] if row < len(self.rows) else []
        return line[column] if column < len(line) else None

    def note(self, cell: str) -> str | None:
        return self.notes.get(_cell(cell))

    def format(self, cell: str) -> dict:
        return self.formats.get(_cell(cell), {})

    def background(self, cell: str) -> dict | None:
        """The cell's background colour, whichever of Google's two fields set it."""
        found = self.format(cell)
        style = found.get("backgroundColorStyle") or {}
        return found.get("backgroundColor") or style.get("rgbColor")

    def values(self) -> list[list]:
        """The stored values, trailing empties trimmed, empty cells as ''."""
        return trim_rows([row.copy() for row in self.rows])

    # Grid operations.
    def resize(self, rows: int, columns: int) -> None:
        self.grid["rowCount"] = rows
        self.grid["columnCount"] = columns
        del self.rows[rows:]
        if any(len(row) > columns for row in self.rows):
            self.rows[:] = [row[:columns] for row in self.rows]
        for store in (self.formats, self.notes, self.validations):
            for key in [k for k in store if k[0] >= rows or k[1] >= columns]:
                del store[key]

    def write(self, start_row: int, start_column: int, matrix: list[list]) -> None:
        """Write a block of values; None leaves a cell unchanged, '' empties it."""
        rows = self.rows
        if len(rows) < start_row + len(matrix):
            rows.extend([] for _ in range(start_row + len(matrix) - len(rows)))
        for offset, values in enumerate(matrix):
            if not values:
                continue
            row = rows[start_row + offset]
            end = start_column + len(values)
            if len(row) < end:
                row.extend([None] * (end - len(row)))
            if None not in values and "" not in values:
                row[start_column:end] = values
                continue
            for column, value in enumerate(values, start_column):
                if value is not None:
                    row[column] = None if value == "" else value

    def clear(self, box: Box) -> None:
        for row in self.rows[box.start_row : box.end_row]:
            end = min(box.end_column, len(row))
            if box.start_column < end:
                row[box.start_column : end] = [None] * (end - box.start_column)

    def read(self, box: Box) -> list[list]:
        """The raw block, row by row, cut to what is stored (rows may be short or missing)."""
        return [
            row[box.start_column : box.end_column] for row in self.rows[box.start_row : box.end_row]
        ]

    def insert(self, dimension: str, start: int, end: int) -> None:
        count = end - start
        if dimension == "ROWS":
            if start < len(self.rows):
                self.rows[start:start] = [[] for _ in range(count)]
            self.grid["rowCount"] = self.row_count + count
        else:
            for row in self.rows:
                if start < len(row):
                    row[start:start] = [None] * count
            self.grid["columnCount"] = self.column_count + count
        self._shift(dimension, start, count)

    def delete(self, dimension: str, start: int, end: int) -> None:
        count = end - start
        if dimension == "ROWS":
            del self.rows[start:end]
            self.grid["rowCount"] = self.row_count - count
        else:
            for row in self.rows:
                del row[start:end]
            self.grid["columnCount"] = self.column_count - count
        self._shift(dimension, start, -count)

    def _shift(self, dimension: str, start: int, count: int) -> None:
        """Move sparse entries after an insert (count > 0) or a delete (count < 0)."""
        axis = 0 if dimension == "ROWS" else 1
        for store in (self.formats, self.notes, self.validations):
            moved = {}
            for key, item in store.items():
                if key[axis] < start:
                    moved[key] = item
                elif count > 0 or key[axis] >= start - count:
                    shifted = list(key)
                    shifted[axis] += count
                    moved[tuple(shifted)] = item
            store.clear()
            store.update(moved)
        props = self.dimensions[dimension]
        self.dimensions[dimension] = {
            (i if i < start else i + count): p
            for i, p in props.items()
            if i < start or count > 0 or i >= start - count
        }


class Spreadsheet:
    """One spreadsheet (a Drive file): properties, sheets in order, Drive times, access."""

    def __init__(self, spreadsheet_id: str, title: str, locale: str, time_zone: str) -> None:
        self.id = spreadsheet_id
        self.properties: dict = {
            "title": title,
            "locale": locale,
            "autoRecalc": "ON_CHANGE",
            "timeZone": time_zone,
            "defaultFormat": deep_copy(DEFAULT_FORMAT),
            "spreadsheetTheme": deep_copy(DEFAULT_THEME),
        }
        self.sheets: list[Sheet] = []
        self.named_ranges: list[dict] = []
        self.owner: str | None = None  # the service account that created it (Drive create)
        self.read_only = False
        self.created = now()
        self.modified = self.created
        self._ids = random.Random(spreadsheet_id)

    @property
    def title(self) -> str:
        return self.properties["title"]

    @property
    def locale(self) -> str:
        return self.properties["locale"]

    def touch(self) -> None:
        """Move Drive's modifiedTime forward, strictly, even within one millisecond."""
        moment = now()
        if moment <= self.modified:
            moment = self.modified + timedelta(milliseconds=1)
        self.modified = moment

    def sheet(self, title: str) -> Sheet:
        """By title, as a test would ask."""
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        raise KeyError(title)

    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)

    def new_object_id(self) -> int:
        """An id for a protected or named range: a positive 31-bit integer, as Google's."""
        return self._ids.randrange(1, 2**31 - 1)

    def new_sheet_id(self) -> int:
        taken = {s.sheet_id for s in self.sheets}
        while True:
            candidate = 0 if not taken else self._ids.randrange(1, 2**31 - 1)
            if candidate not in taken:
                return candidate

    def add_sheet(self, properties: dict, rows: list[list] | None = None) -> Sheet:
        props = deep_copy(properties)
        if "sheetId" not in props:
            props["sheetId"] = self.new_sheet_id()
        props.setdefault("title", self._free_title())
        index = min(props.get("index", len(self.sheets)), len(self.sheets))
        props["index"] = index
        props.setdefault("sheetType", "GRID")
        grid = props.setdefault("gridProperties", {})
        grid.setdefault("rowCount", 1000)
        grid.setdefault("columnCount", 26)
        sheet = Sheet(props, rows)
        self.check_cells(extra=grid["rowCount"] * grid["columnCount"])
        self.sheets.insert(index, sheet)
        self.reindex()
        return sheet

    def _free_title(self) -> str:
        titles = {s.title for s in self.sheets}
        number = len(self.sheets) + 1
        while f"Sheet{number}" in titles:
            number += 1
        return f"Sheet{number}"

    def reindex(self) -> None:
        for index, sheet in enumerate(self.sheets):
            sheet.properties["index"] = index

    def cell_count(self) -> int:
        return sum(s.row_count * s.column_count for s in self.sheets)

    def check_cells(self, extra: int = 0) -> None:
        if self.cell_count() + extra > CELL_LIMIT:
            raise invalid_argument(
                "This action would increase the number of cells in the workbook above the "
                f"limit of {CELL_LIMIT} cells."
            )

    def grow(self, sheet: Sheet, rows: int, columns: int) -> None:
        """Expand the grid to at least rows × columns, within Google's cell limit."""
        new_rows, new_columns = max(rows, sheet.row_count), max(columns, sheet.column_count)
        extra = new_rows * new_columns - sheet.row_count * sheet.column_count
        if extra > 0:
            self.check_cells(extra)
            sheet.grid["rowCount"], sheet.grid["columnCount"] = new_rows, new_columns

    def resolve(self, text: str) -> tuple[Sheet, A1Range]:
        """The sheet an A1 range (or a named range) names, the first sheet when none is named."""
        try:
            parsed = parse_range(text, {s.title for s in self.sheets})
        except ApiError:
            named = self.named(split_sheet(text)[1])
            if named is None:
                raise
            return named
        if parsed.sheet is None:
            return self.sheets[0], parsed
        for sheet in self.sheets:
            if sheet.title == parsed.sheet:
                return sheet, parsed
        raise unparsable_range(text)

    def named(self, name: str) -> tuple[Sheet, A1Range] | None:
        """A named range (names are case-insensitive, as in Google) as a sheet and a range."""
        for named_range in self.named_ranges:
            if named_range["name"].upper() == name.upper():
                grid = named_range.get("range") or {}
                sheet = self.sheet_by_id(grid.get("sheetId", 0))
                if sheet is None:
                    return None
                return sheet, A1Range(
                    sheet.title,
                    grid.get("startRowIndex", 0),
                    grid.get("endRowIndex"),
                    grid.get("startColumnIndex", 0),
                    grid.get("endColumnIndex"),
                )
        return None

    def reference(self, name: str, home: Sheet) -> tuple[Sheet, Box]:
        """A formula's reference as the engine spells it (`'SHEET 2'!A1:B2`, `A:A`, `TOTAL`):
        sheet titles compared without case, no sheet = the formula's own sheet."""
        title, cells = split_sheet(name)
        sheet = home
        if title is not None:
            sheet = next((s for s in self.sheets if s.title.upper() == title.upper()), None)
            if sheet is None:
                raise unparsable_range(name)
        try:
            parsed = parse_range(cells, set())
        except ApiError:
            found = self.named(cells)
            if found is None:
                raise
            sheet, parsed = found
        box = Box(
            parsed.start_row or 0,
            sheet.row_count if parsed.end_row is None else min(parsed.end_row, sheet.row_count),
            parsed.start_column or 0,
            sheet.column_count
            if parsed.end_column is None
            else min(parsed.end_column, sheet.column_count),
        )
        box.end_row = max(box.end_row, box.start_row)
        box.end_column = max(box.end_column, box.start_column)
        return sheet, box

    def box(self, text: str) -> tuple[Sheet, Box]:
        """Resolve for reading: open ends close at the grid, nothing may fall outside it."""
        sheet, parsed = self.resolve(text)
        box = Box(
            parsed.start_row or 0,
            sheet.row_count if parsed.end_row is None else parsed.end_row,
            parsed.start_column or 0,
            sheet.column_count if parsed.end_column is None else parsed.end_column,
        )
        if box.end_row > sheet.row_count or box.end_column > sheet.column_count:
            raise ApiError(
                400,
                f"Range ({text}) exceeds grid limits. Max rows: {sheet.row_count}, "
                f"max columns: {sheet.column_count}",
            )
        box.end_row = max(box.end_row, box.start_row)
        box.end_column = max(box.end_column, box.start_column)
        return sheet, box

    def metadata(self) -> dict:
        answer = {
            "spreadsheetId": self.id,
            "properties": deep_copy(self.properties),
            "sheets": [s.entry(self.owner) for s in self.sheets],
        }
        if self.named_ranges:
            answer["namedRanges"] = [
                {**n, "range": grid_range_out(n["range"])} for n in deep_copy(self.named_ranges)
            ]
        answer["spreadsheetUrl"] = f"https://docs.google.com/spreadsheets/d/{self.id}/edit"
        return answer

    def snapshot(self) -> tuple[dict, list[Sheet], list[dict]]:
        return (
            deep_copy(self.properties),
            [s.copy() for s in self.sheets],
            deep_copy(self.named_ranges),
        )

    def restore(self, snapshot: tuple[dict, list[Sheet], list[dict]]) -> None:
        self.properties, self.sheets, self.named_ranges = snapshot


def grid_range_out(grid: dict) -> dict:
    """A GridRange as Google answers it: `sheetId` left out when it is 0 (its default)."""
    return {k: v for k, v in grid.items() if not (k == "sheetId" and v == 0)}


def trim_rows(rows: list[list]) -> list[list]:
    """Google's answer shape: trailing empty cells and rows dropped, inner empties as ''.

    `rows` must be the caller's own lists (as `Sheet.read` returns): they may be handed out.
    """
    out = []
    for row in rows:
        end = len(row)
        while end and row[end - 1] is None:
            end -= 1
        line = row if end == len(row) else row[:end]
        if None in line:
            line = ["" if v is None else v for v in line]
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return out


def _cell(name: str) -> tuple[int, int]:
    letters = name.rstrip("0123456789")
    return int(name[len(letters) :]) - 1, column_index(letters)


def deep_copy(value: object) -> object:
    """A copy of JSON-like data (dicts, lists, scalars): faster than copy.deepcopy."""
    if isinstance(value, dict):
        return {k: deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [deep_copy(v) for v in value]
    return value
