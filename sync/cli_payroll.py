"""`retaguarda payroll`: a thin shell over `addin.payroll_sheet.compute_payroll` (and
`addin.payroll_xlsx.write_payroll` for --out), the computation the "Calcular folha" button runs.

Exit codes, as `retaguarda reconcile`'s: 0 every row computed and every INSS, IRRF, FGTS and
Líquido the sheet carries agrees with the computation to the cent; 1 a typed value differs, or
a row lacks what the computation needs; 2 the file could not be read or holds nothing to
compute (one sentence in Portuguese on stderr).
"""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click
from rich import box
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from retaguarda.sync.console import format_option, json_text, line, shown
from retaguarda.templates.files import UnreadableFile, read_workbook
from retaguarda.templates.reader import read_tables
from retaguarda.validators.fields.formatting import format_brl

if TYPE_CHECKING:
    from retaguarda.addin.payroll_sheet import PayrollRun
    from retaguarda.validators.payroll import Holidays

EXIT_DIFFERENT = 1
EXIT_UNREADABLE = 2
#: a terminal shows this many employees; the rest is in --format json and --out
MAX_ROWS = 200


@click.command("payroll")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--competencia",
    metavar="MÊS",
    help="Só as linhas desta competência (2026-03 ou 03/2026). Padrão: todas as da aba.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Grava uma cópia .xlsx da planilha com INSS, IRRF, FGTS e Líquido preenchidos onde "
    "estavam vazios, as diferenças marcadas e a aba Memória de cálculo.",
)
@format_option
def payroll(file: Path, competencia: str | None, out: Path | None, output_format: str) -> None:
    """Calcula a folha: INSS, IRRF, FGTS e líquido de cada linha da aba Folha de pagamento.

    O cálculo usa as tabelas vigentes (INSS e FGTS pela competência, IRRF pela data de
    pagamento, com a redução da Lei 15.270/2025) e confere os valores que a planilha já traz:
    uma diferença de um centavo ou mais aparece na saída e sai com código 1.

    Exemplo: retaguarda payroll folha.xlsx --competencia 2026-03 --out folha-calculada.xlsx
    """
    from retaguarda.addin.payroll_sheet import PayrollInputError, compute_payroll, payroll_dict

    month = _month(competencia) if competencia else None
    if out is not None:
        if out.suffix.lower() != ".xlsx":
            raise click.UsageError(
                "--out grava uma planilha do Excel: use um nome terminado em .xlsx."
            )
        if out.resolve() == file.resolve():
            raise click.UsageError("--out grava uma planilha nova: escolha outro nome de arquivo.")
    holidays = _holidays()
    try:
        workbook = read_workbook(file)
        run = compute_payroll(read_tables(workbook), competencia=month, holidays=holidays)
    except UnreadableFile as error:
        _fail(error.message)
    except PayrollInputError as error:
        _fail(f"{file.name}: {error}")
    if output_format == "json":
        click.echo(json_text({"file": str(file), **payroll_dict(run)}))
    else:
        _print(run)
    if out is not None:
        _write(file, out, month, workbook, holidays)
    if not run.complete:
        sys.exit(EXIT_DIFFERENT)


def _month(text: str) -> date:
    import pandas as pd

    from retaguarda.validators.fields import parse_month

    parsed = parse_month(pd.Series([text.strip()], dtype=object))
    value = parsed.values.iloc[0]
    if parsed.invalid[0] or pd.isna(value):
        raise click.BadParameter(
            "use o mês e o ano: 2026-03 ou 03/2026.", param_hint="--competencia"
        )
    return pd.Timestamp(value).date()


def _holidays() -> Holidays:
    """The company's local holidays (RETAGUARDA_LOCAL_HOLIDAYS), for the DSR and the
    payment date; a bad setting ends the command with its name."""
    from retaguarda.templates.settings import SettingsError, company_options
    from retaguarda.validators.payroll import Holidays

    try:
        return Holidays(company_options().local_holidays)
    except SettingsError as error:
        _fail(str(error))


def _write(file: Path, out: Path, month: date | None, workbook: object, holidays: Holidays) -> None:
    from retaguarda.addin.payroll_xlsx import write_payroll

    try:
        write_payroll(  # type: ignore[arg-type]
            file, out, competencia=month, holidays=holidays, workbook=workbook
        )
    except OSError as error:
        reason = error.strerror or str(error)
        _fail(f"não foi possível gravar a folha calculada em {out} ({reason}).")
    Console(stderr=True).print(line("folha calculada gravada em", "", str(out)))


def _print(run: PayrollRun) -> None:
    console = Console()
    sheets = sorted({r.computed.sheet for r in run.rows})
    months = sorted({r.computed.employee.competencia for r in run.rows})
    title = f"Folha calculada, aba {', '.join(sheets)}"
    title += f", competência {months[0]:%m/%Y}" if len(months) == 1 else ""
    table = RichTable(
        title=shown(f"{title} (valores em R$)"), title_justify="left", box=box.SIMPLE_HEAD
    )
    table.add_column("Linha", justify="right", no_wrap=True)
    table.add_column("Nome", overflow="fold", min_width=10)
    if len(months) > 1:
        table.add_column("Mês", no_wrap=True)
    for name in ("Bruto", "INSS", "IRRF", "FGTS", "Líquido"):
        table.add_column(name, justify="right", no_wrap=True)
    totals = dict.fromkeys(("gross", "inss", "irrf", "fgts", "net"), Decimal(0))
    for row in run.rows:
        slip = row.computed.payslip
        for key in totals:
            totals[key] += getattr(slip, key)
    for row in run.rows[:MAX_ROWS]:
        c, slip = row.computed, row.computed.payslip
        differing = {_FIELD[k] for k in row.differing}
        table.add_row(
            str(c.row) if len(sheets) == 1 else shown(f"{c.sheet}!{c.row}"),
            shown(c.name),
            *([f"{c.employee.competencia:%m/%Y}"] if len(months) > 1 else []),
            *(
                Text(_number(getattr(slip, key)), style="yellow" if key in differing else "")
                for key in totals
            ),
        )
    month = [""] if len(months) > 1 else []
    table.add_row("", Text("Total", style="bold"), *month, *(_number(v) for v in totals.values()))
    console.print(table)
    if len(run.rows) > MAX_ROWS:
        more = len(run.rows) - MAX_ROWS
        console.print(Text(f"… e mais {more} empregado(s): veja --format json ou --out.", "yellow"))
    differences = run.differences
    for d in differences[:MAX_ROWS]:
        where = d.cell if len(sheets) == 1 else f"{d.sheet}!{d.cell}"
        console.print(
            Text.assemble(
                ("diferença ", "yellow"),
                shown(
                    f"{where} ({d.column}): na planilha {_brl(d.typed)}, calculado "
                    f"{_brl(d.computed)} ({d.code})"
                ),
            )
        )
    if run.skipped:
        listed = ", ".join(f"{sheet}!{row}" for sheet, row in run.skipped[:MAX_ROWS])
        console.print(
            Text.assemble(
                (f"Linhas não calculadas ({len(run.skipped)}): ", "bold"),
                shown(listed),
                " — sem competência ou salário base, admitido depois da competência ou antes "
                "das tabelas (veja retaguarda validate).",
            )
        )
    if run.complete:
        console.print(
            Text(f"Tudo confere: {len(run.rows)} empregado(s) calculado(s).", style="green")
        )
    else:
        console.print(
            Text(
                f"{len(run.rows)} empregado(s) calculado(s); {len(differences)} valor(es) da "
                f"planilha diferente(s) do cálculo; {len(run.skipped)} linha(s) não "
                "calculada(s).",
                style="yellow",
            )
        )


#: the folha column key of each payslip field the table shows
_FIELD = {"inss": "inss", "irrf": "irrf", "fgts": "fgts", "liquido": "net"}


def _brl(value: Decimal) -> str:
    return format_brl(int(value * 100))


def _number(value: Decimal) -> str:
    """Money without the "R$" (the title says it), so the table fits a terminal."""
    return _brl(value).replace("R$ ", "")


def _fail(message: str) -> NoReturn:
    Console(stderr=True).print(line("erro:", "bold red", message))
    sys.exit(EXIT_UNREADABLE)
