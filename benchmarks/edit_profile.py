"""One edit's sync in one process, profiled: where the time of edit → store goes.

    .venv/bin/python benchmarks/edit_profile.py                 # 3 edits, read in part
    .venv/bin/python benchmarks/edit_profile.py --whole         # the events name no range
    .venv/bin/python benchmarks/edit_profile.py --profile 40    # cProfile of the last edit

The Sheets API emulator serves the 100,000-row benchmark ledger (benchmarks/ledger_data.py) as
a Google spreadsheet; the store is a schema of its own in PostgreSQL at 127.0.0.1:5432 db
`test` (`--sqlite` for a SQLite file), dropped after. After an untimed first sync, each round
edits one Valor cell through gspread, commits its webhook event and a "webhook" job, and times
`JobRunner.run` of that job, the worker's whole work without the queue: claim, read (in part,
or whole with `--whole`), validate, merge, commit, and the marks when the sync was whole.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from ledger_data import CLOSED_UNTIL, TODAY, ensure_data, ensure_xlsx

from retaguarda.sync.google_api import gspread_client
from retaguarda.sync.google_source import google_pull
from retaguarda.sync.jobs import JobRunner
from retaguarda.sync.runner import sync_source
from retaguarda.sync.settings import load_settings
from retaguarda.sync.sources import add_source
from sync import drop, fresh_store, start_emulator

ROWS = 100_000
SPREADSHEET = "bench_edit"
SHEET = "Lançamentos"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--whole", action="store_true", help="events without a range")
    parser.add_argument("--sqlite", action="store_true", help="a SQLite store, not PostgreSQL")
    parser.add_argument("--profile", type=int, default=0, metavar="LINES")
    args = parser.parse_args()
    xlsx = ensure_xlsx(ROWS, ensure_data(ROWS))
    folder = Path(tempfile.mkdtemp(prefix="rg-edit-"))
    shutil.copy(xlsx, folder / f"{SPREADSHEET}.xlsx")
    key = folder / "key.json"
    emulator, base_url = start_emulator(folder, key)
    store, schema = fresh_store("sqlite" if args.sqlite else "postgresql")
    try:
        settings = load_settings(
            database_url=str(store.engine.url),
            google_credentials=key,
            google_api_url=base_url,
            closed_until=CLOSED_UNTIL,
            today=TODAY,
        )
        source = add_source(store, team="Bench", google=SPREADSHEET)
        started = time.perf_counter()
        sync_source(store, source, settings.options(), google=google_pull(settings))
        print(f"first sync (untimed): {time.perf_counter() - started:.1f} s", flush=True)
        pull = google_pull(settings)
        runner = JobRunner(store, settings, google=lambda: pull)
        sheet = gspread_client(key, base_url).open_by_key(SPREADSHEET).worksheet(SHEET)
        letter = chr(ord("A") + sheet.row_values(1).index("Valor"))
        profile = cProfile.Profile()
        for n in range(args.rounds):
            cell = f"{letter}{2_000 + n * 20_011}"
            value = float(Decimal("87654.32") + n)
            sheet.batch_update([{"range": cell, "values": [[value]]}], raw=True)
            now = datetime.now(UTC)
            range_ = "" if args.whole else cell
            store.record_event(
                source.id, event_id=f"e{n}", sheet=SHEET, range_=range_, at=now, received_at=now
            )
            job = store.request_sync(source.id, reason="webhook", at=now, not_before=now)
            last = args.profile and n == args.rounds - 1
            started = time.perf_counter()
            if last:
                profile.enable()
            runner.run(job)
            if last:
                profile.disable()
            print(f"edit {n + 1} ({cell}): {time.perf_counter() - started:.2f} s", flush=True)
        if args.profile:
            pstats.Stats(profile).sort_stats("cumulative").print_stats(args.profile)
    finally:
        emulator.kill()
        store.close()
        drop(schema)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
