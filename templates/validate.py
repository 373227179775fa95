"""Validate template tables: per-column checks from the declarations, then the table rules.

`validate_tables` takes every table of one workbook together, because some rules look across
sheets (ledger accounts against the "Plano de contas", stock counts against the movements).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from retaguarda.templates.checks import Context, Options, column_checks
from retaguarda.templates.files import RawWorkbook, UnreadableFile, read_workbook
from retaguarda.templates.reader import read_tables
from retaguarda.templates.table import Table
from retaguarda.validators.issues import Issue
from retaguarda.validators.report import Report, SheetSummary

#: told how far a long run has come: (steps done, steps in all, what is being done now)
Progress = Callable[[int, int, str], None]


def validate_tables(
    tables: Sequence[Table], options: Options | None = None, progress: Progress | None = None
) -> list[Issue]:
    """Every issue of these tables, which are validated together (a ledger's accounts are
    looked up in the chart among them), in sheet and row order.

    Runs each column's checks (`checks.column_checks`), then the template's table checks, as
    the template declares them; keeps the codes `options` selects.
    """
    options = options or Options()
    context = Context({t.template.id: t for t in tables}, options)
    wanted = _wanted(options)
    issues: list[Issue] = []
    for done, table in enumerate(tables):
        if progress:
            progress(done, len(tables), f"conferindo {table.sheet}")
        found = list(table.issues)
        for column in table.template.columns:
            if table.has(column.key):
                for check in column_checks(column):
                    found += check.run(table, column.key, context)
        for check in table.template.checks:
            found += check.run(table, context)
        issues += sorted((i for i in found if wanted(i.code)), key=_position(table))
    return issues


def validate_files(
    paths: Iterable[Path | str], options: Options | None = None, progress: Progress | None = None
) -> Report:
    """Read and validate each file; raises `UnreadableFile` for a file that cannot be read."""
    report = Report()
    for path in paths:
        if progress:
            progress(0, 1, f"lendo {Path(path).name}")
        one = validate_raw(read_workbook(path), options, progress, name=str(path))
        report.files += one.files
        report.issues += one.issues
        report.sheets += one.sheets
    return report


def validate_raw(
    workbook: RawWorkbook,
    options: Options | None = None,
    progress: Progress | None = None,
    *,
    name: str,
) -> Report:
    """Validate a workbook already read, under the file name the report gives it; for callers
    that use the cells again (a marked copy) and should not read a big file twice."""
    report = Report()
    path = workbook.path
    tables = read_tables(workbook)
    if not tables:
        raise UnreadableFile(
            f"{path.name}: nenhum modelo do Retaguarda reconhecido em nenhuma aba "
            "(confira o cabeçalho; veja docs/modelos.md).",
            f"{path.name}: no Retaguarda template recognized in any sheet "
            "(check the header row; see docs/modelos.md).",
            path=path,
            code="file.no_template",
        )
    report.files.append(name)
    report.issues += [i.placed(file=name) for i in validate_tables(tables, options, progress)]
    report.sheets += [SheetSummary(name, t.sheet, t.template.id, len(t)) for t in tables]
    return report


def _position(table: Table) -> Callable[[Issue], tuple[int, int]]:
    order = {c.header: i for i, c in enumerate(table.template.columns)}
    return lambda issue: (issue.row or 0, order.get(issue.column, -1))


def _wanted(options: Options) -> Callable[[str], bool]:
    """Whether a code is kept: selected (or nothing selected) and not ignored."""
    if not (options.select or options.ignore):
        return lambda code: True
    return lambda code: (
        (not options.select or any(_matches(code, p) for p in options.select))
        and not any(_matches(code, p) for p in options.ignore)
    )


def _matches(code: str, pattern: str) -> bool:
    return code == pattern or code.startswith(pattern + ".")


__all__ = ["Options", "validate_files", "validate_raw", "validate_tables"]
