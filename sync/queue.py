"""The sync queue: huey carries the job ids; the store holds the truth (`sync.store.jobs`).

Why huey (see docs/deploy.md): one small, maintained library with an embedded storage on a
SQLite file (nothing to install, runs on Windows, worker threads inside `retaguarda serve`)
and Redis storage at scale (`retaguarda worker` processes on other machines), the same code on
both. Whatever it loses (a message in a killed process, a flushed Redis) is re-derived from the
store by the recovery, which every worker runs at its start and every `recovery_interval`
seconds; the Drive poll runs there too, once per cycle among all the workers.

`notify(source_id)` (the webhook's doorbell) queues at most one waiting sync per source: the
job is a row first (the database refuses a second waiting one), a huey message second, due
after `debounce` seconds, so a burst of edits becomes one sync.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from huey import RedisHuey, SqliteHuey
from huey.api import Huey, TaskWrapper
from huey.consumer import Consumer
from sqlalchemy import make_url

from retaguarda.sync.extensions import Clock, utc_now
from retaguarda.sync.jobs import JobRunner
from retaguarda.sync.poll import DriveFiles, drive_files, poll_drive
from retaguarda.sync.runner import GooglePull
from retaguarda.sync.settings import Settings
from retaguarda.sync.store.database import DEFAULT_URL, Store
from retaguarda.sync.store.jobs import DEAD, DONE, QUEUED

logger = logging.getLogger(__name__)

#: how often an idle worker looks for work at most, in seconds (the edit-to-store delay)
IDLE_POLL = 0.5


def queue_storage(settings: Settings) -> Huey:
    """huey on Redis for a `redis://` queue URL, else on a SQLite file: the URL's, or
    `queue.db` beside a SQLite store (`data/queue.db` beside a PostgreSQL one)."""
    url = settings.queue_url
    if url and url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(settings.queue_name, url=url, results=False)
    if url:
        filename = make_url(url).database
        if not filename:
            raise ValueError(f"RETAGUARDA_QUEUE_URL sem arquivo: {url}")
        path = Path(filename)
    else:
        store = make_url(settings.database_url or DEFAULT_URL)
        folder = (
            Path(store.database).parent
            if store.get_backend_name() == "sqlite" and store.database
            else Path("data")
        )
        path = folder / "queue.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(settings.queue_name, filename=str(path), results=False)


class SyncQueue:
    """The queue of one process: what the webhook tells it and what its workers run.

    Everything is made on first use: an app that never receives a webhook opens nothing.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock = utc_now,
        store: Callable[[], Store] | None = None,
    ) -> None:
        """`store` opens the store (the app's own, so that one process migrates it once);
        by default the settings' database is opened on first use."""
        self.settings = settings
        self.clock = clock
        self._open_store = store or (lambda: Store.open(settings.database_url))
        self._store: Store | None = None
        self._huey: Huey | None = None
        self._task: TaskWrapper | None = None
        self._runner: JobRunner | None = None
        self._google: GooglePull | None = None
        self._drive: DriveFiles | None = None
        self._lock = threading.RLock()
        self.stopping = threading.Event()

    # --- made on first use ---------------------------------------------------------------

    @property
    def store(self) -> Store:
        with self._lock:
            if self._store is None:
                self._store = self._open_store()
            return self._store

    @property
    def huey(self) -> Huey:
        with self._lock:
            if self._huey is None:
                self._huey = queue_storage(self.settings)
                self._task = self._huey.task(name="sync_job")(self._run)
            return self._huey

    @property
    def runner(self) -> JobRunner:
        with self._lock:
            if self._runner is None:
                self._runner = JobRunner(
                    self.store,
                    self.settings,
                    google=self._google_pull,
                    modified_time=self._modified_time,
                    clock=self.clock,
                )
            return self._runner

    def _google_pull(self) -> GooglePull:
        """Google sources read with no retries of the pull's own: the queue's backoff, kept
        in the store, is the one (a worker is not held asleep through it). It takes the
        `partial=` of `sync.partial`, so a webhook's job reads only the rows its events name."""
        with self._lock:
            if self._google is None:
                from retaguarda.sync.google_api import gspread_client
                from retaguarda.sync.google_source import Retry, google_pull, pull_google

                google_pull(self.settings)  # raises GoogleError, in Portuguese, without a key
                client = gspread_client(
                    self.settings.google_credentials,  # type: ignore[arg-type]
                    self.settings.google_api_url,
                )
                once, write_back = Retry(attempts=1), self.settings.write_back
                self._google = lambda spreadsheet, partial=None: pull_google(
                    client, spreadsheet, once, write_back=write_back, partial=partial
                )
            return self._google

    def _drive_files(self) -> DriveFiles | None:
        with self._lock:
            if self._drive is None:
                self._drive = drive_files(self.settings)
            return self._drive

    def _modified_time(self, spreadsheet: str) -> str:
        drive = self._drive_files()
        if drive is None:
            raise LookupError("sem chave da conta de serviço")
        return drive.modified_time(spreadsheet)

    # --- producing -----------------------------------------------------------------------

    def notify(self, source_id: int) -> None:
        """A webhook's events for the source are committed: sync it after the debounce."""
        self.request(source_id, "webhook")

    def request(self, source_id: int, reason: str) -> int | None:
        """Queue a sync of the source (none if one is already waiting); the new job's id.

        A message huey cannot take (Redis down) is left to the recovery, which finds the
        job's row: the webhook that asked is answered 202 all the same."""
        now = self.clock()
        delay = self.settings.debounce
        job = self.store.request_sync(
            source_id, reason=reason, at=now, not_before=now + timedelta(seconds=delay)
        )
        if job is not None:
            self._send(job, delay)
        return job

    def _send(self, job_id: int, delay: float) -> None:
        try:
            self.enqueue(job_id, delay)
        except Exception:  # the row is committed: the recovery sends it later
            logger.exception("fila indisponível; a tarefa %s sai na próxima recuperação", job_id)

    def enqueue(self, job_id: int, delay: float = 0.0) -> None:
        self.huey  # noqa: B018 - registers the task
        assert self._task is not None
        if delay > 0:
            self._task.schedule((job_id,), delay=delay)
        else:
            self._task(job_id)

    # --- consuming -----------------------------------------------------------------------

    def _run(self, job_id: int) -> None:
        """The huey task: run the job; then hand on what it leaves to do."""
        outcome = self.runner.run(job_id)
        if outcome is None:
            return
        if outcome.state == QUEUED and outcome.retry_in is not None:
            self.enqueue(job_id, outcome.retry_in)
        if outcome.state in (DONE, DEAD):
            # a job of this source skipped while this one ran waits for this hand-on
            now = self.clock()
            for waiting in self.store.queued_jobs(outcome.job.source_id):
                self.enqueue(waiting.id, max((waiting.not_before - now).total_seconds(), 0))

    def recover(self, *, everything: bool = False) -> list[int]:
        """Re-derive the queue from the store: jobs a dead worker left running, sources with
        events no job covers, and queued jobs whose message is overdue (all queued jobs with
        `everything`, as at a worker's start); the ids sent to huey."""
        now = self.clock()
        after = timedelta(seconds=self.settings.recovery_after)
        revived = self.store.recover_jobs(
            at=now,
            abandoned=lambda job: self.runner.abandoned(job, now),
            pending_before=now - after,
        )
        sent = []
        for job in self.store.queued_jobs():
            not_before = job.not_before
            if everything or job.id in revived or not_before < now - after:
                self.enqueue(job.id, max((not_before - now).total_seconds(), 0))
                sent.append(job.id)
        if sent:
            logger.info("recuperação: %s tarefa(s) de volta à fila", len(sent))
        return sent

    def poll(self) -> list[int]:
        """One Drive cycle (see `sync.poll`); the ids of the jobs it queued."""
        drive = self._drive_files()
        if drive is None:
            return []
        now = self.clock()
        delay = self.settings.debounce
        queued = poll_drive(
            self.store,
            drive.modified_times,
            at=now,
            not_before=now + timedelta(seconds=delay),
        )
        for job in queued:
            self.enqueue(job, delay)
        return queued

    def consumer(self, workers: int | None = None, *, embedded: bool = False) -> Consumer:
        """huey's consumer with `workers` threads (the setting by default); `embedded` for
        one inside another program (`serve`), which keeps its own signal handlers."""
        kind = _EmbeddedConsumer if embedded else Consumer
        return kind(
            self.huey,
            workers=workers or self.settings.workers,
            worker_type="thread",
            periodic=False,
            initial_delay=0.05,
            max_delay=IDLE_POLL,
            check_worker_health=not embedded,
        )

    def start_embedded(self) -> Callable[[], None]:
        """The workers and the housekeeping as threads of this process (`retaguarda serve`);
        the function that stops them, letting a running sync finish."""
        consumer = self.consumer(embedded=True)
        consumer.start()
        self.housekeeping()

        def stop() -> None:
            self.stopping.set()
            consumer.stop(graceful=True)

        return stop

    def housekeeping(self, monotonic: Callable[[], float] = time.monotonic) -> threading.Thread:
        """A thread that runs the recovery (at once, then every `recovery_interval`) and the
        Drive poll (every `poll_interval`, once per cycle among every worker sharing this
        queue) until `stopping` is set."""
        thread = threading.Thread(
            target=self._housekeep, args=(monotonic,), name="retaguarda-housekeeping", daemon=True
        )
        thread.start()
        return thread

    def _housekeep(self, monotonic: Callable[[], float]) -> None:
        settings = self.settings
        self._safely(lambda: self.recover(everything=True))
        next_recovery = monotonic() + settings.recovery_interval
        next_poll = monotonic()
        while not self.stopping.is_set():
            now = monotonic()
            if now >= next_recovery:
                self._safely(self.recover)
                next_recovery = now + settings.recovery_interval
            if settings.poll_interval and now >= next_poll:
                self._safely(self._poll_once)
                next_poll = now + settings.poll_interval
            wake = min(next_recovery, next_poll if settings.poll_interval else next_recovery)
            self.stopping.wait(max(wake - monotonic(), 0.05))

    def _poll_once(self) -> None:
        """The poll of this cycle, unless another worker of this queue took it."""
        cycle = int(time.time() // self.settings.poll_interval)
        key = f"poll:{cycle}"
        if self.huey.put_if_empty(key, b"1"):
            self.huey.delete(f"poll:{cycle - 2}")
            self.poll()

    def _safely(self, step: Callable[[], object]) -> None:
        try:
            step()
        except Exception:  # the next round tries again; a worker never dies of it
            logger.exception("manutenção da fila falhou")


class _EmbeddedConsumer(Consumer):
    """huey's consumer without signal handlers: `serve`'s server keeps Ctrl-C."""

    def _set_signal_handlers(self) -> None:
        return None
