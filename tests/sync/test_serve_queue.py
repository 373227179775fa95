"""`retaguarda serve` as an administrator starts it, with nothing configured for the queue:
a signed webhook is answered 202 and synced by the worker threads of the same process, the
queue's messages in a file beside the store; Ctrl-C stops it."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from queue_setup import LEDGER, SPREADSHEET, Google, book, ledger_ids, runs, unprocessed, wait_for

from retaguarda.sync.emulator import create_emulator
from retaguarda.sync.emulator.server import serving
from retaguarda.sync.sources import add_source
from retaguarda.sync.store.database import Store

RETAGUARDA = str(Path(sys.executable).with_name("retaguarda"))


@pytest.fixture
def google(tmp_path):
    app = create_emulator(key_out=tmp_path / "key.json", quota=None)
    with serving(app) as base_url:
        state = app.extensions["sheets_emulator"]
        state.add_spreadsheet(SPREADSHEET, "Filial SP", book(4))
        yield Google(state, base_url, tmp_path / "key.json")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_syncs_what_its_webhook_receives(tmp_path, google):
    store = Store.open(f"sqlite:///{tmp_path / 'data' / 'retaguarda.db'}")
    source = add_source(store, team="Filial SP", google=SPREADSHEET)
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("RETAGUARDA_QUEUE")},
        "RETAGUARDA_GOOGLE_CREDENTIALS": str(google.key),
        "RETAGUARDA_GOOGLE_API_URL": google.base_url,
        "RETAGUARDA_DEBOUNCE": "0",
        "RETAGUARDA_POLL_INTERVAL": "0",
        "RETAGUARDA_WRITE_BACK": "false",
        "PYTHONFAULTHANDLER": "1",  # SIGABRT prints every thread's stack, should it hang
    }
    env.pop("RETAGUARDA_DATABASE_URL", None)  # the default: data/retaguarda.db where it runs
    errors = tmp_path / "serve.err"
    process = subprocess.Popen(
        [RETAGUARDA, "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=errors.open("wb"),
    )
    try:
        body = json.dumps(
            {"spreadsheetId": SPREADSHEET, "sheet": LEDGER.sheet, "range": "F3", "eventId": "e1"}
        ).encode()
        stamp = str(int(time.time()))  # the service checks it against its own clock
        assert source.webhook_secret is not None
        mac = hmac.new(source.webhook_secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256)
        headers = {
            "Content-Type": "application/json",
            "X-Retaguarda-Timestamp": stamp,
            "X-Retaguarda-Signature": f"sha256={mac.hexdigest()}",
        }
        url = f"http://127.0.0.1:{port}/webhooks/google-sheets"
        answer = None
        for _ in range(600):  # until the server listens
            try:
                answer = requests.post(url, data=body, headers=headers, timeout=10)
                break
            except requests.ConnectionError:
                time.sleep(0.05)
        assert answer is not None
        assert answer.status_code == 202, answer.text
        wait_for(lambda: unprocessed(store) == 0 and runs(store) == 1, timeout=30)
        assert len(set(ledger_ids(store))) == 4
        assert (tmp_path / "data" / "queue.db").is_file()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            code = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGABRT)
            process.wait(timeout=30)
            code = None
        store.close()
    assert code in (0, 1, -signal.SIGINT), errors.read_text(errors="replace")[-6000:]
