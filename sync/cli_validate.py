"""`retaguarda validate`: a thin shell over `templates.validate` and `addin.xlsx_file`.

Exit codes: 0 no errors, 1 errors found, 2 a file could not be read.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import click
from rich.console import Console

from retaguarda.sync.console import json_text, line, print_report, progress_bar
from retaguarda.templates.files import RawWorkbook, UnreadableFile, read_workbook
from retaguarda.templates.validate import Options, validate_raw
from retaguarda.validators.report import Report

EXIT_ERRORS = 1
EXIT_UNREADABLE = 2
#: the environment variables the company's settings are read from (any case)
ENV_PREFIX = "RETAGUARDA_"


@click.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table: tabela legível; json: para integrações.",
)
@click.option(
    "--write-back",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Grava uma cópia da planilha com as células marcadas, notas e a aba Pendências.",
)
@click.option(
    "--closed-until",
    type=click.DateTime(["%Y-%m-%d", "%d/%m/%Y"]),
    help="Último dia do período fechado (lançamentos até essa data são pendência).",
)
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d", "%d/%m/%Y"]),
    help="Data de referência para datas futuras (padrão: hoje).",
)
def validate(
    files: tuple[Path, ...],
    output_format: str,
    write_back: Path | None,
    closed_until: object,
    today: object,
) -> None:
    """Confere as planilhas e lista as pendências, agrupadas por aba.

    Exemplo: retaguarda validate workbooks/samples/matriz.xlsx --write-back marcada.xlsx
    """
    options = _options(_day(closed_until), _day(today))
    if write_back:
        # Imported here: the marked copy is written with openpyxl, which a plain check does
        # not need and should not wait for.
        from retaguarda.addin import xlsx_file

        if len(files) != 1:
            raise click.UsageError("--write-back precisa de exatamente um arquivo.")
        if write_back.resolve() == files[0].resolve():
            raise click.UsageError("--write-back grava uma cópia: escolha outro nome de arquivo.")
        if problem := xlsx_file.output_problem(files[0], write_back):
            raise click.UsageError(problem)
    err = Console(stderr=True)
    report = Report()
    unreadable: list[UnreadableFile] = []
    workbook: RawWorkbook | None = None  # kept for the marked copy, not read twice
    with progress_bar(err) as progress:
        for path in files:
            try:
                if progress:
                    progress(0, 1, f"lendo {path.name}")
                workbook = read_workbook(path)
                one = validate_raw(workbook, options, progress, name=str(path))
            except UnreadableFile as error:
                unreadable.append(error)
                continue
            report.files += one.files
            report.issues += one.issues
            report.sheets += one.sheets
    if output_format == "json":
        data = report.to_dict()
        data["summary"]["unreadable"] = [
            {
                "file": str(e.path or ""),
                "code": e.code,
                "message": e.message,
                "message_en": e.message_en,
            }
            for e in unreadable
        ]
        click.echo(json_text(data))
    else:
        print_report(report, Console())
    for error in unreadable:
        err.print(line("erro:", "bold red", error.message))
    if write_back and report.files:
        try:
            written = xlsx_file.write_back(files[0], report, write_back, workbook=workbook)
        except UnreadableFile as error:
            err.print(line("erro:", "bold red", error.message))
            sys.exit(EXIT_UNREADABLE)
        except OSError as error:
            reason = error.strerror or str(error)
            message = f"não foi possível gravar a cópia marcada em {write_back} ({reason})."
            err.print(line("erro:", "bold red", message))
            sys.exit(EXIT_UNREADABLE)
        if written.notice:
            err.print(line("atenção:", "yellow", written.notice))
        err.print(line("cópia marcada gravada em", "", str(write_back)))
    if unreadable:
        sys.exit(EXIT_UNREADABLE)
    if not report.valid:
        sys.exit(EXIT_ERRORS)


def _options(closed_until: date | None, today: date | None) -> Options:
    """The company's settings, with the options given on top.

    They come from `RETAGUARDA_*` environment variables alone: with none set, they are the
    defaults, and the settings object (whose library, pydantic-settings, takes longer to import
    than checking a small workbook does) is not loaded.
    """
    if not any(name.upper().startswith(ENV_PREFIX) for name in os.environ):
        return Options(today=today or date.today(), closed_until=closed_until)
    from retaguarda.templates.settings import CompanySettings, SettingsError, load_settings_of

    try:
        settings = load_settings_of(CompanySettings, closed_until=closed_until, today=today)
    except SettingsError as error:
        raise click.UsageError(str(error)) from None
    return settings.options()


def _day(value: object) -> date | None:
    return value.date() if hasattr(value, "date") else None  # type: ignore[union-attr]
