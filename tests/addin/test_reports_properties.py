"""The accounting invariants on journals hypothesis makes up: the trial balance's debits equal
its credits, the balance sheet balances, the DRE's result is what the period's entries did to
the patrimônio líquido, and a consolidation minus its eliminations is the sum of the teams."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from conftest import table_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retaguarda.addin.reports.balancete import balancete
from retaguarda.addin.reports.balanco import balanco
from retaguarda.addin.reports.books import books_of
from retaguarda.addin.reports.cash_flow import cash_flow
from retaguarda.addin.reports.dre import dre
from retaguarda.addin.reports.model import Books, Period, ReportOptions
from retaguarda.templates.catalog.plano_de_contas import STARTER_CHART

POSTABLE = [code for code, *_, postable in STARTER_CHART if postable == "Sim"]
KIND = {code: kind for code, _, kind, *_ in STARTER_CHART}
PERIOD = Period(date(2026, 2, 1), date(2026, 3, 31))
OPTIONS = ReportOptions(today=date(2026, 3, 31))
FIRST = date(2026, 1, 1)
SIDES, EQUITY = ("Ativo", "Passivo"), "Patrimônio líquido"
CHART = table_of("plano_de_contas", *(list(row) for row in STARTER_CHART))

entry = st.tuples(
    st.integers(0, 105),  # days after 01/01/2026: up to mid-April
    st.sampled_from(POSTABLE),
    st.sampled_from(POSTABLE),
    st.integers(1, 10**9),  # cents
).filter(lambda e: e[1] != e[2])
entries = st.lists(entry, min_size=1, max_size=25)
#: journals that never touch the transfer account on their own
plain = st.lists(entry.filter(lambda e: "1.1.07" not in e[1:3]), max_size=20)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def books(team: str, rows: list[tuple[int, str, str, int]]) -> Books:
    journal = [
        [
            (FIRST + timedelta(days=day)).strftime("%d/%m/%Y"),
            f"D{n}",
            "Lançamento",
            debit,
            credit,
            f"{cents // 100},{cents % 100:02d}",
            "",
            "",
            "",
        ]
        for n, (day, debit, credit, cents) in enumerate(rows)
    ]
    return books_of(team, [CHART, table_of("lancamentos", *journal)])


def within(day: int) -> bool:
    return PERIOD.start <= FIRST + timedelta(days=day) <= PERIOD.end


@SETTINGS
@given(entries)
def test_debits_equal_credits(rows):
    report = balancete([books("A", rows)], PERIOD, OPTIONS)
    totals = report.main.totals.values
    assert totals["debit"] == totals["credit"]
    assert totals["opening"] == totals["closing"] == Decimal("0.00")
    expected = sum(cents for day, _, _, cents in rows if within(day))
    assert totals["debit"] == Decimal(expected) / 100


@SETTINGS
@given(entries)
def test_balance_sheet_balances_and_dre_result_is_the_change_in_equity(rows):
    one = books("A", rows)
    sheet = balanco([one], PERIOD, OPTIONS)
    assert sheet.summary["balanced"] is True
    s = sheet.summary
    assert s["assets"] == s["liabilities"] + s["equity"]
    # What the period's entries did to ativo − passivo, less what they put in the PL
    # accounts themselves, is the result.
    net_assets = equity_accounts = 0
    for day, debit, credit, cents in rows:
        if not within(day):
            continue
        net_assets += cents * (KIND[debit] in SIDES) - cents * (KIND[credit] in SIDES)
        equity_accounts += cents * (KIND[credit] == EQUITY) - cents * (KIND[debit] == EQUITY)
    result = dre([one], PERIOD, OPTIONS).summary["result"]
    assert result == Decimal(net_assets - equity_accounts) / 100
    assert result == s["result"]


@SETTINGS
@given(plain, plain, st.lists(st.tuples(st.integers(0, 105), st.integers(1, 10**7)), max_size=5))
def test_consolidated_minus_eliminations_is_the_sum_of_teams(first, second, transfers):
    # the Matriz sends money to the filial: each side books it on its transfer account
    first = first + [(day, "1.1.07", "1.1.02", cents) for day, cents in transfers]
    second = second + [(day, "1.1.02", "1.1.07", cents) for day, cents in transfers]
    teams = [books("Matriz", first), books("Filial", second)]
    alone = [balancete([t], PERIOD, OPTIONS) for t in teams]
    together = balancete(teams, PERIOD, OPTIONS)
    eliminations = {r.values["account"]: r.values for r in together.sections[1].rows}
    for key in ("debit", "credit"):
        summed = sum(r.main.totals.values[key] for r in alone)
        assert together.main.totals.values[key] - together.sections[1].totals.values[key] == summed
        leaves = [r for r in together.main.rows if r.values["account"] in POSTABLE]
        for row in leaves:
            code = row.values["account"]
            teams_sum = sum(
                next((r.values[key] for r in a.main.rows if r.values["account"] == code),
                     Decimal("0.00"))
                for a in alone
            )  # fmt: skip
            eliminated = eliminations.get(code, {}).get(key, Decimal("0.00"))
            assert row.values[key] - eliminated == teams_sum
    assert together.summary["balanced"] is True
    # the transfers both sides booked in the period are taken out of both columns
    moved = sum(cents for day, cents in transfers if within(day))
    assert together.sections[1].totals.values["debit"] == -Decimal(moved) / 100
    flows = [cash_flow([t], PERIOD, OPTIONS) for t in teams]
    consolidated = cash_flow(teams, PERIOD, OPTIONS)
    for key in ("realized_in", "realized_out"):
        summed = sum(f.main.totals.values[key] for f in flows)
        assert (
            consolidated.main.totals.values[key] - consolidated.sections[1].totals.values[key]
            == summed
        )
    assert balanco(teams, PERIOD, OPTIONS).summary["balanced"] is True
