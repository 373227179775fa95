"""`retaguarda users …` as an administrator runs it, checked in the store's own table, on both
stores. What the store must hold is computed here (SHA-256 of the printed token), not asked of
the code under test."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from werkzeug.security import check_password_hash

from retaguarda.sync.cli import main
from retaguarda.sync.store.schema import users
from retaguarda.sync.users import add_user, user_for_token, visible_teams

CREATED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def cli(store, store_url, monkeypatch):
    """Runs `retaguarda` against the test store; the result."""
    monkeypatch.setenv("RETAGUARDA_DATABASE_URL", store_url)
    runner = CliRunner()
    return lambda *args, input=None: runner.invoke(main, list(args), input=input)


def rows(store) -> list[dict]:
    with store.read() as connection:
        return [dict(row._mapping) for row in connection.execute(select(users))]


def test_add_prints_exactly_name_role_team_and_token(cli, store):
    result = cli(
        "users", "add", "ana", "--role", "leitura", "--team", "Filial SP", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert list(printed) == ["name", "role", "team", "token"]
    assert printed["name"] == "ana"
    assert printed["role"] == "leitura"
    assert printed["team"] == "Filial SP"
    assert len(printed["token"]) >= 40


def test_a_user_without_team_prints_team_null(cli):
    result = cli("users", "add", "bia", "--role", "admin", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["team"] is None


def test_the_token_is_stored_only_as_its_sha256(cli, store):
    token = json.loads(
        cli("users", "add", "ana", "--role", "financeiro", "--format", "json").output
    )["token"]
    (row,) = rows(store)
    assert row["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert not any(token in str(value) for value in row.values())
    assert row["password_hash"] is None


def test_the_password_is_stored_salted_and_slow(cli, store):
    cli("users", "add", "ana", "--role", "leitura")
    cli("users", "add", "rui", "--role", "leitura")
    for name in ("ana", "rui"):
        result = cli("users", "password", name, "--password-stdin", input="mesma senha longa\n")
        assert result.exit_code == 0, result.output
    stored = {row["name"]: row["password_hash"] for row in rows(store)}
    assert stored["ana"] != stored["rui"], "the same password, salted differently"
    for digest in stored.values():
        assert "mesma senha longa" not in digest
        assert digest.startswith(("scrypt:", "pbkdf2:"))
        assert check_password_hash(digest, "mesma senha longa")


def test_password_is_asked_twice_hidden(cli, store):
    cli("users", "add", "ana", "--role", "leitura")
    result = cli("users", "password", "ana", input="uma senha longa\numa senha longa\n")
    assert result.exit_code == 0, result.output
    assert "uma senha longa" not in result.output  # not echoed
    assert "Repita a senha" in result.output
    (row,) = rows(store)
    assert check_password_hash(row["password_hash"], "uma senha longa")


def test_a_short_password_is_refused_in_portuguese(cli, store):
    cli("users", "add", "ana", "--role", "leitura")
    result = cli("users", "password", "ana", "--password-stdin", input="curta\n")
    assert result.exit_code == 2
    assert "a senha precisa de pelo menos 10 caracteres" in result.output
    assert rows(store)[0]["password_hash"] is None


def test_token_replaces_the_old_one(cli, store):
    old = json.loads(cli("users", "add", "ana", "--role", "leitura", "--format", "json").output)
    result = cli("users", "token", "ana", "--format", "json")
    assert result.exit_code == 0, result.output
    new = json.loads(result.output)
    assert new["name"] == "ana"
    assert new["token"] != old["token"]
    assert user_for_token(store, old["token"]) is None
    assert user_for_token(store, new["token"]).name == "ana"


def test_remove_disables_and_keeps_the_name(cli, store):
    token = json.loads(cli("users", "add", "ana", "--role", "leitura", "--format", "json").output)[
        "token"
    ]
    result = cli("users", "remove", "ana")
    assert result.exit_code == 0, result.output
    assert "usuário removido: ana" in result.output
    (row,) = rows(store)
    assert row["disabled_at"] is not None
    assert user_for_token(store, token) is None
    assert json.loads(cli("users", "list", "--format", "json").output) == []
    (listed,) = json.loads(cli("users", "list", "--all", "--format", "json").output)
    assert listed["name"] == "ana"
    assert listed["disabled_at"] is not None
    again = cli("users", "add", "ana", "--role", "leitura")
    assert again.exit_code == 2
    assert "já existe um usuário chamado 'ana'" in again.output


def test_list_shows_role_team_and_whether_a_password_is_set(cli):
    cli("users", "add", "ana", "--role", "leitura", "--team", "Filial SP")
    cli("users", "add", "bia", "--role", "admin")
    cli("users", "password", "bia", "--password-stdin", input="senha da bia, longa\n")
    listed = json.loads(cli("users", "list", "--format", "json").output)
    assert [(u["name"], u["role"], u["team"], u["password"]) for u in listed] == [
        ("ana", "leitura", "Filial SP", False),
        ("bia", "admin", None, True),
    ]
    table = cli("users", "list").output
    assert "todos os times" in table
    assert "Filial SP" in table


def test_an_unknown_role_or_user_is_a_usage_error(cli):
    bad_role = cli("users", "add", "ana", "--role", "chefe")
    assert bad_role.exit_code == 2
    assert "leitura" in bad_role.output
    for command in (["remove", "ninguem"], ["token", "ninguem"]):
        result = cli("users", *command)
        assert result.exit_code == 2
        assert "usuário desconhecido: 'ninguem'" in result.output


def test_the_token_is_shown_once_on_the_terminal_too(cli):
    result = cli("users", "add", "ana", "--role", "leitura")
    assert result.exit_code == 0, result.output
    assert "token de acesso: rg_" in result.output
    assert "não será mostrado de novo" in result.output


def test_visible_teams(store):
    """A user with a team sees that team alone, unless admin; None means every team."""
    cases = [
        ("ana", "leitura", "Filial SP", {"Filial SP"}),
        ("fin", "financeiro", "Matriz", {"Matriz"}),
        ("adm", "admin", "Matriz", None),
        ("rui", "leitura", None, None),
    ]
    for name, role, team, teams in cases:
        user, _token = add_user(store, name, role=role, team=team, at=CREATED)
        assert visible_teams(user) == teams, name
