"""The guard on an ODS spreadsheet's repeat counts, checked before calamine expands them."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import BinaryIO

from retaguarda.templates.readers.errors import Budget, corrupt
from retaguarda.templates.readers.xml_events import forget, local_name, xml_elements
from retaguarda.templates.readers.zip_members import inflate


def check_ods_content(path: Path, file: BinaryIO, info: zipfile.ZipInfo, max_cells: int) -> None:
    """Raise if a table's cells, with their repeat counts, reach too far.

    LibreOffice writes runs of equal cells once with a repeat count, so a tiny file can stand
    for a grid of billions; calamine expands them up to 100 million cells, gigabytes of memory.
    Only cells with a value count, as calamine trims empty ones. The tables share one budget.
    """
    budget = Budget(path, max_cells)
    cells = ("table", "table-row", "table-cell", "covered-table-cell")
    name: str | None = None  # of the table being read
    row, col, last_row, last_col, repeat, valued = 0, 0, 0, 0, 1, False
    for event, element_name, element in xml_elements(path, inflate(path, file, info), cells):
        attributes = {local_name(key): value for key, value in element.items()}
        if element_name == "table":
            if event == "start" and name is not None:
                raise corrupt(path)  # a table inside a table: spreadsheets have none
            if event == "start":
                name, row, last_row, last_col = attributes.get("name", ""), 0, 0, 0
            else:
                budget.spend(name or "", last_row, last_col)
                name = None
            continue
        if element_name == "table-row" and event == "start":
            repeat, col, valued = _ods_repeat(path, attributes, "rows"), 0, False
        elif element_name == "table-row":
            last_row = row + repeat if valued else last_row
            row, valued = row + repeat, False
            forget(element)
        elif event == "start":
            columns = _ods_repeat(path, attributes, "columns")
            if _ODS_VALUES & attributes.keys() or attributes.get("value-type") == "string":
                valued, last_col = True, max(last_col, col + columns)
            col += columns
        budget.check(name or "", row + repeat if valued else last_row, last_col)


#: Attributes that give an ODS cell a value (a string cell may hold it as text instead).
_ODS_VALUES = frozenset(
    {"value", "date-value", "time-value", "boolean-value", "string-value", "formula"}
)


def _ods_repeat(path: Path, attributes: dict[str, str], which: str) -> int:
    text = attributes.get(f"number-{which}-repeated", "1")
    if not text.isascii() or not text.isdigit():
        raise corrupt(path)
    return max(1, int(text))
