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
event is committed to the store: durable before the answer. The lookup of the source and its
events are one transaction; then the queue is told (one waiting sync job per source), and an
event it never hears of is found in the store by the queue's recovery. An `eventId` the source
already sent is answered as accepted again and not stored twice, so the script's retries are
harmless. Events are hints: the sync re-reads the spreadsheet itself.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import UTC, datetime
from typing import Annotated

from flask import Blueprint, Response, current_app, jsonify, request
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from sqlalchemy.exc import SQLAlchemyError

from retaguarda.addin.marks import visible
from retaguarda.sync.extensions import clock, notify, store
from retaguarda.sync.settings import Settings
from retaguarda.sync.sources import GOOGLE
from retaguarda.sync.store.database import StoreError

logger = logging.getLogger(__name__)

webhooks = Blueprint("webhooks", __name__, url_prefix="/webhooks")

SIGNATURE_HEADER = "X-Retaguarda-Signature"
TIMESTAMP_HEADER = "X-Retaguarda-Timestamp"
#: the most events one request may carry (a minute of a busy sheet's edits fits many times)
MAX_EVENTS = 1000
#: seconds a client should wait before sending again when the store is down
RETRY_AFTER = 30

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


@webhooks.post("/google-sheets")
def google_sheets() -> tuple[Response, int]:
    settings = current_app.config["RETAGUARDA"]
    body, stamp, signed = signed_body(settings.max_webhook_bytes)
    sent = _events(body)
    if any(event.spreadsheetId != sent[0].spreadsheetId for event in sent):
        raise Refused(400, "os eventos de um pedido devem ser todos da mesma planilha.")
    now = clock()
    source_id, accepted, repeated = store().retrying(
        lambda: _take(sent, stamp, signed, body, now, settings)
    )
    if accepted:
        notify(source_id)
    return jsonify({"accepted": accepted, "repeated": repeated}), 202


def _take(
    sent: list[SheetEvent], stamp: str, signed: str, body: bytes, now: datetime, settings: Settings
) -> tuple[int, list[str], list[str]]:
    """Inside one transaction: the source's secrets, the signature, the events; the source's
    id and the events accepted and repeated. A refusal raised here rolls it back.

    The sync job is asked for after the commit, not in this transaction: a job seen waiting
    here could be taken by a worker before this commit, and its sync would start without
    these events; asked after, any job found waiting starts its sync after they are in."""
    spreadsheet = sent[0].spreadsheetId
    try:
        source_id, secrets = store().webhook_secrets(GOOGLE, spreadsheet, at=now)
    except LookupError:
        raise Refused(404, f"planilha não cadastrada como fonte: {spreadsheet}") from None
    if not any(hmac.compare_digest(signed, signature(s, stamp, body)) for s in secrets):
        raise Refused(401, "assinatura inválida (confira o segredo da fonte no script).")
    check_fresh(stamp, now, settings.webhook_tolerance)
    accepted, repeated = [], []
    for event in sent:
        new = store().record_event(
            source_id,
            event_id=event.eventId,
            sheet=event.sheet,
            range_=event.range,
            at=None if event.at is None else _utc(event.at),
            received_at=now,
        )
        (accepted if new is not None else repeated).append(event.eventId)
    return source_id, accepted, repeated


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
