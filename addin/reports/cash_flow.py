"""Fluxo de caixa: what went through the cash and bank accounts up to `today` (realized), what
the open bills will move after it (projected), by day, week or month, with the running balance
and the first day it goes below zero.

Realized, from `lancamentos` (Data, Conta débito, Conta crédito, Valor): every posting in the
period up to `options.today` with exactly one side on a cash account; a debit there is money
in, a credit money out (a posting between two cash accounts, a deposit of the till in the bank,
moves nothing). The cash accounts are recognised in `plano_de_contas`: the asset accounts that
accept postings and whose name, or a parent's, begins with "Caixa" or "Banco" (1.1.01 Caixa,
1.1.02 Bancos conta movimento, and any bank account under them), plus every account the bills
name as Conta de liquidação; "Aplicações financeiras" is not cash here. The opening balance is
those accounts' balance before the period.

Projected, from `contas_a_receber` and `contas_a_pagar` (`titles.open_titles` as of today): each
open bill's remainder on its Vencimento, or on `today` when already overdue; a bill whose day
falls outside the period is left out (a note counts them).

The balance is followed day by day whatever the step, so the first negative day is a day. With
several teams, money sent between them (a cash posting against a transfer account) is
eliminated: it is shown in the "eliminations" section and consolidated − eliminations is the
sum of the teams.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import cast

import numpy as np

from retaguarda.addin.reports import ledger
from retaguarda.addin.reports.ledger import Accounts, Journal, brl, money
from retaguarda.addin.reports.model import (
    Books,
    Chart,
    Column,
    Period,
    Report,
    ReportOptions,
    Row,
    Section,
    Series,
)
from retaguarda.addin.reports.titles import PAYABLE, RECEIVABLE, open_titles
from retaguarda.templates.model import normalize_header
from retaguarda.validators.fields.formatting import format_date_br

CASH_WORDS = ("caixa", "banco")
#: the daily flows, in this order in the arrays
FLOWS = ("realized_in", "realized_out", "projected_in", "projected_out")
COLUMNS = (
    Column("period", "Período", "text", 22),
    Column("start", "Início", "date", 12),
    Column("realized_in", "Entradas realizadas"),
    Column("realized_out", "Saídas realizadas"),
    Column("projected_in", "Entradas previstas"),
    Column("projected_out", "Saídas previstas"),
    Column("net", "Saldo do período"),
    Column("balance", "Saldo acumulado"),
)


def cash_codes(accounts: Accounts, books: Sequence[Books]) -> set[str]:
    """The cash and bank accounts, as the module's docstring says."""
    found = set()
    for code, account in accounts.by_code.items():
        if not account.postable or account.kind not in ("Ativo", ""):
            continue
        for one in accounts.chain(code):
            words = normalize_header(one.name).lower().split()
            if words and words[0].startswith(CASH_WORDS):
                found.add(code)
                break
    for one in books:
        for template_id in (PAYABLE, RECEIVABLE):
            for table in one.of(template_id):
                if "conta_liquidacao" in table.data:
                    found |= {str(c).strip() for c in table.data["conta_liquidacao"].dropna()}
    return found


def cash_flow(books: Sequence[Books], period: Period, options: ReportOptions) -> Report:
    accounts = ledger.accounts_of(books)
    codes, journals = ledger.journals(books)
    cash = cash_codes(accounts, books)
    is_cash = np.array([c in cash for c in codes], dtype=bool)
    transfer = accounts.transfer_codes() if len(books) > 1 else set()
    is_transfer = np.array([c in transfer for c in codes], dtype=bool)
    days = np.arange(ledger.day64(period.start), ledger.day64(period.end) + 1)
    flows = np.zeros((len(FLOWS), len(days)), np.int64)
    eliminated = np.zeros((2, len(days)), np.int64)
    opening = 0
    for one in journals:
        flow, removed, before = _realized(one, is_cash, is_transfer, period, options.today)
        flows[:2] += flow
        eliminated += removed
        opening += before
    flows[:2] -= eliminated
    outside = 0
    for row, template_id, sign in ((2, RECEIVABLE, 1), (3, PAYABLE, -1)):
        titles = open_titles(books, template_id, options.today)
        when = np.maximum(titles.due, ledger.day64(options.today))
        inside = (when >= days[0]) & (when <= days[-1])
        outside += int((~inside).sum())
        np.add.at(flows[row], (when[inside] - days[0]).astype(np.intp), sign * titles.cents[inside])
    net = flows.sum(axis=0)
    balance = opening + np.cumsum(net)
    negative = np.flatnonzero(balance < 0)
    first_negative = _date(days[negative[0]]) if len(negative) else None
    lowest = int(np.argmin(balance)) if len(balance) else 0
    starts = _steps(days, options.granularity)
    rows = []
    for n, first in enumerate(starts):
        last = starts[n + 1] if n + 1 < len(starts) else len(days)
        part = flows[:, first:last].sum(axis=1)
        rows.append(
            Row(
                {
                    "period": _label(_date(days[first]), options.granularity),
                    "start": _date(days[first]),
                    **{k: money(v) for k, v in zip(FLOWS, part, strict=True)},
                    "net": money(part.sum()),
                    "balance": money(balance[last - 1]),
                }
            )
        )
    sums = flows.sum(axis=1)
    closing = int(balance[-1]) if len(balance) else opening
    totals = Row(
        {
            "period": "Total",
            "start": None,
            **{k: money(v) for k, v in zip(FLOWS, sums, strict=True)},
            "net": money(sums.sum()),
            "balance": money(closing),
        },
        style="total",
    )
    sections = [
        Section(
            "rows",
            "Fluxo de caixa",
            COLUMNS,
            (_opening_row(period, opening), *rows),
            totals,
        )
    ]
    if len(books) > 1:
        sections.append(_eliminations(days, starts, eliminated, options))
    notes = [
        f"O saldo fica negativo em {format_date_br(first_negative)}."
        if first_negative is not None
        else "O saldo não fica negativo no período.",
        f"Realizado até {format_date_br(min(options.today, period.end))}; previsto depois, "
        "pelos títulos em aberto (vencidos contam no dia de hoje).",
        "Contas de caixa e bancos: "
        + (", ".join(sorted(cash, key=ledger.code_key)) or "nenhuma")
        + ".",
    ]
    if outside:
        notes.append(f"{outside} título(s) em aberto vencem fora do período e ficaram de fora.")
    if eliminated.any():
        notes.append(
            "Transferências entre equipes eliminadas: "
            f"{brl(money(eliminated[0].sum()))} de entradas e "
            f"{brl(money(-eliminated[1].sum()))} de saídas."
        )
    if (note := ledger.skipped_note(journals)) is not None:
        notes.append(note)
    categories = tuple(str(r.values["period"]) for r in rows)
    chart = Chart(
        "column",
        "Fluxo de caixa",
        categories,
        (
            Series("Entradas", _sums(rows, "realized_in", "projected_in")),
            Series("Saídas", _sums(rows, "realized_out", "projected_out")),
            Series("Saldo acumulado", _sums(rows, "balance"), kind="line"),
        ),
    )
    return Report(
        kind="fluxo-de-caixa",
        title="Fluxo de caixa",
        period=period,
        scope=ledger.team_names(books),
        sections=tuple(sections),
        charts=(chart,),
        notes=tuple(notes),
        summary={
            "opening_balance": money(opening),
            "closing_balance": money(closing),
            **{k: money(v) for k, v in zip(FLOWS, sums, strict=True)},
            "lowest_balance": money(balance[lowest]) if len(balance) else money(opening),
            "lowest_day": _date(days[lowest]) if len(balance) else None,
            "first_negative_day": first_negative,
            "cash_accounts": sorted(cash, key=ledger.code_key),
        },
    )


def _opening_row(period: Period, opening: int) -> Row:
    return Row(
        {"period": "Saldo inicial", "start": period.start, "balance": money(opening)},
        style="subtotal",
    )


def _realized(
    book: Journal, is_cash: np.ndarray, is_transfer: np.ndarray, period: Period, today: date
) -> tuple[np.ndarray, np.ndarray, int]:
    """Daily money in and out (out negative) of the cash accounts; the part of it whose other
    side is a transfer account; and the cash balance before the period."""
    debit_cash, credit_cash = is_cash[book.debit], is_cash[book.credit]
    moving = debit_cash != credit_cash
    start = ledger.day64(period.start)
    before = moving & (book.day < start)
    opening = int(book.cents[before & debit_cash].sum() - book.cents[before & credit_cash].sum())
    last = ledger.day64(min(period.end, today))
    within = moving & (book.day >= start) & (book.day <= last)
    n = int((ledger.day64(period.end) - start).astype(int)) + 1
    flow = np.zeros((2, n), np.int64)
    removed = np.zeros((2, n), np.int64)
    offset = (book.day - start).astype(np.intp)
    other = np.where(debit_cash, book.credit, book.debit)
    intercompany = is_transfer[other]
    for side, mask, sign in ((0, debit_cash, 1), (1, credit_cash, -1)):
        picked = within & mask
        np.add.at(flow[side], offset[picked], sign * book.cents[picked])
        picked &= intercompany
        np.add.at(removed[side], offset[picked], sign * book.cents[picked])
    return flow, removed, opening


def _sums(rows: list[Row], *keys: str) -> tuple[Decimal, ...]:
    return tuple(sum((cast(Decimal, r.values[k]) for k in keys), Decimal("0.00")) for r in rows)


def _steps(days: np.ndarray, granularity: str) -> list[int]:
    """Where each step begins, as positions in `days`."""
    if granularity == "day":
        return list(range(len(days)))
    starts = [0]
    for n in range(1, len(days)):
        day = _date(days[n])
        if (granularity == "week" and day.weekday() == 0) or (
            granularity == "month" and day.day == 1
        ):
            starts.append(n)
    return starts


def _label(day: date, granularity: str) -> str:
    if granularity == "month":
        return f"{day.month:02d}/{day.year}"
    if granularity == "week":
        return f"Semana de {format_date_br(day)}"
    return format_date_br(day)


def _date(day: np.datetime64) -> date:
    return date(1970, 1, 1) + timedelta(days=int(day.astype("datetime64[D]").astype(int)))


def _eliminations(
    days: np.ndarray, starts: list[int], eliminated: np.ndarray, options: ReportOptions
) -> Section:
    rows = []
    for n, first in enumerate(starts):
        last = starts[n + 1] if n + 1 < len(starts) else len(days)
        inflow, outflow = eliminated[:, first:last].sum(axis=1)
        if inflow or outflow:
            rows.append(
                Row(
                    {
                        "period": _label(_date(days[first]), options.granularity),
                        "start": _date(days[first]),
                        "realized_in": -money(inflow),
                        "realized_out": -money(outflow),
                    }
                )
            )
    inflow, outflow = eliminated.sum(axis=1)
    return Section(
        "eliminations",
        "Eliminações entre equipes",
        COLUMNS[:4],
        tuple(rows),
        Row(
            {
                "period": "Total",
                "start": None,
                "realized_in": -money(inflow),
                "realized_out": -money(outflow),
            },
            style="total",
        ),
    )
