"""Folha CLT: INSS, IRRF (with the Lei 15.270/2025 reduction), FGTS and net pay, to the cent.

Every figure keeps the arithmetic that produced it (a `Step` per line of the memória de
cálculo) so that a person can redo the sum by hand; the tax tables are data files with the act
they come from (`tables.py`, `validators/data/payroll/*.toml`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from retaguarda.validators.payroll.calendar import Holidays, national_holidays
from retaguarda.validators.payroll.model import Employee, Payslip, Step
from retaguarda.validators.payroll.month import (
    compute_month,
    default_payment_date,
    minimum_wage,
    thirteenth,
    vacation,
)
from retaguarda.validators.payroll.tables import NoTable
from retaguarda.validators.payroll.taxes import ZERO, inss_steps, irrf_steps

__all__ = [
    "Employee",
    "Holidays",
    "NoTable",
    "Payslip",
    "Step",
    "compute_month",
    "default_payment_date",
    "inss",
    "irrf",
    "minimum_wage",
    "national_holidays",
    "thirteenth",
    "vacation",
]


def inss(salary: Decimal, competencia: date) -> Decimal:
    """The employee's INSS on `salary` with the table in force in `competencia`."""
    return inss_steps(salary, competencia)[0]


def irrf(
    income: Decimal,
    dependents: int,
    payment_date: date,
    inss: Decimal = ZERO,
    *,
    exclusive: bool = False,
) -> Decimal:
    """IRRF on the month's taxable `income` paid on `payment_date` (regime de caixa), with
    `inss` and `dependents` as legal deductions unless the simplified discount is larger;
    `exclusive` for the 13º salário (férias are monthly income withheld apart: `exclusive`
    stays False for them)."""
    return irrf_steps(income, dependents, payment_date, inss, exclusive=exclusive)[0]
