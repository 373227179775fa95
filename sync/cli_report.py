"""`retaguarda report`: a thin shell over the report functions (`addin.reports.catalog`) and
their renderers: a table in the terminal, JSON, or a file (.xlsx with native charts, or a
self-contained .html page).

Several files are one company: each file is a team, and the report is their consolidation,
with the transfers between them eliminated. Exit codes: 0 the report was made; 2 a file could
not be read, a month or an option is not valid, or the files do not hold what the report reads
(one sentence in Portuguese on stderr).
"""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from retaguarda.sync.console import format_option, json_text, line, shown

if TYPE_CHECKING:
    from retaguarda.addin.reports.model import Books, Period, Report, Section
    from retaguarda.templates.validate import Options

EXIT_UNREADABLE = 2
#: every report by its CLI name (`addin.reports.catalog.REPORTS`, listed here so that --help
#: needs no import of the reports), and "todos" for all that the files allow
NAMES = ("balancete", "dre", "balanco", "fluxo-de-caixa", "aging", "folha", "estoque")
ALL = "todos"
#: a terminal shows this many rows of a section; the rest is in --format json and --out
MAX_ROWS = 200
#: a text column (an account's name) asks for up to this width; the figures beside it whole
TEXT_WIDTH = 28
_MONTH = re.compile(r"(?:(\d{4})-(\d{1,2})|(\d{1,2})/(\d{4}))")
OUT_KINDS = (".xlsx", ".html", ".htm")


@click.command("report")
@click.argument("name", metavar="RELATÓRIO", type=click.Choice([*NAMES, ALL]))
@click.argument(
    "files", metavar="ARQUIVO...", nargs=-1, required=True, type=click.Path(path_type=Path)
)
@click.option(
    "--from", "start", metavar="AAAA-MM", help="Primeiro mês (padrão: o primeiro dos lançamentos)."
)
@click.option(
    "--to", "end", metavar="AAAA-MM", help="Último mês (padrão: o último dos lançamentos até hoje)."
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Grava o relatório num arquivo: .xlsx (com gráficos do Excel) ou .html (página única).",
)
@format_option
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d", "%d/%m/%Y"]),
    help="Data de referência do aging, do fluxo de caixa projetado e do estoque parado "
    "(padrão: hoje).",
)
@click.option(
    "--by",
    "granularity",
    type=click.Choice(["day", "week", "month"]),
    default="month",
    show_default=True,
    help="Passo do fluxo de caixa: dia, semana ou mês.",
)
def report(
    name: str,
    files: tuple[Path, ...],
    start: str | None,
    end: str | None,
    out: Path | None,
    output_format: str,
    today: object,
    granularity: str,
) -> None:
    """Relatórios financeiros: balancete, DRE, balanço, fluxo de caixa, aging, folha, estoque.

    Vários arquivos são uma empresa só: cada arquivo é uma equipe e o relatório é o
    consolidado, com as transferências entre elas eliminadas. RELATÓRIO "todos" faz cada um
    que os arquivos permitem.

    Exemplo: retaguarda report balancete matriz.xlsx filial_rio.xlsx --from 2026-01
    --to 2026-03 --out balancete.xlsx
    """
    from retaguarda.addin.reports.books import read_books
    from retaguarda.addin.reports.model import ReportOptions
    from retaguarda.templates.files import UnreadableFile

    if out is not None and out.suffix.lower() not in OUT_KINDS:
        _fail(f"--out grava .xlsx ou .html, não “{out.suffix or out.name}”.")
    if out is not None and out.resolve() in {f.resolve() for f in files}:
        _fail("--out grava um arquivo novo: escolha outro nome, não o de uma planilha lida.")
    first, last = _month(start, "--from"), _month(end, "--to")
    company = _company()
    reference = today.date() if today is not None else company.today  # type: ignore[attr-defined]
    try:
        books = read_books(list(files))
    except UnreadableFile as error:
        _fail(error.message)
    period = _period(books, first, last, reference)
    options = ReportOptions(
        today=reference,
        granularity=granularity,  # type: ignore[arg-type]
        local_holidays=company.local_holidays,
    )
    reports = _reports(name, books, period, options)
    if output_format == "json":
        from retaguarda.addin.reports.report_json import report_json

        data = [report_json(r) for r in reports]
        click.echo(json_text(data[0] if name != ALL else {"reports": data}))
    else:
        console = Console()
        for made in reports:
            print_report(made, console)
    if out is not None:
        _write(reports, out)


def _reports(name: str, books: list[Books], period: Period, options: object) -> list[Report]:
    from retaguarda.addin.reports.catalog import REPORTS
    from retaguarda.addin.reports.workbook import missing_books

    made = []
    for key in NAMES if name == ALL else (name,):
        missing = missing_books(key, books)
        if missing is not None:
            if name != ALL:
                _fail(f"{key}: {missing}.")
            continue
        try:
            made.append(REPORTS[key](books, period, options))  # type: ignore[arg-type]
        except NotImplementedError:
            if name != ALL:
                _fail(f"o relatório “{key}” ainda não está disponível nesta versão.")
    if not made:
        _fail("os arquivos dados não têm lançamentos, contas, folha nem estoque para relatar.")
    return made


def _month(text: str | None, option: str) -> date | None:
    """ "2026-03" or "03/2026" as the month's first day."""
    if text is None:
        return None
    found = _MONTH.fullmatch(text.strip())
    if found:
        year, month = (found[1], found[2]) if found[1] else (found[4], found[3])
        if 1 <= int(month) <= 12 and int(year) >= 1900:
            return date(int(year), int(month), 1)
    _fail(f"mês inválido em {option}: “{text}” (use AAAA-MM, como 2026-01).")


def _company() -> Options:
    """The company's settings (RETAGUARDA_TODAY, RETAGUARDA_LOCAL_HOLIDAYS...)."""
    from retaguarda.templates.settings import SettingsError, company_options

    try:
        return company_options()
    except SettingsError as error:
        _fail(str(error))


def _period(books: list[Books], first: date | None, last: date | None, today: date) -> Period:
    """The months asked for; a bound not given is the data's (`workbook.data_period`)."""
    import calendar

    from retaguarda.addin.reports.model import Period
    from retaguarda.addin.reports.workbook import data_period

    if first is None or last is None:
        found = data_period(books, today)
        if found is None and first is None and last is None:
            _fail("os arquivos dados não têm nenhuma data: informe --from e --to.")
        first = first or (found.start if found else last)
        last = last or (found.end if found else first)
    assert first is not None
    assert last is not None
    if last < first.replace(day=1):
        _fail(f"--to ({last:%m/%Y}) vem antes de --from ({first:%m/%Y}).")
    end = last.replace(day=calendar.monthrange(last.year, last.month)[1])
    return Period(first.replace(day=1), end)


def print_report(report: Report, console: Console) -> None:
    """The report in the terminal: its title, scope and period, each section as a table (the
    totals bold, accounts indented by level), then its notes."""
    from retaguarda.addin.reports.display import period_text

    console.print(Text.assemble((report.title, "bold"), " — ", shown(report.scope).plain))
    console.print(Text(f"{period_text(report.period)}; valores em R$.", style="dim"))
    for section in report.sections:
        table, needed = _section_table(section)
        if needed > console.width:  # wider than the terminal: lines wrap, figures stay whole
            Console(file=console.file, width=needed, no_color=console.no_color).print(table)
        else:
            console.print(table)
    for note in (*report.notes, *(i.message for i in report.issues)):
        console.print(line("•", "yellow", note))
    console.print()


def _section_table(section: Section) -> tuple[RichTable, int]:
    """The section as a table, and the width it needs to show every figure whole (a figure
    is never cut; a narrow terminal wraps the wider lines, a pipe keeps them)."""
    from retaguarda.addin.reports.display import shown as shown_value

    table = RichTable(title=shown(section.title), title_justify="left", expand=False)
    for column in section.columns:
        right = column.kind not in ("text", "date", "month")
        table.add_column(shown(column.label), justify="right" if right else "left", no_wrap=right)
    rows = list(section.rows[:MAX_ROWS])
    widths = [min(len(c.label), TEXT_WIDTH) for c in section.columns]
    for row in (*rows, *((section.totals,) if section.totals else ())):
        style = "bold" if row.style != "normal" else ""
        cells = []
        for column in section.columns:
            text = shown_value(row.values.get(column.key), column.kind)
            if column.kind == "money":
                text = text.replace("R$ ", "")  # the period's line says so: room for names
            if column.kind == "text" and row.level:
                text = "  " * row.level + text
            cells.append(shown(text))
            n = len(cells) - 1
            limit = TEXT_WIDTH if column.kind == "text" else len(text)
            widths[n] = max(widths[n], min(len(text), limit))
        table.add_row(*cells, style=style, end_section=row is section.totals)
    if len(section.rows) > MAX_ROWS:
        more = len(section.rows) - MAX_ROWS
        table.caption = f"… e mais {more} linha(s): veja --format json ou --out."
    return table, sum(widths) + 3 * len(widths) + 1


def _write(reports: list[Report], out: Path) -> None:
    try:
        if out.suffix.lower() == ".xlsx":
            from retaguarda.addin.reports.report_xlsx import write_reports_xlsx

            write_reports_xlsx(reports, out)
        else:
            from retaguarda.addin.reports.report_html import report_page

            out.write_text(report_page(reports), encoding="utf-8")
    except OSError as error:
        reason = error.strerror or str(error)
        _fail(f"não foi possível gravar o relatório em {out} ({reason}).")
    Console(stderr=True).print(line("relatório gravado em", "", str(out)))


def _fail(message: str) -> NoReturn:
    Console(stderr=True).print(line("erro:", "bold red", message))
    sys.exit(EXIT_UNREADABLE)
