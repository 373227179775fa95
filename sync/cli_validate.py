"""`retaguarda validate`: a thin shell over `templates.validate` and `addin.xlsx_file`.

Exit codes: 0 no errors, 1 errors found, 2 a file could not be read.

This module imports only click when it loads: the command first starts the pre-scan of each
.xlsx (`xlsx_ahead`), or the reading of each CSV (`csv_ahead`), in a second process, then imports
pandas, pyarrow and the rules (half a second) while that runs.
"""

from __future__ import annotations

import gc
import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from retaguarda.templates.readers.csv_ahead import ReadAhead, read_ahead
from retaguarda.templates.readers.raw_sheets import MAX_CELLS
from retaguarda.templates.readers.xlsx_ahead import ScanAhead, scan_ahead

if TYPE_CHECKING:
    from rich.console import Console

    from retaguarda.templates.checks import Options
    from retaguarda.templates.files import RawWorkbook
    from retaguarda.validators.report import Report

EXIT_ERRORS = 1
EXIT_UNREADABLE = 2
#: the environment variables the company's settings are read from (any case)
ENV_PREFIX = "RETAGUARDA_"


@click.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
# `sync.console.format_option`, written out: that module imports pandas when it loads
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table: tabela legível; json: para integrações e scripts.",
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
@click.option(
    "--select",
    multiple=True,
    metavar="CÓDIGO",
    help="Mostra só estas pendências: um código (cnpj.check_digit), uma família "
    "(cnpj.invalid) ou um prefixo (cnpj). Pode repetir.",
)
@click.option(
    "--ignore",
    multiple=True,
    metavar="CÓDIGO",
    help="Não mostra estas pendências (mesmas formas de --select). Pode repetir.",
)
def validate(
    files: tuple[Path, ...],
    output_format: str,
    write_back: Path | None,
    closed_until: object,
    today: object,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
) -> None:
    """Confere as planilhas e lista as pendências, agrupadas por aba.

    Os arquivos de uma chamada são conferidos juntos: o Plano de contas de um arquivo vale
    para os lançamentos de outro.

    Exemplo: retaguarda validate workbooks/samples/matriz.xlsx --write-back marcada.xlsx
    """
    keep_freed_memory()
    aheads = {path: _ahead(path) for path in dict.fromkeys(files)}
    for ahead in aheads.values():  # threads only once every process is forked
        if isinstance(ahead, ScanAhead):
            ahead.prepare_halves()
    collecting = gc.isenabled()
    gc.disable()  # see `_validate`
    ending: SystemExit | None = None
    try:
        _validate(files, output_format, write_back, closed_until, today, select, ignore, aheads)
    except SystemExit as done:  # exit codes 1 and 2
        ending = done
    finally:
        if collecting:
            gc.enable()
        for ahead in aheads.values():
            if ahead is not None:
                ahead.stop()
    _leave_now(0 if ending is None else ending.code)
    if ending is not None:
        raise ending


def _leave_now(code: object) -> None:
    """End the `retaguarda` process here, its output flushed, when it is one (not a test
    runner, not a program that called the command): tearing down the interpreter (a full
    collection, every module's objects freed one by one) took 0.2-0.3 s after the 500,000-row
    CSV's and the 200,000-row .xlsx's report was printed, for memory the system frees at once.
    The second processes have ended by then (`ScanAhead.stop`, `ReadAhead.stop`)."""
    if not isinstance(code, int) or Path(sys.argv[0]).stem != "retaguarda":
        return
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: what was said is said
            code = code or 1
    os._exit(code)


def _ahead(path: Path) -> ScanAhead | ReadAhead | None:
    """The work on a big file that needs neither pandas nor the rules, started in a second
    process: an .xlsx's pre-scan, a CSV's reading."""
    return scan_ahead(path, MAX_CELLS) or read_ahead(path, MAX_CELLS)


#: glibc's mallopt parameters: M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD
_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD, _M_ARENA_MAX = -1, -2, -3, -8
_GiB = 1 << 30


def keep_freed_memory() -> None:
    """Let glibc's malloc keep the memory this process frees for its next allocations.

    By default every block over 128 KB (a column of 500,000 rows is several megabytes) is a
    mapping of its own, given back to the kernel when freed, and the heap's top is trimmed: the
    next array of that size is fresh memory again, one page fault per 4 KB. Validating the
    500,000-row CSV journal took 150,000 faults, about 0.5 s of system time on the 2-core
    machine (3.3 µs each); kept in the heap, 80,000. A command that ends within seconds gains
    nothing from giving memory back early; its peak grows by about a third (blocks freed in the
    heap are not always the size of the next). Nothing happens where malloc is not glibc's.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # musl, or no C library to be had: the defaults stay
        return
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt(_M_MMAP_THRESHOLD, _GiB)
    mallopt(_M_TRIM_THRESHOLD, _GiB)
    mallopt(_M_TOP_PAD, 64 << 20)
    # The threads that type and check a big table (`templates.parallel`) would each get a
    # heap of their own, which keeps what it frees to itself: two heaps shared by all of
    # them took 30,000 fewer page faults on the 500,000-row CSV and 50 MB less at the peak.
    mallopt(_M_ARENA_MAX, 2)


def _validate(
    files: tuple[Path, ...],
    output_format: str,
    write_back: Path | None,
    closed_until: object,
    today: object,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    aheads: dict[Path, ScanAhead | ReadAhead | None],
) -> None:
    """The command, run without the cyclic garbage collector: its full collections walk every
    object alive (pandas' and pyarrow's modules, then each row calamine gives, a list of its
    own) and took 0.4-0.5 s of the 200,000-row .xlsx (four of them) and of the 500,000-row
    CSV, 0.06-0.1 s of a 30-row workbook; what it would free in one command are a few cycles
    (an exception's frames), and the process ends soon after.
    """
    from rich.console import Console

    from retaguarda.addin.marks import visible
    from retaguarda.sync.console import json_text, line, print_report, progress_bar
    from retaguarda.templates.files import read_workbook
    from retaguarda.templates.validate import validate_paths
    from retaguarda.validators.codes import unknown_patterns

    options = _options(_day(closed_until), _day(today), select, ignore)
    if unknown := unknown_patterns((*options.select, *options.ignore)):
        raise click.UsageError(
            f"código(s) desconhecido(s) em --select/--ignore: {visible(', '.join(unknown))} "
            "(veja docs/pendencias.md)."
        )
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
    kept: list[RawWorkbook] = []  # the one workbook of --write-back: its cells, not read twice

    def read(path: Path) -> RawWorkbook:
        workbook = read_workbook(path, ahead=aheads.pop(path, None))
        if write_back:
            kept.append(workbook)
        return workbook

    with progress_bar(err) as progress:
        report = validate_paths(files, options, progress, read=read)
    if output_format == "json":
        data = report.to_dict()
        data["summary"]["unreadable"] = [
            {"file": i.file, "code": i.code, "message": i.message, "message_en": i.message_en}
            for i in report.unreadable
        ]
        click.echo(json_text(data))
    else:
        print_report(report, Console())
    for issue in report.unreadable:
        err.print(line("erro:", "bold red", issue.message))
    if write_back and kept and report.files:
        _write_back(files[0], report, write_back, kept[0], err)
    if report.unreadable:
        sys.exit(EXIT_UNREADABLE)
    if not report.valid:
        sys.exit(EXIT_ERRORS)


def _write_back(
    source: Path, report: Report, target: Path, workbook: RawWorkbook, err: Console
) -> None:
    from retaguarda.addin import xlsx_file
    from retaguarda.sync.console import line
    from retaguarda.templates.files import UnreadableFile

    try:
        written = xlsx_file.write_back(source, report, target, workbook=workbook)
    except UnreadableFile as error:
        err.print(line("erro:", "bold red", error.message))
        sys.exit(EXIT_UNREADABLE)
    except OSError as error:
        reason = error.strerror or str(error)
        message = f"não foi possível gravar a cópia marcada em {target} ({reason})."
        err.print(line("erro:", "bold red", message))
        sys.exit(EXIT_UNREADABLE)
    if written.notice:
        err.print(line("atenção:", "yellow", written.notice))
    err.print(line("cópia marcada gravada em", "", str(target)))


def _options(
    closed_until: date | None,
    today: date | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
) -> Options:
    """The company's settings, with the options given on top.

    They come from `RETAGUARDA_*` environment variables alone: with none set, they are the
    defaults, and the settings object (whose library, pydantic-settings, takes longer to import
    than checking a small workbook does) is not loaded.
    """
    from retaguarda.templates.checks import Options

    if not any(name.upper().startswith(ENV_PREFIX) for name in os.environ):
        return Options(
            today=today or date.today(), closed_until=closed_until, select=select, ignore=ignore
        )
    from retaguarda.templates.settings import CompanySettings, SettingsError, load_settings_of

    try:
        settings = load_settings_of(
            CompanySettings,
            closed_until=closed_until,
            today=today,
            select=select or None,
            ignore=ignore or None,
        )
    except SettingsError as error:
        raise click.UsageError(str(error)) from None
    return settings.options()


def _day(value: object) -> date | None:
    return value.date() if hasattr(value, "date") else None  # type: ignore[union-attr]
