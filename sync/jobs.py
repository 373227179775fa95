"""One sync job, run by whichever worker the task library hands it to.

The job is claimed in the store (so two workers never run it, nor two jobs of one source),
the source is synced and, in the sync's own transaction, the webhook events it covered are
marked processed: a worker killed half-way leaves both as they were, for the recovery to find.
The job is marked done once the sheet is marked and its Drive modifiedTime kept (a worker
killed in between leaves it "running": the recovery syncs it once more, finding nothing new).

A job the webhooks asked for reads and merges only the rows their pending events name, where
`sync.partial` finds that gives what a whole sync would (an edit of a 100,000-row sheet then
takes a second, not seven). Such a sync keeps no modifiedTime and writes no marks: the Drive
poll's next cycle syncs the whole spreadsheet, marks it, and finds what changed without an
event.

A failure Google or the network may get over (429, 5xx, a dropped connection, the store
briefly away) is tried again after an exponential backoff with full
jitter, persisted as the job's `not_before`; after `max_attempts`, or at once for a failure
that will not pass by waiting (a spreadsheet not shared, a missing key), the job is dead and
keeps its error for the dashboard.
"""

from __future__ import annotations

import logging
import os
import random
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import gspread
import requests
from sqlalchemy.exc import OperationalError

from retaguarda.sync.extensions import Clock, utc_now
from retaguarda.sync.partial import named_rows
from retaguarda.sync.runner import GooglePull, sync_source
from retaguarda.sync.settings import Settings
from retaguarda.sync.sources import GOOGLE, Source, list_sources
from retaguarda.sync.store.database import Store
from retaguarda.sync.store.jobs import DEAD, DONE, QUEUED, Job

logger = logging.getLogger(__name__)

#: answers worth waiting for: Google's quota, its passing failures, a slow proxy
TRANSIENT_CODES = frozenset({408, 429, 500, 502, 503, 504})
#: this process, as jobs name the worker that runs them
WORKER = f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Backoff:
    """The wait before attempt n+1: drawn below min(cap, base·2ⁿ⁻¹) seconds (full jitter)."""

    base: float
    cap: float
    draw: Callable[[float, float], float] = random.uniform

    def delay(self, attempts: int) -> float:
        return self.draw(0, min(self.cap, self.base * 2 ** max(attempts - 1, 0)))


@dataclass(frozen=True)
class Outcome:
    """What became of an attempt: the job's state after it, and when it runs again."""

    job: Job
    state: str
    retry_in: float | None = None


def transient(error: BaseException) -> bool:
    """Whether waiting may cure `error`: a 429/5xx from Google (or the emulator), a network
    failure, or the store unreachable, found anywhere in its chain of causes."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, gspread.exceptions.APIError) and seen.code in TRANSIENT_CODES:
            return True
        if isinstance(seen, requests.ConnectionError | requests.Timeout | OperationalError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


@dataclass
class JobRunner:
    """Runs jobs against one store; `google` reads Google sources (no retries of its own:
    the queue's backoff is the one), `modified_time` tells Drive's modifiedTime of a
    spreadsheet after its sync, so the poll does not take the service's own marks for an
    edit."""

    store: Store
    settings: Settings
    google: Callable[[], GooglePull | None] = lambda: None
    modified_time: Callable[[str], str] | None = None
    clock: Clock = utc_now
    worker: str = WORKER
    backoff: Backoff = field(init=False)

    def __post_init__(self) -> None:
        self.backoff = Backoff(self.settings.retry_base, self.settings.retry_cap)

    def run(self, job_id: int) -> Outcome | None:
        """Claim and run one job; None when it was not this worker's to run."""
        job = self.store.claim_job(job_id, at=self.clock(), worker=self.worker)
        if job is None:
            return None
        source = next((s for s in list_sources(self.store) if s.id == job.source_id), None)
        try:
            if source is None:
                raise LookupError("a fonte foi removida; nada a sincronizar.")
            covered = self.store.last_event(source.id)
            pull = self.google() if source.kind == GOOGLE else None
            rows = None
            if pull is not None and job.reason == "webhook":
                rows = named_rows(self.store.pending_ranges(source.id, up_to=covered))
            result = sync_source(
                self.store,
                source,
                self.settings.options(),
                google=pull,
                within=lambda run: self.store.process_events(
                    source.id, run=run, at=self.clock(), covered=covered
                ),
                rows=rows,
            )
        except Exception as error:
            return self._failed(job, error)
        if result.marks_error:  # the sync is in; the marks wait for the next one
            logger.warning("%s: %s", source.name, result.marks_error)
        if not result.partial:  # after a partial sync the Drive poll syncs it whole
            self._remember_modified(source)
        self.store.finish_job(job, run=result.run, at=self.clock())
        logger.info("%s sincronizada (tarefa %s, execução %s)", source.name, job.id, result.run)
        return Outcome(job, DONE)

    def _failed(self, job: Job, error: Exception) -> Outcome:
        reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        retry_in = None
        if transient(error) and job.attempts < self.settings.max_attempts:
            retry_in = self.backoff.delay(job.attempts)
        retry_at = None if retry_in is None else self.clock() + timedelta(seconds=retry_in)
        self.store.fail_job(job, at=self.clock(), error=reason, retry_at=retry_at)
        if retry_in is None:
            logger.error("tarefa %s morta após %s tentativa(s): %s", job.id, job.attempts, reason)
            return Outcome(job, DEAD)
        logger.warning("tarefa %s falhou (%s); nova tentativa em %.1f s", job.id, reason, retry_in)
        return Outcome(job, QUEUED, retry_in)

    def _remember_modified(self, source: Source) -> None:
        """Drive's modifiedTime after the sync's own writes (ids, marks): the poll does not
        take them for an edit. Kept after the sync's commit; a worker stopped in between
        costs one more sync of an unchanged sheet."""
        if source.kind != GOOGLE or self.modified_time is None:
            return
        try:
            self.store.set_modified_time(source.id, self.modified_time(source.location))
        except Exception as error:  # the next poll syncs it once more: harmless
            logger.warning("modifiedTime de %s não lido: %s", source.name, error)

    def abandoned(self, job: Job, now: datetime) -> bool:
        """Whether a "running" job's worker is gone: a process of this machine that no
        longer exists, or a run longer than `job_timeout` (another machine's, lost)."""
        host, _, pid = (job.worker or "").rpartition(":")
        if host == socket.gethostname() and pid.isdigit() and not _alive(int(pid)):
            return True
        started = job.started_at
        if started is None:
            return True
        return now - started > timedelta(seconds=self.settings.job_timeout)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True
