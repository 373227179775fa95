"""DRE (demonstração do resultado do exercício): month by month, the period's total and the
year to date, from the journal's postings on Receita and Despesa accounts.

From `lancamentos` (Data, Conta débito, Conta crédito, Valor) and `plano_de_contas` (Tipo,
Natureza, Conta and the hierarchy by Código). Each result account falls on one line, decided
by its Tipo and then by the names of the account and of its parents, nearest first (the
starter chart's "4.2 Custos" makes 4.2.01 a cost, "4.1 Despesas operacionais" makes 4.1.03 an
operating expense):

* Receita: a name that speaks of deductions ("dedução", "devolução", "abatimento",
  "cancelamento", "impostos sobre vendas") or a Natureza Devedora makes it a dedução; a name
  with "financeira" a receita financeira; otherwise receita bruta.
* Despesa: the nearest name with "financeira" makes it a despesa financeira; the nearest name
  that says "custo" and not "despesa" a custo; otherwise (the nearest that says "despesa", or
  none, as "4 Custos e despesas" says both) a despesa operacional.
* An account outside the Plano de contas takes the Tipo of its nearest parent in it, or of its
  first segment as in the starter chart (3 receita, 4 despesa). One that still has no result
  Tipo is not in the DRE: a note names it if the journal moves it in the period's months.

Amounts are shown as they add up: revenues positive, what is subtracted negative, so each
"=" line is the sum of the lines above it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np

from retaguarda.addin.reports import ledger
from retaguarda.addin.reports.ledger import Account, Accounts, brl, money
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
from retaguarda.templates.model import normalize_header

#: the DRE's lines in order: key, label, and whether it is a sum of the lines above
LINES = (
    ("gross_revenue", "Receita bruta", False),
    ("deductions", "(−) Deduções da receita", False),
    ("net_revenue", "= Receita líquida", True),
    ("costs", "(−) Custos", False),
    ("gross_profit", "= Lucro bruto", True),
    ("operating_expenses", "(−) Despesas operacionais", False),
    ("operating_result", "= Resultado operacional", True),
    ("financial_income", "(+) Receitas financeiras", False),
    ("financial_expenses", "(−) Despesas financeiras", False),
    ("result", "= Resultado do período", True),
)
#: which plain lines each "=" line adds up
SUMS = {
    "net_revenue": ("gross_revenue", "deductions"),
    "gross_profit": ("gross_revenue", "deductions", "costs"),
    "operating_result": ("gross_revenue", "deductions", "costs", "operating_expenses"),
    "result": (
        "gross_revenue",
        "deductions",
        "costs",
        "operating_expenses",
        "financial_income",
        "financial_expenses",
    ),
}
DEDUCTION_WORDS = ("dedu", "devolu", "abatiment", "cancelament")
REVENUE_LINES = ("gross_revenue", "deductions", "financial_income")


def dre_line(account: Account, accounts: Accounts) -> str | None:
    """The DRE line an account falls on, None if it is not a result account."""
    chain = accounts.chain(account.code)
    names = [normalize_header(a.name).lower() for a in chain]
    if account.kind == "Receita":
        for name in names:
            if any(w in name for w in DEDUCTION_WORDS) or "impostos sobre" in name:
                return "deductions"
            if "financeir" in name:
                return "financial_income"
        return "deductions" if account.nature == "Devedora" else "gross_revenue"
    if account.kind == "Despesa":
        for name in names:
            if "financeir" in name:
                return "financial_expenses"
            cost, expense = "custo" in name, "despesa" in name
            if cost and not expense:
                return "costs"
            if expense and not cost:
                return "operating_expenses"
        return "operating_expenses"
    return None


def dre(books: Sequence[Books], period: Period, options: ReportOptions) -> Report:
    accounts = ledger.accounts_of(books)
    codes, journals = ledger.journals(books)
    year_start = date(period.end.year, 1, 1)
    start = min(period.start, year_start)
    months = ledger.months_of(Period(start, period.end))
    net = np.zeros((len(codes), len(months)), np.int64)
    for one in journals:
        net += ledger.monthly_net(one, start, period.end)[1]
    shown = [n for n, m in enumerate(months) if m >= np.datetime64(period.start, "M")]
    in_ytd = [n for n, m in enumerate(months) if m >= np.datetime64(year_start, "M")]
    # per line and per account, credit-positive: revenues positive, the rest negative
    by_line: dict[str, list[tuple[str, np.ndarray]]] = {key: [] for key, *_ in LINES}
    unmapped = []
    for n, code in enumerate(codes):
        if not net[n].any():
            continue
        line = dre_line(accounts.get(code), accounts)
        if line is None:
            if accounts.get(code).kind == "":
                unmapped.append(code)
            continue
        by_line[line].append((code, -net[n]))
    line_totals = {
        key: sum((v for _, v in found), np.zeros(len(months), np.int64))
        for key, found in by_line.items()
    }
    for key, parts in SUMS.items():
        line_totals[key] = sum((line_totals[p] for p in parts), np.zeros(len(months), np.int64))

    def figures(values: np.ndarray) -> dict[str, object]:
        out: dict[str, object] = {ledger.month_key(months[n]): money(values[n]) for n in shown}
        out["total"] = money(values[shown].sum())
        out["ytd"] = money(values[in_ytd].sum())
        return out

    rows: list[Row] = []
    for key, label, is_sum in LINES:
        if key == "result":
            continue
        rows.append(
            Row({"line": label, "account": "", **figures(line_totals[key])},
                style="subtotal" if is_sum else "heading")
        )  # fmt: skip
        for code, values in sorted(by_line[key], key=lambda item: ledger.code_key(item[0])):
            rows.append(
                Row(
                    {"line": accounts.get(code).name, "account": code, **figures(values)},
                    level=1,
                )
            )
    totals = Row(
        {"line": "= Resultado do período", "account": "", **figures(line_totals["result"])},
        style="total",
    )
    columns = (
        Column("line", "Descrição", "text", 34),
        Column("account", "Conta", "text", 10),
        *(Column(ledger.month_key(months[n]), ledger.month_label(months[n])) for n in shown),
        Column("total", "Período"),
        Column("ytd", f"Acumulado {period.end.year}"),
    )
    result = money(line_totals["result"][shown].sum())
    notes = [
        f"Resultado do período: {brl(result)} ({'lucro' if result >= 0 else 'prejuízo'}).",
        f"Acumulado no ano: de 01/01/{period.end.year} até o fim do período.",
    ]
    if len(books) > 1:
        notes.append(
            "Consolidado: as transferências entre equipes não passam por contas de resultado, "
            "nada a eliminar."
        )
    if unmapped:
        notes.append(
            "Conta(s) sem tipo conhecido ficaram fora da DRE: " + ", ".join(unmapped) + "."
        )
    if (note := ledger.skipped_note(journals)) is not None:
        notes.append(note)
    revenue = sum(line_totals[k] for k in REVENUE_LINES)
    expenses = line_totals["result"] - revenue
    chart = Chart(
        "column",
        "Receitas e despesas por mês",
        tuple(ledger.month_label(months[n]) for n in shown),
        (
            Series("Receitas", tuple(money(revenue[n]) for n in shown)),
            Series("Despesas", tuple(money(-expenses[n]) for n in shown)),
        ),
    )
    summary: dict[str, object] = {key: money(line_totals[key][shown].sum()) for key, *_ in LINES}
    summary["ytd_result"] = money(line_totals["result"][in_ytd].sum())
    return Report(
        kind="dre",
        title="Demonstração do resultado (DRE)",
        period=period,
        scope=ledger.team_names(books),
        sections=(Section("rows", "DRE", columns, tuple(rows), totals),),
        charts=(chart,),
        notes=tuple(notes),
        summary=summary,
    )
