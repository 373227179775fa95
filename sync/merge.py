"""Merging one pulled source into the store: insert, update, tombstone, quarantine, release.

Rows are matched by identity (source, row id) and compared by content hash, so a second run
over an unchanged sheet writes nothing and adds no audit row. A row with an error is
quarantined with its raw cells and issues, and leaves the template table (tombstoned there if
it was in it) until the sheet is fixed, when it is released and comes back. A row gone from
the sheet is tombstoned, never deleted. Every change is one audit row (before/after hash).

Writes are batched (one executemany per kind of change and table); the caller holds the
transaction, so a merge is all or nothing.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Table, bindparam, insert, select, update

from retaguarda.sync.pull import Pulled
from retaguarda.sync.sources import Source
from retaguarda.sync.store.bulk import insert_rows
from retaguarda.sync.store.schema import TEMPLATE_TABLES, audit, quarantine
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


@dataclass
class _Changes:
    """The writes of one template, collected first and executed in batches."""

    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    moves: list[dict[str, Any]] = field(default_factory=list)
    tombstones: list[dict[str, Any]] = field(default_factory=list)
    quarantine_new: list[dict[str, Any]] = field(default_factory=list)
    quarantine_update: list[dict[str, Any]] = field(default_factory=list)
    quarantine_moves: list[dict[str, Any]] = field(default_factory=list)
    releases: list[dict[str, Any]] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)


def merge(
    connection: Connection,
    source: Source,
    run_id: int,
    pulled: Pulled,
    issues: Sequence[Issue],
    now: datetime,
) -> Counts:
    """Bring the store's rows of `source` to what `pulled` holds; returns what changed."""
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
    for template_id, table in TEMPLATE_TABLES.items():
        changes = _Changes()
        _diff(
            connection,
            table,
            source,
            run_id,
            now,
            [
                (pulled.tables[i], pulled.ids[i], pulled.hashes[i])
                for i in positions.get(template_id, [])
            ],
            errors,
            changes,
            counts,
        )
        _write(connection, table, changes)
    return counts


def _diff(
    connection: Connection,
    table: Table,
    source: Source,
    run_id: int,
    now: datetime,
    sheets: list[tuple[SheetTable, np.ndarray, np.ndarray]],
    errors: dict[tuple[str, int | None], list[Issue]],
    changes: _Changes,
    counts: Counts,
) -> None:
    template_id = table.name
    stored = {
        row.row_id: row
        for row in connection.execute(
            select(
                table.c.id,
                table.c.row_id,
                table.c.content_hash,
                table.c.deleted_at,
                table.c.sheet,
                table.c.sheet_row,
            ).where(table.c.source_id == source.id)
        )
    }
    held = {
        row.row_id: row
        for row in connection.execute(
            select(
                quarantine.c.id,
                quarantine.c.row_id,
                quarantine.c.content_hash,
                quarantine.c.released_at,
                quarantine.c.sheet,
                quarantine.c.sheet_row,
            ).where(quarantine.c.source_id == source.id, quarantine.c.template == template_id)
        )
    }
    lineage = {"source_id": source.id, "team": source.team, "sync_run": run_id}

    def log(row_id: str, action: str, before: str | None, after: str | None) -> None:
        changes.audit.append(
            {
                "sync_run": run_id,
                "source_id": source.id,
                "template": template_id,
                "row_id": row_id,
                "action": action,
                "before_hash": before,
                "after_hash": after,
                "at": now,
            }
        )

    seen: set[str] = set()
    for sheet_table, ids, hashes in sheets:
        values = _python_columns(sheet_table)
        raw: dict[str, list[str | None]] | None = None  # taken when a row is quarantined
        sheet_errors = errors.get((sheet_table.sheet, None), [])
        for i, (row_id, content, sheet_row) in enumerate(
            zip(ids.tolist(), hashes.tolist(), sheet_table.rows.tolist(), strict=True)
        ):
            seen.add(row_id)
            found = sheet_errors + errors.get((sheet_table.sheet, sheet_row), [])
            place = {"sheet": sheet_table.sheet, "sheet_row": sheet_row}
            old = stored.get(row_id)
            alive = old is not None and old.deleted_at is None
            kept = held.get(row_id)
            quarantined = kept is not None and kept.released_at is None
            if found:
                if quarantined and kept.content_hash == content:
                    counts.unchanged += 1
                    if (kept.sheet, kept.sheet_row) != (place["sheet"], place["sheet_row"]):
                        changes.quarantine_moves.append({"b_id": kept.id, **place})
                else:
                    raw = raw if raw is not None else _raw_columns(sheet_table)
                    record = {
                        **place,
                        "team": source.team,
                        "content_hash": content,
                        "raw": json.dumps(
                            {header: cells[i] for header, cells in raw.items()},
                            ensure_ascii=False,
                        ),
                        "issues": _issues_json(found),
                        "last_changed": now,
                        "sync_run": run_id,
                        "released_at": None,
                        "released_run": None,
                    }
                    if kept is None:
                        changes.quarantine_new.append(
                            {
                                **record,
                                "source_id": source.id,
                                "template": template_id,
                                "row_id": row_id,
                                "first_seen": now,
                            }
                        )
                    else:
                        changes.quarantine_update.append({"b_id": kept.id, **record})
                    before = (
                        kept.content_hash if quarantined else (old.content_hash if alive else None)
                    )
                    log(row_id, "quarantine", before, content)
                    counts.quarantined += 1
                if alive:
                    changes.tombstones.append(
                        {"b_id": old.id, "deleted_at": now, "deleted_run": run_id}
                    )
                    log(row_id, "tombstone", old.content_hash, None)
                    counts.tombstoned += 1
                continue
            if quarantined:
                changes.releases.append(
                    {"b_id": kept.id, "released_at": now, "released_run": run_id}
                )
                log(row_id, "release", kept.content_hash, content)
                counts.released += 1
            row = {key: column[i] for key, column in values.items()}
            if old is None:
                changes.inserts.append(
                    {
                        **lineage,
                        **place,
                        **row,
                        "row_id": row_id,
                        "content_hash": content,
                        "first_seen": now,
                        "last_changed": now,
                        "deleted_at": None,
                        "deleted_run": None,
                    }
                )
                log(row_id, "insert", None, content)
                counts.inserted += 1
            elif not alive or old.content_hash != content:
                changes.updates.append(
                    {
                        "b_id": old.id,
                        **place,
                        **row,
                        "team": source.team,
                        "content_hash": content,
                        "last_changed": now,
                        "sync_run": run_id,
                        "deleted_at": None,
                        "deleted_run": None,
                    }
                )
                log(row_id, "update", old.content_hash if alive else None, content)
                counts.updated += 1
            else:
                counts.unchanged += 1
                if (old.sheet, old.sheet_row) != (place["sheet"], place["sheet_row"]):
                    changes.moves.append({"b_id": old.id, **place})

    for row_id, old in stored.items():
        if row_id not in seen and old.deleted_at is None:
            changes.tombstones.append({"b_id": old.id, "deleted_at": now, "deleted_run": run_id})
            log(row_id, "tombstone", old.content_hash, None)
            counts.tombstoned += 1
    for row_id, kept in held.items():
        if row_id not in seen and kept.released_at is None:
            changes.releases.append({"b_id": kept.id, "released_at": now, "released_run": run_id})
            log(row_id, "release", kept.content_hash, None)
            counts.released += 1


def _write(connection: Connection, table: Table, changes: _Changes) -> None:
    """Every collected change, one executemany per kind (nothing at all when nothing changed)."""
    by_id = table.c.id == bindparam("b_id")
    by_quarantine_id = quarantine.c.id == bindparam("b_id")
    insert_rows(connection, table, changes.inserts)
    batches: Iterable[tuple[Any, list[dict[str, Any]]]] = (
        (update(table).where(by_id), changes.updates),
        (update(table).where(by_id), changes.moves),
        (update(table).where(by_id), changes.tombstones),
        (insert(quarantine), changes.quarantine_new),
        (update(quarantine).where(by_quarantine_id), changes.quarantine_update),
        (update(quarantine).where(by_quarantine_id), changes.quarantine_moves),
        (update(quarantine).where(by_quarantine_id), changes.releases),
    )
    for statement, rows in batches:
        if rows:
            connection.execute(statement, rows)
    insert_rows(connection, audit, changes.audit)


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


def _issues_json(issues: Sequence[Issue]) -> str:
    return json.dumps(
        [
            {
                "code": issue.code,
                "severity": str(issue.severity),
                "cell": issue.cell,
                "column": issue.column,
                "value": issue.value,
                "message": issue.message,
                "message_en": issue.message_en,
                "suggestion": issue.suggestion,
            }
            for issue in issues
        ],
        ensure_ascii=False,
    )
