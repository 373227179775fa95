"""The `retaguarda` command: a thin shell over the library functions of the same names.

Every option can also be set as an environment variable (`RETAGUARDA_CLOSED_UNTIL`, ...).
Exit codes of `validate`: 0 no errors, 1 errors found, 2 a file could not be read.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress

from retaguarda.addin import desktop, xlsx_file
from retaguarda.sync import cli_sync
from retaguarda.sync.console import json_text, markup, print_report
from retaguarda.sync.settings import SettingsError, load_settings
from retaguarda.templates import render, samples
from retaguarda.templates.files import RawWorkbook, UnreadableFile, read_workbook
from retaguarda.templates.validate import Progress, validate_raw
from retaguarda.validators.report import Report

EXIT_ERRORS = 1
EXIT_UNREADABLE = 2


@click.group(
    context_settings={"auto_envvar_prefix": "RETAGUARDA", "help_option_names": ["-h", "--help"]}
)
@click.version_option(package_name="retaguarda")
def main() -> None:
    """Retaguarda: confere, concilia e consolida as planilhas da retaguarda administrativa."""


@main.group()
def templates() -> None:
    """Modelos de planilha (templates)."""


def out_folder(default: str, help: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """The `--out FOLDER` option of the commands that write files."""
    return click.option(
        "--out",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path(default),
        show_default=True,
        help=help,
    )


@templates.command("build")
@out_folder("workbooks/templates", "Pasta onde gravar os modelos .xlsx.")
def templates_build(out: Path) -> None:
    """Gera um .xlsx por modelo e a pasta de trabalho da empresa (empresa.xlsx).

    Exemplo: retaguarda templates build --out workbooks/templates
    """
    for path in render.build_templates(out):
        click.echo(f"gravado {path}")


@main.command("samples")
@out_folder("workbooks/samples", "Pasta onde gravar as planilhas de exemplo.")
@click.option("--seed", type=int, default=2026, show_default=True, help="Semente aleatória.")
def samples_command(out: Path, seed: int) -> None:
    """Gera planilhas de exemplo de três equipes, com erros plantados e registrados.

    Exemplo: retaguarda samples --out workbooks/samples
    """
    for path in samples.write_samples(out, seed=seed):
        click.echo(f"gravado {path}")


@main.command("validate")
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
    try:
        settings = load_settings(closed_until=_day(closed_until), today=_day(today))
    except SettingsError as error:
        raise click.UsageError(str(error)) from None
    options = settings.options()
    if write_back and len(files) != 1:
        raise click.UsageError("--write-back precisa de exatamente um arquivo.")
    if write_back and write_back.resolve() == files[0].resolve():
        raise click.UsageError("--write-back grava uma cópia: escolha outro nome de arquivo.")
    if write_back and (problem := xlsx_file.output_problem(files[0], write_back)):
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
        err.print(f"[bold red]erro:[/] {markup(error.message)}", highlight=False)
    if write_back and report.files:
        try:
            written = xlsx_file.write_back(files[0], report, write_back, workbook=workbook)
        except UnreadableFile as error:
            err.print(f"[bold red]erro:[/] {markup(error.message)}", highlight=False)
            sys.exit(EXIT_UNREADABLE)
        except OSError as error:
            where, reason = markup(str(write_back)), markup(error.strerror or str(error))
            message = f"não foi possível gravar a cópia marcada em {where} ({reason})."
            err.print(f"[bold red]erro:[/] {message}", highlight=False)
            sys.exit(EXIT_UNREADABLE)
        if written.notice:
            err.print(f"[yellow]atenção:[/] {markup(written.notice)}", highlight=False)
        err.print(f"cópia marcada gravada em {markup(str(write_back))}", highlight=False)
    if unreadable:
        sys.exit(EXIT_UNREADABLE)
    if not report.valid:
        sys.exit(EXIT_ERRORS)


@main.group("addin")
def addin_group() -> None:
    """Suplemento do Excel de mesa."""


@addin_group.command("vba")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path(desktop.VBA_MODULE),
    show_default=True,
    help="Arquivo (ou pasta) onde gravar o módulo do VBA.",
)
def addin_vba(out: Path) -> None:
    """Grava o módulo do VBA com os botões (Validar, Limpar marcações, ...).

    Importe-o no editor do VBA (Arquivo › Importar arquivo); veja docs/excel.md.

    Exemplo: retaguarda addin vba --out Retaguarda.bas
    """
    click.echo(f"gravado {desktop.write_vba_module(out)}")


@addin_group.command("xlsm")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("Retaguarda.xlsm"),
    show_default=True,
    help="Arquivo (ou pasta) onde gravar a pasta de trabalho com os botões.",
)
def addin_xlsm(out: Path) -> None:
    """Grava uma pasta de trabalho habilitada para macros com os cinco botões.

    Precisa do suplemento do xlwings instalado (xlwings addin install); veja docs/excel.md.

    Exemplo: retaguarda addin xlsm --out Retaguarda.xlsm
    """
    click.echo(f"gravado {desktop.write_macro_workbook(out)}")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Endereço a escutar.")
@click.option("--port", type=int, default=8000, show_default=True, help="Porta a escutar.")
def serve(host: str, port: int) -> None:
    """Serve o suplemento do Excel (protocolo do xlwings Server e o manifest.xml).

    Servidor waitress (roda também no Windows). O endereço no manifesto é
    RETAGUARDA_PUBLIC_URL ou, sem ela, o de --host/--port. No Linux, com muitos usuários:
    gunicorn (veja docs/excel.md).

    Exemplo: retaguarda serve --port 8000
    """
    # Imported here: the service loads Flask and xlwings in server mode, which the other
    # commands neither need nor should pay for.
    from retaguarda.sync.app import service_app, wsgi_server

    try:
        app = service_app(host, port)
        server = wsgi_server(app, host, port)
    except SettingsError as error:
        raise click.UsageError(str(error)) from None
    except OSError as error:  # the port is taken, or the address is not this machine's
        raise click.ClickException(f"não foi possível escutar em {host}:{port}: {error}") from None
    public = app.config["RETAGUARDA"].public_url
    click.echo(f"manifesto do suplemento: {public}/addin/manifest.xml")
    server.run()


main.add_command(cli_sync.sources_group)
main.add_command(cli_sync.sync_command)
main.add_command(cli_sync.emulator_command)


@contextmanager
def progress_bar(console: Console) -> Iterator[Progress | None]:
    """A bar on the terminal while files are read and checked; nothing when piped."""
    if not console.is_terminal:
        yield None
        return
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
    )
    with RichProgress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("", total=None)

        def update(done: int, total: int, description: str) -> None:
            # the description names the user's file and sheets: rich markup, shown as typed
            bar.update(task, completed=done, total=total, description=markup(description))

        yield update


def _day(value: object) -> date | None:
    return value.date() if hasattr(value, "date") else None  # type: ignore[union-attr]
