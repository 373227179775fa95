"""`retaguarda sources …`, `retaguarda sync` and `retaguarda emulator`: thin shells over
`sync.sources`, `sync.runner` and `sync.emulator`, imported only when one of them runs (the
store's SQLAlchemy and Alembic are for these commands alone).

Exit codes of `sync`: 0 every source synced (quarantined rows included: they are kept, not
lost; marks that could not be written into a Google Sheet are a warning), 1 at least one
source could not be synced (the others still were).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from retaguarda.addin.marks import visible
from retaguarda.sync.console import format_option, json_text, line, progress_bars, shown
from retaguarda.sync.pull import Pulled
from retaguarda.sync.runner import SyncResult, sync_source
from retaguarda.sync.settings import Settings, SettingsError, load_settings
from retaguarda.sync.sources import (
    GOOGLE,
    INBOX,
    Source,
    SourceError,
    add_source,
    find_sources,
    list_sources,
    remove_source,
    rotate_secret,
)
from retaguarda.sync.store.database import Store, StoreError

EXIT_FAILED = 1

#: the summary's columns: JSON key -> header on the terminal
COLUMNS = {
    "inserted": "Inseridas",
    "updated": "Atualizadas",
    "tombstoned": "Removidas",
    "quarantined": "Para quarentena",
    "released": "Liberadas",
    "unchanged": "Sem mudança",
    "ids_written": "IDs gravados",
    "marked": "Células marcadas",
}


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as error:
        raise click.UsageError(str(error)) from None


def _store(settings: Settings) -> Store:
    try:
        return Store.open(settings.database_url)
    except StoreError as error:
        raise click.ClickException(str(error)) from None


@click.group("sources")
def sources_group() -> None:
    """Fontes: as planilhas de cada time que alimentam o banco consolidado."""


@sources_group.command("add")
@click.option("--team", required=True, help='Time dono da planilha ("Filial SP").')
@click.option("--google", "google", metavar="URL|ID", help="Planilha do Google (endereço ou id).")
@click.option(
    "--file",
    "file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Pasta de trabalho do Excel (.xlsx, .xlsm, .xls, .ods).",
)
@click.option(
    "--folder",
    "folder",
    is_flag=False,
    flag_value=str(INBOX),
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help=f"Pasta de pastas de trabalho do time (sem valor: {INBOX}/).",
)
@click.option("--name", help="Nome da fonte (padrão: o nome do time, sem acentos).")
@format_option
def sources_add(
    team: str,
    google: str | None,
    file: Path | None,
    folder: Path | None,
    name: str | None,
    output_format: str,
) -> None:
    """Cadastra uma planilha (ou uma pasta de planilhas) como fonte.

    Mostra o segredo com que o Apps Script da planilha assina os webhooks
    (docs/google-sheets.md); guarde-o nas propriedades do script.

    Exemplo: retaguarda sources add --team "Filial SP" --google 1AbC… --format json
    """
    store = _store(_settings())
    try:
        source = add_source(store, team=team, google=google, file=file, folder=folder, name=name)
    except SourceError as error:
        raise click.UsageError(str(error)) from None
    _print_secret(source, output_format, "fonte cadastrada")


@sources_group.command("rotate-secret")
@click.argument("name")
@format_option
def sources_rotate_secret(name: str, output_format: str) -> None:
    """Troca o segredo dos webhooks de uma fonte (o antigo vale por mais 24 horas).

    Exemplo: retaguarda sources rotate-secret filial-sp --format json
    """
    try:
        source = rotate_secret(_store(_settings()), name)
    except SourceError as error:
        raise click.UsageError(str(error)) from None
    _print_secret(source, output_format, "segredo trocado")


def _print_secret(source: Source, output_format: str, done: str) -> None:
    if output_format == "json":
        click.echo(json_text(source.as_dict(secret=True)))
        return
    click.echo(f"{done}: {visible(source.label)}")
    click.echo(f"segredo dos webhooks (webhook_secret): {source.webhook_secret}")


@sources_group.command("list")
@format_option
def sources_list(output_format: str) -> None:
    """Lista as fontes cadastradas."""
    found = list_sources(_store(_settings()))
    if output_format == "json":
        click.echo(json_text([s.as_dict() for s in found]))
        return
    if not found:
        click.echo("nenhuma fonte; cadastre com: retaguarda sources add --team … --google …")
        return
    table = Table("Fonte", "Time", "Tipo", "Planilha", box=None)
    for source in found:
        table.add_row(*map(shown, (source.name, source.team, source.kind_label, source.location)))
    Console().print(table)


@sources_group.command("remove")
@click.argument("name")
def sources_remove(name: str) -> None:
    """Deixa de sincronizar uma fonte (as linhas e o histórico dela ficam no banco)."""
    try:
        source = remove_source(_store(_settings()), name)
    except SourceError as error:
        raise click.UsageError(str(error)) from None
    click.echo(f"fonte removida: {visible(source.label)}")


@click.command("sync")
@click.argument("names", nargs=-1, metavar="[FONTE]...")
@format_option
def sync_command(names: tuple[str, ...], output_format: str) -> None:
    """Traz as planilhas das fontes para o banco consolidado (todas, se nenhuma for dada).

    Cada fonte é uma transação: ou entra inteira, ou nada muda. Linhas com erro vão para a
    quarentena com os motivos; linhas que sumiram da planilha são marcadas como removidas.

    Exemplo: retaguarda sync filial-sp --format json
    """
    settings = _settings()
    store = _store(settings)
    try:
        chosen = find_sources(store, names)
    except SourceError as error:
        raise click.UsageError(str(error)) from None
    err = Console(stderr=True)
    google = _google_pull(settings) if any(s.kind == GOOGLE for s in chosen) else None
    results: list[SyncResult] = []
    failed: list[tuple[str, str]] = []
    with progress_bars(err) as bars:
        steps = {source.name: bars.task(source.name) for source in chosen}
        for source in chosen:
            step = steps[source.name]
            if step:
                step(0, 4, "na fila")
            try:
                results.append(
                    sync_source(store, source, settings.options(), google=google, progress=step)
                )
            except Exception as error:  # one source failing must not stop the others
                failed.append((source.name, _reason(error)))
                if step:
                    step(0, 4, "falhou")
    if output_format == "json":
        data = {
            "sources": [r.as_dict() for r in results],
            "failed": [{"source": n, "error": e} for n, e in failed],
        }
        click.echo(json_text(data))
    else:
        _print_summary(results)
    for result in results:
        if result.marks_error:  # synced all the same: a warning, not a failure
            err.print(line(f"aviso em {result.source.name}:", "bold yellow", result.marks_error))
    for name, reason in failed:
        err.print(line(f"erro em {name}:", "bold red", reason))
    if failed:
        sys.exit(EXIT_FAILED)


def _print_summary(results: list[SyncResult]) -> None:
    """One column per source, one line per count: narrow enough for any terminal."""
    if not results:
        click.echo("nenhuma fonte sincronizada.")
        return
    table = Table("", box=None)
    for result in results:
        table.add_column(shown(result.source.name))
    data = [r.as_dict() for r in results]
    for key, label in COLUMNS.items():
        table.add_row(label, *("—" if d[key] is None else str(d[key]) for d in data))
    table.add_row("Tempo", *(f"{r.seconds:.1f} s" for r in results))
    Console().print(table)


def _google_pull(settings: Settings) -> Callable[[str], Pulled]:
    """Reads Google sources with the service account's key (imported only when needed)."""
    from retaguarda.sync.google_source import GoogleError, google_pull

    try:
        return google_pull(settings)
    except GoogleError as error:
        raise click.UsageError(str(error)) from None


def _reason(error: Exception) -> str:
    return str(error) or type(error).__name__


@click.command("emulator")
@click.option("--host", default="127.0.0.1", show_default=True, help="Endereço a escutar.")
@click.option("--port", type=int, default=8089, show_default=True, help="Porta a escutar.")
@click.option(
    "--seed",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Pasta de pastas de trabalho: cada uma vira uma planilha (id = nome do arquivo).",
)
@click.option(
    "--key-out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("data/emulator-key.json"),
    show_default=True,
    help="Onde gravar a chave de conta de serviço que os clientes usam.",
)
@click.option(
    "--quota",
    type=int,
    default=60,
    show_default=True,
    help="Pedidos por minuto por usuário, como no Google (0: sem limite).",
)
def emulator_command(host: str, port: int, seed: Path | None, key_out: Path, quota: int) -> None:
    """Emulador local da API do Google Sheets, para desenvolver e testar sem o Google.

    Responde como o Google, inclusive com HTTP 429 quando a cota por minuto acaba (300 leituras
    e 300 gravações por projeto; --quota por usuário).

    Exemplo: retaguarda emulator --port 8089 --seed workbooks/samples/
    """
    from retaguarda.sync.emulator import Quota, create_emulator

    base_url = f"http://{host}:{port}"
    limits = Quota(per_user_per_minute=quota) if quota else None
    app = create_emulator(seed=seed, key_out=key_out, base_url=base_url, quota=limits)
    click.echo(f"emulador em {base_url}; chave da conta de serviço: {key_out}")
    click.echo(
        f"use: RETAGUARDA_GOOGLE_API_URL={base_url} GOOGLE_APPLICATION_CREDENTIALS={key_out}"
    )
    app.run(host=host, port=port, threaded=True)
