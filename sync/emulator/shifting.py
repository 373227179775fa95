"""Ranges that follow inserted and deleted rows or columns, as Google moves them.

A merge, a protected range (the sync's protected id column), the basic filter, a row or column
group and a named range keep covering the same cells: inserting before a range moves it,
inserting inside it grows it, deleting inside it shrinks it, and one left with no cells goes.
Bounds a range leaves out (a whole column has no row bounds) stay out.
"""

from __future__ import annotations

from retaguarda.sync.emulator.book import Sheet, Spreadsheet

GRID_KEYS = {
    "ROWS": ("startRowIndex", "endRowIndex"),
    "COLUMNS": ("startColumnIndex", "endColumnIndex"),
}


def moved(index: int, start: int, count: int, *, is_end: bool) -> int:
    """Where a bound lands after `count` lines are inserted (> 0) or deleted (< 0) at `start`."""
    if count > 0:
        if index > start or (index == start and not is_end):
            return index + count
        return index
    end = start - count
    if index <= start:
        return index
    return index + count if index >= end else start


def shift_bounds(span: dict, keys: tuple[str, str], start: int, count: int) -> bool:
    """Move one range's bounds in place; False when a deletion left it with no cells."""
    first, last = keys
    if first in span:
        span[first] = moved(span[first], start, count, is_end=False)
    if last in span:
        span[last] = moved(span[last], start, count, is_end=True)
    return last not in span or span.get(first, 0) < span[last]


def shift_ranges(
    spreadsheet: Spreadsheet, sheet: Sheet, dimension: str, start: int, count: int
) -> None:
    """Every range object of `sheet` (and the named ranges on it) after an insert or delete."""
    keys = GRID_KEYS[dimension]
    objects = sheet.objects
    if objects.get("merges"):
        objects["merges"] = [m for m in objects["merges"] if shift_bounds(m, keys, start, count)]
    if objects.get("protectedRanges"):
        objects["protectedRanges"] = [
            p
            for p in objects["protectedRanges"]
            if "range" not in p or shift_bounds(p["range"], keys, start, count)
        ]
    if objects.get("basicFilter") and not shift_bounds(
        objects["basicFilter"]["range"], keys, start, count
    ):
        del objects["basicFilter"]
    groups = "rowGroups" if dimension == "ROWS" else "columnGroups"
    if objects.get(groups):
        spans = ("startIndex", "endIndex")
        objects[groups] = [
            g for g in objects[groups] if shift_bounds(g["range"], spans, start, count)
        ]
    spreadsheet.named_ranges = [
        n
        for n in spreadsheet.named_ranges
        if n["range"].get("sheetId", 0) != sheet.sheet_id
        or shift_bounds(n["range"], keys, start, count)
    ]
