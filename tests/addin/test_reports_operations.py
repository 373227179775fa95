"""Fluxo de caixa, aging and estoque of the small company in `reports_company`, on
31/03/2026, worked out by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

from conftest import table_of
from reports_company import MARCH, OPTIONS, PAYABLES, company

from retaguarda.addin.reports.aging import aging
from retaguarda.addin.reports.books import books_of
from retaguarda.addin.reports.cash_flow import cash_flow
from retaguarda.addin.reports.model import Period
from retaguarda.addin.reports.stock import stock

MARCH_APRIL = Period(date(2026, 3, 1), date(2026, 4, 30))


def test_cash_flow_realized_in_march_and_projected_in_april():
    report = cash_flow([company()], MARCH_APRIL, OPTIONS)
    opening, march, april = report.main.rows
    # Before March: 20.000 of capital and 5.000 received, all in Bancos.
    assert opening.values["balance"] == D("25000.00")
    # Realized in: 3.000 received + 12,35 of interest (the 300 drawn to the till moves
    # between two cash accounts: nothing). Out: 2.500 + 4.000 + 45,90 + 1.000 = 7.545,90.
    assert (march.values["realized_in"], march.values["realized_out"]) == (
        D("3012.35"), D("-7545.90"),
    )  # fmt: skip
    # Overdue and open on 31/03, expected today: receivable 1.200 + 700 + 450 = 2.350;
    # payable: the 2.000 left of NF-100 + 150 = 2.150.
    assert (march.values["projected_in"], march.values["projected_out"]) == (
        D("2350.00"), D("-2150.00"),
    )  # fmt: skip
    # 25.000 + 3.012,35 − 7.545,90 + 2.350 − 2.150 = 20.666,45
    assert march.values["balance"] == D("20666.45")
    # April: the 5.000 left of NF-1 on 04/04, the 2.500 of rent on 10/04; the 900 due in May
    # is outside the period.
    assert (april.values["projected_in"], april.values["projected_out"]) == (
        D("5000.00"), D("-2500.00"),
    )  # fmt: skip
    assert april.values["balance"] == D("23166.45")
    assert report.summary["first_negative_day"] is None
    assert report.summary["cash_accounts"] == ["1.1.01", "1.1.02"]
    assert "O saldo não fica negativo no período." in report.notes
    assert any(n.startswith("1 título(s) em aberto vencem fora do período") for n in report.notes)
    (chart,) = report.charts
    assert [s.kind for s in chart.series] == [None, None, "line"]
    assert chart.series[2].values == (D("20666.45"), D("23166.45"))


def test_cash_flow_first_negative_day():
    payables = [
        *PAYABLES,
        ["Construtora", "", "OB-1", "20/03/2026", "10/04/2026", "30.000,00", "", "", "",
         "2.1.01", "", ""],
    ]  # fmt: skip
    books = company()
    books = books_of(
        "Matriz",
        [t for key, ts in books.tables.items() if key != "contas_a_pagar" for t in ts]
        + [table_of("contas_a_pagar", *payables)],
    )
    report = cash_flow([books], MARCH_APRIL, replace(OPTIONS, granularity="day"))
    # 20.666,45 on 31/03; + 5.000 on 04/04 = 25.666,45; − 2.500 − 30.000 on 10/04
    # = −6.833,55.
    assert report.summary["first_negative_day"] == date(2026, 4, 10)
    assert report.summary["lowest_balance"] == D("-6833.55")
    assert "O saldo fica negativo em 10/04/2026." in report.notes
    # one row a day plus the opening one
    assert len(report.main.rows) == 1 + 61


def test_cash_flow_by_week_starts_on_mondays():
    report = cash_flow([company()], MARCH, replace(OPTIONS, granularity="week"))
    labels = [r.values["period"] for r in report.main.rows[1:]]
    # 01/03/2026 is a Sunday: a one-day first week, then Mondays.
    assert labels[:3] == ["Semana de 01/03/2026", "Semana de 02/03/2026", "Semana de 09/03/2026"]
    assert report.main.totals.values["balance"] == D("20666.45")


def test_aging_on_the_31st_of_march():
    report = aging([company()], MARCH, OPTIONS)
    receivable = {r.values["counterparty"]: r.values for r in report.sections[0].rows}
    # Mercado Bom: NF-1's 5.000 left is due 04/04 (a vencer); NF-4 was due 30/03, 1 day late.
    assert (receivable["Mercado Bom"]["not_due"], receivable["Mercado Bom"]["d1_30"]) == (
        D("5000.00"), D("450.00"),
    )  # fmt: skip
    assert receivable["Mercado Bom"]["titles"] == 2
    # Padaria Sol: due 25/01, 6 + 28 + 31 = 65 days late.
    assert receivable["Padaria Sol"]["d61_90"] == D("1200.00")
    # Hotel Mar: due 28/02, 31 days late.
    assert receivable["Hotel Mar"]["d31_60"] == D("700.00")
    assert receivable["Escola Aprender"]["not_due"] == D("900.00")
    # largest first
    assert next(iter(receivable)) == "Mercado Bom"
    totals = report.sections[0].totals.values
    assert [totals[k] for k in ("not_due", "d1_30", "d31_60", "d61_90", "over_90", "total")] == [
        D("5900.00"), D("450.00"), D("700.00"), D("1200.00"), D("0.00"), D("8250.00"),
    ]  # fmt: skip
    payable = report.sections[1]
    assert payable.key == "payable"
    totals = payable.totals.values
    # Alfa: 2.000 left, due 15/03, 16 days; rent not due; Gráfica: due 20/12/2025,
    # 11 + 31 + 28 + 31 = 101 days; Papelaria paid in full.
    assert [totals[k] for k in ("not_due", "d1_30", "d31_60", "d61_90", "over_90", "total")] == [
        D("2500.00"), D("2000.00"), D("0.00"), D("0.00"), D("150.00"), D("4650.00"),
    ]  # fmt: skip
    assert totals["titles"] == 3
    assert report.summary["receivable_overdue"] == D("2350.00")
    assert report.summary["payable_over_90"] == D("150.00")
    (chart,) = report.charts
    assert chart.kind == "stacked_column"
    assert chart.categories == ("A receber", "A pagar")
    assert chart.series[0].values == (D("5900.00"), D("2500.00"))


def test_aging_counts_from_the_given_day_not_the_clock():
    later = aging([company()], MARCH, replace(OPTIONS, today=date(2026, 4, 30)))
    totals = later.sections[0].totals.values
    # On 30/04 NF-1 (due 04/04) is 26 days late; NF-4 31; Hotel Mar 61; Padaria 95.
    assert [totals[k] for k in ("not_due", "d1_30", "d31_60", "d61_90", "over_90")] == [
        D("900.00"), D("5000.00"), D("450.00"), D("700.00"), D("1200.00"),
    ]  # fmt: skip


def test_stock_position_movements_and_stale_items():
    report = stock([company()], MARCH, OPTIONS)
    position = {r.values["sku"]: r.values for r in report.main.rows}
    cafe = position["CAF-500"]
    # 10 + 30 − 15 − 2 + 7 − 5 = 25 (the Saída of 03/04 is after the period).
    # Average: (10 × 12,50 + 30 × 14,00) / 40 = 13,6250; after the 20/03 Entrada
    # (23 × 13,6250 + 7 × 15,1234) / 30 = 419,2388 / 30 = 13,9746;
    # value 25 × 13,9746 = 349,365 → 349,37.
    assert (cafe["quantity"], cafe["average_cost"], cafe["value"]) == (
        D("25.000"), D("13.9746"), D("349.37"),
    )  # fmt: skip
    assert position["ARR-1"]["value"] == D("160.00")  # 8 × 20,00
    assert report.main.totals.values["value"] == D("509.37")
    (moved,) = report.sections[1].rows
    # Entradas 125 + 420 + 7 × 15,1234 = 105,8638 → 105,86: 650,86.
    # What left: 15 × 13,6250 = 204,375 → 204,38; the Ajuste 2 × 13,6250 = 27,25;
    # 5 × 13,9746 = 69,873 → 69,87: 301,50.
    assert (moved.values["entries"], moved.values["issues"], moved.values["adjustments"]) == (
        D("47.000"), D("20.000"), D("-2.000"),
    )  # fmt: skip
    assert (moved.values["entries_value"], moved.values["issues_cost"]) == (
        D("650.86"), D("301.50"),
    )  # fmt: skip
    # Giro: 301,50 / ((0 + 349,37) / 2) = 1,7259… → 1,73
    assert moved.values["turnover"] == D("1.73")
    # Arroz: last moved 02/10/2025, 180 days before 31/03/2026.
    (stale,) = report.sections[2].rows
    assert (stale.values["sku"], stale.values["days"]) == ("ARR-1", 180)
    assert report.summary["stale_value"] == D("160.00")
    # Whole stock: 301,50 / ((160 + 509,37) / 2) = 0,9008… → 0,90
    assert report.summary["turnover"] == D("0.90")
