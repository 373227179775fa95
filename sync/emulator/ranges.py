"""Named and protected ranges: their batchUpdate requests and their place in spreadsheets.get.

Named ranges belong to the spreadsheet (`namedRanges`), protected ranges to a sheet
(`sheets[].protectedRanges`), both in Google's JSON shape, ids as Google makes them (a string of
digits for a named range, an integer for a protected range). A named range also works wherever
an A1 range does (values.get `'Sheet1'!Total`, values.update) and in formulas (book.py).

The sync protects its id column with `warningOnly`, which never blocks a write. Which writes a
protected range refuses is protection.py's.
"""

from __future__ import annotations

from retaguarda.sync.emulator.a1 import LOOKS_LIKE_CELL, PLAIN_TITLE
from retaguarda.sync.emulator.batch import handles, merge_fields, required_fields, sheet_of
from retaguarda.sync.emulator.book import Sheet, Spreadsheet, deep_copy, grid_range_out
from retaguarda.sync.emulator.errors import InvalidRequest

PROTECTED = "protectedRanges"


def checked_range(spreadsheet: Spreadsheet, grid: dict | None) -> tuple[Sheet, dict]:
    """A GridRange naming an existing sheet, stored as Google answers it."""
    grid = dict(grid or {})
    sheet = sheet_of(spreadsheet, grid.get("sheetId"))
    for start, end in (("startRowIndex", "endRowIndex"), ("startColumnIndex", "endColumnIndex")):
        if start in grid and end in grid and grid[start] > grid[end]:
            raise InvalidRequest(f"Invalid range: {start} must be less than {end}.")
    return sheet, grid


def named_range_id(spreadsheet: Spreadsheet, named_range: dict) -> dict:
    wanted = str(named_range.get("namedRangeId") or "")
    for found in spreadsheet.named_ranges:
        if found["namedRangeId"] == wanted:
            return found
    raise InvalidRequest(f"No named range with id: {wanted}")


def check_name(spreadsheet: Spreadsheet, name: object, *, other_than: dict | None = None) -> str:
    """Google's rules: letters, digits and `_`, not starting with a digit, not a cell (A1)."""
    if not isinstance(name, str) or not PLAIN_TITLE.match(name) or LOOKS_LIKE_CELL.match(name):
        raise InvalidRequest(f"Invalid name: {name}.")
    for found in spreadsheet.named_ranges:
        if found is not other_than and found["name"].upper() == name.upper():
            raise InvalidRequest(f"A named range with the name {name} already exists.")
    return name


@handles("addNamedRange")
def add_named_range(spreadsheet: Spreadsheet, request: dict) -> dict:
    given = request.get("namedRange") or {}
    name = check_name(spreadsheet, given.get("name"))
    _, grid = checked_range(spreadsheet, given.get("range"))
    taken = {n["namedRangeId"] for n in spreadsheet.named_ranges}
    named_id = str(given.get("namedRangeId") or "")
    while not named_id or named_id in taken:
        named_id = str(spreadsheet.new_object_id())
    named_range = {"namedRangeId": named_id, "name": name, "range": grid}
    spreadsheet.named_ranges.append(named_range)
    answer = {**deep_copy(named_range), "range": grid_range_out(grid)}
    return {"addNamedRange": {"namedRange": answer}}


@handles("updateNamedRange")
def update_named_range(spreadsheet: Spreadsheet, request: dict) -> dict:
    given = request.get("namedRange") or {}
    found = named_range_id(spreadsheet, given)
    changed = deep_copy(found)
    merge_fields(changed, given, required_fields(request))
    changed["namedRangeId"] = found["namedRangeId"]
    changed["name"] = check_name(spreadsheet, changed.get("name"), other_than=found)
    _, changed["range"] = checked_range(spreadsheet, changed.get("range"))
    found.clear()
    found.update(changed)
    return {}


@handles("deleteNamedRange")
def delete_named_range(spreadsheet: Spreadsheet, request: dict) -> dict:
    found = named_range_id(spreadsheet, request)
    spreadsheet.named_ranges.remove(found)
    return {}


def protected_range(spreadsheet: Spreadsheet, range_id: object) -> tuple[Sheet, dict]:
    for sheet in spreadsheet.sheets:
        for found in sheet.objects.get(PROTECTED, []):
            if str(found["protectedRangeId"]) == str(range_id):
                return sheet, found
    raise InvalidRequest(f"No protected range with id: {range_id}")


def protected_entry(spreadsheet: Spreadsheet, given: dict, range_id: int) -> tuple[Sheet, dict]:
    """A ProtectedRange as stored: Google drops null fields and a false `warningOnly`."""
    entry: dict = {"protectedRangeId": range_id}
    if given.get("namedRangeId"):
        named = named_range_id(spreadsheet, given)
        sheet, _ = checked_range(spreadsheet, named["range"])
        entry["namedRangeId"] = named["namedRangeId"]
    else:
        sheet, grid = checked_range(spreadsheet, given.get("range"))
        entry["range"] = grid_range_out(grid)
    if given.get("description"):
        entry["description"] = given["description"]
    if given.get("warningOnly"):
        entry["warningOnly"] = True
    if given.get("unprotectedRanges"):
        entry["unprotectedRanges"] = [grid_range_out(g) for g in given["unprotectedRanges"]]
    entry["requestingUserCanEdit"] = True
    editors = given.get("editors") or {}
    entry["editors"] = {k: v for k, v in editors.items() if v}
    return sheet, entry


@handles("addProtectedRange")
def add_protected_range(spreadsheet: Spreadsheet, request: dict) -> dict:
    given = request.get("protectedRange") or {}
    sheet, entry = protected_entry(spreadsheet, given, spreadsheet.new_object_id())
    sheet.objects.setdefault(PROTECTED, []).append(entry)
    return {"addProtectedRange": {"protectedRange": deep_copy(entry)}}


@handles("updateProtectedRange")
def update_protected_range(spreadsheet: Spreadsheet, request: dict) -> dict:
    given = request.get("protectedRange") or {}
    sheet, found = protected_range(spreadsheet, given.get("protectedRangeId"))
    changed = deep_copy(found)
    merge_fields(changed, given, required_fields(request))
    new_sheet, entry = protected_entry(spreadsheet, changed, found["protectedRangeId"])
    sheet.objects[PROTECTED].remove(found)
    new_sheet.objects.setdefault(PROTECTED, []).append(entry)
    return {}


@handles("deleteProtectedRange")
def delete_protected_range(spreadsheet: Spreadsheet, request: dict) -> dict:
    sheet, found = protected_range(spreadsheet, request.get("protectedRangeId"))
    sheet.objects[PROTECTED].remove(found)
    return {}
