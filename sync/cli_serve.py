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
    """Serve o suplemento do Excel (protocolo do xlwings Server e o manifest.xml).

    Servidor waitress (roda também no Windows). O endereço no manifesto é
    RETAGUARDA_PUBLIC_URL ou, sem ela, o de --host/--port. No Linux, com muitos usuários:
    gunicorn (veja docs/excel.md).

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
    click.echo(f"manifesto do suplemento: {public}/addin/manifest.xml")
    queue = app.extensions["retaguarda_queue"]
    consumer = queue.consumer(embedded=True)
    consumer.start()
    queue.housekeeping()
    try:
        server.run()
    finally:
        queue.stopping.set()
        consumer.stop(graceful=True)
