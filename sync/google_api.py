"""Google API sessions for the sync service, aimed at Google or at the Sheets API emulator.

`api_url` is the only difference: when set, every request to Google's API hosts is sent to the
emulator instead (path and query kept), by a requests adapter mounted on the session. The token
exchange follows the key's own `token_uri`, which the emulator's key points at itself. Nothing
else in the code knows which one it talks to. Whatever carries a credential (the API URL, the
key's `token_uri`) must be https, or plain http to this machine.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import gspread
from google.auth.transport.requests import AuthorizedSession
from google.oauth2.service_account import Credentials
from requests.adapters import HTTPAdapter

from retaguarda.sync.settings import private_url

#: what the service asks Google for to sync: reading the team's spreadsheets and writing the
#: row ids and the marks back, all through the Sheets API (values:batchGet, spreadsheets.get,
#: batchUpdate). The Drive poll (`sync.poll`) asks for Drive's metadata alone, with a token
#: of its own: no token the service holds opens the content of a Drive file.
SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
GOOGLE_HOSTS = (
    "https://sheets.googleapis.com/",
    "https://www.googleapis.com/",
    "https://oauth2.googleapis.com/",
)


class RedirectAdapter(HTTPAdapter):
    """Sends a request for `https://<google host>/path?query` to `<api_url>/path?query`."""

    def __init__(self, prefix: str, api_url: str) -> None:
        super().__init__()
        self.prefix = prefix
        self.api_url = api_url.rstrip("/") + "/"

    def send(self, request, **kwargs):  # noqa: ANN001, ANN201 - requests' adapter signature
        request.url = self.api_url + request.url[len(self.prefix) :]
        return super().send(request, **kwargs)


def credentials(credentials_info_or_path: Mapping | str | Path) -> Credentials:
    """Service-account credentials from a key file path or its parsed JSON."""
    if isinstance(credentials_info_or_path, Mapping):
        info = dict(credentials_info_or_path)
    else:
        info = json.loads(Path(credentials_info_or_path).read_text(encoding="utf-8"))
    # the signed assertion sent there is worth an access token for an hour: not in clear text
    private_url(str(info.get("token_uri", "")), "troca de token (token_uri da chave)")
    return Credentials.from_service_account_info(info, scopes=list(SCOPES))


def authorized_session(
    credentials_info_or_path: Mapping | str | Path | Credentials, api_url: str | None
) -> AuthorizedSession:
    """An AuthorizedSession; with `api_url`, Google's API hosts are rewritten to it."""
    creds = (
        credentials_info_or_path
        if isinstance(credentials_info_or_path, Credentials)
        else credentials(credentials_info_or_path)
    )
    session = AuthorizedSession(creds)
    if api_url:
        private_url(api_url, "a API do Google")
        for prefix in GOOGLE_HOSTS:
            session.mount(prefix, RedirectAdapter(prefix, api_url))
    return session


def gspread_client(
    credentials_info_or_path: Mapping | str | Path | Credentials, api_url: str | None
) -> gspread.Client:
    """An unmodified gspread client over `authorized_session` (so it honours `api_url`)."""
    session = authorized_session(credentials_info_or_path, api_url)
    return gspread.Client(auth=session.credentials, session=session)
