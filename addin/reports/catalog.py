"""Every report by the name the CLI, the macro and the dashboard call it: one function per
report, each taking the teams' books, the period and the options."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from retaguarda.addin.reports import aging, balancete, balanco, cash_flow, dre, payroll, stock
from retaguarda.addin.reports.model import Books, Period, Report, ReportOptions

ReportFunction = Callable[[Sequence[Books], Period, ReportOptions], Report]

REPORTS: dict[str, ReportFunction] = {
    "balancete": balancete.balancete,
    "dre": dre.dre,
    "balanco": balanco.balanco,
    "fluxo-de-caixa": cash_flow.cash_flow,
    "aging": aging.aging,
    "folha": payroll.payroll,
    "estoque": stock.stock,
}
