"""The plain rows of cells that every reader of `files.py` produces.

They sit below the readers and the entry module alike, so that both can build them without
importing each other. No reader passes control characters on (but tab and newline).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

#: Control characters but tab and newline (C0, DEL and C1): calamine decodes `_x0001_`
#: escapes into them, openpyxl refuses to write them back, and a terminal obeys ESC and CSI.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

#: Cells the sheets of one workbook may hold in all, counted from A1 to each sheet's last
#: cell. Read into Python, a cell costs about 80 bytes at the peak (calamine's grid and the
#: Python objects at once): 30 million cells took 2.5 GB, so 20 million leave room for the
#: tables and the checks within the 4 GB a read may take.
MAX_CELLS = 20_000_000


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
    #: the same cells column by column, as Arrow text ("" when empty), when the file was read
    #: that way (a CSV, by pyarrow): a table can be read from them without a Python object
    #: per cell (`ColumnSheet`)
    columns: list[pa.Array] | None = None


class ColumnSheet(RawSheet):
    """A sheet read as text columns. Its rows, a Python object per cell, are made only when
    someone asks for them (a marked copy of the file): a table is read from `columns`."""

    def __init__(self, name: str, columns: list[pa.Array]) -> None:
        self._rows: list[list[object]] | None = None
        super().__init__(name=name, rows=None, columns=columns)  # type: ignore[arg-type]

    @property  # type: ignore[override]
    def rows(self) -> list[list[object]]:
        if self._rows is None:
            texts = (column.to_pylist() for column in self.columns or ())
            self._rows = list(map(list, zip(*texts, strict=True)))
        return self._rows

    @rows.setter
    def rows(self, rows: list[list[object]] | None) -> None:
        self._rows = rows


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


def column_number(letters: str) -> int:
    """The 1-based column number of sheet column letters: "A" → 1, "AA" → 27 (ASCII letters,
    either case; the caller checks they are letters)."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def clean_rows(rows: list[list[object]]) -> None:
    search, sub = CONTROL.search, CONTROL.sub
    for row in rows:
        for i, value in enumerate(row):
            if type(value) is str and search(value):
                row[i] = sub("", value)
