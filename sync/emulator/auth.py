"""Service-account keys and OAuth access tokens, checked the way Google checks them.

google-auth signs a JWT with the key's private half and trades it at the key's `token_uri` for
an access token (the JWT-bearer grant). The emulator writes that key for its clients, verifies
the signature, audience and lifetime of every assertion, and hands out opaque bearer tokens that
every API call must carry. Tokens live in memory: after a restart clients get 401 once and
google-auth fetches a new one with the same key.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth import exceptions as auth_exceptions
from google.auth import jwt

from retaguarda.sync.emulator.errors import ApiError

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
TOKEN_LIFETIME = 3599
PROJECT_ID = "retaguarda-emulator"
ACCOUNT_NAME = "retaguarda-sync"
UNAUTHENTICATED = (
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
    "cookie or other valid authentication credential. "
    "See https://developers.google.com/identity/sign-in/web/devconsole-project."
)
MISSING_CREDENTIAL = (
    "Request is missing required authentication credential. Expected OAuth 2 access token, "
    "login cookie or other valid authentication credential. "
    "See https://developers.google.com/identity/sign-in/web/devconsole-project."
)


class OAuthError(Exception):
    """A refused token request, answered like Google's OAuth endpoint (error, description)."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


@dataclass(frozen=True)
class Grant:
    """Who an access token was issued to; quotas count per `client_email` and per project."""

    client_email: str
    project_id: str
    expires: float


def new_key(token_uri: str) -> dict:
    """A fresh service-account key in Google's JSON layout."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    email = f"{ACCOUNT_NAME}@{PROJECT_ID}.iam.gserviceaccount.com"
    return {
        "type": "service_account",
        "project_id": PROJECT_ID,
        "private_key_id": secrets.token_hex(20),
        "private_key": pem,
        "client_email": email,
        "client_id": str(10**20 + secrets.randbelow(9 * 10**20)),
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri,
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": f"https://www.googleapis.com/robot/v1/metadata/x509/{email}",
        "universe_domain": "googleapis.com",
    }


def load_or_create_key(path: Path | None, token_uri: str) -> dict:
    """Reuse the key already at `path` (clients keep working across restarts), else make one.

    The file is (re)written when its `token_uri` is not this emulator's, so that a key moved
    between ports or hosts still leads google-auth here.
    """
    key = None
    if path is not None and path.is_file():
        try:
            found = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            found = None
        if isinstance(found, dict) and found.get("type") == "service_account":
            key = found if found.get("private_key") and found.get("private_key_id") else None
    if key is None:
        key = new_key(token_uri)
    if path is not None:
        write_key(path, key, token_uri)
    return key


def write_key(path: Path, key: dict, token_uri: str) -> None:
    if path.is_file() and key.get("token_uri") == token_uri:
        return
    key["token_uri"] = token_uri
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(key, indent=2) + "\n", encoding="utf-8")
    path.chmod(0o600)


def public_pem(key: dict) -> str:
    private = serialization.load_pem_private_key(key["private_key"].encode(), password=None)
    return (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


class TokenIssuer:
    """Trades signed assertions from known keys for bearer tokens and checks those tokens."""

    def __init__(self) -> None:
        self.keys: dict[str, tuple[str, dict]] = {}
        self.grants: dict[str, Grant] = {}

    def trust(self, key: dict) -> None:
        self.keys[key["private_key_id"]] = (public_pem(key), key)

    def exchange(self, grant_type: str | None, assertion: str | None) -> dict:
        if grant_type != JWT_BEARER:
            raise OAuthError("unsupported_grant_type", f"Invalid grant_type: {grant_type or ''}")
        if not assertion:
            raise OAuthError("invalid_request", "Missing required parameter: assertion")
        try:
            header = jwt.decode_header(assertion)
        except (ValueError, auth_exceptions.GoogleAuthError) as error:
            raise OAuthError("invalid_grant", "Invalid JWT Signature.") from error
        known = self.keys.get(header.get("kid"))
        if known is None:
            raise OAuthError("invalid_grant", "Invalid JWT Signature.")
        pem, key = known
        try:
            claims = jwt.decode(
                assertion,
                certs={header["kid"]: pem},
                audience=TOKEN_AUDIENCE,
                clock_skew_in_seconds=10,
            )
        except (ValueError, auth_exceptions.GoogleAuthError) as error:
            raise OAuthError("invalid_grant", grant_failure(str(error))) from error
        if claims.get("iss") != key["client_email"]:
            raise OAuthError("invalid_grant", "Invalid JWT Signature.")
        if claims.get("exp", 0) - claims.get("iat", 0) > 3600:
            raise OAuthError("invalid_grant", grant_failure("lifetime"))
        token = "ya29.emulator-" + secrets.token_urlsafe(32)
        self.grants[token] = Grant(
            key["client_email"], key["project_id"], time.time() + TOKEN_LIFETIME
        )
        return {"access_token": token, "expires_in": TOKEN_LIFETIME, "token_type": "Bearer"}

    def check(self, authorization: str | None) -> Grant:
        """The grant behind an `Authorization: Bearer` header, or Google's 401."""
        if not authorization:
            raise ApiError(401, MISSING_CREDENTIAL)
        scheme, _, token = authorization.partition(" ")
        grant = self.grants.get(token.strip()) if scheme.lower() == "bearer" else None
        if grant is None or grant.expires < time.time():
            raise ApiError(401, UNAUTHENTICATED)
        return grant


def grant_failure(reason: str) -> str:
    """Google's descriptions: a bad signature and a bad time window read differently."""
    if "audience" in reason.lower():
        return "Invalid JWT: Failed audience check."
    if "signature" in reason.lower():
        return "Invalid JWT Signature."
    return (
        "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable "
        "timeframe. Check your iat and exp values in the JWT claim."
    )
