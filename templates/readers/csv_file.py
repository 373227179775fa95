"""A CSV as one sheet: its delimiter sniffed (";" first, as Brazilian exports use), each line
measured before it is split (neither reader has a limit of its own), then read by pyarrow in C
(`csv_columns`), or by the csv module when the file is too irregular for pyarrow."""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from retaguarda.templates.readers.csv_columns import read_columns, regular_rows
from retaguarda.templates.readers.csv_lines import head_lines, line_count, long_lines
from retaguarda.templates.readers.errors import Budget, file_error, file_name, thousands, too_large
from retaguarda.templates.readers.raw_sheets import CONTROL, ColumnSheet, RawSheet, clean_rows

if TYPE_CHECKING:
    import pyarrow as pa

#: A physical CSV line longer than this, or with more fields than Excel has columns, is no
#: spreadsheet row: it is refused before it is split (35 million fields of one line once took
#: minutes and gigabytes).
_MAX_CSV_LINE = 1_000_000
_MAX_CSV_FIELDS = 16_384
#: A row costs Python about as much memory as this many short cells, even an empty one.
_ROW_COST = 4
#: Each CSV cell is a string object of its own (~60 bytes) once rows are made of it (the csv
#: module, a marked copy), where calamine's numbers and repeated strings are shared: a CSV
#: cell counts as this many cells of the budget.
_CSV_CELL_COST = 2
#: Characters of the file's start that tell its delimiter and its width.
_SAMPLE = 65536


_LINE_END = re.compile(r"\r\n?|\n")


def read_csv(
    path: Path, text: str, max_cells: int, *, encoded: bytes | None = None
) -> list[RawSheet]:
    """The CSV's one sheet; `encoded` is `text` in UTF-8 when the caller has it (the file's
    own bytes), which pyarrow reads."""
    first = text[: text.find("\n")].strip() if "\n" in text[:4096] else text[:4096].strip()
    skipped = 0
    if first.lower().startswith("sep=") and len(first) == 5:
        delimiter, skipped = first[4], 1
        text = text[text.find("\n") + 1 :] if "\n" in text[:4096] else ""
        encoded = None  # the text's first line is gone: encoded again below
    else:
        delimiter = _sniff_delimiter(text[:_SAMPLE])
    name = CONTROL.sub("", path.stem)
    budget = Budget(path, max_cells // _CSV_CELL_COST)
    columns = _arrow_columns(path, name, text, delimiter, skipped, budget.limit, encoded)
    if columns is not None:
        return [ColumnSheet(name=name, columns=columns)]
    rows = _module_rows(path, text, delimiter, skipped, budget, name)
    return [RawSheet(name=name, rows=rows)]


def _arrow_columns(
    path: Path,
    name: str,
    text: str,
    delimiter: str,
    skipped: int,
    limit: int,
    encoded: bytes | None = None,
) -> list[pa.Array] | None:
    """The columns as pyarrow reads them, or None when the csv module must: a file too
    irregular for pyarrow, or one over the cell budget (the csv module says at which row)."""
    data = text.encode("utf-8") if encoded is None else encoded
    lines = line_count(data)
    width, title = _width(text, delimiter)
    if not width:
        return None  # blank lines only: rows without cells, as the csv module reads them
    if lines * max(width, _ROW_COST) > limit:
        _refuse_regular(path, name, data, delimiter, skipped, width, limit)
        return None
    for number, line in long_lines(data, _MAX_CSV_FIELDS):
        _check_csv_line(path, line.decode("utf-8"), skipped + number + 1, delimiter)
    columns = read_columns(data, delimiter, width, lines, title)
    del data
    if columns is None or len(columns[0]) * max(len(columns), _ROW_COST) > limit:
        return None
    return columns


def _refuse_regular(
    path: Path, name: str, data: bytes, delimiter: str, skipped: int, width: int, limit: int
) -> None:
    """Refuse a file over the budget at the row where the csv module would, when every row up
    to there has `width` fields (two million rows took the csv module 12 s to refuse);
    return when that cannot be told, for the csv module to read and refuse it."""
    stop = limit // max(width, _ROW_COST) + 1
    head = head_lines(data, stop)
    if head is None or b'"' in head or not head.strip(b"\r\n"):
        return
    for number, line in long_lines(head, _MAX_CSV_FIELDS):
        _check_csv_line(path, line.decode("utf-8"), skipped + number + 1, delimiter)
    if regular_rows(head, delimiter, width) == stop:
        raise too_large(path, name, stop, width)


def _width(text: str, delimiter: str) -> tuple[int, list[str]]:
    """The most fields of a row among the lines at the file's start (but a last one cut),
    and the short lines without quotes above the first row that wide (a title)."""
    sample = text[:_SAMPLE]
    stops = [end.end() for end in _LINE_END.finditer(sample)]
    if len(sample) == len(text) or not stops:
        stops.append(len(sample))
    lines = [sample[start:stop] for start, stop in zip([0, *stops], stops, strict=False)]
    try:
        width = max(map(len, csv.reader(lines, delimiter=delimiter)), default=0)
        title = []
        for line in lines:
            if len(next(csv.reader([line], delimiter=delimiter), [])) >= width:
                return width, title
            if '"' in line:
                break
            title.append(line)
    except csv.Error:
        return 0, []  # the csv module will say where
    return width, []


def _module_rows(
    path: Path, text: str, delimiter: str, skipped: int, budget: Budget, name: str
) -> list[list[object]]:
    rows: list[list[object]] = []
    width = 0
    lines = _csv_lines(path, text, delimiter, skipped)
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        for row in reader:
            rows.append(row)
            width = max(width, len(row))
            if len(rows) * max(width, _ROW_COST) > budget.limit:  # blank lines are rows too
                raise too_large(path, name, len(rows), max(width, 1))
            budget.check(name, len(rows), width)
    except csv.Error:
        line = reader.line_num + skipped
        raise file_error(
            path,
            "file.corrupt",
            f"O arquivo “{file_name(path)}” não pôde ser lido como CSV (linha {line}).",
            f"File “{file_name(path)}” could not be read as CSV (line {line}).",
        ) from None
    for row in rows:
        row.extend([""] * (width - len(row)))
    clean_rows(rows)
    return rows


def _csv_lines(path: Path, text: str, delimiter: str, skipped: int) -> Iterator[str]:
    """The physical lines of the text with their ends ("\n", "\r\n" or a lone "\r", as the
    csv module expects them), as slices, so that no copy of the whole text is made; a line too
    long for a spreadsheet row is refused before the csv module splits it."""
    start, number = 0, skipped
    for end in _LINE_END.finditer(text):
        line, start, number = text[start : end.end()], end.end(), number + 1
        if len(line) > _MAX_CSV_FIELDS:
            _check_csv_line(path, line, number, delimiter)
        yield line
    if start < len(text):
        _check_csv_line(path, text[start:], number + 1, delimiter)
        yield text[start:]


def _check_csv_line(path: Path, line: str, number: int, delimiter: str) -> None:
    if len(line) <= _MAX_CSV_LINE and line.count(delimiter) < _MAX_CSV_FIELDS:
        return
    size, fields, most = map(thousands, (len(line), _MAX_CSV_FIELDS, _MAX_CSV_LINE))
    raise file_error(
        path,
        "file.csv_line_too_long",
        f"A linha {number} do arquivo “{file_name(path)}” é longa demais para ser uma linha "
        f"de planilha ({size} caracteres; o limite é de {fields} colunas e {most} "
        "caracteres); confira se o arquivo é mesmo um CSV.",
        f"Line {number} of file “{file_name(path)}” is too long for a spreadsheet row "
        f"({len(line):,} characters; the limit is {_MAX_CSV_FIELDS:,} columns and "
        f"{_MAX_CSV_LINE:,} characters); check that the file really is a CSV.",
    )


def _sniff_delimiter(sample: str) -> str:
    """The delimiter that splits most lines into the same number (two or more) of fields.

    Ties go to ";", the Brazilian default (a decimal comma makes "," look plausible).
    """
    lines = [line for line in sample.splitlines()[:-1] or sample.splitlines() if line.strip()]
    best, best_score = ";", 0
    for delimiter in ";\t,|":
        counts = Counter(len(row) for row in csv.reader(lines[:50], delimiter=delimiter))
        score = max((n for width, n in counts.items() if width >= 2), default=0)
        if score > best_score:
            best, best_score = delimiter, score
    return best
