"""Bank statement against the ledger of one account: the matching and what explains the gap.

The gap between the bank's closing balance and the book's balance is explained item by item,
as finance writes a bank reconciliation by hand:

    saldo final do extrato − saldo do razão
      = (saldo inicial do extrato − saldo do razão antes do extrato)
      + linhas do extrato sem lançamento − lançamentos sem linha no extrato
      + diferenças a lançar (tarifas)
      + o que o próprio extrato não fecha (saldo inicial + movimento ≠ saldo final)

The ledger's lines dated before the statement's first day (less the date window) make its
balance "before the statement" and are not matched; those after its last day (plus the
window) belong to a later statement and are left out, counted. Each amount above comes from
the lines themselves, so the identity holds whatever the matcher found.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

import numpy as np
import pandas as pd

from retaguarda.addin.reconcile.ledger import ledger_side
from retaguarda.addin.reconcile.match import match_lines
from retaguarda.addin.reconcile.model import (
    Decision,
    Match,
    Matching,
    MatchOptions,
    Statement,
    Status,
)
from retaguarda.templates.table import Table
from retaguarda.validators.issues import Issue, make_issue

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Summary:
    """The balances on both sides and the items that explain the difference (see module)."""

    opening: Decimal | None  # the statement's, None when the file gives none
    closing: Decimal | None
    statement_total: Decimal  # the statement's lines summed
    ledger_before: Decimal  # the ledger on the account before the statement's period
    ledger_balance: Decimal  # the ledger on the account up to the statement's end
    unmatched_statement: Decimal
    unmatched_ledger: Decimal
    differences: Decimal  # tolerated differences of matches, to post (bank fees)
    matches: int = 0
    confirmed: int = 0
    suggested: int = 0
    unmatched_statement_count: int = 0
    unmatched_ledger_count: int = 0
    differences_count: int = 0
    ledger_after_count: int = 0  # ledger lines past the statement's end, left out
    first_day: date | None = None
    last_day: date | None = None

    @property
    def gap(self) -> Decimal | None:
        """Statement closing balance − ledger balance."""
        return None if self.closing is None else self.closing - self.ledger_balance

    @property
    def opening_difference(self) -> Decimal | None:
        """Statement opening balance − the ledger's balance before the statement."""
        return None if self.opening is None else self.opening - self.ledger_before

    @property
    def unexplained(self) -> Decimal | None:
        """What no item explains: the statement's own imbalance (None without balances)."""
        if self.gap is None or self.opening_difference is None:
            return None
        return self.gap - (
            self.opening_difference
            + self.unmatched_statement
            - self.unmatched_ledger
            + self.differences
        )


@dataclass
class Reconciliation:
    """A bank reconciliation: the two sides, the matching and the summary."""

    account: str
    statement: Statement
    statement_lines: pd.DataFrame
    ledger_lines: pd.DataFrame  # the ledger lines of the statement's period (matched against)
    matching: Matching
    summary: Summary
    warnings: list[Issue] = field(default_factory=list)
    #: rejections still about lines that exist: carried into the next sheet, so a rerun after
    #: that one still never proposes them
    rejected: list[Decision] = field(default_factory=list)
    #: titles left out because the journal books the same payment (see `ledger`)
    booked_in_journal: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Every line on both sides matched, nothing to post, the statement's balances whole."""
        s = self.summary
        return (
            not s.unmatched_statement_count
            and not s.unmatched_ledger_count
            and not s.differences_count
            and not s.unexplained
        )

    def difference(self, match: Match) -> Decimal:
        """The match's statement total − ledger total, from the lines themselves."""
        on_statement, on_ledger = self._amounts
        return _money(_sum(on_statement, match.statement) - _sum(on_ledger, match.ledger))

    @cached_property
    def differences(self) -> list[Decimal]:
        """`difference` of each match, in the matching's order."""
        return [self.difference(m) for m in self.matching.matches]

    @cached_property
    def _amounts(self) -> tuple[dict[str, int], dict[str, int]]:
        return _amounts(self.statement_lines), _amounts(self.ledger_lines)


def reconcile_bank(
    statement: Statement,
    tables: Iterable[Table],
    account: str,
    options: MatchOptions = MatchOptions(),  # noqa: B008 (frozen: shared safely)
    decisions: Sequence[Decision] = (),
    seen: Mapping[str, int] | None = None,
) -> Reconciliation:
    """Match the statement against the ledger's movements on `account` and explain the gap.

    `decisions` are what a person said on the last run's "Conciliação" sheet: confirmed
    matches are kept, rejected ones never proposed again. `seen` is the amount in cents that
    sheet showed for each line reference (`sheet.amounts_from_sheet`): a decision about a
    reference that now holds another amount is about another line, and is dropped, said."""
    side = ledger_side(tables, account)
    before, period, after = split_period(side.lines, statement.lines, options.window_days)
    decisions, stale = _current(decisions, seen or {}, statement.lines, side.lines)
    matching = match_lines(statement.lines, period, options, decisions)
    return explain(
        account,
        statement,
        period,
        matching,
        ledger_before=before,
        ledger_after_count=after,
        warnings=[*statement.warnings, *side.warnings, *_stale_warning(stale)],
        decisions=decisions,
        booked_in_journal=side.booked_in_journal,
    )


def _current(
    decisions: Sequence[Decision],
    seen: Mapping[str, int],
    statement: pd.DataFrame,
    ledger: pd.DataFrame,
) -> tuple[list[Decision], int]:
    """The decisions whose lines still hold the amounts the person saw, and how many not."""
    if not seen:
        return list(decisions), 0
    now = _amounts(statement) | _amounts(ledger)

    def holds(ref: str) -> bool:
        return ref not in seen or ref not in now or now[ref] == seen[ref]

    kept = [d for d in decisions if all(map(holds, (*d.statement, *d.ledger)))]
    return kept, len(decisions) - len(kept)


def _stale_warning(count: int) -> list[Issue]:
    if not count:
        return []
    code = "reconcile.decision_stale"
    return [make_issue(code, sheet="", count=count)]


def split_period(
    ledger: pd.DataFrame, statement: pd.DataFrame, window_days: int
) -> tuple[int, pd.DataFrame, int]:
    """The ledger's cents before the statement's period, its lines inside it (widened by the
    date window on both ends) and how many lines come after it. An empty statement has no
    period: every ledger line is inside."""
    if statement.empty:
        return 0, ledger, 0
    window = np.timedelta64(window_days, "D")
    first = statement["date"].min() - window
    last = statement["date"].max() + window
    early = (ledger["date"] < first).to_numpy(bool)
    late = (ledger["date"] > last).to_numpy(bool)
    inside = ledger[~early & ~late].reset_index(drop=True)
    return int(ledger["cents"][early].sum()), inside, int(late.sum())


def explain(
    account: str,
    statement: Statement,
    ledger: pd.DataFrame,
    matching: Matching,
    *,
    ledger_before: int = 0,
    ledger_after_count: int = 0,
    warnings: Sequence[Issue] = (),
    decisions: Sequence[Decision] = (),
    booked_in_journal: Sequence[str] = (),
) -> Reconciliation:
    """The reconciliation of a matching already made: its summary, from the lines."""
    lines = statement.lines
    on_statement, on_ledger = _amounts(lines), _amounts(ledger)
    per_match = [
        _sum(on_statement, m.statement) - _sum(on_ledger, m.ledger) for m in matching.matches
    ]
    statement_refs = set(lines["ref"])
    ledger_refs = set(ledger["ref"])
    dates = lines["date"]
    summary = Summary(
        opening=statement.opening,
        closing=statement.closing,
        statement_total=_money(int(lines["cents"].sum())),
        ledger_before=_money(ledger_before),
        ledger_balance=_money(ledger_before + int(ledger["cents"].sum())),
        unmatched_statement=_money(_sum(on_statement, matching.unmatched_statement)),
        unmatched_ledger=_money(_sum(on_ledger, matching.unmatched_ledger)),
        differences=_money(sum(per_match)),
        matches=len(matching.matches),
        confirmed=sum(m.status is Status.CONFIRMED for m in matching.matches),
        suggested=sum(m.status is Status.SUGGESTED for m in matching.matches),
        unmatched_statement_count=len(matching.unmatched_statement),
        unmatched_ledger_count=len(matching.unmatched_ledger),
        differences_count=sum(1 for d in per_match if d),
        ledger_after_count=ledger_after_count,
        first_day=None if lines.empty else dates.min().date(),
        last_day=None if lines.empty else dates.max().date(),
    )
    rejected = [
        d
        for d in decisions
        if not d.confirmed and set(d.statement) <= statement_refs and set(d.ledger) <= ledger_refs
    ]
    return Reconciliation(
        account=account,
        statement=statement,
        statement_lines=lines,
        ledger_lines=ledger,
        matching=matching,
        summary=summary,
        warnings=list(warnings),
        rejected=list(dict.fromkeys(rejected)),
        booked_in_journal=list(booked_in_journal),
    )


def _amounts(lines: pd.DataFrame) -> dict[str, int]:
    return dict(zip(lines["ref"].tolist(), lines["cents"].tolist(), strict=True))


def _sum(amounts: dict[str, int], refs: Iterable[str]) -> int:
    return sum(amounts.get(ref, 0) for ref in refs)


def _money(cents: int) -> Decimal:
    return (Decimal(int(cents)) / 100).quantize(CENT)
