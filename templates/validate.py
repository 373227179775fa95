"""Validate template tables: per-column checks from the declarations, then the table rules.

`validate_tables` takes every table of one workbook together, because some rules look across
sheets (ledger accounts against the "Plano de contas", stock counts against the movements).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from retaguarda.templates.files import RawWorkbook, UnreadableFile, read_workbook
from retaguarda.templates.model import SCALE, Kind
from retaguarda.templates.reader import read_tables
from retaguarda.templates.table import Table
from retaguarda.validators import rules
from retaguarda.validators.issues import Issue, issues_from_mask, make_issue
from retaguarda.validators.report import Report, SheetSummary


@dataclass(frozen=True)
class Options:
    """What a company decides: today's date (for `date.future`) and its closed period."""

    today: date = field(default_factory=date.today)
    closed_until: date | None = None


#: told how far a long run has come: (steps done, steps in all, what is being done now)
Progress = Callable[[int, int, str], None]


def validate_tables(
    tables: Sequence[Table], options: Options | None = None, progress: Progress | None = None
) -> list[Issue]:
    """Every issue of these tables, which come from one workbook, in sheet and row order."""
    options = options or Options()
    by_id = {t.template.id: t for t in tables}
    issues: list[Issue] = []
    for done, table in enumerate(tables):
        if progress:
            progress(done, len(tables), f"conferindo {table.sheet}")
        found = list(table.issues)
        found += _column_checks(table, options)
        for name in table.template.rules:
            found += RULES[name](table, by_id)
        if table.template.duplicate_key and all(
            table.has(k) for k in table.template.duplicate_key[:1]
        ):
            found += rules.duplicates(table, table.template.duplicate_key)
        issues += sorted(found, key=_position(table))
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


def _column_checks(table: Table, options: Options) -> list[Issue]:
    issues: list[Issue] = []
    for column in table.template.columns:
        if not table.has(column.key):
            continue
        key = column.key
        if column.required:
            issues += rules.required(table, key)
        if column.kind.value in rules.IDENTIFIER_CHECKS:
            issues += rules.identifier(table, key, column.kind.value)
        if column.positive:
            issues += rules.negative(table, key)
        if column.not_future:
            issues += rules.future(table, key, options.today)
        if column.closed_period:
            issues += rules.closed_period(table, key, options.closed_until)
    return issues


def _position(table: Table) -> Callable[[Issue], tuple[int, int]]:
    order = {c.header: i for i, c in enumerate(table.template.columns)}
    return lambda issue: (issue.row or 0, order.get(issue.column, -1))


# -- table rules, by the names the catalog uses ------------------------------------------


def _accounts(table: Table, by_id: dict[str, Table]) -> list[Issue]:
    keys = [c.key for c in table.template.columns if c.kind is Kind.ACCOUNT and table.has(c.key)]
    chart = by_id.get("plano_de_contas")
    if chart is None:
        return [make_issue("account.no_chart", sheet=table.sheet)] if keys else []
    postable = chart.data["aceita_lancamento"].map({"Sim": True, "Não": False})
    return rules.accounts(table, keys, chart.data["codigo"], postable)


def _same_account(table: Table, by_id: dict[str, Table]) -> list[Issue]:
    return rules.same_account(table, "conta_debito", "conta_credito")


def _overpaid(code: str) -> Callable[[Table, dict[str, Table]], list[Issue]]:
    def rule(table: Table, by_id: dict[str, Table]) -> list[Issue]:
        return rules.overpaid(table, "valor", "valor_liquidado", code)

    return rule


def _stock_negative(table: Table, by_id: dict[str, Table]) -> list[Issue]:
    """Entradas add, saídas subtract, ajustes carry their own sign."""
    kind = table.data["tipo"]
    quantity = table.data["quantidade"]
    outgoing = (kind == "Saída").fillna(False)
    delta = quantity.where(~outgoing, -quantity).where(kind.notna())
    return rules.stock_negative(
        table,
        at="quantidade",
        date="data",
        sku="sku",
        warehouse="deposito",
        delta=delta,
        places=SCALE[Kind.QUANTITY],
    )


def _stock_signs(table: Table, by_id: dict[str, Table]) -> list[Issue]:
    """An entrada or saída is a positive quantity; only an ajuste may be negative."""
    signed = table.data["tipo"].isin(["Entrada", "Saída"]).fillna(False)
    negative = (table.data["quantidade"] < 0).fillna(False) & signed
    return issues_from_mask("number.negative", table, "quantidade", negative.to_numpy())


def _stock_unknown_sku(table: Table, by_id: dict[str, Table]) -> list[Issue]:
    movements = by_id.get("estoque_movimentos")
    if movements is None:
        return []
    return rules.unknown_sku(table, "sku", movements.data["sku"])


def _bank_details(table: Table, by_id: dict[str, Table]) -> list[Issue]:
    """Agência and conta: text columns (each bank writes them its own way), format-checked."""
    issues: list[Issue] = []
    for key, kind in (("agencia", "agency"), ("conta", "bank_account")):
        if table.has(key):
            issues += rules.identifier(table, key, kind)
    return issues


RULES: dict[str, Callable[[Table, dict[str, Table]], list[Issue]]] = {
    "bank_details": _bank_details,
    "accounts": _accounts,
    "same_account": _same_account,
    "payable_overpaid": _overpaid("payable.overpaid"),
    "receivable_overpaid": _overpaid("receivable.overpaid"),
    "stock_negative": _stock_negative,
    "stock_signs": _stock_signs,
    "stock_unknown_sku": _stock_unknown_sku,
}

__all__ = ["RULES", "Options", "validate_files", "validate_raw", "validate_tables"]
