"""Workbooks as the xlwings Server clients send them, built from real .xlsx files.

`payload(path, client)` reads a workbook with calamine and emits the request body in the shape
each client sends (xlwings 0.37.8: `addin/Remote.bas` for VBA, `js/xlwings.ts` for Office
Scripts; the Office.js client adds `notes` and `visibility`). `apply(payload, actions)` plays a
response back into the payload the way a client applies it to its workbook, so that a second
request sees what the first one wrote; fills and notes, which requests do not carry (except
Office.js notes), are kept under `"_fills"` for the tests to look at.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import xlwings as xw
from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter
from python_calamine import CalamineWorkbook

OFFICE_JS = "Office.js"
VBA = "VBA"
OFFICE_SCRIPTS = "Microsoft Office Scripts"
CLIENTS = (OFFICE_JS, VBA, OFFICE_SCRIPTS)
#: the actions each client applies, read from the clients xlwings ships; Office.js does all
BASIC_ACTIONS = frozenset(
    {
        "setValues",
        "rangeClearContents",
        "rangeClearFormats",
        "rangeClear",
        "addSheet",
        "setSheetName",
        "setAutofit",
        "setRangeColor",
        "activateSheet",
        "addHyperlink",
        "setNumberFormat",
        "setPictureName",
        "setPictureHeight",
        "setPictureWidth",
        "deletePicture",
        "addPicture",
        "updatePicture",
        "alert",
        "setRangeName",
        "namesAdd",
        "nameDelete",
        "runMacro",
        "rangeDelete",
        "rangeInsert",
        "rangeSelect",
        "addTable",
        "setTableName",
        "resizeTable",
        "showAutofilterTable",
        "showHeadersTable",
        "showTotalsTable",
        "setTableStyle",
        "copyRange",
        "sheetDelete",
        "sheetClear",
        "sheetClearFormats",
        "sheetClearContents",
    }
)


def payload(path: Path | str, client: str, notes: dict[str, list[str]] | None = None) -> dict:
    """The request body `client` sends for the workbook at `path` (all sheets included).

    `notes` gives, per sheet, the cells that already hold a note (Office.js reports them).
    """
    book = CalamineWorkbook.from_path(str(path))
    sheets = []
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python()
        sheet: dict[str, Any] = {
            "name": name,
            "values": [[_cell(v, client) for v in row] for row in rows] or [[]],
            "pictures": [],
            "tables": [],
        }
        if client == OFFICE_JS:
            sheet["notes"] = [{"address": a} for a in (notes or {}).get(name, [])]
            sheet["visibility"] = "Visible"
        sheets.append(sheet)
    return {
        "client": client,
        "version": xw.__version__,
        "book": {"name": Path(path).name, "active_sheet_index": 0, "selection": "A1"},
        "names": [],
        "sheets": sheets,
    }


def _cell(value: object, client: str) -> object:
    """A cell as the clients serialise it: dates as ISO text in UTC, empty as "" (VBA: null)."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(value, dt.date):
        return f"{value.isoformat()}T00:00:00.000Z"
    if isinstance(value, dt.time | dt.timedelta):
        return str(value)
    if value == "" and client == VBA:
        return None
    return value


def apply(request: dict, actions: list[dict]) -> dict:
    """The next request of the same client, after it applied `actions` to its workbook."""
    out = copy.deepcopy(request)
    fills: dict[tuple[str, str], str | None] = out.setdefault("_fills", {})
    links: dict[tuple[str, str], str] = out.setdefault("_links", {})
    sheets = out["sheets"]
    for action in actions:
        func, args = action["func"], action["args"]
        if func == "addSheet":
            sheet = {"name": args[1], "values": [[]], "pictures": [], "tables": []}
            if out["client"] == OFFICE_JS:
                sheet |= {"notes": [], "visibility": "Visible"}
            sheets.insert(args[0], sheet)
            continue
        if action.get("sheet_position") is None:  # app-level, e.g. alert
            continue
        sheet = sheets[action["sheet_position"]]
        cell = _address(action)
        if func == "setValues":
            _set_values(sheet, action)
        elif func == "sheetDelete":
            sheets.remove(sheet)
        elif func == "sheetClear":
            sheet["values"] = [[]]
            for key in [k for k in fills if k[0] == sheet["name"]]:
                del fills[key]
        elif func == "setRangeColor":
            fills[(sheet["name"], cell)] = args[0]
        elif func == "addHyperlink":
            links[(sheet["name"], cell)] = args[0]
        elif func == "addNote":
            sheet["notes"].append({"address": args[0]})
        elif func == "deleteNote":
            gone = args[0].replace("$", "")
            sheet["notes"] = [n for n in sheet["notes"] if n["address"].replace("$", "") != gone]
        elif func == "setSheetVisibility":
            sheet["visibility"] = args[0]
    return out


def _address(action: dict) -> str:
    row, column = action.get("start_row"), action.get("start_column")
    if row is None or column is None:
        return ""
    return f"{get_column_letter(column + 1)}{row + 1}"


def _set_values(sheet: dict, action: dict) -> None:
    values = sheet["values"] if sheet["values"] != [[]] else []
    top, left = action["start_row"], action["start_column"]
    block = action["values"]
    width = max([len(r) for r in values] + [left + max(len(r) for r in block)])
    grid = [list(r) + [""] * (width - len(r)) for r in values]
    while len(grid) < top + len(block):
        grid.append([""] * width)
    for i, row in enumerate(block):
        for j, value in enumerate(row):
            grid[top + i][left + j] = value
    sheet["values"] = grid


def cell_of(address: str) -> tuple[int, int]:
    """ "$D$3" or "D3" -> (3, 4)."""
    return coordinate_to_tuple(address.replace("$", ""))
