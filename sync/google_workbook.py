"""The Google Sheets adapter of the workbook port: the add-in's marks, written into a team's
spreadsheet after a sync, in one spreadsheets.batchUpdate.

The macros (`addin.macros.mark_workbook`) act cell by cell; here every action becomes a request
kept in order and sent together at the end (`flush`), so that a sync costs Google's quota one
write however many cells it marks, and a spreadsheet is never left half marked: Google applies
a batchUpdate whole or not at all. Reading is kept as small: the sheet list comes from the
pull's metadata, the add-in's record of its marks is one values read, and the notes already on
the cells about to be noted (a note of the user's own is left alone) one spreadsheets.get.

Everything written is inert: text goes in as `userEnteredValue.stringValue`, which Google
stores as text whatever it starts with, so a value "=HYPERLINK(…)" copied from a user's cell
shows as that text and never runs.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import gspread
from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter

from retaguarda.addin.macros import mark_workbook
from retaguarda.addin.marks import FORMULA_PREFIXES, cell_marks, visible
from retaguarda.addin.port import Capabilities, SheetValues
from retaguarda.templates.table import Table
from retaguarda.validators.issues import Issue, sheet_reference
from retaguarda.validators.report import Report, SheetSummary

#: a Google Sheet shows notes, links, fills and hidden sheets; it has no message box for us
CAPABILITIES = Capabilities(notes=True, hidden_sheets=True)
#: the description of the protected range over a sheet's ID column, by which a later sync
#: knows it is there and does not add it again
ID_PROTECTION = (
    "Retaguarda: identificador de cada linha, gravado pela sincronização. Não edite nem apague "
    "(Retaguarda: row identifiers written by the sync; do not edit)."
)
#: the fields of a cell's fill (Google keeps the colour twice)
FILL_FIELDS = "userEnteredFormat.backgroundColor,userEnteredFormat.backgroundColorStyle"
#: a sheet Google adds without a size given
NEW_SHEET_ROWS, NEW_SHEET_COLUMNS = 1000, 26

#: runs one request against Google with the sync's retries: (what, request) -> its answer
Call = Callable[[str, Callable[[], Any]], Any]


def write_marks(
    http: gspread.HTTPClient,
    spreadsheet_id: str,
    sheets: Sequence[Mapping[str, Any]],
    tables: Sequence[Table],
    issues: Sequence[Issue],
    call: Call,
) -> int:
    """Mark the spreadsheet with a sync's issues, undo the marks of what was fixed, list every
    issue in the Pendências sheet, and protect each template sheet's ID column (warning only);
    how many cells are marked now.

    `sheets` is the spreadsheet's metadata as the pull read it (`sheets(properties,
    protectedRanges)`), `tables` the template sheets it found, `call` the sync's `Retry.call`.
    """
    report = Report(
        issues=list(issues),
        sheets=[SheetSummary("", t.sheet, t.template.id, len(t)) for t in tables],
    )
    cells = {(m.sheet, m.cell) for m in cell_marks(report.issues)}
    properties = [s["properties"] for s in sheets]
    workbook = GoogleWorkbook(http, spreadsheet_id, properties, call, note_cells=list(cells))
    mark_workbook(workbook, report, found_templates=bool(tables))
    workbook.requests += id_protection(sheets, tables)
    workbook.flush()
    return sum(1 for sheet, _cell in cells if sheet in workbook.sheets)


def id_protection(
    sheets: Sequence[Mapping[str, Any]], tables: Sequence[Table]
) -> list[dict[str, Any]]:
    """A warning-only protected range over each table's ID column, where Retaguarda's is not
    there yet (moved to the column if the column moved): someone editing an id is asked first,
    since a changed id makes the row look removed and a new one added."""
    out: list[dict[str, Any]] = []
    by_title = {s["properties"]["title"]: s for s in sheets}
    for table in tables:
        sheet = by_title.get(table.sheet)
        if sheet is None:
            continue
        sheet_id = sheet["properties"]["sheetId"]
        column = table.id_column - 1
        wanted = {"sheetId": sheet_id, "startColumnIndex": column, "endColumnIndex": column + 1}
        ours = [
            p for p in sheet.get("protectedRanges", []) if p.get("description") == ID_PROTECTION
        ]
        if any(_same_range(p.get("range", {}), wanted) for p in ours):
            continue
        if ours:
            out.append(
                {
                    "updateProtectedRange": {
                        "protectedRange": {
                            "protectedRangeId": ours[0]["protectedRangeId"],
                            "range": wanted,
                        },
                        "fields": "range",
                    }
                }
            )
            continue
        out.append(
            {
                "addProtectedRange": {
                    "protectedRange": {
                        "range": wanted,
                        "description": ID_PROTECTION,
                        "warningOnly": True,
                    }
                }
            }
        )
    return out


def _same_range(found: Mapping[str, Any], wanted: Mapping[str, Any]) -> bool:
    # Google leaves out a sheetId of 0 and the bounds that are unbounded
    keys = ("sheetId", "startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex")
    return all(found.get(k, 0 if k == "sheetId" else None) == wanted.get(k) for k in keys)


@dataclass
class _Sheet:
    sheet_id: int
    rows: int
    columns: int
    added: dict[str, Any] | None = None  # the addSheet request, while not yet sent


class GoogleWorkbook:
    """The workbook port over one Google spreadsheet; writes wait for `flush`."""

    capabilities = CAPABILITIES

    def __init__(
        self,
        http: gspread.HTTPClient,
        spreadsheet_id: str,
        properties: Sequence[Mapping[str, Any]],
        call: Call,
        *,
        note_cells: Sequence[tuple[str, str]] = (),
    ) -> None:
        self.http = http
        self.spreadsheet_id = spreadsheet_id
        self.call = call
        self.sheets: dict[str, _Sheet] = {}
        for p in sorted(properties, key=lambda p: p.get("index", 0)):
            grid = p.get("gridProperties", {})
            self.sheets[p["title"]] = _Sheet(
                p.get("sheetId", 0),
                grid.get("rowCount", NEW_SHEET_ROWS),
                grid.get("columnCount", NEW_SHEET_COLUMNS),
            )
        self.requests: list[dict[str, Any]] = []
        self._note_cells = list(note_cells)
        # the blocks whose notes were read (top, bottom, left, right; 1-based), by sheet, and
        # the cells found with a note
        self._read_boxes: dict[str, list[tuple[int, ...]]] = {}
        self._noted: set[tuple[str, str]] = set()
        # what this batch writes, so that a link joins the block its cell was written in and a
        # note the request of its cell's fill: blocks by sheet (top row, left column, request,
        # CellData rows), single cells by (sheet, cell) with their request and CellData
        self._blocks: dict[str, list[tuple[int, int, dict[str, Any], list[list[dict]]]]] = {}
        self._cells: dict[tuple[str, str], tuple[dict[str, Any], dict[str, Any]]] = {}

    def sheet_names(self) -> list[str]:
        return list(self.sheets)

    def read(self, sheet: str) -> SheetValues:
        """The sheet's values as Google stores them (one values read)."""
        answer = self.call(
            "ler marcações",
            lambda: self.http.values_get(
                self.spreadsheet_id,
                sheet_reference(sheet, always_quote=True),
                params={"valueRenderOption": "UNFORMATTED_VALUE"},
            ),
        )
        rows = answer.get("values", [])
        width = max((len(r) for r in rows), default=0)
        # Google leaves out each row's trailing empty cells; the port hands over a grid
        return SheetValues([[*r, *[""] * (width - len(r))] for r in rows])

    def write(self, sheet: str, cell: str, rows: Sequence[Sequence[object]]) -> None:
        if not rows:
            return
        top, left = coordinate_to_tuple(cell)
        width = max(len(r) for r in rows)
        self._fit(sheet, top - 1 + len(rows), left - 1 + width)
        grid = [[_cell_data(v) for v in row] for row in rows]
        request = {
            "updateCells": {
                "start": self._start(sheet, top - 1, left - 1),
                "rows": [{"values": values} for values in grid],
                "fields": "userEnteredValue",
            }
        }
        self.requests.append(request)
        self._blocks.setdefault(sheet, []).append((top, left, request["updateCells"], grid))

    def replace_sheet(self, sheet: str, *, first: bool = False) -> None:
        found = self.sheets.get(sheet)
        if found is not None:  # emptied where it is: the user may have moved it
            self._forget(sheet)
            self.requests.append(
                {"updateCells": {"range": {"sheetId": found.sheet_id}, "fields": "*"}}
            )
            return
        sheet_id = self._new_sheet_id()
        properties: dict[str, Any] = {
            "sheetId": sheet_id,
            "title": sheet,
            "gridProperties": {"rowCount": NEW_SHEET_ROWS, "columnCount": NEW_SHEET_COLUMNS},
        }
        if first:
            properties["index"] = 0
        request = {"addSheet": {"properties": properties}}
        self.requests.append(request)
        self.sheets[sheet] = _Sheet(sheet_id, NEW_SHEET_ROWS, NEW_SHEET_COLUMNS, request)

    def delete_sheet(self, sheet: str) -> None:
        found = self.sheets.pop(sheet)
        self._forget(sheet)
        self.requests.append({"deleteSheet": {"sheetId": found.sheet_id}})

    def paint(self, sheet: str, cell: str, color: str | None) -> None:
        # both of Google's fields for the colour, so no older one is left to show through
        fill = None
        if color:
            rgb = _rgb(color)
            fill = {"backgroundColor": rgb, "backgroundColorStyle": {"rgbColor": rgb}}
        self._set(sheet, cell, FILL_FIELDS, fill)

    def has_note(self, sheet: str, cell: str) -> bool:
        if not self._known(sheet, cell):
            self._read_notes([(sheet, cell), *self._note_cells])
        return (sheet, cell) in self._noted

    def set_note(self, sheet: str, cell: str, text: str | None) -> None:
        self._set(sheet, cell, "note", visible(text) if text else None)

    def link(self, sheet: str, cell: str, target: str, text: str) -> None:
        """A link to a cell of this spreadsheet, as Google writes one: `#gid=<id>&range=D17`."""
        reference, _, address = target.rpartition("!")
        title = reference[1:-1].replace("''", "'") if reference.startswith("'") else reference
        uri = f"#gid={self.sheets[title].sheet_id}&range={address}"
        written = self._written(sheet, cell)
        if written is None:
            self.write(sheet, cell, [[text]])
            written = self._written(sheet, cell)
            assert written is not None
        request, data = written
        data["userEnteredFormat"] = {"textFormat": {"link": {"uri": uri}}}
        field = "userEnteredFormat.textFormat.link"
        if field not in request["fields"].split(","):
            request["fields"] += f",{field}"

    def hide_sheet(self, sheet: str) -> None:
        self.requests.append(
            {
                "updateSheetProperties": {
                    "properties": {"sheetId": self.sheets[sheet].sheet_id, "hidden": True},
                    "fields": "hidden",
                }
            }
        )

    def alert(self, message: str, title: str) -> None:
        raise NotImplementedError("the sync shows no message box (capabilities.alerts)")

    def flush(self) -> None:
        """Send every request kept so far, in order, as one batchUpdate."""
        if not self.requests:
            return
        body = {"requests": self.requests}
        self.call("gravar marcações", lambda: self.http.batch_update(self.spreadsheet_id, body))
        self.requests = []
        self._blocks.clear()
        self._cells.clear()
        for found in self.sheets.values():
            found.added = None

    def _set(self, sheet: str, cell: str, field: str, value: Any) -> None:
        """One part of one cell (a fill, a note; None removes it), joined to the request for
        that cell if there is one."""
        data: dict[str, Any] = {}
        if value is not None:
            data["note" if field == "note" else "userEnteredFormat"] = value
        joined = self._cells.get((sheet, cell))
        if joined is not None and not set(field.split(",")) & set(joined[0]["fields"].split(",")):
            request, current = joined
            current.update(data)
            request["fields"] += f",{field}"
            return
        row, column = coordinate_to_tuple(cell)
        request = {
            "start": self._start(sheet, row - 1, column - 1),
            "rows": [{"values": [data]}],
            "fields": field,
        }
        self.requests.append({"updateCells": request})
        self._cells[(sheet, cell)] = (request, data)

    def _read_notes(self, cells: Sequence[tuple[str, str]]) -> None:
        """The notes on these cells (those not read yet), for every sheet at once: one read,
        of a block per sheet from its first to its last such cell."""
        boxes: dict[str, list[int]] = {}
        for name, cell in cells:
            if name not in self.sheets or self._known(name, cell):
                continue
            row, column = coordinate_to_tuple(cell)
            box = boxes.setdefault(name, [row, row, column, column])
            box[:] = [min(box[0], row), max(box[1], row), min(box[2], column), max(box[3], column)]
        if not boxes:
            return
        ranges = [
            f"{sheet_reference(name, always_quote=True)}!{get_column_letter(b[2])}{b[0]}:"
            f"{get_column_letter(b[3])}{b[1]}"
            for name, b in boxes.items()
        ]
        fields = "sheets(properties(title),data(startRow,startColumn,rowData.values.note))"
        answer = self.call(
            "ler notas",
            lambda: self.http.fetch_sheet_metadata(
                self.spreadsheet_id, params={"ranges": ranges, "fields": fields}
            ),
        )
        for found in answer.get("sheets", []):
            title = found["properties"]["title"]
            for data in found.get("data", []):
                top, left = data.get("startRow", 0), data.get("startColumn", 0)
                for i, row in enumerate(data.get("rowData", [])):
                    for j, value in enumerate(row.get("values", [])):
                        if value.get("note"):
                            self._noted.add(
                                (title, f"{get_column_letter(left + j + 1)}{top + i + 1}")
                            )
        for name, box in boxes.items():
            self._read_boxes.setdefault(name, []).append(tuple(box))

    def _known(self, sheet: str, cell: str) -> bool:
        """Whether the notes read so far covered this cell."""
        row, column = coordinate_to_tuple(cell)
        return any(
            top <= row <= bottom and left <= column <= right
            for top, bottom, left, right in self._read_boxes.get(sheet, [])
        )

    def _written(self, sheet: str, cell: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The request and CellData of a block this batch writes into `cell`, the latest."""
        row, column = coordinate_to_tuple(cell)
        for top, left, request, grid in reversed(self._blocks.get(sheet, [])):
            if 0 <= row - top < len(grid) and 0 <= column - left < len(grid[row - top]):
                return request, grid[row - top][column - left]
        return None

    def _fit(self, sheet: str, rows: int, columns: int) -> None:
        """Grow the sheet's grid to hold a block: Google refuses a write past its edge."""
        found = self.sheets[sheet]
        if found.added is not None:
            grid = found.added["addSheet"]["properties"]["gridProperties"]
            grid["rowCount"] = found.rows = max(found.rows, rows)
            grid["columnCount"] = found.columns = max(found.columns, columns)
            return
        for dimension, have, need in (
            ("ROWS", found.rows, rows),
            ("COLUMNS", found.columns, columns),
        ):
            if need > have:
                self.requests.append(
                    {
                        "appendDimension": {
                            "sheetId": found.sheet_id,
                            "dimension": dimension,
                            "length": need - have,
                        }
                    }
                )
        found.rows, found.columns = max(found.rows, rows), max(found.columns, columns)

    def _start(self, sheet: str, row: int, column: int) -> dict[str, int]:
        return {"sheetId": self.sheets[sheet].sheet_id, "rowIndex": row, "columnIndex": column}

    def _forget(self, sheet: str) -> None:
        self._blocks.pop(sheet, None)
        for key in [k for k in self._cells if k[0] == sheet]:
            del self._cells[key]

    def _new_sheet_id(self) -> int:
        taken = {s.sheet_id for s in self.sheets.values()}
        while (sheet_id := secrets.randbelow(2**31 - 1) + 1) in taken:
            pass
        return sheet_id


def _cell_data(value: object) -> dict[str, Any]:
    """A value as Google's CellData; text is always a string value, so never a formula."""
    if isinstance(value, str):  # most of what the macros write: tested first
        return {"userEnteredValue": {"stringValue": _unquoted(visible(value))}} if value else {}
    if value is None:
        return {}
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, (int, float, Decimal)):
        return {"userEnteredValue": {"numberValue": float(value)}}
    return {"userEnteredValue": {"stringValue": _unquoted(visible(str(value)))}}


def _unquoted(text: str) -> str:
    """The macros quote text that looks like a formula ("'=…", `marks.inert`) for the clients
    that would run it; Google stores a string value as text already, and would show the quote."""
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def _rgb(color: str) -> dict[str, float]:
    """ "FFC7CE" as Google's Color: each channel from 0 to 1."""
    red, green, blue = (int(color[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return {"red": red, "green": green, "blue": blue}
