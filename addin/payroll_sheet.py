"""Calcular folha: every employee's month computed from the folha sheet, written where the
sheet leaves INSS, IRRF, FGTS or Líquido empty, and explained in a "Memória de cálculo" sheet.

A value the user typed is never overwritten: it may be right for a reason the sheet does not
show (a court order, an agreement), and a payroll clerk must decide. When it differs from the
computed one by a cent or more, its cell is marked the way Validar marks a mistake (red fill, a
note with the computed value as the suggestion, the code `payroll.*_mismatch` Validar uses for
the same finding) and recorded in the add-in's marks sheet, so Limpar marcações takes it away
again; a rerun unmarks a cell that now agrees or was emptied (and fills it).

Written once against the workbook port: the buttons, Excel on the web and the CLI's --out copy
(`payroll_xlsx`) run the same code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pandas as pd

from retaguarda.addin.macros import (
    TITLE,
    mark_cell,
    read_workbook_tables,
    recorded_marks,
    unmark_cell,
    write_record,
)
from retaguarda.addin.marks import FILL, MAX_LINKS, CellMark, inert, visible
from retaguarda.addin.port import WorkbookPort
from retaguarda.templates.files import column_number
from retaguarda.templates.model import MEMORY_SHEET, MESSAGE_SHEET
from retaguarda.templates.payroll_rows import RowPayslip, compute_table
from retaguarda.templates.table import Table
from retaguarda.validators.codes import CODES, render
from retaguarda.validators.issues import Severity
from retaguarda.validators.payroll import Holidays
from retaguarda.validators.payroll.taxes import brl

#: the folha columns the computation fills: column key -> (the payslip's field, issue code)
COLUMNS = {
    "inss": ("inss", "payroll.inss_mismatch"),
    "irrf": ("irrf", "payroll.irrf_mismatch"),
    "fgts": ("fgts", "payroll.fgts_mismatch"),
    "liquido": ("net", "payroll.net_mismatch"),
}
STEP_HEADER = ("Item", "Valor", "Fonte")
#: every row of the memória sheet is this wide (the clients want a rectangle)
WIDTH = len(STEP_HEADER)
#: the summary lists the differing cells this many to a line
DIFFERENCES_PER_LINE = 8
NO_FOLHA = "nenhuma aba Folha de pagamento nesta pasta (confira os cabeçalhos)."
NO_ROWS = "a aba Folha de pagamento não tem nenhuma linha da competência {}."
NOTHING_TO_COMPUTE = (
    "nenhuma linha da aba Folha de pagamento tem o que o cálculo precisa (competência e "
    "salário base, admissão até a competência, competência de 2025 em diante)."
)


class PayrollInputError(ValueError):
    """The workbook does not hold what the computation needs; the message is for a person."""


@dataclass(frozen=True)
class CheckedRow:
    """One employee's month: the payslip, and what the sheet says in the computed columns."""

    computed: RowPayslip
    #: column key -> the cell ("O2"), for each of `COLUMNS` the sheet has
    cells: dict[str, str]
    #: column key -> the value typed there; None for an empty cell
    typed: dict[str, Decimal | None]
    #: column keys whose cell holds something that is not a number (left as it is)
    unreadable: frozenset[str] = frozenset()

    def value(self, key: str) -> Decimal:
        return getattr(self.computed.payslip, COLUMNS[key][0])

    @property
    def empty(self) -> list[str]:
        return [k for k in self.cells if self.typed[k] is None and k not in self.unreadable]

    @property
    def differing(self) -> list[str]:
        return [
            k for k in self.cells if self.typed[k] is not None and self.typed[k] != self.value(k)
        ]


@dataclass(frozen=True)
class Difference:
    """A typed value a cent or more away from the computed one."""

    sheet: str
    cell: str
    column: str  # the header, "INSS"
    code: str
    typed: Decimal
    computed: Decimal
    #: what the message of `code` says the figure came from (gross, competencia, payment_date)
    basis: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def note(self) -> str:
        """The note Validar puts on the same finding (the catalog's message for `code`), and
        where the arithmetic is."""
        fields = {"column": self.column, "value": brl(self.typed), "suggestion": brl(self.computed)}
        message = render(CODES[self.code].pt, fields | self.basis)
        return visible(
            f"Retaguarda:\n• {message} A conta está na aba {MEMORY_SHEET}. "
            f"Sugestão: {brl(self.computed)}"
        )


@dataclass(frozen=True)
class PayrollRun:
    """Every employee's month computed, and how each compares with the sheet."""

    rows: list[CheckedRow]
    #: (sheet, row) of the folha rows the engine could not compute (a required value missing)
    skipped: list[tuple[str, int]] = field(default_factory=list)

    @property
    def differences(self) -> list[Difference]:
        return [
            Difference(
                r.computed.sheet,
                r.cells[k],
                _HEADERS[k],
                COLUMNS[k][1],
                r.typed[k],  # type: ignore[arg-type]
                r.value(k),
                _basis(r.computed),
            )
            for r in self.rows
            for k in r.differing
        ]

    @property
    def filled(self) -> int:
        return sum(len(r.empty) for r in self.rows)

    @property
    def complete(self) -> bool:
        """Every row computed, and every value the sheet carries agrees with it."""
        return not self.skipped and not any(r.differing for r in self.rows)


_HEADERS = {"inss": "INSS", "irrf": "IRRF", "fgts": "FGTS", "liquido": "Líquido"}


def compute_payroll(
    tables: Sequence[Table], *, competencia: date | None = None, holidays: Holidays | None = None
) -> PayrollRun:
    """Every folha row of `tables` (of the month of `competencia` only, when given) computed
    and compared with what its INSS, IRRF, FGTS and Líquido cells say.

    Raises `PayrollInputError` when there is no folha sheet, or no row to compute.
    """
    folhas = [t for t in tables if t.template.id == "folha"]
    if not folhas:
        raise PayrollInputError(NO_FOLHA)
    rows: list[CheckedRow] = []
    skipped: list[tuple[str, int]] = []
    for table in folhas:
        found, missing = _check_table(table, holidays, competencia)
        rows += found
        skipped += missing
    if not rows:
        if competencia is not None and not skipped:
            raise PayrollInputError(NO_ROWS.format(f"{competencia:%m/%Y}"))
        raise PayrollInputError(NOTHING_TO_COMPUTE)
    return PayrollRun(rows, skipped)


def _check_table(
    table: Table, holidays: Holidays | None, competencia: date | None
) -> tuple[list[CheckedRow], list[tuple[str, int]]]:
    def wanted(month: date | None) -> bool:
        return competencia is None or (
            month is not None and (month.year, month.month) == (competencia.year, competencia.month)
        )

    keys = [k for k in COLUMNS if table.has(k)]
    index = {int(row): i for i, row in enumerate(table.rows)}
    typed = {k: table.decimals(k) for k in keys}
    raw = {k: table.raw[k].tolist() for k in keys}
    out = []
    for computed in compute_table(table, holidays=holidays):
        if not wanted(computed.employee.competencia):
            continue
        i = index[computed.row]
        values = {k: typed[k][i] for k in keys}
        unreadable = frozenset(k for k in keys if values[k] is None and not _blank(raw[k][i]))
        cells = {k: f"{table.letter(k)}{computed.row}" for k in keys}
        out.append(CheckedRow(computed, cells, values, unreadable))
    done = {r.computed.row for r in out}
    months = table.data["competencia"] if table.has("competencia") else [pd.NaT] * len(table)
    skipped = [
        (table.sheet, int(row))
        for row, month in zip(table.rows, months, strict=True)
        if int(row) not in done
        and (competencia is None or (not pd.isna(month) and wanted(pd.Timestamp(month).date())))
    ]
    return out, skipped


def calculate_payroll(
    port: WorkbookPort, *, competencia: date | None = None, holidays: Holidays | None = None
) -> PayrollRun | None:
    """Calcular folha on an open workbook: fill the empty INSS, IRRF, FGTS and Líquido cells,
    mark the typed ones that differ, (re)write the "Memória de cálculo" sheet. None, with the
    user told why, when the workbook holds nothing to compute."""
    try:
        run = compute_payroll(workbook_tables(port), competencia=competencia, holidays=holidays)
    except PayrollInputError as error:
        _tell(port, _sentence(str(error)))
        return None
    apply_payroll(port, run)
    return run


def workbook_tables(port: WorkbookPort) -> list[Table]:
    """The open workbook's template tables (the memória sheet is never one)."""
    return [t for t in read_workbook_tables(port) if t.sheet != MEMORY_SHEET]


def apply_payroll(port: WorkbookPort, run: PayrollRun) -> MemoryLayout:
    """Write `run` into the workbook: `write_back`, then the memória sheet, first."""
    write_back(port, run)
    layout = memory_sheet(run)
    port.replace_sheet(MEMORY_SHEET, first=True)
    port.write(MEMORY_SHEET, "A1", layout.rows)
    if port.capabilities.links:
        for cell, target, text in layout.links[:MAX_LINKS]:
            port.link(MEMORY_SHEET, cell, target, text)
    return layout


def write_back(port: WorkbookPort, run: PayrollRun) -> None:
    """Fill the empty computed cells; mark the differing ones, unmark those that now agree."""
    names = set(port.sheet_names())
    record = {(r.sheet, r.cell): r for r in recorded_marks(port)}
    for row in run.rows:
        sheet = row.computed.sheet
        for cell, values in _runs(row):
            port.write(sheet, cell, [values])
        for key in (k for k in row.cells if k not in row.differing and k not in row.unreadable):
            old = record.pop((sheet, row.cells[key]), None)
            left = unmark_cell(port, old) if old is not None else None
            if left is not None:
                record[sheet, left.cell] = left
    for difference in run.differences:
        where = (difference.sheet, difference.cell)
        mark = CellMark(difference.sheet, difference.cell, FILL[Severity.ERROR], difference.note)
        record[where] = mark_cell(port, mark, record.get(where))
    write_record(port, list(record.values()), names)


def _runs(row: CheckedRow) -> list[tuple[str, list[object]]]:
    """The row's empty computed cells as runs of neighbours (INSS to Líquido sit side by side
    in the template): one write each, one action for a remote client instead of four."""
    cells = sorted((column_number(row.cells[k].rstrip("0123456789")), k) for k in row.empty)
    runs: list[tuple[str, list[object]]] = []
    previous = -1
    for column, key in cells:
        if column == previous + 1 and runs:
            runs[-1][1].append(row.value(key))
        else:
            runs.append((row.cells[key], [row.value(key)]))
        previous = column
    return runs


@dataclass
class MemoryLayout:
    """The memória sheet's grid (rows `WIDTH` long), the 1-based rows that head a block (bold),
    those that are a header of columns, and its links as (cell, target, text)."""

    rows: list[list[object]]
    headings: list[int] = field(default_factory=list)
    headers: list[int] = field(default_factory=list)
    links: list[tuple[str, str, str]] = field(default_factory=list)


def memory_sheet(run: PayrollRun) -> MemoryLayout:
    """A summary on top, the differences, then one block per employee's month: what was
    computed, step by step, with the act each figure comes from."""
    out = MemoryLayout([])

    def add(*values: object, heading: bool = False, header: bool = False) -> int:
        out.rows.append(_padded(values))
        number = len(out.rows)
        if heading:
            out.headings.append(number)
        if header:
            out.headers.append(number)
        return number

    months = sorted({r.computed.employee.competencia for r in run.rows})
    shown = ", ".join(f"{m:%m/%Y}" for m in months)
    add("Memória de cálculo da folha", heading=True)
    add(f"Competência(s): {shown}. {len(run.rows)} empregado(s) calculado(s).")
    add(
        f"{run.filled} célula(s) vazia(s) de INSS, IRRF, FGTS e Líquido preenchida(s); "
        f"{len(run.differences)} valor(es) digitado(s) diferente(s) do cálculo, marcado(s) em "
        "vermelho e nunca sobrescrito(s)."
    )
    if run.skipped:
        listed = ", ".join(f"{sheet}!{row}" for sheet, row in run.skipped[:20])
        more = " …" if len(run.skipped) > 20 else ""
        add(
            inert(
                f"{len(run.skipped)} linha(s) não calculada(s), sem o que o cálculo precisa "
                f"(competência, salário base, admissão até a competência, tabelas em vigor): "
                f"{listed}{more}."
            )
        )
    differences = run.differences
    for start in range(0, len(differences), DIFFERENCES_PER_LINE):
        cells = ", ".join(
            f"{d.cell} ({d.column})" for d in differences[start : start + DIFFERENCES_PER_LINE]
        )
        sheets = ", ".join(sorted({d.sheet for d in differences}))
        label = f"Diferenças, marcadas em vermelho na aba {sheets}: " if start == 0 else ""
        add(inert(f"{label}{cells}"))
    for row in run.rows:
        add()
        c = row.computed
        title = (
            f"{c.name} — CPF {c.cpf} — competência {c.employee.competencia:%m/%Y} — "
            f"linha {c.row} da aba {c.sheet}"
        )
        number = add(inert(title), heading=True)
        out.links.append((f"A{number}", _target(c.sheet, f"A{c.row}"), inert(title)))
        add(*STEP_HEADER, header=True)
        for step in c.payslip.steps:
            value = "" if step.value is None else step.value
            add(inert(step.label), value, inert(step.source))
        for key in row.differing:
            add(
                inert(f"{_HEADERS[key]} digitado na planilha ({row.cells[key]})"),
                row.typed[key],
                f"diferente do calculado, {brl(row.value(key))}: confira",
            )
    return out


def payroll_dict(run: PayrollRun) -> dict[str, object]:
    """The run as JSON-ready data: money as decimal strings ("248.60"), never floats."""
    return {
        "complete": run.complete,
        "employees": [_row_dict(r) for r in run.rows],
        "differences": [
            {
                "sheet": d.sheet,
                "cell": d.cell,
                "column": d.column,
                "code": d.code,
                "in_sheet": str(d.typed),
                "computed": str(d.computed),
            }
            for d in run.differences
        ],
        "skipped": [{"sheet": sheet, "row": row} for sheet, row in run.skipped],
    }


def _row_dict(row: CheckedRow) -> dict[str, object]:
    c, p = row.computed, row.computed.payslip
    return {
        "sheet": c.sheet,
        "row": c.row,
        "cpf": c.cpf,
        "name": c.name,
        "competencia": f"{c.employee.competencia:%Y-%m}",
        "gross": str(p.gross),
        "inss": str(p.inss),
        "irrf": str(p.irrf),
        "fgts": str(p.fgts),
        "net": str(p.net),
        "vt": str(p.vt),
        "other_discounts": str(p.other_discounts),
        "employer_cost": str(p.employer_cost),
        "cells": dict(row.cells),
        "in_sheet": {k: _text(v) for k, v in row.typed.items()},
        "steps": [{"label": s.label, "value": _text(s.value), "source": s.source} for s in p.steps],
    }


def _basis(computed: RowPayslip) -> dict[str, str]:
    paid = computed.payslip.payment_date
    return {
        "gross": brl(computed.payslip.gross),
        "competencia": f"{computed.employee.competencia:%m/%Y}",
        "payment_date": f"{paid:%d/%m/%Y}" if paid else "",
    }


def _tell(port: WorkbookPort, message: str) -> None:
    """A message box where the client has one, else the add-in's message sheet."""
    if port.capabilities.alerts:
        port.alert(message, TITLE)
        return
    port.replace_sheet(MESSAGE_SHEET, first=True)
    port.write(MESSAGE_SHEET, "A1", [[message]])


def _sentence(message: str) -> str:
    return f"Calcular folha: {message}"


def _padded(values: Sequence[object]) -> list[object]:
    return [*values, *[""] * (WIDTH - len(values))]


def _target(sheet: str, cell: str) -> str:
    return "'{}'!{}".format(sheet.replace("'", "''"), cell)


def _blank(value: object) -> bool:
    return (
        value is None
        or value is pd.NA
        or (isinstance(value, float) and pd.isna(value))
        or (str(value).strip() == "")
    )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)
