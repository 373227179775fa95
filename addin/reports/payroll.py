"""Folha: per competência, the gross pay, INSS, IRRF, FGTS, net pay, what the payroll costs the
employer, and how many people were paid.

From `folha` (Competência, Matrícula, CPF, Salário base, horas extras, faltas, dependentes,
descontos, Data de pagamento...): each row is computed again by the payroll engine
(`templates.payroll_rows.employees` and `validators.payroll.compute_month`, with
`options.employer_inss_rate`), not taken from the sheet's own INSS, IRRF, FGTS and Líquido
columns: the sheet's figures are what someone typed, and the validation already points at
those that differ (`payroll.*_mismatch`). A row the engine cannot compute (no competência or
salary, an admission after the competência, a month before the first tax table) is left out
and counted in a note. Gross is the engine's taxable remuneration (salary and overtime after
absences); employer cost is that gross + FGTS + the employer's INSS. Headcount counts distinct
CPFs (or matrículas, where the CPF is empty) per competência; the totals' headcount counts them
over the whole period. With several teams the months are summed; there is nothing to
eliminate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from retaguarda.addin.reports import ledger
from retaguarda.addin.reports.ledger import brl
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
from retaguarda.templates.payroll_rows import employees
from retaguarda.templates.table import Table
from retaguarda.validators.payroll import Holidays, compute_month

FIGURES = ("gross", "inss", "irrf", "fgts", "net", "employer_cost")
ZERO = Decimal("0.00")
COLUMNS = (
    Column("month", "Competência", "month", 12),
    Column("headcount", "Empregados", "integer", 11),
    Column("gross", "Bruto"),
    Column("inss", "INSS"),
    Column("irrf", "IRRF"),
    Column("fgts", "FGTS"),
    Column("net", "Líquido"),
    Column("employer_cost", "Custo do empregador"),
)


def payroll(books: Sequence[Books], period: Period, options: ReportOptions) -> Report:
    first = period.start.replace(day=1)
    months: dict[date, dict[str, Decimal]] = defaultdict(lambda: dict.fromkeys(FIGURES, ZERO))
    people: dict[date, set[str]] = defaultdict(set)
    skipped = 0
    for one in books:
        for table in one.of("folha"):
            computable = employees(table)
            skipped += len(table) - len(computable)
            by_row = {int(r): i for i, r in enumerate(table.rows.tolist())}
            cpfs, ids = _texts(table, "cpf"), _texts(table, "matricula")
            for row, employee in computable:
                month = employee.competencia.replace(day=1)
                if not first <= month <= period.end:
                    continue
                slip = compute_month(
                    employee,
                    holidays=Holidays(options.local_holidays),
                    employer_rate=options.employer_inss_rate,
                )
                figures = months[month]
                for key in FIGURES:
                    figures[key] += getattr(slip, key)
                i = by_row[row]
                people[month].add(cpfs[i] or f"{one.team}:{ids[i]}")
    ordered = sorted(months)
    rows = tuple(Row({"month": m, "headcount": len(people[m]), **months[m]}) for m in ordered)
    sums = {key: sum((months[m][key] for m in ordered), ZERO) for key in FIGURES}
    everyone = set().union(*people.values()) if people else set()
    totals = Row({"month": None, "headcount": len(everyone), **sums}, style="total")
    notes = [
        "Valores calculados pelo motor da folha a partir do salário, horas extras, faltas e "
        "dependentes de cada linha, não copiados das colunas INSS, IRRF, FGTS e Líquido.",
        f"Custo do empregador: bruto + FGTS + INSS patronal de "
        f"{(options.employer_inss_rate * 100).normalize()}% sobre o bruto.",
    ]
    if ordered:
        notes.append(f"Custo total do período: {brl(sums['employer_cost'])}.")
    if skipped:
        notes.append(
            f"{skipped} linha(s) da folha sem competência, salário ou tabela de impostos "
            "para o mês ficaram de fora."
        )
    if len(books) > 1:
        notes.append("Consolidado: as folhas das equipes somadas por competência.")
    labels = tuple(f"{m.month:02d}/{m.year}" for m in ordered)
    chart = Chart(
        "column",
        "Folha por competência",
        labels,
        (
            Series("Bruto", tuple(months[m]["gross"] for m in ordered)),
            Series("Líquido", tuple(months[m]["net"] for m in ordered)),
            Series("Custo do empregador", tuple(months[m]["employer_cost"] for m in ordered)),
        ),
    )
    return Report(
        kind="folha",
        title="Resumo da folha de pagamento",
        period=period,
        scope=ledger.team_names(books),
        sections=(Section("rows", "Folha por competência", COLUMNS, rows, totals),),
        charts=(chart,),
        notes=tuple(notes),
        summary={**sums, "headcount": len(everyone), "months": len(ordered)},
    )


def _texts(table: Table, key: str) -> list[str]:
    if key not in table.data:
        return [""] * len(table)
    return ["" if v is None or v != v else str(v).strip() for v in table.data[key].astype(object)]
