"""The folha sheet's rows as `Employee`s, and each row's payslip computed by the payroll engine.

A row that cannot be computed (no competência or salary, an admission after the competência,
a date before the first tax table) is left out: the cell checks already say what is wrong
with it, and a payroll figure guessed from half a row would only add noise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pandas as pd

from retaguarda.templates.table import Table
from retaguarda.validators.payroll import (
    Employee,
    Holidays,
    NoTable,
    Payslip,
    compute_month,
    default_payment_date,
)
from retaguarda.validators.payroll.tables import fgts_table, inss_table, irrf_table

#: the "Aprendiz" column's values that mean an apprenticeship contract
APPRENTICE = frozenset({"sim", "s", "x", "yes", "true", "aprendiz"})


@dataclass(frozen=True)
class RowPayslip:
    sheet: str
    row: int
    cpf: str
    name: str
    employee: Employee
    payslip: Payslip


def _dates(table: Table, key: str) -> list[date | None]:
    if not table.has(key):
        return [None] * len(table)
    return [None if pd.isna(v) else pd.Timestamp(v).date() for v in table.data[key]]


def _numbers(table: Table, key: str) -> list[Decimal | None]:
    return table.decimals(key) if table.has(key) else [None] * len(table)


def _texts(table: Table, key: str) -> list[str]:
    if not table.has(key):
        return [""] * len(table)
    return ["" if pd.isna(v) else str(v) for v in table.data[key]]


def _raw(table: Table, key: str) -> list[str]:
    """What the user typed (the CPF as written, not its typed form)."""
    if key not in table.raw:
        return [""] * len(table)
    return ["" if pd.isna(v) else str(v) for v in table.raw[key]]


def _computable(employee: Employee) -> bool:
    c = employee.competencia
    if employee.admission and (employee.admission.year, employee.admission.month) > (
        c.year,
        c.month,
    ):
        return False
    try:
        inss_table(c)
        fgts_table(c)
        irrf_table(employee.payment_date or default_payment_date(c))
    except NoTable:
        return False
    return True


def employees(table: Table) -> list[tuple[int, Employee]]:
    """(sheet row, employee) for every row that has what the computation needs."""
    competencias = _dates(table, "competencia")
    salaries = _numbers(table, "salario_base")
    admissions = _dates(table, "admissao")
    dependents = _numbers(table, "dependentes")
    overtime_50 = _numbers(table, "horas_extras_50")
    overtime_100 = _numbers(table, "horas_extras_100")
    absences = _numbers(table, "faltas")
    vt = _numbers(table, "vale_transporte")
    vt_benefit = _numbers(table, "vale_transporte_beneficio")
    other = _numbers(table, "outros_descontos")
    hours = _numbers(table, "horas_mensais")
    apprentice = _texts(table, "aprendiz")
    paid = _dates(table, "data_pagamento")
    zero = Decimal(0)
    out = []
    for i, row in enumerate(table.rows.tolist()):
        competencia, salary = competencias[i], salaries[i]
        if competencia is None or salary is None or salary < 0:
            continue
        employee = Employee(
            competencia=competencia.replace(day=1),
            salary=salary,
            admission=admissions[i],
            dependents=int(dependents[i] or 0),
            overtime_50=overtime_50[i] or zero,
            overtime_100=overtime_100[i] or zero,
            absences=absences[i] or zero,
            vt_discount=vt[i],
            vt_benefit=vt_benefit[i],
            other_discounts=other[i] or zero,
            monthly_hours=hours[i] or Decimal(220),
            apprentice=apprentice[i].strip().lower() in APPRENTICE,
            payment_date=paid[i],
        )
        if _computable(employee):
            out.append((int(row), employee))
    return out


def compute_table(table: Table, *, holidays: Holidays | None = None) -> list[RowPayslip]:
    """Each computable row's payslip, in sheet order."""
    by_row = {int(r): i for i, r in enumerate(table.rows.tolist())}
    cpfs, names = _raw(table, "cpf"), _texts(table, "nome")
    out = []
    for row, employee in employees(table):
        i = by_row[row]
        payslip = compute_month(employee, holidays=holidays)
        out.append(RowPayslip(table.sheet, row, cpfs[i], names[i], employee, payslip))
    return out
