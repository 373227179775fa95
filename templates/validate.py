"""The engine: run the checks each template declares (`templates.checks`) over its tables.

`validate_tables` takes every table of one workbook together, because some checks look across
sheets (ledger accounts against the "Plano de contas", stock counts against the movements);
`validate_paths`, the call behind `retaguarda validate`, reads files and lends each workbook
the tables of the others of the same call. Nothing here knows any template.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np

from retaguarda.templates import parallel
from retaguarda.templates.checks import Context, Options, column_checks
from retaguarda.templates.collector import without_collector
from retaguarda.templates.files import RawWorkbook, UnreadableFile, read_workbook
from retaguarda.templates.reader import read_tables
from retaguarda.templates.table import Table
from retaguarda.validators.codes import selected
from retaguarda.validators.issues import Issue, Severity
from retaguarda.validators.report import Report, SheetSummary

#: told how far a long run has come: (steps done, steps in all, what is being done now)
Progress = Callable[[int, int, str], None]


@without_collector
def validate_tables(
    tables: Sequence[Table],
    options: Options | None = None,
    progress: Progress | None = None,
    *,
    companions: Mapping[str, Table] | None = None,
) -> list[Issue]:
    """Every issue of these tables, which are validated together (a ledger's accounts are
    looked up in the chart among them, else among `companions`, by template id), in sheet
    and row order.

    Runs each column's checks (`checks.column_checks`), then the template's table checks, as
    the template declares them; keeps the codes `options` selects.
    """
    options = options or Options()
    context = Context({**(companions or {}), **{t.template.id: t for t in tables}}, options)
    issues: list[Issue] = []
    for done, table in enumerate(tables):
        if progress:
            progress(done, len(tables), f"conferindo {table.sheet}")
        runs: list[Callable[[], list[Issue]]] = [
            functools.partial(check.run, table, column.key, context)
            for column in table.template.columns
            if table.has(column.key)
            for check in column_checks(column)
        ]
        runs += [functools.partial(check.run, table, context) for check in table.template.checks]
        found = list(table.issues)
        for issues_of_check in parallel.each(lambda run: run(), runs, rows=len(table)):
            found += issues_of_check
        issues += _in_position(table, _wanted(found, options))
    return issues


def validate_paths(
    paths: Iterable[Path | str],
    options: Options | None = None,
    progress: Progress | None = None,
    *,
    read: Callable[[Path], RawWorkbook] = read_workbook,
) -> Report:
    """Read and validate files: the one call behind `retaguarda validate`.

    The files of one call are checked together: a table looks for the tables it needs (a
    ledger's chart of accounts) in its own workbook first, then in the other files, so
    `lancamentos.csv plano_de_contas.csv` checks the ledger's accounts. A file that cannot be
    read, or holds no template, is one `file.*` error of the report (`Report.unreadable`),
    and the other files are still checked. `read` reads one file (a caller that uses the
    cells again, for a marked copy, passes one that keeps them).
    """
    report = Report()
    books: list[tuple[str, list[Table]]] = []
    for path in paths:
        path, name = Path(path), str(path)
        if progress:
            progress(0, 1, f"lendo {path.name}")
        try:
            books.append((name, workbook_tables(read(path))))
        except UnreadableFile as error:
            report.issues.append(_unreadable(error, name))
    companions: dict[str, Table] = {}
    for _name, tables in books:
        for table in tables:
            companions.setdefault(table.template.id, table)
    for name, tables in books:
        found = validate_tables(tables, options, progress, companions=companions)
        report.files.append(name)
        report.issues += [i.placed(file=name) for i in found]
        report.sheets += [SheetSummary(name, t.sheet, t.template.id, len(t)) for t in tables]
    return report


def workbook_tables(workbook: RawWorkbook) -> list[Table]:
    """The template tables of a workbook read from a file; `file.no_template` when none."""
    tables = read_tables(workbook)
    if not tables:
        name = workbook.path.name
        raise UnreadableFile(
            f"{name}: nenhum modelo do Retaguarda reconhecido em nenhuma aba "
            "(confira o cabeçalho; veja docs/modelos.md).",
            f"{name}: no Retaguarda template recognized in any sheet "
            "(check the header row; see docs/modelos.md).",
            path=workbook.path,
            code="file.no_template",
        )
    return tables


def _unreadable(error: UnreadableFile, name: str) -> Issue:
    return Issue(
        code=error.code,
        severity=Severity.ERROR,
        sheet="",
        cell="",
        column="",
        value="",
        message=error.message,
        message_en=error.message_en,
        file=name,
    )


def _in_position(table: Table, found: list[Issue]) -> list[Issue]:
    """The issues by row, then by column in the template's order, the rest in the order
    found (a stable sort over integer keys: a key function per issue costs 3 µs each)."""
    order = {c.header: i for i, c in enumerate(table.template.columns)}
    rows = np.fromiter((i.row or 0 for i in found), dtype=np.int64, count=len(found))
    columns = np.fromiter((order.get(i.column, -1) for i in found), np.int64, len(found))
    return [found[at] for at in np.lexsort((columns, rows)).tolist()]


def _wanted(found: list[Issue], options: Options) -> list[Issue]:
    """The issues whose code is selected (or nothing is) and not ignored."""
    if not (options.select or options.ignore):
        return found
    kept = {c for c in {i.code for i in found} if selected(c, options.select, options.ignore)}
    return [i for i in found if i.code in kept]


__all__ = ["Options", "validate_paths", "validate_tables", "workbook_tables"]
