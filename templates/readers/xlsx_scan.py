"""How far the cells of an xlsx sheet reach, measured from its XML before calamine reads it.

The bound must cost little next to calamine's own read, so the common case is one
regular-expression pass that stops only at a cell reference further right or longer than any
seen so far (`_scan_regular`); the exact scans run only when that bound is too loose or the
XML is written in an unusual way (`_scan_irregular`).
"""

from __future__ import annotations

import contextlib
import html
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import BinaryIO

from retaguarda.templates.readers.errors import (
    UnreadableFile,
    corrupt,
    file_error,
    file_name,
    thousands,
)
from retaguarda.templates.readers.raw_sheets import CONTROL, column_letter, column_number
from retaguarda.templates.readers.xlsx_parts import utf8_text
from retaguarda.templates.readers.xml_events import forget, local_name, xml_elements
from retaguarda.templates.readers.zip_members import inflate, inflate_ahead, tag_pieces


@dataclass
class Scan:
    """What the scan of a part that may hold cells found."""

    rows: int  # the grid calamine builds for it: rows × columns from A1
    cols: int
    exact: bool  # rows and cols are the last ones holding something, not a rough bound
    escapes: bool  # text that calamine decodes into control characters
    formulas: dict[tuple[int, int], str]  # (row, column) from 0 → formula, with no value
    near: tuple[int, int] | None = None  # (rows, cols) of the data, when values lie far off

    @property
    def cells(self) -> int:
        rows, cols = self.near or (self.rows, self.cols)
        return rows * cols


def scan_part(
    path: Path, file: BinaryIO, info: zipfile.ZipInfo, max_cells: int, placeholders: bool
) -> Scan:
    """How far the part's cells reach, with the formulas that have no calculated value.

    The rough bound of `_scan_regular` is refined by a second, exact pass only when it is
    large; then values far from the rest (a stray value at XFD1048576 beside a small table)
    are told apart from the data, so that the data can still be read. With `placeholders`,
    a formula's 0 stands for no value (see `xlsx_parts.worksheet_parts`).
    """
    with contextlib.closing(inflate_ahead(path, file, info)) as chunks:
        scan = _scan_regular(tag_pieces(path, chunks), placeholders)
    if scan is None:
        chunks = inflate(path, file, info)
        rows, cols, formulas = _scan_irregular(path, chunks, max_cells, placeholders)
        return Scan(rows, cols, exact=True, escapes=True, formulas=formulas)
    cols, rows, escapes, formulas = scan
    found = Scan(rows, cols, exact=False, escapes=escapes, formulas=formulas)
    if found.cells > min(max_cells, _FAR_CHECK):
        refine(path, file, info, found, max_cells)
    return found


#: A sheet whose rough extent passes this many cells is measured exactly, and values far
#: from its data are looked for.
_FAR_CHECK = 10_000_000
#: Empty rows or columns between a value and the data that make the value far off.
_FAR_ROWS, _FAR_COLS = 1000, 100


def refine(path: Path, file: BinaryIO, info: zipfile.ZipInfo, found: Scan, limit: int) -> None:
    with contextlib.closing(inflate_ahead(path, file, info)) as chunks:
        rows, cols = _scan_exact(tag_pieces(path, chunks))
    found.rows = max(rows, default=0)
    found.cols = max(cols, default=0)
    found.exact = True
    if found.rows * found.cols > min(limit, _FAR_CHECK):
        near = _near(sorted(rows), _FAR_ROWS), _near(sorted(cols), _FAR_COLS)
        found.near = near if near != (found.rows, found.cols) else None


def _near(numbers: list[int], gap: int) -> int:
    """Where the data ends along one axis: the end of the biggest run of numbers (rows or
    columns in use) without a jump of more than `gap`, with the runs before it.

    A stray value beside a table is a run of one after the table's run; a title above a
    table that starts far down is a run of one before it, and both are kept.
    """
    if not numbers:
        return 0
    size, end, best_size, best_end = 0, numbers[0], 0, numbers[0]
    for number in numbers:
        if number - end > gap + 1:
            size = 0
        size, end = size + 1, number
        if size > best_size:
            best_size, best_end = size, end
    return best_end


CANONICAL = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"[\s/>]')
_PREFIXED = re.compile(rb":c[\s/>]")
#: Whitespace squeezed out, single quotes made double and "&" made "_", so that one search
#: finds an `r` attribute after another one (calamine takes the last `r` of a tag, so
#: `<c r="A1" r="XFD1048576">` is a cell at XFD1048576) and one finds the `_x0001_` escapes
#: and `&#1;` references that calamine decodes into control characters.
_SQUEEZE = bytes.maketrans(b"'&", b'"_'), b" \t\r\n"
_ESCAPE = re.compile(rb"_(?:x[0-9A-Fa-f]{4}_|#)")


@cache
def _beyond(columns: int, digits: int, lead: int) -> re.Pattern[bytes]:
    """A `<c` tag whose reference is not `r="A1"`-shaped, or past these columns, or past a row
    of this many digits whose first one is at most `lead` (so past `_row_bound`)."""
    rows = b"[1-%d]" % lead
    if digits > 1:
        rows = b"(?:[1-%d][0-9]{%d}|[1-9][0-9]{0,%d})" % (lead, digits - 1, digits - 2)
    return re.compile(rb'<c(?! r="%s%s")[\s/>]' % (columns_up_to(columns), rows))


def _row_bound(digits: int, lead: int) -> int:
    """The last row number of `digits` digits starting with `lead`: 2, 6 → 299,999."""
    return (lead + 1) * 10 ** (digits - 1) - 1


def columns_up_to(columns: int) -> bytes:
    """A regular expression for the column letters from A to the `columns`-th one."""
    last = column_letter(columns - 1).encode()
    shorter = [b"[A-Z]{%d}" % n for n in range(1, len(last))]
    lower = [
        last[:i] + b"[A-%c]" % (letter - 1) + b"[A-Z]" * (len(last) - i - 1)
        for i, letter in enumerate(last)
        if letter > ord("A")
    ]
    return b"(?:" + b"|".join([*shorter, *lower, last]) + b")"


def _scan_regular(
    pieces: Iterable[bytes], placeholders: bool = False
) -> tuple[int, int, bool, dict[tuple[int, int], str]] | None:
    """(columns, a bound on the rows, escapes, formulas without a value) when every cell is
    written `<c r="A1"...`, else None.

    Every cell then lies within the rightmost column and the row bound (the longest row
    number seen, with its highest first digit: 299,999 for a sheet of 200,000 rows), and
    calamine places it by its reference alone. The search is one pass that only stops at a
    reference further right or longer than any so far (a few times per sheet), so it costs a
    fraction of calamine's own parse. A cell written any other way (no reference, a namespace
    prefix, lower case, a second `r`) sends the sheet to `_scan_irregular`.
    """
    columns, digits, lead, escapes = 1, 1, 1, False
    formulas: dict[tuple[int, int], str] = {}
    beyond = _beyond(columns, digits, lead)
    for piece in pieces:
        found = beyond.search(piece)
        while found:
            cell = CANONICAL.match(piece, found.start())
            if cell is None:
                return None
            columns = max(columns, column_number(cell[1].decode()))
            row = cell[2]
            if (len(row), row[0] - 48) > (digits, lead):
                digits, lead = len(row), row[0] - 48
            beyond = _beyond(columns, digits, lead)
            found = beyond.search(piece, found.start())
        # Each pass over a piece costs alike unless it looks for a single byte (memchr, ten
        # times faster): the searches below run only where such a byte says they may match.
        if b":" in piece and _PREFIXED.search(piece):
            return None
        if not escapes:
            escapes = b"\r" in piece or b"\x7f" in piece
            escapes = escapes or (b"\xc2" in piece and bool(_C1_CONTROL.search(piece)))
        squeezed = _squeezed(piece)
        if b'"r=' in squeezed:
            return None
        if not escapes:
            escapes = b"_" in squeezed and bool(_ESCAPE.search(squeezed))
        hint, shared_hint, no_value = _NO_VALUE[placeholders]
        if b"<f" in piece and (hint.search(piece) or shared_hint.search(piece)):
            for cell in no_value.finditer(piece):
                position = int(cell[2]) - 1, column_number(cell[1].decode()) - 1
                formulas[position] = _formula_text(html.unescape(utf8_text(cell[3] or b"")))
    return columns, _row_bound(digits, lead), escapes, formulas


def _squeezed(piece: bytes) -> bytes:
    """The piece through `_SQUEEZE`; when spaces are its only whitespace and it has no quote
    or ampersand to map, by `replace`, which skips translate's loop over every byte."""
    if any(byte in piece for byte in (b"\t", b"\r", b"\n", b"'", b"&")):
        return piece.translate(*_SQUEEZE)
    return piece.replace(b" ", b"")


#: C1 control characters written raw (UTF-8): XML allows them, terminals obey them. Like
#: the hints below, a search with a literal start, which runs at memory speed.
_C1_CONTROL = re.compile(rb"\xc2[\x80-\x9f]")
#: A formula with no calculated value, as openpyxl writes it (`<f>A1*2</f><v></v></c>`) or
#: a shared one with no value (`<f t="shared" si="0"/></c>`): calamine leaves the cell out;
#: with placeholders, also as xlsxwriter writes it (`<f>A1*2</f><v>0</v></c>`). The hints
#: (two searches with a literal start) rule out most pieces before the full expression runs.
_NO_VALUE = {
    placeholders: (
        re.compile(rb"</f>(?:<v></v>|<v/>%s)?</c>" % zero),
        re.compile(rb"/>(?:<v>0</v>)?</c>" if placeholders else rb"/></c>"),
        re.compile(
            rb'<c r="([A-Z]{1,3})([0-9]{1,7})"(?:[^>"\']|"[^"]*"|\'[^\']*\')*>'
            rb"(?:<f\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*/>"
            rb"|<f\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>([^<]*)</f>)"
            rb"(?:<v\s*/>|<v>\s*%s</v>)?</c>" % (b"0?" if placeholders else b"")
        ),
    )
    for placeholders, zero in ((False, b""), (True, b"|<v>0</v>"))
}


def _formula_text(text: str) -> str:
    """The formula as the user typed it ("=A1*2"); "=" alone for a shared one."""
    return "=" + CONTROL.sub("", text)


#: A cell that holds something: calamine leaves self-closing (formatted, empty) cells out.
#: Attribute values are skipped whole, as an XML parser does, so a ">" inside one is no end.
_VALUED_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"((?:[^>"\']|"[^"]*"|\'[^\']*\')*)>')


def _scan_exact(pieces: Iterable[bytes]) -> tuple[set[int], set[int]]:
    """The rows and columns (from 1) holding something, for a regular sheet whose bound was
    loose: a sheet of a million rows, a very wide one, or one with a value or a formatted
    (empty) cell far away, which calamine ignores.
    """
    columns: set[bytes] = set()
    rows: set[bytes] = set()
    for piece in pieces:
        for column, row, attributes in _VALUED_CELL.findall(piece):
            if not attributes.endswith(b"/"):
                columns.add(column)
                rows.add(row)
    return set(map(int, rows)), {column_number(c.decode()) for c in columns}


_REFERENCE = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")


def _scan_irregular(
    path: Path, chunks: Iterable[bytes], max_cells: int, placeholders: bool = False
) -> tuple[int, int, dict[tuple[int, int], str]]:
    """The extent of a sheet as calamine positions it, for XML written in an unusual way.

    calamine places a cell by its `r` reference, or else right after the previous cell of the
    row; a row by its `r`, or else after the previous row; it reads tags by local name, so any
    namespace prefix counts, and a self-closing tag counts as opened and closed. Cells without
    a value do not widen its grid. Here a real XML parser reads the part, so that tags are
    where calamine sees them; XML it rejects (a duplicated attribute, an unclosed quote) is
    corrupt, and so are references calamine would wrap around or reject.

    The parser costs Python work for every cell, about 3 µs: more than `_MAX_IRREGULAR`
    cells would take longer than anyone waits, so such a sheet is refused. Formulas are
    looked for only once the XML has shown one (`<f`), which most such sheets never do.
    """
    row = col = at_row = at_col = last_row = last_col = cells = 0
    formulas: dict[tuple[int, int], str] = {}
    seen = {"formula": False}

    def watched(chunks: Iterable[bytes]) -> Iterator[bytes]:
        for chunk in chunks:
            seen["formula"] = seen["formula"] or bool(_FORMULA_TAG.search(chunk))
            yield chunk

    for event, name, element in xml_elements(path, watched(chunks), ("row", "c")):
        reference = element.get("r") if event == "start" else None
        if name == "row":
            if reference is not None:
                row = _row_number(path, reference) - 1
            if event == "end":
                row, col = row + 1, 0
                forget(element)
            continue
        if event == "start":
            if reference is None:
                at_row, at_col = row, col
            else:
                found = _REFERENCE.fullmatch(reference)
                if found is None:
                    raise corrupt(path)
                at_row, at_col = _row_number(path, found[2]) - 1, column_number(found[1]) - 1
            col, cells = at_col + 1, cells + 1
            if cells > _MAX_IRREGULAR:
                raise _too_unusual(path)
        elif len(element):  # a cell with a <v>, <is> or <f> inside holds something
            last_row, last_col = max(last_row, at_row + 1), max(last_col, at_col + 1)
            if last_row * last_col > max_cells:
                return last_row, last_col, formulas
            if seen["formula"]:
                inside = {local_name(child.tag): child for child in element}
                value = (inside["v"].text or "").strip() if "v" in inside else ""
                if "f" in inside and (not value or (placeholders and value == "0")):
                    formulas[at_row, at_col] = _formula_text(inside["f"].text or "")
    return last_row, last_col, formulas


#: Cells of a sheet written in an unusual way that are scanned at most (see `_scan_irregular`).
_MAX_IRREGULAR = 4_000_000
_FORMULA_TAG = re.compile(rb"<(?:[^\s<>/:]+:)?f[\s/>]")


def _too_unusual(path: Path) -> UnreadableFile:
    name, limit = file_name(path), thousands(_MAX_IRREGULAR)
    return file_error(
        path,
        "file.sheet_too_large",
        f"O arquivo “{name}” foi gravado de um jeito incomum (por um programa que não é o Excel) "
        f"e uma das suas abas tem mais de {limit} células, demais para conferir com segurança; "
        "abra o arquivo no Excel, salve-o de novo e envie outra vez.",
        f"File “{name}” was written in an unusual way (by a program other than Excel) and one "
        f"of its sheets has more than {_MAX_IRREGULAR:,} cells, too many to check safely; open "
        "it in Excel, save it again and send it once more.",
    )


def _row_number(path: Path, text: str) -> int:
    digits = text.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    if not digits.isascii() or not digits.isdigit() or len(digits) > 7 or int(digits) == 0:
        raise corrupt(path)
    return int(digits)
