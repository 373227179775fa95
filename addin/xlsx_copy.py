"""A marked copy written from the cells as read: for CSV, ODS, XLS and HTML exports, and for
workbooks too big to load whole.

openpyxl keeps a workbook's formatting but holds about a kilobyte per cell and spends some
20 µs on each, and both xlsxwriter and openpyxl's write-only mode spend 7–9 µs a cell: a full
sheet (a million rows) would take a minute or more on its own. So the package is written by
xlsxwriter (formats, notes, links, the Pendências sheet, the marks sheet) with, in each sheet,
only the cells that need a format (marks, headings, links), and every sheet's rows are then
streamed into its `<sheetData>` as XML written here, one row at a time: text stays text
(CPF/CNPJ keep their leading zeros), numbers, booleans and dates keep their type, and a cell
with a format takes the style index xlsxwriter gave it.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl.utils.cell import coordinate_to_tuple
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook

from retaguarda.addin.macros import (
    Recorded,
    pending_sheet_rows,
    record_rows,
)
from retaguarda.addin.marks import (
    CONTROL,
    MAX_LINKS,
    PENDING_WIDTHS,
    XLSXWRITER_AS_IS,
    CellMark,
    cell_marks,
)
from retaguarda.templates.files import RawSheet, RawWorkbook, column_letter
from retaguarda.templates.model import MARKS_SHEET, OWN_SHEETS, PENDING_SHEET
from retaguarda.validators.report import Report

#: Excel's number formats for the cell types calamine gives beside text and numbers
NUMBER_FORMATS = {
    date: "dd/mm/yyyy",
    datetime: "dd/mm/yyyy hh:mm:ss",
    time: "hh:mm:ss",
    timedelta: "[h]:mm:ss",
}
_EPOCH = datetime(1899, 12, 30)
#: what XML 1.0 cannot hold (calamine decodes "_x001B_" escapes into such characters)
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
_SHEET_DATA = re.compile(rb"<sheetData\s*/>|<sheetData>.*</sheetData>", re.DOTALL)
_DIMENSION = re.compile(rb'<dimension ref="[^"]*"\s*/>')
#: Excel reads "_x0041_" in text as an escaped character; a literal one is escaped itself
_EXCEL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_ROWS_PER_WRITE = 5_000
#: text that needs more than copying into a `<t>`
_SPECIAL_TEXT = re.compile(
    "[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]|_x[0-9A-Fa-f]{4}_|^\\s|\\s$"
)


@dataclass
class OutSheet:
    """A sheet of the copy: its rows, streamed, and the formats xlsxwriter numbers for it."""

    name: str
    rows: list[list[object]]
    hidden: bool = False
    #: row → column → format, 0-based: the cells that need one (marks, headings, links)
    formats: dict[int, dict[int, Format]] = field(default_factory=dict)
    #: the format of each cell type that needs a number format (dates, times, durations)
    by_type: dict[type, Format] = field(default_factory=dict)


def write_copy(
    workbook: RawWorkbook,
    report: Report,
    out: Path,
    *,
    hidden: Iterable[str] = (),
    vba_project: bytes | None = None,
) -> None:
    """Write `out`: every sheet of `workbook` with its values, the offending cells filled and
    noted, the Pendências sheet first with a link to each cell, and the marks sheet hidden."""
    data, renamed = _data_sheets(workbook.sheets, set(hidden))
    issues = [i.placed(sheet=renamed.get(i.sheet, i.sheet)) for i in report.issues]
    names = {s.name for s in data}
    marks = [m for m in cell_marks(issues) if m.sheet in names]
    package = io.BytesIO()
    book = Workbook(package, {"in_memory": True, **XLSXWRITER_AS_IS})
    if vba_project is not None:
        book.add_vba_project(io.BytesIO(vba_project), is_stream=True)
    sheets = [_pending_sheet(book, replace(report, issues=issues))]
    sheets += _mark_data_sheets(book, data, marks)
    if marks:
        record = [Recorded(m.sheet, m.cell, painted=True, noted=True) for m in marks]
        sheets.append(OutSheet(MARKS_SHEET, record_rows(record), hidden=True))
        book.add_worksheet(MARKS_SHEET).hide()
    book.close()
    _stream_rows(package, out, sheets)


def _data_sheets(
    raw: Sequence[RawSheet], hidden: set[str]
) -> tuple[list[OutSheet], dict[str, str]]:
    """The sheets to copy, the add-in's own left out (they are written anew), each under a
    name Excel accepts (a CSV's sheet is named after the file, which may hold anything)."""
    sheets: list[OutSheet] = []
    renamed: dict[str, str] = {}
    taken = {s.casefold() for s in OWN_SHEETS}
    for sheet in raw:
        if sheet.name in OWN_SHEETS:
            continue
        name = _sheet_name(sheet.name, taken)
        taken.add(name.casefold())
        renamed[sheet.name] = name
        sheets.append(OutSheet(name, sheet.rows, sheet.name in hidden))
    return sheets, renamed


def _sheet_name(name: str, taken: set[str]) -> str:
    """At most 31 characters, none of []:*?/\\, no quote at either end, unique."""
    base = _NOT_IN_SHEET_NAMES.sub("_", CONTROL.sub("", name)).strip().strip("'")[:31].strip()
    base = base or "Planilha"
    if base.casefold() == "history":  # reserved by Excel
        base = "History_"
    candidate, number = base, 1
    while candidate.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        candidate = base[: 31 - len(suffix)] + suffix
    return candidate


def _pending_sheet(book: Workbook, report: Report) -> OutSheet:
    """The Pendências sheet, first and active: bold header and headings, a link per cell."""
    rows, targets = pending_sheet_rows(report)
    sheet = OutSheet(PENDING_SHEET, rows)
    worksheet = book.add_worksheet(PENDING_SHEET)
    bold, link = book.add_format({"bold": True}), book.get_default_url_format()
    sheet.formats[0] = dict.fromkeys(range(len(rows[0])), bold)
    for column in sheet.formats[0]:
        worksheet.write_blank(0, column, None, bold)
    linked = 0
    for number, (row, target) in enumerate(zip(rows[1:], targets, strict=False), start=1):
        if not any(row[1:]):  # a sheet's heading, with its counts
            sheet.formats[number] = {0: bold}
            worksheet.write_blank(number, 0, None, bold)
        elif target and linked < MAX_LINKS:
            sheet.formats[number] = {1: link}
            worksheet.write_url(number, 1, f"internal:{target}", string=str(row[1]))
            linked += 1
    for column, width in enumerate(PENDING_WIDTHS):
        worksheet.set_column(column, column, width)
    worksheet.freeze_panes(1, 0)
    worksheet.activate()
    return sheet


def _mark_data_sheets(
    book: Workbook, sheets: list[OutSheet], marks: list[CellMark]
) -> list[OutSheet]:
    """Each data sheet with its marked cells filled and noted; the formats of its dates."""
    by_sheet: dict[str, list[CellMark]] = {}
    for mark in marks:
        by_sheet.setdefault(mark.sheet, []).append(mark)
    formats: dict[tuple[str | None, type | None], Format] = {}

    def style(fill: str | None, kind: type | None) -> Format:
        if (fill, kind) not in formats:
            properties = {"num_format": NUMBER_FORMATS[kind]} if kind else {}
            if fill:
                properties |= {"pattern": 1, "bg_color": f"#{fill}"}
            formats[fill, kind] = book.add_format(properties)
        return formats[fill, kind]

    for sheet in sheets:
        worksheet = book.add_worksheet(sheet.name)
        if sheet.hidden:
            worksheet.hide()
        for mark in by_sheet.get(sheet.name, []):
            row, col = (n - 1 for n in coordinate_to_tuple(mark.cell))
            value = _value_at(sheet.rows, row, col)
            kind = type(value) if type(value) in NUMBER_FORMATS else None
            sheet.formats.setdefault(row, {})[col] = fmt = style(mark.fill, kind)
            worksheet.write_blank(row, col, None, fmt)
            worksheet.write_comment(row, col, mark.note, {"author": "Retaguarda", "x_scale": 2})
        # xlsxwriter numbers only the formats some cell uses: one cell of each type has it
        for kind, (row, col) in _first_unmarked_of_each_type(sheet.rows, sheet.formats).items():
            sheet.by_type[kind] = fmt = style(None, kind)
            worksheet.write_blank(row, col, None, fmt)
    return sheets


def _value_at(rows: list[list[object]], row: int, col: int) -> object:
    return rows[row][col] if row < len(rows) and col < len(rows[row]) else ""


def _first_unmarked_of_each_type(
    rows: list[list[object]], marked: dict[int, dict[int, Format]]
) -> dict[type, tuple[int, int]]:
    """Where a date, a date-time, a time and a duration first appear unmarked."""
    found: dict[type, tuple[int, int]] = {}
    wanted = set(NUMBER_FORMATS)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            kind = type(value)
            if kind in wanted and c not in marked.get(r, ()):
                found[kind] = (r, c)
                wanted.discard(kind)
                if not wanted:
                    return found
    return found


def _stream_rows(package: io.BytesIO, out: Path, sheets: list[OutSheet]) -> None:
    """Copy xlsxwriter's package into `out`, each sheet with all its rows."""
    parts = {f"xl/worksheets/sheet{n}.xml": sheet for n, sheet in enumerate(sheets, start=1)}
    with (
        zipfile.ZipFile(package) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for info in source.infolist():
            xml = source.read(info)
            sheet = parts.get(info.filename)
            if sheet is None:
                target.writestr(info, xml, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
                continue
            found = _SHEET_DATA.search(xml)
            assert found is not None, "xlsxwriter writes a sheetData in every worksheet"
            head = _DIMENSION.sub(_dimension(sheet.rows), xml[: found.start()], count=1)
            styled = {
                r: {c: f.xf_index for c, f in cols.items()} for r, cols in sheet.formats.items()
            }
            by_type = {kind: f.xf_index for kind, f in sheet.by_type.items()}
            with target.open(info.filename, "w", force_zip64=True) as part:
                part.write(head + b"<sheetData>")
                for chunk in _row_chunks(sheet.rows, styled, by_type):
                    part.write(chunk)
                part.write(b"</sheetData>" + xml[found.end() :])


def _dimension(rows: list[list[object]]) -> bytes:
    width = max((len(r) for r in rows), default=0)
    last = f"{column_letter(width - 1)}{len(rows)}" if rows and width else "A1"
    return f'<dimension ref="A1:{last}"/>'.encode()


def _row_chunks(
    rows: list[list[object]], styled_rows: dict[int, dict[int, int]], types: dict[type, int]
) -> Iterator[bytes]:
    """The `<row>` elements of the sheet, a few thousand rows per piece. The loop is written
    for speed: a full sheet is seven million cells or more."""
    width = max((len(r) for r in rows), default=0)
    width = max([width, *(max(cols) + 1 for cols in styled_rows.values() if cols)])
    letters = [column_letter(c) for c in range(width)]
    by_type = {kind: f' s="{index}"' for kind, index in types.items()}
    special = _SPECIAL_TEXT.search
    pieces: list[str] = []
    for number, row in enumerate(rows, start=1):
        styled = styled_rows.get(number - 1)
        if styled:
            cells = _styled_cells(row, number, letters, styled, by_type)
        else:
            cells = []
            for c, value in enumerate(row):
                kind = type(value)
                if kind is str:
                    if value:
                        text = _text(value) if special(value) else f"<t>{value}</t>"
                        cells.append(
                            f'<c r="{letters[c]}{number}" t="inlineStr"><is>{text}</is></c>'
                        )
                elif value is not None:
                    cells.append(_cell(f"{letters[c]}{number}", by_type.get(kind, ""), value, kind))
        if cells:
            pieces.append(f'<row r="{number}">{"".join(cells)}</row>')
            if len(pieces) >= _ROWS_PER_WRITE:
                yield "".join(pieces).encode()
                pieces = []
    yield "".join(pieces).encode()


def _styled_cells(
    row: list[object], number: int, letters: list[str], styled: dict[int, int], by_type: dict
) -> list[str]:
    """The cells of a row with marks: a marked cell takes its mark's style, even empty."""
    cells = []
    for c, value in enumerate(row):
        ref = f"{letters[c]}{number}"
        style = f' s="{styled[c]}"' if c in styled else by_type.get(type(value), "")
        if value == "" or value is None:
            if c in styled:
                cells.append(f'<c r="{ref}"{style}/>')
        elif type(value) is str:
            text = _text(value) if _SPECIAL_TEXT.search(value) else f"<t>{value}</t>"
            cells.append(f'<c r="{ref}"{style} t="inlineStr"><is>{text}</is></c>')
        else:
            cells.append(_cell(ref, style, value, type(value)))
    # a mark past the row's last cell (a row shorter than the sheet)
    cells += [
        f'<c r="{letters[c]}{number}" s="{styled[c]}"/>' for c in sorted(styled) if c >= len(row)
    ]
    return cells


def _cell(ref: str, style: str, value: object, kind: type) -> str:
    """A cell of any type but text."""
    if kind is bool:
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if kind is float and not math.isfinite(value):
        return f'<c r="{ref}"{style} t="inlineStr"><is><t>{value}</t></is></c>'
    if kind is int or kind is float:
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    if kind in NUMBER_FORMATS:
        return f'<c r="{ref}"{style}><v>{_serial(value)!r}</v></c>'
    return f'<c r="{ref}"{style} t="inlineStr"><is>{_text(str(value))}</is></c>'


def _text(value: str) -> str:
    """A `<t>` holding `value`: XML-escaped, control characters removed (XML 1.0 cannot hold
    them; the readers drop them too), spaces at either end kept, Excel's own escapes kept
    literal."""
    value = _EXCEL_ESCAPE.sub(r"_x005F_\1", escape(_XML_ILLEGAL.sub("", value)))
    if value[:1].isspace() or value[-1:].isspace():
        return f'<t xml:space="preserve">{value}</t>'
    return f"<t>{value}</t>"


def _serial(value: object) -> float | int:
    """Excel's serial number of a date, date-time, time or duration (1900 date system)."""
    if isinstance(value, datetime):
        return (value.replace(tzinfo=None) - _EPOCH) / timedelta(days=1)
    if isinstance(value, date):
        return (value - _EPOCH.date()).days
    if isinstance(value, time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400 + (
            value.microsecond / 86_400_000_000
        )
    return value / timedelta(days=1)
