"""A1 notation, read and written the way Google does it.

Ranges arrive as `'Filial SP'!A1:C3`, `'It''s'!A1`, `Sheet1`, `A:C`, `A2:C`, `2:5` or `A1:1`;
answers name them back with the sheet title quoted only where Google quotes it (`Sheet1!B1`,
`'Filial SP'!A1:C3`) and open ends closed at the grid's extent (`Sheet1!A1:Z1000`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retaguarda.sync.emulator.errors import unparsable_range
from retaguarda.templates.files import column_letter

ENDPOINT = re.compile(r"^\$?([A-Za-z]{0,3})\$?(\d{0,7})$")
PLAIN_TITLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
LOOKS_LIKE_CELL = re.compile(r"^([A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*)$")

# An A1 reference inside a formula, with its optional sheet (formula text split by
# FORMULA_STRING first, so that string literals are left alone): `B2`, `$B$2:C9`, `A:C`, `2:5`,
# `'Filial SP'!A1`. Not a function name (`LOG10(`), not inside a longer name.
FORMULA_REFERENCE = re.compile(
    r"(?<![\w.$'])((?:'(?:[^']|'')+'|[A-Za-z_][\w.]*)!)?"
    r"(\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?|\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}"
    r"|\$?\d+:\$?\d+)(?![\w(!])"
)
FORMULA_STRING = re.compile(r'("(?:[^"]|"")*")')


@dataclass(frozen=True)
class A1Range:
    """A parsed range: 0-based, end-exclusive bounds; None = open (up to the grid's extent)."""

    sheet: str | None
    start_row: int | None = None
    end_row: int | None = None
    start_column: int | None = None
    end_column: int | None = None
    is_cell: bool = False


def column_index(letters: str) -> int:
    """A → 0, Z → 25, AA → 26."""
    index = 0
    for char in letters.upper():
        index = index * 26 + ord(char) - 64
    return index - 1


def quote_title(title: str) -> str:
    """Google leaves plain identifiers bare and quotes the rest, doubling inner apostrophes."""
    if PLAIN_TITLE.match(title) and not LOOKS_LIKE_CELL.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def cell_name(row: int, column: int) -> str:
    return f"{column_letter(column)}{row + 1}"


def format_range(
    title: str, start_row: int, end_row: int, start_column: int, end_column: int
) -> str:
    """`Sheet1!B1` for one cell, `Sheet1!A1:C2` for a block (end-exclusive bounds in)."""
    first = cell_name(start_row, start_column)
    last = cell_name(end_row - 1, end_column - 1)
    cells = first if first == last else f"{first}:{last}"
    return f"{quote_title(title)}!{cells}"


def split_sheet(text: str) -> tuple[str | None, str]:
    """`'It''s'!A1` → ("It's", "A1"); `A1:B2` → (None, "A1:B2"); `Sheet1` → ("Sheet1", "")."""
    if text.startswith("'"):
        index = 1
        title = []
        while index < len(text):
            char = text[index]
            if char == "'":
                if text[index + 1 : index + 2] == "'":
                    title.append("'")
                    index += 2
                    continue
                rest = text[index + 1 :]
                if rest == "":
                    return "".join(title), ""
                if rest.startswith("!"):
                    return "".join(title), rest[1:]
                raise unparsable_range(text)
            title.append(char)
            index += 1
        raise unparsable_range(text)
    if "!" in text:
        title, _, cells = text.rpartition("!")
        return title, cells
    return None, text


def parse_cells(text: str, original: str) -> A1Range:
    """The part after `!`: `A1`, `A1:C3`, `A:C`, `A2:C`, `2:5`, `A1:1`."""
    first, colon, last = text.partition(":")
    start = ENDPOINT.match(first)
    end = ENDPOINT.match(last) if colon else start
    if not start or not end or not first or (colon and not last):
        raise unparsable_range(original)
    start_letters, start_digits = start.groups()
    end_letters, end_digits = end.groups()
    if not colon and not (start_letters and start_digits):
        raise unparsable_range(original)
    start_row = int(start_digits) - 1 if start_digits else 0
    end_row = int(end_digits) if end_digits else None
    start_column = column_index(start_letters) if start_letters else 0
    end_column = column_index(end_letters) + 1 if end_letters else None
    if start_digits == "0" or end_digits == "0":
        raise unparsable_range(original)
    if end_row is not None and end_row <= start_row:
        start_row, end_row = end_row - 1, start_row + 1
    if end_column is not None and end_column <= start_column:
        start_column, end_column = end_column - 1, start_column + 1
    return A1Range(None, start_row, end_row, start_column, end_column, is_cell=not colon)


def parse_range(text: str, titles: set[str]) -> A1Range:
    """Parse `text`; a bare string that is a sheet's title means that whole sheet, as in Google."""
    if text in titles:
        return A1Range(text)
    if text.endswith("!"):
        raise unparsable_range(text)
    sheet, cells = split_sheet(text)
    if not cells:
        if sheet is None:
            raise unparsable_range(text)
        return A1Range(sheet)
    parsed = parse_cells(cells, text)
    return A1Range(
        sheet,
        parsed.start_row,
        parsed.end_row,
        parsed.start_column,
        parsed.end_column,
        is_cell=parsed.is_cell,
    )
