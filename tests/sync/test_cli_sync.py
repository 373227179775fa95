"""`retaguarda sources …` and `retaguarda sync` as an administrator runs them, on both stores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from retaguarda.sync.cli import main
from retaguarda.sync.sources import list_sources
from retaguarda.sync.store.database import Store
from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.render import render_workbook

CHART = [
    ["1.1.02", "Bancos", "Ativo", "Devedora", "Sim"],
    ["3.1.01", "Receita de vendas", "Receita", "Credora", "Sim"],
]
GOOD = ["05/03/2026", "NF-1", "Venda", "1.1.02", "3.1.01", "1.234,56", "", "", ""]
BAD = ["06/03/2026", "NF-2", "Venda", "1.1.02", "3.1.01", "12,3,4", "", "", ""]


def ledger(path: Path, *rows: list[object]) -> Path:
    return render_workbook(
        path, [(TEMPLATES["plano_de_contas"], CHART), (TEMPLATES["lancamentos"], list(rows))]
    )


@pytest.fixture
def run(store_url, monkeypatch):
    """`retaguarda …` against the test store, as with RETAGUARDA_DATABASE_URL set."""
    monkeypatch.setenv("RETAGUARDA_DATABASE_URL", store_url)
    monkeypatch.setenv("RETAGUARDA_TODAY", "2026-11-25")
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.delenv("RETAGUARDA_GOOGLE_CREDENTIALS", raising=False)
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args))


def test_add_list_sync_and_sync_again(run, store_url, tmp_path):
    book = ledger(tmp_path / "matriz.xlsx", GOOD, BAD)
    added = run("sources", "add", "--team", "Matriz", "--file", str(book))
    assert added.exit_code == 0, added.output
    assert "fonte cadastrada: matriz (Matriz, arquivo" in added.output
    listed = run("sources", "list", "--format", "json")
    assert [s["name"] for s in json.loads(listed.output)] == ["matriz"]

    first = run("sync", "--format", "json")
    assert first.exit_code == 0, first.output  # a quarantined row is kept, not a failure
    (summary,) = json.loads(first.output)["sources"]
    assert {k: summary[k] for k in ("inserted", "quarantined", "unchanged", "tombstoned")} == {
        "inserted": 3,
        "quarantined": 1,
        "unchanged": 0,
        "tombstoned": 0,
    }
    again = json.loads(run("sync", "matriz", "--format", "json").output)["sources"][0]
    assert (again["inserted"], again["unchanged"]) == (0, 4)

    table = run("sync")
    assert table.exit_code == 0
    for header in ("Inseridas", "Para quarentena", "Sem mudança"):
        assert header in table.output


def test_one_failing_source_does_not_stop_the_others(run, tmp_path):
    gone = ledger(tmp_path / "sumiu.xlsx", GOOD)
    run("sources", "add", "--team", "Filial RJ", "--file", str(gone))
    run("sources", "add", "--team", "Matriz", "--file", str(ledger(tmp_path / "m.xlsx", GOOD)))
    gone.unlink()
    result = run("sync", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [s["source"] for s in data["sources"]] == ["matriz"]
    assert data["failed"][0]["source"] == "filial-rj"
    assert "não encontrado" in data["failed"][0]["error"]


def test_a_bad_source_is_a_usage_error_in_portuguese(run):
    result = run("sources", "add", "--team", "T", "--google", "isto não é planilha")
    assert result.exit_code == 2
    assert "não é um endereço nem um id de planilha do Google" in result.output
    assert "fonte desconhecida: nenhuma" in run("sync", "nenhuma").output


def test_google_sources_need_the_service_account_key(run, store_url):
    run("sources", "add", "--team", "Filial SP", "--google", "1AbCdEfGhIjKlMnOp")
    result = run("sync")
    assert result.exit_code == 2
    assert "GOOGLE_APPLICATION_CREDENTIALS" in result.output


def test_remove_keeps_the_rows(run, store_url, tmp_path):
    run("sources", "add", "--team", "Matriz", "--file", str(ledger(tmp_path / "m.xlsx", GOOD)))
    run("sync")
    removed = run("sources", "remove", "matriz")
    assert removed.exit_code == 0
    assert "fonte removida: matriz" in removed.output
    store = Store.open(store_url)
    assert list_sources(store) == []
    with store.read() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM lancamentos").scalar() == 1
    store.close()


def test_a_bad_database_url_is_reported(run, monkeypatch):
    monkeypatch.setenv("RETAGUARDA_DATABASE_URL", "postgresql://x@127.0.0.1:1/none")
    result = run("sources", "list")
    assert result.exit_code == 1
    assert "não foi possível preparar o banco de dados" in result.output


def test_names_from_sources_are_shown_as_typed(run, tmp_path):
    """A team's name and a file's name reach the terminal as text: no emoji for ":x:", no
    style for "[bold]", no escape sequence obeyed."""
    team = ":x: [bold]Filial\x1b[2J"
    gone = ledger(tmp_path / ":warning:.xlsx", GOOD)
    added = run("sources", "add", "--team", team, "--file", str(gone))
    assert added.exit_code == 0, added.output
    listed = run("sources", "list").output
    assert ":x: [bold]Filial␛[2J" in listed
    gone.unlink()
    failed = run("sync").output
    assert ":warning:.xlsx" in failed
    for output in (added.output, listed, failed):
        assert "\x1b" not in output
        assert not {"❌", "⚠"} & set(output)
