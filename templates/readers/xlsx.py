"""Reading an xlsx or xlsm workbook through calamine without letting calamine abort.

The dangerous part is calamine: it builds a dense grid from A1 to the last cell in use, and a
single stray value at XFD1048576 makes it ask for half a terabyte and abort the whole process,
which Python cannot catch. So before calamine touches a workbook we inflate its XML ourselves,
with a cap (which also defeats zip bombs), and bound the extent of every sheet (`xlsx_scan`),
found through the relationships as calamine finds it, whatever the part's name
(`xlsx_parts`). The sheets of a workbook share one budget of cells; a value far from a sheet's
data (which Excel opens without complaint) is left out of a copy that calamine reads instead,
and named (`xlsx_far_cells`).
"""

from __future__ import annotations

import contextlib
import tempfile
import zipfile
from pathlib import Path
from typing import BinaryIO

from retaguarda.templates.readers.calamine import read_calamine
from retaguarda.templates.readers.errors import Budget, too_large
from retaguarda.templates.readers.raw_sheets import RawSheet
from retaguarda.templates.readers.xlsx_ahead import ScanAhead
from retaguarda.templates.readers.xlsx_far_cells import copy_without_far_cells
from retaguarda.templates.readers.xlsx_halves import Halves, prepare, read_in_halves
from retaguarda.templates.readers.xlsx_parts import worksheet_parts
from retaguarda.templates.readers.xlsx_scan import Scan, refine, scan_part
from retaguarda.templates.readers.zip_members import check_declared_sizes, drain

#: The workbook's sheets: (name, the parts calamine reads as that sheet).
Sheets = list[tuple[str, list[zipfile.ZipInfo]]]


def read_xlsx(
    path: Path,
    package: zipfile.ZipFile,
    file: BinaryIO,
    infos: list[zipfile.ZipInfo],
    max_cells: int,
    ahead: ScanAhead | None = None,
) -> list[RawSheet]:
    """Scan every part calamine may read as a sheet, spend the workbook's cell budget on the
    sheets, and read them; values far from the data are left out of a copy calamine reads.

    A sheet part is found the way calamine finds it, from the relationships, whatever its name
    (`sheet1.bin`, no extension, another folder, odd case); every other part that may hold
    cells is scanned too, as a second line of defence, but only sheets spend the budget.
    `ahead` is the same scan already run by a second process (`xlsx_ahead`), used when it
    answers for these very parts, with the halves of the biggest sheet made meanwhile for
    calamine to parse on two threads (`xlsx_halves`).
    """
    sheets, placeholders, parts = _parts(path, package, infos)
    check_declared_sizes(path, parts)
    prepared = ahead.halves(path, parts) if ahead is not None else None
    try:
        return _read_xlsx(path, file, sheets, placeholders, parts, max_cells, ahead, prepared)
    finally:
        if prepared is not None:
            prepared.close()


def _read_xlsx(
    path: Path,
    file: BinaryIO,
    sheets: Sheets,
    placeholders: bool,
    parts: list[zipfile.ZipInfo],
    max_cells: int,
    ahead: ScanAhead | None,
    prepared: Halves | None,
) -> list[RawSheet]:
    scanned = ahead.scans(path, parts, max_cells) if ahead is not None else None
    if scanned is None:
        scanned = scan_parts(path, file, parts, sheets, placeholders, max_cells)
    scans = {id(info): s for info, s in zip(parts, scanned, strict=True) if s is not None}
    _spend(path, file, sheets, scans, max_cells)
    far: dict[int, list[str]] = {}
    with contextlib.ExitStack() as stack:
        source: BinaryIO | None = None
        if any(scans[id(info)].near for _, found in sheets for info in found):
            source = stack.enter_context(tempfile.TemporaryFile())
            copy_without_far_cells(path, file, parts, scans, source, far)
        escapes = any(scan.escapes for scan in scans.values())
        halves = (
            None
            if source
            else read_in_halves(path, file, parts, sheets, clean=escapes, prepared=prepared)
        )
        raw = halves or read_calamine(path, clean=escapes, source=source)
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


def prepare_halves(path: Path) -> tuple[list[zipfile.ZipInfo], Halves | None]:
    """The parts `read_xlsx` finds in the workbook at `path`, and the halves of its biggest
    sheet (`xlsx_halves.prepare`), as `xlsx_ahead` makes them while a command imports."""
    with zipfile.ZipFile(path) as package, path.open("rb") as file:
        infos = [info for info in package.infolist() if not info.is_dir()]
        sheets, _, parts = _parts(path, package, infos)
        check_declared_sizes(path, parts)
        return parts, prepare(path, file, parts, sheets)


def scan_workbook(path: Path, max_cells: int) -> tuple[list[zipfile.ZipInfo], list[Scan | None]]:
    """`read_xlsx`'s scan of the workbook at `path`, alone, as `xlsx_ahead` runs it in a
    second process: the parts, and a scan of each (None for a part only inflated)."""
    with zipfile.ZipFile(path) as package, path.open("rb") as file:
        infos = [info for info in package.infolist() if not info.is_dir()]
        sheets, placeholders, parts = _parts(path, package, infos)
        check_declared_sizes(path, parts)
        return parts, scan_parts(path, file, parts, sheets, placeholders, max_cells)


def _parts(
    path: Path, package: zipfile.ZipFile, infos: list[zipfile.ZipInfo]
) -> tuple[Sheets, bool, list[zipfile.ZipInfo]]:
    """The sheets (name, parts), whether a formula's 0 stands for no value, and every part
    that is scanned or inflated before calamine reads the workbook."""
    sheets, placeholders = worksheet_parts(path, package, infos)
    named = {id(info) for _, found in sheets for info in found}
    parts = [
        info
        for info in infos
        if id(info) in named
        or info.filename.lower().endswith((".xml", ".rels"))
        or info.filename.lower().startswith(_SHEET_FOLDERS)
    ]
    return sheets, placeholders, parts


def scan_parts(
    path: Path,
    file: BinaryIO,
    parts: list[zipfile.ZipInfo],
    sheets: Sheets,
    placeholders: bool,
    max_cells: int,
) -> list[Scan | None]:
    """A scan of each part that may hold cells; a part that holds none is only inflated,
    for its size must hold too (None)."""
    named = {id(info) for _, found in sheets for info in found}
    scans: list[Scan | None] = []
    for info in parts:
        lower = info.filename.lower()
        if id(info) in named or not lower.startswith(_WITHOUT_CELLS):
            scan = scan_part(path, file, info, max_cells, placeholders)
            if id(info) not in named and scan.rows * scan.cols > max_cells:
                raise too_large(path, info.filename, scan.rows, scan.cols)
            scans.append(scan)
        else:
            drain(path, file, info)
            scans.append(None)
    return scans


def _kept_formulas(scan: Scan) -> dict[tuple[int, int], str]:
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


def _spend(
    path: Path,
    file: BinaryIO,
    sheets: Sheets,
    scans: dict[int, Scan],
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
                refine(path, file, info, scans[id(info)], max_cells)
    budget = Budget(path, max_cells)
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
