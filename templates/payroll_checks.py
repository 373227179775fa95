"""The folha's payroll check: what the sheet says against what the payroll engine computes.

Only figures the sheet carries are checked (a folha without an IRRF column is not wrong), and
only a difference of a cent or more is flagged, with the computed value as the suggestion.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from retaguarda.templates.payroll_rows import RowPayslip, compute_table
from retaguarda.validators.issues import Issue, issues_from_mask
from retaguarda.validators.payroll import Holidays, minimum_wage
from retaguarda.validators.payroll.taxes import brl

if TYPE_CHECKING:
    from retaguarda.templates.checks import Context
    from retaguarda.templates.table import Table

CENT = Decimal("0.01")
FULL_TIME = Decimal(220)

#: (sheet column, payslip field, code)
COMPARED = (
    ("inss", "inss", "payroll.inss_mismatch"),
    ("irrf", "irrf", "payroll.irrf_mismatch"),
    ("fgts", "fgts", "payroll.fgts_mismatch"),
    ("liquido", "net", "payroll.net_mismatch"),
)


@dataclass(frozen=True)
class Payroll:
    """INSS, IRRF, FGTS and net pay recomputed per row; salary below the minimum wage; a
    vale-transporte discount above what the law allows."""

    codes: ClassVar[tuple[str, ...]] = (
        *(code for _, _, code in COMPARED),
        "payroll.below_minimum_wage",
        "payroll.vt_over_cap",
    )

    def run(self, table: Table, context: Context) -> list[Issue]:
        if not table.has("salario_base") or not table.has("competencia") or not len(table):
            return []
        computed = compute_table(table, holidays=Holidays(context.options.local_holidays))
        if not computed:
            return []
        position = {int(r): i for i, r in enumerate(table.rows.tolist())}
        issues = []
        for key, field, code in COMPARED:
            if table.has(key):
                issues += _mismatches(table, key, field, code, computed, position)
        issues += _below_minimum(table, computed, position)
        if table.has("vale_transporte"):
            issues += _vt_over_cap(table, computed, position)
        return issues


def _blank(table: Table) -> tuple[np.ndarray, list[str], dict[str, list[str]]]:
    n = len(table)
    return np.zeros(n, dtype=bool), [""] * n, {}


def _mismatches(
    table: Table,
    key: str,
    field: str,
    code: str,
    computed: list[RowPayslip],
    position: dict[int, int],
) -> list[Issue]:
    sheet = table.decimals(key)
    mask, suggestion, _ = _blank(table)
    gross, competencia, paid = [""] * len(table), [""] * len(table), [""] * len(table)
    for r in computed:
        i = position[r.row]
        given, expected = sheet[i], getattr(r.payslip, field)
        if given is None or abs(given - expected) < CENT:
            continue
        mask[i] = True
        suggestion[i] = brl(expected)
        gross[i] = brl(r.payslip.gross)
        competencia[i] = r.employee.competencia.strftime("%m/%Y")
        if r.payslip.payment_date:
            paid[i] = r.payslip.payment_date.strftime("%d/%m/%Y")
    return issues_from_mask(
        code,
        table,
        key,
        mask,
        suggestion=suggestion,
        params={"gross": gross, "competencia": competencia, "payment_date": paid},
    )


def _below_minimum(
    table: Table, computed: list[RowPayslip], position: dict[int, int]
) -> list[Issue]:
    mask, suggestion, _ = _blank(table)
    competencia = [""] * len(table)
    for r in computed:
        e = r.employee
        minimum = minimum_wage(e.competencia)
        if e.monthly_hours < FULL_TIME:
            minimum = (minimum * e.monthly_hours / FULL_TIME).quantize(CENT)
        if e.salary < minimum:
            i = position[r.row]
            mask[i] = True
            suggestion[i] = brl(minimum)
            competencia[i] = e.competencia.strftime("%m/%Y")
    return issues_from_mask(
        "payroll.below_minimum_wage",
        table,
        "salario_base",
        mask,
        suggestion=suggestion,
        params={"competencia": competencia},
    )


def _vt_over_cap(table: Table, computed: list[RowPayslip], position: dict[int, int]) -> list[Issue]:
    mask, suggestion, _ = _blank(table)
    for r in computed:
        given, cap = r.employee.vt_discount, r.payslip.vt_cap
        if given is None or cap is None:
            continue
        allowed = cap if r.employee.vt_benefit is None else min(cap, r.employee.vt_benefit)
        if given - allowed >= CENT:
            i = position[r.row]
            mask[i] = True
            suggestion[i] = brl(allowed)
    return issues_from_mask(
        "payroll.vt_over_cap", table, "vale_transporte", mask, suggestion=suggestion
    )
