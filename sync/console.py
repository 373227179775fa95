"""The terminal rendering of a report: one table per sheet, then the totals, in Portuguese;
and the progress bar shown while files are read and checked.

Everything shown comes from the user's files (names, sheet names, values quoted in messages),
so it is shown, never obeyed: control characters become visible (`addin.marks.visible`), and
it reaches rich as `Text`, never as a string rich would read as markup (`[bold]`) or emoji codes
(`:x:`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click
from rich.console import Console, Group
from rich.progress import BarColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress
from rich.table import Table
from rich.text import Text

from retaguarda.addin.marks import visible
from retaguarda.templates.validate import Progress
from retaguarda.validators.report import Report

SEVERITY_PT = {"error": "erro", "warning": "aviso"}
STYLE = {"error": "bold red", "warning": "yellow"}
#: a screenful or a few: the rest is read in the JSON or the Pendências sheet, and rich takes
#: about 0.45 s to lay out 1,000 rows of an 80-column terminal (0.08 s for 200)
MAX_ROWS_PER_SHEET = 200
MORE = (
    "… e mais {} pendência(s) nesta aba: a lista completa sai com --format json e na aba "
    "Pendências de --write-back."
)
#: what JSON leaves raw but a terminal acts on: DEL and the C1 controls (U+009B is CSI)
_JSON_RAW_CONTROLS = re.compile("[\x7f-\x9f]")


def shown(text: str) -> Text:
    """`text` as typed: control characters shown, no markup, no emoji."""
    return Text(visible(text))


def line(label: str, style: str, text: str) -> Text:
    """`label` in `style`, then `text`, both as typed: the CLI's "erro:" and a message that
    quotes the user's files, say."""
    return Text.assemble((visible(label), style), " ", visible(text))


def json_text(data: object) -> str:
    """JSON for people's terminals and for programs, indented down to the records: an object or
    list holding only plain values (one finding, say) takes one line, so a report reads one
    finding a line, and is written by `json`'s C encoder (with `indent`, `json` falls back to
    pure Python: 2.2 s for a journal's 35,000 findings). `json` escapes C0 controls itself; the
    others are escaped here, which any JSON reader decodes back to the same text."""
    text = _json_block(data, "")
    return _JSON_RAW_CONTROLS.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def _json_block(value: object, pad: str) -> str:
    inner = pad + "  "
    if isinstance(value, dict) and any(isinstance(v, dict | list) for v in value.values()):
        items = [
            f"{inner}{json.dumps(str(key), ensure_ascii=False)}: {_json_block(item, inner)}"
            for key, item in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
        items = [inner + _json_block(item, inner) for item in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(value, ensure_ascii=False)


def report_renderable(report: Report) -> Group:
    """One table per sheet, of its first `MAX_ROWS_PER_SHEET` findings: past that a terminal
    is no place to read them (and drawing 100,000 rows takes rich most of a minute)."""
    parts: list[object] = []
    for (file, sheet), found in report.by_sheet().items():
        if not sheet and all(i.code.startswith("file.") for i in found):
            continue  # a file that could not be read: said on stderr, with its reason
        issues = found[:MAX_ROWS_PER_SHEET]
        table = Table(
            title=shown(f"{file} — {sheet} ({len(found)})"),
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
                shown(issue.cell or "—"),
                Text(SEVERITY_PT[severity], style=STYLE[severity]),
                shown(issue.code),
                shown(issue.message),
                shown(issue.suggestion),
            )
        parts.append(table)
        if len(found) > len(issues):
            parts.append(Text(MORE.format(len(found) - len(issues)), style="yellow"))
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


class Bars:
    """Progress bars on the terminal, one per task (a file being checked, a source being
    synced); `task` gives None when the output is not a terminal (piped, redirected)."""

    def __init__(self, bar: RichProgress | None) -> None:
        self._bar = bar

    def task(self, name: str = "") -> Progress | None:
        bar = self._bar
        if bar is None:
            return None
        # names and descriptions are the user's file, sheet and source names: shown as typed
        task = bar.add_task("", total=None, name=visible(name))

        def update(done: int, total: int, description: str) -> None:
            bar.update(task, completed=done, total=total, description=visible(description))

        return update


@contextmanager
def progress_bars(console: Console) -> Iterator[Bars]:
    """Bars on `console` while work goes on, gone when it ends; nothing when piped."""
    if not console.is_terminal:
        yield Bars(None)
        return
    columns = (
        SpinnerColumn(),
        TextColumn("{task.fields[name]}", markup=False),
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        TimeElapsedColumn(),
    )
    with RichProgress(*columns, console=console, transient=True) as bar:
        yield Bars(bar)


@contextmanager
def progress_bar(console: Console) -> Iterator[Progress | None]:
    """One bar while files are read and checked (see `progress_bars`)."""
    with progress_bars(console) as bars:
        yield bars.task()


def format_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--format table|json`, the same on every command that reports something."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(["table", "json"]),
        default="table",
        show_default=True,
        help="table: tabela legível; json: para integrações e scripts.",
    )(command)
