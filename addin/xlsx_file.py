"""The .xlsx file adapter: a marked copy of the user's workbook, written with openpyxl.

Used by `retaguarda validate --write-back` and for uploads. The user's file is never touched:
the marks go into a copy, and the copy keeps the workbook's own formatting, formulas and macros
(.xlsm) except for the fills of the offending cells.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException

from retaguarda.addin.marks import PENDING_HEADER, PENDING_SHEET, cell_marks, pending_rows
from retaguarda.templates.files import UnreadableFile
from retaguarda.validators.report import Report

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
NOTE_AUTHOR = "Retaguarda"


def write_back(source: Path | str, report: Report, out: Path | str) -> Path:
    """Write `out`: `source` with every offending cell filled and noted, and a Pendências sheet."""
    source, out = Path(source), Path(out)
    if source.suffix.lower() not in (".xlsx", ".xlsm") or not zipfile.is_zipfile(source):
        raise UnreadableFile(
            f"{source.name}: a cópia marcada só pode ser gravada a partir de um .xlsx ou .xlsm.",
            f"{source.name}: the marked copy can only be written from an .xlsx or .xlsm file.",
        )
    try:
        book = load_workbook(source, keep_vba=source.suffix.lower() == ".xlsm", rich_text=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
        raise UnreadableFile(
            f"{source.name}: não foi possível abrir a planilha para marcar ({error}).",
            f"{source.name}: could not open the workbook to mark it ({error}).",
        ) from None
    for mark in cell_marks(report.issues):
        if mark.sheet not in book.sheetnames:
            continue
        cell = book[mark.sheet][mark.cell]
        cell.fill = PatternFill(fill_type="solid", start_color=mark.fill, end_color=mark.fill)
        cell.comment = Comment(_clean(mark.note), NOTE_AUTHOR, width=320, height=140)
    _pending_sheet(book, report)
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out


def _pending_sheet(book: object, report: Report) -> None:
    if PENDING_SHEET in book.sheetnames:  # type: ignore[attr-defined]
        del book[PENDING_SHEET]  # type: ignore[index]
    sheet = book.create_sheet(PENDING_SHEET, 0)  # type: ignore[attr-defined]
    sheet.append(list(PENDING_HEADER))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values, target in pending_rows(report):
        sheet.append([_text(sheet, v) for v in values])
        row = sheet.max_row
        if target:
            link = sheet.cell(row=row, column=2)
            link.hyperlink = f"#{target}"
            link.style = "Hyperlink"
        elif values[0]:
            sheet.cell(row=row, column=1).font = Font(bold=True)
    for letter, width in zip("ABCDEFG", (22, 9, 7, 20, 70, 24, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    book.active = 0  # type: ignore[attr-defined]


def _text(sheet: object, value: object) -> Cell:
    """A string cell, never a formula, whatever the text starts with."""
    cell = Cell(sheet, value=None)  # type: ignore[arg-type]
    cell.value = _clean(str(value))
    cell.data_type = "s"
    return cell


def _clean(text: str) -> str:
    return _ILLEGAL.sub("", text)
