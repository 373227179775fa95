"""`retaguarda reconcile bank`: a thin shell over `addin.reconcile.bank.reconcile_bank`.

Exit codes: 0 every line matched on both sides, nothing to post and the statement's balances
whole; 1 something left unmatched or off; 2 a file could not be read, or does not hold what
the reconciliation needs (one sentence in Portuguese on stderr).
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from retaguarda.sync.console import format_option, json_text, line, shown
from retaguarda.templates.files import UnreadableFile, read_workbook
from retaguarda.templates.reader import read_tables
from retaguarda.validators.fields.formatting import format_brl

if TYPE_CHECKING:
    from retaguarda.addin.reconcile.bank import Reconciliation
    from retaguarda.addin.reconcile.model import Decision, Statement
    from retaguarda.templates.table import Table

EXIT_LEFT = 1
EXIT_UNREADABLE = 2
#: a terminal shows this many rows of a list; the rest is in --format json and --out
MAX_ROWS = 200


@click.command("bank")
@click.option(
    "--statement",
    required=True,
    type=click.Path(path_type=Path),
    help="Extrato: OFX, CNAB 240, CSV do banco ou planilha com a aba Extrato bancário "
    "(pode ser a própria planilha do --ledger).",
)
@click.option(
    "--ledger",
    required=True,
    type=click.Path(path_type=Path),
    help="Planilha com Lançamentos, Contas a pagar/receber e Plano de contas.",
)
@click.option(
    "--account",
    metavar="CONTA",
    help="Conta contábil do banco (1.1.02). Padrão: a da conciliação anterior (--out), ou "
    "a única conta de banco do Plano de contas.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Grava a aba Conciliação numa planilha .xlsx; se ela já existe, as decisões "
    "(confirmar/rejeitar) escritas nela valem nesta conciliação.",
)
@format_option
@click.option(
    "--window-days",
    type=click.IntRange(0, 60),
    default=3,
    show_default=True,
    help="Quantos dias entre o extrato e o razão ainda contam como o mesmo movimento.",
)
@click.option(
    "--max-group",
    type=click.IntRange(1, 6),
    default=6,
    show_default=True,
    help="Até quantos lançamentos formam um lote (um pagamento de vários títulos).",
)
@click.option(
    "--fee",
    metavar="VALOR",
    default="0",
    help="Diferença aceita por par, em reais (tarifa: 5,00); vira “diferença a lançar”.",
)
@click.option(
    "--fee-percent",
    metavar="PORCENTAGEM",
    default="0",
    help="Diferença aceita por par, em % do valor do extrato (0,5).",
)
@click.option(
    "--csv-mapping",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Arquivo JSON com o mapeamento das colunas de um extrato CSV (docs/extratos.md).",
)
def bank(
    statement: Path,
    ledger: Path,
    account: str | None,
    out: Path | None,
    output_format: str,
    window_days: int,
    max_group: int,
    fee: str,
    fee_percent: str,
    csv_mapping: Path | None,
) -> None:
    """Extrato bancário (OFX, CNAB 240, CSV ou planilha) contra o razão de uma conta.

    Cada linha do extrato é procurada entre os lançamentos da conta (Lançamentos, e as
    Contas a pagar/receber liquidadas por ela): mesmo documento e valor, mesmo valor dentro da
    janela de datas, lotes, tarifas dentro da tolerância. Sobra o que só um lado tem, e o
    resumo explica a diferença entre o saldo do extrato e o do razão.

    Exemplo: retaguarda reconcile bank --statement extrato.ofx --ledger empresa.xlsx
    --account 1.1.02 --out conciliacao.xlsx
    """
    from retaguarda.addin.reconcile.bank import reconcile_bank
    from retaguarda.addin.reconcile.bank_account import guess_account
    from retaguarda.addin.reconcile.model import MatchOptions

    options = MatchOptions(
        window_days=window_days,
        max_group=max_group,
        fee_cents=int(_amount(fee, "--fee") * 100),
        fee_fraction=_amount(fee_percent, "--fee-percent") / 100,
    )
    if out is not None and out.resolve() in (ledger.resolve(), statement.resolve()):
        raise click.UsageError("--out grava uma planilha nova: escolha outro nome de arquivo.")
    tables = _tables(ledger)
    bank_statement = _statement(statement, ledger, tables, csv_mapping)
    previous_account, decisions, seen = _previous(out)
    chosen = (account or previous_account).strip()
    if not chosen:
        chosen, candidates = guess_account(tables, bank_statement)
        if not chosen:
            found = f" (contas de banco no Plano de contas: {', '.join(candidates)})"
            _fail(
                "não foi possível escolher a conta contábil do banco"
                + (found if candidates else "")
                + "; informe-a com --account."
            )
    result = reconcile_bank(bank_statement, tables, chosen, options, decisions, seen=seen)
    if output_format == "json":
        from retaguarda.addin.reconcile.bank_json import reconciliation_json

        click.echo(json_text(reconciliation_json(result)))
    else:
        _print(result)
    err = Console(stderr=True)
    for warning in result.warnings:
        err.print(line("atenção:", "yellow", warning.message))
    if out is not None:
        _write(result, out, ledger, statement, err)
    if not result.complete:
        sys.exit(EXIT_LEFT)


def _amount(text: str, option: str) -> Decimal:
    from retaguarda.validators.fields.amounts import money

    try:
        value = money(text.strip())
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint=option) from None
    if value is None or value < 0:
        raise click.BadParameter("use um valor zero ou positivo.", param_hint=option)
    return value


def _tables(path: Path) -> list[Table]:
    from retaguarda.addin.reconcile.sheet import SHEET

    try:
        return [t for t in read_tables(read_workbook(path)) if t.sheet != SHEET]
    except UnreadableFile as error:
        _fail(error.message)


def _statement(
    path: Path, ledger: Path, tables: list[Table], csv_mapping: Path | None
) -> Statement:
    """The ledger's own extrato sheet when `path` is the ledger's file, else the file read."""
    from retaguarda.addin.reconcile.statements import read_statement, statement_from_table

    if path.resolve() == ledger.resolve():
        extrato = next((t for t in tables if t.template.id == "extrato"), None)
        if extrato is None:
            _fail(f"{path.name} não tem a aba Extrato bancário (confira os cabeçalhos).")
        return statement_from_table(extrato)
    try:
        return read_statement(path, csv_mapping=csv_mapping)
    except UnreadableFile as error:
        _fail(error.message)


def _previous(out: Path | None) -> tuple[str, list[Decision], dict[str, int]]:
    """The account, the decisions and the amounts they were about, of an earlier --out."""
    from retaguarda.addin.reconcile.sheet import (
        SHEET,
        account_from_sheet,
        amounts_from_sheet,
        decisions_from_sheet,
    )

    if out is None or not out.exists():
        return "", [], {}
    try:
        workbook = read_workbook(out)
    except UnreadableFile as error:
        _fail(f"{error.message} (a conciliação anterior, de onde viriam as decisões)")
    sheet = next((s for s in workbook.sheets if s.name == SHEET), None)
    if sheet is None:
        return "", [], {}
    rows = sheet.rows
    return account_from_sheet(rows), decisions_from_sheet(rows), amounts_from_sheet(rows)


def _write(result: Reconciliation, out: Path, ledger: Path, statement: Path, err: Console) -> None:
    from retaguarda.addin.reconcile.bank_xlsx import write_conciliation
    from retaguarda.addin.reconcile.sheet import conciliation_sheet

    from_sheet = not result.statement_lines["cell"].eq("").all()
    try:
        write_conciliation(
            conciliation_sheet(result),
            out,
            ledger_file=ledger,
            statement_file=statement if from_sheet else None,
        )
    except OSError as error:
        reason = error.strerror or str(error)
        _fail(f"não foi possível gravar a conciliação em {out} ({reason}).")
    err.print(line("conciliação gravada em", "", str(out)))


def _print(result: Reconciliation) -> None:
    console = Console()
    s = result.summary
    title = f"Conciliação da conta {result.account} — {result.statement.source or 'extrato'}"
    table = RichTable(title=shown(title), title_justify="left", expand=False)
    for name in ("Status", "Pontuação", "Diferença"):
        table.add_column(name, no_wrap=True)
    for name in ("Extrato", "Razão", "Motivo"):
        table.add_column(name, overflow="fold")
    for match in result.matching.matches[:MAX_ROWS]:
        difference = result.difference(match)
        table.add_row(
            Text(str(match.status), style="green" if match.score >= 0.9 else "yellow"),
            f"{match.score:.2f}",
            Text(_brl(difference), style="yellow") if difference else "",
            shown(", ".join(match.statement)),
            shown(", ".join(match.ledger)),
            shown(match.reason),
        )
    console.print(table)
    if len(result.matching.matches) > MAX_ROWS:
        more = len(result.matching.matches) - MAX_ROWS
        console.print(Text(f"… e mais {more} par(es): veja --format json ou --out.", "yellow"))
    _left(console, "Linhas do extrato sem lançamento", result.matching.unmatched_statement)
    _left(console, "Lançamentos sem linha no extrato", result.matching.unmatched_ledger)
    rows = [
        ("Saldo final do extrato", s.closing),
        ("Saldo do razão até o fim do extrato", s.ledger_balance),
        ("Diferença", s.gap),
        ("  saldo inicial do extrato − razão antes dele", s.opening_difference),
        ("  linhas do extrato sem lançamento", s.unmatched_statement),
        ("  lançamentos sem linha no extrato, com sinal trocado", -s.unmatched_ledger),
        ("  diferenças a lançar", s.differences),
        ("  não explicado (o extrato não fecha)", s.unexplained),
    ]
    for label, value in rows:
        console.print(Text.assemble(f"{label}: ", (_brl(value), "bold")))
    if s.ledger_after_count:
        console.print(
            f"{s.ledger_after_count} lançamento(s) depois do fim do extrato (mais a janela) "
            "ficaram fora: são de um próximo extrato."
        )
    if result.booked_in_journal:
        console.print(
            f"{len(result.booked_in_journal)} título(s) liquidado(s) também lançado(s) em "
            "Lançamentos (mesmo documento e valor) contaram uma vez só."
        )
    verdict = (
        Text("Tudo conciliado.", style="green")
        if result.complete
        else Text(
            f"{s.matches} par(es); {s.unmatched_statement_count} linha(s) do extrato e "
            f"{s.unmatched_ledger_count} lançamento(s) sem par; {s.differences_count} "
            "diferença(s) a lançar.",
            style="yellow",
        )
    )
    console.print(verdict)


def _left(console: Console, title: str, refs: list[str]) -> None:
    if not refs:
        return
    shown_refs = ", ".join(refs[:MAX_ROWS]) + (" …" if len(refs) > MAX_ROWS else "")
    console.print(Text.assemble((f"{title} ({len(refs)}): ", "bold"), shown(shown_refs)))


def _brl(value: Decimal | None) -> str:
    return "não informado" if value is None else format_brl(int(value * 100))


def _fail(message: str) -> NoReturn:
    Console(stderr=True).print(line("erro:", "bold red", message))
    sys.exit(EXIT_UNREADABLE)
