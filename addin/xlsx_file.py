"""The .xlsx file adapter: a marked copy of the user's workbook, written with openpyxl.

Used by `retaguarda validate --write-back` and for uploads. The user's file is never touched:
the marks go into a copy, and the copy keeps the workbook's own formatting, formulas and macros
(.xlsm) except for the fills of the offending cells.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.utils.exceptions import InvalidFileException

from retaguarda.addin.macros import mark_workbook
from retaguarda.addin.marks import PENDING_SHEET
from retaguarda.addin.port import Capabilities, SheetValues
from retaguarda.templates.files import UnreadableFile
from retaguarda.validators.report import Report

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
NOTE_AUTHOR = "Retaguarda"


def write_back(source: Path | str, report: Report, out: Path | str) -> Path:
    """Write `out`: `source` with every offending cell filled and noted, and a Pendências sheet."""
    source, out = Path(source), Path(out)
    book = open_workbook(source)
    port = XlsxWorkbook(book)
    mark_workbook(port, report)
    _dress_pending(book)
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out


def open_workbook(source: Path) -> Workbook:
    """The workbook to mark, macros kept for .xlsm; a clear error for anything else."""
    if source.suffix.lower() not in (".xlsx", ".xlsm") or not zipfile.is_zipfile(source):
        raise UnreadableFile(
            f"{source.name}: a cópia marcada só pode ser gravada a partir de um .xlsx ou .xlsm.",
            f"{source.name}: the marked copy can only be written from an .xlsx or .xlsm file.",
        )
    try:
        return load_workbook(source, keep_vba=source.suffix.lower() == ".xlsm", rich_text=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
        raise UnreadableFile(
            f"{source.name}: não foi possível abrir a planilha para marcar ({error}).",
            f"{source.name}: could not open the workbook to mark it ({error}).",
        ) from None


class XlsxWorkbook:
    """The workbook port over an openpyxl workbook: a file can show everything but alerts."""

    capabilities = Capabilities(notes=True, hidden_sheets=True)

    def __init__(self, book: Workbook) -> None:
        self.book = book

    def sheet_names(self) -> list[str]:
        return list(self.book.sheetnames)

    def read(self, sheet: str) -> SheetValues:
        return SheetValues([list(r) for r in self.book[sheet].iter_rows(values_only=True)])

    def write(self, sheet: str, cell: str, rows: Sequence[Sequence[object]]) -> None:
        ws = self.book[sheet]
        top, left = coordinate_to_tuple(cell)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                target = ws.cell(row=top + i, column=left + j)
                if isinstance(value, str):
                    target.value = _clean(value)
                    target.data_type = "s"  # a string cell, never a formula
                else:
                    target.value = value

    def replace_sheet(self, sheet: str, *, first: bool = False) -> None:
        if sheet in self.book.sheetnames:
            index = self.book.sheetnames.index(sheet)
            del self.book[sheet]
            self.book.create_sheet(sheet, 0 if first else index)
        else:
            self.book.create_sheet(sheet, 0 if first else None)

    def delete_sheet(self, sheet: str) -> None:
        del self.book[sheet]

    def paint(self, sheet: str, cell: str, color: str | None) -> None:
        self.book[sheet][cell].fill = (
            PatternFill(fill_type="solid", start_color=color, end_color=color)
            if color
            else PatternFill(fill_type=None)
        )

    def has_note(self, sheet: str, cell: str) -> bool:
        return self.book[sheet][cell].comment is not None

    def set_note(self, sheet: str, cell: str, text: str | None) -> None:
        self.book[sheet][cell].comment = (
            Comment(_clean(text), NOTE_AUTHOR, width=320, height=140) if text else None
        )

    def link(self, sheet: str, cell: str, target: str, text: str) -> None:
        link = self.book[sheet][cell]
        link.hyperlink = f"#{target}"
        link.style = "Hyperlink"

    def hide_sheet(self, sheet: str) -> None:
        self.book[sheet].sheet_state = "hidden"

    def alert(self, message: str, title: str) -> None:
        raise NotImplementedError("an .xlsx file shows no message box (capabilities.alerts)")


def _dress_pending(book: Workbook) -> None:
    """What only a file keeps: a bold header, column widths, frozen panes, opened first."""
    if PENDING_SHEET not in book.sheetnames:
        return
    sheet = book[PENDING_SHEET]
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2, max_col=2):
        if row[0].value and not row[1].value:
            row[0].font = Font(bold=True)  # a sheet's heading with its counts
    for letter, width in zip("ABCDEFG", (22, 9, 7, 20, 70, 24, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    book.active = book.sheetnames.index(PENDING_SHEET)
    for ws in book.worksheets:
        ws.sheet_view.tabSelected = ws.title == PENDING_SHEET


def _clean(text: str) -> str:
    return _ILLEGAL.sub("", text)
