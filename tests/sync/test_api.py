"""`/api/` as finance's scripts use it: a token, JSON, one team's rows for a team's reader.

Two teams' workbooks are synced into the test store (both backends); what the API answers is
compared with what those sheets hold. schemathesis then checks every route against the
OpenAPI document the service publishes, on the real server.
"""

from __future__ import annotations

from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from test_cli_sync import BAD, GOOD, ledger
from test_serve import running

from retaguarda.sync.app import create_app
from retaguarda.sync.runner import sync_source
from retaguarda.sync.sources import add_source
from retaguarda.sync.users import add_user, disable_user
from retaguarda.templates.validate import Options

OPTIONS = Options(today=date(2026, 11, 25))


@pytest.fixture
def synced(store, store_url, tmp_path):
    """Matriz with a good and a bad row, Filial Rio with a good one; an app and three users."""
    matriz = add_source(store, team="Matriz", file=ledger(tmp_path / "matriz.xlsx", GOOD, BAD))
    rio = add_source(store, team="Filial Rio", file=ledger(tmp_path / "rio.xlsx", GOOD))
    for source in (matriz, rio):
        sync_source(store, source, OPTIONS)
    app = create_app(database_url=store_url)
    tokens = {
        name: add_user(store, name, role=role, team=team)[1]
        for name, role, team in (
            ("ana", "admin", None),
            ("rui", "leitura", "Filial Rio"),
            ("fin", "financeiro", None),
        )
    }
    return app.test_client(), tokens


def get(client, path: str, token: str | None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(path, headers=headers)


@pytest.mark.parametrize("token", [None, "rg_not-a-token"])
@pytest.mark.parametrize("path", ["/api/sources", "/api/tables/lancamentos", "/api/quarantine"])
def test_no_data_without_a_valid_token(synced, path, token):
    client, _tokens = synced
    answer = get(client, path, token)
    assert answer.status_code == 401
    assert answer.json["error"]


def test_a_disabled_users_token_stops_working(synced, store):
    client, tokens = synced
    assert get(client, "/api/sources", tokens["fin"]).status_code == 200
    disable_user(store, "fin")
    assert get(client, "/api/sources", tokens["fin"]).status_code == 401


def test_sources_show_their_last_sync(synced):
    client, tokens = synced
    answer = get(client, "/api/sources", tokens["ana"])
    assert answer.status_code == 200
    by_team = {s["team"]: s for s in answer.json["sources"]}
    assert set(by_team) == {"Matriz", "Filial Rio"}
    # Matriz: the chart's 2 accounts and the good posting in, the bad posting held
    assert (by_team["Matriz"]["inserted"], by_team["Matriz"]["quarantined"]) == (3, 1)
    assert by_team["Matriz"]["held_rows"] == 1
    assert by_team["Filial Rio"]["held_rows"] == 0


def test_a_team_reader_sees_only_their_team(synced):
    client, tokens = synced
    sources = get(client, "/api/sources", tokens["rui"]).json["sources"]
    assert [s["team"] for s in sources] == ["Filial Rio"]
    table = get(client, "/api/tables/lancamentos", tokens["rui"]).json
    assert {row["team"] for row in table["rows"]} == {"Filial Rio"}
    assert table["total"] == 1
    assert get(client, "/api/quarantine", tokens["rui"]).json["rows"] == []


def test_consolidated_rows_keep_amounts_exact(synced):
    client, tokens = synced
    table = get(client, "/api/tables/lancamentos?limit=10", tokens["ana"]).json
    assert table["total"] == 2  # one good posting from each team
    assert table["columns"][:4] == ["team", "sheet", "sheet_row", "row_id"]
    # GOOD's Valor is "1.234,56": a decimal string, never a float
    assert [row["valor"] for row in table["rows"]] == ["1234.56", "1234.56"]
    assert [row["data"] for row in table["rows"]] == ["2026-03-05", "2026-03-05"]


def test_quarantine_lists_the_held_row_and_why(synced):
    client, tokens = synced
    (row,) = get(client, "/api/quarantine", tokens["ana"]).json["rows"]
    assert (row["team"], row["template"], row["sheet_row"]) == ("Matriz", "lancamentos", 3)
    assert row["raw"]["Valor"] == "12,3,4"  # as it was typed
    assert [i["code"] for i in row["issues"]] == ["number.invalid"]
    assert row["issues"][0]["cell"].startswith("F")


def test_pages_and_bounds(synced):
    client, tokens = synced
    first = get(client, "/api/tables/lancamentos?limit=1", tokens["ana"]).json
    second = get(client, "/api/tables/lancamentos?limit=1&offset=1", tokens["ana"]).json
    assert len(first["rows"]) == len(second["rows"]) == 1
    # the same posting in each team's workbook: the two pages hold one team each
    assert {first["rows"][0]["team"], second["rows"][0]["team"]} == {"Matriz", "Filial Rio"}
    assert get(client, "/api/tables/lancamentos?limit=0", tokens["ana"]).status_code == 422
    assert get(client, "/api/tables/lancamentos?limit=501", tokens["ana"]).status_code == 422
    unknown = get(client, "/api/tables/nada", tokens["ana"])
    assert unknown.status_code == 404
    assert "modelo desconhecido: nada" in unknown.json["error"]


def test_the_openapi_document_lists_every_route(synced):
    client, _tokens = synced
    document = client.get("/api/docs/openapi.json").json
    assert {
        "/api/sources",
        "/api/runs",
        "/api/events",
        "/api/jobs",
        "/api/quarantine",
        "/api/tables/{template}",
    } <= set(document["paths"])
    assert document["components"]["securitySchemes"]["token"]["scheme"] == "bearer"


def test_every_route_keeps_to_the_document(synced, store):
    """schemathesis, against the running server: every answer matches its declared schema and
    no input makes it fail with a 500."""
    client, tokens = synced
    app = client.application
    with running(app) as port:
        schema = schemathesis.openapi.from_url(f"http://127.0.0.1:{port}/api/docs/openapi.json")
        for operation in schema.get_all_operations():
            strategy = operation.ok().as_strategy()

            @settings(
                max_examples=15,
                deadline=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
                database=None,
            )
            @given(case=strategy)
            def check(case):
                case.call_and_validate(
                    base_url=f"http://127.0.0.1:{port}",
                    headers={"Authorization": f"Bearer {tokens['ana']}"},
                )

            check()
