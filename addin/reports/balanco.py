"""Balanço patrimonial on the period's last day: ativo, passivo and patrimônio líquido, the
result not yet carried to the PL accounts shown in it, so that ativo = passivo + PL.

From `lancamentos` (every posting up to the period's end) and `plano_de_contas` (Tipo for the
group, Código for the hierarchy, Conta for the names). Each group is rolled up within itself
(the starter chart keeps "2.3 Patrimônio líquido" under "2 Passivo": it is not counted in
both). The journal never closes its result accounts, so their balances go to the PL as two
lines: the period's result, and what the result accounts held before the period. Every
posting has a debit and a credit of the same value, so the two sides balance by construction;
a note says so, or says by how much they do not when a posting lacks an account's Tipo.

With several teams the balances are summed per account: a transfer account where one team
owes what the other is owed sums to zero, and the "eliminations" section shows, per team, the
balances that cancelled and what did not (a transfer booked by one side only).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from retaguarda.addin.reports import ledger
from retaguarda.addin.reports.ledger import Accounts, brl, money
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

COLUMNS = (
    Column("account", "Conta", "text", 12),
    Column("name", "Descrição", "text", 40),
    Column("amount", "Saldo"),
)
GROUPS = (("Ativo", "Ativo", 1), ("Passivo", "Passivo", -1), ("PL", "Patrimônio líquido", -1))
RESULT_KINDS = ("Receita", "Despesa")


def balanco(books: Sequence[Books], period: Period, options: ReportOptions) -> Report:
    accounts = ledger.accounts_of(books)
    codes, journals = ledger.journals(books)
    teams = [ledger.turnover(j, period) for j in journals]
    opening = sum((t.opening for t in teams), np.zeros(len(codes), np.int64))
    closing = sum((t.closing for t in teams), np.zeros(len(codes), np.int64))
    kinds = [accounts.get(code).kind for code in codes]
    rows: list[Row] = []
    totals: dict[str, int] = {}
    for kind, title, sign in GROUPS:
        wanted = "Patrimônio líquido" if kind == "PL" else kind
        rows.append(Row({"account": "", "name": title, "amount": None}, style="heading"))
        mask = np.array([k == wanted for k in kinds], dtype=bool)
        group = _group_rows(codes, np.where(mask, closing, 0) * sign, accounts, wanted)
        rows.extend(group)
        total = int((closing[mask] * sign).sum()) if mask.any() else 0
        if kind == "PL":
            result_mask = np.array([k in RESULT_KINDS for k in kinds], dtype=bool)
            before = -int(opening[result_mask].sum())
            period_result = -int((closing - opening)[result_mask].sum())
            if before:
                rows.append(_line("Resultados anteriores não encerrados", before))
            rows.append(_line("Resultado do período", period_result))
            total += before + period_result
            totals["result"] = period_result
        if kind == "Ativo":
            unknown = np.array([k == "" for k in kinds], dtype=bool)
            if unknown.any() and closing[unknown].any():
                stray = int(closing[unknown].sum())
                rows.append(_line("Contas sem tipo no Plano de contas", stray))
                total += stray
        totals[kind] = total
        label = f"Total — {title}"
        rows.append(Row({"account": "", "name": label, "amount": money(total)}, style="subtotal"))
    assets, liabilities, equity = totals["Ativo"], totals["Passivo"], totals["PL"]
    difference = assets - liabilities - equity
    notes = [
        "Ativo = passivo + patrimônio líquido."
        if difference == 0
        else f"O balanço não fecha: ativo − (passivo + PL) = {brl(money(difference))}; há "
        "lançamento quebrado.",
        "O resultado das contas de receita e despesa ainda não encerradas aparece no PL.",
    ]
    sections = [
        Section(
            "rows",
            "Balanço patrimonial",
            COLUMNS,
            tuple(rows),
            Row(
                {
                    "account": "",
                    "name": "Total — Passivo + Patrimônio líquido",
                    "amount": money(liabilities + equity),
                },
                style="total",
            ),
        )
    ]
    if len(books) > 1:
        section, gap = _eliminations(books, teams, accounts)
        sections.append(section)
        if gap:
            notes.append(
                f"As transferências entre equipes não se anulam: sobram {brl(money(gap))} "
                "nas contas de transferência; rode a conciliação entre equipes."
            )
    if (note := ledger.skipped_note(journals)) is not None:
        notes.append(note)
    chart = Chart(
        "stacked_column",
        "Ativo, passivo e patrimônio líquido",
        ("Ativo", "Passivo + PL"),
        (
            Series("Ativo", (money(assets), money(0))),
            Series("Passivo", (money(0), money(liabilities))),
            Series("Patrimônio líquido", (money(0), money(equity))),
        ),
    )
    return Report(
        kind="balanco",
        title="Balanço patrimonial",
        period=period,
        scope=ledger.team_names(books),
        sections=tuple(sections),
        charts=(chart,),
        notes=tuple(notes),
        summary={
            "assets": money(assets),
            "liabilities": money(liabilities),
            "equity": money(equity),
            "result": money(totals["result"]),
            "difference": money(difference),
            "balanced": difference == 0,
        },
    )


def _group_rows(codes: list[str], values: np.ndarray, accounts: Accounts, kind: str) -> list[Row]:
    """The group's accounts rolled up within the group only."""
    within = Accounts({c: a for c, a in accounts.by_code.items() if a.kind == kind})
    rolled = ledger.rolled_up(codes, values.reshape(-1, 1), within)
    above = {parent for code in rolled for parent in within.parents(code)}
    return [
        Row(
            {"account": code, "name": accounts.get(code).name, "amount": money(figure[0])},
            level=1 + ledger.level(code, within),
            style="subtotal" if code in above else "normal",
        )
        for code, figure in rolled.items()
    ]


def _line(name: str, cents: int) -> Row:
    return Row({"account": "", "name": name, "amount": money(cents)}, level=1)


def _eliminations(
    books: Sequence[Books], teams: list[ledger.Turnover], accounts: Accounts
) -> tuple[Section, int]:
    """Each team's balance on the transfer accounts, what cancelled and what is left."""
    transfer = accounts.transfer_codes()
    positions = [n for n, code in enumerate(teams[0].codes) if code in transfer]
    rows = []
    balances = []
    for one, figures in zip(books, teams, strict=True):
        balance = int(figures.closing[positions].sum()) if positions else 0
        balances.append(balance)
        rows.append(Row({"team": one.team, "amount": money(balance)}))
    owed = sum(b for b in balances if b > 0)
    owing = -sum(b for b in balances if b < 0)
    gap = owed - owing
    columns = (Column("team", "Equipe", "text", 30), Column("amount", "Saldo de transferências"))
    rows.append(Row({"team": "Eliminado", "amount": -money(min(owed, owing))}, style="subtotal"))
    return (
        Section(
            "eliminations",
            "Eliminações entre equipes",
            columns,
            tuple(rows),
            Row({"team": "Não eliminado", "amount": money(gap)}, style="total"),
        ),
        gap,
    )
