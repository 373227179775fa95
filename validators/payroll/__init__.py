"""Folha CLT: INSS, IRRF (with the Lei 15.270/2025 reduction), FGTS and net pay, to the cent.

Every figure keeps the arithmetic that produced it (a `Step` per line of the memória de
cálculo) so that a person can redo the sum by hand; the tax tables are data files with the act
they come from (`tables.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Step:
    """One line of the memória de cálculo."""

    label: str
    value: Decimal
    source: str = ""


@dataclass(frozen=True)
class Employee:
    """One row of the folha sheet, typed."""

    competencia: date
    salary: Decimal
    admission: date | None = None
    dependents: int = 0
    overtime_50: Decimal = Decimal(0)
    overtime_100: Decimal = Decimal(0)
    absences: Decimal = Decimal(0)
    vt_discount: Decimal | None = None
    vt_benefit: Decimal | None = None
    other_discounts: Decimal = Decimal(0)
    monthly_hours: Decimal = Decimal(220)
    apprentice: bool = False
    payment_date: date | None = None


@dataclass(frozen=True)
class Payslip:
    gross: Decimal
    inss: Decimal
    irrf: Decimal
    fgts: Decimal
    net: Decimal
    employer_cost: Decimal
    vt: Decimal
    other_discounts: Decimal
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Holidays:
    """Local (state and municipal) holidays; the national ones are built in."""

    local: frozenset[date] = field(default_factory=frozenset)


def inss(salary: Decimal, competencia: date) -> Decimal:
    raise NotImplementedError


def irrf(
    income: Decimal,
    dependents: int,
    payment_date: date,
    inss: Decimal = Decimal(0),
    *,
    exclusive: bool = False,
) -> Decimal:
    raise NotImplementedError


def compute_month(employee: Employee, *, holidays: Holidays | None = None) -> Payslip:
    raise NotImplementedError


def thirteenth(
    salary: Decimal,
    year: int,
    *,
    installment: int,
    months: int = 12,
    dependents: int = 0,
    payment_date: date | None = None,
    first_installment: Decimal | None = None,
    apprentice: bool = False,
) -> Payslip:
    raise NotImplementedError


def vacation(
    salary: Decimal,
    start: date,
    *,
    days: int = 30,
    dependents: int = 0,
    payment_date: date | None = None,
    apprentice: bool = False,
) -> Payslip:
    raise NotImplementedError


def minimum_wage(competencia: date) -> Decimal:
    raise NotImplementedError
