"""What the payroll engine takes and gives: an employee's month, a payslip and the lines of
its memória de cálculo."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Step:
    """One line of the memória de cálculo: what was done, in words a person can redo by hand
    ("INSS 2ª faixa: (2.902,84 − 1.621,00) × 9%"), its value and the act behind it."""

    label: str
    #: None for a line that only says something (the payment date that picks the IRRF table)
    value: Decimal | None
    source: str = ""


@dataclass(frozen=True)
class Employee:
    """One row of the folha sheet, typed.

    `payment_date` decides the IRRF table (regime de caixa); when None it is the 5th business
    day of the month after the competência (CLT art. 459 § 1º; Saturdays count, Sundays and
    national holidays do not). `rest_days_lost` is how many weekly rests (DSR) the absences
    cost; when None the sheet's days of absence are taken as falling in as few weeks as they
    can (one DSR per six days, rounded up), the least the sheet proves.
    """

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
    rest_days_lost: int | None = None


@dataclass(frozen=True)
class Payslip:
    """A computed payment. `gross` is the taxable remuneration (after absences); `net` what is
    paid; `employer_cost` what the payment costs the company (paid amount before the
    employee's discounts + FGTS + employer INSS when a rate is given). `vt_cap` is 6% of the
    base salary, the most the vale-transporte discount may be."""

    gross: Decimal
    inss: Decimal
    irrf: Decimal
    fgts: Decimal
    net: Decimal
    employer_cost: Decimal
    vt: Decimal
    other_discounts: Decimal
    steps: tuple[Step, ...]
    employer_inss: Decimal = Decimal(0)
    vt_cap: Decimal | None = None
    payment_date: date | None = None
