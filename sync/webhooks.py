"""`POST /webhooks/google-sheets`: a sheet was edited; the service is told, signed.

The Apps Script of each spreadsheet (addin/clients/google/) signs what it sends with its
source's own secret: `X-Retaguarda-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "."
+ raw body)>` beside `X-Retaguarda-Timestamp` (Unix seconds). The body is one event,
`{"spreadsheetId", "sheet", "range", "eventId", "at"}`, or a list of them (the script sends
what it queued in the last minute as one request), all of one spreadsheet.

The answers, in the order they are decided: 413 for a body over the limit (before it is read),
401 without the two headers, 400 for a body that is not such an event, 404 for a spreadsheet
that is no active source, 401 for a wrong signature or a timestamp more than
`webhook_tolerance` seconds away (a captured request cannot be replayed later), 503 when the
store cannot be written (the script keeps the events and sends them again), and 202 once every
event is committed to the store: durable before the answer. The lookup of the sources and the
insert of their events are shared by the requests that arrive while the previous ones commit
(`sync.intake`: a commit per request was most of a webhook's cost), and on PostgreSQL are two
statements sent through psycopg directly, the insert a transaction of its own; then the queue
is told, once per source (one waiting sync job per source), and an event it never hears of is
found in the store by the queue's recovery. An `eventId` the source already sent is answered
as accepted again and not stored twice, so the script's retries are harmless. Events are
hints: the sync re-reads the spreadsheet itself.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from sqlalchemy.exc import SQLAlchemyError

from retaguarda.addin.marks import visible
from retaguarda.sync.extensions import Shared, clock
from retaguarda.sync.intake import GroupCommit
from retaguarda.sync.sources import GOOGLE
from retaguarda.sync.store.database import Store, StoreError
from retaguarda.sync.store.operations import WebhookKeys

logger = logging.getLogger(__name__)

webhooks = Blueprint("webhooks", __name__, url_prefix="/webhooks")

SIGNATURE_HEADER = "X-Retaguarda-Signature"
TIMESTAMP_HEADER = "X-Retaguarda-Timestamp"
#: the most events one request may carry (a minute of a busy sheet's edits fits many times)
MAX_EVENTS = 1000
#: seconds a client should wait before sending again when the store is down
RETRY_AFTER = 30
#: where the app keeps its group commit of webhooks (`intake`)
INTAKE = "retaguarda_intake"

#: PostgreSQL refuses a NUL byte in text: such an event is a bad request, not a store failure
_NO_NUL = r"^[^\x00]*$"
Text = Annotated[str, Field(min_length=1, max_length=500, pattern=_NO_NUL)]


class SheetEvent(BaseModel):
    """One edit of a spreadsheet, as the Apps Script reports it."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    spreadsheetId: Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_-]+$")]
    sheet: Annotated[str, Field(max_length=500, pattern=_NO_NUL)] = ""
    range: Annotated[str, Field(max_length=500, pattern=_NO_NUL)] = ""
    eventId: Text
    at: datetime | None = None


_EVENTS = TypeAdapter(SheetEvent | Annotated[list[SheetEvent], Field(min_length=1)])


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The `X-Retaguarda-Signature` value for `body` sent at `timestamp` (Unix seconds, as
    the header has it)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


class Refused(Exception):
    """A webhook the service does not take; `status` and a sentence in Portuguese."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Delivery:
    """One request's events as they came, signed: what the committer checks and stores."""

    sent: list[SheetEvent]
    stamp: str
    signed: str
    body: bytes
    now: datetime
    tolerance: int

    @property
    def spreadsheet(self) -> str:
        return self.sent[0].spreadsheetId


@dataclass(frozen=True)
class Taken:
    """A delivery committed: its source and its events taken now and sent before."""

    source_id: int
    accepted: list[str]
    repeated: list[str]


@webhooks.post("/google-sheets")
def google_sheets() -> tuple[Response, int]:
    settings = current_app.config["RETAGUARDA"]
    body, stamp, signed = signed_body(settings.max_webhook_bytes)
    sent = _events(body)
    if any(event.spreadsheetId != sent[0].spreadsheetId for event in sent):
        raise Refused(400, "os eventos de um pedido devem ser todos da mesma planilha.")
    delivery = Delivery(sent, stamp, signed, body, clock(), settings.webhook_tolerance)
    taken = current_app.extensions[INTAKE].submit(delivery)
    return jsonify({"accepted": taken.accepted, "repeated": taken.repeated}), 202


def intake(shared: Shared) -> GroupCommit[Delivery, Taken]:
    """The app's group commit of webhooks (`sync.intake`): the deliveries that arrive while
    one transaction commits are checked and stored together in the next."""
    return GroupCommit(lambda deliveries: take(shared, deliveries))


def take(shared: Shared, deliveries: list[Delivery]) -> list[Any]:
    """Check and store `deliveries` together, then ring the queue once per source with new
    events; each delivery's `Taken`, or its refusal.

    A sync job already waiting for the source is held by the transaction that commits the
    events (a worker cannot take it before they are in, `hold_waiting_job`), and covers
    them: the queue is rung only for a source with none waiting, after the commit. Asked for
    inside the transaction, a new job could be taken by a worker before the commit, and its
    sync would start without these events; asked after, any job found waiting starts after
    they are in."""
    store = shared.store()
    outcomes, covered = store.retrying(lambda: _take(store, deliveries), transaction=False)
    rung: dict[int, BaseException | None] = dict.fromkeys(covered)
    for outcome in outcomes:
        if isinstance(outcome, Taken) and outcome.accepted and outcome.source_id not in rung:
            try:
                shared.notify(outcome.source_id)
                rung[outcome.source_id] = None
            except Exception as error:  # as when each request rang: its requests are told
                rung[outcome.source_id] = error
    return [_rung(outcome, rung) for outcome in outcomes]


def _rung(outcome: Taken | BaseException, rung: dict[int, BaseException | None]) -> object:
    """The delivery's outcome, or the queue's failure for one whose events rang it."""
    if isinstance(outcome, Taken) and outcome.accepted:
        return rung[outcome.source_id] or outcome
    return outcome


def _take(store: Store, deliveries: list[Delivery]) -> tuple[list[Taken | BaseException], set[int]]:
    """The sources' keys, the signatures, the events: each delivery's outcome, and the
    sources with new events whose waiting job was held while they were committed. Two
    statements on PostgreSQL, each its own transaction: the keys' lookup, then the events'
    insert with the hold (`Store.record_events`). A refused delivery stores nothing; the
    others' events go in together, and an eventId sent twice (by one request or two) is
    accepted the first time only."""
    spreadsheets = dict.fromkeys(delivery.spreadsheet for delivery in deliveries)
    keys = store.webhook_keys(GOOGLE, spreadsheets)
    checked = [_check(delivery, keys.get(delivery.spreadsheet)) for delivery in deliveries]
    rows: dict[tuple[int, str], dict[str, object]] = {}
    for delivery, source_id in zip(deliveries, checked, strict=True):
        if isinstance(source_id, Refused):
            continue
        for event in delivery.sent:
            rows.setdefault(
                (source_id, event.eventId),
                {
                    "source_id": source_id,
                    "event_id": event.eventId,
                    "sheet": event.sheet,
                    "range": event.range,
                    "at": None if event.at is None else _utc(event.at),
                    "received_at": delivery.now,
                },
            )
    stored, held = store.record_events(list(rows.values()))
    outcomes: list[Taken | BaseException] = []
    for delivery, source_id in zip(deliveries, checked, strict=True):
        if isinstance(source_id, Refused):
            outcomes.append(source_id)
            continue
        accepted, repeated = [], []
        for event in delivery.sent:
            key = (source_id, event.eventId)
            (accepted if key in stored else repeated).append(event.eventId)
            stored.discard(key)
        outcomes.append(Taken(source_id, accepted, repeated))
    return outcomes, held


def _check(delivery: Delivery, keys: WebhookKeys | None) -> int | Refused:
    """The delivery's source id, or why it is refused: 404 for a spreadsheet that is no
    active source, 401 for a wrong signature or a stale timestamp."""
    if keys is None:
        return Refused(404, f"planilha não cadastrada como fonte: {delivery.spreadsheet}")
    stamp, body = delivery.stamp, delivery.body
    valid = keys.valid(delivery.now)
    if not any(hmac.compare_digest(delivery.signed, signature(s, stamp, body)) for s in valid):
        return Refused(401, "assinatura inválida (confira o segredo da fonte no script).")
    try:
        check_fresh(stamp, delivery.now, delivery.tolerance)
    except Refused as refused:
        return refused
    return keys.source_id


class FastPath:
    """The WSGI app in front of Flask's that answers a webhook the service takes (202)
    itself: at a thousand webhooks a second, Flask's request context, routing and hooks cost
    as much CPU as the webhook's own work. Everything else goes to Flask, the same request:
    other routes, and any webhook this path does not take (a refusal, a body without a
    length, the store failing), which Flask then checks and answers from the start, logging
    as it does. A webhook whose events were committed before something failed is then found
    repeated there, and answered 202 as any retry of it would be."""

    def __init__(self, app: Flask, flask: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.flask = flask
        self.path = f"{webhooks.url_prefix}/google-sheets"

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("PATH_INFO") != self.path or environ.get("REQUEST_METHOD") != "POST":
            return self.flask(environ, start_response)
        taken = self._take(environ)
        if taken is None:
            return self.flask(environ, start_response)
        answer = {"accepted": taken.accepted, "repeated": taken.repeated}
        body = json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode()
        start_response(
            "202 ACCEPTED",
            [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
        )
        return [body]

    def _take(self, environ: dict[str, Any]) -> Taken | None:
        """The webhook's events committed, or None for Flask to answer it."""
        settings = self.app.config["RETAGUARDA"]
        length = environ.get("CONTENT_LENGTH", "")
        if not length.isdigit() or int(length) > settings.max_webhook_bytes:
            return None
        body = environ["wsgi.input"].read(int(length))
        environ["wsgi.input"] = io.BytesIO(body)  # for Flask, should it answer instead
        stamp = environ.get("HTTP_X_RETAGUARDA_TIMESTAMP", "")
        signed = environ.get("HTTP_X_RETAGUARDA_SIGNATURE", "")
        if not stamp or not signed:
            return None
        try:
            sent = _events(body)
        except Refused:
            return None
        if any(event.spreadsheetId != sent[0].spreadsheetId for event in sent):
            return None
        shared: Shared = self.app.extensions["retaguarda"]
        delivery = Delivery(sent, stamp, signed, body, shared.clock(), settings.webhook_tolerance)
        try:
            taken: Taken = self.app.extensions[INTAKE].submit(delivery)
        except Exception:
            return None
        return taken


def _events(body: bytes) -> list[SheetEvent]:
    try:
        parsed = _EVENTS.validate_json(body)
    except ValidationError as error:
        where = error.errors()[0]
        place = ".".join(map(str, where["loc"])) or "corpo"
        raise Refused(400, f"evento inválido ({visible(place)}: {where['msg']}).") from None
    sent = parsed if isinstance(parsed, list) else [parsed]
    if len(sent) > MAX_EVENTS:
        raise Refused(413, f"mais de {MAX_EVENTS} eventos num só pedido.")
    return sent


def signed_body(limit: int) -> tuple[bytes, str, str]:
    """The request's body, read only up to `limit` bytes (413 past it, before reading more),
    and its timestamp and signature headers (401 without them); checked by the caller."""
    if request.content_length is not None and request.content_length > limit:
        raise Refused(413, f"corpo maior que o limite de {limit} bytes.")
    body = request.stream.read(limit + 1)
    if len(body) > limit:
        raise Refused(413, f"corpo maior que o limite de {limit} bytes.")
    stamp = request.headers.get(TIMESTAMP_HEADER, "")
    signed = request.headers.get(SIGNATURE_HEADER, "")
    if not stamp or not signed:
        raise Refused(401, f"faltam os cabeçalhos {TIMESTAMP_HEADER} e {SIGNATURE_HEADER}.")
    return body, stamp, signed


def check_fresh(stamp: str, now: datetime, tolerance: int) -> None:
    try:
        sent_at = int(stamp)
    except ValueError:
        raise Refused(401, f"{TIMESTAMP_HEADER} deve ser um número de segundos.") from None
    if abs(now.timestamp() - sent_at) > tolerance:
        raise Refused(
            401,
            f"{TIMESTAMP_HEADER} fora da janela de {tolerance} segundos (relógio ou repetição).",
        )


@webhooks.errorhandler(Refused)
def _refused(error: Refused) -> tuple[Response, int]:
    logger.warning(
        "webhook recusado (%s) de %s: %s", error.status, request.remote_addr, error.message
    )
    return jsonify({"error": error.message}), error.status


@webhooks.errorhandler(StoreError)
@webhooks.errorhandler(SQLAlchemyError)
def store_down(error: Exception) -> tuple[Response, int, dict[str, str]]:
    logger.error("webhook não gravado: banco indisponível: %s", error)
    message = "banco de dados indisponível; envie de novo em instantes."
    return jsonify({"error": message}), 503, {"Retry-After": str(RETRY_AFTER)}


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
