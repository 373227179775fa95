"""The plain rows of cells that every reader of `files.py` produces.

They sit below the readers and the entry module alike, so that both can build them without
importing each other. No reader passes control characters on (but tab and newline).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

#: Control characters but tab and newline (C0, DEL and C1): calamine decodes `_x0001_`
#: escapes into them, openpyxl refuses to write them back, and a terminal obeys ESC and CSI.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass
class RawSheet:
    name: str
    #: Cell values as python-calamine gives them (str, float, int, bool, datetime, date,
    #: time, timedelta; "" when empty); rows[0] is sheet row 1 and rows[i][0] column A.
    rows: list[list[object]]
    #: (row, column) from 0 → the formula of a cell that has no calculated value (a file
    #: written by a program that does not calculate): the cell reads empty in `rows`
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    #: references ("XFD1048576") of values left out of `rows` because they lie far from
    #: the data (the first ones, if there are many)
    far: list[str] = field(default_factory=list)


@dataclass
class RawWorkbook:
    path: Path
    kind: str  # "xlsx", "xlsm", "xls", "ods", "csv", "html"
    sheets: list[RawSheet]


def column_letter(index: int) -> str:
    """The sheet column letters of a 0-based column index: 0 → "A", 26 → "AA"."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def clean_rows(rows: list[list[object]]) -> None:
    search, sub = CONTROL.search, CONTROL.sub
    for row in rows:
        for i, value in enumerate(row):
            if type(value) is str and search(value):
                row[i] = sub("", value)
