"""What every route shares: the state, JSON in and out, the bearer check and the quota charge."""

from __future__ import annotations

import json

from flask import Response, current_app, request

from retaguarda.sync.emulator.auth import Grant
from retaguarda.sync.emulator.errors import ApiError, invalid_argument
from retaguarda.sync.emulator.quota import exhausted
from retaguarda.sync.emulator.state import EmulatorState

JSON = "application/json; charset=UTF-8"
#: Google's messages for the failures a test asks for (`EmulatorState.fail_next`)
FAILURES = {
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
}


def state() -> EmulatorState:
    return current_app.extensions["sheets_emulator"]


def json_response(data: object, status: int = 200) -> Response:
    """Compact JSON, non-ASCII kept: Flask's provider sorts keys, too slow for 100k rows."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Response(text, status=status, content_type=JSON)


def body_json() -> dict:
    """The request's JSON object ({} when empty), or Google's 400 for anything else."""
    raw = request.get_data()
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except ValueError as error:
        raise invalid_argument(f"Invalid JSON payload received. {error}.") from error
    if not isinstance(body, dict):
        raise invalid_argument("Invalid JSON payload received. Expected an object.")
    return body


def authorize(api: str, kind: str, method: str) -> Grant:
    """Check the bearer token, count the call, and charge the Sheets quota for Sheets calls."""
    emulator = state()
    grant = emulator.tokens.check(request.headers.get("Authorization"))
    with emulator.lock:
        if api == "sheets" and emulator.failures:
            code = emulator.failures.popleft()
            if code == 429:
                raise exhausted(kind, "per minute per user", grant.project_id)
            raise ApiError(code, FAILURES.get(code, "Internal error encountered."))
        if api == "sheets" and emulator.quota is not None:
            emulator.quota.charge(kind, grant.project_id, grant.client_email)
        emulator.request_count[kind] += 1
        emulator.request_count[method] += 1
    return grant
