"""The .xlsx file adapter: a marked copy of the user's workbook, written with openpyxl.

Used by `retaguarda validate --write-back` and for uploads. The user's file is never touched:
the marks go into a copy. An Excel workbook of ordinary size is loaded whole by openpyxl, so the
copy keeps its formatting, formulas and macros (.xlsm) except for the fills of the offending
cells. Anything else is copied from the cells as read (`xlsx_copy`), always as an .xlsx: a
CSV, ODS, XLS or HTML export (which cannot hold colours, notes or a second sheet), a workbook
too big for openpyxl to load within the time a run is given, and one openpyxl cannot load.
"""

from __future__ import annotations

import secrets
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet.hyperlink import Hyperlink

from retaguarda.addin.macros import mark_workbook
from retaguarda.addin.marks import PENDING_WIDTHS, inert, visible
from retaguarda.addin.port import Capabilities, SheetValues
from retaguarda.addin.xlsx_copy import write_copy
from retaguarda.templates.files import RawWorkbook, read_workbook
from retaguarda.templates.model import PENDING_SHEET
from retaguarda.validators.report import Report

NOTE_AUTHOR = "Retaguarda"
#: A workbook that unpacks to more than this is copied from its cells, not loaded into
#: openpyxl, which spends some 25 µs a cell to load, mark and save it: 17.5 MB (50,000 rows of
#: 7 columns) took 10 s in all, 35 MB 23 s (benchmarks/write_back.py); the streamed copy of a
#: full sheet, 400 MB, takes about 24 s.
MAX_UNPACKED_FORMATTED = 24 * 2**20
#: how the notice names a source that is not an Excel workbook, by `RawWorkbook.kind`
KIND_PT = {
    "xls": "XLS (Excel 97-2003)",
    "ods": "ODS (LibreOffice)",
    "csv": "CSV",
    "html": "uma página HTML (exportação de banco salva como planilha)",
}
_WORKBOOK_XML_LIMIT = 16 * 2**20
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@dataclass(frozen=True)
class WriteBack:
    """The copy written, and what the user should know about it (Portuguese), if anything."""

    path: Path
    notice: str | None = None


@dataclass(frozen=True)
class Package:
    """What the copy needs to know about an Excel workbook before opening it."""

    unpacked: int  # bytes of all its parts, uncompressed
    hidden: frozenset[str]
    has_macros: bool


def output_problem(source: Path, out: Path) -> str | None:
    """Why `out` cannot be the marked copy of `source` (Portuguese), or None.

    The copy holds colours, notes and a second sheet, which only an Excel workbook keeps: a
    user asking for "marcada.csv" gets told so before the run, not a file named .csv holding
    an .xlsx, nor a file under another name than the one asked for.
    """
    suffix, stem = out.suffix.lower(), visible(out.stem)  # names are shown, never obeyed
    if suffix not in (".xlsx", ".xlsm"):
        return (
            f"--write-back grava uma planilha do Excel (cores, notas e a aba Pendências), que "
            f"um arquivo {visible(suffix) or 'sem extensão'} não guarda: use um nome terminado "
            f"em .xlsx (por exemplo, {stem}.xlsx)."
        )
    package = _package(source)
    if suffix == ".xlsm" and not (package and package.has_macros):
        return (
            "--write-back: o original não tem macros, e um .xlsm sem macros o Excel não abre; "
            f"use um nome terminado em .xlsx (por exemplo, {stem}.xlsx)."
        )
    return None


def write_back(
    source: Path | str, report: Report, out: Path | str, *, workbook: RawWorkbook | None = None
) -> WriteBack:
    """Write `out`: `source` with every offending cell filled and noted, and a Pendências sheet.

    `workbook` is the source as already read for the report, if the caller kept it. Raises
    `UnreadableFile` when the source cannot be read at all, `OSError` when `out` cannot be
    written. The copy is written beside `out` and moved there only once complete, so a failed
    or interrupted run never leaves half a workbook under the name the user gave.
    """
    source, out = Path(source), Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    # a name of its own per run: two runs writing the same copy never write one file together
    partial = out.with_name(f".{out.stem}.{secrets.token_hex(6)}.parcial{out.suffix}")
    try:
        notice = _write(source, report, partial, out.suffix.lower() == ".xlsm", workbook)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return WriteBack(out, notice)


def _write(
    source: Path, report: Report, out: Path, keep_macros: bool, workbook: RawWorkbook | None
) -> str | None:
    """Write the copy; what the user should know about it, if anything."""
    package = _package(source)
    if package is not None and package.unpacked <= MAX_UNPACKED_FORMATTED:
        try:
            _mark_in_place(source, report, out, keep_macros=keep_macros and package.has_macros)
            return None
        except Exception:  # whatever openpyxl trips on, the copy from the cells as read is left
            notice = (
                "a formatação do original não pôde ser copiada; a cópia marcada leva os dados "
                "como foram lidos (valores, sem fórmulas nem formatação)."
            )
    elif package is not None:
        notice = (
            "a planilha é grande demais para copiar a formatação a tempo; a cópia marcada leva "
            "os dados como foram lidos (valores, sem fórmulas nem formatação)."
        )
    raw = workbook if workbook is not None else read_workbook(source)
    if package is None:
        notice = (
            f"o original é {KIND_PT.get(raw.kind, raw.kind)}; a cópia marcada foi gravada como "
            ".xlsx, com os dados como foram lidos."
        )
    macros = _macros(source) if package and package.has_macros and keep_macros else None
    write_copy(raw, report, out, hidden=package.hidden if package else (), vba_project=macros)
    return notice


def open_workbook(source: Path | BinaryIO, *, keep_macros: bool = True) -> Workbook:
    """The workbook as openpyxl loads it whole, its macros kept unless asked otherwise."""
    return load_workbook(source, keep_vba=keep_macros, rich_text=True)


def _mark_in_place(source: Path, report: Report, out: Path, *, keep_macros: bool) -> None:
    # handed the open file: openpyxl picks the format by the name, and "extrato.xls" may
    # well be an .xlsx
    with source.open("rb") as file:
        book = open_workbook(file, keep_macros=keep_macros)
        port = XlsxWorkbook(book)
        mark_workbook(port, report)
        _dress_pending(book)
        book.save(out)


def _package(source: Path) -> Package | None:
    """An Excel workbook's outline, or None for anything else (ODS is a zip too)."""
    try:
        with zipfile.ZipFile(source) as package:
            members = {info.filename: info for info in package.infolist()}
            workbook = members.get("xl/workbook.xml")
            if workbook is None:
                return None
            # every part: the sheets may be named anything, and shared strings load too
            unpacked = sum(info.file_size for info in members.values())
            hidden: frozenset[str] = frozenset()
            if workbook.file_size <= _WORKBOOK_XML_LIMIT:
                hidden = _hidden_sheets(package.read(workbook))
            return Package(unpacked, hidden, "xl/vbaProject.bin" in members)
    except (OSError, zipfile.BadZipFile, etree.XMLSyntaxError, ValueError):
        return None


def _hidden_sheets(workbook_xml: bytes) -> frozenset[str]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(workbook_xml, parser)
    return frozenset(
        sheet.get("name", "")
        for sheet in root.iter(f"{_MAIN}sheet")
        if sheet.get("state") in ("hidden", "veryHidden")
    )


def _macros(source: Path) -> bytes:
    with zipfile.ZipFile(source) as package:
        return package.read("xl/vbaProject.bin")


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
                    target.value = inert(value)
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
        opaque = f"FF{color}"  # ARGB: openpyxl would make it "00" (transparent) otherwise
        self.book[sheet][cell].fill = (
            PatternFill(fill_type="solid", start_color=opaque, end_color=opaque)
            if color
            else PatternFill(fill_type=None)
        )

    def has_note(self, sheet: str, cell: str) -> bool:
        return self.book[sheet][cell].comment is not None

    def set_note(self, sheet: str, cell: str, text: str | None) -> None:
        self.book[sheet][cell].comment = (
            Comment(visible(text), NOTE_AUTHOR, width=320, height=140) if text else None
        )

    def link(self, sheet: str, cell: str, target: str, text: str) -> None:
        link = self.book[sheet][cell]
        # a location inside the workbook, not a relationship: a sheet name may hold "#", "%"
        # or spaces, which a URI would have to encode
        link.hyperlink = Hyperlink(ref=cell, location=target, display=text)
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
    for row in sheet.iter_rows(min_row=2):
        if row[0].value and not any(c.value for c in row[1:]):
            row[0].font = Font(bold=True)  # a sheet's heading with its counts
    for letter, width in zip("ABCDEFG", PENDING_WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    book.active = book.sheetnames.index(PENDING_SHEET)
    for ws in book.worksheets:
        ws.sheet_view.tabSelected = ws.title == PENDING_SHEET
