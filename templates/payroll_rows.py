"""The folha sheet's rows as `Employee`s, and each row's payslip computed by the payroll engine."""

from __future__ import annotations

from dataclasses import dataclass

from retaguarda.templates.table import Table
from retaguarda.validators.payroll import Employee, Holidays, Payslip


@dataclass(frozen=True)
class RowPayslip:
    sheet: str
    row: int
    cpf: str
    name: str
    employee: Employee
    payslip: Payslip


def employees(table: Table) -> list[tuple[int, Employee]]:
    """(sheet row, employee) for every row that has what the computation needs."""
    raise NotImplementedError


def compute_table(table: Table, *, holidays: Holidays | None = None) -> list[RowPayslip]:
    raise NotImplementedError
