"""Benchmark of `retaguarda sync`: a 100,000-row Google spreadsheet into SQLite and PostgreSQL.

    .venv/bin/python benchmarks/sync.py            # prints the table
    .venv/bin/python benchmarks/sync.py --write    # and puts it in benchmarks/README.md

The spreadsheet is the benchmark ledger (benchmarks/ledger_data.py: 100,000 postings, ~1% of
them bad, and the "Plano de contas"), served by the Sheets API emulator running as its own
process (`retaguarda emulator`), read by unmodified gspread and google-auth over HTTP.

Measured for each store:
* first sync: the sheet has no ID column yet, so the pull also writes 100,000 ids back;
* full sync into an empty store, ids already in the sheet (best of --repeat);
* re-sync after 10 rows were edited in the sheet: time, and every row written, per table,
  counted from the SQL statements themselves.

Targets (issue 4): a full sync ≤ 10 s on each store; a re-sync writes only the 10 rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

from ledger_data import CLOSED_UNTIL, TODAY, ensure_data, ensure_xlsx
from sqlalchemy import create_engine, event, text

from retaguarda.sync.google_api import gspread_client
from retaguarda.sync.google_source import pull_google
from retaguarda.sync.runner import sync_source
from retaguarda.sync.sources import add_source
from retaguarda.sync.store.database import Store
from retaguarda.templates.validate import Options

HERE = Path(__file__).resolve().parent
README = HERE / "README.md"
START, END = "<!-- sync:start -->", "<!-- sync:end -->"
ROWS = 100_000
EDITED = 10
POSTGRES = os.environ.get(
    "RETAGUARDA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
OPTIONS = Options(today=TODAY, closed_until=CLOSED_UNTIL)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_emulator(seed: Path, key: Path, *, nice: int = 0) -> tuple[subprocess.Popen, str]:
    """The Sheets API emulator serving `seed`'s workbooks, at CPU niceness `nice`."""
    port = free_port()
    cli = Path(sys.executable).with_name("retaguarda")
    lowered = ["nice", "-n", str(nice)] if nice else []
    process = subprocess.Popen(
        [
            *lowered,
            *(str(cli), "emulator", "--port", str(port), "--seed", str(seed)),
            *("--key-out", str(key)),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the emulator did not start")


class Writes:
    """Rows written per table, from every INSERT/UPDATE/DELETE the store sends."""

    def __init__(self, store: Store) -> None:
        self.rows: Counter[str] = Counter()
        self.statements = 0
        event.listen(store.engine, "before_cursor_execute", self.seen)

    def seen(self, conn, cursor, statement, parameters, context, executemany) -> None:
        found = re.match(r"\s*(INSERT INTO|UPDATE|DELETE FROM)\s+\"?(\w+)", statement, re.I)
        if found:
            self.statements += 1
            self.rows[found.group(2)] += len(parameters) if executemany else 1


def fresh_store(kind: str) -> tuple[Store, str | None]:
    if kind == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="rg-bench-"))
        return Store.open(f"sqlite:///{folder / 'retaguarda.db'}"), None
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with create_engine(POSTGRES, isolation_level="AUTOCOMMIT").connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{POSTGRES}?options=-csearch_path%3D{schema}"
    return Store.open(url), schema


def drop(schema: str | None) -> None:
    if schema:
        with create_engine(POSTGRES, isolation_level="AUTOCOMMIT").connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def measure(kind: str, spreadsheet: str, client, repeat: int) -> dict:
    def pull(sid: str):
        return pull_google(client, sid)

    out: dict = {}
    store, schema = fresh_store(kind)
    source = add_source(store, team="Bench", google=spreadsheet)
    start = time.perf_counter()
    first = sync_source(store, source, OPTIONS, google=pull)
    out["first"] = time.perf_counter() - start
    out["ids_written"] = first.ids_written
    out["counts"] = first.counts.as_dict()
    store.close()
    drop(schema)

    fulls = []
    for _ in range(repeat):
        store, schema = fresh_store(kind)
        source = add_source(store, team="Bench", google=spreadsheet)
        start = time.perf_counter()
        sync_source(store, source, OPTIONS, google=pull)
        fulls.append(time.perf_counter() - start)
        if len(fulls) < repeat:
            store.close()
            drop(schema)
    out["full"] = min(fulls)

    # ten postings edited in the sheet (new values in Valor), then a re-sync
    sheet = client.open_by_key(spreadsheet).worksheet("Lançamentos")
    rows = [2 + i * (ROWS // EDITED) for i in range(EDITED)]
    sheet.batch_update(
        [{"range": f"F{r}", "values": [[12345.67 + n]]} for n, r in enumerate(rows)], raw=True
    )
    writes = Writes(store)
    start = time.perf_counter()
    again = sync_source(store, source, OPTIONS, google=pull)
    out["resync"] = time.perf_counter() - start
    out["resync_counts"] = again.counts.as_dict()
    out["resync_rows"] = dict(writes.rows)
    out["resync_statements"] = writes.statements
    # and back, so the next store sees the sheet as it was
    store.close()
    drop(schema)
    return out


def report(results: dict[str, dict]) -> str:
    when = dt.datetime.now(dt.UTC).strftime("%d/%m/%Y %H:%M UTC")
    lines = [
        f"Measured {when} on this machine ({os.cpu_count()} cores), Python "
        f"{sys.version.split()[0]}; emulator in its own process, HTTP on loopback.",
        "",
        "| store | first sync (writes 100,000 ids back) | full sync, ids present (best) "
        "| re-sync after 10 edits | rows written by the re-sync |",
        "|---|---:|---:|---:|---|",
    ]
    verdicts = []
    for kind, r in results.items():
        written = ", ".join(f"{t} {n}" for t, n in sorted(r["resync_rows"].items()))
        lines.append(
            f"| {kind} | {r['first']:.2f} s | {r['full']:.2f} s | {r['resync']:.2f} s "
            f"| {written} ({r['resync_statements']} statements) |"
        )
        worst = max(r["first"], r["full"])
        verdicts.append(
            f"* {'met' if worst <= 10 else 'MISSED'}: full sync into {kind} ≤ 10 s "
            f"(slowest of the two: {worst:.2f} s)"
        )
        written_rows = r["resync_rows"]
        only = (
            written_rows.get("lancamentos", 0) + written_rows.get("quarantine", 0) == EDITED
            and written_rows.get("audit", 0) == EDITED
        )
        verdicts.append(
            f"* {'met' if only else 'MISSED'}: re-sync into {kind} writes only the "
            f"{EDITED} edited rows (a bad row among them goes to the quarantine), their "
            f"{EDITED} audit rows and the run's record"
        )
    counts = next(iter(results.values()))["counts"]
    lines += [
        "",
        "First sync: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()) + ".",
        "",
        *verdicts,
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="update benchmarks/README.md")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()

    source = ensure_data(ROWS)
    xlsx = ensure_xlsx(ROWS, source)
    folder = Path(tempfile.mkdtemp(prefix="rg-seed-"))
    kinds = ["sqlite"] if args.no_postgres else ["sqlite", "postgresql"]
    for kind in kinds:
        shutil.copy(xlsx, folder / f"bench_{kind}.xlsx")
    key = folder / "key.json"
    process, base_url = start_emulator(folder, key)
    try:
        client = gspread_client(key, base_url)
        results = {kind: measure(kind, f"bench_{kind}", client, args.repeat) for kind in kinds}
    finally:
        process.terminate()
        process.wait(30)
        shutil.rmtree(folder, ignore_errors=True)
    text_ = report(results)
    print(text_)
    if args.write:
        readme = README.read_text(encoding="utf-8")
        block = f"{START}\n{text_}\n{END}"
        if START in readme:
            readme = re.sub(
                re.escape(START) + ".*?" + re.escape(END), lambda _: block, readme, flags=re.S
            )
        else:
            readme += (
                f"\n## Sync\n\n```sh\n.venv/bin/python benchmarks/sync.py --write\n```\n\n{block}\n"
            )
        README.write_text(readme, encoding="utf-8")


if __name__ == "__main__":
    main()
