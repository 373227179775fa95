"""The checks a template declares, as objects with their parameters (pandera's `Check` shape).

A template says *what* to check: on a column (`Column(..., checks=(...))`, plus the checks its
type and flags imply, see `column_checks`) and on the whole table (`Template(checks=(...))`):
which column, which other template, which values. `templates.validate` runs them, knowing
nothing of any template. Each check is a small frozen dataclass whose `run` calls a vectorized
rule of `validators.rules` and returns its issues; `codes` lists the codes it can report.

A new check is a class with `codes` and a `run` method of either shape below; nothing else
needs to change for a template to use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, ClassVar, Protocol

from retaguarda.templates.model import SCALE, Column, Kind
from retaguarda.validators import rules
from retaguarda.validators.identifiers import FAMILIES
from retaguarda.validators.issues import Issue, issues_from_mask, make_issue

if TYPE_CHECKING:
    from retaguarda.templates.table import Table


@dataclass(frozen=True)
class Options:
    """What a company decides: today's date (for `date.future`) and its closed period; and
    which codes a caller wants (`select`: only these; `ignore`: not these), each a code, a
    family (`cnpj.invalid`) or a prefix (`cnpj`)."""

    today: date = field(default_factory=date.today)
    closed_until: date | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    #: the state's and city's holidays (the national ones are built in), for the payroll's
    #: DSR and payment dates
    local_holidays: frozenset[date] = frozenset()


@dataclass(frozen=True)
class Context:
    """What a check may look at besides its own table: the other tables validated with it
    (by template id: the chart of accounts for a ledger) and the company's options."""

    tables: Mapping[str, Table]
    options: Options


class ColumnCheck(Protocol):
    @property
    def codes(self) -> tuple[str, ...]: ...

    def run(self, table: Table, key: str, context: Context) -> list[Issue]: ...


class TableCheck(Protocol):
    @property
    def codes(self) -> tuple[str, ...]: ...

    def run(self, table: Table, context: Context) -> list[Issue]: ...


# -- column checks ------------------------------------------------------------------------


@dataclass(frozen=True)
class Required:
    """An empty cell in a column that must be filled."""

    codes: ClassVar[tuple[str, ...]] = ("cell.required",)

    def run(self, table: Table, key: str, context: Context) -> list[Issue]:
        return rules.required(table, key)


@dataclass(frozen=True)
class Identifier:
    """A CPF, CNPJ, PIS, CEP, NCM, Pix key, bank, agency or account number: check digits and
    format (`kind` is a key of `validators.rules.IDENTIFIER_CHECKS`)."""

    kind: str

    @property
    def codes(self) -> tuple[str, ...]:
        return FAMILIES[self.kind].every_code()

    def run(self, table: Table, key: str, context: Context) -> list[Issue]:
        return rules.identifier(table, key, self.kind)


@dataclass(frozen=True)
class NotNegative:
    codes: ClassVar[tuple[str, ...]] = ("number.negative",)

    def run(self, table: Table, key: str, context: Context) -> list[Issue]:
        return rules.negative(table, key)


@dataclass(frozen=True)
class NotFuture:
    """A date after the company's today."""

    codes: ClassVar[tuple[str, ...]] = ("date.future",)

    def run(self, table: Table, key: str, context: Context) -> list[Issue]:
        return rules.future(table, key, context.options.today)


@dataclass(frozen=True)
class OpenPeriod:
    """A date on or before the end of the company's closed period."""

    codes: ClassVar[tuple[str, ...]] = ("date.closed_period",)

    def run(self, table: Table, key: str, context: Context) -> list[Issue]:
        return rules.closed_period(table, key, context.options.closed_until)


def column_checks(column: Column) -> tuple[ColumnCheck, ...]:
    """The checks a column's type and flags imply, then the ones it declares."""
    implied: list[ColumnCheck] = []
    if column.required:
        implied.append(Required())
    if column.kind.value in rules.IDENTIFIER_CHECKS:
        implied.append(Identifier(column.kind.value))
    if column.positive:
        implied.append(NotNegative())
    if column.not_future:
        implied.append(NotFuture())
    if column.closed_period:
        implied.append(OpenPeriod())
    return (*implied, *column.checks)


# -- table checks -------------------------------------------------------------------------


@dataclass(frozen=True)
class Duplicates:
    """A row equal to an earlier one on every key, the first key being filled (the issue
    points at the first key's cell)."""

    keys: tuple[str, ...]
    codes: ClassVar[tuple[str, ...]] = ("row.duplicate",)

    def run(self, table: Table, context: Context) -> list[Issue]:
        if not table.has(self.keys[0]):
            return []
        return rules.duplicates(table, self.keys)


@dataclass(frozen=True)
class Accounts:
    """Every account column holds a code of the chart of accounts that accepts postings.

    `chart` is the chart's template id; its `code` column lists the accounts and its
    `postable` column says, in `postable_values`' words, whether one accepts postings.
    """

    chart: str = "plano_de_contas"
    code: str = "codigo"
    postable: str = "aceita_lancamento"
    postable_values: tuple[tuple[str, bool], ...] = (("Sim", True), ("Não", False))
    codes: ClassVar[tuple[str, ...]] = (
        "account.unknown",
        "account.not_postable",
        "account.no_chart",
    )

    def run(self, table: Table, context: Context) -> list[Issue]:
        keys = [
            c.key for c in table.template.columns if c.kind is Kind.ACCOUNT and table.has(c.key)
        ]
        chart = context.tables.get(self.chart)
        if chart is None:
            return [make_issue("account.no_chart", sheet=table.sheet)] if keys else []
        postable = chart.data[self.postable].map(dict(self.postable_values))
        return rules.accounts(table, keys, chart.data[self.code], postable)


@dataclass(frozen=True)
class Different:
    """Two columns of a row that must not hold the same value (debit and credit account)."""

    first: str
    second: str
    code: str = "ledger.same_account"

    @property
    def codes(self) -> tuple[str, ...]:
        return (self.code,)

    def run(self, table: Table, context: Context) -> list[Issue]:
        if not (table.has(self.first) and table.has(self.second)):
            return []
        return rules.same_account(table, self.first, self.second, self.code)


@dataclass(frozen=True)
class NotAbove:
    """A number above another column of its row (what was paid, above what was due)."""

    column: str
    limit: str
    code: str

    @property
    def codes(self) -> tuple[str, ...]:
        return (self.code,)

    def run(self, table: Table, context: Context) -> list[Issue]:
        if not (table.has(self.column) and table.has(self.limit)):
            return []
        return rules.overpaid(table, self.limit, self.column, self.code)


@dataclass(frozen=True)
class RunningBalance:
    """Stock movements: the one that takes a SKU's balance in a warehouse below zero.

    `kind` says what a row is; rows whose kind is in `outgoing` subtract their `quantity`,
    the others add it with its own sign; a row without a kind counts for nothing.
    """

    quantity: str
    kind: str
    outgoing: tuple[str, ...]
    date: str
    sku: str
    warehouse: str
    codes: ClassVar[tuple[str, ...]] = ("stock.negative",)

    def run(self, table: Table, context: Context) -> list[Issue]:
        kind = table.data[self.kind]
        quantity = table.data[self.quantity]
        outgoing = kind.isin(self.outgoing).fillna(False)
        delta = quantity.where(~outgoing, -quantity).where(kind.notna())
        return rules.stock_negative(
            table,
            at=self.quantity,
            date=self.date,
            sku=self.sku,
            warehouse=self.warehouse,
            delta=delta,
            places=SCALE[table.template.column(self.quantity).kind],
        )


@dataclass(frozen=True)
class PositiveWhen:
    """A number that must not be negative on the rows whose `kind` is one of `kinds` (an
    entrada or saída is a positive quantity; an ajuste carries its own sign)."""

    column: str
    kind: str
    kinds: tuple[str, ...]
    codes: ClassVar[tuple[str, ...]] = ("number.negative",)

    def run(self, table: Table, context: Context) -> list[Issue]:
        signed = table.data[self.kind].isin(self.kinds).fillna(False)
        negative = (table.data[self.column] < 0).fillna(False) & signed
        return issues_from_mask("number.negative", table, self.column, negative.to_numpy())


@dataclass(frozen=True)
class KnownIn:
    """A value that must appear in a column of another template's table, when that table is
    validated along (a counted SKU among the moved ones)."""

    column: str
    template: str
    other: str
    code: str

    @property
    def codes(self) -> tuple[str, ...]:
        return (self.code,)

    def run(self, table: Table, context: Context) -> list[Issue]:
        other = context.tables.get(self.template)
        if other is None or not table.has(self.column):
            return []
        return rules.unknown_values(table, self.column, other.data[self.other], self.code)
