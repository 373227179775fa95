"""`POST /webhooks/google-sheets/actions`: a button of the Apps Script menu (Conciliar) runs
an add-in macro on the spreadsheet it sits in, through the Google Sheets adapter.

The request is signed as the webhooks are (`sync.webhooks`: the source's own secret, the
same headers, the same five-minute window) and names the spreadsheet and the action,
`{"spreadsheetId", "action": "reconcile"}`. The account is not sent: the macro takes it from
the "Conta contábil" cell of the Conciliação sheet, or from the chart when it has a single
bank account, and asks for the cell otherwise, exactly as in Excel.

It runs inside the request, not on the sync queue. The queue's jobs are syncs, debounced,
retried and coalesced per source; a reconciliation is none of those: a person is waiting for
one answer, and a retry minutes later would rewrite a sheet they may be editing. It is kept
bounded instead: the spreadsheet is read in one values:batchGet and refused (413) when its
filled cells pass `max_workbook_cells`, the limit the Excel add-in's requests have for the
same macros (its grid is checked first, so a huge sheet is never downloaded); the work runs on
a thread of its own and the request waits at most the `action_timeout` setting (well inside
Apps Script's own limit on a fetch) before answering 504. A reconciliation given up on never
writes: its one batchUpdate is sent only if the request is still waiting for it, decided under
a lock, so the answer and the sheet always agree. One reconciliation per spreadsheet at a time
(409 for a second click while the first runs). A captured request replayed within the window
only runs the same reconciliation again, which reads the sheet's decisions back and loses none.

The answer is JSON with `message`, a sentence in Portuguese that the script shows as it is:
the summary of what was written, or why nothing was (no "Extrato bancário" sheet, the account
to choose). Refusals are `{"error"}` with their status, as for the webhooks.

The blueprint is one of the service's signed ones (`auth.HEADER_AUTHENTICATED`: no CSRF token,
no login) and answers store failures with 503 as the webhooks do.
"""

from __future__ import annotations

import hmac
import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import gspread
import requests
from flask import Blueprint, Response, current_app, jsonify, request
from flask.blueprints import BlueprintSetupState
from google.auth.exceptions import GoogleAuthError
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.exc import SQLAlchemyError

from retaguarda.addin.macros import reconcile
from retaguarda.addin.port import Capabilities, SheetValues
from retaguarda.addin.reconcile.bank import Reconciliation
from retaguarda.addin.reconcile.sheet import SHEET as CONCILIATION_SHEET
from retaguarda.sync.extensions import clock, store
from retaguarda.sync.google_api import gspread_client
from retaguarda.sync.google_source import GoogleError, Retry, google_error_message
from retaguarda.sync.google_workbook import CAPABILITIES, GoogleWorkbook
from retaguarda.sync.settings import Settings
from retaguarda.sync.sources import GOOGLE
from retaguarda.sync.store.database import StoreError
from retaguarda.sync.webhooks import (
    Refused,
    check_fresh,
    signature,
    signed_body,
    store_down,
)
from retaguarda.templates.model import OWN_SHEETS
from retaguarda.validators.issues import sheet_reference

logger = logging.getLogger(__name__)

PATH = "/webhooks/google-sheets/actions"
#: the largest request body: a spreadsheet id and an action name
MAX_BODY = 4096
#: the grid (rows × columns of every sheet read) may be this many times `max_workbook_cells`
#: before the values are even asked for; Google's grids are mostly empty
GRID_FACTOR = 10
#: the Conciliação sheet read back may hold this many times `max_workbook_cells`
CONCILIATION_FACTOR = 2
#: a Google sheet shows the macro's message box as the script's answer
ACTION_CAPABILITIES = Capabilities(
    notes=CAPABILITIES.notes, hidden_sheets=CAPABILITIES.hidden_sheets, alerts=True
)
_EXTENSION = "retaguarda_actions"


class Action(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    spreadsheetId: str = Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_-]+$")
    action: Literal["reconcile"]


@dataclass
class _Shared:
    """Per app: the Google client (made on first use) and the spreadsheets being worked on."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    busy: set[str] = field(default_factory=set)
    client: gspread.Client | None = None


actions = Blueprint("actions", __name__)
actions.register_error_handler(StoreError, store_down)
actions.register_error_handler(SQLAlchemyError, store_down)


@actions.record_once
def _shared(state: BlueprintSetupState) -> None:
    state.app.extensions[_EXTENSION] = _Shared()


@actions.post(PATH)
def google_sheets_action() -> tuple[Response, int]:
    try:
        return jsonify({"message": _run_action()}), 200
    except Refused as refused:
        logger.warning(
            "ação recusada (%s) de %s: %s", refused.status, request.remote_addr, refused.message
        )
        return jsonify({"error": refused.message}), refused.status


def _run_action() -> str:
    settings = current_app.config["RETAGUARDA"]
    body, stamp, signed = signed_body(MAX_BODY)
    action = _action(body)
    now = clock()
    try:
        _source, secrets = store().webhook_secrets(GOOGLE, action.spreadsheetId, at=now)
    except LookupError:
        raise Refused(404, f"planilha não cadastrada como fonte: {action.spreadsheetId}") from None
    if not any(hmac.compare_digest(signed, signature(s, stamp, body)) for s in secrets):
        raise Refused(401, "assinatura inválida (confira o segredo da fonte no script).")
    check_fresh(stamp, now, settings.webhook_tolerance)
    if settings.google_credentials is None:
        raise Refused(503, "o serviço não tem a chave da conta de serviço do Google.")
    shared: _Shared = current_app.extensions[_EXTENSION]
    timeout = settings.action_timeout
    client = _client(shared, settings, timeout)
    with shared.lock:
        if action.spreadsheetId in shared.busy:
            raise Refused(409, "uma conciliação desta planilha já está em andamento; aguarde.")
        shared.busy.add(action.spreadsheetId)
    run = _Run(
        client=client,
        spreadsheet_id=action.spreadsheetId,
        max_cells=settings.max_workbook_cells,
    )
    worker = threading.Thread(
        target=run.work, args=(shared,), name=f"conciliar {action.spreadsheetId}", daemon=True
    )
    worker.start()
    if not run.done.wait(timeout) and run.abandon():
        raise Refused(
            504,
            f"a conciliação passou de {timeout:g} segundos e foi interrompida sem alterar a "
            "planilha; tente de novo mais tarde ou concilie pelo Excel ou pela linha de "
            "comando (retaguarda reconcile bank).",
        )
    run.done.wait()  # it is writing its one batchUpdate, bounded by the client's timeout
    if run.refused is not None:
        raise run.refused
    return run.message


def _action(body: bytes) -> Action:
    try:
        return Action.model_validate_json(body)
    except ValidationError as error:
        where = error.errors()[0]
        if where["type"] == "json_invalid" or not where["loc"]:
            raise Refused(400, "o corpo do pedido não é um objeto JSON.") from None
        if where["loc"][0] == "action":
            raise Refused(400, "ação desconhecida: a única que existe é “reconcile”.") from None
        raise Refused(400, "spreadsheetId ausente ou inválido.") from None


def _client(shared: _Shared, settings: Settings, timeout: float) -> gspread.Client:
    with shared.lock:
        if shared.client is None:
            try:
                shared.client = gspread_client(settings.google_credentials, settings.google_api_url)
            except (OSError, ValueError, KeyError) as error:
                raise Refused(
                    503, f"a chave da conta de serviço não pôde ser lida: {error}"
                ) from None
            shared.client.http_client.set_timeout(timeout)
        return shared.client


@dataclass
class _Run:
    """One reconciliation on its own thread. `state` goes from "running" either to "writing"
    (the worker's, just before its batchUpdate) or to "abandoned" (the request's, when it
    stops waiting): whichever comes first wins, under `lock`."""

    client: gspread.Client
    spreadsheet_id: str
    max_cells: int
    lock: threading.Lock = field(default_factory=threading.Lock)
    state: str = "running"
    done: threading.Event = field(default_factory=threading.Event)
    message: str = ""
    refused: Refused | None = None

    def abandon(self) -> bool:
        with self.lock:
            if self.state == "running":
                self.state = "abandoned"
                return True
            return False

    def may_write(self) -> bool:
        with self.lock:
            if self.state == "abandoned":
                return False
            self.state = "writing"
            return True

    def work(self, shared: _Shared) -> None:
        try:
            self.message = self._reconcile()
        except Refused as refused:
            self.refused = refused
        except gspread.exceptions.APIError as error:
            self.refused = Refused(502, google_error_message(error, self.spreadsheet_id))
        except (GoogleError, GoogleAuthError, requests.RequestException) as error:
            self.refused = Refused(502, f"o Google não respondeu como devia: {error}")
        except Exception:
            logger.exception("conciliação de %s falhou", self.spreadsheet_id)
            self.refused = Refused(500, "erro interno ao conciliar; o administrador foi avisado.")
        finally:
            with shared.lock:
                shared.busy.discard(self.spreadsheet_id)
            self.done.set()

    def _reconcile(self) -> str:
        http = self.client.http_client
        retry = Retry(attempts=2, base=0.5, cap=1.0)
        meta = retry.call(
            "metadados",
            lambda: http.fetch_sheet_metadata(
                self.spreadsheet_id, params={"fields": "sheets(properties)"}
            ),
        )
        properties = [s["properties"] for s in meta.get("sheets", [])]
        values = self._values(http, retry, properties)
        port = ReconcilePort(http, self.spreadsheet_id, properties, retry.call, values=values)
        result = reconcile(port)
        if not self.may_write():
            return ""
        port.flush()
        if result is None:
            return " ".join(port.told)
        return done_message(result)

    def _values(
        self, http: gspread.HTTPClient, retry: Retry, properties: Sequence[Mapping[str, Any]]
    ) -> dict[str, list[list[Any]]]:
        """Every sheet the macro reads (the templates' and the Conciliação sheet with the
        decisions), in one values:batchGet, within the size limit."""
        titles = [
            p["title"]
            for p in properties
            if p["title"] not in OWN_SHEETS or p["title"] == CONCILIATION_SHEET
        ]
        grid = sum(
            p.get("gridProperties", {}).get("rowCount", 0)
            * p.get("gridProperties", {}).get("columnCount", 0)
            for p in properties
            if p["title"] in titles
        )
        if grid > GRID_FACTOR * self.max_cells:
            raise Refused(413, _too_big(f"{grid} células na grade", GRID_FACTOR * self.max_cells))
        answer = retry.call(
            "valores",
            lambda: http.values_batch_get(
                self.spreadsheet_id,
                [sheet_reference(t, always_quote=True) for t in titles],
                params={
                    "valueRenderOption": "UNFORMATTED_VALUE",
                    "dateTimeRenderOption": "SERIAL_NUMBER",
                    "majorDimension": "ROWS",
                },
            ),
        )
        found = [r.get("values", []) for r in answer.get("valueRanges", [])]
        values = dict(zip(titles, found, strict=False))
        # the Conciliação sheet is counted apart: a rerun reads back what the last run wrote,
        # 1.2 cells for each cell of the templates (20,000 lines a side: 260,000 for 220,000)
        cells = sum(len(row) for t, rows in values.items() for row in rows if t in OWN_SHEETS)
        if cells > CONCILIATION_FACTOR * self.max_cells:
            found = f"{cells} células na aba Conciliação"
            raise Refused(413, _too_big(found, CONCILIATION_FACTOR * self.max_cells))
        cells = sum(len(row) for t, rows in values.items() for row in rows if t not in OWN_SHEETS)
        if cells > self.max_cells:
            raise Refused(413, _too_big(f"{cells} células preenchidas", self.max_cells))
        return values


def _too_big(found: str, limit: int) -> str:
    return (
        f"planilha grande demais para conciliar pelo serviço ({found}; limite {limit}). "
        "Apague linhas e abas que não são usadas, ou concilie pelo Excel ou pela linha de "
        "comando (retaguarda reconcile bank)."
    )


class ReconcilePort(GoogleWorkbook):
    """The Google adapter with the spreadsheet's values read beforehand (one request instead
    of one per sheet), and a message box that is the script's answer."""

    capabilities = ACTION_CAPABILITIES

    def __init__(
        self, *args: Any, values: Mapping[str, Sequence[Sequence[Any]]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.values = values
        self.told: list[str] = []

    def read(self, sheet: str) -> SheetValues:
        rows = self.values.get(sheet, [])
        width = max((len(r) for r in rows), default=0)
        return SheetValues([[*r, *[""] * (width - len(r))] for r in rows])

    def alert(self, message: str, title: str) -> None:
        self.told.append(message)


def done_message(result: Reconciliation) -> str:
    s = result.summary
    return (
        f"Conciliação da conta {result.account} pronta na aba “Conciliação”: {s.matches} "
        f"par(es) ({s.suggested} sugerido(s), {s.confirmed} confirmado(s)), "
        f"{s.unmatched_statement_count} linha(s) do extrato e {s.unmatched_ledger_count} do "
        "razão sem par."
    )
