"""`sync_source`: one source pulled, validated and merged into the store, as one transaction.

The source's row in the store is locked first (`SELECT … FOR UPDATE` on PostgreSQL, which
holds across processes and machines; SQLite's write lock, taken at `BEGIN IMMEDIATE`, does
the same on one machine), so two syncs of one source never interleave: the second waits,
then finds nothing left to do. The pull happens under the lock too, so two syncs cannot give
the same new row two different ids. A crash at any point (kill -9 included) rolls the
transaction back: the store is as before the sync, or as after it, never half.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from retaguarda.sync.merge import Counts, merge
from retaguarda.sync.pull import Pulled, pull_file, pull_folder
from retaguarda.sync.sources import FILE, FOLDER, Source
from retaguarda.sync.store.database import Store
from retaguarda.templates.validate import Options, validate_tables

#: reads a Google source: spreadsheet id -> Pulled (see `google_source.pull_google`)
GooglePull = Callable[[str], Pulled]
#: told how far a sync has come: (steps done, steps in all, what is being done now)
Progress = Callable[[int, int, str], None]


@dataclass
class SyncResult:
    source: Source
    run: int
    counts: Counts
    read_only: bool
    ids_written: int
    rows: int
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source.name,
            "team": self.source.team,
            "run": self.run,
            **self.counts.as_dict(),
            "rows": self.rows,
            "ids_written": self.ids_written,
            "read_only": self.read_only,
            "seconds": round(self.seconds, 3),
        }


def sync_source(
    store: Store,
    source: Source,
    options: Options | None = None,
    *,
    google: GooglePull | None = None,
    progress: Progress | None = None,
) -> SyncResult:
    """Pull `source`, validate its sheets together, and merge them into the store."""
    step = progress or (lambda done, total, what: None)
    clock = time.perf_counter()
    with store.atomic():
        step(0, 4, "aguardando a vez")
        store.lock_source(source.id)
        started = datetime.now(UTC)
        run = store.start_run(source.id, at=started)
        step(1, 4, "lendo a planilha")
        pulled = _pull(source, google)
        step(2, 4, "conferindo")
        issues = [
            issue
            for group in pulled.groups()
            for issue in validate_tables([pulled.tables[i] for i in group], options)
        ]
        step(3, 4, "gravando")
        counts = merge(store, source, run, pulled, issues, started)
        store.finish_run(
            run,
            at=datetime.now(UTC),
            read_only=pulled.read_only,
            ids_written=pulled.ids_written,
            counts=counts.as_dict(),
        )
    step(4, 4, "pronto")
    return SyncResult(
        source=source,
        run=run,
        counts=counts,
        read_only=pulled.read_only,
        ids_written=pulled.ids_written,
        rows=sum(len(t) for t in pulled.tables),
        seconds=time.perf_counter() - clock,
    )


def _pull(source: Source, google: GooglePull | None) -> Pulled:
    if source.kind == FILE:
        return pull_file(source.location)
    if source.kind == FOLDER:
        return pull_folder(source.location)
    if google is None:
        raise ValueError("a Google source needs a Google client (see sync.google_api)")
    return google(source.location)
