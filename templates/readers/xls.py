"""OLE2 compound files: old .xls workbooks (BIFF), measured before calamine reads them, and
the encrypted Office files that share their container."""

from __future__ import annotations

import struct
from pathlib import Path

import msoffcrypto
import olefile

from retaguarda.templates.readers.calamine import read_calamine
from retaguarda.templates.readers.errors import (
    Budget,
    UnreadableFile,
    corrupt,
    encrypted,
    not_spreadsheet,
    too_large,
)
from retaguarda.templates.readers.raw_sheets import RawSheet


def read_ole(path: Path, max_cells: int) -> tuple[str, list[RawSheet]]:
    try:
        with olefile.OleFileIO(str(path)) as ole:
            streams = {"/".join(entry).lower(): "/".join(entry) for entry in ole.listdir()}
            if {"encryptioninfo", "encryptedpackage"} <= streams.keys():
                raise encrypted(path)
            book = streams.get("workbook") or streams.get("book")
            if book is None:
                if "worddocument" in streams:
                    raise not_spreadsheet(path, "um documento do Word", "a Word document")
                raise not_spreadsheet(
                    path, "um arquivo do Office que não é planilha", "a non-spreadsheet Office file"
                )
            biff = ole.openstream(book).read()
    except UnreadableFile:
        raise
    except Exception:  # olefile raises bare OSError, struct.error, IndexError... on bad input
        raise corrupt(path, "planilha do Excel (.xls)", "an Excel (.xls) workbook") from None
    if _xls_encrypted(path):
        raise encrypted(path)
    _check_biff(path, biff, max_cells)
    return "xls", read_calamine(path, clean=True)


def _xls_encrypted(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            return bool(msoffcrypto.OfficeFile(file).is_encrypted())
    except Exception:  # msoffcrypto's own errors on odd files: calamine has the last word
        return False


#: BIFF records that place one cell by (row u16, column u16) at the start of their data.
_BIFF_CELLS = frozenset({0x0006, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x00D6, 0x0406})
#: MULRK and MULBLANK: row, first column, ..., last column in the last two bytes.
_BIFF_RUNS = frozenset({0x00BD, 0x00BE})
_BIFF_BOF, _BIFF_BOUNDSHEET, _BIFF_DIMENSIONS = 0x0809, 0x0085, 0x0200


def _check_biff(path: Path, biff: bytes, max_cells: int) -> None:
    """Raise if an .xls sheet's cells reach too far, or its DIMENSIONS record would make
    calamine reserve memory it cannot have.

    A cell record's u16 column can say 65,535; calamine reserves a DIMENSIONS record's rows ×
    columns before reading any cell, and inverted bounds wrap around to billions. Either way
    it aborts the process.
    """
    names: dict[int, str] = {}
    budget = Budget(path, max_cells)
    unpack = struct.unpack_from
    offset, sheet_at, last_row, last_col, end = 0, 0, 0, 0, len(biff) - 4
    while offset <= end:
        kind, size = unpack("<HH", biff, offset)
        data, offset = offset + 4, offset + 4 + size
        if offset > len(biff):
            break  # a truncated last record: calamine reports it, if it matters
        if kind in _BIFF_CELLS and size >= 4:
            row, col = unpack("<HH", biff, data)
        elif kind in _BIFF_RUNS and size >= 6:
            row, col = unpack("<H", biff, data)[0], unpack("<H", biff, offset - 2)[0]
        elif kind == _BIFF_BOF:
            budget.spend(names.get(sheet_at, ""), last_row, last_col)
            sheet_at, last_row, last_col = data - 4, 0, 0
            continue
        elif kind == _BIFF_BOUNDSHEET and size >= 8:
            names[unpack("<I", biff, data)[0]] = _biff_sheet_name(biff[data + 6 : offset])
            continue
        elif kind == _BIFF_DIMENSIONS and size in (10, 14):
            bounds = unpack("<IIHH" if size == 14 else "<HHHH", biff, data)
            _check_biff_dimensions(path, names.get(sheet_at, ""), *bounds, max_cells=max_cells)
            continue
        else:
            continue
        last_row, last_col = max(last_row, row + 1), max(last_col, col + 1)
    budget.spend(names.get(sheet_at, ""), last_row, last_col)


def _check_biff_dimensions(
    path: Path,
    name: str,
    first_row: int,
    end_row: int,
    first_col: int,
    end_col: int,
    *,
    max_cells: int,
) -> None:
    """The room calamine reserves for a sheet: (end - first) rows and columns, in u32."""
    if not end_row or not end_col:
        return
    rows, cols = (end_row - first_row) % 2**32, (end_col - first_col) % 2**32
    if rows * cols <= max_cells:
        return
    if first_row >= end_row or first_col >= end_col:
        raise corrupt(path, "planilha do Excel (.xls)", "an Excel (.xls) workbook")
    raise too_large(path, name, end_row, end_col)


def _biff_sheet_name(data: bytes) -> str:
    if len(data) < 2:
        return ""
    length, wide = data[0], data[1] & 0x1
    raw = data[2 : 2 + length * (2 if wide else 1)]
    return raw.decode("utf-16-le" if wide else "latin-1", "replace")
