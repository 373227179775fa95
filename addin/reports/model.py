"""What every report is made of, whatever shows it.

A report function (`balancete`, `dre`, ...) reads one or more teams' `Books` and returns a
`Report`: titled sections of rows under typed columns, the charts a person would draw from
them, and notes in Portuguese. The renderers (the workbook sheet through the add-in's port,
the standalone .xlsx with native charts, the HTML page, the JSON) only lay a `Report` out; they
know no report by name.

Money is `Decimal` (two places) in every row, chart and total; the renderers turn it into a
cell's number or a string, never a float before that.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from retaguarda.templates.table import Table
from retaguarda.validators.issues import Issue

#: how a column's values are shown: money as R$ with two places, quantity with up to three,
#: percent as a fraction (0.125 is 12,5%), date as dd/mm/aaaa, month as mm/aaaa
ColumnKind = Literal["text", "money", "integer", "quantity", "percent", "date", "month"]
#: "total" and "subtotal" rows are bold (and a total has a rule above it); "heading" starts a
#: group of rows
RowStyle = Literal["normal", "subtotal", "total", "heading"]
ChartKind = Literal["column", "stacked_column", "bar", "line", "pie"]


@dataclass(frozen=True)
class Column:
    key: str
    #: the header a person reads, in Portuguese
    label: str
    kind: ColumnKind = "money"
    #: a width in characters, for the sheet and the .xlsx
    width: int = 16


@dataclass(frozen=True)
class Row:
    #: by column key: Decimal for money, quantity and percent, int, str, date; None is empty
    values: dict[str, object]
    #: depth in a hierarchy (an account's level in the Plano de contas), for the indent
    level: int = 0
    style: RowStyle = "normal"
    #: where the figure comes from, as a sheet reference a person can follow
    #: ("Lançamentos!F17"); None when it is a sum
    source: str | None = None


@dataclass(frozen=True)
class Section:
    #: a stable name for the JSON and for code ("rows", "by_counterparty", ...)
    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    #: the totals line, shown after the rows and as "totals" in the JSON
    totals: Row | None = None


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[Decimal, ...]
    #: drawn as this kind instead of the chart's: a "line" of the running balance over the
    #: "column"s of each month's flows (only "column" and "line" mix)
    kind: ChartKind | None = None


@dataclass(frozen=True)
class Chart:
    kind: ChartKind
    title: str
    #: the x axis (or the pie's slices), one per value of every series
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    #: what the values are, for the axis title ("R$", "dias", "unidades")
    unit: str = "R$"


@dataclass(frozen=True)
class Period:
    """From the first day of `start` to the last day of `end`, both inclusive."""

    start: date
    end: date

    @classmethod
    def months(cls, first: date, last: date) -> Period:
        """From the first day of `first`'s month to the last day of `last`'s."""
        end = calendar.monthrange(last.year, last.month)[1]
        return cls(first.replace(day=1), last.replace(day=end))


@dataclass(frozen=True)
class Report:
    #: the CLI's name for it: "balancete", "dre", "balanco", "fluxo-de-caixa", "aging",
    #: "folha", "estoque"
    kind: str
    #: "Balancete de verificação"
    title: str
    period: Period
    #: whose books: a team's name, or "Consolidado (Matriz, Filial Rio)"
    scope: str
    #: the first section is the report's main table (its rows and totals are the JSON's
    #: "rows" and "totals")
    sections: tuple[Section, ...]
    charts: tuple[Chart, ...] = ()
    #: sentences a person should read with the figures ("Débitos e créditos conferem.",
    #: "O saldo fica negativo em 14/03/2026.")
    notes: tuple[str, ...] = ()
    #: key figures by name, for the JSON ("first_negative_day", "result")
    summary: dict[str, object] = field(default_factory=dict)
    #: what stopped a figure from being computed (a line on an account the chart lacks...)
    issues: tuple[Issue, ...] = ()

    @property
    def main(self) -> Section:
        return self.sections[0]


@dataclass(frozen=True)
class Books:
    """One team's tables as a report reads them, by template id (`lancamentos`,
    `plano_de_contas`, `contas_a_pagar`, ...). A workbook gives one `Books`; the consolidated
    store gives one per team."""

    team: str
    tables: dict[str, Sequence[Table]]

    def of(self, template_id: str) -> Sequence[Table]:
        return self.tables.get(template_id, ())


#: the steps the cash flow is cut into
Granularity = Literal["day", "week", "month"]


@dataclass(frozen=True)
class ReportOptions:
    """What a report needs besides the books and the period. `today` is the day the aging
    counts overdue days from and the cash flow starts projecting at; it is given, never read
    from the clock, so that a report made twice is the same report."""

    today: date
    #: the cash flow's step
    granularity: Granularity = "month"
    #: an item whose last movement is older than this many days is shown as stale
    stale_days: int = 90
    #: the employer's INSS rate on the gross, for the payroll's employer cost: 0 under the
    #: Simples Nacional (the payroll engine's default), 20% plus RAT and terceiros otherwise
    employer_inss_rate: Decimal = Decimal(0)
    #: the company's local holidays, for the payroll's DSR and payment dates
    local_holidays: frozenset[date] = frozenset()
