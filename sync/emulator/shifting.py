"""Ranges and formula references that follow inserted and deleted rows or columns, as Google
moves them.

A merge, a protected range (the sync's protected id column), the basic filter, a row or column
group and a named range keep covering the same cells: inserting before a range moves it,
inserting inside it grows it, deleting inside it shrinks it, and one left with no cells goes.
Bounds a range leaves out (a whole column has no row bounds) stay out.
"""

from __future__ import annotations

import re

from retaguarda.sync.emulator.a1 import (
    FORMULA_REFERENCE,
    FORMULA_STRING,
    column_index,
    column_letter,
    quote_title,
)
from retaguarda.sync.emulator.book import Sheet, Spreadsheet
from retaguarda.sync.emulator.values import Formula

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
    shift_formulas(spreadsheet, sheet, dimension, start, count)


ENDPOINT = re.compile(r"^(\$?)([A-Za-z]*)(\$?)(\d*)$")


def shift_formulas(
    spreadsheet: Spreadsheet, sheet: Sheet, dimension: str, start: int, count: int
) -> None:
    """Rewrite the references to `sheet` in every formula of the spreadsheet, as Google does:
    `=SUM(B2:B5)` becomes `=SUM(B2:B6)` when a row is inserted at row 3; a deleted cell
    becomes `#REF!`."""
    for home in spreadsheet.sheets:
        if not home.has_formulas:
            continue
        for line in home.rows:
            for index, value in enumerate(line):
                if isinstance(value, Formula):
                    text = shift_formula(
                        str(value), home is sheet, sheet.title, dimension, start, count
                    )
                    line[index] = Formula(text)


def shift_formula(
    text: str, at_home: bool, title: str, dimension: str, start: int, count: int
) -> str:
    parts = FORMULA_STRING.split(text)  # odd parts are string literals, left alone
    for index in range(0, len(parts), 2):
        parts[index] = FORMULA_REFERENCE.sub(
            lambda m: shift_reference(m, at_home, title, dimension, start, count), parts[index]
        )
    return "".join(parts)


def shift_reference(
    match: re.Match[str], at_home: bool, title: str, dimension: str, start: int, count: int
) -> str:
    prefix, cells = match.group(1) or "", match.group(2)
    if prefix:
        named = prefix[:-1]
        named = named[1:-1].replace("''", "'") if named.startswith("'") else named
        if named.upper() != title.upper():
            return match.group(0)
    elif not at_home:
        return match.group(0)
    first, colon, last = cells.partition(":")
    rows = dimension == "ROWS"
    ends = [ENDPOINT.match(first), ENDPOINT.match(last) if colon else None]
    numbers = [position(e, rows) for e in ends]
    if ends[0] is None or numbers[0] is None:
        return match.group(0)  # a whole row or column that the change does not touch
    if not colon:
        index = numbers[0] - 1
        if count < 0 and start <= index < start - count:
            return prefix + "#REF!"
        return prefix + endpoint(ends[0], moved(index, start, count, is_end=False) + 1, rows)
    new_first = moved(numbers[0] - 1, start, count, is_end=False)
    new_end = moved(numbers[1], start, count, is_end=True)
    if new_first >= new_end:
        return prefix + "#REF!"
    return prefix + endpoint(ends[0], new_first + 1, rows) + ":" + endpoint(ends[1], new_end, rows)


def position(match: re.Match[str] | None, rows: bool) -> int | None:
    """The 1-based row (or column) an endpoint names; None when it names none (`A` of `A:C`)."""
    if match is None:
        return None
    _, letters, _, digits = match.groups()
    if rows:
        return int(digits) if digits else None
    return column_index(letters) + 1 if letters else None


def endpoint(match: re.Match[str], number: int, rows: bool) -> str:
    """One end of a reference with its row number (or column) replaced, `$` kept."""
    dollar_column, letters, dollar_row, digits = match.groups()
    if rows:
        digits = str(number)
    else:
        letters = column_letter(number - 1)
    return f"{dollar_column}{letters}{dollar_row}{digits}"


def rename_in_formulas(spreadsheet: Spreadsheet, old: str, new: str) -> None:
    """A renamed sheet's references follow the new name in every formula (`'Old'!A1` →
    `New!A1`), as Google rewrites them."""
    prefix = quote_title(new) + "!"

    def rename(match: re.Match[str]) -> str:
        found = match.group(1)
        if not found:
            return match.group(0)
        named = found[:-1]
        named = named[1:-1].replace("''", "'") if named.startswith("'") else named
        return prefix + match.group(2) if named.upper() == old.upper() else match.group(0)

    for sheet in spreadsheet.sheets:
        if not sheet.has_formulas:
            continue
        for line in sheet.rows:
            for index, value in enumerate(line):
                if isinstance(value, Formula):
                    parts = FORMULA_STRING.split(str(value))
                    for part in range(0, len(parts), 2):
                        parts[part] = FORMULA_REFERENCE.sub(rename, parts[part])
                    line[index] = Formula("".join(parts))


def offset_formula(text: str, rows: int, columns: int) -> str:
    """A formula copied `rows` down and `columns` right: its relative references move with it
    (`=A1*2` pasted one row down is `=A2*2`), `$` parts stay; one pushed off the grid is
    `#REF!`."""

    def offset(match: re.Match[str]) -> str:
        prefix, cells = match.group(1) or "", match.group(2)
        moved_ends = []
        for part in cells.split(":"):
            found = ENDPOINT.match(part)
            if found is None:
                return match.group(0)
            dollar_column, letters, dollar_row, digits = found.groups()
            if letters and not dollar_column:
                index = column_index(letters) + columns
                if index < 0:
                    return prefix + "#REF!"
                letters = column_letter(index)
            if digits and not dollar_row:
                number = int(digits) + rows
                if number < 1:
                    return prefix + "#REF!"
                digits = str(number)
            moved_ends.append(f"{dollar_column}{letters}{dollar_row}{digits}")
        return prefix + ":".join(moved_ends)

    parts = FORMULA_STRING.split(text)
    for index in range(0, len(parts), 2):
        parts[index] = FORMULA_REFERENCE.sub(offset, parts[index])
    return "".join(parts)
