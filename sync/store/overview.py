"""What the service shows of the store (the JSON API and the dashboard), as methods of `Store`.

Every query takes `teams`: the teams the reader may see (None: every team), so that a
`leitura` user of one team never gets another team's rows, whatever page they ask for. Pages
are `limit` rows from `offset`, newest first where rows have a time; each method returns plain
values (Decimal, date, datetime, str), which the API and the pages render.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import Connection, Select, func, select

from retaguarda.sync.store.operations import RUN_COUNTS
from retaguarda.sync.store.schema import (
    TEMPLATE_TABLES,
    events,
    jobs,
    quarantine,
    sheets,
    sources,
    sync_runs,
)
from retaguarda.templates.catalog import TEMPLATES

Teams = Collection[str] | None


class OverviewOperations:
    """The store's read side for people; `Store` supplies the transactions."""

    def read(self) -> AbstractContextManager[Connection]:  # pragma: no cover - Store's
        raise NotImplementedError

    def sources_overview(self, *, teams: Teams = None) -> list[dict[str, Any]]:
        """Every active source with its last sync run, the events not yet synced, the rows
        held, and its last job's state (a dead job's error included)."""
        last_run = (
            select(sync_runs.c.source_id, func.max(sync_runs.c.id).label("run"))
            .group_by(sync_runs.c.source_id)
            .subquery()
        )
        last_job = (
            select(jobs.c.source_id, func.max(jobs.c.id).label("job"))
            .group_by(jobs.c.source_id)
            .subquery()
        )
        pending = (
            select(events.c.source_id, func.count().label("pending"))
            .where(events.c.processed_at.is_(None))
            .group_by(events.c.source_id)
            .subquery()
        )
        held = (
            select(quarantine.c.source_id, func.count().label("held"))
            .where(quarantine.c.released_at.is_(None))
            .group_by(quarantine.c.source_id)
            .subquery()
        )
        query = (
            select(
                sources.c.id,
                sources.c.name,
                sources.c.team,
                sources.c.kind,
                sources.c.location,
                sync_runs.c.finished_at.label("last_sync"),
                *(sync_runs.c[name] for name in RUN_COUNTS),
                func.coalesce(pending.c.pending, 0).label("pending_events"),
                func.coalesce(held.c.held, 0).label("held_rows"),
                jobs.c.state.label("job_state"),
                jobs.c.last_error.label("job_error"),
            )
            .select_from(sources)
            .outerjoin(last_run, last_run.c.source_id == sources.c.id)
            .outerjoin(sync_runs, sync_runs.c.id == last_run.c.run)
            .outerjoin(last_job, last_job.c.source_id == sources.c.id)
            .outerjoin(jobs, jobs.c.id == last_job.c.job)
            .outerjoin(pending, pending.c.source_id == sources.c.id)
            .outerjoin(held, held.c.source_id == sources.c.id)
            .where(sources.c.removed_at.is_(None))
            .order_by(sources.c.team, sources.c.name)
        )
        return self._records(_scoped(query, sources.c.team, teams))

    def runs_page(
        self, *, teams: Teams = None, source: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[dict[str, Any]]:
        """Sync runs, newest first; of one source (by name) when given."""
        query = (
            select(
                sync_runs.c.id,
                sources.c.name.label("source"),
                sources.c.team,
                sync_runs.c.started_at,
                sync_runs.c.finished_at,
                *(sync_runs.c[name] for name in RUN_COUNTS),
                sync_runs.c.ids_written,
                sync_runs.c.read_only,
            )
            .join(sources, sources.c.id == sync_runs.c.source_id)
            .order_by(sync_runs.c.id.desc())
        )
        if source is not None:
            query = query.where(sources.c.name == source)
        return self._records(_scoped(query, sources.c.team, teams).limit(limit).offset(offset))

    def events_page(
        self, *, teams: Teams = None, pending: bool | None = None, limit: int = 50, offset: int = 0
    ) -> list[dict[str, Any]]:
        """Webhook events, newest first; only those not yet synced with `pending=True`."""
        query = (
            select(
                events.c.id,
                sources.c.name.label("source"),
                sources.c.team,
                events.c.event_id,
                events.c.sheet,
                events.c.range,
                events.c.at,
                events.c.received_at,
                events.c.processed_at,
                events.c.sync_run,
            )
            .join(sources, sources.c.id == events.c.source_id)
            .order_by(events.c.id.desc())
        )
        if pending is not None:
            done = events.c.processed_at
            query = query.where(done.is_(None) if pending else done.is_not(None))
        return self._records(_scoped(query, sources.c.team, teams).limit(limit).offset(offset))

    def jobs_page(
        self, *, teams: Teams = None, state: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[dict[str, Any]]:
        """The queue's jobs, newest first; `state="dead"` gives the dead letters."""
        query = (
            select(
                jobs.c.id,
                sources.c.name.label("source"),
                sources.c.team,
                jobs.c.reason,
                jobs.c.state,
                jobs.c.attempts,
                jobs.c.enqueued_at,
                jobs.c.started_at,
                jobs.c.finished_at,
                jobs.c.last_error,
                jobs.c.sync_run,
            )
            .join(sources, sources.c.id == jobs.c.source_id)
            .order_by(jobs.c.id.desc())
        )
        if state is not None:
            query = query.where(jobs.c.state == state)
        return self._records(_scoped(query, sources.c.team, teams).limit(limit).offset(offset))

    def held_page(
        self,
        *,
        teams: Teams = None,
        template: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """Rows held in quarantine now, with their cells and issues (decoded), by team, sheet
        and row."""
        query = (
            select(
                quarantine.c.id,
                sources.c.name.label("source"),
                quarantine.c.source_id,
                sources.c.kind.label("source_kind"),
                sources.c.location.label("source_location"),
                quarantine.c.team,
                quarantine.c.template,
                quarantine.c.sheet,
                quarantine.c.sheet_row,
                quarantine.c.row_id,
                quarantine.c.raw,
                quarantine.c.issues,
                quarantine.c.first_seen,
                quarantine.c.last_changed,
            )
            .join(sources, sources.c.id == quarantine.c.source_id)
            .where(quarantine.c.released_at.is_(None))
            .order_by(quarantine.c.team, quarantine.c.sheet, quarantine.c.sheet_row)
        )
        if template is not None:
            query = query.where(quarantine.c.template == template)
        records = self._records(
            _scoped(query, quarantine.c.team, teams).limit(limit).offset(offset)
        )
        for record in records:
            record["raw"] = json.loads(record["raw"])
            record["issues"] = json.loads(record["issues"])
        return records

    def sheet_ids(self, *, teams: Teams = None) -> dict[tuple[int, str], int]:
        """Google's id of each sheet of the visible Google sources, by (source id, title), as
        their last sync found them: what a link to a cell needs besides the spreadsheet."""
        query = select(sheets.c.source_id, sheets.c.title, sheets.c.sheet_id).join(
            sources, sources.c.id == sheets.c.source_id
        )
        with self.read() as connection:
            return {
                (source_id, title): sheet_id
                for source_id, title, sheet_id in connection.execute(
                    _scoped(query, sources.c.team, teams)
                )
            }

    def table_page(
        self, template: str, *, teams: Teams = None, limit: int = 100, offset: int = 0
    ) -> tuple[list[str], list[dict[str, Any]], int]:
        """A template's consolidated live rows (every team's, or the visible ones), in the
        order they came: (its columns, the page's rows, how many rows in all).

        :raises KeyError: no such template
        """
        table = TEMPLATE_TABLES[template]
        keys = [c.key for c in TEMPLATES[template].columns]
        lineage = [table.c.team, table.c.sheet, table.c.sheet_row, table.c.row_id]
        live = table.c.deleted_at.is_(None)
        query = select(*lineage, *(table.c[k] for k in keys)).where(live).order_by(table.c.id)
        count = _scoped(select(func.count()).select_from(table).where(live), table.c.team, teams)
        with self.read() as connection:
            total = connection.scalar(count) or 0
        rows = self._records(_scoped(query, table.c.team, teams).limit(limit).offset(offset))
        return ["team", "sheet", "sheet_row", "row_id", *keys], rows, total

    def _records(self, query: Select[Any]) -> list[dict[str, Any]]:
        with self.read() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]


def _scoped(query: Select[Any], team: Any, teams: Teams) -> Select[Any]:
    return query if teams is None else query.where(team.in_(list(teams)))
