"""A copy of an xlsx package without the values that lie far from a sheet's data.

Excel opens a sheet with a stray value at XFD1048576 without complaint, but calamine would
build the grid out to it; calamine reads the copy instead, and the values left out are named.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from retaguarda.templates.readers.errors import corrupt
from retaguarda.templates.readers.xlsx_scan import CANONICAL, Scan, columns_up_to
from retaguarda.templates.readers.zip_members import WHOLE_TAG, inflate, tag_pieces


def copy_without_far_cells(
    path: Path,
    file: BinaryIO,
    parts: list[zipfile.ZipInfo],
    scans: dict[int, Scan],
    target: BinaryIO,
    far: dict[int, list[str]],
) -> None:
    """Write the parts calamine reads into `target`, a package where the sheets with values
    far from their data hold only the cells near it; the references left out go in `far`.

    calamine has no way to read part of a sheet: it would build the grid out to the far value.
    The copy is stored, not compressed, and only the XML parts go in it.
    """
    names = [info.filename for info in parts]
    if len(set(names)) != len(names):
        raise corrupt(path)  # which duplicate calamine reads is unknown; nothing is trimmed
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED, allowZip64=True) as copy:
        for info in parts:
            scan = scans.get(id(info))
            pieces: Iterable[bytes] = inflate(path, file, info)
            if scan is not None and scan.near:
                far[id(info)] = []
                pieces = _drop_far_cells(tag_pieces(path, pieces), *scan.near, far[id(info)])
            with copy.open(info.filename, "w", force_zip64=True) as part:
                for piece in pieces:
                    part.write(piece)
    target.seek(0)


#: How many far references are kept for the warnings; the rest are left out all the same.
_MAX_FAR_LISTED = 20


def _drop_far_cells(
    pieces: Iterable[bytes], rows: int, cols: int, far: list[str]
) -> Iterator[bytes]:
    """The XML of a regular sheet without its cells beyond `rows` and `cols`.

    Only cells outside stop the search; each is cut out from its `<c` to its `</c>` (or its
    `/>`), which may lie in the next piece: then the rest waits for it.
    """
    outside = re.compile(rb'<c(?! r="%s%s")[\s/>]' % (columns_up_to(cols), _numbers_up_to(rows)))
    data = b""
    for piece in pieces:
        data = data + piece if data else piece
        kept, data = _cut_cells(data, outside, far, final=False)
        if kept:
            yield kept
    kept, _ = _cut_cells(data, outside, far, final=True)
    if kept:
        yield kept


def _cut_cells(
    data: bytes, outside: re.Pattern[bytes], far: list[str], *, final: bool
) -> tuple[bytes, bytes]:
    """(the XML without the outside cells, the unfinished rest)."""
    kept: list[bytes] = []
    at = 0
    for found in outside.finditer(data):
        start = found.start()
        if start < at:
            continue
        tag = WHOLE_TAG.match(data, start)
        if tag is None:
            break
        end = tag.end() if tag[0].endswith(b"/>") else data.find(b"</c>", tag.end())
        if end == -1:
            if final:
                break
            kept.append(data[at:start])
            return b"".join(kept), data[start:]
        if not tag[0].endswith(b"/>"):
            end += len(b"</c>")
            if len(far) < _MAX_FAR_LISTED and _HOLDS_VALUE.search(data, tag.end(), end):
                cell = CANONICAL.match(data, start)
                if cell:  # always, in a sheet `xlsx_scan._scan_regular` found regular
                    far.append((cell[1] + cell[2]).decode())
        kept.append(data[at:start])
        at = end
    kept.append(data[at:])
    return b"".join(kept), b""


_HOLDS_VALUE = re.compile(rb"<v>[^<]|<is[\s>]|<f[\s>/]")


def _numbers_up_to(number: int) -> bytes:
    """A regular expression for the whole numbers from 1 to `number`, written plainly."""
    digits = str(number).encode()
    shorter = [b"[1-9][0-9]{0,%d}" % (len(digits) - 2)] if len(digits) > 1 else []
    lower = []
    for i, digit in enumerate(digits):
        least = ord("1") if i == 0 else ord("0")
        if digit > least:
            rest = b"[0-9]" * (len(digits) - i - 1)
            lower.append(digits[:i] + b"[%c-%c]" % (least, digit - 1) + rest)
    return b"(?:" + b"|".join([*shorter, *lower, digits]) + b")"
