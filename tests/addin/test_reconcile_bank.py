"""reconcile_bank: the statement against the ledger of one account, and what explains the gap."""

from __future__ import annotations

from decimal import Decimal

from reconcile_cases import LEDGER, M3, MATCHING, STATEMENT

from retaguarda.addin.reconcile.bank import explain, split_period
from retaguarda.addin.reconcile.model import Decision


def case():
    before, period, after = split_period(LEDGER, STATEMENT.lines, 3)
    return explain(
        "1.1.02", STATEMENT, period, MATCHING, ledger_before=before, ledger_after_count=after
    )


def test_the_period_is_the_statements_widened_by_the_window():
    before, period, after = split_period(LEDGER, STATEMENT.lines, 3)
    # statement from 02/03 to 12/03, ±3 days: 27/02 to 15/03
    assert before == 100000  # the opening entry of 01/02
    assert period["ref"].tolist() == [
        "Lançamentos!3",
        "Contas a pagar!2",
        "Lançamentos!4",
        "Lançamentos!5",
    ]
    assert after == 1  # 01/05 belongs to a later statement
    # an empty statement has no period: everything is matched against
    empty = STATEMENT.lines.iloc[0:0]
    before, period, after = split_period(LEDGER, empty, 3)
    assert (before, len(period), after) == (0, 6, 0)


def test_the_summary_explains_the_gap_item_by_item():
    s = case().summary
    assert (s.opening, s.closing) == (Decimal("1000.00"), Decimal("341.60"))
    assert s.statement_total == Decimal("500.00") - Decimal("120.50") - Decimal("30.00") - Decimal(
        "1007.90"
    )
    assert s.ledger_before == Decimal("1000.00")
    # 1.000 + 500 − 120,50 − 1.000 − 45
    assert s.ledger_balance == Decimal("334.50")
    assert s.gap == Decimal("341.60") - Decimal("334.50") == Decimal("7.10")
    assert s.opening_difference == Decimal("0.00")
    assert (s.unmatched_statement, s.unmatched_statement_count) == (Decimal("-30.00"), 1)
    assert (s.unmatched_ledger, s.unmatched_ledger_count) == (Decimal("-45.00"), 1)
    # the transfer: −1.007,90 on the statement, −1.000,00 in the ledger
    assert (s.differences, s.differences_count) == (Decimal("-7.90"), 1)
    # 0 + (−30) − (−45) + (−7,90) = 7,10: all of the gap
    assert s.unexplained == Decimal("0.00")
    assert (s.matches, s.confirmed, s.suggested, s.ledger_after_count) == (3, 0, 1, 1)
    assert case().difference(M3) == Decimal("-7.90")
    assert not case().complete


def test_a_statement_that_does_not_add_up_leaves_its_gap_unexplained():
    broken = type(STATEMENT)(**{**vars(STATEMENT), "closing": Decimal("351.60")})
    before, period, _ = split_period(LEDGER, broken.lines, 3)
    s = explain("1.1.02", broken, period, MATCHING, ledger_before=before).summary
    assert s.gap == Decimal("17.10")
    assert s.unexplained == Decimal("10.00") == broken.gap()


def test_without_balances_the_items_are_still_listed():
    bare = type(STATEMENT)(**{**vars(STATEMENT), "opening": None, "closing": None})
    s = explain("1.1.02", bare, LEDGER.iloc[1:5], MATCHING).summary
    assert (s.gap, s.opening_difference, s.unexplained) == (None, None, None)
    assert s.unmatched_statement == Decimal("-30.00")


def test_rejections_about_lines_that_still_exist_are_carried_forward():
    kept = Decision(("FITID:3",), ("Lançamentos!5",), False)
    gone = Decision(("FITID:9",), ("Lançamentos!5",), False)
    confirmed = Decision(("FITID:1",), ("Lançamentos!3",), True)
    before, period, _ = split_period(LEDGER, STATEMENT.lines, 3)
    rec = explain(
        "1.1.02",
        STATEMENT,
        period,
        MATCHING,
        ledger_before=before,
        decisions=[kept, gone, confirmed, kept],
    )
    assert rec.rejected == [kept]
