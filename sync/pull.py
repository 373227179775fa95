"""Pulling a source: its template sheets as typed Tables, every row with an identity.

A row's identity is the hidden "ID" column. Rows without one (new rows, rows copied with their
id) get a fresh id, written back to the sheet in the same pull, so a sorted or inserted row
keeps its identity. Where nothing can be written back (a spreadsheet shared read-only with the
service account, an Excel file in the inbox, which is the team's to edit, not ours), the row's
content hash stands in: a changed row is then a removed row plus a new one.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retaguarda.templates.files import read_workbook
from retaguarda.templates.reader import read_sheets, read_tables
from retaguarda.templates.table import Table
from retaguarda.validators.issues import Issue

#: prefix of an identity made from the content (a read-only source)
HASHED = "h:"

#: writes a sync's issues into the source it pulled: fills, notes, the Pendências sheet
MarkWriter = Callable[[Sequence[Issue]], int]


@dataclass
class Pulled:
    """What a pull found: the tables, each row's id and content hash, and what was written."""

    tables: list[Table]
    #: per table (same order): each row's identity and content hash
    ids: list[np.ndarray]
    hashes: list[np.ndarray]
    read_only: bool
    ids_written: int = 0
    #: the tables of each workbook (indexes into `tables`): validated together, since
    #: cross-sheet rules only look within one workbook; one group unless a folder was read
    workbooks: list[list[int]] | None = None
    #: where Retaguarda may write to the source (a Google spreadsheet, `google_workbook`)
    mark: MarkWriter | None = None
    #: Google's id of each sheet, by title (a Google spreadsheet: links to a cell need it)
    sheet_ids: dict[str, int] | None = None
    #: the sheets read in part, only the rows webhook events named (`sync.partial`); the
    #: other tables are whole sheets. None: the pull read the whole source
    in_part: frozenset[str] | None = None

    def groups(self) -> list[list[int]]:
        return self.workbooks if self.workbooks is not None else [list(range(len(self.tables)))]


#: writes new ids into the sheet: (table, {row index: id}) per table; False if not allowed
IdWriter = Callable[[Sequence[tuple[Table, dict[int, str]]]], bool]


#: the workbooks a folder source reads (anything else in the folder is left alone)
WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})


def pull_file(path: Path | str) -> Pulled:
    """An Excel (or .ods, .csv) workbook, read with calamine; never written to."""
    tables = read_tables(read_workbook(Path(path)))
    return identify(tables, writer=None)


def pull_folder(folder: Path | str) -> Pulled:
    """Every workbook in a folder (the team's inbox), each sheet named "file › sheet".

    A file that cannot be read stops the pull (`UnreadableFile` names it): skipping it would
    make its rows look removed.
    """
    tables: list[Table] = []
    groups: list[list[int]] = []
    for path in sorted(Path(folder).iterdir()):
        if path.suffix.lower() not in WORKBOOK_SUFFIXES or path.name.startswith(("~$", ".")):
            continue  # Excel's lock files (~$…) and hidden files are not workbooks
        found = read_tables(read_workbook(path))
        for table in found:
            _rename(table, f"{path.name} › {table.sheet}")
        groups.append(list(range(len(tables), len(tables) + len(found))))
        tables += found
    pulled = identify(tables, writer=None)
    pulled.workbooks = groups
    return pulled


def _rename(table: Table, sheet: str) -> None:
    """Give a table a new sheet name, and the issues found while reading it too: the merge
    finds a row's issues by sheet and row, so an issue left under the old name would let its
    row into the consolidated table instead of the quarantine."""
    table.issues = [issue.placed(sheet=sheet) for issue in table.issues]
    table.sheet = sheet


def tables_from_values(sheets: Sequence[tuple[str, Sequence[Sequence[object]]]]) -> list[Table]:
    """Template tables out of (sheet title, rows from A1) pairs, as an API gives them."""
    return read_sheets(sheets)


def identify(tables: list[Table], writer: IdWriter | None) -> Pulled:
    """Give every row an identity: its ID cell, or a new id written back through `writer`,
    or (no writer, or the writer is refused) its content hash."""
    hashes = [content_hashes(t) for t in tables]
    ids: list[np.ndarray] = []
    missing: list[tuple[Table, dict[int, str]]] = []
    seen: set[str] = set()
    for table in tables:
        given = table.ids if table.ids is not None else np.full(len(table), None, dtype=object)
        final = given.copy()
        new: dict[int, str] = {}
        for i, value in enumerate(given.tolist()):
            if value is None or value in seen:  # new, or copied along with its row
                new[i] = final[i] = _new_id()
            seen.add(final[i])
        ids.append(final)
        if new:
            missing.append((table, new))
    if not missing:
        return Pulled(tables, ids, hashes, read_only=writer is None)
    if writer is not None and writer(missing):
        return Pulled(tables, ids, hashes, read_only=False, ids_written=_count(missing))
    # nothing written: rows without a usable id are known by their content instead; equal
    # rows (in one sheet, or in two files of a folder) are told apart by their order
    occurrences: dict[str, int] = {}
    for table, new in missing:
        index = next(i for i, t in enumerate(tables) if t is table)
        rows = list(new)
        ids[index][rows] = _hash_ids(hashes[index], rows, occurrences)
    return Pulled(tables, ids, hashes, read_only=True)


def content_hashes(table: Table) -> np.ndarray:
    """Each row's fingerprint: what its template cells hold, as text (a moved row keeps it)."""
    columns = [table.raw[c.key].fillna("").astype(str).tolist() for c in table.template.columns]
    return np.array(
        [
            hashlib.blake2b("\x1f".join(cells).encode(), digest_size=12).hexdigest()
            for cells in zip(*columns, strict=True)
        ]
        if columns and len(table)
        else [],
        dtype=object,
    )


def _hash_ids(hashes: np.ndarray, rows: list[int], count: dict[str, int]) -> list[str]:
    """Content ids for these rows; `count` tallies each content seen so far in the source."""
    out = []
    for i in rows:
        key = hashes[i]
        n = count[key] = count.get(key, 0) + 1
        out.append(f"{HASHED}{key}" if n == 1 else f"{HASHED}{key}#{n}")
    return out


def _new_id() -> str:
    return secrets.token_hex(8)


def _count(missing: Sequence[tuple[Table, dict[int, str]]]) -> int:
    return sum(len(new) for _, new in missing)
