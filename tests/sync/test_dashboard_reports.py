"""Relatórios on the dashboard: the consolidated books of every team finance may see, one
team's for a team's reader, the months chosen in the page's form."""

from __future__ import annotations

from datetime import date

import pytest
from test_api_reports import REFUND
from test_cli_sync import GOOD, ledger
from test_dashboard import PASSWORD, log_in, page

from retaguarda.sync.app import create_app
from retaguarda.sync.runner import sync_source
from retaguarda.sync.sources import add_source
from retaguarda.sync.users import add_user, set_password
from retaguarda.templates.validate import Options

OPTIONS = Options(today=date(2026, 11, 25))
MARCH = "relatorio=balancete&de=2026-03&ate=2026-03"


@pytest.fixture
def web(store, store_url, tmp_path, monkeypatch):
    """Matriz: a sale of R$ 1.234,56 and a refund of R$ 89,90 in March; Filial Rio: the
    same sale. Finance (ana) sees both teams, rui only Filial Rio."""
    monkeypatch.setenv("RETAGUARDA_TODAY", "2026-11-25")
    matriz = add_source(store, team="Matriz", file=ledger(tmp_path / "m.xlsx", GOOD, REFUND))
    rio = add_source(store, team="Filial Rio", file=ledger(tmp_path / "r.xlsx", GOOD))
    for source in (matriz, rio):
        sync_source(store, source, OPTIONS)
    for name, role, team in (("ana", "financeiro", None), ("rui", "leitura", "Filial Rio")):
        add_user(store, name, role=role, team=team)
        set_password(store, name, PASSWORD)
    return create_app(database_url=store_url)


def test_finance_sees_the_consolidated_balancete_of_march(web):
    client = web.test_client()
    log_in(client, "ana")
    text = page(client, f"/relatorios?{MARCH}")
    assert "Balancete de verificação" in text
    assert "Consolidado" in text
    # Bancos: 1.234,56 debited by each team's sale = 2.469,12; the refund credited 89,90
    assert "2.469,12" in text
    assert "89,90" in text


def test_a_teams_reader_sees_that_teams_books_only(web):
    client = web.test_client()
    log_in(client, "rui")
    text = page(client, f"/relatorios?{MARCH}")
    assert "1.234,56" in text
    assert "2.469,12" not in text
    assert "89,90" not in text
    assert client.get(f"/relatorios?{MARCH}&time=Matriz").status_code == 404


def test_without_months_the_page_shows_the_months_of_the_entries(web):
    client = web.test_client()
    log_in(client, "ana")
    text = page(client, "/relatorios?relatorio=dre")
    assert "DRE" in text
    assert "março de 2026" in text.lower() or "03/2026" in text


def test_a_wrong_month_is_said_not_crashed_on(web):
    client = web.test_client()
    log_in(client, "ana")
    text = page(client, "/relatorios?relatorio=balancete&de=2026-13&ate=2026-03")
    assert "Mês inválido" in text
    text = page(client, "/relatorios?relatorio=balancete&de=2026-04&ate=2026-03")
    assert "O mês final vem antes do inicial" in text
