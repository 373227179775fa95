"""A CSV as one sheet: its delimiter sniffed (";" first, as Brazilian exports use), and each
line measured before the csv module splits it, for the module itself has no limit."""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from retaguarda.templates.file_errors import Budget, file_error, file_name, thousands, too_large
from retaguarda.templates.raw_sheets import CONTROL, RawSheet, clean_rows

#: A physical CSV line longer than this, or with more fields than Excel has columns, is no
#: spreadsheet row: it is refused before the csv module splits it (35 million fields of one
#: line once took minutes and gigabytes).
_MAX_CSV_LINE = 1_000_000
_MAX_CSV_FIELDS = 16_384
#: A row costs Python about as much memory as this many short cells, even an empty one.
_ROW_COST = 4
#: Each CSV cell is a string object of its own (~60 bytes), where calamine's numbers and
#: repeated strings are shared: a CSV cell counts as this many cells of the budget.
_CSV_CELL_COST = 2


_LINE_END = re.compile(r"\r\n?|\n")


def read_csv(path: Path, text: str, max_cells: int) -> list[RawSheet]:
    first = text[: text.find("\n")].strip() if "\n" in text[:4096] else text[:4096].strip()
    skipped = 0
    if first.lower().startswith("sep=") and len(first) == 5:
        delimiter, skipped = first[4], 1
        text = text[text.find("\n") + 1 :] if "\n" in text[:4096] else ""
    else:
        delimiter = _sniff_delimiter(text[:65536])
    name = CONTROL.sub("", path.stem)
    budget = Budget(path, max_cells // _CSV_CELL_COST)
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
    return [RawSheet(name=name, rows=rows)]


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
