"""`retaguarda sources add` run by several processes at once, on SQLite and on PostgreSQL.

An administrator's script (or two admins) may register sources at the same moment. A
spreadsheet must end up registered once (twice, its rows would be consolidated twice), and a
process that loses the race says so in Portuguese, without a traceback. Real processes, started
together by a file they all wait for.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import insert

from retaguarda.sync.sources import SourceError, add_source, list_sources
from retaguarda.sync.store.database import Store
from retaguarda.sync.store.schema import sources

PROCESSES = 6

#: waits for the start signal, then runs the CLI; exit code and output as the admin sees them.
#: Each insert into `sources` is held back a moment, so that every process has looked before
#: any has written: the race happens every time instead of now and then.
CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from retaguarda.sync.cli import main
    from retaguarda.sync.store.database import Store

    def hold_back(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO SOURCES"):
            time.sleep(0.5)

    event.listen(Engine, "before_cursor_execute", hold_back)
    Store.open(sys.argv[1]).close()  # imports and schema done before the start
    go = Path(sys.argv[2])
    (go.parent / f"ready-{sys.argv[3]}").touch()
    while not go.exists():
        time.sleep(0.001)
    main(sys.argv[4:], prog_name="retaguarda")
    """
)


def race(store_url: str, tmp_path: Path, commands: list[list[str]]) -> list[tuple[int, str]]:
    go = tmp_path / "go"
    env = {**os.environ, "RETAGUARDA_DATABASE_URL": store_url}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, store_url, str(go), str(n), *command],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for n, command in enumerate(commands)
    ]
    while len(list(tmp_path.glob("ready-*"))) < len(children):  # all imported, store open
        if any(c.poll() is not None for c in children):
            break  # a child died early: its output says why
        time.sleep(0.05)
    go.touch()
    return [(c.wait(120), c.stdout.read()) for c in children]


def test_one_spreadsheet_raced_by_many_processes_is_registered_once(store, store_url, tmp_path):
    outcomes = race(
        store_url,
        tmp_path,
        [
            ["sources", "add", "--team", f"Time {n}", "--google", "1AbCdEfGhIjKlMnOp"]
            for n in range(PROCESSES)
        ],
    )
    assert [s.location for s in list_sources(store)] == ["1AbCdEfGhIjKlMnOp"]
    assert sorted(code for code, _ in outcomes) == [0] + [2] * (PROCESSES - 1)
    for code, output in outcomes:
        assert "Traceback" not in output
        if code:
            assert "esta planilha já é a fonte" in output


def test_one_team_raced_by_many_processes_gets_a_name_per_spreadsheet(store, store_url, tmp_path):
    outcomes = race(
        store_url,
        tmp_path,
        [
            ["sources", "add", "--team", "Filial SP", "--google", f"planilha{n}"]
            for n in range(PROCESSES)
        ],
    )
    assert [code for code, _ in outcomes] == [0] * PROCESSES, outcomes
    names = sorted(s.name for s in list_sources(store))
    assert names == sorted(["filial-sp", *(f"filial-sp-{n}" for n in range(2, PROCESSES + 1))])


def test_a_name_raced_by_many_processes_is_given_once(store, store_url, tmp_path):
    outcomes = race(
        store_url,
        tmp_path,
        [
            ["sources", "add", "--team", "T", "--name", "matriz", "--google", f"planilha{n}"]
            for n in range(PROCESSES)
        ],
    )
    assert sorted(code for code, _ in outcomes) == [0] + [2] * (PROCESSES - 1)
    for code, output in outcomes:
        assert "Traceback" not in output
        if code:
            assert "já existe uma fonte chamada 'matriz'" in output
    assert [s.name for s in list_sources(store)] == ["matriz"]


def test_a_store_that_already_holds_a_spreadsheet_twice_keeps_the_first(store_url):
    """A store registered before the constraint may hold a pair; upgrading keeps the first
    source (the name its team uses) and retires the later one, as `sources remove` would."""
    old = Store.open(store_url, migrate=False)
    config = Config()
    config.set_main_option("script_location", "retaguarda.sync.store:migrations")
    with old.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    added = datetime(2026, 11, 1, tzinfo=UTC)
    with old.engine.begin() as connection:
        connection.execute(
            insert(sources),
            [
                {
                    "name": "filial-sp",
                    "team": "Filial SP",
                    "kind": "google",
                    "location": "1AbC",
                    "added_at": added,
                },
                {
                    "name": "matriz",
                    "team": "Matriz",
                    "kind": "file",
                    "location": "/m.xlsx",
                    "added_at": added,
                },
                {
                    "name": "filial-sp-2",
                    "team": "Filial SP",
                    "kind": "google",
                    "location": "1AbC",
                    "added_at": added,
                },
            ],
        )
    old.close()
    upgraded = Store.open(store_url)
    assert [s.name for s in list_sources(upgraded)] == ["filial-sp", "matriz"]
    with pytest.raises(SourceError, match="esta planilha já é a fonte 'filial-sp'"):
        add_source(upgraded, team="Outro", google="1AbC")
    upgraded.close()
