"""`sync_source`: one source pulled, validated and merged into the store, as one transaction.

The source's row in the store is locked first (`SELECT … FOR NO KEY UPDATE` on PostgreSQL,
which holds across processes and machines and lets webhooks add events meanwhile; SQLite's
write lock, taken at `BEGIN IMMEDIATE`, does the same on one machine), so two syncs of one
source never interleave: the second waits, then finds nothing left to do. The pull happens
under the lock too, so two syncs cannot give the same new row two different ids. A crash at
any point (kill -9 included) rolls the transaction back: the store is as before the sync, or
as after it, never half.

Once committed, the issues go back into the source as marks where the pull says it can take
them (`Pulled.mark`: a Google spreadsheet): a failure there is reported with the result and
leaves the committed sync as it is; the next sync marks the sheet again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from retaguarda.sync.merge import Counts, merge
from retaguarda.sync.partial import PartialRead
from retaguarda.sync.pull import Pulled, pull_file, pull_folder
from retaguarda.sync.sources import FILE, FOLDER, Source
from retaguarda.sync.store.database import Store
from retaguarda.templates.validate import Options, validate_tables

#: reads a Google source: spreadsheet id -> Pulled (see `google_source.pull_google`); given
#: the rows webhook events named, it is called with a `partial=` keyword as well
GooglePull = Callable[..., Pulled]
#: told how far a sync has come: (steps done, steps in all, what is being done now)
Progress = Callable[[int, int, str], None]
#: the steps `Progress` counts: wait, read, check, store, mark the sheet
STEPS = 5


@dataclass
class SyncResult:
    source: Source
    run: int
    counts: Counts
    read_only: bool
    ids_written: int
    rows: int
    seconds: float
    #: cells marked in the source (None: no marks were written, as for an Excel file)
    marked: int | None = None
    #: why the marks could not be written (Portuguese); the sync itself went in
    marks_error: str | None = None
    #: only the rows the webhook events named were read and merged (`sync.partial`)
    partial: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source.name,
            "team": self.source.team,
            "run": self.run,
            **self.counts.as_dict(),
            "rows": self.rows,
            "ids_written": self.ids_written,
            "read_only": self.read_only,
            "marked": self.marked,
            "marks_error": self.marks_error,
            "partial": self.partial,
            "seconds": round(self.seconds, 3),
        }


def sync_source(
    store: Store,
    source: Source,
    options: Options | None = None,
    *,
    google: GooglePull | None = None,
    progress: Progress | None = None,
    within: Callable[[int], None] | None = None,
    rows: dict[str, set[int]] | None = None,
) -> SyncResult:
    """Pull `source`, validate its sheets together, merge them into the store, and mark the
    source with what was found where it can be marked.

    `within(run)` is more work committed with the sync, or not at all (the queue marks the
    webhook events it covered); the marks are written after the commit. `rows` (sheet title
    -> sheet rows, see `partial.named_rows`) lets a Google source be read and merged only
    there, where `sync.partial` finds it gives what a whole sync would.
    """
    step = progress or (lambda done, total, what: None)
    clock = time.perf_counter()
    with store.atomic():
        step(0, STEPS, "aguardando a vez")
        store.lock_source(source.id)
        started = datetime.now(UTC)
        run = store.start_run(source.id, at=started)
        step(1, STEPS, "lendo a planilha")
        partial = None if rows is None else PartialRead(store, source, rows)
        pulled = _pull(source, google, partial)
        step(2, STEPS, "conferindo")
        issues = [
            issue
            for group in pulled.groups()
            for issue in validate_tables([pulled.tables[i] for i in group], options)
        ]
        step(3, STEPS, "gravando")
        counts = merge(store, source, run, pulled, issues, started)
        if pulled.sheet_ids is not None:
            store.record_sheets(source.id, pulled.sheet_ids)
        store.finish_run(
            run,
            at=datetime.now(UTC),
            read_only=pulled.read_only,
            ids_written=pulled.ids_written,
            counts=counts.as_dict(),
        )
        if within is not None:
            within(run)
    marked, marks_error = None, None
    if pulled.mark is not None:
        step(4, STEPS, "marcando a planilha")
        try:
            marked = pulled.mark(issues)
        except Exception as error:  # the sync is committed: the marks wait for the next one
            marks_error = f"as pendências não foram marcadas na planilha: {_reason(error)}"
    step(STEPS, STEPS, "pronto")
    return SyncResult(
        source=source,
        run=run,
        counts=counts,
        read_only=pulled.read_only,
        ids_written=pulled.ids_written,
        rows=sum(len(t) for t in pulled.tables),
        seconds=time.perf_counter() - clock,
        marked=marked,
        marks_error=marks_error,
        partial=pulled.in_part is not None,
    )


def _pull(source: Source, google: GooglePull | None, partial: PartialRead | None) -> Pulled:
    if source.kind == FILE:
        return pull_file(source.location)
    if source.kind == FOLDER:
        return pull_folder(source.location)
    if google is None:
        raise ValueError("a Google source needs a Google client (see sync.google_api)")
    if partial is not None:
        return google(source.location, partial=partial)
    return google(source.location)


def _reason(error: Exception) -> str:
    return str(error) or type(error).__name__
