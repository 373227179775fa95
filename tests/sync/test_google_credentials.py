"""What the service sends with Google's credentials, and where: the access token and the signed
assertion travel only over https (or plain http to this machine, for the emulator), and the
key asks Google for the Sheets scope alone."""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs

import pytest
from click.testing import CliRunner
from google.auth.transport.requests import Request

from retaguarda.sync.cli import main
from retaguarda.sync.emulator import create_emulator
from retaguarda.sync.google_api import credentials, gspread_client
from retaguarda.sync.settings import SettingsError, load_settings

#: Google's published scope for reading and writing spreadsheets
SHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets"


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.5:8089",
        "http://sheets.example.com",
        "http://127.0.0.1.example.com",
        "ftp://127.0.0.1/",
        "127.0.0.1:8089",
    ],
)
def test_a_google_api_url_that_would_expose_the_token_is_refused(monkeypatch, url):
    monkeypatch.setenv("RETAGUARDA_GOOGLE_API_URL", url)
    with pytest.raises(SettingsError, match="RETAGUARDA_GOOGLE_API_URL") as refused:
        load_settings()
    assert "https://" in str(refused.value)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8089",
        "http://127.8.9.10:8089",
        "http://[::1]:8089",
        "http://localhost:8089",
        "https://sheets.example.com",
    ],
)
def test_https_or_this_machine_is_accepted(monkeypatch, url):
    monkeypatch.setenv("RETAGUARDA_GOOGLE_API_URL", url)
    assert load_settings().google_api_url == url


@pytest.fixture
def key(tmp_path) -> dict:
    create_emulator(key_out=tmp_path / "key.json")  # a real service-account key
    return json.loads((tmp_path / "key.json").read_text())


def test_sync_refuses_the_setting_before_sending_anything(monkeypatch, tmp_path, key):
    monkeypatch.setenv("RETAGUARDA_DATABASE_URL", f"sqlite:///{tmp_path / 'r.db'}")
    monkeypatch.setenv("RETAGUARDA_GOOGLE_API_URL", "http://10.0.0.5:8089")
    (tmp_path / "key.json").write_text(json.dumps(key))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "key.json"))
    result = CliRunner().invoke(main, ["sync"])
    assert result.exit_code == 2
    assert "RETAGUARDA_GOOGLE_API_URL" in result.output
    assert "Traceback" not in result.output


def test_a_key_whose_token_uri_is_plain_http_elsewhere_is_refused(monkeypatch, tmp_path, key):
    key["token_uri"] = "http://203.0.113.7/token"
    path = tmp_path / "key.json"
    path.write_text(json.dumps(key))
    with pytest.raises(ValueError, match="token_uri"):
        credentials(path)
    with pytest.raises(ValueError, match="https://"):
        gspread_client(path, None)

    monkeypatch.setenv("RETAGUARDA_DATABASE_URL", f"sqlite:///{tmp_path / 'r.db'}")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(path))
    runner = CliRunner()
    assert runner.invoke(main, ["sources", "add", "--team", "T", "--google", "abc"]).exit_code == 0
    result = runner.invoke(main, ["sync"])
    assert result.exit_code == 2
    assert "token_uri" in result.output
    assert "Traceback" not in result.output


class _TokenEndpoint(BaseHTTPRequestHandler):
    """Google's token endpoint as far as the test needs: keeps the assertion, grants a token."""

    assertions: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        self.assertions.append(parse_qs(body)["assertion"][0])
        answer = json.dumps({"access_token": "t", "expires_in": 3600}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: object) -> None:
        pass


def test_the_key_asks_google_for_the_sheets_scope_only(key, tmp_path: Path):
    server = HTTPServer(("127.0.0.1", 0), _TokenEndpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        key["token_uri"] = f"http://127.0.0.1:{server.server_port}/token"
        credentials(key).refresh(Request())
    finally:
        server.shutdown()
        server.server_close()
    (assertion,) = _TokenEndpoint.assertions
    payload = assertion.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["scope"].split() == [SHEETS_SCOPE]
