"""`retaguarda serve`: the service behind waitress, with the sync queue's workers as threads
of the same process (the embedded default; at scale, `retaguarda worker` processes)."""

from __future__ import annotations

import click

from retaguarda.sync.app import service_app, wsgi_server
from retaguarda.sync.settings import SettingsError


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Endereço a escutar.")
@click.option("--port", type=int, default=8000, show_default=True, help="Porta a escutar.")
def serve(host: str, port: int) -> None:
    """Serve o painel, a API, os webhooks do Google Sheets e o suplemento do Excel.

    Servidor waitress (roda também no Windows), com a fila de sincronização em threads do
    mesmo processo. O endereço no manifesto do suplemento é RETAGUARDA_PUBLIC_URL ou, sem
    ela, o de --host/--port. Com muitos usuários: gunicorn, PostgreSQL, Redis e
    retaguarda worker (veja docs/deploy.md).

    Exemplo: retaguarda serve --port 8000
    """
    try:
        app = service_app(host, port)
        server = wsgi_server(app, host, port)
    except SettingsError as error:
        raise click.UsageError(str(error)) from None
    except OSError as error:  # the port is taken, or the address is not this machine's
        raise click.ClickException(f"não foi possível escutar em {host}:{port}: {error}") from None
    public = app.config["RETAGUARDA"].public_url
    click.echo(f"painel: {public}/  (usuários: retaguarda users add)")
    click.echo(f"webhooks do Google Sheets: {public}/webhooks/google-sheets")
    click.echo(f"manifesto do suplemento: {public}/addin/manifest.xml")
    stop_workers = app.extensions["retaguarda_queue"].start_embedded()
    try:
        server.run()
    finally:
        stop_workers()
