"""Merging one pulled source into the store: insert, update, tombstone, quarantine, release.

Rows are matched by identity (source, row id) and compared by content hash, so a second run
over an unchanged sheet writes nothing and adds no audit row. A row with an error is
quarantined with its raw cells and issues, and leaves the template table (tombstoned there if
it was in it) until the sheet is fixed, when it is released and comes back. A row gone from
the sheet is tombstoned, never deleted. Every change is one audit row (before/after hash).

`sync.diff` decides what changes from the keys and hashes; this module only gathers what is
written (typed values, raw cells and issues) and hands it to the store's operations, one
batch per kind of change and table. The caller holds the transaction, so a merge is all or
nothing.

A pull that read in part (`Pulled.in_part`, see `sync.partial`) is merged within what it
read: every row of the sheets it read whole, and the rows it read of the others. Nothing
outside is tombstoned, released or even loaded (reading 100,000 stored keys costs more than
the edit), and it is counted as unchanged, as a whole sync would count it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from retaguarda.sync.diff import INCOMING, Diff, diff, keyed
from retaguarda.sync.pull import Pulled
from retaguarda.sync.sources import Source
from retaguarda.sync.store.database import Store
from retaguarda.sync.store.operations import Within
from retaguarda.sync.store.schema import TEMPLATE_TABLES
from retaguarda.templates.model import SCALE, Kind
from retaguarda.templates.table import Table as SheetTable
from retaguarda.validators.issues import Issue, Severity


@dataclass
class Counts:
    inserted: int = 0
    updated: int = 0
    tombstoned: int = 0
    quarantined: int = 0
    released: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def add(self, more: dict[str, int]) -> None:
        for name, value in more.items():
            setattr(self, name, getattr(self, name) + value)


def merge(
    store: Store,
    source: Source,
    run_id: int,
    pulled: Pulled,
    issues: Sequence[Issue],
    now: datetime,
) -> Counts:
    """Bring the store's rows of `source` to what `pulled` holds; returns what changed.

    Call it inside the caller's `store.atomic()`: the merge is then all or nothing.
    """
    errors = _errors_by_row(issues)
    unmatched = sorted({sheet for sheet, _ in errors} - {t.sheet for t in pulled.tables})
    if unmatched:
        # an error no table claims would let its row in unquarantined: refuse the whole merge
        raise ValueError(
            f"pendências de abas que não foram lidas ({', '.join(unmatched)}): a sincronização "
            "foi cancelada para não gravar linhas com erro."
        )
    positions: dict[str, list[int]] = defaultdict(list)
    for index, table in enumerate(pulled.tables):
        positions[table.template.id].append(index)
    counts = Counts()
    with store.atomic():
        for template_id in TEMPLATE_TABLES:
            sheets = [pulled.tables[i] for i in positions.get(template_id, [])]
            ids = [pulled.ids[i] for i in positions.get(template_id, [])]
            hashes = [pulled.hashes[i] for i in positions.get(template_id, [])]
            within = _within(pulled, sheets, ids)
            if within is not None and not within:  # nothing of it read: all stays as it is
                counts.unchanged += store.live_count(template_id, source_id=source.id)
                continue
            rows = _Incoming(sheets, ids, hashes, errors)
            stored = store.stored_rows(template_id, source_id=source.id, within=within)
            held = store.held_rows(template_id, source_id=source.id, within=within)
            # the rows left unread are as the last sync left them: a full sync would have
            # counted each as unchanged (live or still held)
            unread = 0
            if within is not None:
                live = store.live_count(template_id, source_id=source.id)
                unread = live - int(stored["alive"].sum()) - int(held["held"].sum())
            changes = diff(rows.frame, stored, held)
            _apply(store, template_id, source, run_id, now, rows, changes)
            counts.add(changes.counts())
            counts.unchanged += unread
    return counts


def _within(pulled: Pulled, sheets: list[SheetTable], ids: list[np.ndarray]) -> Within | None:
    """What a pull read of one template, when it read in part (None: it read everything)."""
    if pulled.in_part is None:
        return None
    return Within(
        sheets=frozenset(t.sheet for t in sheets if t.sheet not in pulled.in_part),
        row_ids=frozenset(
            row_id
            for table, row_ids in zip(sheets, ids, strict=True)
            if table.sheet in pulled.in_part
            for row_id in row_ids.tolist()
        ),
    )


#: the incoming frame: what `diff` reads, and where each row is among the pulled tables
_COLUMNS = (*INCOMING, "table", "position")


class _Incoming:
    """The rows of one template a pull found (in one sheet or several), keyed by row id for
    `diff`, and what is written of each: typed values, or raw cells and issues."""

    def __init__(
        self,
        sheets: list[SheetTable],
        ids: list[np.ndarray],
        hashes: list[np.ndarray],
        errors: dict[tuple[str, int | None], list[Issue]],
    ) -> None:
        self.sheets = sheets
        self.errors = errors
        parts = []
        for number, (table, row_ids, content) in enumerate(zip(sheets, ids, hashes, strict=True)):
            sheet_rows = table.rows.tolist()
            wide = bool(errors.get((table.sheet, None)))
            parts.append(
                pd.DataFrame(
                    {
                        "row_id": np.asarray(row_ids, dtype=object),
                        "content_hash": np.asarray(content, dtype=object),
                        "sheet": table.sheet,
                        "sheet_row": sheet_rows,
                        "bad": [wide or (table.sheet, r) in errors for r in sheet_rows],
                        "table": number,
                        "position": np.arange(len(sheet_rows)),
                    }
                )
            )
        frame = pd.concat(parts, ignore_index=True) if parts else keyed([], _COLUMNS).reset_index()
        self.frame = frame.set_index("row_id")
        self._raw: dict[int, dict[str, list[str | None]]] = {}

    def places(self, row_ids: pd.Index) -> Iterator[tuple[str, dict[str, Any], int, int]]:
        """(row id, its sheet, sheet row and hash, its table's number, its index there)."""
        found = self.frame.loc[row_ids, ["content_hash", "sheet", "sheet_row", "table", "position"]]
        for row_id, (content, sheet, sheet_row, number, i) in zip(
            row_ids, found.itertuples(index=False, name=None), strict=True
        ):
            place = {"sheet": sheet, "sheet_row": int(sheet_row), "content_hash": content}
            yield row_id, place, int(number), int(i)

    def values(self, places: Sequence[tuple[int, int]]) -> list[dict[str, Any]]:
        """The typed values of the rows at these (table number, index) places, in order:
        only those rows are converted (one edited row of 100,000 costs one row's work)."""
        out: list[dict[str, Any]] = [{} for _ in places]
        wanted: dict[int, list[int]] = defaultdict(list)
        for at, (number, _) in enumerate(places):
            wanted[number].append(at)
        for number, ats in wanted.items():
            table = self.sheets[number]
            positions = [places[at][1] for at in ats]
            columns = _python_columns(replace(table, data=table.data.iloc[positions]))
            for n, at in enumerate(ats):
                out[at] = {key: column[n] for key, column in columns.items()}
        return out

    def raw(self, number: int) -> dict[str, list[str | None]]:
        if number not in self._raw:
            self._raw[number] = _raw_columns(self.sheets[number])
        return self._raw[number]

    def issues(self, number: int, sheet_row: int) -> list[Issue]:
        sheet = self.sheets[number].sheet
        return self.errors.get((sheet, None), []) + self.errors.get((sheet, sheet_row), [])


def _apply(
    store: Store,
    template: str,
    source: Source,
    run: int,
    now: datetime,
    rows: _Incoming,
    changes: Diff,
) -> None:
    """Carry out one template's changes, one batch per kind (nothing when nothing changed)."""
    inserts, updates = [], []
    for wanted, out in ((changes.insert, inserts), (changes.update, updates)):
        placed = list(rows.places(wanted))
        typed = rows.values([(number, i) for _, _, number, i in placed])
        for (row_id, place, _, _), values in zip(placed, typed, strict=True):
            record = {
                "row_id": row_id,
                **place,
                **values,
                "team": source.team,
                "last_changed": now,
                "sync_run": run,
                "deleted_at": None,
                "deleted_run": None,
            }
            if out is inserts:
                record |= {"source_id": source.id, "first_seen": now}
            out.append(record)
    held = []
    for row_id, place, number, i in rows.places(changes.quarantine):
        raw = rows.raw(number)
        held.append(
            {
                "row_id": row_id,
                **place,
                "team": source.team,
                "raw": json.dumps(
                    {header: cells[i] for header, cells in raw.items()}, ensure_ascii=False
                ),
                "issues": _issues_json(rows.issues(number, place["sheet_row"])),
                "first_seen": now,
                "last_changed": now,
                "sync_run": run,
            }
        )
    moves = [_moved(row_id, place) for row_id, place, _, _ in rows.places(changes.moved)]
    held_moves = [_moved(row_id, place) for row_id, place, _, _ in rows.places(changes.held_moved)]
    key = {"source_id": source.id}
    store.insert_rows(template, inserts)
    store.update_rows(template, updates, **key)
    store.update_rows(template, moves, **key)
    store.tombstone(template, changes.tombstone, **key, run=run, at=now)
    store.quarantine(template, held, **key)
    store.update_held(template, held_moves, **key)
    store.release(template, changes.release, **key, run=run, at=now)
    audit = changes.audit.astype(object)
    entries = audit.where(audit.notna(), None).to_dict("records")
    store.add_audit(template, entries, **key, run=run, at=now)


def _moved(row_id: str, place: dict[str, Any]) -> dict[str, Any]:
    return {"row_id": row_id, "sheet": place["sheet"], "sheet_row": place["sheet_row"]}


def _errors_by_row(issues: Sequence[Issue]) -> dict[tuple[str, int | None], list[Issue]]:
    """Error issues by (sheet, sheet row); a sheet-wide error (a missing required column)
    under (sheet, None). Warnings never quarantine a row."""
    found: dict[tuple[str, int | None], list[Issue]] = defaultdict(list)
    for issue in issues:
        if issue.severity == Severity.ERROR:
            found[(issue.sheet, issue.row)].append(issue)
    return found


def _python_columns(table: SheetTable) -> dict[str, list[Any]]:
    """The typed frame as plain Python values per column: Decimal, int, date, str, None."""
    out: dict[str, list[Any]] = {}
    for column in table.template.columns:
        if column.kind in SCALE and column.kind is not Kind.INTEGER:
            out[column.key] = table.decimals(column.key)
            continue
        series = table.data[column.key]
        if column.kind is Kind.INTEGER:
            values = series.astype("Int64").to_numpy(dtype=object, na_value=0).tolist()
        elif column.kind in (Kind.DATE, Kind.MONTH):
            values = list(pd.to_datetime(series).dt.date.to_numpy(dtype=object))
        else:
            values = series.astype(object).tolist()
        mask = series.isna().to_numpy()
        out[column.key] = [None if m else v for v, m in zip(values, mask, strict=True)]
    return out


def _raw_columns(table: SheetTable) -> dict[str, list[str | None]]:
    """What each of the sheet's template cells held, as text, by header (for the quarantine).

    An empty cell is None (JSON null): the text column's missing value is NaN, which `str`
    would turn into a "nan" the user never typed.
    """
    return {
        column.header: [
            None if empty else str(value)
            for value, empty in zip(
                table.raw[column.key].astype(object).tolist(),
                table.raw[column.key].isna().tolist(),
                strict=True,
            )
        ]
        for column in table.template.columns
        if table.has(column.key)
    }


#: what a quarantined row keeps of each of its findings (its sheet and row are the row's own)
HELD_ISSUE_FIELDS = (
    "code",
    "severity",
    "cell",
    "column",
    "value",
    "message",
    "message_en",
    "suggestion",
)


def _issues_json(issues: Sequence[Issue]) -> str:
    return json.dumps([i.to_dict(HELD_ISSUE_FIELDS) for i in issues], ensure_ascii=False)
