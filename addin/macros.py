"""The macros finance runs from a workbook, written once against the workbook port.

Validar finds the template sheets, validates them together and marks the workbook; Limpar
marcações takes the marks away again. The add-in cannot read colours or notes back from every
client (xlwings' remote engine sees values only), so it records what it painted and noted in
a sheet of its own (`MARKS_SHEET`) and only ever undoes what is recorded there: the user's own
formatting and notes are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from retaguarda.addin.marks import (
    FORMULA_PREFIXES,
    MAX_LINKS,
    PENDING_HEADER,
    CellMark,
    cell_marks,
    inert,
    pending_rows,
)
from retaguarda.addin.port import WorkbookPort
from retaguarda.addin.reconcile.bank import Reconciliation, reconcile_bank
from retaguarda.addin.reconcile.bank_account import guess_account
from retaguarda.addin.reconcile.model import MatchOptions
from retaguarda.addin.reconcile.sheet import SHEET as CONCILIATION_SHEET
from retaguarda.addin.reconcile.sheet import (
    SheetLayout,
    account_from_sheet,
    account_sheet,
    amounts_from_sheet,
    conciliation_sheet,
    decisions_from_sheet,
)
from retaguarda.addin.reconcile.statements import statement_from_table
from retaguarda.templates.model import MARKS_SHEET, MESSAGE_SHEET, OWN_SHEETS, PENDING_SHEET
from retaguarda.templates.reader import read_sheets
from retaguarda.templates.table import Table
from retaguarda.templates.validate import Options, validate_tables
from retaguarda.validators.report import Report, SheetSummary

if TYPE_CHECKING:
    from retaguarda.addin.payroll_sheet import PayrollRun
    from retaguarda.addin.reports.model import Report as FinancialReport

#: the add-in's record of the cells it painted and noted (`MARKS_SHEET`, hidden where the
#: client can)
MARKS_HEADER = ("Aba", "Célula", "Pintada", "Nota")
TITLE = "Retaguarda"
NO_TEMPLATE = "Nenhum modelo do Retaguarda reconhecido nesta pasta (confira os cabeçalhos)."
NOTHING_FOUND = "Nenhuma pendência encontrada."
NO_STATEMENT = (
    "Conciliar: nenhuma aba “Extrato bancário” nesta pasta. Cole o extrato numa aba com os "
    "cabeçalhos do modelo (workbooks/templates/extrato.xlsx) e rode Conciliar de novo."
)
NO_ACCOUNT = (
    "Conciliar: não foi possível escolher a conta contábil do banco{}. Escreva o código da "
    "conta ao lado de “Conta contábil”, na aba Conciliação, e rode Conciliar de novo."
)
#: a cell reference as the marks sheet holds it; anything else there is not the add-in's
_CELL = re.compile(r"[A-Z]{1,3}[1-9][0-9]{0,6}")


@dataclass(frozen=True)
class Recorded:
    """One cell the add-in marked on an earlier run."""

    sheet: str
    cell: str
    painted: bool
    noted: bool


def validate_workbook(port: WorkbookPort, options: Options | None = None) -> Report:
    """Validar: validate every template sheet together, then mark the workbook with the result.

    All sheets go in at once because cross-sheet rules need them (ledger accounts against the
    "Plano de contas", stock counts against the movements).
    """
    tables = read_workbook_tables(port)
    report = Report(
        issues=validate_tables(tables, options),
        sheets=[SheetSummary("", t.sheet, t.template.id, len(t)) for t in tables],
    )
    mark_workbook(port, report, found_templates=bool(tables))
    return report


def read_workbook_tables(port: WorkbookPort) -> list[Table]:
    """Every sheet that holds a known template, in workbook order (`reader.read_sheets`
    decides which: the same for a file, a folder, Google Sheets and an open workbook)."""
    read = {name: port.read(name) for name in port.sheet_names() if name not in OWN_SHEETS}
    return read_sheets(
        [(name, values.rows) for name, values in read.items()],
        origins={name: (values.first_row, values.first_col) for name, values in read.items()},
    )


def mark_workbook(port: WorkbookPort, report: Report, *, found_templates: bool = True) -> None:
    """Paint and note the offending cells, undo the marks of what was fixed, list everything in
    the Pendências sheet. Every adapter applies the same marks, so every client agrees."""
    names = set(port.sheet_names())
    previous = {(r.sheet, r.cell): r for r in recorded_marks(port)}
    marks = [m for m in cell_marks(report.issues) if m.sheet in names]
    current = {(m.sheet, m.cell) for m in marks}
    record: list[Recorded] = []
    for key, old in previous.items():
        if key in current or old.sheet not in names:
            continue
        left = unmark_cell(port, old)
        if left is not None:
            record.append(left)
    for mark in marks:
        record.append(mark_cell(port, mark, previous.get((mark.sheet, mark.cell))))
    write_record(port, record, names)
    _write_pending(port, report, found_templates)


def clear_marks(port: WorkbookPort) -> None:
    """Limpar marcações: remove the recorded fills and notes and the add-in's own sheets."""
    names = set(port.sheet_names())
    left = []
    for old in recorded_marks(port):
        if old.sheet in names:
            remaining = unmark_cell(port, old)
            if remaining is not None:
                left.append(remaining)
    write_record(port, left, names)
    for sheet in (PENDING_SHEET, MESSAGE_SHEET):
        if sheet in names:
            port.delete_sheet(sheet)


def reconcile(port: WorkbookPort, options: MatchOptions | None = None) -> Reconciliation | None:
    """Conciliar: the workbook's "Extrato bancário" sheet against its ledger, into the
    "Conciliação" sheet (see `addin.reconcile.sheet`).

    The account is the one written next to "Conta contábil" in the Conciliação sheet, else
    the chart's only bank account (`bank_account.guess_account`); when neither says, the
    sheet is written with that cell to fill in and the user is told why. The decisions
    (confirmar/rejeitar) of the sheet being replaced are read first and kept.
    """
    names = port.sheet_names()
    previous = list(port.read(CONCILIATION_SHEET).rows) if CONCILIATION_SHEET in names else []
    tables = [t for t in read_workbook_tables(port) if t.sheet != CONCILIATION_SHEET]
    extrato = next((t for t in tables if t.template.id == "extrato"), None)
    if extrato is None:
        _tell(port, NO_STATEMENT)
        return None
    statement = statement_from_table(extrato)
    account = account_from_sheet(previous)
    if not account:
        account, candidates = guess_account(tables, statement)
    if not account:
        found = f" (contas de banco no Plano de contas: {', '.join(candidates)})"
        message = NO_ACCOUNT.format(found if candidates else "")
        _write_conciliation(port, account_sheet(message))
        _tell(port, message, sheet=False)
        return None
    result = reconcile_bank(
        statement,
        tables,
        account,
        options or MatchOptions(),
        decisions_from_sheet(previous),
        seen=amounts_from_sheet(previous),
    )
    _write_conciliation(port, conciliation_sheet(result))
    return result


def _write_conciliation(port: WorkbookPort, layout: SheetLayout) -> None:
    port.replace_sheet(CONCILIATION_SHEET, first=True)
    port.write(CONCILIATION_SHEET, "A1", layout.rows)
    if port.capabilities.links:
        for cell, target, text in layout.links[:MAX_LINKS]:
            port.link(CONCILIATION_SHEET, cell, target, text)


def _tell(port: WorkbookPort, message: str, *, sheet: bool = True) -> None:
    """A message box where the client has one, else (when `sheet`) the message sheet."""
    if port.capabilities.alerts:
        port.alert(message, TITLE)
    elif sheet:
        port.replace_sheet(MESSAGE_SHEET, first=True)
        port.write(MESSAGE_SHEET, "A1", [[message]])


def reports(port: WorkbookPort, today: date | None = None) -> list[FinancialReport]:
    """Relatórios: every report the workbook's sheets allow (balancete, DRE, balanço, fluxo de
    caixa, aging, folha, estoque), each as a sheet of its own, for the months of its entries
    (`addin.reports.workbook`). `today`, from which the aging counts days overdue and the cash
    flow projects, is the company's (RETAGUARDA_TODAY, else the clock) unless given."""
    from retaguarda.addin.reports.workbook import write_reports
    from retaguarda.templates.settings import SettingsError, company_options

    if today is None:
        try:
            today = company_options().today
        except SettingsError as error:
            _tell(port, str(error))
            return []
    return write_reports(port, today)


def payroll(port: WorkbookPort) -> PayrollRun | None:
    """Calcular folha: fill the folha sheet's empty INSS, IRRF, FGTS and Líquido cells, mark
    the typed ones that differ from the computation, and (re)write the "Memória de cálculo"
    sheet (see `addin.payroll_sheet`, imported here because it builds on this module's marks)."""
    from retaguarda.addin.payroll_sheet import calculate_payroll
    from retaguarda.templates.settings import SettingsError, company_options
    from retaguarda.validators.payroll import Holidays

    try:
        holidays = Holidays(company_options().local_holidays)
    except SettingsError as error:
        _tell(port, str(error))
        return None
    return calculate_payroll(port, holidays=holidays)


def recorded_marks(port: WorkbookPort) -> list[Recorded]:
    """The marks an earlier run recorded; an unreadable row is skipped, never fatal.

    The sheet is in the user's hands: a row whose cell is not a plain reference ("D17") was
    not written by the add-in, and is neither acted on nor written back.
    """
    if MARKS_SHEET not in port.sheet_names():
        return []
    values = port.read(MARKS_SHEET)
    out = []
    for row in list(values.rows)[1:]:
        if len(row) < 4 or not row[0] or not _CELL.fullmatch(cell := str(row[1]).strip()):
            continue
        out.append(Recorded(_plain(row[0]), cell, _yes(row[2]), _yes(row[3])))
    return out


def record_rows(record: Sequence[Recorded]) -> list[list[object]]:
    """The marks sheet's rows, header first; every value copied from the workbook is inert."""
    rows: list[list[object]] = [list(MARKS_HEADER)]
    rows += [
        [inert(r.sheet), inert(r.cell), "sim" if r.painted else "", "sim" if r.noted else ""]
        for r in record
    ]
    return rows


def pending_sheet_rows(
    report: Report, *, found_templates: bool = True
) -> tuple[list[list[object]], list[str]]:
    """The Pendências sheet's rows, header first and all of one width, and for each row
    below the header the address its "Célula" links to ("" for none)."""
    listed = pending_rows(report)
    rows: list[list[object]] = [list(PENDING_HEADER)]
    rows += [values for values, _target in listed]
    if not found_templates:
        rows.append([NO_TEMPLATE])
    elif not listed:
        rows.append([NOTHING_FOUND])
    width = len(PENDING_HEADER)
    targets = [target for _values, target in listed]
    return [list(r) + [""] * (width - len(r)) for r in rows], targets


def mark_cell(port: WorkbookPort, mark: CellMark, old: Recorded | None) -> Recorded:
    caps = port.capabilities
    painted = old.painted if old else False
    if caps.colors:
        port.paint(mark.sheet, mark.cell, mark.fill)
        painted = True
    noted = old.noted if old else False
    # a note of the user's own on this cell stays; the Pendências sheet carries the message
    if caps.notes and (noted or not port.has_note(mark.sheet, mark.cell)):
        port.set_note(mark.sheet, mark.cell, mark.note)
        noted = True
    return Recorded(mark.sheet, mark.cell, painted, noted)


def unmark_cell(port: WorkbookPort, old: Recorded) -> Recorded | None:
    """Undo one recorded mark; what this client cannot undo stays recorded for a later run."""
    caps = port.capabilities
    painted, noted = old.painted, old.noted
    if painted and caps.colors:
        port.paint(old.sheet, old.cell, None)
        painted = False
    if noted and caps.notes:
        port.set_note(old.sheet, old.cell, None)
        noted = False
    return Recorded(old.sheet, old.cell, painted, noted) if painted or noted else None


def write_record(port: WorkbookPort, record: Sequence[Recorded], names: set[str]) -> None:
    if not record:
        if MARKS_SHEET in names:
            port.delete_sheet(MARKS_SHEET)
        return
    port.replace_sheet(MARKS_SHEET)
    port.write(MARKS_SHEET, "A1", record_rows(record))
    if port.capabilities.hidden_sheets:
        port.hide_sheet(MARKS_SHEET)


def _write_pending(port: WorkbookPort, report: Report, found_templates: bool) -> None:
    port.replace_sheet(PENDING_SHEET, first=True)
    rows, targets = pending_sheet_rows(report, found_templates=found_templates)
    port.write(PENDING_SHEET, "A1", rows)
    if not port.capabilities.links:
        return
    linked = [(n, t) for n, t in enumerate(targets, start=2) if t][:MAX_LINKS]
    for number, target in linked:
        port.link(PENDING_SHEET, f"B{number}", target, str(rows[number - 1][1]))


def _plain(text: object) -> str:
    """Undo `inert` on a value read back: Excel drops the quote, an .xlsx file keeps it."""
    value = str(text)
    if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def _yes(value: object) -> bool:
    return str(value).strip().lower() == "sim"
