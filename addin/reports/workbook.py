"""Relatórios in the workbook: every report the workbook's sheets allow, each written as a sheet
of its own through the workbook port, for the months the workbook's entries run.

The port writes values only (no number formats, no charts: the remote clients of xlwings and
Google Sheets apply neither through it), so a report sheet holds its figures as numbers, the
accounts indented with spaces by level, and under each chart's title the table the chart would
draw, with a line saying so; the standalone .xlsx (`report_xlsx`) has the formats and the
native charts. The sheets are named "Rel. ..." so that none is ever a user's own sheet, and
they are the add-in's own (`templates.model.OWN_SHEETS`): no macro reads them as data.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date

import pandas as pd

from retaguarda.addin.marks import inert
from retaguarda.addin.port import WorkbookPort
from retaguarda.addin.reports.books import books_of
from retaguarda.addin.reports.catalog import REPORTS
from retaguarda.addin.reports.display import period_text
from retaguarda.addin.reports.model import Books, Period, Report, ReportOptions, Section
from retaguarda.templates.model import MESSAGE_SHEET, OWN_SHEETS
from retaguarda.templates.reader import read_sheets

#: each report's sheet in the workbook, in the order the macro writes them (the names are the
#: add-in's own, `templates.model.REPORT_SHEETS`: no reader takes them for a template)
SHEETS = {
    "balancete": "Rel. Balancete",
    "dre": "Rel. DRE",
    "balanco": "Rel. Balanço patrimonial",
    "fluxo-de-caixa": "Rel. Fluxo de caixa",
    "aging": "Rel. Aging",
    "folha": "Rel. Folha",
    "estoque": "Rel. Estoque",
}
#: what each report reads: at least one of these sheets must be in the books
NEEDS = {
    "balancete": ("lancamentos",),
    "dre": ("lancamentos",),
    "balanco": ("lancamentos",),
    "fluxo-de-caixa": ("lancamentos", "contas_a_pagar", "contas_a_receber"),
    "aging": ("contas_a_pagar", "contas_a_receber"),
    "folha": ("folha",),
    "estoque": ("estoque_movimentos",),
}
NEEDS_PT = {
    "lancamentos": "Lançamentos",
    "contas_a_pagar": "Contas a pagar",
    "contas_a_receber": "Contas a receber",
    "folha": "Folha",
    "estoque_movimentos": "Movimentações de estoque",
}
TITLE = "Retaguarda"
CHARTS_NOTE = (
    "Gráficos: esta aba traz os dados de cada um; o arquivo de `retaguarda report --out "
    "relatorio.xlsx` traz os gráficos prontos."
)
NOTHING = (
    "Relatórios: nenhuma aba com lançamentos, contas, folha ou estoque foi reconhecida nesta "
    "pasta (confira os cabeçalhos)."
)


def missing_books(name: str, books: Sequence[Books]) -> str | None:
    """Why report `name` cannot be made from `books` (one sentence in Portuguese), or None."""
    needed = NEEDS[name]
    if any(book.of(template_id) for book in books for template_id in needed):
        return None
    sheets = " ou ".join(f"“{NEEDS_PT[t]}”" for t in needed)
    return f"nenhuma aba {sheets} nos arquivos dados"


def data_period(books: Sequence[Books], today: date) -> Period | None:
    """The whole months the entries run up to `today`: from the first day of the earliest
    "Lançamentos" date's month to the last day of the latest one's; without entries, the
    dates of every other sheet. A date after today (a typo, or a bill not yet due) does not
    stretch the period; None when no date is left."""
    days = _dates(books, ("lancamentos",), today) or _dates(books, None, today)
    if not days:
        return None
    first, last = min(days), max(days)
    end = calendar.monthrange(last.year, last.month)[1]
    return Period(first.replace(day=1), last.replace(day=end))


def _dates(books: Sequence[Books], template_ids: tuple[str, ...] | None, today: date) -> list[date]:
    found: list[date] = []
    limit = pd.Timestamp(today)
    for book in books:
        for template_id, tables in book.tables.items():
            if template_ids is not None and template_id not in template_ids:
                continue
            for table in tables:
                for key in table.data.columns:
                    column = table.data[key]
                    if not pd.api.types.is_datetime64_any_dtype(column):
                        continue
                    column = column[column <= limit]
                    if column.notna().any():
                        found += [column.min().date(), column.max().date()]
    return found


def workbook_books(port: WorkbookPort) -> Books:
    """The open workbook's template sheets as one team's `Books`, named "Esta pasta"; the
    report sheets and the add-in's own are left out."""
    read = {name: port.read(name) for name in port.sheet_names() if name not in OWN_SHEETS}
    tables = read_sheets(
        [(name, values.rows) for name, values in read.items()],
        origins={name: (values.first_row, values.first_col) for name, values in read.items()},
    )
    return books_of("Esta pasta", tables)


def write_reports(port: WorkbookPort, today: date, period: Period | None = None) -> list[Report]:
    """Relatórios: each report the workbook's sheets allow, for `period` (default: the months
    of its entries), written as its sheet (`SHEETS`); returns the reports written. When none
    can be made the user is told why (a message box, else the "Retaguarda" sheet)."""
    books = [workbook_books(port)]
    period = period or data_period(books, today)
    if period is None:
        _tell(port, NOTHING)
        return []
    options = ReportOptions(today=today)
    made: list[Report] = []
    for name, function in REPORTS.items():
        if missing_books(name, books) is not None:
            continue
        try:
            report = function(books, period, options)
        except NotImplementedError:
            continue  # a report this version does not make yet
        port.replace_sheet(SHEETS[name])
        port.write(SHEETS[name], "A1", report_grid(report))
        made.append(report)
    if not made:
        _tell(port, NOTHING)
    return made


def report_grid(report: Report) -> list[list[object]]:
    """The report as the rows of a sheet: its title, scope and period, each section (title,
    header, rows, totals), its notes, then each chart's data under the chart's title. Numbers
    stay Decimal (each adapter writes the cell's number), dates dates, text inert."""
    grid: list[list[object]] = [
        [inert(report.title)],
        [inert(f"{report.scope} · {period_text(report.period)}")],
        [],
    ]
    for section in report.sections:
        grid += _section_grid(section)
    notes = [*report.notes, *(issue.message for issue in report.issues)]
    if notes:
        grid += [["Observações"], *([inert(note)] for note in notes), []]
    if report.charts:
        grid.append([CHARTS_NOTE])
        for chart in report.charts:
            grid.append([inert(f"{chart.title} ({chart.unit})")])
            grid.append(["", *(inert(s.name) for s in chart.series)])
            for i, category in enumerate(chart.categories):
                values = [s.values[i] if i < len(s.values) else None for s in chart.series]
                grid.append([inert(category), *values])
            grid.append([])
    width = max(len(row) for row in grid)
    return [row + [None] * (width - len(row)) for row in grid]


def _section_grid(section: Section) -> list[list[object]]:
    grid: list[list[object]] = [[inert(section.title)], [inert(c.label) for c in section.columns]]
    for row in (*section.rows, *((section.totals,) if section.totals else ())):
        cells: list[object] = []
        for column in section.columns:
            value = row.values.get(column.key)
            if isinstance(value, str):
                # an indented text starts with spaces, which no spreadsheet runs as a formula:
                # the quote is only needed (and only shown) at level 0
                indent = "  " * row.level if column.kind == "text" else ""
                value = inert(indent + value)
            cells.append(value)
        grid.append(cells)
    grid.append([])
    return grid


def _tell(port: WorkbookPort, message: str) -> None:
    if port.capabilities.alerts:
        port.alert(message, TITLE)
    else:
        port.replace_sheet(MESSAGE_SHEET, first=True)
        port.write(MESSAGE_SHEET, "A1", [[message]])
