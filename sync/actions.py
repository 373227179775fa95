"""`POST /webhooks/google-sheets/actions`: a button of the Apps Script menu (Conciliar,
Relatórios, Calcular folha) runs an add-in macro on the spreadsheet it sits in, through the
Google Sheets adapter.

The request is signed as the webhooks are (`sync.webhooks`: the source's own secret, the
same headers, the same five-minute window) and names the spreadsheet and the action,
`{"spreadsheetId", "action"}`, one of `MACROS`: "reconcile" (`macros.reconcile`), "reports"
(`macros.reports`) or "payroll" (`macros.payroll`). Nothing else is sent: each macro finds
what it needs in the spreadsheet, exactly as in Excel (Conciliar takes the account from the
"Conta contábil" cell of the Conciliação sheet, or from the chart when it has a single bank
account, and asks for the cell otherwise; Relatórios reports the months of the entries, up to
the company's today).

A macro runs inside the request, not on the sync queue. The queue's jobs are syncs, debounced,
retried and coalesced per source; a macro is none of those: a person is waiting for one
answer, and a retry minutes later would rewrite a sheet they may be editing. It is kept
bounded instead: the spreadsheet is read in one values:batchGet and refused (413) when its
filled cells pass `max_workbook_cells`, the limit the Excel add-in's requests have for the
same macros (its grid is checked first, so a huge sheet is never downloaded); the work runs on
a thread of its own and the request waits at most the `action_timeout` setting (well inside
Apps Script's own limit on a fetch) before answering 504. A macro given up on never writes:
its one batchUpdate is sent only if the request is still waiting for it, decided under a lock,
so the answer and the sheet always agree. One macro per spreadsheet at a time, whichever it is
(409 for a second click while the first runs: two would write the same sheets and marks). A
captured request replayed within the window only runs the same macro again, which rewrites
its own sheets and reads back what the user decided there (Conciliação's decisions, the marks
it made); the folha cells it filled are then the user's typed values, and agree.

The answer is JSON with `message`, a sentence in Portuguese that the script shows as it is:
the summary of what was written, or why nothing was (no "Extrato bancário" sheet, the account
to choose, no folha). Refusals are `{"error"}` with their status, as for the webhooks.

The blueprint is one of the service's signed ones (`auth.HEADER_AUTHENTICATED`: no CSRF token,
no login) and answers store failures with 503 as the webhooks do.
"""

from __future__ import annotations

import hmac
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import gspread
import requests
from flask import Blueprint, Response, current_app, jsonify, request
from flask.blueprints import BlueprintSetupState
from google.auth.exceptions import GoogleAuthError
from openpyxl.utils.cell import get_column_letter
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.exc import SQLAlchemyError

from retaguarda.addin import macros
from retaguarda.addin.payroll_sheet import MEMORY_SHEET, PayrollRun
from retaguarda.addin.port import Capabilities, SheetValues
from retaguarda.addin.reconcile.bank import Reconciliation
from retaguarda.addin.reconcile.sheet import SHEET as CONCILIATION_SHEET
from retaguarda.addin.reports.display import period_text
from retaguarda.addin.reports.model import Report
from retaguarda.addin.reports.workbook import SHEETS as REPORT_SHEETS
from retaguarda.sync.auth import BRASILIA
from retaguarda.sync.extensions import clock, store
from retaguarda.sync.google_api import gspread_client
from retaguarda.sync.google_source import GoogleError, Retry, google_error_message
from retaguarda.sync.google_workbook import CAPABILITIES, GoogleWorkbook
from retaguarda.sync.heavy import heavy
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
from retaguarda.templates.model import MARKS_SHEET, OWN_SHEETS
from retaguarda.validators.issues import sheet_reference

logger = logging.getLogger(__name__)

PATH = "/webhooks/google-sheets/actions"
#: the largest request body: a spreadsheet id and an action name
MAX_BODY = 4096
#: the grid (rows × columns of every sheet read) may be this many times `max_workbook_cells`
#: before the values are even asked for; Google's grids are mostly empty
GRID_FACTOR = 10
#: a sheet of the add-in's own that a macro reads back (the Conciliação sheet with the
#: decisions, the record of the marks) may hold this many times `max_workbook_cells`
READ_BACK_FACTOR = 2
#: every sheet the macros write: none is data, and none is read unless a macro reads it back
#: (the Memória de cálculo is not among `OWN_SHEETS`, so read as data, it would count against
#: the limit: five times the folha's cells)
WRITTEN_SHEETS = OWN_SHEETS | {MEMORY_SHEET}
#: a Google sheet shows the macro's message box as the script's answer
ACTION_CAPABILITIES = Capabilities(
    notes=CAPABILITIES.notes, hidden_sheets=CAPABILITIES.hidden_sheets, alerts=True
)
_EXTENSION = "retaguarda_actions"


class ActionPort(GoogleWorkbook):
    """The Google adapter with the spreadsheet's values read beforehand (one request instead
    of one per sheet), and a message box that is the script's answer. A sheet not read
    beforehand (the add-in's own that the macro does not read back) reads as empty."""

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

    def has_note(self, sheet: str, cell: str) -> bool:
        """Whether `cell` has a note; the first ask about a sheet reads the notes of all its
        filled cells at once, so that marking a hundred cells costs one read, not a hundred."""
        rows = self.values.get(sheet)
        if rows and not self._known(sheet, cell):
            corner = f"{get_column_letter(max(1, *map(len, rows)))}{len(rows)}"
            self._note_cells += [(sheet, "A1"), (sheet, corner)]
        return super().has_note(sheet, cell)

    def alert(self, message: str, title: str) -> None:
        self.told.append(message)


@dataclass(frozen=True)
class Macro:
    """One action of the menu: the macro run on the port (given the company's today; it
    answers the sentence for the user, "" when the macro told the user itself), the add-in's
    own sheets it reads back, and the words that name it in a refusal."""

    run: Callable[[ActionPort, date], str]
    #: "uma conciliação" (…desta planilha já está em andamento)
    one: str
    #: "a conciliação" (…passou de 25 segundos)
    the: str
    #: "conciliar" (grande demais para…; erro interno ao…)
    verb: str
    #: what to do instead when the service cannot: "concilie pelo Excel ou …"
    elsewhere: str
    #: the agreement of "interrompida" with `the`
    interrupted: str = "interrompida"
    reads_back: tuple[str, ...] = ()


def reconciled_message(result: Reconciliation) -> str:
    s = result.summary
    return (
        f"Conciliação da conta {result.account} pronta na aba “Conciliação”: {s.matches} "
        f"par(es) ({s.suggested} sugerido(s), {s.confirmed} confirmado(s)), "
        f"{s.unmatched_statement_count} linha(s) do extrato e {s.unmatched_ledger_count} do "
        "razão sem par."
    )


def reports_message(made: Sequence[Report]) -> str:
    sheets = ", ".join(f"“{REPORT_SHEETS[r.kind]}”" for r in made)
    return f"Relatórios de {period_text(made[0].period)} prontos nas abas {sheets}."


def payroll_message(run: PayrollRun) -> str:
    months = ", ".join(sorted({f"{r.computed.employee.competencia:%m/%Y}" for r in run.rows}))
    message = (
        f"Folha calculada ({months}): {len(run.rows)} empregado(s), {run.filled} célula(s) "
        f"vazia(s) de INSS, IRRF, FGTS e Líquido preenchida(s), {len(run.differences)} "
        "valor(es) digitado(s) diferente(s) do cálculo, marcado(s) em vermelho."
    )
    if run.skipped:
        message += f" {len(run.skipped)} linha(s) sem o que o cálculo precisa, não calculada(s)."
    return f"{message} A conta está na aba “{MEMORY_SHEET}”."


def _reconcile(port: ActionPort, today: date) -> str:
    result = macros.reconcile(port)
    return "" if result is None else reconciled_message(result)


def _reports(port: ActionPort, today: date) -> str:
    made = macros.reports(port, today)
    return reports_message(made) if made else ""


def _payroll(port: ActionPort, today: date) -> str:
    run = macros.payroll(port)
    return "" if run is None else payroll_message(run)


#: the actions the menu posts, by the request's name
MACROS = {
    "reconcile": Macro(
        _reconcile,
        one="uma conciliação",
        the="a conciliação",
        verb="conciliar",
        elsewhere="concilie pelo Excel ou pela linha de comando (retaguarda reconcile bank)",
        reads_back=(CONCILIATION_SHEET,),
    ),
    "reports": Macro(
        _reports,
        one="uma geração de relatórios",
        the="a geração dos relatórios",
        verb="gerar os relatórios",
        elsewhere="gere-os pelo Excel ou pela linha de comando (retaguarda report)",
    ),
    "payroll": Macro(
        _payroll,
        one="um cálculo da folha",
        the="o cálculo da folha",
        interrupted="interrompido",
        verb="calcular a folha",
        elsewhere="calcule-a pelo Excel ou pela linha de comando (retaguarda payroll)",
        reads_back=(MARKS_SHEET,),
    ),
}


class Action(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    spreadsheetId: str = Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_-]+$")
    action: str = Field(max_length=40)


@dataclass
class _Shared:
    """Per app: the Google client (made on first use) and the macro running on each
    spreadsheet being worked on."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    busy: dict[str, Macro] = field(default_factory=dict)
    client: gspread.Client | None = None


actions = Blueprint("actions", __name__)
actions.register_error_handler(StoreError, store_down)
actions.register_error_handler(SQLAlchemyError, store_down)


@actions.record_once
def _shared(state: BlueprintSetupState) -> None:
    state.app.extensions[_EXTENSION] = _Shared()


@actions.post(PATH)
@heavy
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
    action, macro = _action(body)
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
        running = shared.busy.get(action.spreadsheetId)
        if running is not None:
            raise Refused(409, f"{running.one} desta planilha já está em andamento; aguarde.")
        shared.busy[action.spreadsheetId] = macro
    run = _Run(
        macro=macro,
        client=client,
        spreadsheet_id=action.spreadsheetId,
        max_cells=settings.max_workbook_cells,
        today=settings.options(lambda: now.astimezone(BRASILIA).date()).today,
    )
    worker = threading.Thread(
        target=run.work,
        args=(shared,),
        name=f"{action.action} {action.spreadsheetId}",
        daemon=True,
    )
    worker.start()
    if not run.done.wait(timeout) and run.abandon():
        raise Refused(
            504,
            f"{macro.the} passou de {timeout:g} segundos e foi {macro.interrupted} sem alterar a "
            f"planilha; tente de novo mais tarde ou {macro.elsewhere}.",
        )
    run.done.wait()  # it is writing its one batchUpdate, bounded by the client's timeout
    if run.refused is not None:
        raise run.refused
    return run.message


def _action(body: bytes) -> tuple[Action, Macro]:
    try:
        action = Action.model_validate_json(body)
    except ValidationError as error:
        where = error.errors()[0]
        if where["type"] == "json_invalid" or not where["loc"]:
            raise Refused(400, "o corpo do pedido não é um objeto JSON.") from None
        if where["loc"][0] == "action":
            raise Refused(400, _unknown()) from None
        raise Refused(400, "spreadsheetId ausente ou inválido.") from None
    macro = MACROS.get(action.action)
    if macro is None:
        raise Refused(400, _unknown())
    return action, macro


def _unknown() -> str:
    names = [f"“{name}”" for name in MACROS]
    return f"ação desconhecida: as que existem são {', '.join(names[:-1])} e {names[-1]}."


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
    """One macro on its own thread. `state` goes from "running" either to "writing" (the
    worker's, just before its batchUpdate) or to "abandoned" (the request's, when it stops
    waiting): whichever comes first wins, under `lock`."""

    macro: Macro
    client: gspread.Client
    spreadsheet_id: str
    max_cells: int
    today: date
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
            self.message = self._run()
        except Refused as refused:
            self.refused = refused
        except gspread.exceptions.APIError as error:
            self.refused = Refused(502, google_error_message(error, self.spreadsheet_id))
        except (GoogleError, GoogleAuthError, requests.RequestException) as error:
            self.refused = Refused(502, f"o Google não respondeu como devia: {error}")
        except Exception:
            logger.exception("%s de %s falhou", self.macro.verb, self.spreadsheet_id)
            self.refused = Refused(
                500, f"erro interno ao {self.macro.verb}; o administrador foi avisado."
            )
        finally:
            with shared.lock:
                shared.busy.pop(self.spreadsheet_id, None)
            self.done.set()

    def _run(self) -> str:
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
        port = ActionPort(http, self.spreadsheet_id, properties, retry.call, values=values)
        message = self.macro.run(port, self.today)
        if not self.may_write():
            return ""
        port.flush()
        return message or " ".join(port.told)

    def _values(
        self, http: gspread.HTTPClient, retry: Retry, properties: Sequence[Mapping[str, Any]]
    ) -> dict[str, list[list[Any]]]:
        """Every sheet the macro reads (the templates' and the add-in's own it reads back), in
        one values:batchGet, within the size limit."""
        back = self.macro.reads_back
        titles = [
            p["title"] for p in properties if p["title"] not in WRITTEN_SHEETS or p["title"] in back
        ]
        grid = sum(
            p.get("gridProperties", {}).get("rowCount", 0)
            * p.get("gridProperties", {}).get("columnCount", 0)
            for p in properties
            if p["title"] in titles
        )
        if grid > GRID_FACTOR * self.max_cells:
            found = f"{grid} células na grade"
            raise Refused(413, self._too_big(found, GRID_FACTOR * self.max_cells))
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
        # a sheet read back is counted apart: a rerun reads what the last run wrote, 1.2
        # cells of the Conciliação for each cell of the templates (20,000 lines a side:
        # 260,000 for 220,000)
        for title in back:
            cells = sum(len(row) for row in values.get(title, []))
            if cells > READ_BACK_FACTOR * self.max_cells:
                found = f"{cells} células na aba {title}"
                raise Refused(413, self._too_big(found, READ_BACK_FACTOR * self.max_cells))
        cells = sum(len(row) for t, rows in values.items() for row in rows if t not in back)
        if cells > self.max_cells:
            raise Refused(413, self._too_big(f"{cells} células preenchidas", self.max_cells))
        return values

    def _too_big(self, found: str, limit: int) -> str:
        return (
            f"planilha grande demais para {self.macro.verb} pelo serviço ({found}; limite "
            f"{limit}). Apague linhas e abas que não são usadas, ou {self.macro.elsewhere}."
        )
