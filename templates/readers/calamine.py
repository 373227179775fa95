"""The one place python-calamine reads a workbook, once the readers know it is safe to."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import BinaryIO

from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum

from retaguarda.templates.readers.errors import corrupt, encrypted
from retaguarda.templates.readers.raw_sheets import CONTROL, RawSheet, clean_rows


def read_calamine(path: Path, *, clean: bool, source: BinaryIO | None = None) -> list[RawSheet]:
    """The worksheets, read by calamine once their extent is known to be safe.

    calamine is handed the open file, not the path: given a path it picks the format by the
    extension, and "extrato.xls" may well be an .xlsx. `skip_empty_area=False` makes rows[0]
    sheet row 1 and column 0 column A, whatever the first cell in use. `source` is a copy of
    the file to read instead (see `xlsx_far_cells.copy_without_far_cells`).
    """
    sheets: list[RawSheet] = []
    try:
        with contextlib.ExitStack() as stack:
            file = source or stack.enter_context(path.open("rb"))
            book = stack.enter_context(CalamineWorkbook.from_filelike(file))
            for meta in book.sheets_metadata:
                if meta.typ != SheetTypeEnum.WorkSheet:
                    continue
                rows = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
                sheets.append(RawSheet(name=CONTROL.sub("", meta.name), rows=rows))
    except PasswordError:
        raise encrypted(path) from None
    except Exception:
        raise corrupt(path) from None
    except BaseException as error:  # a Rust panic inside calamine arrives as a BaseException
        if type(error).__name__ != "PanicException":
            raise
        raise corrupt(path) from None
    if clean:
        for sheet in sheets:
            clean_rows(sheet.rows)
    return sheets
