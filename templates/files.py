"""Opening whatever file a user hands us, safely, into raw sheets of cells.

People send what they have: an .xlsx, an old .xls, a bank's HTML page saved as .xls, a CSV
exported by an ERP in cp1252 with ";", a PDF renamed by mistake, a workbook with a password.
Each one either becomes plain rows of cells or fails with one sentence in Portuguese saying
what is wrong and with which file (DESIGN.md, "Unreadable input is a clear error"), in bounded
time and memory. The format is told by the content, never by the name.

The dangerous part is calamine: it builds a dense grid from A1 to the last cell in use, and a
single stray value at XFD1048576 makes it ask for half a terabyte and abort the whole process,
which Python cannot catch. So before calamine touches a workbook we inflate its XML ourselves,
with a cap (which also defeats zip bombs), and bound the extent of every sheet. The bound must
cost little next to calamine's own read, so the common case is one regular-expression pass
that stops only at a cell reference further right or longer than any seen so far
(`_scan_regular`); the exact scans run only when that bound is too loose or the XML is
written in an unusual way.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import posixpath
import re
import stat
import struct
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import BinaryIO

import lxml.html
import msoffcrypto
import olefile
from lxml import etree
from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum

MiB = 2**20

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
#: C0 control characters but tab and newline: calamine decodes `_x0001_` escapes into them,
#: and openpyxl refuses to write them back.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")


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
    path: Path | str, *, max_bytes: int = 200 * MiB, max_cells: int = 50_000_000
) -> RawWorkbook:
    """Every sheet of the file at `path`, whatever its format; `UnreadableFile` if impossible.

    `max_cells` bounds the dense grid of one sheet (rows × columns from A1 to its last cell),
    which is what the reading costs in memory.
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


def _error(path: Path, code: str, pt: str, en: str) -> UnreadableFile:
    name = path.name or str(path)
    return UnreadableFile(pt.format(name=name), en.format(name=name), path=path, code=code)


def _unreadable(path: Path) -> UnreadableFile:
    return _error(
        path,
        "file.unreadable",
        "Não foi possível abrir o arquivo “{name}” (sem permissão de leitura?).",
        "Could not open file “{name}” (no read permission?).",
    )


def _corrupt(path: Path, what: str = "planilha", what_en: str = "a spreadsheet") -> UnreadableFile:
    return _error(
        path,
        "file.corrupt",
        f"O arquivo “{{name}}” está corrompido ou incompleto e não pôde ser lido como {what}.",
        f"File “{{name}}” is corrupt or truncated and could not be read as {what_en}.",
    )


def _encrypted(path: Path) -> UnreadableFile:
    return _error(
        path,
        "file.encrypted",
        "O arquivo “{name}” está protegido por senha; tire a senha no Excel e envie de novo.",
        "File “{name}” is password-protected; remove the password in Excel and send it again.",
    )


def _not_spreadsheet(path: Path, what: str, what_en: str) -> UnreadableFile:
    return _error(
        path,
        "file.not_spreadsheet",
        f"O arquivo “{{name}}” não é uma planilha (parece ser {what}).",
        f"File “{{name}}” is not a spreadsheet (it looks like {what_en}).",
    )


def _unsupported(path: Path, what: str, what_en: str) -> UnreadableFile:
    return _error(
        path,
        "file.unsupported",
        f"O arquivo “{{name}}” está no formato {what}, que não é lido aqui; salve-o como .xlsx.",
        f"File “{{name}}” is in the {what_en} format, which is not read here; save it as .xlsx.",
    )


def _bomb(path: Path) -> UnreadableFile:
    return _error(
        path,
        "file.zip_bomb",
        "O arquivo “{name}” foi recusado por segurança: descompactado, ele cresce de forma "
        "anormal (bomba de compactação).",
        "File “{name}” was refused for safety: it inflates abnormally when unpacked (zip bomb).",
    )


def _too_large(path: Path, sheet: str, rows: int, cols: int) -> UnreadableFile:
    cell = f"{column_letter(cols - 1)}{rows}"
    count = f"{rows * cols:,}".replace(",", ".")
    return _error(
        path,
        "file.sheet_too_large",
        f"A planilha “{sheet}” do arquivo “{{name}}” é grande demais: vai até a célula {cell} "
        f"({count} células); apague o que estiver perdido abaixo ou à direita dos dados.",
        f"Sheet “{sheet}” of file “{{name}}” is too large: it reaches cell {cell} "
        f"({rows * cols:,} cells); delete whatever is left below or right of the data.",
    )


def _check_file(path: Path, max_bytes: int) -> None:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise _error(
            path,
            "file.missing",
            "Arquivo “{name}” não encontrado: confira o nome e a pasta.",
            "File “{name}” not found: check its name and folder.",
        ) from None
    except OSError:
        raise _unreadable(path) from None
    if stat.S_ISDIR(info.st_mode):
        raise _error(
            path,
            "file.not_a_file",
            "“{name}” é uma pasta, não um arquivo de planilha.",
            "“{name}” is a folder, not a spreadsheet file.",
        )
    if not stat.S_ISREG(info.st_mode):
        raise _error(
            path,
            "file.not_a_file",
            "“{name}” não é um arquivo comum e não pode ser lido como planilha.",
            "“{name}” is not a regular file and cannot be read as a spreadsheet.",
        )
    if info.st_size == 0:
        raise _error(
            path, "file.empty", "O arquivo “{name}” está vazio.", "File “{name}” is empty."
        )
    if info.st_size > max_bytes:
        size, limit = -(-info.st_size // MiB), max_bytes // MiB
        raise _error(
            path,
            "file.too_large",
            f"O arquivo “{{name}}” tem {size} MB, acima do limite de {limit} MB.",
            f"File “{{name}}” is {size} MB, above the {limit} MB limit.",
        )


# --- zip packages: xlsx, xlsm, ods ----------------------------------------------------------


def _read_zip(path: Path, max_cells: int) -> tuple[str, list[RawSheet]]:
    try:
        package = zipfile.ZipFile(path)
    except Exception:  # BadZipFile, but also NotImplementedError, UnicodeDecodeError, ...
        raise _corrupt(path) from None
    with package, path.open("rb") as file:
        members = {info.filename: info for info in package.infolist()}
        kind = _package_kind(path, package, members)
        if any(info.flag_bits & 0x1 for info in members.values()):
            raise _encrypted(path)
        parts = [  # every entry, duplicated names included: which one calamine takes is moot
            info
            for info in package.infolist()
            if info.filename.lower().endswith((".xml", ".rels")) and not info.is_dir()
        ]
        _check_declared_sizes(path, parts)
        escapes = False
        for info in parts:
            if kind == "ods" and info.filename == "content.xml":
                _check_ods_content(path, file, info, max_cells)
            elif kind != "ods" and not info.filename.lower().startswith(_WITHOUT_CELLS):
                escapes |= _check_xlsx_part(path, package, file, info, max_cells)
            else:
                for _ in _inflate(path, file, info):  # read to the end: the size must hold
                    pass
    return kind, _read_calamine(path, clean=escapes or kind == "ods")


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
    unfinished; it is carried over to the next piece.
    """
    carry = b""
    for chunk in chunks:
        data = carry + chunk if carry else chunk
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


def _check_xlsx_part(
    path: Path, package: zipfile.ZipFile, file: BinaryIO, info: zipfile.ZipInfo, max_cells: int
) -> bool:
    """Raise if the part's cells reach too far; whether its text holds `_xHHHH_` escapes.

    Every part that may hold cells is checked, not only the worksheets the workbook lists:
    the check is cheap on parts without cells, and nothing then depends on resolving the
    package's relationships exactly as calamine does.
    """
    scan = _scan_regular(_tag_pieces(path, _inflate(path, file, info)))
    if scan is None:
        rows, cols = _scan_irregular(path, _inflate(path, file, info), max_cells)
        escapes = True
    else:
        cols, digits, escapes = scan
        rows = 10**digits - 1
        if rows * cols > max_cells:
            rows, cols = _scan_exact(_tag_pieces(path, _inflate(path, file, info)))
    if rows * cols > max_cells:
        raise _too_large(path, _sheet_name(package, info.filename), rows, cols)
    return escapes


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
def _beyond(columns: int, digits: int) -> re.Pattern[bytes]:
    """A `<c` tag whose reference is not `r="A1"`-shaped, or past these columns or digits."""
    return re.compile(
        rb'<c(?! r="%s[1-9][0-9]{0,%d}")[\s/>]' % (_columns_up_to(columns), digits - 1)
    )


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


def _scan_regular(pieces: Iterable[bytes]) -> tuple[int, int, bool] | None:
    """(columns, digits, escapes) when every cell is written `<c r="A1"...`, else None.

    Every cell then lies within the rightmost column and the longest row number seen, and
    calamine places it by its reference alone. The search is one pass that only stops at a
    reference further right or longer than any so far (a few times per sheet), so it costs a
    fraction of calamine's own parse. A cell written any other way (no reference, a namespace
    prefix, lower case, a second `r`) sends the sheet to `_scan_irregular`.
    """
    columns, digits, escapes = 1, 1, False
    beyond = _beyond(columns, digits)
    for piece in pieces:
        found = beyond.search(piece)
        while found:
            cell = _CANONICAL.match(piece, found.start())
            if cell is None:
                return None
            columns = max(columns, _column_number(cell[1].decode()))
            digits = max(digits, len(cell[2]))
            beyond = _beyond(columns, digits)
            found = beyond.search(piece, found.start())
        if _PREFIXED.search(piece):
            return None
        if not escapes:
            escapes = b"\r" in piece
        squeezed = piece.translate(*_SQUEEZE)
        if _LATER_R.search(squeezed):
            return None
        if not escapes:
            escapes = bool(_ESCAPE.search(squeezed))
    return columns, digits, escapes


#: A cell that holds something: calamine leaves self-closing (formatted, empty) cells out.
#: Attribute values are skipped whole, as an XML parser does, so a ">" inside one is no end.
_VALUED_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"((?:[^>"\']|"[^"]*"|\'[^\']*\')*)>')


def _scan_exact(pieces: Iterable[bytes]) -> tuple[int, int]:
    """The last row and column holding something, for a regular sheet whose bound was loose.

    Run when the rough bound exceeds the limit: a sheet of a million rows, a very wide one, or
    one with a formatted (empty) cell far away, which calamine ignores.
    """
    columns: set[bytes] = set()
    rows: set[bytes] = set()
    for piece in pieces:
        for column, row, attributes in _VALUED_CELL.findall(piece):
            if not attributes.endswith(b"/"):
                columns.add(column)
                rows.add(row)
    last_col = max((_column_number(c.decode()) for c in columns), default=0)
    return max(map(int, rows), default=0), last_col


_REFERENCE = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")


def _scan_irregular(path: Path, chunks: Iterable[bytes], max_cells: int) -> tuple[int, int]:
    """The extent of a sheet as calamine positions it, for XML written in an unusual way.

    calamine places a cell by its `r` reference, or else right after the previous cell of the
    row; a row by its `r`, or else after the previous row; it reads tags by local name, so any
    namespace prefix counts, and a self-closing tag counts as opened and closed. Cells without
    a value do not widen its grid. Here a real XML parser reads the part, so that tags are
    where calamine sees them; XML it rejects (a duplicated attribute, an unclosed quote) is
    corrupt, and so are references calamine would wrap around or reject.
    """
    row = col = at_row = at_col = last_row = last_col = 0
    for event, name, element in _xml_elements(path, chunks, ("row", "c")):
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
            col = at_col + 1
        elif len(element):  # a cell with a <v>, <is> or <f> inside holds something
            last_row, last_col = max(last_row, at_row + 1), max(last_col, at_col + 1)
            if last_row * last_col > max_cells:
                return last_row, last_col
    return last_row, last_col


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


def _sheet_name(package: zipfile.ZipFile, part: str) -> str:
    """The sheet a worksheet part holds, for messages; the part's name if that is unclear."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        book = etree.fromstring(package.read("xl/workbook.xml"), parser)
        links = etree.fromstring(package.read("xl/_rels/workbook.xml.rels"), parser)
    except Exception:  # only a nicer name for a message is lost
        return part
    targets = {link.get("Id"): link.get("Target", "") for link in links.iter("{*}Relationship")}
    for sheet in book.iter("{*}sheet"):
        ids = [value for key, value in sheet.attrib.items() if key.endswith("}id")]
        target = targets.get(ids[0] if ids else None, "")
        if target.startswith("/"):
            resolved = target.lstrip("/")
        else:
            resolved = posixpath.normpath(posixpath.join("xl", target))
        if resolved == part:
            return sheet.get("name") or part
    return part


def _check_ods_content(path: Path, file: BinaryIO, info: zipfile.ZipInfo, max_cells: int) -> None:
    """Raise if a table's cells, with their repeat counts, reach too far.

    LibreOffice writes runs of equal cells once with a repeat count, so a tiny file can stand
    for a grid of billions; calamine expands them up to 100 million cells, gigabytes of memory.
    Only cells with a value count, as calamine trims empty ones.
    """
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
        rows = row + repeat if valued else last_row
        if rows * last_col > max_cells:
            raise _too_large(path, name or "", rows, last_col)


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
            _check_biff_sheet(path, names.get(sheet_at, ""), last_row, last_col, max_cells)
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
    _check_biff_sheet(path, names.get(sheet_at, ""), last_row, last_col, max_cells)


def _check_biff_sheet(path: Path, name: str, rows: int, cols: int, max_cells: int) -> None:
    if rows * cols > max_cells:
        raise _too_large(path, name, rows, cols)


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


def _read_calamine(path: Path, *, clean: bool) -> list[RawSheet]:
    """The worksheets, read by calamine once their extent is known to be safe.

    calamine is handed the open file, not the path: given a path it picks the format by the
    extension, and "extrato.xls" may well be an .xlsx. `skip_empty_area=False` makes rows[0]
    sheet row 1 and column 0 column A, whatever the first cell in use.
    """
    sheets: list[RawSheet] = []
    try:
        with path.open("rb") as file, CalamineWorkbook.from_filelike(file) as book:
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

    Merged cells (colspan, rowspan) are spread the way calamine gives merged cells: the text in
    the first position, "" in the others, so columns line up with the header.
    """
    try:
        document = lxml.html.document_fromstring(_XML_DECLARATION.sub("", text, count=1))
    except (etree.ParserError, ValueError):
        document = None
    sheets: list[RawSheet] = []
    cells = 0
    for table in document.iter("table") if document is not None else ():
        rows: list[list[object]] = []
        spans: dict[int, tuple[int, str]] = {}
        for tr in table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr"):
            row: list[object] = []
            for cell in tr.xpath("./td | ./th"):
                _fill_spans(row, spans)
                value = " ".join(cell.text_content().split())
                width, height = _span(cell.get("colspan")), _span(cell.get("rowspan"))
                for k in range(width):
                    if height > 1:
                        spans[len(row)] = (height - 1, "")
                    row.append(value if k == 0 else "")
            _fill_spans(row, spans, everything=True)
            cells += len(row)
            if cells > max_cells:
                raise _too_large(path, _table_name(table, len(sheets)), len(rows) + 1, len(row))
            rows.append(row)
        if rows:
            width = max(map(len, rows))
            for row in rows:
                row.extend([""] * (width - len(row)))
            sheets.append(RawSheet(name=_table_name(table, len(sheets)), rows=rows))
    if not sheets:
        raise _error(
            path,
            "file.no_tables",
            "O arquivo “{name}” é uma página HTML sem nenhuma tabela.",
            "File “{name}” is an HTML page without any table.",
        )
    for sheet in sheets:
        _clean_rows(sheet.rows)
    return sheets


def _fill_spans(row: list[object], spans: dict[int, tuple[int, str]], everything: bool = False):
    """Step over the positions that a rowspan from above covers in this row."""
    while len(row) in spans or (everything and spans and max(spans) >= len(row)):
        left, value = spans.pop(len(row), (0, ""))
        if left > 1:
            spans[len(row)] = (left - 1, value)
        row.append(value)


def _span(value: str | None) -> int:
    """A colspan or rowspan as a browser reads it, bounded so that a page cannot blow up."""
    try:
        return min(max(int(value or 1), 1), 1000)
    except ValueError:
        return 1


def _table_name(table: etree._Element, index: int) -> str:
    caption = table.find("caption")
    text = " ".join(caption.text_content().split()) if caption is not None else ""
    return text[:31] or f"Tabela {index + 1}"


def _read_csv(path: Path, text: str, max_cells: int) -> list[RawSheet]:
    lines = text.split("\n", 1)
    if lines[0].strip().lower().startswith("sep=") and len(lines[0].strip()) == 5:
        delimiter, text = lines[0].strip()[4], lines[1] if len(lines) > 1 else ""
    else:
        delimiter = _sniff_delimiter(text[:65536])
    rows: list[list[object]] = []
    width = 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            rows.append(list(row))
            width = max(width, len(row))
            if len(rows) * width > max_cells:
                raise _too_large(path, path.stem, len(rows), width)
    except csv.Error:
        raise _error(
            path,
            "file.corrupt",
            f"O arquivo “{{name}}” não pôde ser lido como CSV (linha {reader.line_num}).",
            f"File “{{name}}” could not be read as CSV (line {reader.line_num}).",
        ) from None
    for row in rows:
        row.extend([""] * (width - len(row)))
    _clean_rows(rows)
    return [RawSheet(name=path.stem, rows=rows)]


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
