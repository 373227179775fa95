"""Which parts of an xlsx package calamine opens as sheets, found from the relationships
exactly as calamine finds them, so that no sheet escapes the scans whatever its name."""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from pathlib import Path
from urllib.parse import unquote

from retaguarda.templates.readers.errors import corrupt
from retaguarda.templates.readers.raw_sheets import CONTROL
from retaguarda.templates.readers.zip_members import MiB, small_member

_START_TAG = rb"""<(?:[^\s<>/:]+:)?%s[\s/>]((?:[^>"']|"[^"]*"|'[^']*')*)>"""
_RELATIONSHIP = re.compile(_START_TAG % b"Relationship")
_SHEET = re.compile(_START_TAG % b"sheet")
_ATTRIBUTE = re.compile(rb"""([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_MAX_BOOK = 16 * MiB  # xl/workbook.xml or its relationships; more is no workbook


def worksheet_parts(
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
            name = CONTROL.sub("", html.unescape(utf8_text(attributes.get(b"name", b""))))
            found = [
                part
                for value in attributes.values()
                if value in links
                for target in _readings(utf8_text(links[value]))
                for part in by_name.get(target, ())
            ]
            sheets.append((name, list({id(part): part for part in found}.values())))
    return sheets, calculate


_CALCULATE_ON_LOAD = re.compile(
    rb"""<(?:[^\s<>/:]+:)?calcPr\b[^>]*\bfullCalcOnLoad\s*=\s*["'](?:1|true)["']"""
)


def _book_member(path: Path, package: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    return small_member(path, package, info, _MAX_BOOK, corrupt)


def _attributes(text: bytes) -> dict[bytes, bytes]:
    """Attribute name → raw value (entities left as written, as calamine compares them)."""
    return {name: double or single for name, double, single in _ATTRIBUTE.findall(text)}


def utf8_text(value: bytes) -> str:
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
