"""What the sync does to the store, as methods of `Store`: its SQL lives here, not in callers.

Sources, sync runs, and the rows of each template table with their quarantine and audit. Each
method is one transaction of its own, or part of the caller's when called inside
`with store.atomic():` (a sync is one transaction: lock, pull, merge, close the run). Rows
are named by (source, row id), the identity `sync.pull` gives them; the keyed frames
`stored_rows` and `held_rows` return are what `sync.diff.diff` compares a pull with.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import (
    Connection,
    Row,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from retaguarda.sync.diff import HELD, STORED
from retaguarda.sync.store.bulk import insert_rows
from retaguarda.sync.store.schema import (
    TEMPLATE_TABLES,
    audit,
    events,
    sheets,
    sources,
    sync_runs,
)
from retaguarda.sync.store.schema import quarantine as held_table

#: the quarantine's key: a row of one template of one source
_HELD_KEY = ("source_id", "template", "row_id")
#: the counts a sync run records
RUN_COUNTS = ("inserted", "updated", "tombstoned", "quarantined", "released", "unchanged")


@dataclass(frozen=True)
class Within:
    """The rows a sync read in part (see `sync.partial`): every row of the sheets read whole,
    and the rows of the others it read, by row id. A row outside is left as it is."""

    sheets: frozenset[str] = frozenset()
    row_ids: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.sheets or self.row_ids)

    def clause(self, table: Any) -> Any:
        return or_(table.c.sheet.in_(sorted(self.sheets)), table.c.row_id.in_(sorted(self.row_ids)))


@dataclass(frozen=True)
class WebhookKeys:
    """An active source's id and its webhooks' keys: the current one, and the one it
    replaced, still accepted until `previous_until` (`retaguarda sources rotate-secret`)."""

    source_id: int
    current: str | None
    previous: str | None
    previous_until: datetime | None

    def valid(self, at: datetime) -> list[str]:
        """The keys a webhook sent at `at` may be signed with."""
        valid = [self.current] if self.current else []
        if self.previous and self.previous_until is not None and self.previous_until > at:
            valid.append(self.previous)
        return valid


_PG_WEBHOOK_KEYS = """
SELECT location, id, webhook_secret, previous_secret, previous_secret_until
FROM sources WHERE kind = %s AND location = ANY(%s::text[]) AND removed_at IS NULL
"""


class StoreOperations:
    """The store's operations; `Store` (in `database.py`) supplies the transactions."""

    dialect: str

    def atomic(self) -> AbstractContextManager[Connection]:  # pragma: no cover - Store's
        raise NotImplementedError

    def read(self) -> AbstractContextManager[Connection]:  # pragma: no cover - Store's
        raise NotImplementedError

    def driver(self) -> AbstractContextManager[Any]:  # pragma: no cover - Store's
        raise NotImplementedError

    # --- sources -------------------------------------------------------------------------

    def insert_source(
        self, *, name: str, team: str, kind: str, location: str, at: datetime, webhook_secret: str
    ) -> int:
        """Register a source; its id.

        :param name: unique among all sources, removed ones included
        :param kind: "google", "file" or "folder"
        :param location: the spreadsheet id, or the workbook's or folder's path
        :param at: when it was added
        :param webhook_secret: the key its webhooks are signed with
        :raises sqlalchemy.exc.IntegrityError: the name is taken, or the spreadsheet is
            already an active source (the database decides: another process may have won)
        """
        with self.atomic() as connection:
            return connection.execute(
                insert(sources).values(
                    name=name,
                    team=team,
                    kind=kind,
                    location=location,
                    added_at=at,
                    webhook_secret=webhook_secret,
                )
            ).inserted_primary_key[0]

    def source_names(self) -> set[str]:
        """Every source name ever used, removed sources included."""
        with self.read() as connection:
            return set(connection.scalars(select(sources.c.name)))

    def active_source_name(self, *, kind: str, location: str) -> str | None:
        """The name of the active source reading this spreadsheet (or folder), if any."""
        with self.read() as connection:
            return connection.execute(
                select(sources.c.name).where(
                    sources.c.kind == kind,
                    sources.c.location == location,
                    sources.c.removed_at.is_(None),
                )
            ).scalar()

    def active_sources(self) -> list[Row[Any]]:
        """(id, name, team, kind, location) of every active source, in the order added."""
        with self.read() as connection:
            return list(
                connection.execute(
                    select(
                        sources.c.id,
                        sources.c.name,
                        sources.c.team,
                        sources.c.kind,
                        sources.c.location,
                    )
                    .where(sources.c.removed_at.is_(None))
                    .order_by(sources.c.id)
                )
            )

    def retire_source(self, source_id: int, *, at: datetime) -> None:
        """Stop syncing a source; its rows, quarantine and audit stay."""
        with self.atomic() as connection:
            connection.execute(
                update(sources).where(sources.c.id == source_id).values(removed_at=at)
            )

    def webhook_keys(self, kind: str, locations: Collection[str]) -> dict[str, WebhookKeys]:
        """The active sources reading these spreadsheets, by spreadsheet, with the keys their
        webhooks may be signed with; a spreadsheet no active source reads is left out. One
        statement; on PostgreSQL through psycopg (`Store.driver`: the webhooks run it by the
        thousand a second)."""
        if self.dialect == "postgresql":
            with self.driver() as raw, raw.cursor() as cursor:
                cursor.execute(_PG_WEBHOOK_KEYS, (kind, list(locations)), prepare=True)
                found = cursor.fetchall()
        else:
            with self.read() as connection:
                found = connection.execute(
                    select(
                        sources.c.location,
                        sources.c.id,
                        sources.c.webhook_secret,
                        sources.c.previous_secret,
                        sources.c.previous_secret_until,
                    ).where(
                        sources.c.kind == kind,
                        sources.c.location.in_(list(locations)),
                        sources.c.removed_at.is_(None),
                    )
                ).all()
        return {location: WebhookKeys(*keys) for location, *keys in found}

    def webhook_secrets(self, kind: str, location: str, *, at: datetime) -> tuple[int, list[str]]:
        """The active source reading this spreadsheet and the secrets its webhooks may be
        signed with at `at`: the current one, and the one it replaced while its grace lasts.

        :raises LookupError: no active source reads it
        """
        keys = self.webhook_keys(kind, [location]).get(location)
        if keys is None:
            raise LookupError(location)
        return keys.source_id, keys.valid(at)

    def replace_secret(self, source_id: int, secret: str, *, keep_old_until: datetime) -> None:
        """Sign the source's webhooks with `secret` from now on; the old secret is still
        accepted until `keep_old_until`."""
        with self.atomic() as connection:
            connection.execute(
                update(sources)
                .where(sources.c.id == source_id)
                .values(
                    previous_secret=sources.c.webhook_secret,
                    previous_secret_until=keep_old_until,
                    webhook_secret=secret,
                )
            )

    def source_secret(self, source_id: int) -> str | None:
        """The key the source's webhooks are signed with now."""
        with self.read() as connection:
            return connection.scalar(
                select(sources.c.webhook_secret).where(sources.c.id == source_id)
            )

    # --- webhook events ------------------------------------------------------------------

    def record_event(
        self,
        source_id: int,
        *,
        event_id: str,
        sheet: str,
        range_: str,
        at: datetime | None,
        received_at: datetime,
    ) -> int | None:
        """Commit a webhook's event; its id, or None when this source already sent `event_id`
        (the sender retried: the event is taken once)."""
        dialect_insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        statement = (
            dialect_insert(events)
            .values(
                source_id=source_id,
                event_id=event_id,
                sheet=sheet,
                range=range_,
                at=at,
                received_at=received_at,
            )
            .on_conflict_do_nothing(index_elements=["source_id", "event_id"])
            .returning(events.c.id)
        )
        with self.atomic() as connection:
            return connection.execute(statement).scalar()

    def pending_ranges(self, source_id: int, *, up_to: int) -> list[tuple[str, str]]:
        """(sheet, range) of the source's events not yet processed, up to event id `up_to`:
        what a sync starting now may read in part (`sync.partial`)."""
        with self.read() as connection:
            return [
                (sheet, range_)
                for sheet, range_ in connection.execute(
                    select(events.c.sheet, events.c.range)
                    .where(
                        events.c.source_id == source_id,
                        events.c.id <= up_to,
                        events.c.processed_at.is_(None),
                    )
                    .order_by(events.c.id)
                )
            ]

    # --- sync runs -----------------------------------------------------------------------

    def lock_source(self, source_id: int) -> None:
        """Hold the source until the transaction ends: a second sync of it waits here.

        `SELECT … FOR NO KEY UPDATE` on PostgreSQL (across processes and machines), not
        `FOR UPDATE`: a row inserted with a foreign key to the source (a webhook's event, a
        job) takes `FOR KEY SHARE` on it, which `FOR UPDATE` would hold back until the whole
        sync commits; the weaker lock still makes a second sync wait. On SQLite the write
        transaction's own lock, taken at `BEGIN IMMEDIATE`, already does it.
        """
        with self.atomic() as connection:
            connection.execute(
                select(sources.c.id)
                .where(sources.c.id == source_id)
                .with_for_update(key_share=True)
            )

    def start_run(self, source_id: int, *, at: datetime) -> int:
        """Record a sync run of a source, started `at` and with nothing done yet; its id."""
        with self.atomic() as connection:
            return connection.execute(
                insert(sync_runs).values(
                    source_id=source_id,
                    started_at=at,
                    finished_at=at,
                    read_only=False,
                    ids_written=0,
                    **dict.fromkeys(RUN_COUNTS, 0),
                )
            ).inserted_primary_key[0]

    def finish_run(
        self,
        run: int,
        *,
        at: datetime,
        read_only: bool,
        ids_written: int,
        counts: Mapping[str, int],
    ) -> None:
        """Close a sync run with what it did.

        :param read_only: nothing could be written back to the sheet (rows known by content)
        :param ids_written: how many new row ids were written into the sheet
        :param counts: inserted, updated, tombstoned, quarantined, released, unchanged
        """
        with self.atomic() as connection:
            connection.execute(
                update(sync_runs)
                .where(sync_runs.c.id == run)
                .values(
                    finished_at=at,
                    read_only=read_only,
                    ids_written=ids_written,
                    **{name: counts[name] for name in RUN_COUNTS},
                )
            )

    def record_sheets(self, source_id: int, sheet_ids: Mapping[str, int]) -> None:
        """Replace what the store knows of a Google source's sheets: title -> Google's id of
        the sheet (the `gid` a link to one of its cells needs)."""
        with self.atomic() as connection:
            connection.execute(delete(sheets).where(sheets.c.source_id == source_id))
            if sheet_ids:
                connection.execute(
                    insert(sheets),
                    [
                        {"source_id": source_id, "title": title, "sheet_id": sheet_id}
                        for title, sheet_id in sheet_ids.items()
                    ],
                )

    # --- template rows, quarantine, audit -------------------------------------------------

    def stored_rows(
        self, template: str, *, source_id: int, within: Within | None = None
    ) -> pd.DataFrame:
        """A source's rows of a template, live and tombstoned, keyed by row id (`diff.STORED`);
        with `within`, only those rows."""
        table = TEMPLATE_TABLES[template]
        query = select(
            table.c.row_id,
            table.c.content_hash,
            table.c.sheet,
            table.c.sheet_row,
            table.c.deleted_at.is_(None).label("alive"),
        ).where(table.c.source_id == source_id)
        if within is not None:
            query = query.where(within.clause(table))
        return self._keyed(query, STORED, "alive")

    def held_rows(
        self, template: str, *, source_id: int, within: Within | None = None
    ) -> pd.DataFrame:
        """A source's quarantined rows of a template, released ones too (`diff.HELD`); with
        `within`, only those rows."""
        query = select(
            held_table.c.row_id,
            held_table.c.content_hash,
            held_table.c.sheet,
            held_table.c.sheet_row,
            held_table.c.released_at.is_(None).label("held"),
        ).where(held_table.c.source_id == source_id, held_table.c.template == template)
        if within is not None:
            query = query.where(within.clause(held_table))
        return self._keyed(query, HELD, "held")

    def live_count(self, template: str, *, source_id: int) -> int:
        """How many of a source's rows of a template are in its sheets as last synced: live in
        the table, or held in the quarantine (a row is one or the other)."""
        table = TEMPLATE_TABLES[template]
        with self.read() as connection:
            alive = connection.scalar(
                select(func.count())
                .select_from(table)
                .where(table.c.source_id == source_id, table.c.deleted_at.is_(None))
            )
            held = connection.scalar(
                select(func.count())
                .select_from(held_table)
                .where(
                    held_table.c.source_id == source_id,
                    held_table.c.template == template,
                    held_table.c.released_at.is_(None),
                )
            )
        return int(alive or 0) + int(held or 0)

    def placed_rows(
        self,
        template: str,
        *,
        source_id: int,
        sheet: str,
        row_ids: Collection[str],
        sheet_rows: Collection[int],
    ) -> list[tuple[str, str, int]]:
        """(row id, sheet, sheet row) of a source's live or held rows of a template that have
        one of `row_ids`, or stand at one of `sheet_rows` of `sheet`, as last synced."""
        found: list[tuple[str, str, int]] = []
        table = TEMPLATE_TABLES[template]
        with self.read() as connection:
            for rows, live in (
                (table, table.c.deleted_at.is_(None)),
                (held_table, held_table.c.released_at.is_(None)),
            ):
                query = select(rows.c.row_id, rows.c.sheet, rows.c.sheet_row).where(
                    rows.c.source_id == source_id,
                    live,
                    or_(
                        rows.c.row_id.in_(sorted(row_ids)),
                        (rows.c.sheet == sheet) & rows.c.sheet_row.in_(sorted(sheet_rows)),
                    ),
                )
                if rows is held_table:
                    query = query.where(held_table.c.template == template)
                found += [tuple(row) for row in connection.execute(query)]
        return found

    def _keyed(self, query: Any, columns: Sequence[str], flag: str) -> pd.DataFrame:
        with self.read() as connection:
            rows = connection.execute(query).all()
        names = ["row_id", *columns]
        values = list(zip(*rows, strict=True)) if rows else [()] * len(names)
        frame = pd.DataFrame(
            {
                name: np.array(column, dtype=object)
                for name, column in zip(names, values, strict=True)
            }
        )
        frame[flag] = frame[flag].astype(bool)
        return frame.set_index(pd.Index(frame.pop("row_id"), dtype=object))

    def insert_rows(self, template: str, rows: Sequence[dict[str, Any]]) -> None:
        """Add new rows to a template's table (every row holds the same keys: lineage and the
        template's columns); many rows go in through COPY or the driver's executemany."""
        with self.atomic() as connection:
            insert_rows(connection, TEMPLATE_TABLES[template], rows)

    def update_rows(self, template: str, rows: Sequence[dict[str, Any]], *, source_id: int) -> None:
        """Set columns of existing rows of a source, each named by its ``row_id`` key (every
        row holds the same keys: the columns to set), in one executemany."""
        table = TEMPLATE_TABLES[template]
        self._update(
            update(table).where(
                table.c.source_id == bindparam("b_source_id"),
                table.c.row_id == bindparam("b_row_id"),
            ),
            rows,
            source_id,
        )

    def tombstone(
        self, template: str, row_ids: Collection[str], *, source_id: int, run: int, at: datetime
    ) -> None:
        """Mark rows as gone from their sheet (never deleted: they may come back)."""
        rows = [{"row_id": r, "deleted_at": at, "deleted_run": run} for r in row_ids]
        self.update_rows(template, rows, source_id=source_id)

    def quarantine(self, template: str, rows: Sequence[dict[str, Any]], *, source_id: int) -> None:
        """Hold rows that failed validation, or hold them again with their new cells.

        Each row holds ``row_id``, ``team``, ``sheet``, ``sheet_row``, ``content_hash``,
        ``raw`` and ``issues`` (JSON text), ``first_seen``, ``last_changed``, ``sync_run``. A
        row held before keeps its ``first_seen`` and is no longer released.
        """
        if not rows:
            return
        dialect_insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        statement = dialect_insert(held_table)
        kept = {*_HELD_KEY, "first_seen"}
        statement = statement.on_conflict_do_update(
            index_elements=list(_HELD_KEY),
            set_={
                **{name: statement.excluded[name] for name in rows[0] if name not in kept},
                "released_at": None,
                "released_run": None,
            },
        )
        values = [
            {**row, "source_id": source_id, "template": template, "released_at": None}
            for row in rows
        ]
        with self.atomic() as connection:
            connection.execute(statement, values)

    def update_held(self, template: str, rows: Sequence[dict[str, Any]], *, source_id: int) -> None:
        """Set columns of quarantined rows (a held row moved in its sheet), by ``row_id``."""
        self._update(
            update(held_table).where(
                held_table.c.source_id == bindparam("b_source_id"),
                held_table.c.template == template,
                held_table.c.row_id == bindparam("b_row_id"),
            ),
            rows,
            source_id,
        )

    def release(
        self, template: str, row_ids: Collection[str], *, source_id: int, run: int, at: datetime
    ) -> None:
        """Let quarantined rows go: fixed in the sheet, or removed from it."""
        rows = [{"row_id": r, "released_at": at, "released_run": run} for r in row_ids]
        self.update_held(template, rows, source_id=source_id)

    def add_audit(
        self,
        template: str,
        entries: Sequence[dict[str, Any]],
        *,
        source_id: int,
        run: int,
        at: datetime,
    ) -> None:
        """Record changes of rows: each entry holds ``row_id``, ``action`` (insert, update,
        tombstone, quarantine, release), ``before_hash`` and ``after_hash``."""
        common = {"sync_run": run, "source_id": source_id, "template": template, "at": at}
        with self.atomic() as connection:
            insert_rows(connection, audit, [{**common, **entry} for entry in entries])

    def _update(self, statement: Any, rows: Sequence[dict[str, Any]], source_id: int) -> None:
        if not rows:
            return
        values = [
            {"b_source_id": source_id, "b_row_id": row["row_id"]}
            | {name: value for name, value in row.items() if name != "row_id"}
            for row in rows
        ]
        with self.atomic() as connection:
            connection.execute(statement, values)
