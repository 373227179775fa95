"""Protected ranges refusing a write, for a caller who is neither the owner nor an editor.

The emulator's service account owns every spreadsheet it creates or seeds, so its writes always
succeed, as the owner's do in Google. A test arranges the other case, a team's spreadsheet
shared with the service account as an editor, with `EmulatorState.set_owner(id, email)`: then a
range protected without the service account among its editors refuses the write with Google's
400 (a `warningOnly` range never refuses: it only warns people in the web UI).
"""

from __future__ import annotations

from retaguarda.sync.emulator.book import Box, Sheet, Spreadsheet
from retaguarda.sync.emulator.errors import ApiError

PROTECTED_MESSAGE = (
    "You are trying to edit a protected cell or object. Please contact the spreadsheet owner to "
    "remove protection if you need to edit."
)


def check_writable(spreadsheet: Spreadsheet, sheet: Sheet, box: Box, caller: str | None) -> None:
    """Refuse a write of `box` by `caller` that a protected range forbids (None = the owner)."""
    if caller is None or caller == spreadsheet.owner:
        return
    for protected in sheet.objects.get("protectedRanges", []):
        if protected.get("warningOnly"):
            continue
        if caller in (protected.get("editors") or {}).get("users", []):
            continue
        if covers(spreadsheet, sheet, protected, box):
            raise ApiError(400, PROTECTED_MESSAGE)


def covers(spreadsheet: Spreadsheet, sheet: Sheet, protected: dict, box: Box) -> bool:
    """Whether the protected range (or its named range) shares a cell with `box`, outside the
    ranges it leaves unprotected."""
    grid = protected.get("range")
    if grid is None:
        named = next(
            (
                n
                for n in spreadsheet.named_ranges
                if n["namedRangeId"] == protected.get("namedRangeId")
            ),
            None,
        )
        grid = (named or {}).get("range", {})
    if not meets(sheet, grid, box):
        return False
    return not any(inside(sheet, box, free) for free in protected.get("unprotectedRanges") or [])


def bounds(sheet: Sheet, grid: dict) -> Box:
    return Box(
        grid.get("startRowIndex", 0),
        grid.get("endRowIndex", sheet.row_count),
        grid.get("startColumnIndex", 0),
        grid.get("endColumnIndex", sheet.column_count),
    )


def meets(sheet: Sheet, grid: dict, box: Box) -> bool:
    return bounds(sheet, grid).overlaps(box)


def inside(sheet: Sheet, box: Box, grid: dict) -> bool:
    area = bounds(sheet, grid)
    return (
        area.start_row <= box.start_row
        and box.end_row <= area.end_row
        and area.start_column <= box.start_column
        and box.end_column <= area.end_column
    )
