"""The OAuth token endpoint that service-account keys written by the emulator point at."""

from __future__ import annotations

from flask import Blueprint, Response, request

from retaguarda.sync.emulator.auth import OAuthError
from retaguarda.sync.emulator.web import json_response, state

blueprint = Blueprint("oauth", __name__)


@blueprint.post("/token")
def token() -> Response:
    emulator = state()
    with emulator.lock:
        emulator.request_count["token"] += 1
        try:
            answer = emulator.tokens.exchange(
                request.form.get("grant_type"), request.form.get("assertion")
            )
        except OAuthError as error:
            return json_response(
                {"error": error.error, "error_description": error.description}, 400
            )
    return json_response(answer)
