"""Opening whatever file a user hands us, safely, into raw sheets of cells.

People send what they have: an .xlsx, an old .xls, a bank's HTML page saved as .xls, a CSV
exported by an ERP in cp1252 with ";", a PDF renamed by mistake, a workbook with a password.
Each one either becomes plain rows of cells or fails with one sentence in Portuguese saying
what is wrong and with which file (DESIGN.md, "Unreadable input is a clear error"), in bounded
time and memory. The format is told by the content, never by the name.

The dangerous part is calamine: it builds a dense grid from A1 to the last cell in use, and a
single stray value at XFD1048576 makes it ask for half a terabyte and abort the whole process,
which Python cannot catch. So before calamine touches a workbook we inflate its XML ourselves,
with a cap (which also defeats zip bombs), and bound the extent of every sheet, found through
the relationships as calamine finds it, whatever the part's name. The bound must cost little
next to calamine's own read, so the common case is one regular-expression pass that stops
only at a cell reference further right or longer than any seen so far (`_scan_regular`); the
exact scans run only when that bound is too loose or the XML is written in an unusual way.
The sheets of a workbook share one budget of cells; a value far from a sheet's data (which
Excel opens without complaint) is left out of a copy that calamine reads instead, and named.

Text formats are read by lenient readers, so their limits are applied while reading: an HTML
page is parsed as a stream with its cells counted as they are produced, a CSV line is
measured before it is split. No reader passes control characters on (but tab and newline).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import html
import posixpath
import re
import stat
import struct
import tempfile
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote

import msoffcrypto
import olefile
from lxml import etree
from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum

MiB = 2**20

#: Cells the sheets of one workbook may hold in all, counted from A1 to each sheet's last
#: cell. Read into Python, a cell costs about 80 bytes at the peak (calamine's grid and the
#: Python objects at once): 30 million cells took 2.5 GB, so 20 million leave room for the
#: tables and the checks within the 4 GB a read may take.
MAX_CELLS = 20_000_000
#: Uncompressed XML one workbook may unpack to, in all; more is refused as a zip bomb.
MAX_UNPACKED = 1024 * MiB
#: Inflation ratio above which a member (bigger than 1 MiB unpacked) is taken for a zip bomb.
#: Spreadsheet XML inflates 7-15 times, even a sheet of identical formatted blanks; a bomb
#: inflates about 1,000 times.
MAX_RATIO = 100
_RATIO_FLOOR = 1 * MiB
#: An XML tag longer than this is not something a spreadsheet program writes.
_MAX_TAG = 64 * 1024
_READ = 64 * 1024  # compressed bytes read at a time: small pieces inflate fastest
_PIECE = 4 * MiB  # most bytes inflated by one call, so a bomb never lands in memory at once

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BINARY_MAGIC = (
    (b"%PDF", "um PDF", "a PDF"),
    (b"\x89PNG", "uma imagem PNG", "a PNG image"),
    (b"\xff\xd8\xff", "uma imagem JPEG", "a JPEG image"),
    (b"GIF8", "uma imagem GIF", "a GIF image"),
    (b"Rar!", "um arquivo RAR", "a RAR archive"),
    (b"7z\xbc\xaf", "um arquivo 7-Zip", "a 7-Zip archive"),
    (b"\x1f\x8b", "um arquivo gzip", "a gzip archive"),
    (b"{\\rtf", "um documento RTF", "an RTF document"),
)
#: Control characters but tab and newline (C0, DEL and C1): calamine decodes `_x0001_`
#: escapes into them, openpyxl refuses to write them back, and a terminal obeys ESC and CSI.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class UnreadableFile(Exception):
    """A file that cannot be read as sheets; `message` is the sentence the user reads.

    `code` is stable and English (`file.encrypted`, `file.sheet_too_large`...), for programs.
    """

    def __init__(
        self,
        message: str,
        message_en: str,
        *,
        path: Path | str | None = None,
        code: str = "file.unreadable",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.message_en = message_en
        self.path = Path(path) if path is not None else None
        self.code = code

    def __str__(self) -> str:
        return self.message


@dataclass
class RawSheet:
    name: str
    #: Cell values as python-calamine gives them (str, float, int, bool, datetime, date,
    #: time, timedelta; "" when empty); rows[0] is sheet row 1 and rows[i][0] column A.
    rows: list[list[object]]
    #: (row, column) from 0 → the formula of a cell that has no calculated value (a file
    #: written by a program that does not calculate): the cell reads empty in `rows`
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    #: references ("XFD1048576") of values left out of `rows` because they lie far from
    #: the data (the first ones, if there are many)
    far: list[str] = field(default_factory=list)


@dataclass
class RawWorkbook:
    path: Path
    kind: str  # "xlsx", "xlsm", "xls", "ods", "csv", "html"
    sheets: list[RawSheet]


def column_letter(index: int) -> str:
    """The sheet column letters of a 0-based column index: 0 → "A", 26 → "AA"."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_workbook(
    path: Path | str, *, max_bytes: int = 200 * MiB, max_cells: int = MAX_CELLS
) -> RawWorkbook:
    """Every sheet of the file at `path`, whatever its format; `UnreadableFile` if impossible.

    `max_cells` bounds the dense grids of all the sheets together (rows × columns from A1 to
    each sheet's last cell), which is what the reading costs in memory. Values far from a
    sheet's data are left out (`RawSheet.far`) rather than counted.
    """
    path = Path(path)
    _check_file(path, max_bytes)
    try:
        with path.open("rb") as file:
            head = file.read(8192)
    except OSError:
        raise _unreadable(path) from None
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        kind, sheets = _read_zip(path, max_cells)
    elif head.startswith(_OLE_MAGIC):
        kind, sheets = _read_ole(path, max_cells)
    else:
        for magic, what, what_en in _BINARY_MAGIC:
            if head.startswith(magic):
                raise _not_spreadsheet(path, what, what_en)
        if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise _not_spreadsheet(path, "um arquivo binário", "a binary file")
        kind, sheets = _read_text(path, max_cells)
    return RawWorkbook(path=path, kind=kind, sheets=sheets)


# --- errors -------------------------------------------------------------------------------
#
# File and sheet names are the user's data: they go into messages as values (f-strings),
# never as a template, so "{0}" in a name is shown as typed.


def _error(path: Path, code: str, pt: str, en: str) -> UnreadableFile:
    return UnreadableFile(pt, en, path=path, code=code)


def _thousands(number: int) -> str:
    """12.345.678, as numbers are written in Brazil."""
    return f"{number:,}".replace(",", ".")


def _name(path: Path) -> str:
    return _CONTROL.sub("", path.name or str(path))


def _unreadable(path: Path) -> UnreadableFile:
    name = _name(path)
    return _error(
        path,
        "file.unreadable",
        f"Não foi possível abrir o arquivo “{name}” (sem permissão de leitura?).",
        f"Could not open file “{name}” (no read permission?).",
    )


def _corrupt(path: Path, what: str = "planilha", what_en: str = "a spreadsheet") -> UnreadableFile:
    name = _name(path)
    return _error(
        path,
        "file.corrupt",
        f"O arquivo “{name}” está corrompido ou incompleto e não pôde ser lido como {what}.",
        f"File “{name}” is corrupt or truncated and could not be read as {what_en}.",
    )


def _encrypted(path: Path) -> UnreadableFile:
    name = _name(path)
    return _error(
        path,
        "file.encrypted",
        f"O arquivo “{name}” está protegido por senha; tire a senha no Excel e envie de novo.",
        f"File “{name}” is password-protected; remove the password in Excel and send it again.",
    )


def _not_spreadsheet(path: Path, what: str, what_en: str) -> UnreadableFile:
    name = _name(path)
    return _error(
        path,
        "file.not_spreadsheet",
        f"O arquivo “{name}” não é uma planilha (parece ser {what}).",
        f"File “{name}” is not a spreadsheet (it looks like {what_en}).",
    )


def _unsupported(path: Path, what: str, what_en: str) -> UnreadableFile:
    name = _name(path)
    return _error(
        path,
        "file.unsupported",
        f"O arquivo “{name}” está no formato {what}, que não é lido aqui; salve-o como .xlsx.",
        f"File “{name}” is in the {what_en} format, which is not read here; save it as .xlsx.",
    )


def _bomb(path: Path) -> UnreadableFile:
    name = _name(path)
    return _error(
        path,
        "file.zip_bomb",
        f"O arquivo “{name}” foi recusado por segurança: descompactado, ele cresce de forma "
        "anormal (bomba de compactação).",
        f"File “{name}” was refused for safety: it inflates abnormally when unpacked (zip bomb).",
    )


def _too_large(path: Path, sheet: str, rows: int, cols: int) -> UnreadableFile:
    name, cell, sheet = _name(path), f"{column_letter(cols - 1)}{rows}", _CONTROL.sub("", sheet)
    count = _thousands(rows * cols)
    return _error(
        path,
        "file.sheet_too_large",
        f"A planilha “{sheet}” do arquivo “{name}” é grande demais: vai até a célula {cell} "
        f"({count} células); apague o que estiver perdido abaixo ou à direita dos dados.",
        f"Sheet “{sheet}” of file “{name}” is too large: it reaches cell {cell} "
        f"({rows * cols:,} cells); delete whatever is left below or right of the data.",
    )


def _workbook_too_large(path: Path, sheet: str, cells: int, limit: int) -> UnreadableFile:
    name, count, most = _name(path), _thousands(cells), _thousands(limit)
    sheet = _CONTROL.sub("", sheet)
    return _error(
        path,
        "file.workbook_too_large",
        f"O arquivo “{name}” é grande demais: somadas, as suas abas passam do limite de {most} "
        f"células (até a aba “{sheet}” já são {count}); apague as abas que não forem "
        "necessárias ou o que estiver perdido longe dos dados.",
        f"File “{name}” is too large: its sheets add up to more than the limit of {limit:,} "
        f"cells ({cells:,} up to sheet “{sheet}”); delete the sheets that are not needed, or "
        "whatever is left far from the data.",
    )


class _Budget:
    """The cells that all the sheets of one workbook may take in memory, spent sheet by sheet:
    calamine builds each sheet's grid in turn and Python keeps them all."""

    def __init__(self, path: Path, limit: int) -> None:
        self.path, self.limit, self.spent = path, limit, 0

    def check(self, sheet: str, rows: int, cols: int) -> None:
        """Raise if a sheet reaching (rows, cols) would not fit in what is left."""
        if rows * cols > self.limit:
            raise _too_large(self.path, sheet, rows, cols)
        if self.spent + rows * cols > self.limit:
            raise _workbook_too_large(self.path, sheet, self.spent + rows * cols, self.limit)

    def spend(self, sheet: str, rows: int, cols: int) -> None:
        self.check(sheet, rows, cols)
        self.spent += rows * cols


def _check_file(path: Path, max_bytes: int) -> None:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise _error(
            path,
            "file.missing",
            f"Arquivo “{_name(path)}” não encontrado: confira o nome e a pasta.",
            f"File “{_name(path)}” not found: check its name and folder.",
        ) from None
    except OSError:
        raise _unreadable(path) from None
    if stat.S_ISDIR(info.st_mode):
        raise _error(
            path,
            "file.not_a_file",
            f"“{_name(path)}” é uma pasta, não um arquivo de planilha.",
            f"“{_name(path)}” is a folder, not a spreadsheet file.",
        )
    if not stat.S_ISREG(info.st_mode):
        raise _error(
            path,
            "file.not_a_file",
            f"“{_name(path)}” não é um arquivo comum e não pode ser lido como planilha.",
            f"“{_name(path)}” is not a regular file and cannot be read as a spreadsheet.",
        )
    if info.st_size == 0:
        raise _error(
            path,
            "file.empty",
            f"O arquivo “{_name(path)}” está vazio.",
            f"File “{_name(path)}” is empty.",
        )
    if info.st_size > max_bytes:
        size, limit = -(-info.st_size // MiB), max_bytes // MiB
        raise _error(
            path,
            "file.too_large",
            f"O arquivo “{_name(path)}” tem {size} MB, acima do limite de {limit} MB.",
            f"File “{_name(path)}” is {size} MB, above the {limit} MB limit.",
        )


# --- zip packages: xlsx, xlsm, ods ----------------------------------------------------------


def _read_zip(path: Path, max_cells: int) -> tuple[str, list[RawSheet]]:
    try:
        package = zipfile.ZipFile(path)
    except Exception:  # BadZipFile, but also NotImplementedError, UnicodeDecodeError, ...
        raise _corrupt(path) from None
    with package, path.open("rb") as file:
        infos = [info for info in package.infolist() if not info.is_dir()]
        kind = _package_kind(path, package, {info.filename: info for info in infos})
        if any(info.flag_bits & 0x1 for info in infos):
            raise _encrypted(path)
        xml = [info for info in infos if info.filename.lower().endswith((".xml", ".rels"))]
        _check_declared_sizes(path, xml)
        if kind == "ods":
            for info in xml:
                if info.filename == "content.xml":
                    _check_ods_content(path, file, info, max_cells)
                else:
                    _drain(path, file, info)
            return kind, _read_calamine(path, clean=True)
        return kind, _read_xlsx(path, package, file, infos, max_cells)


def _drain(path: Path, file: BinaryIO, info: zipfile.ZipInfo) -> None:
    """Inflate a part to its end, for its size must hold too."""
    for _ in _inflate(path, file, info):
        pass


@dataclass
class _Scan:
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


def _read_xlsx(
    path: Path,
    package: zipfile.ZipFile,
    file: BinaryIO,
    infos: list[zipfile.ZipInfo],
    max_cells: int,
) -> list[RawSheet]:
    """Scan every part calamine may read as a sheet, spend the workbook's cell budget on the
    sheets, and read them; values far from the data are left out of a copy calamine reads.

    A sheet part is found the way calamine finds it, from the relationships, whatever its name
    (`sheet1.bin`, no extension, another folder, odd case); every other part that may hold
    cells is scanned too, as a second line of defence, but only sheets spend the budget.
    """
    sheets, placeholders = _worksheet_parts(path, package, infos)
    named = {id(info) for _, found in sheets for info in found}
    parts = [
        info
        for info in infos
        if id(info) in named
        or info.filename.lower().endswith((".xml", ".rels"))
        or info.filename.lower().startswith(_SHEET_FOLDERS)
    ]
    _check_declared_sizes(path, parts)
    scans: dict[int, _Scan] = {}
    for info in parts:
        lower = info.filename.lower()
        if id(info) in named or not lower.startswith(_WITHOUT_CELLS):
            scans[id(info)] = scan = _scan_part(path, file, info, max_cells, placeholders)
            if id(info) not in named and scan.rows * scan.cols > max_cells:
                raise _too_large(path, info.filename, scan.rows, scan.cols)
        else:
            _drain(path, file, info)
    _spend(path, file, sheets, scans, max_cells)
    far: dict[int, list[str]] = {}
    with contextlib.ExitStack() as stack:
        source: BinaryIO | None = None
        if any(scans[id(info)].near for _, found in sheets for info in found):
            source = stack.enter_context(tempfile.TemporaryFile())
            _copy_without_far_cells(path, file, parts, scans, source, far)
        escapes = any(scan.escapes for scan in scans.values())
        raw = _read_calamine(path, clean=escapes, source=source)
    by_name: dict[str, tuple[dict[tuple[int, int], str], list[str]]] = {}
    for name, found in sheets:
        formulas = {k: v for info in found for k, v in _kept_formulas(scans[id(info)]).items()}
        by_name[name] = formulas, [cell for info in found for cell in far.get(id(info), ())]
    for sheet in raw:
        sheet.formulas, sheet.far = by_name.get(sheet.name, ({}, []))
        if sheet.formulas:  # calamine leaves them out (or reads a 0): the grid must reach them
            _reach(sheet.rows, *map(max, zip(*sheet.formulas, strict=True)))
            for row, col in sheet.formulas:
                sheet.rows[row][col] = ""
    return raw


def _kept_formulas(scan: _Scan) -> dict[tuple[int, int], str]:
    """The formulas without a value that are read: a far one is left out with its cell."""
    if scan.near is None:
        return scan.formulas
    rows, cols = scan.near
    return {(r, c): f for (r, c), f in scan.formulas.items() if r < rows and c < cols}


def _reach(rows: list[list[object]], row: int, col: int) -> None:
    """Widen a grid, with empty cells, so that it holds (row, col)."""
    width = max(len(rows[0]) if rows else 0, col + 1)
    rows.extend([] for _ in range(row + 1 - len(rows)))
    for cells in rows:
        cells.extend([""] * (width - len(cells)))


#: Folders whose every part an older calamine took for a sheet, whatever the part's name.
_SHEET_FOLDERS = ("xl/worksheets/", "xl/chartsheets/", "xl/dialogsheets/", "xl/macrosheets/")
_START_TAG = rb"""<(?:[^\s<>/:]+:)?%s[\s/>]((?:[^>"']|"[^"]*"|'[^']*')*)>"""
_RELATIONSHIP = re.compile(_START_TAG % b"Relationship")
_SHEET = re.compile(_START_TAG % b"sheet")
_ATTRIBUTE = re.compile(rb"""([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_MAX_BOOK = 16 * MiB  # xl/workbook.xml or its relationships; more is no workbook


def _worksheet_parts(
    path: Path, package: zipfile.ZipFile, infos: list[zipfile.ZipInfo]
) -> tuple[list[tuple[str, list[zipfile.ZipInfo]]], bool]:
    """(sheet name, the parts calamine may open for it), in workbook order, and whether the
    workbook asks to be calculated when opened (`fullCalcOnLoad`).

    Libraries that write formulas without calculating them ask that: openpyxl leaves the
    value out, xlsxwriter writes 0 in its place, so there a formula's 0 is no value.

    calamine (0.9) finds `xl/workbook.xml` and its relationships by a case-blind name, maps a
    `<sheet>`'s relationship id to its `Target` byte for byte (entities are not decoded), and
    opens "xl/" + the target, or the target without its "/" when it starts with one, again
    case-blind. Every reading of a target that a calamine version might take is matched
    here: opening one part too many only costs a scan.
    """
    by_name: dict[str, list[zipfile.ZipInfo]] = {}
    for info in infos:
        by_name.setdefault(info.filename.lower(), []).append(info)
    links: dict[bytes, bytes] = {}
    for info in by_name.get("xl/_rels/workbook.xml.rels", ()):
        for tag in _RELATIONSHIP.finditer(_book_member(path, package, info)):
            attributes = _attributes(tag[1])
            if b"Id" in attributes:
                links[attributes[b"Id"]] = attributes.get(b"Target", b"")
    sheets: list[tuple[str, list[zipfile.ZipInfo]]] = []
    calculate = False
    for info in by_name.get("xl/workbook.xml", ()):
        book = _book_member(path, package, info)
        calculate |= bool(_CALCULATE_ON_LOAD.search(book))
        for tag in _SHEET.finditer(book):
            attributes = _attributes(tag[1])
            name = _CONTROL.sub("", html.unescape(_text(attributes.get(b"name", b""))))
            found = [
                part
                for value in attributes.values()
                if value in links
                for target in _readings(_text(links[value]))
                for part in by_name.get(target, ())
            ]
            sheets.append((name, list({id(part): part for part in found}.values())))
    return sheets, calculate


_CALCULATE_ON_LOAD = re.compile(
    rb"""<(?:[^\s<>/:]+:)?calcPr\b[^>]*\bfullCalcOnLoad\s*=\s*["'](?:1|true)["']"""
)


def _book_member(path: Path, package: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    if info.file_size > _MAX_BOOK:
        raise _corrupt(path)
    try:
        return package.read(info)
    except Exception:  # zipfile raises a dozen kinds of error on a damaged entry
        raise _corrupt(path) from None


def _attributes(text: bytes) -> dict[bytes, bytes]:
    """Attribute name → raw value (entities left as written, as calamine compares them)."""
    return {name: double or single for name, double, single in _ATTRIBUTE.findall(text)}


def _text(value: bytes) -> str:
    return value.decode("utf-8", "replace")


def _readings(target: str) -> set[str]:
    """The zip names, lower case, that a relationship target may stand for."""
    found: set[str] = set()
    decoded = html.unescape(target)
    for written in {target, decoded, unquote(decoded), decoded.replace("\\", "/")}:
        bare = written.lstrip("/")
        for name in (bare, "xl/" + written, "xl/" + bare, written):
            found |= {name, posixpath.normpath(name) if name else name}
    return {name.lower() for name in found if name}


def _scan_part(
    path: Path, file: BinaryIO, info: zipfile.ZipInfo, max_cells: int, placeholders: bool
) -> _Scan:
    """How far the part's cells reach, with the formulas that have no calculated value.

    The rough bound of `_scan_regular` is refined by a second, exact pass only when it is
    large; then values far from the rest (a stray value at XFD1048576 beside a small table)
    are told apart from the data, so that the data can still be read. With `placeholders`,
    a formula's 0 stands for no value (see `_worksheet_parts`).
    """
    scan = _scan_regular(_tag_pieces(path, _inflate(path, file, info)), placeholders)
    if scan is None:
        chunks = _inflate(path, file, info)
        rows, cols, formulas = _scan_irregular(path, chunks, max_cells, placeholders)
        return _Scan(rows, cols, exact=True, escapes=True, formulas=formulas)
    cols, rows, escapes, formulas = scan
    found = _Scan(rows, cols, exact=False, escapes=escapes, formulas=formulas)
    if found.cells > min(max_cells, _FAR_CHECK):
        _refine(path, file, info, found, max_cells)
    return found


#: A sheet whose rough extent passes this many cells is measured exactly, and values far
#: from its data are looked for.
_FAR_CHECK = 10_000_000
#: Empty rows or columns between a value and the data that make the value far off.
_FAR_ROWS, _FAR_COLS = 1000, 100


def _refine(path: Path, file: BinaryIO, info: zipfile.ZipInfo, found: _Scan, limit: int) -> None:
    rows, cols = _scan_exact(_tag_pieces(path, _inflate(path, file, info)))
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


def _spend(
    path: Path,
    file: BinaryIO,
    sheets: list[tuple[str, list[zipfile.ZipInfo]]],
    scans: dict[int, _Scan],
    max_cells: int,
) -> None:
    """Raise unless the sheets' grids fit in the workbook's budget of cells, all together.

    calamine builds each sheet's grid in turn and Python keeps them all, so nine sheets
    under the limit each can still need nine times the memory. Rough bounds that add up to
    too much are measured exactly before anything is refused.
    """
    uses = [(name, info) for name, found in sheets for info in found]
    if sum(scans[id(info)].cells for _, info in uses) > max_cells:
        for _, info in uses:
            if not scans[id(info)].exact:
                _refine(path, file, info, scans[id(info)], max_cells)
    budget = _Budget(path, max_cells)
    for name, info in uses:
        scan = scans[id(info)]
        budget.spend(name, *(scan.near or (scan.rows, scan.cols)))


#: Package parts that hold no cells, only inflated to check their size. Any other part is
#: scanned as if it were a worksheet, whatever the relationships say.
_WITHOUT_CELLS = (
    "[content_types].xml",
    "_rels/",
    "docprops/",
    "customxml/",
    "xl/_rels/",
    "xl/workbook.xml",
    "xl/styles.xml",
    "xl/theme/",
    "xl/drawings/",
    "xl/charts/",
    "xl/diagrams/",
    "xl/printersettings/",
    "xl/calcchain.xml",
    "xl/externallinks/",
    "xl/pivotcache/",
    "xl/pivottables/",
    "xl/tables/",
    "xl/querytables/",
    "xl/connections.xml",
    "xl/persons/",
    "xl/threadedcomments/",
    "xl/richdata/",
    "xl/metadata.xml",
)


def _package_kind(path: Path, package: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo]) -> str:
    if "xl/workbook.xml" in members:
        macros = "xl/vbaProject.bin" in members or b"macroEnabled.main" in _small_member(
            path, package, members.get("[Content_Types].xml")
        )
        return "xlsm" if macros else "xlsx"
    if "xl/workbook.bin" in members:
        raise _unsupported(path, "Excel binário (.xlsb)", "Excel binary (.xlsb)")
    mimetype = _small_member(path, package, members.get("mimetype")).strip()
    if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
        return "ods"
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        raise _not_spreadsheet(path, "um documento do LibreOffice", "a LibreOffice document")
    if "word/document.xml" in members:
        raise _not_spreadsheet(path, "um documento do Word", "a Word document")
    if "ppt/presentation.xml" in members:
        raise _not_spreadsheet(path, "uma apresentação do PowerPoint", "a PowerPoint deck")
    if any(name.startswith("Index/") for name in members):
        raise _unsupported(path, "do Apple Numbers", "Apple Numbers")
    raise _not_spreadsheet(path, "um arquivo .zip", "a .zip archive")


def _small_member(path: Path, package: zipfile.ZipFile, info: zipfile.ZipInfo | None) -> bytes:
    if info is None:
        return b""
    if info.file_size > MiB:
        raise _bomb(path)
    try:
        return package.read(info)
    except Exception:  # zipfile raises a dozen kinds of error on a damaged entry
        raise _corrupt(path) from None


def _check_declared_sizes(path: Path, parts: list[zipfile.ZipInfo]) -> None:
    total = 0
    for info in parts:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _corrupt(path)
        total += info.file_size
        if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * info.compress_size:
            raise _bomb(path)
    if total > MAX_UNPACKED:
        raise _bomb(path)


def _inflate(path: Path, file: BinaryIO, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The member's bytes, inflated from the raw stream and never beyond its declared size.

    Reading the raw stream (not `ZipFile.open`) is what calamine's zip reader sees too, and
    the cap is what a member that lies about its size runs into.
    """
    file.seek(info.header_offset)
    local = file.read(30)
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        raise _corrupt(path)
    name_length, extra_length = struct.unpack("<HH", local[26:30])
    file.seek(info.header_offset + 30 + name_length + extra_length)
    left, produced = info.compress_size, 0
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    while left:
        data = file.read(min(_READ, left))
        if not data:
            raise _corrupt(path)
        left -= len(data)
        while data:
            if inflater is None:
                piece, data = data, b""
            else:
                try:
                    piece = inflater.decompress(data, min(_PIECE, info.file_size - produced + 1))
                except zlib.error:
                    raise _corrupt(path) from None
                data = inflater.unconsumed_tail
            produced += len(piece)
            if produced > info.file_size:
                raise _bomb(path)
            if piece:
                yield piece
            if inflater is not None and inflater.eof:
                break
    unfinished = inflater is not None and info.compress_size and not inflater.eof
    if produced != info.file_size or unfinished:
        raise _corrupt(path)


def _tag_pieces(path: Path, chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Re-cut XML so that no tag straddles two pieces: each piece but the last ends before "<".

    Text never holds a raw "<", so the last "<" of a piece starts the only tag that may be
    unfinished; it is carried over to the next piece. So is the last cell (`<c`) when it
    began in the last `_MAX_TAG` bytes, so that a cell and its formula and value are seen
    together.
    """
    carry = b""
    for chunk in chunks:
        data = carry + chunk if carry else chunk
        start = data.rfind(b"<c", max(0, len(data) - _MAX_TAG))
        if start == -1:
            start = data.rfind(b"<")
        if start == -1:
            carry = b""
            yield data
        elif len(data) - start <= _MAX_TAG:
            carry = data[start:]
            if start:
                yield data[:start]
        elif _WHOLE_TAG.match(data, start, start + _MAX_TAG):
            carry = b""  # the last tag is complete and followed by a long text
            yield data
        else:
            raise _corrupt(path)
    if carry:
        yield carry


_WHOLE_TAG = re.compile(rb"<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")


_CANONICAL = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"[\s/>]')
_PREFIXED = re.compile(rb":c[\s/>]")
#: Whitespace squeezed out, single quotes made double and "&" made "_", so that one search
#: finds an `r` attribute after another one (calamine takes the last `r` of a tag, so
#: `<c r="A1" r="XFD1048576">` is a cell at XFD1048576) and one finds the `_x0001_` escapes
#: and `&#1;` references that calamine decodes into control characters.
_SQUEEZE = bytes.maketrans(b"'&", b'"_'), b" \t\r\n"
_LATER_R = re.compile(rb'"r=')
_ESCAPE = re.compile(rb"_(?:x[0-9A-Fa-f]{4}_|#)")


@cache
def _beyond(columns: int, digits: int, lead: int) -> re.Pattern[bytes]:
    """A `<c` tag whose reference is not `r="A1"`-shaped, or past these columns, or past a row
    of this many digits whose first one is at most `lead` (so past `_row_bound`)."""
    rows = b"[1-%d]" % lead
    if digits > 1:
        rows = b"(?:[1-%d][0-9]{%d}|[1-9][0-9]{0,%d})" % (lead, digits - 1, digits - 2)
    return re.compile(rb'<c(?! r="%s%s")[\s/>]' % (_columns_up_to(columns), rows))


def _row_bound(digits: int, lead: int) -> int:
    """The last row number of `digits` digits starting with `lead`: 2, 6 → 299,999."""
    return (lead + 1) * 10 ** (digits - 1) - 1


def _columns_up_to(columns: int) -> bytes:
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
            cell = _CANONICAL.match(piece, found.start())
            if cell is None:
                return None
            columns = max(columns, _column_number(cell[1].decode()))
            row = cell[2]
            if (len(row), row[0] - 48) > (digits, lead):
                digits, lead = len(row), row[0] - 48
            beyond = _beyond(columns, digits, lead)
            found = beyond.search(piece, found.start())
        if _PREFIXED.search(piece):
            return None
        if not escapes:
            escapes = b"\r" in piece or b"\x7f" in piece or bool(_C1_CONTROL.search(piece))
        squeezed = piece.translate(*_SQUEEZE)
        if _LATER_R.search(squeezed):
            return None
        if not escapes:
            escapes = bool(_ESCAPE.search(squeezed))
        hint, shared_hint, no_value = _NO_VALUE[placeholders]
        if hint.search(piece) or shared_hint.search(piece):
            for cell in no_value.finditer(piece):
                position = int(cell[2]) - 1, _column_number(cell[1].decode()) - 1
                formulas[position] = _formula_text(html.unescape(_text(cell[3] or b"")))
    return columns, _row_bound(digits, lead), escapes, formulas


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
    return "=" + _CONTROL.sub("", text)


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
    return set(map(int, rows)), {_column_number(c.decode()) for c in columns}


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

    for event, name, element in _xml_elements(path, watched(chunks), ("row", "c")):
        reference = element.get("r") if event == "start" else None
        if name == "row":
            if reference is not None:
                row = _row_number(path, reference) - 1
            if event == "end":
                row, col = row + 1, 0
                _forget(element)
            continue
        if event == "start":
            if reference is None:
                at_row, at_col = row, col
            else:
                found = _REFERENCE.fullmatch(reference)
                if found is None:
                    raise _corrupt(path)
                at_row, at_col = _row_number(path, found[2]) - 1, _column_number(found[1]) - 1
            col, cells = at_col + 1, cells + 1
            if cells > _MAX_IRREGULAR:
                raise _too_unusual(path)
        elif len(element):  # a cell with a <v>, <is> or <f> inside holds something
            last_row, last_col = max(last_row, at_row + 1), max(last_col, at_col + 1)
            if last_row * last_col > max_cells:
                return last_row, last_col, formulas
            if seen["formula"]:
                inside = {_local_name(child.tag): child for child in element}
                value = (inside["v"].text or "").strip() if "v" in inside else ""
                if "f" in inside and (not value or (placeholders and value == "0")):
                    formulas[at_row, at_col] = _formula_text(inside["f"].text or "")
    return last_row, last_col, formulas


#: Cells of a sheet written in an unusual way that are scanned at most (see `_scan_irregular`).
_MAX_IRREGULAR = 4_000_000
_FORMULA_TAG = re.compile(rb"<(?:[^\s<>/:]+:)?f[\s/>]")


def _too_unusual(path: Path) -> UnreadableFile:
    name, limit = _name(path), _thousands(_MAX_IRREGULAR)
    return _error(
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
        raise _corrupt(path)
    return int(digits)


def _xml_elements(
    path: Path, chunks: Iterable[bytes], names: tuple[str, ...]
) -> Iterator[tuple[str, str, etree._Element]]:
    """("start" or "end", local name, element) for the elements of these local names.

    lxml's pull parser is strict where calamine's is lenient: what it cannot parse is
    corrupt, and what it can, both read alike. Entities are not expanded.
    """
    parser = etree.XMLPullParser(
        events=("start", "end"),
        tag=[f"{{*}}{name}" for name in names] + list(names),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    try:
        for chunk in chunks:
            parser.feed(chunk)
            for event, element in parser.read_events():
                yield event, _local_name(element.tag), element
        parser.close()
    except etree.XMLSyntaxError:
        raise _corrupt(path) from None
    for event, element in parser.read_events():
        yield event, _local_name(element.tag), element


def _local_name(tag: str) -> str:
    """ "{namespace}c", or "y:c" when the prefix y is undeclared (which calamine accepts)."""
    return tag.rpartition("}")[2].rpartition(":")[2]


def _forget(element: etree._Element) -> None:
    """Drop a finished element and its earlier siblings, so the tree never grows."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        del parent[: parent.index(element)]


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _copy_without_far_cells(
    path: Path,
    file: BinaryIO,
    parts: list[zipfile.ZipInfo],
    scans: dict[int, _Scan],
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
        raise _corrupt(path)  # which duplicate calamine reads is unknown; nothing is trimmed
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED, allowZip64=True) as copy:
        for info in parts:
            scan = scans.get(id(info))
            pieces: Iterable[bytes] = _inflate(path, file, info)
            if scan is not None and scan.near:
                far[id(info)] = []
                pieces = _drop_far_cells(_tag_pieces(path, pieces), *scan.near, far[id(info)])
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
    outside = re.compile(rb'<c(?! r="%s%s")[\s/>]' % (_columns_up_to(cols), _numbers_up_to(rows)))
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
        tag = _WHOLE_TAG.match(data, start)
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
                cell = _CANONICAL.match(data, start)
                if cell:  # always, in a sheet `_scan_regular` found regular
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


def _check_ods_content(path: Path, file: BinaryIO, info: zipfile.ZipInfo, max_cells: int) -> None:
    """Raise if a table's cells, with their repeat counts, reach too far.

    LibreOffice writes runs of equal cells once with a repeat count, so a tiny file can stand
    for a grid of billions; calamine expands them up to 100 million cells, gigabytes of memory.
    Only cells with a value count, as calamine trims empty ones. The tables share one budget.
    """
    budget = _Budget(path, max_cells)
    cells = ("table", "table-row", "table-cell", "covered-table-cell")
    name: str | None = None  # of the table being read
    row, col, last_row, last_col, repeat, valued = 0, 0, 0, 0, 1, False
    for event, element_name, element in _xml_elements(path, _inflate(path, file, info), cells):
        attributes = {_local_name(key): value for key, value in element.items()}
        if element_name == "table":
            if event == "start" and name is not None:
                raise _corrupt(path)  # a table inside a table: spreadsheets have none
            if event == "start":
                name, row, last_row, last_col = attributes.get("name", ""), 0, 0, 0
            else:
                budget.spend(name or "", last_row, last_col)
                name = None
            continue
        if element_name == "table-row" and event == "start":
            repeat, col, valued = _ods_repeat(path, attributes, "rows"), 0, False
        elif element_name == "table-row":
            last_row = row + repeat if valued else last_row
            row, valued = row + repeat, False
            _forget(element)
        elif event == "start":
            columns = _ods_repeat(path, attributes, "columns")
            if _ODS_VALUES & attributes.keys() or attributes.get("value-type") == "string":
                valued, last_col = True, max(last_col, col + columns)
            col += columns
        budget.check(name or "", row + repeat if valued else last_row, last_col)


#: Attributes that give an ODS cell a value (a string cell may hold it as text instead).
_ODS_VALUES = frozenset(
    {"value", "date-value", "time-value", "boolean-value", "string-value", "formula"}
)


def _ods_repeat(path: Path, attributes: dict[str, str], which: str) -> int:
    text = attributes.get(f"number-{which}-repeated", "1")
    if not text.isascii() or not text.isdigit():
        raise _corrupt(path)
    return max(1, int(text))


# --- OLE2 compound files: .xls, and encrypted OOXML -------------------------------------------


def _read_ole(path: Path, max_cells: int) -> tuple[str, list[RawSheet]]:
    try:
        with olefile.OleFileIO(str(path)) as ole:
            streams = {"/".join(entry).lower(): "/".join(entry) for entry in ole.listdir()}
            if {"encryptioninfo", "encryptedpackage"} <= streams.keys():
                raise _encrypted(path)
            book = streams.get("workbook") or streams.get("book")
            if book is None:
                if "worddocument" in streams:
                    raise _not_spreadsheet(path, "um documento do Word", "a Word document")
                raise _not_spreadsheet(
                    path, "um arquivo do Office que não é planilha", "a non-spreadsheet Office file"
                )
            biff = ole.openstream(book).read()
    except UnreadableFile:
        raise
    except Exception:  # olefile raises bare OSError, struct.error, IndexError... on bad input
        raise _corrupt(path, "planilha do Excel (.xls)", "an Excel (.xls) workbook") from None
    if _xls_encrypted(path):
        raise _encrypted(path)
    _check_biff(path, biff, max_cells)
    return "xls", _read_calamine(path, clean=True)


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
    budget = _Budget(path, max_cells)
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
        raise _corrupt(path, "planilha do Excel (.xls)", "an Excel (.xls) workbook")
    raise _too_large(path, name, end_row, end_col)


def _biff_sheet_name(data: bytes) -> str:
    if len(data) < 2:
        return ""
    length, wide = data[0], data[1] & 0x1
    raw = data[2 : 2 + length * (2 if wide else 1)]
    return raw.decode("utf-16-le" if wide else "latin-1", "replace")


# --- calamine ---------------------------------------------------------------------------------


def _read_calamine(path: Path, *, clean: bool, source: BinaryIO | None = None) -> list[RawSheet]:
    """The worksheets, read by calamine once their extent is known to be safe.

    calamine is handed the open file, not the path: given a path it picks the format by the
    extension, and "extrato.xls" may well be an .xlsx. `skip_empty_area=False` makes rows[0]
    sheet row 1 and column 0 column A, whatever the first cell in use. `source` is a copy of
    the file to read instead (see `_copy_without_far_cells`).
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
                sheets.append(RawSheet(name=_CONTROL.sub("", meta.name), rows=rows))
    except PasswordError:
        raise _encrypted(path) from None
    except Exception:
        raise _corrupt(path) from None
    except BaseException as error:  # a Rust panic inside calamine arrives as a BaseException
        if type(error).__name__ != "PanicException":
            raise
        raise _corrupt(path) from None
    if clean:
        for sheet in sheets:
            _clean_rows(sheet.rows)
    return sheets


def _clean_rows(rows: list[list[object]]) -> None:
    search, sub = _CONTROL.search, _CONTROL.sub
    for row in rows:
        for i, value in enumerate(row):
            if type(value) is str and search(value):
                row[i] = sub("", value)


# --- text: HTML and CSV -----------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def _read_text(path: Path, max_cells: int) -> tuple[str, list[RawSheet]]:
    try:
        data = path.read_bytes()
    except OSError:
        raise _unreadable(path) from None
    declared = _META_CHARSET.search(data[:4096])
    text = _decode(path, data, declared[1].decode("ascii", "replace") if declared else None)
    del data  # the text is what is read now: a 200 MB file is not kept twice
    head = text[:4096].lstrip().lower()
    if "urn:schemas-microsoft-com:office:spreadsheet" in head and "<workbook" in head:
        raise _unsupported(path, "XML do Excel 2003", "Excel 2003 XML")
    if "<html" in head or "<table" in head or head.startswith("<!doctype html"):
        return "html", _read_html(path, text, max_cells)
    if head.startswith("<?xml"):
        if "nfeproc" in head or "<nfe" in head:
            raise _not_spreadsheet(path, "o XML de uma nota fiscal eletrônica", "an NF-e XML")
        raise _not_spreadsheet(path, "um arquivo XML", "an XML file")
    return "csv", _read_csv(path, text, max_cells)


def _decode(path: Path, data: bytes, declared: str | None) -> str:
    """Text in the encoding it most likely has: a BOM, then UTF-8, then what it declares,
    then cp1252 (what Brazilian Windows exports use), then latin-1, which never fails."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _corrupt(path, "texto", "text") from None
    candidates = ["utf-8-sig"]
    if declared:
        with contextlib.suppress(LookupError):
            candidates.append(codecs.lookup(declared).name)
    for encoding in [*candidates, "cp1252"]:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _read_html(path: Path, text: str, max_cells: int) -> list[RawSheet]:
    """Every table with rows, as a sheet: what a bank's "Excel export" really is.

    lxml's HTML parser reads the page as a stream; each row is built as its cells arrive and
    dropped from the tree once read, and the cells are counted as they are produced (spans
    included), so a page of enormous spans is refused before it is built. Merged cells
    (colspan, rowspan) are spread the way calamine gives merged cells: the text in the first
    position, "" in the others, so columns line up with the header. A sheet is named as Excel
    named it when Excel wrote the page (`<x:Name>`, else the `<title>`), else by its caption.
    """
    parser = etree.HTMLPullParser(
        events=("start", "end"),
        tag=("html", "table", "tr", "td", "th", "caption"),
        no_network=True,
        remove_comments=True,
        remove_pis=True,
    )
    budget = _Budget(path, max_cells)
    found: list[_HtmlTable | None] = []  # in the order the tables start
    open_tables: list[_HtmlTable] = []
    text = _XML_DECLARATION.sub("", text, count=1)
    try:
        root: etree._Element | None = None
        for start in range(0, len(text), _PIECE):
            parser.feed(text[start : start + _PIECE])
            events = list(parser.read_events())
            if root is None and events:
                root = events[0][1].getroottree().getroot()
            _html_events(events, open_tables, found, budget)
            _prune(root)
        parser.close()
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        pass  # libxml2 gives up on hopeless markup: what was read so far is what there is
    _html_events(parser.read_events(), open_tables, found, budget)
    tables = [table for table in found if table is not None and table.rows]
    names = _excel_sheet_names(text, len(tables))
    sheets = [
        RawSheet(name=names[i] or table.caption or f"Tabela {i + 1}", rows=table.grid())
        for i, table in enumerate(tables)
    ]
    if not sheets:
        raise _error(
            path,
            "file.no_tables",
            f"O arquivo “{_name(path)}” é uma página HTML sem nenhuma tabela.",
            f"File “{_name(path)}” is an HTML page without any table.",
        )
    for sheet in sheets:
        _clean_rows(sheet.rows)
    return sheets


class _HtmlTable:
    """A table being read: its rows so far, the row being built, and the rowspans that reach
    into the rows below, as runs of columns [start, stop) covered up to a row index.

    Neighbouring spans that end on the same row are one run, so a row of 40,000 cells that
    span 1,000 rows costs one step per row below, not 40,000, and each row is filled in bulk.
    """

    def __init__(self, slot: int) -> None:
        self.slot = slot
        self.rows: list[list[object]] = []
        self.row: list[object] | None = None
        self.width = 0
        self.caption = ""
        self.spans: list[list[int]] = []  # [start, stop, last row], by start
        self.next_span = 0  # the first run not yet reached by the row being built
        self.new_spans: list[list[int]] = []  # started by the row being built

    @property
    def label(self) -> str:
        """The table as messages name it while it is read."""
        return self.caption or f"Tabela {self.slot + 1}"

    def start_row(self, budget: _Budget) -> None:
        if self.row is not None:
            self.end_row(budget)
        self.row, self.next_span, self.new_spans = [], 0, []

    def place(self, value: str, width: int, height: int, budget: _Budget) -> None:
        row = self.row
        if row is None:
            return
        self._reach(len(row))
        budget.check(self.label, len(self.rows) + 1, max(self.width, len(row) + width))
        if height > 1:
            self.new_spans.append([len(row), len(row) + width, len(self.rows) + height - 1])
        row.append(value)
        row.extend([""] * (width - 1))

    def _reach(self, column: int) -> None:
        """Step over the positions from `column` on that rowspans from above cover."""
        row = self.row
        assert row is not None
        while self.next_span < len(self.spans) and self.spans[self.next_span][0] <= len(row):
            row.extend([""] * (self.spans[self.next_span][1] - len(row)))
            self.next_span += 1

    def end_row(self, budget: _Budget) -> None:
        """Close the row: rowspans right of its last cell still cover their positions."""
        row = self.row
        if row is None:
            return
        stop = max((run[1] for run in self.spans[self.next_span :]), default=0)
        budget.check(self.label, len(self.rows) + 1, max(self.width, len(row), stop))
        row.extend([""] * (stop - len(row)))
        index = len(self.rows)
        self.rows.append(row)
        self.width = max(self.width, len(row))
        self.row = None
        runs = sorted([run for run in self.spans if run[2] > index] + self.new_spans)
        self.spans = []
        for run in runs:
            last = self.spans[-1] if self.spans else None
            if last is not None and last[1] == run[0] and last[2] == run[2]:
                last[1] = run[1]
            else:
                self.spans.append(run)

    def grid(self) -> list[list[object]]:
        for row in self.rows:
            row.extend([""] * (self.width - len(row)))
        return self.rows


def _html_events(
    events: Iterable[tuple[str, etree._Element]],
    open_tables: list[_HtmlTable],
    found: list[_HtmlTable | None],
    budget: _Budget,
) -> None:
    """Build the tables from the parser's events; a row's elements are dropped once read."""
    for event, element in events:
        tag = element.tag
        table = open_tables[-1] if open_tables else None
        if tag == "table" and event == "start":
            open_tables.append(_HtmlTable(len(found)))
            found.append(None)
        elif tag == "table":
            if table is not None:
                open_tables.pop()
                if table.row is not None:
                    table.end_row(budget)
                budget.spend(table.label, len(table.rows), table.width)
                found[table.slot] = table
            _forget(element)
        elif tag == "html" or table is None or (event == "start" and tag != "tr"):
            continue
        elif tag == "tr" and event == "start":
            table.start_row(budget)
        elif tag == "tr":
            table.end_row(budget)
            _forget(element)
        elif tag == "caption":
            table.caption = table.caption or _sheet_title("".join(element.itertext()))
        else:  # a td or th
            value = " ".join("".join(element.itertext()).split())
            table.place(value, _span(element.get("colspan")), _span(element.get("rowspan")), budget)
            element.clear(keep_tail=False)


def _prune(root: etree._Element | None) -> None:
    """Drop what the parser has finished outside the cells being read: every element but the
    last child along the path the parser is on, down to an open cell (whose text is still to
    come), so that the tree never holds the whole page."""
    node = root
    while node is not None and node.tag not in ("td", "th", "caption"):
        if len(node) > 1:
            del node[:-1]
        node = node[-1] if len(node) else None


_EXCEL_SHEET = re.compile(
    r"<x:ExcelWorksheet\b.*?<x:Name>(.*?)</x:Name>", re.IGNORECASE | re.DOTALL
)
_EXCEL_PAGE = re.compile(r"urn:schemas-microsoft-com:office:excel|Excel\.Sheet", re.IGNORECASE)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def _excel_sheet_names(text: str, count: int) -> list[str]:
    """The names Excel gave the sheets of a page it wrote, in order ("" where unknown).

    Excel puts them in `<x:Name>` inside a conditional comment of the page's head, and a
    one-sheet page's title is its sheet's name; other pages have neither.
    """
    head = text[: (found.start() if (found := _TABLE_START.search(text)) else len(text))]
    names: list[str] = []
    if _EXCEL_PAGE.search(head):
        names = [_html_text(name) for name in _EXCEL_SHEET.findall(head)]
        title = _TITLE.search(head)
        if not names and title and count == 1:
            names = [_html_text(title[1])]
    return (names + [""] * count)[:count]


_TABLE_START = re.compile(r"<table[\s>]", re.IGNORECASE)


def _html_text(markup: str) -> str:
    """Text of a bit of markup, as a sheet name (see `_sheet_title`)."""
    return _sheet_title(html.unescape(re.sub(r"<[^>]*>", "", markup)))


def _sheet_title(text: str) -> str:
    """Text as a sheet name: spaces squeezed, no control characters, at most 31 characters
    as in Excel."""
    return _CONTROL.sub("", " ".join(text.split()))[:31]


def _span(value: str | None) -> int:
    """A colspan or rowspan as a browser reads it, bounded so that a page cannot blow up."""
    try:
        return min(max(int(value or 1), 1), 1000)
    except ValueError:
        return 1


#: A physical CSV line longer than this, or with more fields than Excel has columns, is no
#: spreadsheet row: it is refused before the csv module splits it (35 million fields of one
#: line once took minutes and gigabytes).
_MAX_CSV_LINE = 1_000_000
_MAX_CSV_FIELDS = 16_384
#: A row costs Python about as much memory as this many short cells, even an empty one.
_ROW_COST = 4
#: Each CSV cell is a string object of its own (~60 bytes), where calamine's numbers and
#: repeated strings are shared: a CSV cell counts as this many cells of the budget.
_CSV_CELL_COST = 2


_LINE_END = re.compile(r"\r\n?|\n")


def _read_csv(path: Path, text: str, max_cells: int) -> list[RawSheet]:
    first = text[: text.find("\n")].strip() if "\n" in text[:4096] else text[:4096].strip()
    skipped = 0
    if first.lower().startswith("sep=") and len(first) == 5:
        delimiter, skipped = first[4], 1
        text = text[text.find("\n") + 1 :] if "\n" in text[:4096] else ""
    else:
        delimiter = _sniff_delimiter(text[:65536])
    name = _CONTROL.sub("", path.stem)
    budget = _Budget(path, max_cells // _CSV_CELL_COST)
    rows: list[list[object]] = []
    width = 0
    lines = _csv_lines(path, text, delimiter, skipped)
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        for row in reader:
            rows.append(row)
            width = max(width, len(row))
            if len(rows) * max(width, _ROW_COST) > budget.limit:  # blank lines are rows too
                raise _too_large(path, name, len(rows), max(width, 1))
            budget.check(name, len(rows), width)
    except csv.Error:
        line = reader.line_num + skipped
        raise _error(
            path,
            "file.corrupt",
            f"O arquivo “{_name(path)}” não pôde ser lido como CSV (linha {line}).",
            f"File “{_name(path)}” could not be read as CSV (line {line}).",
        ) from None
    for row in rows:
        row.extend([""] * (width - len(row)))
    _clean_rows(rows)
    return [RawSheet(name=name, rows=rows)]


def _csv_lines(path: Path, text: str, delimiter: str, skipped: int) -> Iterator[str]:
    """The physical lines of the text with their ends ("\n", "\r\n" or a lone "\r", as the
    csv module expects them), as slices, so that no copy of the whole text is made; a line too
    long for a spreadsheet row is refused before the csv module splits it."""
    start, number = 0, skipped
    for end in _LINE_END.finditer(text):
        line, start, number = text[start : end.end()], end.end(), number + 1
        if len(line) > _MAX_CSV_FIELDS:
            _check_csv_line(path, line, number, delimiter)
        yield line
    if start < len(text):
        _check_csv_line(path, text[start:], number + 1, delimiter)
        yield text[start:]


def _check_csv_line(path: Path, line: str, number: int, delimiter: str) -> None:
    if len(line) <= _MAX_CSV_LINE and line.count(delimiter) < _MAX_CSV_FIELDS:
        return
    size, fields, most = map(_thousands, (len(line), _MAX_CSV_FIELDS, _MAX_CSV_LINE))
    raise _error(
        path,
        "file.csv_line_too_long",
        f"A linha {number} do arquivo “{_name(path)}” é longa demais para ser uma linha "
        f"de planilha ({size} caracteres; o limite é de {fields} colunas e {most} "
        "caracteres); confira se o arquivo é mesmo um CSV.",
        f"Line {number} of file “{_name(path)}” is too long for a spreadsheet row "
        f"({len(line):,} characters; the limit is {_MAX_CSV_FIELDS:,} columns and "
        f"{_MAX_CSV_LINE:,} characters); check that the file really is a CSV.",
    )


def _sniff_delimiter(sample: str) -> str:
    """The delimiter that splits most lines into the same number (two or more) of fields.

    Ties go to ";", the Brazilian default (a decimal comma makes "," look plausible).
    """
    lines = [line for line in sample.splitlines()[:-1] or sample.splitlines() if line.strip()]
    best, best_score = ";", 0
    for delimiter in ";\t,|":
        counts = Counter(len(row) for row in csv.reader(lines[:50], delimiter=delimiter))
        score = max((n for width, n in counts.items() if width >= 2), default=0)
        if score > best_score:
            best, best_score = delimiter, score
    return best
