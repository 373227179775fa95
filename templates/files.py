"""Opening whatever file a user hands us, safely, into raw sheets of cells.

People send what they have: an .xlsx, an old .xls, a bank's HTML page saved as .xls, a CSV
exported by an ERP in cp1252 with ";", a PDF renamed by mistake, a workbook with a password.
Each one either becomes plain rows of cells or fails with one sentence in Portuguese saying
what is wrong and with which file (DESIGN.md, "Unreadable input is a clear error"), in bounded
time and memory. The format is told by the content, never by the name.

This module tells the format and hands the file to its reader, one module of
`templates.readers` per format (`xlsx`, `ods`, `xls`, `html_export`, `csv_file`), imported when
a file of that format comes: a CSV does not wait for lxml, calamine and the .xlsx scanner.
"""

from __future__ import annotations

import codecs
import contextlib
import re
import stat
import zipfile
from pathlib import Path

from retaguarda.templates.readers.csv_ahead import ReadAhead
from retaguarda.templates.readers.csv_file import read_csv
from retaguarda.templates.readers.errors import (
    UnreadableFile,
    bomb,
    corrupt,
    encrypted,
    file_error,
    file_name,
    not_spreadsheet,
    unreadable,
    unsupported,
)
from retaguarda.templates.readers.raw_sheets import (
    MAX_CELLS,
    RawSheet,
    RawWorkbook,
    column_letter,
    column_number,
)
from retaguarda.templates.readers.xlsx_ahead import ScanAhead
from retaguarda.templates.readers.zip_members import MiB, check_declared_sizes, drain, small_member

__all__ = [
    "MAX_CELLS",
    "RawSheet",
    "RawWorkbook",
    "UnreadableFile",
    "column_letter",
    "column_number",
    "read_workbook",
]

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


def read_workbook(
    path: Path | str,
    *,
    max_bytes: int = 200 * MiB,
    max_cells: int = MAX_CELLS,
    ahead: ScanAhead | ReadAhead | None = None,
) -> RawWorkbook:
    """Every sheet of the file at `path`, whatever its format; `UnreadableFile` if impossible.

    `max_cells` bounds the dense grids of all the sheets together (rows × columns from A1 to
    each sheet's last cell), which is what the reading costs in memory. Values far from a
    sheet's data are left out (`RawSheet.far`) rather than counted. `ahead` is the .xlsx
    pre-scan of this file started earlier in a second process (`xlsx_ahead.scan_ahead`), or
    the reading of this CSV likewise (`csv_ahead.read_ahead`).
    """
    try:
        return _read_workbook(Path(path), max_bytes, max_cells, ahead)
    finally:
        if ahead is not None:
            ahead.stop()


def _read_workbook(
    path: Path, max_bytes: int, max_cells: int, ahead: ScanAhead | ReadAhead | None
) -> RawWorkbook:
    _check_file(path, max_bytes)
    try:
        with path.open("rb") as file:
            head = file.read(8192)
    except OSError:
        raise unreadable(path) from None
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        scan = ahead if isinstance(ahead, ScanAhead) else None
        kind, sheets = _read_zip(path, max_cells, scan)
    elif head.startswith(_OLE_MAGIC):
        from retaguarda.templates.readers.xls import read_ole

        kind, sheets = read_ole(path, max_cells)
    else:
        for magic, what, what_en in _BINARY_MAGIC:
            if head.startswith(magic):
                raise not_spreadsheet(path, what, what_en)
        if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise not_spreadsheet(path, "um arquivo binário", "a binary file")
        read = ahead.sheets(path, max_cells) if isinstance(ahead, ReadAhead) else None
        kind, sheets = ("csv", read) if read is not None else _read_text(path, max_cells)
    return RawWorkbook(path=path, kind=kind, sheets=sheets)


def _check_file(path: Path, max_bytes: int) -> None:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise file_error(
            path,
            "file.missing",
            f"Arquivo “{file_name(path)}” não encontrado: confira o nome e a pasta.",
            f"File “{file_name(path)}” not found: check its name and folder.",
        ) from None
    except OSError:
        raise unreadable(path) from None
    if stat.S_ISDIR(info.st_mode):
        raise file_error(
            path,
            "file.not_a_file",
            f"“{file_name(path)}” é uma pasta, não um arquivo de planilha.",
            f"“{file_name(path)}” is a folder, not a spreadsheet file.",
        )
    if not stat.S_ISREG(info.st_mode):
        raise file_error(
            path,
            "file.not_a_file",
            f"“{file_name(path)}” não é um arquivo comum e não pode ser lido como planilha.",
            f"“{file_name(path)}” is not a regular file and cannot be read as a spreadsheet.",
        )
    if info.st_size == 0:
        raise file_error(
            path,
            "file.empty",
            f"O arquivo “{file_name(path)}” está vazio.",
            f"File “{file_name(path)}” is empty.",
        )
    if info.st_size > max_bytes:
        size, limit = -(-info.st_size // MiB), max_bytes // MiB
        raise file_error(
            path,
            "file.too_large",
            f"O arquivo “{file_name(path)}” tem {size} MB, acima do limite de {limit} MB.",
            f"File “{file_name(path)}” is {size} MB, above the {limit} MB limit.",
        )


def _read_zip(path: Path, max_cells: int, ahead: ScanAhead | None) -> tuple[str, list[RawSheet]]:
    try:
        package = zipfile.ZipFile(path)
    except Exception:  # BadZipFile, but also NotImplementedError, UnicodeDecodeError, ...
        raise corrupt(path) from None
    with package, path.open("rb") as file:
        infos = [info for info in package.infolist() if not info.is_dir()]
        kind = _package_kind(path, package, {info.filename: info for info in infos})
        if any(info.flag_bits & 0x1 for info in infos):
            raise encrypted(path)
        xml = [info for info in infos if info.filename.lower().endswith((".xml", ".rels"))]
        check_declared_sizes(path, xml)
        if kind == "ods":
            from retaguarda.templates.readers.calamine import read_calamine
            from retaguarda.templates.readers.ods import check_ods_content

            for info in xml:
                if info.filename == "content.xml":
                    check_ods_content(path, file, info, max_cells)
                else:
                    drain(path, file, info)
            return kind, read_calamine(path, clean=True)
        from retaguarda.templates.readers.xlsx import read_xlsx

        return kind, read_xlsx(path, package, file, infos, max_cells, ahead)


def _package_kind(path: Path, package: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo]) -> str:
    if "xl/workbook.xml" in members:
        macros = "xl/vbaProject.bin" in members or b"macroEnabled.main" in _small_member(
            path, package, members.get("[Content_Types].xml")
        )
        return "xlsm" if macros else "xlsx"
    if "xl/workbook.bin" in members:
        raise unsupported(path, "Excel binário (.xlsb)", "Excel binary (.xlsb)")
    mimetype = _small_member(path, package, members.get("mimetype")).strip()
    if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
        return "ods"
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        raise not_spreadsheet(path, "um documento do LibreOffice", "a LibreOffice document")
    if "word/document.xml" in members:
        raise not_spreadsheet(path, "um documento do Word", "a Word document")
    if "ppt/presentation.xml" in members:
        raise not_spreadsheet(path, "uma apresentação do PowerPoint", "a PowerPoint deck")
    if any(name.startswith("Index/") for name in members):
        raise unsupported(path, "do Apple Numbers", "Apple Numbers")
    raise not_spreadsheet(path, "um arquivo .zip", "a .zip archive")


def _small_member(path: Path, package: zipfile.ZipFile, info: zipfile.ZipInfo | None) -> bytes:
    return small_member(path, package, info, MiB, bomb)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)


def _read_text(path: Path, max_cells: int) -> tuple[str, list[RawSheet]]:
    try:
        data = path.read_bytes()
    except OSError:
        raise unreadable(path) from None
    declared = _META_CHARSET.search(data[:4096])
    text, encoding = _decode(
        path, data, declared[1].decode("ascii", "replace") if declared else None
    )
    # UTF-8 text encodes back to the very bytes it was decoded from (but a BOM): the CSV
    # reader takes them as they are instead of encoding the text again (0.09 s for 50 MB)
    utf8 = None
    if encoding == "utf-8-sig":
        utf8 = data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
    del data  # the text is what is read now (and those bytes, as the CSV reader's input)
    head = text[:4096].lstrip().lower()
    if "urn:schemas-microsoft-com:office:spreadsheet" in head and "<workbook" in head:
        raise unsupported(path, "XML do Excel 2003", "Excel 2003 XML")
    if "<html" in head or "<table" in head or head.startswith("<!doctype html"):
        from retaguarda.templates.readers.html_export import read_html

        return "html", read_html(path, text, max_cells)
    if head.startswith("<?xml"):
        if "nfeproc" in head or "<nfe" in head:
            raise not_spreadsheet(path, "o XML de uma nota fiscal eletrônica", "an NF-e XML")
        raise not_spreadsheet(path, "um arquivo XML", "an XML file")
    return "csv", read_csv(path, text, max_cells, encoded=utf8)


def _decode(path: Path, data: bytes, declared: str | None) -> tuple[str, str]:
    """Text in the encoding it most likely has: a BOM, then UTF-8, then what it declares,
    then cp1252 (what Brazilian Windows exports use), then latin-1, which never fails; and
    that encoding."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise corrupt(path, "texto", "text") from None
    candidates = ["utf-8-sig"]
    if declared:
        with contextlib.suppress(LookupError):
            candidates.append(codecs.lookup(declared).name)
    for encoding in [*candidates, "cp1252"]:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"
