"""Two teams in one report: the Matriz of `reports_company` and a filial that received its
1.000 transfer on 31/03; what both sides booked between them is eliminated."""

from __future__ import annotations

from decimal import Decimal as D

from conftest import table_of
from reports_company import CHART, MARCH, OPTIONS, company, journal_rows

from retaguarda.addin.reports.aging import aging
from retaguarda.addin.reports.balancete import balancete
from retaguarda.addin.reports.balanco import balanco
from retaguarda.addin.reports.books import books_of
from retaguarda.addin.reports.cash_flow import cash_flow
from retaguarda.addin.reports.dre import dre
from retaguarda.addin.reports.stock import stock

FILIAL_JOURNAL = [
    ["31/03/2026", "TR-1", "Transferência da matriz", "1.1.02", "1.1.07", "1.000,00"],
    ["31/03/2026", "V-1", "Venda no balcão", "1.1.01", "3.1.01", "250,00"],
]


def teams():
    filial = books_of(
        "Filial Rio",
        [
            table_of("plano_de_contas", *CHART),
            table_of("lancamentos", *journal_rows(FILIAL_JOURNAL)),
        ],
    )
    return [company("Matriz"), filial]


def test_balancete_eliminates_the_transfer_both_sides_booked():
    report = balancete(teams(), MARCH, OPTIONS)
    assert report.scope == "Consolidado (Matriz, Filial Rio)"
    rows = {r.values["account"]: r.values for r in report.main.rows}
    # Matriz debited 1.1.07 with 1.000, the filial credited it with 1.000: both taken out,
    # nothing is left on the account, and it is not listed.
    assert "1.1.07" not in rows
    assert rows["1.1.02"]["debit"] == D("4012.35")  # 3.012,35 + the filial's 1.000
    (eliminated,) = report.sections[1].rows
    assert (eliminated.values["account"], eliminated.values["debit"]) == ("1.1.07", D("-1000.00"))
    # Matriz 33.298,25 + filial 1.250 − 1.000 eliminated
    assert report.summary["debit_total"] == report.summary["credit_total"] == D("33548.25")


def test_cash_flow_drops_the_money_sent_between_teams():
    report = cash_flow(teams(), MARCH, OPTIONS)
    (_opening, march) = report.main.rows
    # Matriz: in 3.012,35, out 7.545,90 of which 1.000 to the filial; the filial: in 1.000
    # from the Matriz and 250 at the till.
    assert (march.values["realized_in"], march.values["realized_out"]) == (
        D("3262.35"), D("-6545.90"),
    )  # fmt: skip
    totals = report.sections[1].totals.values
    assert (totals["realized_in"], totals["realized_out"]) == (D("-1000.00"), D("1000.00"))


def test_balanco_dre_aging_and_stock_add_the_teams_up():
    sheet = balanco(teams(), MARCH, OPTIONS)
    assert sheet.summary["balanced"] is True
    # Matriz 28.866,45 − its 1.000 owed by the filial + the filial's 1.250 in cash and bank
    assert sheet.summary["assets"] == D("29116.45")
    elim = {r.values["team"]: r.values["amount"] for r in sheet.sections[1].rows}
    assert elim == {"Matriz": D("1000.00"), "Filial Rio": D("-1000.00"), "Eliminado": D("-1000.00")}
    assert sheet.sections[1].totals.values["amount"] == D("0.00")
    assert dre(teams(), MARCH, OPTIONS).summary["result"] == D("-2723.55")  # −2.973,55 + 250
    assert aging(teams(), MARCH, OPTIONS).summary["receivable_total"] == D("8250.00")
    assert stock(teams(), MARCH, OPTIONS).summary["total_value"] == D("509.37")
