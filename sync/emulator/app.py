"""The emulator's application factory: one Flask app, one blueprint per Google service.

    app = create_emulator(seed=Path("workbooks/samples"), key_out=Path("emulator-key.json"),
                          base_url="http://127.0.0.1:8089")
    app.run(host="127.0.0.1", port=8089, threaded=True)

or, with an OS-chosen port (tests): `with serving(app) as base_url: ...` (server.py), which
tells the state its real base_url once the port is bound and rewrites the key's token_uri.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

from retaguarda.sync.emulator import drive, oauth, sheets
from retaguarda.sync.emulator.errors import STATUS_BY_CODE, ApiError
from retaguarda.sync.emulator.quota import Quota
from retaguarda.sync.emulator.state import EmulatorState
from retaguarda.sync.emulator.web import json_response


def create_emulator(
    *,
    seed: Path | None = None,
    key_out: Path | None = None,
    base_url: str = "http://127.0.0.1:8089",
    quota: Quota | None = None,
) -> Flask:
    """A Sheets API v4 + Drive v3 emulator.

    :param seed: a folder whose .xlsx/.xlsm workbooks become spreadsheets (id = file stem).
    :param key_out: where to write the service-account key clients use; an existing key there
        is reused, so clients keep working across restarts.
    :param base_url: where clients reach the emulator; the key's token_uri is `{base_url}/token`.
    :param quota: per-minute limits (`Quota()` = Google's defaults); None = no limits.
    """
    app = Flask(__name__)
    emulator = EmulatorState(base_url=base_url, key_out=key_out, quota=quota)
    if seed is not None:
        emulator.seed(seed)
    app.extensions["sheets_emulator"] = emulator
    app.register_blueprint(oauth.blueprint)
    app.register_blueprint(sheets.blueprint)
    app.register_blueprint(drive.blueprint)
    app.register_blueprint(drive.upload_blueprint)
    app.register_error_handler(ApiError, api_error)
    app.register_error_handler(HTTPException, http_error)
    return app


def api_error(error: ApiError) -> Response:
    return json_response(error.body(), error.code)


def http_error(error: HTTPException) -> Response:
    """Unknown paths and methods answer in Google's shape too, not as Flask's HTML page."""
    code = error.code or 500
    status = STATUS_BY_CODE.get(code, "UNKNOWN")
    message = "Requested entity was not found." if code == 404 else error.description
    return json_response({"error": {"code": code, "message": message, "status": status}}, code)
