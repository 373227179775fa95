"""A big sheet read by calamine in two halves at once, one on each core.

calamine parses a sheet in Rust on one core, letting go of Python's global lock while it
works: 1.7 s for the 200,000-row journal of the benchmarks, while the other core waits. Two
copies of the package, each holding half of that sheet's rows, are parsed on two threads
side by side (0.9 s), and the halves put back together, so the rows are the ones reading the
whole sheet gives, cell for cell (`tests/templates/test_xlsx_halves.py` reads every workbook
of the tests both ways).

Only a sheet this can split safely is split: rows in order, the row at the cut numbered, no
CDATA or comments that a cut could fall inside, no values far from the data (those are read
through `xlsx_far_cells`' copy). Anything else, and anything that fails here, is read whole
by `calamine.read_calamine`, which then meets whatever is wrong with the file and says so.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from python_calamine import CalamineSheet, CalamineWorkbook

from retaguarda.templates.readers.calamine import read_calamine
from retaguarda.templates.readers.raw_sheets import CONTROL, RawSheet, clean_rows
from retaguarda.templates.readers.zip_members import WHOLE_TAG, inflate

#: Sheet XML from which a second thread is worth it (inflated, about 40,000 rows of a
#: journal): below it, writing the copies costs about what the second core saves.
WORTH_IT = 16 * 1024 * 1024
#: Sheet XML above which it is read whole: the halves hold it in memory at once, which a
#: whole read never does (the scan and calamine stream it), and the grid of such a sheet
#: already takes most of what a read may use.
TOO_BIG = 256 * 1024 * 1024

#: Per cent of the rows in the first half: its thread turns its rows into Python objects
#: (which holds the global lock) while the second is still parsing, and both end together.
_FIRST_SHARE = 45
_ROW_NUMBER = re.compile(rb'\sr="([1-9][0-9]{0,6})"')
#: What a cut could fall inside of, and then cut a value or a comment in two.
_UNSAFE = (b"<![CDATA[", b"<!--")


@dataclass
class Halves:
    """Two stored copies of a package, each holding half of one sheet's rows."""

    name: str  # the sheet, as the workbook names it
    row: int  # the first row of the second half (from 1)
    first: BinaryIO  # every part, the sheet holding the rows above `row`
    second: BinaryIO  # every part, the sheet holding `row` and the rows below

    def close(self) -> None:
        self.first.close()
        self.second.close()


def read_in_halves(
    path: Path,
    file: BinaryIO,
    parts: list[zipfile.ZipInfo],
    sheets: list[tuple[str, list[zipfile.ZipInfo]]],
    *,
    clean: bool,
    prepared: Halves | None = None,
) -> list[RawSheet] | None:
    """The workbook's sheets as `read_calamine` reads them, its biggest sheet parsed in two
    halves on two threads; None when no sheet is worth it or can be split safely, or the
    halves fail or disagree (the caller then reads the file whole). `prepared` is these
    halves made already (`prepare`, run ahead by `xlsx_ahead`); they are closed here."""
    try:
        halves = prepared or prepare(path, file, parts, sheets)
    except Exception:  # no room for the copies, say: the sheet is read whole
        return None
    if halves is None:
        return None
    later: dict[str, object] = {}
    thread = threading.Thread(
        target=_second_half, args=(halves, later), name="retaguarda-xlsx-half"
    )
    try:
        thread.start()
        raw = read_calamine(path, clean=clean, source=halves.first)
    except Exception:
        return None
    finally:
        if thread.ident is not None:
            thread.join()
        halves.close()
    rows = later.get("rows")
    if not isinstance(rows, list):
        return None
    shown = CONTROL.sub("", halves.name)
    named = [sheet for sheet in raw if sheet.name == shown]
    if len(named) != 1:  # two sheets that read alike once cleaned: which is which is unsure
        return None
    joined = _joined(named[0].rows, rows, later["start"], halves.row - 1)  # type: ignore[arg-type]
    if joined is None:
        return None
    if clean:
        clean_rows(joined)
    named[0].rows = joined
    return raw


def prepare(
    path: Path,
    file: BinaryIO,
    parts: list[zipfile.ZipInfo],
    sheets: list[tuple[str, list[zipfile.ZipInfo]]],
) -> Halves | None:
    """The two copies of the package, cut in the biggest sheet's rows; None when no sheet is
    worth it or can be cut safely. Needs no scan: it only inflates, within the caps of
    `zip_members.inflate`, and writes; calamine reads nothing here."""
    found = _biggest(sheets)
    if found is None or (os.cpu_count() or 1) < 2:
        return None
    name, big = found
    xml = b"".join(inflate(path, file, big))
    cut = _cut(xml)
    if cut is None:
        return None
    start, middle, end, row = cut
    others = {id(info): b"".join(inflate(path, file, info)) for info in parts if info is not big}
    whole = memoryview(xml)
    with contextlib.ExitStack() as opened:  # closed (and gone) unless both are written
        first = opened.enter_context(tempfile.TemporaryFile())
        second = opened.enter_context(tempfile.TemporaryFile())
        # the first half of the rows and what follows them; what precedes them and the rest
        _copy(parts, big, others, (whole[:middle], whole[end:]), first)
        _copy(parts, big, others, (whole[:start], whole[middle:]), second)
        opened.pop_all()
    return Halves(name, row, first, second)


def _biggest(
    sheets: list[tuple[str, list[zipfile.ZipInfo]]],
) -> tuple[str, zipfile.ZipInfo] | None:
    """The sheet whose one part is the biggest, when it is worth splitting."""
    single = [(name, found[0]) for name, found in sheets if len(found) == 1]
    if not single:
        return None
    name, info = max(single, key=lambda pair: pair[1].file_size)
    return (name, info) if WORTH_IT <= info.file_size <= TOO_BIG else None


def _cut(xml: bytes) -> tuple[int, int, int, int] | None:
    """Where the rows start, where the second half starts (a `<row` tag numbered `r`), where
    the rows end, and that row's number; None when the sheet cannot be cut safely."""
    open_at = xml.find(b"<sheetData>")
    end = xml.rfind(b"</sheetData>")
    # a single byte is found at memory speed; the marks themselves take ten times longer
    unsafe = xml.find(b"!") >= 0 and any(xml.find(mark) >= 0 for mark in _UNSAFE)
    if open_at < 0 or end < 0 or unsafe:
        return None
    start = open_at + len(b"<sheetData>")
    middle = xml.find(b"<row", start + (end - start) * _FIRST_SHARE // 100, end)
    if middle < 0 or xml.find(b"<row", start, end) != start:
        return None
    tag = WHOLE_TAG.match(xml, middle)
    number = _ROW_NUMBER.search(tag[0]) if tag and tag[0][4:5] in b" \t\r\n" else None
    if number is None:
        return None
    return start, middle, end, int(number[1])


def _copy(
    parts: list[zipfile.ZipInfo],
    big: zipfile.ZipInfo,
    others: dict[int, bytes],
    halves: tuple[memoryview, memoryview],
    target: BinaryIO,
) -> None:
    """A stored package of the parts calamine reads, the big sheet holding one half."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED, allowZip64=True) as copy:
        for info in parts:
            with copy.open(info.filename, "w", force_zip64=True) as part:
                if info is big:
                    part.write(halves[0])
                    part.write(halves[1])
                else:
                    part.write(others[id(info)])
    target.seek(0)


def _second_half(halves: Halves, out: dict[str, object]) -> None:
    """On the second thread: the second half's rows from its first cell, and where that is."""
    try:
        with CalamineWorkbook.from_filelike(halves.second) as book:
            sheet: CalamineSheet = book.get_sheet_by_name(halves.name)
            out["start"] = sheet.start
            out["rows"] = sheet.to_python(skip_empty_area=True) if sheet.start else []
    except BaseException:  # a Rust panic too: the file is read whole instead
        out.clear()


def _joined(
    first: list[list[object]],
    second: list[list[object]],
    start: tuple[int, int] | None,
    cut: int,
) -> list[list[object]] | None:
    """The rows of the whole sheet from those of its halves: `first` from A1, `second` from
    its first cell `start` (row, column from 0), `cut` the first row of the second half.
    None when the halves overlap (rows out of order in the file)."""
    if len(first) > cut:
        return None
    if start is None or not second:
        return first
    row, col = start
    if row < cut:
        return None
    # calamine gives every row of a half the same width: a half is widened only when the
    # other reaches further right (rare), not looked at row by row
    width = max(len(first[0]) if first else 0, col + len(second[0]))
    if first and len(first[0]) < width:
        _widen(first, width - len(first[0]), left=False)
    if col + len(second[0]) < width:
        _widen(second, width - col - len(second[0]), left=False)
    if col:
        _widen(second, col, left=True)
    return first + [[""] * width for _ in range(row - len(first))] + second


def _widen(rows: list[list[object]], cells: int, *, left: bool) -> None:
    """Add `cells` empty cells to every row, before its first cell or after its last."""
    for at, row in enumerate(rows):
        rows[at] = [""] * cells + row if left else row + [""] * cells
