"""The JWT-bearer token exchange and the bearer check on every API call."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import requests
from google.auth import crypt, jwt
from google.auth.exceptions import RefreshError
from google.auth.transport.requests import Request

from retaguarda.sync.emulator import create_emulator, serving
from retaguarda.sync.emulator.auth import JWT_BEARER, TOKEN_AUDIENCE, new_key
from retaguarda.sync.google_api import authorized_session, credentials

pytest_plugins = ["emulator_fixtures"]


def assertion(key: dict, **claims: object) -> str:
    now = int(time.time())
    payload = {
        "iss": key["client_email"],
        "scope": "https://www.googleapis.com/auth/spreadsheets",
        "aud": TOKEN_AUDIENCE,
        "iat": now,
        "exp": now + 3600,
        **claims,
    }
    signer = crypt.RSASigner.from_service_account_info(key)
    return jwt.encode(signer, payload).decode()


def exchange(emulator_url: str, signed: str) -> requests.Response:
    return requests.post(
        f"{emulator_url}/token", data={"grant_type": JWT_BEARER, "assertion": signed}, timeout=10
    )


def test_key_file_points_google_auth_at_the_emulator(emulator_key: Path, emulator_url: str) -> None:
    key = json.loads(emulator_key.read_text())
    assert key["type"] == "service_account"
    assert key["token_uri"] == f"{emulator_url}/token"
    assert key["private_key"].startswith("-----BEGIN PRIVATE KEY-----")
    creds = credentials(emulator_key)
    creds.refresh(Request())
    assert creds.token.startswith("ya29.")
    assert creds.expiry is not None


def test_token_exchange_answers_like_google(emulator_key: Path, emulator_url: str) -> None:
    answer = exchange(emulator_url, assertion(json.loads(emulator_key.read_text())))
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3599
    assert body["access_token"]


@pytest.mark.parametrize(
    ("claims", "description"),
    [
        ({"aud": "https://example.com/token"}, "Invalid JWT: Failed audience check."),
        (
            {"iat": int(time.time()) - 7200, "exp": int(time.time()) - 3600},
            "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable "
            "timeframe. Check your iat and exp values in the JWT claim.",
        ),
    ],
)
def test_bad_assertions_are_refused(
    emulator_key: Path, emulator_url: str, claims: dict, description: str
) -> None:
    answer = exchange(emulator_url, assertion(json.loads(emulator_key.read_text()), **claims))
    assert answer.status_code == 400
    assert answer.json() == {"error": "invalid_grant", "error_description": description}


def test_forged_signature_is_refused(emulator_key: Path, emulator_url: str) -> None:
    """Signed by another key that claims the emulator key's id."""
    real = json.loads(emulator_key.read_text())
    forged = new_key(real["token_uri"]) | {"private_key_id": real["private_key_id"]}
    answer = exchange(emulator_url, assertion(forged, iss=real["client_email"]))
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"
    assert answer.json()["error_description"] == "Invalid JWT Signature."


def test_unknown_key_cannot_refresh(emulator_url: str) -> None:
    stranger = new_key(f"{emulator_url}/token")
    with pytest.raises(RefreshError, match="invalid_grant"):
        authorized_session(stranger, emulator_url).get(f"{emulator_url}/v4/spreadsheets/matriz")


@pytest.mark.parametrize(
    ("headers", "message_start"),
    [
        ({}, "Request is missing required authentication credential."),
        ({"Authorization": "Bearer ya29.not-issued"}, "Request had invalid authentication"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "Request had invalid authentication"),
    ],
)
def test_api_calls_need_a_bearer_token(
    emulator_url: str, headers: dict, message_start: str
) -> None:
    for path in ("/v4/spreadsheets/matriz", "/drive/v3/files/matriz"):
        answer = requests.get(emulator_url + path, headers=headers, timeout=10)
        assert answer.status_code == 401
        error = answer.json()["error"]
        assert error["code"] == 401
        assert error["status"] == "UNAUTHENTICATED"
        assert error["message"].startswith(message_start)


def test_key_survives_a_restart(emulator_key: Path, emulator_url: str) -> None:
    first = json.loads(emulator_key.read_text())
    again = create_emulator(key_out=emulator_key)
    with serving(again) as url:
        session = authorized_session(emulator_key, url)
        again.extensions["sheets_emulator"].add_spreadsheet("x", "X", {"A": [["1"]]})
        assert session.get("https://sheets.googleapis.com/v4/spreadsheets/x").status_code == 200
    second = json.loads(emulator_key.read_text())
    assert second["private_key_id"] == first["private_key_id"]
    assert second["token_uri"] == f"{url}/token"
