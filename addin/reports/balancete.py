"""Balancete de verificação: per account of the Plano de contas, the balance before the
period, the period's debits and credits, and the closing balance, rolled up to the synthetic
accounts (1 → 1.1 → 1.1.01).

From `lancamentos` (Data, Conta débito, Conta crédito, Valor) and `plano_de_contas` (Código,
Conta, Aceita lançamento for the names and the hierarchy). Balances are signed as the journal
makes them: devedor positive, credor negative, so that the totals of the accounts at the top
of the chart show debits equal to credits and opening and closing balances summing to zero.

With several teams the figures are summed per account, and the transfers between them are
eliminated on their transfer accounts (`reconcile.intercompany.is_transfer_account`): the
part of the period's debits that the credits match, taken out of both columns, so that the
consolidated debits still equal its credits; the "eliminations" section shows what was taken
out, and consolidated − eliminations is the sum of the teams.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from retaguarda.addin.reports import ledger
from retaguarda.addin.reports.ledger import Accounts, Turnover, brl, money
from retaguarda.addin.reports.model import (
    Books,
    Column,
    Period,
    Report,
    ReportOptions,
    Row,
    Section,
)

COLUMNS = (
    Column("account", "Conta", "text", 12),
    Column("name", "Descrição", "text", 36),
    Column("opening", "Saldo anterior"),
    Column("debit", "Débitos"),
    Column("credit", "Créditos"),
    Column("closing", "Saldo atual"),
)
FIGURES = ("opening", "debit", "credit", "closing")


def balancete(books: Sequence[Books], period: Period, options: ReportOptions) -> Report:
    accounts = ledger.accounts_of(books)
    codes, journals = ledger.journals(books)
    teams = [ledger.turnover(j, period) for j in journals]
    total = teams[0]
    for other in teams[1:]:
        total = total + other
    eliminated = eliminations(total, accounts) if len(books) > 1 else None
    if eliminated is not None:
        total = Turnover(
            total.codes, total.opening, total.debit - eliminated, total.credit - eliminated
        )
    rows, totals = trial_rows(total, accounts)
    debit, credit = (totals.values["debit"], totals.values["credit"])
    notes = [
        "Débitos e créditos conferem."
        if debit == credit
        else f"Débitos ({brl(debit)}) e créditos ({brl(credit)}) não conferem: há lançamento "
        "quebrado.",
        "Saldos devedores aparecem positivos e credores negativos.",
    ]
    sections = [Section("rows", "Balancete", COLUMNS, tuple(rows), totals)]
    if eliminated is not None:
        sections.append(_eliminations_section(total.codes, eliminated, accounts))
        if eliminated.any():
            notes.append(
                "Transferências entre equipes eliminadas: "
                f"{brl(money(eliminated.sum()))} a débito "
                "e a crédito das contas de transferência."
            )
    unlisted = [c for c in codes if c not in accounts.by_code]
    if unlisted:
        notes.append(
            "Conta(s) lançada(s) que o Plano de contas não tem: " + ", ".join(unlisted) + "."
        )
    if (note := ledger.skipped_note(journals)) is not None:
        notes.append(note)
    return Report(
        kind="balancete",
        title="Balancete de verificação",
        period=period,
        scope=ledger.team_names(books),
        sections=tuple(sections),
        notes=tuple(notes),
        summary={
            "accounts": sum(1 for r in rows if r.style == "normal"),
            "debit_total": debit,
            "credit_total": credit,
            "balanced": debit == credit,
            "opening_total": totals.values["opening"],
            "closing_total": totals.values["closing"],
        },
    )


def trial_rows(total: Turnover, accounts: Accounts) -> tuple[list[Row], Row]:
    """The rolled-up rows in chart order and the totals of the accounts at the top."""
    values = np.stack([total.opening, total.debit, total.credit, total.closing], axis=1)
    rolled = ledger.rolled_up(total.codes, values, accounts)
    above = {parent for code in rolled for parent in accounts.parents(code)}
    rows: list[Row] = []
    sums = np.zeros(4, np.int64)
    for code, figures in rolled.items():
        account = accounts.get(code)
        depth = ledger.level(code, accounts)
        if depth == 0:
            sums += figures
        synthetic = not account.postable or code in above
        rows.append(
            Row(
                {
                    "account": code,
                    "name": account.name,
                    **{k: money(v) for k, v in zip(FIGURES, figures, strict=True)},
                },
                level=depth,
                style="subtotal" if synthetic else "normal",
            )
        )
    totals = Row(
        {
            "account": "",
            "name": "Total",
            **{k: money(v) for k, v in zip(FIGURES, sums, strict=True)},
        },
        style="total",
    )
    return rows, totals


def eliminations(total: Turnover, accounts: Accounts) -> np.ndarray:
    """Per account, the period's transfers between teams that both sides booked: on each
    transfer account, the smaller of its debits and its credits."""
    transfer = accounts.transfer_codes()
    out = np.zeros(len(total.codes), np.int64)
    for n, code in enumerate(total.codes):
        if code in transfer:
            out[n] = min(total.debit[n], total.credit[n])
    return out


def _eliminations_section(codes: list[str], eliminated: np.ndarray, accounts: Accounts) -> Section:
    rows = [
        Row(
            {
                "account": code,
                "name": accounts.get(code).name,
                "debit": -money(amount),
                "credit": -money(amount),
            }
        )
        for code, amount in zip(codes, eliminated, strict=True)
        if amount
    ]
    total = money(eliminated.sum())
    return Section(
        "eliminations",
        "Eliminações entre equipes",
        (COLUMNS[0], COLUMNS[1], COLUMNS[3], COLUMNS[4]),
        tuple(rows),
        Row({"account": "", "name": "Total", "debit": -total, "credit": -total}, style="total"),
    )
