"""A regular CSV read by pyarrow's CSV reader into text columns, in C, on both cores.

Python's csv module and a regular expression per cell took 5 of the 12 seconds of validating a
500,000-row journal; pyarrow reads it in a fraction of a second. It is a strict reader, though:
every row must have the same number of fields. A row with fewer or more (a title above the
header, a "Gerado em" line below the data) is put back in its place when each record is one
physical line; anything more irregular, and anything pyarrow refuses, is left to the csv module
(`read_columns` returns None), which reads every CSV the way it always has.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv

#: Bytes pyarrow parses at a time; a record must fit in one (a line is refused past a million
#: characters, four megabytes at most in UTF-8), and 50 MB still split among both cores.
_BLOCK = 8 * 1024 * 1024
#: The control characters `raw_sheets.CONTROL` drops, in RE2's syntax.
_CONTROL = r"[\x{00}-\x{08}\x{0b}-\x{1f}\x{7f}-\x{9f}]"
#: Every byte but the C0 controls and DEL, and tab and the line ends: what is left of a file
#: without them is nothing.
_PLAIN = bytes(range(32, 127)) + bytes(range(128, 256)) + b"\t\n\r"
#: C1 controls (U+0080 to U+009F) in UTF-8.
_C1 = re.compile(rb"\xc2[\x80-\x9f]")


#: Large strings, as the typing step takes them: no column is copied again there.
_TEXT = pa.large_string()


class _Irregular(Exception):
    """The rows cannot be put back in place: the csv module reads the file instead."""


def read_columns(
    data: bytes, delimiter: str, width: int, lines: int, title: Sequence[str] = ()
) -> list[pa.Array] | None:
    """The file as `width` or more columns of text ("" when empty), or None when it is too
    irregular for pyarrow; `lines` is its number of physical lines, `title` its first lines
    when they are short and unquoted (a title above the header), to be read apart when line
    breaks inside quotes below them keep their line numbers from placing them."""
    quoted = b'"' in data
    try:
        columns, odd = _parse(data, delimiter, width, quoted=quoted, threads=True)
        if odd and len(columns[0]) + len(odd) == lines:
            # pyarrow numbers the lines it sets aside only when it reads on one thread
            columns, odd = _parse(data, delimiter, width, quoted=False, threads=False)
            columns = _put_back(columns, odd, delimiter)
            if len(columns[0]) != lines:
                return None
        elif odd:  # a quoted line break somewhere: lines and records differ
            columns = _below_title(data, delimiter, width, title)
    except (pa.ArrowException, _Irregular):
        return None
    controls = _controls(data, quoted)
    return [_clean(column, controls) if controls else column for column in columns]


def _below_title(data: bytes, delimiter: str, width: int, title: Sequence[str]) -> list[pa.Array]:
    """The title lines split by the csv module above the rest read by pyarrow, when every
    row of the rest has `width` fields."""
    if not title:
        raise _Irregular
    start = sum(len(line.encode("utf-8")) for line in title)
    columns, odd = _parse(data[start:], delimiter, width, quoted=True, threads=True)
    if odd:
        raise _Irregular
    rows = [next(csv.reader([line], delimiter=delimiter), []) for line in title]
    return [
        pa.concat_arrays([pa.array([r[j] if j < len(r) else "" for r in rows], _TEXT), column])
        for j, column in enumerate(columns)
    ]


def regular_rows(data: bytes, delimiter: str, width: int) -> int | None:
    """How many rows the file has when each has `width` fields (blank lines aside), else None."""
    try:
        columns, odd = _parse(data, delimiter, width, quoted=b'"' in data, threads=True)
    except pa.ArrowException:
        return None
    return None if odd else len(columns[0])


def _parse(
    data: bytes, delimiter: str, width: int, *, quoted: bool, threads: bool
) -> tuple[list[pa.Array], list[tuple[int | None, str]]]:
    odd: list[tuple[int | None, str]] = []

    def keep(row: pv.InvalidRow) -> str:
        odd.append((row.number, row.text))
        return "skip"

    names = [str(i) for i in range(width)]
    table = pv.read_csv(
        pa.py_buffer(data),
        read_options=pv.ReadOptions(column_names=names, block_size=_BLOCK, use_threads=threads),
        parse_options=pv.ParseOptions(
            delimiter=delimiter,
            quote_char='"',
            double_quote=True,
            escape_char=False,
            newlines_in_values=quoted,
            ignore_empty_lines=False,
            invalid_row_handler=keep,
        ),
        convert_options=pv.ConvertOptions(
            column_types=dict.fromkeys(names, _TEXT),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    columns = [column.combine_chunks() for column in table.columns]
    return columns, odd


def _put_back(
    columns: list[pa.Array], odd: list[tuple[int | None, str]], delimiter: str
) -> list[pa.Array]:
    """The rows pyarrow set aside, split by the csv module and put back on their lines."""
    if any(number is None for number, _ in odd):
        raise _Irregular
    odd.sort()
    rows = [next(csv.reader([text], delimiter=delimiter), []) for _, text in odd]
    width = max(len(columns), *map(len, rows))
    total = len(columns[0]) + len(rows)
    at = np.array([number - 1 for number, _ in odd], dtype=np.int64)
    if at[-1] >= total or (np.diff(at) <= 0).any():
        raise _Irregular  # not one row per line after all
    order = np.empty(total, dtype=np.int64)
    taken = np.zeros(total, dtype=bool)
    taken[at] = True
    order[~taken] = np.arange(total - len(rows))
    order[at] = np.arange(total - len(rows), total)
    indices = pa.array(order)
    blank = pa.array([""] * (total - len(rows)), _TEXT)
    out = []
    for j in range(width):
        parsed = columns[j] if j < len(columns) else blank
        extra = pa.array([row[j] if j < len(row) else "" for row in rows], _TEXT)
        out.append(pa.concat_arrays([parsed, extra]).take(indices))
    return out


def _controls(data: bytes, quoted: bool) -> str | None:
    """The pattern of the control characters the cells may hold, None when they hold none:
    most files have none but the "\r" of their line ends, which only a quoted cell can hold.
    Looking at the bytes once costs less than looking at every column."""
    if data.translate(None, _PLAIN) or _C1.search(data):
        return _CONTROL
    return "\r" if quoted and b"\r" in data else None


def _clean(column: pa.Array, controls: str) -> pa.Array:
    if pc.any(pc.match_substring_regex(column, controls)).as_py():
        return pc.replace_substring_regex(column, controls, "")
    return column
