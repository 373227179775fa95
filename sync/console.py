"""The terminal rendering of a report: one table per sheet, then the totals, in Portuguese."""

from __future__ import annotations

from rich.console import Console, Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from retaguarda.validators.report import Report

SEVERITY_PT = {"error": "erro", "warning": "aviso"}
STYLE = {"error": "bold red", "warning": "yellow"}


def report_renderable(report: Report) -> Group:
    parts: list[object] = []
    for (file, sheet), issues in report.by_sheet().items():
        table = Table(
            title=f"{escape(file)} — {escape(sheet)} ({len(issues)})",
            title_justify="left",
            expand=False,
        )
        table.add_column("Célula", no_wrap=True)
        table.add_column("Tipo", no_wrap=True)
        table.add_column("Código", no_wrap=True)
        table.add_column("Problema")
        table.add_column("Sugestão")
        for issue in issues:
            severity = str(issue.severity)
            table.add_row(
                issue.cell or "—",
                Text(SEVERITY_PT[severity], style=STYLE[severity]),
                issue.code,
                escape(issue.message),
                escape(issue.suggestion),
            )
        parts.append(table)
    parts.append(summary_text(report))
    return Group(*parts)


def summary_text(report: Report) -> Text:
    summary = report.summary()
    sheets = len(report.sheets)
    line = (
        f"{summary['errors']} erro(s), {summary['warnings']} aviso(s) em {sheets} planilha(s), "
        f"{summary['rows']} linha(s) conferida(s)."
    )
    style = "bold red" if summary["errors"] else ("yellow" if summary["warnings"] else "green")
    if not report.issues:
        line = f"Nenhuma pendência: {sheets} planilha(s), {summary['rows']} linha(s) conferida(s)."
    return Text(line, style=style)


def print_report(report: Report, console: Console | None = None) -> None:
    (console or Console()).print(report_renderable(report))
