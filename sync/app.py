"""The web service: one Flask application per call of `create_app`, never one at import.

Tests build as many apps as they like, each with its own settings; `retaguarda serve` builds
one. Each concern is a blueprint registered by its own `_setup_*` step, so the service issue
adds webhooks, the API and the dashboard the same way.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from retaguarda.sync import xlwings_server
from retaguarda.sync.settings import load_settings


def create_app(**settings: object) -> Flask:
    """An application configured from `RETAGUARDA_*` variables, overridden by `settings`.

    Raises `SettingsError` naming every bad setting.
    """
    # `retaguarda` is a namespace package, where Flask cannot guess an instance folder
    app = Flask(__name__, instance_path=str(Path(__file__).parent / "instance"))
    app.config["RETAGUARDA"] = load_settings(**settings)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    _setup_excel(app)
    return app


def _setup_excel(app: Flask) -> None:
    """The Excel add-in: the xlwings Server protocol, and the Office.js client files."""
    app.register_blueprint(xlwings_server.xlwings_api)
    app.register_blueprint(xlwings_server.clients)
