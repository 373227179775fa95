"""The queue's truth, kept in the store: sync jobs and the webhook events they cover.

The task library (huey, `sync.queue`) only carries job ids; what must happen is decided here,
from committed rows. A job is "queued" (at most one per source: a burst coalesces into it),
"running" (claimed by one worker, named in `worker`), "done", or "dead" after its last
attempt failed. A worker killed mid-sync leaves its job "running" and its events unprocessed,
since the sync and the events' `processed_at` commit together; `recover_jobs` puts such a job
back in the queue and re-derives the jobs the task library lost.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, exists, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from retaguarda.sync.store.schema import events, jobs, sources

QUEUED, RUNNING, DONE, DEAD = "queued", "running", "done", "dead"


@dataclass(frozen=True)
class Job:
    id: int
    source_id: int
    reason: str
    state: str
    attempts: int
    not_before: datetime
    last_error: str | None
    sync_run: int | None
    worker: str | None
    started_at: datetime | None


_JOB_COLUMNS = (
    jobs.c.id,
    jobs.c.source_id,
    jobs.c.reason,
    jobs.c.state,
    jobs.c.attempts,
    jobs.c.not_before,
    jobs.c.last_error,
    jobs.c.sync_run,
    jobs.c.worker,
    jobs.c.started_at,
)


#: `record_events` on PostgreSQL: the rows as one JSON array (one statement text for any
#: number of rows, so it is prepared once), and the waiting jobs of the sources whose events
#: were new held FOR SHARE by the same statement; a held source's row has no eventId
_PG_RECORD_EVENTS = f"""
WITH new AS (
    INSERT INTO events (source_id, event_id, sheet, "range", at, received_at)
    SELECT * FROM json_to_recordset(%s::json) AS given(
        source_id integer, event_id text, sheet text, "range" text,
        at timestamptz, received_at timestamptz
    )
    ON CONFLICT (source_id, event_id) DO NOTHING
    RETURNING source_id, event_id
), held AS (
    SELECT source_id FROM jobs
    WHERE state = '{QUEUED}' AND source_id IN (SELECT source_id FROM new)
    FOR SHARE
)
SELECT source_id, event_id FROM new
UNION ALL
SELECT source_id, NULL FROM held
"""


class JobOperations:
    """Mixed into `Store`: relies on its `atomic()`, `read()`, `driver()` and `dialect`."""

    atomic: Callable[..., Any]
    read: Callable[..., Any]
    driver: Callable[..., Any]
    dialect: str

    def request_sync(
        self, source_id: int, *, reason: str, at: datetime, not_before: datetime
    ) -> int | None:
        """Queue a sync of the source; the new job's id, or None when one is already waiting
        (it will read the spreadsheet after this request, so it covers it too).

        A waiting job is looked for first, a read, so that a burst of webhooks writes (and
        waits for the disk) once; the insert that follows when there is none lets the
        database refuse a second waiting job, should another process insert one meanwhile."""
        waiting = select(jobs.c.id).where(jobs.c.source_id == source_id, jobs.c.state == QUEUED)
        with self.read() as connection:
            if connection.execute(waiting.limit(1)).first() is not None:
                return None
        dialect_insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        statement = (
            dialect_insert(jobs)
            .values(
                source_id=source_id,
                reason=reason,
                state=QUEUED,
                attempts=0,
                not_before=not_before,
                enqueued_at=at,
            )
            .on_conflict_do_nothing()
            .returning(jobs.c.id)
        )
        with self.atomic() as connection:
            return connection.execute(statement).scalar()

    def record_events(self, rows: list[dict[str, Any]]) -> tuple[set[tuple[int, str]], set[int]]:
        """Commit webhooks' events (`events` rows without ids, several sources' at once, each
        (source, eventId) once) and hold the waiting job of each source they were new for
        (`hold_waiting_job`), in one transaction: the (source id, eventId) of those stored,
        the others being ones their source had already sent, and the sources whose waiting
        job was held (the others have none waiting).

        On PostgreSQL one statement through psycopg (`Store.driver`; outside a transaction it
        is one of its own), prepared once per connection whatever the number of rows: the
        webhooks run it by the thousand a second. Elsewhere an INSERT of every row and a
        SELECT per source with new events."""
        if not rows:
            return set(), set()
        if self.dialect == "postgresql":
            given = json.dumps(rows, default=datetime.isoformat)  # aware: with their offset
            with self.driver() as raw, raw.cursor() as cursor:
                cursor.execute(_PG_RECORD_EVENTS, (given,), prepare=True)
                found = cursor.fetchall()
            stored = {(source, event) for source, event in found if event is not None}
            return stored, {source for source, event in found if event is None}
        statement = (
            sqlite.insert(events)
            .on_conflict_do_nothing(index_elements=["source_id", "event_id"])
            .returning(events.c.source_id, events.c.event_id)
        )
        # rows as parameters, not .values(rows): the statement is compiled once per process
        # and SQLAlchemy sends the rows as one INSERT … VALUES (…), (…) ("insertmanyvalues")
        with self.atomic() as connection:
            stored = {(source, event) for source, event in connection.execute(statement, rows)}
            fed = {source for source, _ in stored}
            return stored, {source for source in fed if self.hold_waiting_job(source) is not None}

    def hold_waiting_job(self, source_id: int) -> int | None:
        """Inside a write transaction: the id of the source's waiting job, if one waits, held
        until the transaction ends (`FOR SHARE` on PostgreSQL; SQLite's write lock holds
        everything): a worker's `claim_job` waits for the commit, so the sync that job starts
        sees what the transaction wrote. Lets the webhooks' events, committed with it, count
        on that job instead of asking for one after their commit."""
        query = (
            select(jobs.c.id)
            .where(jobs.c.source_id == source_id, jobs.c.state == QUEUED)
            .limit(1)
            .with_for_update(read=True)
        )
        with self.atomic() as connection:
            return connection.scalar(query)

    def claim_job(self, job_id: int, *, at: datetime, worker: str) -> Job | None:
        """Take a queued job for `worker`: the job, now "running" with one more attempt; None
        when it is not queued (done, dead, or taken) or another job of its source is running
        (that one's worker hands it on when it ends, see `queued_jobs`)."""
        other = jobs.alias("other")
        busy = exists().where(other.c.source_id == jobs.c.source_id, other.c.state == RUNNING)
        statement = (
            update(jobs)
            .where(jobs.c.id == job_id, jobs.c.state == QUEUED, ~busy)
            .values(
                state=RUNNING,
                attempts=jobs.c.attempts + 1,
                started_at=at,
                worker=worker,
                last_error=None,
            )
            .returning(*_JOB_COLUMNS)
        )
        with self.atomic() as connection:
            row = connection.execute(statement).first()
        return None if row is None else Job(*row)

    def last_event(self, source_id: int) -> int:
        """The id of the source's newest event (0 for none): a sync starting now covers it."""
        with self.read() as connection:
            newest = connection.scalar(
                select(func.max(events.c.id)).where(events.c.source_id == source_id)
            )
        return newest or 0

    def process_events(self, source_id: int, *, run: int, at: datetime, covered: int) -> None:
        """The source's events up to `covered` were covered by sync run `run`. Called inside
        the sync's transaction, so they commit with the sync or not at all."""
        with self.atomic() as connection:
            connection.execute(
                update(events)
                .where(
                    events.c.source_id == source_id,
                    events.c.id <= covered,
                    events.c.processed_at.is_(None),
                )
                .values(processed_at=at, sync_run=run)
            )

    def finish_job(self, job: Job, *, run: int, at: datetime) -> None:
        """The job is done, by sync run `run` (once the sheet is marked: until then it stays
        "running", so the Drive poll does not take the marks for an edit)."""
        with self.atomic() as connection:
            connection.execute(
                update(jobs)
                .where(jobs.c.id == job.id)
                .values(state=DONE, finished_at=at, sync_run=run, last_error=None)
            )

    def fail_job(self, job: Job, *, at: datetime, error: str, retry_at: datetime | None) -> None:
        """The attempt failed with `error`: queued again for `retry_at`, or dead without one.
        A job already waiting for the source takes the retry's place (it syncs it anyway)."""
        with self.atomic() as connection:
            waiting = connection.scalar(
                select(jobs.c.id).where(jobs.c.source_id == job.source_id, jobs.c.state == QUEUED)
            )
            # a job already waiting covers the retry: this one ends there
            state = DEAD if retry_at is None else QUEUED if waiting is None else DONE
            connection.execute(
                update(jobs)
                .where(jobs.c.id == job.id)
                .values(
                    state=state,
                    finished_at=None if state == QUEUED else at,
                    not_before=retry_at or job.not_before,
                    last_error=error,
                    worker=None,
                )
            )

    def queued_jobs(self, source_id: int | None = None) -> list[Job]:
        """Jobs waiting, oldest first (of one source, or of all)."""
        query = select(*_JOB_COLUMNS).where(jobs.c.state == QUEUED).order_by(jobs.c.id)
        if source_id is not None:
            query = query.where(jobs.c.source_id == source_id)
        with self.read() as connection:
            return [Job(*row) for row in connection.execute(query)]

    def jobs(self, source_id: int | None = None) -> list[Job]:
        """Every job, oldest first (the dashboard's list, dead letters with their error)."""
        query = select(*_JOB_COLUMNS).order_by(jobs.c.id)
        if source_id is not None:
            query = query.where(jobs.c.source_id == source_id)
        with self.read() as connection:
            return [Job(*row) for row in connection.execute(query)]

    def pending_events(self, source_id: int | None = None) -> int:
        """How many events no sync has covered yet."""
        query = select(func.count()).select_from(events).where(events.c.processed_at.is_(None))
        if source_id is not None:
            query = query.where(events.c.source_id == source_id)
        with self.read() as connection:
            return connection.scalar(query) or 0

    def recover_jobs(
        self,
        *,
        at: datetime,
        abandoned: Callable[[Job], bool],
        pending_before: datetime,
    ) -> list[int]:
        """Put back in the queue what a dead worker or a lost message left behind: the ids of
        the jobs queued again or anew.

        * a "running" job whose worker is gone (`abandoned`) is queued again, its attempt
          counted (a sync that kills its worker every time ends dead, not in a loop);
        * a source with events older than `pending_before` still unprocessed and no job
          waiting or running gets a "recovery" job.
        """
        recovered: list[int] = []
        with self.atomic() as connection:
            running = [
                Job(*row)
                for row in connection.execute(select(*_JOB_COLUMNS).where(jobs.c.state == RUNNING))
            ]
            for job in filter(abandoned, running):
                if _requeue(connection, job, at):
                    recovered.append(job.id)
            busy = select(jobs.c.source_id).where(jobs.c.state.in_((QUEUED, RUNNING)))
            # what a dead job gave up on waits for a new edit (or for someone to look)
            given_up = exists().where(
                jobs.c.source_id == events.c.source_id,
                jobs.c.state == DEAD,
                jobs.c.finished_at >= events.c.received_at,
            )
            stranded = connection.execute(
                select(events.c.source_id)
                .join(sources, sources.c.id == events.c.source_id)
                .where(
                    events.c.processed_at.is_(None),
                    events.c.received_at < pending_before,
                    sources.c.removed_at.is_(None),
                    events.c.source_id.not_in(busy),
                    ~given_up,
                )
                .distinct()
            ).scalars()
            for source_id in list(stranded):
                new = connection.execute(
                    insert(jobs)
                    .values(
                        source_id=source_id,
                        reason="recovery",
                        state=QUEUED,
                        attempts=0,
                        not_before=at,
                        enqueued_at=at,
                    )
                    .returning(jobs.c.id)
                ).scalar_one()
                recovered.append(new)
        return recovered

    # --- the Drive poll ------------------------------------------------------------------

    def google_modified_times(self, kind: str) -> dict[str, tuple[int, str | None]]:
        """Spreadsheet id -> (source id, Drive modifiedTime at its last sync) of the active
        sources of `kind`."""
        query = select(sources.c.location, sources.c.id, sources.c.modified_time).where(
            sources.c.kind == kind, sources.c.removed_at.is_(None)
        )
        with self.read() as connection:
            return {location: (sid, seen) for location, sid, seen in connection.execute(query)}

    def poll_state(self, source_id: int) -> tuple[str | None, bool]:
        """The source's modifiedTime at its last sync, and whether a sync of it is running
        now (which records the time after its own writes: the poll leaves it alone)."""
        with self.read() as connection:
            seen = connection.scalar(
                select(sources.c.modified_time).where(sources.c.id == source_id)
            )
            running = connection.scalar(
                select(func.count())
                .select_from(jobs)
                .where(jobs.c.source_id == source_id, jobs.c.state == RUNNING)
            )
        return seen, bool(running)

    def set_modified_time(self, source_id: int, modified_time: str) -> None:
        with self.atomic() as connection:
            connection.execute(
                update(sources).where(sources.c.id == source_id).values(modified_time=modified_time)
            )


def _requeue(connection: Connection, job: Job, at: datetime) -> bool:
    """A running job back to "queued", unless the source already has one waiting (which
    covers it): then it is closed as done by that one."""
    waiting = connection.scalar(
        select(jobs.c.id).where(and_(jobs.c.source_id == job.source_id, jobs.c.state == QUEUED))
    )
    connection.execute(
        update(jobs)
        .where(jobs.c.id == job.id)
        .values(
            state=QUEUED if waiting is None else DONE,
            not_before=at,
            worker=None,
            finished_at=None if waiting is None else at,
            last_error="o processo que sincronizava parou no meio; sincronização repetida.",
        )
    )
    return waiting is None
