"""The web service: one Flask application per call of `create_app`, never one at import.

Tests build as many apps as they like, each with its own settings; `retaguarda serve` builds
one and serves it with waitress (`wsgi_server`), which runs on Windows too; on Linux at scale,
gunicorn serves `retaguarda.sync.app:create_app()` (docs/excel.md). Each concern is a
blueprint registered by its own `_setup_*` step, so the service issue adds webhooks, the API
and the dashboard the same way, and authentication as one more step: a `before_request` on
the app (or per blueprint) runs ahead of every view, limits included.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from retaguarda.addin.protocol import configure_server
from retaguarda.sync import (
    actions,
    api,
    auth,
    dashboard,
    extensions,
    heavy,
    webhooks,
    xlwings_server,
)
from retaguarda.sync.extensions import Clock, utc_now
from retaguarda.sync.queue import SyncQueue
from retaguarda.sync.settings import SettingsError, load_settings


def create_app(*, clock: Clock = utc_now, **settings: object) -> Flask:
    """An application configured from `RETAGUARDA_*` variables, overridden by `settings`.

    `clock` tells the service the time (tests give a fixed one). Raises `SettingsError`
    naming every bad setting.
    """
    # `retaguarda` is a namespace package, where Flask cannot guess an instance folder
    app = Flask(__name__, instance_path=str(Path(__file__).parent / "instance"))
    app.config["RETAGUARDA"] = load_settings(**settings)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    extensions.setup(app, clock)
    heavy.setup(app)
    _setup_proxy(app)
    _setup_limits(app)
    _setup_auth(app)
    _setup_excel(app)
    _setup_webhooks(app)
    _setup_api(app)
    _setup_dashboard(app)
    _setup_queue(app)
    return app


def service_app(host: str, port: int) -> Flask:
    """The app `retaguarda serve` runs on host:port: its public address is
    `RETAGUARDA_PUBLIC_URL`, or, unset, the address it listens on (unless that is every
    interface, where no single address is the one Excel uses)."""
    settings = load_settings()
    if settings.public_url is not None:
        return create_app()
    if host in ("", "0.0.0.0", "::"):
        raise SettingsError(
            f"configuração inválida: escutando em {host or 'todas as interfaces'}, defina "
            "RETAGUARDA_PUBLIC_URL com o endereço pelo qual o Excel chega a este serviço "
            "(https://retaguarda.exemplo.com.br)."
        )
    shown = f"[{host}]" if ":" in host else host
    return create_app(public_url=f"http://{shown}:{port}")


def wsgi_server(app: Flask, host: str, port: int) -> BaseWSGIServer | MultiSocketServer:
    """The production server for `app` (waitress), listening, not yet serving: `.run()`.

    Waitress refuses an oversized body itself, before reading it, when the request declares
    its length, and stops reading a chunked one at the limit; Flask's own limit covers the
    servers that do not (gunicorn, the test client). Waitress also drops X-Forwarded-*
    headers unless told otherwise: behind `trusted_proxies` proxies it keeps them for the
    app's ProxyFix (`_setup_proxy`), the one place that reads them whichever server runs.
    """
    settings = app.config["RETAGUARDA"]
    return create_server(
        app,
        host=host,
        port=port,
        max_request_body_size=settings.max_request_bytes,
        clear_untrusted_proxy_headers=not settings.trusted_proxies,
    )


def _setup_proxy(app: Flask) -> None:
    """Behind `trusted_proxies` reverse proxies (nginx, deploy/nginx.conf), the client's
    address and scheme are the ones the nearest proxy saw: logs, the login's limit per
    address and https redirects need them. Without one, the headers are a client's own
    words and are ignored."""
    trusted = app.config["RETAGUARDA"].trusted_proxies
    if trusted:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted, x_proto=trusted)  # type: ignore[method-assign]


def _setup_limits(app: Flask) -> None:
    """The largest body a request may have (413 beyond it, before it is read)."""
    app.config["MAX_CONTENT_LENGTH"] = app.config["RETAGUARDA"].max_request_bytes


def _setup_excel(app: Flask) -> None:
    """The Excel add-in: the xlwings Server protocol, and the Office.js client files.

    xlwings' server mode is turned on for the process here, before any request imports
    xlwings (it reads the mode once, at import). Errors under `/xlwings/` are JSON for its
    clients, routing errors included, which only an app-level handler sees.
    """
    configure_server()
    app.register_blueprint(xlwings_server.xlwings_api)
    app.register_blueprint(xlwings_server.clients)
    app.register_error_handler(HTTPException, xlwings_server.http_error)


def _setup_webhooks(app: Flask) -> None:
    """`POST /webhooks/google-sheets`: signed by each source's secret, so it needs no login;
    committed in groups by one thread of the process (`webhooks.intake`), and answered in
    front of Flask when taken (`webhooks.FastPath`; it reads no client address, so it may
    sit in front of the proxy's fix of it as well)."""
    app.extensions[webhooks.INTAKE] = webhooks.intake(app.extensions["retaguarda"])
    app.wsgi_app = webhooks.FastPath(app, app.wsgi_app)  # type: ignore[method-assign]
    app.register_blueprint(webhooks.webhooks)
    app.register_blueprint(actions.actions)


def _setup_api(app: Flask) -> None:
    """`/api/`, behind API tokens, and its OpenAPI document at `/api/docs/openapi.json`."""
    api.register(app)


def _setup_dashboard(app: Flask) -> None:
    """The pages finance reads, from `/`, behind the login (`sync.dashboard`)."""
    app.register_blueprint(dashboard.dashboard)


def _setup_queue(app: Flask) -> None:
    """Webhooks ring the sync queue (`sync.queue`, opened on first use); `retaguarda serve`
    also runs its workers, found at `app.extensions["retaguarda_queue"]`."""
    shared = app.extensions["retaguarda"]
    queue = SyncQueue(app.config["RETAGUARDA"], clock=shared.clock, store=shared.store)
    shared.notify = queue.notify
    app.extensions["retaguarda_queue"] = queue


def _setup_auth(app: Flask) -> None:
    """Who is asking (`sync.auth`): the `auth` blueprint's login and logout for the dashboard,
    sessions and CSRF tokens for its forms; the API and the add-in check tokens themselves,
    and the webhooks stay signed only."""
    auth.setup(app)
    app.register_blueprint(auth.auth)
