"""`retaguarda reconcile payroll | stock | teams`: thin shells over `addin.reconcile.payroll`,
`stock` and `intercompany`.

Exit codes: 0 everything reconciled, 1 differences found, 2 a file could not be read or does
not hold what the reconciliation needs (one sentence in Portuguese on stderr).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from retaguarda.sync.console import format_option, json_text, line, shown
from retaguarda.templates.files import UnreadableFile, read_workbook
from retaguarda.templates.reader import read_tables
from retaguarda.templates.table import Table
from retaguarda.validators.fields.formatting import format_brl, format_date_br

if TYPE_CHECKING:
    from retaguarda.addin.reconcile.model import Statement

EXIT_DIFFERENCES = 1
EXIT_UNREADABLE = 2
#: a terminal shows this many rows of a list; the rest is in --format json and --out
MAX_ROWS = 200
STYLE = {
    "paid": "green",
    "ok": "green",
    "different_amount": "yellow",
    "paid_twice": "bold red",
    "not_paid": "bold red",
    "no_net_pay": "yellow",
    "surplus": "yellow",
    "shortage": "bold red",
}


def out_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--out",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Grava o resultado numa planilha .xlsx.",
    )(command)


@click.command("payroll")
@click.argument("payroll_file", metavar="FOLHA", type=click.Path(path_type=Path))
@click.option(
    "--statement",
    type=click.Path(path_type=Path),
    help="Extrato (OFX, CNAB 240, CSV ou planilha); padrão: a aba Extrato bancário da FOLHA.",
)
@click.option(
    "--month",
    type=click.DateTime(["%m/%Y", "%Y-%m"]),
    help="Competência, mm/aaaa (padrão: a mais recente da folha).",
)
@format_option
@out_option
def payroll(
    payroll_file: Path,
    statement: Path | None,
    month: object,
    output_format: str,
    out: Path | None,
) -> None:
    """Líquido da folha contra os pagamentos no extrato.

    Cada empregado da competência é procurado entre os débitos do extrato do dia 21 do mês ao
    dia 10 do mês seguinte, pelo CPF, pela chave PIX, pelo nome e pelo valor do líquido.

    Exemplo: retaguarda reconcile payroll folha.xlsx --statement extrato.ofx --month 08/2026
    """
    from retaguarda.addin.reconcile.payroll import reconcile_payroll

    tables = _tables(payroll_file)
    folha = _one(tables, "folha", payroll_file)
    if statement is None:
        from retaguarda.addin.reconcile.statements import statement_from_table

        bank = statement_from_table(_one(tables, "extrato", payroll_file))
    else:
        bank = _read_statement(statement)
    chosen = month.date() if hasattr(month, "date") else None  # type: ignore[union-attr]
    result = reconcile_payroll(folha, bank.lines, chosen)
    if not result.employees:
        _fail(result.warnings[0])
    result.warnings[:0] = [issue.message for issue in bank.warnings]
    if output_format == "json":
        click.echo(json_text(result.to_json()))
    else:
        _print_payroll(result)
    _finish(result, out, [("Folha x pagamentos", result.rows())])


@click.command("stock")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@format_option
@out_option
def stock(files: tuple[Path, ...], output_format: str, out: Path | None) -> None:
    """Contagem de estoque contra o saldo dos movimentos.

    As abas Movimentações de estoque e Contagem de estoque podem estar no mesmo arquivo ou em
    arquivos separados. As diferenças saem valorizadas pelo custo médio e como movimentos de
    Ajuste prontos para colar na aba Movimentações de estoque.

    Exemplo: retaguarda reconcile stock estoque.xlsx --out ajustes.xlsx
    """
    from retaguarda.addin.reconcile.stock import reconcile_stock

    tables = [t for path in files for t in _tables(path)]
    counts = _one(tables, "estoque_contagem", *files)
    movements = next((t for t in tables if t.template.id == "estoque_movimentos"), None)
    result = reconcile_stock(movements, counts)
    if output_format == "json":
        click.echo(json_text(result.to_json()))
    else:
        _print_stock(result)
    sheets = [
        ("Contagem x estoque", result.rows()),
        ("Ajustes propostos", result.adjustment_rows()),
    ]
    _finish(result, out, sheets)


@click.command("teams")
@click.argument("matriz", type=click.Path(path_type=Path))
@click.argument("filiais", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--matriz-account",
    multiple=True,
    metavar="CONTA",
    help="Conta de transferências da matriz (padrão: a do Plano de contas com “transferências "
    "entre filiais” no nome). Pode repetir.",
)
@click.option(
    "--filial-account",
    multiple=True,
    metavar="CONTA",
    help="Conta de transferências das filiais (mesmo padrão). Pode repetir.",
)
@click.option(
    "--window-days",
    type=click.IntRange(0, 60),
    default=3,
    show_default=True,
    help="Quantos dias de diferença entre os dois lados ainda contam como o mesmo repasse.",
)
@format_option
@out_option
def teams(
    matriz: Path,
    filiais: tuple[Path, ...],
    matriz_account: tuple[str, ...],
    filial_account: tuple[str, ...],
    window_days: int,
    output_format: str,
    out: Path | None,
) -> None:
    """Transferências entre equipes (matriz e filiais), lado contra lado.

    O que a matriz lançou na conta de transferências é comparado com o que cada filial lançou
    na sua (com o sinal trocado, numa janela de datas); sobra o que só um lado lançou.

    Exemplo: retaguarda reconcile teams matriz.xlsx filial_rio.xlsx filial_sao_paulo.xlsx
    """
    from retaguarda.addin.reconcile.intercompany import (
        TeamBooks,
        TransferAccountError,
        reconcile_teams,
    )
    from retaguarda.addin.reconcile.model import MatchOptions

    names = _team_names((matriz, *filiais))
    head = TeamBooks(names[0], _tables(matriz), matriz_account)
    others = [
        TeamBooks(name, _tables(path), filial_account)
        for name, path in zip(names[1:], filiais, strict=True)
    ]
    try:
        result = reconcile_teams(head, others, MatchOptions(window_days=window_days))
    except TransferAccountError as error:
        _fail(str(error))
    if output_format == "json":
        click.echo(json_text(result.to_json()))
    else:
        _print_teams(result)
    _finish(result, out, [("Equipes", result.rows())])


def _team_names(paths: Sequence[Path]) -> list[str]:
    """Each file's name without its extension, numbered when two files share one (a
    "lancamentos.xlsx" in each team's folder), so that every line's reference is unique."""
    names: list[str] = []
    for path in paths:
        name, n = path.stem, 1
        while name in names:
            n += 1
            name = f"{path.stem} ({n})"
        names.append(name)
    return names


def _tables(path: Path) -> list[Table]:
    try:
        return read_tables(read_workbook(path))
    except UnreadableFile as error:
        _fail(error.message)


def _one(tables: Sequence[Table], template_id: str, *paths: Path) -> Table:
    from retaguarda.templates.catalog import TEMPLATES

    found = next((t for t in tables if t.template.id == template_id), None)
    if found is None:
        names = ", ".join(str(p) for p in paths)
        _fail(f"{names} não tem a aba {TEMPLATES[template_id].sheet} (confira os cabeçalhos).")
    return found


def _read_statement(path: Path) -> Statement:
    from retaguarda.addin.reconcile.statements import read_statement

    try:
        return read_statement(path)
    except UnreadableFile as error:
        _fail(error.message)


def _fail(message: str) -> NoReturn:
    Console(stderr=True).print(line("erro:", "bold red", message))
    sys.exit(EXIT_UNREADABLE)


def _finish(result: Any, out: Path | None, sheets: list[tuple[str, list[list[object]]]]) -> None:
    err = Console(stderr=True)
    for warning in result.warnings:
        err.print(line("atenção:", "yellow", warning))
    if out is not None:
        from retaguarda.addin.reconcile.result_xlsx import write_sheets

        try:
            write_sheets(out, sheets)
        except OSError as error:
            _fail(f"não foi possível gravar {out} ({error.strerror or error}).")
        err.print(line("resultado gravado em", "", str(out)))
    if not result.reconciled:
        sys.exit(EXIT_DIFFERENCES)


#: columns a terminal must not wrap: short figures that read wrong when broken
NO_WRAP = frozenset({"Linha", "Data", "Valor", "Contado", "Saldo", "Diferença", "Líquido", "Pago"})


def _table(title: str, *columns: str) -> RichTable:
    table = RichTable(title=shown(title), title_justify="left", expand=False)
    for column in columns:
        table.add_column(column, no_wrap=column in NO_WRAP)
    return table


def _row_number(ref: str) -> Text:
    """ "Contagem de estoque!5" → "5": the sheet is in the table's title."""
    return shown(ref.rpartition("!")[2])


def _print_rows(console: Console, table: RichTable, rows: list[list[Text]], what: str) -> None:
    for row in rows[:MAX_ROWS]:
        table.add_row(*row)
    console.print(table)
    if len(rows) > MAX_ROWS:
        more = len(rows) - MAX_ROWS
        console.print(
            Text(f"… e mais {more} {what}: a lista completa sai com --format json e --out.")
        )


def _status(status: str, label: str) -> Text:
    return Text(label, style=STYLE.get(status, ""))


def _money(cents: int | None) -> Text:
    return Text("—" if cents is None else format_brl(cents), justify="right")


def _print_payroll(result: Any) -> None:
    from retaguarda.addin.reconcile.payroll import STATUS_PT

    console = Console()
    table = _table(
        f"Folha x pagamentos — competência {result.month:%m/%Y}, débitos de "
        f"{format_date_br(result.window[0])} a {format_date_br(result.window[1])}: "
        "empregados com pendência",
        "Linha",
        "Nome",
        "Líquido",
        "Pago",
        "Situação",
        "Extrato",
        "Motivo",
    )
    rows = [
        [
            _row_number(e.ref),
            shown(e.name),
            _money(e.net_cents),
            _money(e.paid_cents if e.statement else None),
            _status(e.status, STATUS_PT[e.status]),
            shown(", ".join(e.statement)),
            shown(e.reason),
        ]
        for e in result.employees
        if e.status != "paid"
    ]
    if rows:
        _print_rows(console, table, rows, "empregado(s)")
    if result.unmatched:
        extra = _table("Débitos com cara de salário sem empregado", "Extrato", "Data", "Valor")
        extra.add_column("Descrição")
        rows = [
            [shown(u.ref), Text(format_date_br(u.day)), _money(u.cents), shown(u.description)]
            for u in result.unmatched
        ]
        _print_rows(console, extra, rows, "débito(s)")
    summary = result.summary()
    paid = summary["paid"]
    style = "green" if result.reconciled else "bold red"
    console.print(
        Text(
            f"{paid} de {summary['employees']} empregado(s) pagos como na folha; "
            f"{summary['different_amount']} com valor diferente, {summary['paid_twice']} em "
            f"duplicidade, {summary['not_paid']} sem pagamento, "
            f"{summary['unmatched_statement']} débito(s) sem empregado.",
            style=style,
        )
    )


def _print_stock(result: Any) -> None:
    from retaguarda.addin.reconcile.stock import STATUS_PT

    console = Console()
    table = _table(
        "Contagem x estoque",
        "Linha",
        "Data",
        "SKU",
        "Depósito",
        "Contado",
        "Saldo",
        "Diferença",
        "Valor",
        "Situação",
    )
    rows = [
        [
            _row_number(c.ref),
            Text(format_date_br(c.day)),
            shown(c.sku),
            shown(c.warehouse),
            Text(_quantity(c.counted), justify="right"),
            Text(_quantity(c.book), justify="right"),
            Text(_quantity(c.difference), justify="right"),
            _money(None if c.value is None else int(c.value * 100)),
            _status(c.status, STATUS_PT[c.status]),
        ]
        for c in result.differences
    ]
    if rows:
        _print_rows(console, table, rows, "diferença(s)")
    summary = result.summary()
    if result.reconciled:
        text = f"Nenhuma diferença: {summary['counted']} contagem(ns) conferem com o estoque."
    else:
        net = format_brl(int(Decimal(summary["net_value"]) * 100))
        text = (
            f"{summary['differences']} diferença(s) em {summary['counted']} contagem(ns), "
            f"valor líquido {net}; {len(result.adjustments)} ajuste(s) proposto(s)."
        )
    console.print(Text(text, style="green" if result.reconciled else "bold red"))


def _print_teams(result: Any) -> None:
    console = Console()
    rows = [
        [
            Text("só a Matriz" if b.team == result.matriz else f"só {b.team}", style="bold red"),
            shown(b.ref),
            Text(format_date_br(date.fromisoformat(b.day))),
            _money(b.cents),
            shown(b.description),
        ]
        for b in [*result.only_matriz, *result.only_filial]
    ]
    if rows:
        table = _table("Transferências lançadas por um lado só", "Quem", "Linha", "Data", "Valor")
        table.add_column("Histórico")
        _print_rows(console, table, rows, "lançamento(s)")
    for m in result.differences:
        console.print(
            line("diferença:", "yellow", f"{', '.join(m.statement)} x {', '.join(m.ledger)}")
        )
    summary = result.summary()
    text = (
        f"{summary['matches']} transferência(s) conciliada(s); {summary['only_matriz']} só na "
        f"Matriz, {summary['only_filial']} só nas filiais. Saldo da Matriz "
        f"{format_brl(int(Decimal(summary['matriz_balance']) * 100))}, das filiais "
        f"{format_brl(int(Decimal(summary['filiais_balance']) * 100))}."
    )
    console.print(Text(text, style="green" if result.reconciled else "bold red"))


def _quantity(value: Decimal) -> str:
    from retaguarda.validators.fields.formatting import format_decimal_br

    return format_decimal_br(int(value.scaleb(3)), 3)
