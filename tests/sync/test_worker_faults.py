"""`retaguarda worker` killed with SIGKILL in the middle of a sync, as a real process.

The moment chosen is the worst one: Google has already written the new rows' ids into the
spreadsheet, the store has not committed them. The other worker running beside it takes the
job over (its recovery sees the first one's process gone), and every row is in the store
exactly once, under the ids the sheet now holds, and the webhook's event is processed. On
SQLite with huey's SQLite file, and on PostgreSQL with Redis.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading

import pytest
from flask import request
from queue_setup import (
    LEDGER,
    NOW,
    SPREADSHEET,
    Google,
    book,
    ledger_ids,
    runs,
    service_values,
    unprocessed,
    wait_for,
)

from retaguarda.sync.emulator import create_emulator
from retaguarda.sync.emulator.server import serving
from retaguarda.sync.google_api import gspread_client
from retaguarda.sync.queue import SyncQueue
from retaguarda.sync.settings import load_settings
from retaguarda.sync.sources import add_source
from retaguarda.templates.model import ROW_ID_HEADER

WORKER = "from retaguarda.sync.cli import main; main(['worker', '--workers', '2'])"


class Gate:
    """Holds the answer to the first batchUpdate (the ids, already applied) until opened."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.open = threading.Event()

    def __call__(self, response):
        if request.path.endswith(":batchUpdate") and not self.reached.is_set():
            self.reached.set()
            self.open.wait(timeout=60)
        return response


@pytest.fixture
def google(tmp_path):
    app = create_emulator(key_out=tmp_path / "key.json", quota=None)
    gate = Gate()
    app.after_request(gate)
    with serving(app) as base_url:
        state = app.extensions["sheets_emulator"]
        state.add_spreadsheet(SPREADSHEET, "Filial SP", book(3))
        yield Google(state, base_url, tmp_path / "key.json"), gate
        gate.open.set()


def start_worker(values: dict[str, object]) -> subprocess.Popen:
    env = {**os.environ, **{f"RETAGUARDA_{k.upper()}": str(v) for k, v in values.items()}}
    return subprocess.Popen(
        [sys.executable, "-c", WORKER],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_worker_killed_mid_sync_loses_nothing_and_duplicates_nothing(
    store, store_url, google, tmp_path
):
    emulator, gate = google
    source = add_source(store, team="Filial SP", google=SPREADSHEET)
    # as deployed: the embedded store with the embedded queue, PostgreSQL with Redis
    queue_url = f"sqlite:///{tmp_path / 'queue.db'}"
    if store_url.startswith("postgresql"):
        queue_url = "redis://127.0.0.1:6379/0"
    values = service_values(store_url, emulator, queue_url)
    store.record_event(
        source.id, event_id="e1", sheet=LEDGER.sheet, range_="F2", at=NOW, received_at=NOW
    )
    SyncQueue(load_settings(**values)).notify(source.id)

    workers = {p.pid: p for p in (start_worker(values), start_worker(values))}
    try:
        assert gate.reached.wait(timeout=30), "nenhum worker começou a sincronizar"
        [job] = store.jobs()
        killed = workers.pop(int(job.worker.rpartition(":")[2]))
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=10)
        [job] = store.jobs()
        assert (job.state, job.attempts) == ("running", 1)  # left behind by the dead worker
        assert (runs(store), unprocessed(store), ledger_ids(store)) == (0, 1, [])
        gate.open.set()
        # the other worker's recovery finds the job, and it is synced again from the start
        wait_for(lambda: store.jobs()[0].state == "done", timeout=20)
    finally:
        for process in workers.values():
            process.kill()
            process.wait(timeout=10)
    [job] = store.jobs()
    assert job.attempts == 2
    assert runs(store) == 1
    assert unprocessed(store) == 0
    in_store = ledger_ids(store)
    assert len(in_store) == 3
    assert len(set(in_store)) == 3
    sheet = gspread_client(emulator.key, emulator.base_url).open_by_key(SPREADSHEET)
    header, *rows = sheet.worksheet(LEDGER.sheet).get_all_values()
    in_sheet = sorted(row[header.index(ROW_ID_HEADER)] for row in rows)
    assert in_sheet == in_store  # the ids the killed worker wrote are the ones kept
