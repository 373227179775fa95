"""`/api/reports/<kind>`: the reports over the consolidated store, as finance's scripts read
them, one team's books for a team's reader."""

from __future__ import annotations

from datetime import date

import pytest
from test_cli_sync import GOOD, ledger

from retaguarda.sync.app import create_app
from retaguarda.sync.runner import sync_source
from retaguarda.sync.sources import add_source
from retaguarda.sync.users import add_user
from retaguarda.templates.validate import Options

OPTIONS = Options(today=date(2026, 11, 25))
#: Matriz pays a refund of R$ 89,90 on 10/03 (Receita de vendas debited, Bancos credited)
REFUND = ["10/03/2026", "NF-9", "Estorno de venda", "3.1.01", "1.1.02", "89,90", "", "", ""]
MARCH = "from=2026-03&to=2026-03&today=2026-11-25"


@pytest.fixture
def client(store, store_url, tmp_path):
    """Matriz: a sale of R$ 1.234,56 on 05/03 and the refund; Filial Rio: the same sale."""
    matriz = add_source(store, team="Matriz", file=ledger(tmp_path / "m.xlsx", GOOD, REFUND))
    rio = add_source(store, team="Filial Rio", file=ledger(tmp_path / "r.xlsx", GOOD))
    for source in (matriz, rio):
        sync_source(store, source, OPTIONS)
    tokens = {
        name: add_user(store, name, role=role, team=team)[1]
        for name, role, team in (("fin", "financeiro", None), ("rui", "leitura", "Filial Rio"))
    }
    app = create_app(database_url=store_url)
    web = app.test_client()
    return lambda path, who="fin": web.get(path, headers={"Authorization": f"Bearer {tokens[who]}"})


def _by_account(answer) -> dict[str, dict]:
    return {row["account"]: row for row in answer.json["rows"]}


def test_the_balancete_of_every_team_adds_their_books(client):
    answer = client(f"/api/reports/balancete?{MARCH}")
    assert answer.status_code == 200, answer.json
    assert answer.json["report"] == "balancete"
    assert (answer.json["from"], answer.json["to"]) == ("2026-03", "2026-03")
    rows = _by_account(answer)
    # Bancos: two sales debited (1.234,56 × 2 = 2.469,12), the refund credited (89,90);
    # closing 2.469,12 − 89,90 = 2.379,22
    assert {k: rows["1.1.02"][k] for k in ("name", "opening", "debit", "credit", "closing")} == {
        "name": "Bancos",
        "opening": "0.00",
        "debit": "2469.12",
        "credit": "89.90",
        "closing": "2379.22",
    }
    assert rows["3.1.01"]["debit"] == "89.90"
    assert rows["3.1.01"]["credit"] == "2469.12"
    # debits = credits = 2.469,12 + 89,90 = 2.559,02
    assert answer.json["totals"]["debit"] == answer.json["totals"]["credit"] == "2559.02"


def test_a_teams_reader_gets_that_teams_books_only(client):
    rows = _by_account(client(f"/api/reports/balancete?{MARCH}", who="rui"))
    assert rows["1.1.02"]["debit"] == "1234.56"
    assert rows["1.1.02"]["credit"] == "0.00"
    answer = client(f"/api/reports/balancete?{MARCH}&team=Matriz", who="rui")
    assert answer.status_code == 404


def test_one_team_can_be_asked_for(client):
    rows = _by_account(client(f"/api/reports/balancete?{MARCH}&team=Matriz"))
    assert (rows["1.1.02"]["debit"], rows["1.1.02"]["credit"]) == ("1234.56", "89.90")


def test_without_months_the_report_covers_the_entries_months(client):
    answer = client("/api/reports/dre?today=2026-11-25")
    assert answer.status_code == 200, answer.json
    assert (answer.json["from"], answer.json["to"]) == ("2026-03", "2026-03")


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/reports/razao?from=2026-03&to=2026-03", 404),
        ("/api/reports/balancete?from=2026-03", 422),
        ("/api/reports/balancete?from=2026-04&to=2026-03", 422),
        ("/api/reports/balancete?from=2026-13&to=2026-03", 422),
        ("/api/reports/fluxo-de-caixa?by=year", 422),
    ],
)
def test_a_wrong_question_gets_a_clear_refusal(client, path, status):
    answer = client(path)
    assert answer.status_code == status
    assert answer.json
