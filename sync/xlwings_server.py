"""The Excel add-in over HTTP: the xlwings Server protocol, and the Office.js client files.

The paths are xlwings Server's own, so xlwings' JavaScript client works unchanged:
`POST /xlwings/custom-scripts-call/<script>` (the workbook as JSON in, `{"actions": [...]}`
out), `GET /xlwings/custom-functions-meta`, `POST /xlwings/custom-functions-call`, and
`GET /xlwings/alert`, which that client opens to show a message. Handlers only move JSON; the
work is in `addin.protocol`. A failure is answered as `{"error": "<Portuguese sentence>"}` with
the HTTP status that fits, never as a traceback page; routing errors (404, 405) under
`/xlwings/` too, through `http_error`, which the app factory registers for the whole app (a
blueprint cannot see a URL that matched none of its routes).

Every `/xlwings/` route takes the user's API token (`Authorization: Bearer <token>`, which the
task pane sends; `sync.auth`): checking one's own workbook is for every role, finance's macros
(`FINANCE_SCRIPTS`) for `financeiro` and above. The alert dialog is the exception: xlwings'
client opens it as a page, which carries no header, and it only shows the text in its URL.

`/addin/` serves what Excel loads: the manifest to sideload and the task pane.
"""

from __future__ import annotations

import logging
from functools import cache
from importlib.resources import files
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from flask import render_template_string as render
from werkzeug.exceptions import HTTPException

from retaguarda.addin import protocol
from retaguarda.addin.service import XLWINGS_JS_URL, ProtocolError
from retaguarda.sync import workbook_payload as workbook
from retaguarda.sync.auth import token_required
from retaguarda.sync.heavy import heavy
from retaguarda.sync.users import FINANCEIRO, LEITURA

logger = logging.getLogger(__name__)

xlwings_api = Blueprint("xlwings", __name__, url_prefix="/xlwings")
clients = Blueprint("addin_clients", __name__, url_prefix="/addin")

#: the task pane's JavaScript; static, so sent as it is
_STATIC = {"taskpane.js": "text/javascript; charset=utf-8"}
#: the macros that work on the company's finances rather than check a workbook
FINANCE_SCRIPTS = frozenset({"reconcile", "reports", "payroll"})


def _role_needed() -> str:
    script = (request.view_args or {}).get("script")
    return FINANCEIRO if script in FINANCE_SCRIPTS else LEITURA


xlwings_api.before_request(token_required(_role_needed, exempt=frozenset({"xlwings.alert"})))


def _payload() -> dict[str, Any]:
    """The request's JSON object; anything else is the client's mistake (400), not ours."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # arrays nested thousands deep: valid JSON, but not a request
        data = None
    if not isinstance(data, dict):
        raise ProtocolError("o corpo do pedido não é um objeto JSON.")
    return data


def _within_cell_limit(what: str, block: object) -> None:
    """Refuse (413) a request whose arrays hold more cells than the service takes, counted
    on the JSON before xlwings builds anything out of it: building a Book costs far more
    memory and time per cell than reading the body did."""
    limit = current_app.config["RETAGUARDA"].max_workbook_cells
    cells = workbook.cell_count(block)
    if cells > limit:
        raise ProtocolError(
            f"{what} tem {_thousands(cells)} células; o serviço aceita até "
            f"{_thousands(limit)} (RETAGUARDA_MAX_WORKBOOK_CELLS). Envie só as abas do "
            "Retaguarda, ou peça ao administrador para aumentar o limite.",
            413,
        )


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


@xlwings_api.get("/custom-functions-meta")
def custom_functions_meta() -> Response:
    return jsonify(protocol.functions_meta())


@xlwings_api.post("/custom-functions-call")
@heavy
def custom_functions_call() -> Response:
    payload = _payload()
    _within_cell_limit("a chamada da função", payload.get("args"))
    return jsonify({"result": protocol.call_function(payload)})


@xlwings_api.post("/custom-scripts-call/<script>")
@heavy
def custom_scripts_call(script: str) -> Response:
    payload = _payload()
    _within_cell_limit("a pasta de trabalho enviada", payload.get("sheets"))
    workbook.check_shape(payload)
    options = current_app.config["RETAGUARDA"].options()
    return jsonify(protocol.call_script(script, payload, options))


@xlwings_api.get("/alert")
def alert() -> str:
    """The dialog xlwings' Office.js client opens for `book.app.alert` and for errors."""
    args = request.args
    return render(
        protocol.alert_template(),
        prompt=args.get("prompt", ""),
        title=args.get("title", ""),
        buttons=args.get("buttons", "ok"),
        mode=args.get("mode", ""),
        callback=args.get("callback", ""),
    )


@xlwings_api.errorhandler(ProtocolError)
def _protocol_error(error: ProtocolError) -> tuple[Response, int]:
    return jsonify({"error": error.message}), error.status


def http_error(error: HTTPException) -> HTTPException | tuple[Response, int]:
    """JSON for xlwings' clients, routing errors (404, 405) included; other pages as usual.

    An app-level handler (`app.register_error_handler(HTTPException, http_error)`)."""
    if not request.path.startswith(f"{xlwings_api.url_prefix}/") or error.response is not None:
        return error  # not ours, or an answer already made (`heavy`'s 503 and its Retry-After)
    status = error.code or 500
    if status == 413:
        limit = current_app.config["RETAGUARDA"].max_request_bytes
        message = (
            f"pedido recusado (413): o corpo passa do limite de {_thousands(limit)} bytes "
            "(RETAGUARDA_MAX_REQUEST_BYTES)."
        )
        return jsonify({"error": message}), status
    return jsonify({"error": f"pedido recusado ({status}): {error.description}"}), status


@xlwings_api.errorhandler(Exception)
def _unexpected(error: Exception) -> HTTPException | tuple[Response, int]:
    # Flask asks the blueprint's handlers first, this one included, even for an HTTP error
    # raised inside a view (413 while reading the body): that is the client's, not a 500
    if isinstance(error, HTTPException):
        return http_error(error)
    logger.exception("erro no protocolo do xlwings", exc_info=error)
    message = "erro interno do Retaguarda; os detalhes estão no registro (log) do servidor."
    return jsonify({"error": message}), 500


@clients.get("/manifest.xml")
def manifest() -> Response:
    """The manifest to sideload, pointing at `public_url`: never at the request's Host
    header, which whoever sends the request chooses (a manifest fetched through a forged
    Host would send Excel's users to someone else's server)."""
    base = current_app.config["RETAGUARDA"].public_url
    if base is None:
        return Response(
            "defina RETAGUARDA_PUBLIC_URL com o endereço pelo qual o Excel chega a este "
            "serviço (https://retaguarda.exemplo.com.br); veja docs/excel.md.",
            status=503,
            mimetype="text/plain",
        )
    return Response(render(_client_file("manifest.xml"), base_url=base), mimetype="text/xml")


@clients.get("/taskpane.html")
def taskpane() -> str:
    settings = current_app.config["RETAGUARDA"]
    return render(
        _client_file("taskpane.html"),
        xlwings_js_url=settings.xlwings_js_url or XLWINGS_JS_URL,
    )


@clients.get("/<name>")
def static_file(name: str) -> Response:
    if name not in _STATIC:
        return Response("arquivo não encontrado", status=404, mimetype="text/plain")
    return Response(_client_file(name), mimetype=_STATIC[name])


@cache
def _client_file(name: str) -> str:
    return files("retaguarda.addin").joinpath("clients", name).read_text(encoding="utf-8")
