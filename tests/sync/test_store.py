"""The store itself: migrations, sources, and what holds across processes (locks, crashes)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from retaguarda.sync.sources import SourceError, add_source, find_sources, list_sources
from retaguarda.sync.sources import remove_source as remove
from retaguarda.sync.store.bulk import BULK_FROM, insert_rows
from retaguarda.sync.store.database import Store, StoreError
from retaguarda.sync.store.schema import TEMPLATE_TABLES, audit, metadata, sync_runs
from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.render import render_workbook

LEDGER = TEMPLATES["lancamentos"]
CHART = TEMPLATES["plano_de_contas"]
CHART_ROWS = [
    ["1.1.02", "Bancos", "Ativo", "Devedora", "Sim"],
    ["3.1.01", "Receita de vendas", "Receita", "Credora", "Sim"],
]


def big_workbook(path: Path, rows: int, value: str = "10,00") -> Path:
    postings = [
        [date(2026, 3, n % 28 + 1), f"NF-{n}", "Venda", "1.1.02", "3.1.01", value, "", "", ""]
        for n in range(rows)
    ]
    return render_workbook(path, [(CHART, CHART_ROWS), (LEDGER, postings)])


def test_the_migrations_build_exactly_the_declared_schema(store):
    with store.read() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_opening_again_keeps_everything(store_url, tmp_path):
    first = Store.open(store_url)
    add_source(first, team="Matriz", file=big_workbook(tmp_path / "m.xlsx", 1))
    first.close()
    again = Store.open(store_url)  # migrations already at head: nothing to do
    assert [s.name for s in list_sources(again)] == ["matriz"]
    again.close()


def test_an_unreachable_database_is_a_clear_error():
    with pytest.raises(StoreError, match="não foi possível preparar o banco de dados"):
        Store.open("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")


def test_sources_are_named_after_their_team(store, tmp_path):
    book = big_workbook(tmp_path / "sp.xlsx", 1)
    sp = add_source(store, team="Filial São Paulo", file=book)
    url = "https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUv/edit#gid=0"
    google = add_source(store, team="Filial São Paulo", google=url)
    assert (sp.name, sp.kind) == ("filial-sao-paulo", "file")
    assert (google.name, google.kind, google.location) == (
        "filial-sao-paulo-2",
        "google",
        "1AbCdEfGhIjKlMnOpQrStUv",
    )
    assert [s.name for s in find_sources(store, ["filial-sao-paulo-2"])] == ["filial-sao-paulo-2"]
    remove(store, "filial-sao-paulo")
    assert [s.name for s in list_sources(store)] == ["filial-sao-paulo-2"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"team": "T"}, "informe uma planilha do Google"),
        ({"team": "T", "google": "não é uma planilha"}, "não é um endereço nem um id"),
        ({"team": "T", "file": "/não/existe.xlsx"}, "arquivo não encontrado"),
        ({"team": "  ", "google": "1AbCdEfGhIjKlMnOp"}, "informe o time"),
    ],
)
def test_a_bad_source_is_refused_in_portuguese(store, kwargs, message):
    with pytest.raises(SourceError, match=message):
        add_source(store, **kwargs)
    assert list_sources(store) == []


def test_the_same_spreadsheet_is_not_added_twice(store):
    add_source(store, team="A", google="1AbCdEfGhIjKlMnOp")
    with pytest.raises(SourceError, match="já é a fonte 'a'"):
        add_source(
            store, team="B", google="https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOp"
        )


def test_an_unknown_source_name_lists_the_known_ones(store):
    add_source(store, team="Matriz", google="1AbCdEfGhIjKlMnOp")
    with pytest.raises(SourceError, match=r"fonte desconhecida: filial \(fontes: matriz\)"):
        find_sources(store, ["filial"])


SYNC_IN_CHILD = """
import json, sys, datetime as dt
from retaguarda.sync.store.database import Store
from retaguarda.sync.sources import find_sources
from retaguarda.sync.runner import sync_source
from retaguarda.templates.validate import Options
store = Store.open(sys.argv[1])
(source,) = find_sources(store, [sys.argv[2]])
def step(done, total, what):
    print(what, flush=True)
result = sync_source(store, source, Options(today=dt.date(2026, 11, 25)), progress=step)
print(json.dumps(result.as_dict()), flush=True)
"""


def child(store_url: str, name: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", SYNC_IN_CHILD, store_url, name],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def state(store: Store) -> tuple:
    """What a reader sees: live rows, their total, audit rows and runs."""
    ledger = TEMPLATE_TABLES["lancamentos"]
    with store.read() as connection:
        alive = ledger.c.deleted_at.is_(None)
        return (
            connection.execute(select(func.count()).select_from(ledger).where(alive)).scalar(),
            connection.execute(select(func.sum(ledger.c.valor)).where(alive)).scalar(),
            connection.execute(select(func.count()).select_from(audit)).scalar(),
            connection.execute(select(func.count()).select_from(sync_runs)).scalar(),
        )


def test_a_sync_killed_at_any_point_leaves_the_store_as_before_or_after(store, store_url, tmp_path):
    book = big_workbook(tmp_path / "filial.xlsx", 20_000)
    source = add_source(store, team="Filial", file=book)
    done = child(store_url, source.name)
    assert done.wait(300) == 0, done.stderr.read()
    before = state(store)[:3]
    assert before == (20_000, Decimal("200000.00"), 20_002)
    big_workbook(book, 15_000, value="11,00")  # every posting edited, 5,000 removed
    # a file is known by content: 20,000 tombstones and 15,000 inserts
    after = (15_000, Decimal("165000.00"), 20_002 + 35_000)
    seen = []
    rng = random.Random(7)
    for _ in range(4):
        process = child(store_url, source.name)
        while process.stdout.readline().strip() != "lendo a planilha":
            pass  # the transaction is open from here on
        time.sleep(rng.uniform(0.0, 0.5))
        os.kill(process.pid, signal.SIGKILL)
        process.wait(30)
        seen.append(state(store)[:3])
        assert seen[-1] in (before, after)
    assert before in seen  # at least one kill landed inside the transaction
    finished = child(store_url, source.name)
    assert finished.wait(300) == 0, finished.stderr.read()
    assert state(store)[:3] == after


def test_two_syncs_of_one_source_never_interleave(store, store_url, tmp_path):
    source = add_source(store, team="Filial", file=big_workbook(tmp_path / "f.xlsx", 3000))
    processes = [child(store_url, source.name) for _ in range(2)]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    with store.read() as connection:
        runs = connection.execute(
            select(sync_runs.c.started_at, sync_runs.c.finished_at).order_by(sync_runs.c.started_at)
        ).all()
    assert len(runs) == 2
    assert runs[0].finished_at <= runs[1].started_at  # one waited for the other
    # whichever went second found the work done
    assert sorted(r["inserted"] for r in results) == [0, 3002]
    assert sorted(r["unchanged"] for r in results) == [0, 3002]


@pytest.mark.parametrize("rows", [10, BULK_FROM + 100])
def test_many_rows_are_stored_as_sqlalchemy_would_store_them(store, rows):
    """The bulk path (COPY, the driver's executemany) and the plain path read back the same."""
    ledger = TEMPLATE_TABLES["lancamentos"]
    moment = datetime(2026, 11, 25, 13, 45, 1, 250000, tzinfo=UTC)
    source = add_source(store, team="T", google="1AbCdEfGhIjKlMnOp").id
    with store.atomic() as connection:
        run = connection.execute(
            sync_runs.insert().values(
                source_id=source,
                started_at=moment,
                finished_at=moment,
                read_only=False,
                **dict.fromkeys(
                    ("inserted", "updated", "tombstoned", "quarantined", "released"), 0
                ),
                unchanged=0,
                ids_written=0,
            )
        ).inserted_primary_key[0]
        insert_rows(
            connection,
            ledger,
            [
                {
                    "source_id": source,
                    "team": "T",
                    "sheet": "Lançamentos",
                    "sheet_row": n + 2,
                    "row_id": f"r{n}",
                    "content_hash": "h",
                    "first_seen": moment,
                    "last_changed": moment,
                    "sync_run": run,
                    "data": date(2026, 3, 5),
                    "valor": Decimal("1234.56"),
                    "historico": "Venda à vista",
                }
                for n in range(rows)
            ],
        )
    with store.read() as connection:
        stored = connection.execute(select(ledger).order_by(ledger.c.sheet_row)).all()
    assert len(stored) == rows
    first = stored[0]
    assert (first.valor, first.data, first.historico) == (
        Decimal("1234.56"),
        date(2026, 3, 5),
        "Venda à vista",
    )
    # PostgreSQL gives the instant back with its zone; SQLite, as SQLAlchemy wrote it, in UTC
    assert first.first_seen.replace(tzinfo=first.first_seen.tzinfo or UTC) == moment


def test_operations_inside_atomic_are_one_transaction(store):
    moment = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    seen = []

    def failing_sync() -> None:
        with store.atomic():
            store.insert_source(
                name="a",
                team="A",
                kind="google",
                location="1AbCdEfGhIjK",
                at=moment,
                webhook_secret="s" * 64,
            )
            seen.append(store.source_names())  # the open transaction sees its own write...
            raise RuntimeError("a sync that fails half-way")

    with pytest.raises(RuntimeError):
        failing_sync()
    assert seen == [{"a"}]
    assert list_sources(store) == []  # ...and nothing of it stays
    store.insert_source(
        name="b", team="B", kind="google", location="1AbCdEfGhIjK", at=moment, webhook_secret="t"
    )
    assert [s.name for s in list_sources(store)] == ["b"]  # alone, an operation commits


def test_a_row_held_again_keeps_when_it_was_first_held(store):
    first = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    later = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    source = add_source(store, team="T", google="1AbCdEfGhIjKlMnOp").id
    with store.atomic():
        runs = [store.start_run(source, at=first), store.start_run(source, at=later)]
        for run, at, cells in ((runs[0], first, "1,0O"), (runs[1], later, "1,00O")):
            store.quarantine(
                "lancamentos",
                [
                    {
                        "row_id": "r1",
                        "team": "T",
                        "sheet": "Lançamentos",
                        "sheet_row": 2,
                        "content_hash": cells,
                        "raw": json.dumps({"Valor": cells}),
                        "issues": "[]",
                        "first_seen": at,
                        "last_changed": at,
                        "sync_run": run,
                    }
                ],
                source_id=source,
            )
    held = store.held_rows("lancamentos", source_id=source)
    assert held.loc["r1", "content_hash"] == "1,00O"
    assert bool(held.loc["r1", "held"])
    with store.read() as connection:
        ((since, raw),) = connection.exec_driver_sql("SELECT desde, celulas FROM v_quarentena")
    assert json.loads(raw) == {"Valor": "1,00O"}
    # PostgreSQL gives the instant back; SQLite, the text SQLAlchemy wrote (in UTC)
    assert since == first if isinstance(since, datetime) else since.startswith("2026-11-24 09:00")


def test_threads_opening_one_store_at_once_all_get_it(store_url):
    """The service's first requests and its queue open the store together; Alembic, which
    keeps the migration it runs in module globals, must not see two at once."""
    opened: list[Store] = []
    failed: list[BaseException] = []

    def open_it() -> None:
        try:
            opened.append(Store.open(store_url))
        except BaseException as error:
            failed.append(error)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failed == []
    assert all(s.source_names() == set() for s in opened)
    for each in opened:
        each.close()
