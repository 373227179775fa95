"""A webhook arrives while a sync of its spreadsheet holds the source: it is answered at once.

A sync keeps its source locked for its whole transaction (seconds for a large sheet); the
webhook's event and job rows point at that source. The webhook must neither wait for the sync
nor let a second sync of the source start beside it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from retaguarda.sync.app import create_app
from retaguarda.sync.sources import add_source
from retaguarda.sync.store.database import Store

NOW = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
SPREADSHEET = "1AbCdEfGhIjKlMnOpQrStUv"
#: far longer than a webhook takes on an idle store, far shorter than a sync that holds it
PATIENCE = 20.0

pytestmark = pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)


def signed_edit(secret: str, event_id: str) -> tuple[bytes, dict[str, str]]:
    body = json.dumps({"spreadsheetId": SPREADSHEET, "range": "F7", "eventId": event_id}).encode()
    stamp = str(int(NOW.timestamp()))
    mac = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return body, {
        "Content-Type": "application/json",
        "X-Retaguarda-Timestamp": stamp,
        "X-Retaguarda-Signature": f"sha256={mac}",
    }


@pytest.fixture
def syncing(store, store_url):
    """A source, and a second store (as the worker's process) holding it as a sync does,
    until the test sets the event it is given."""
    source = add_source(store, team="Filial SP", google=SPREADSHEET)
    worker = Store.open(store_url, migrate=False)
    holding, release = threading.Event(), threading.Event()

    def sync() -> None:
        with worker.atomic():
            worker.lock_source(source.id)
            holding.set()
            release.wait(PATIENCE * 3)

    thread = threading.Thread(target=sync)
    thread.start()
    assert holding.wait(PATIENCE)
    yield source, release
    release.set()
    thread.join()
    worker.close()


def test_a_webhook_is_taken_while_a_sync_holds_its_source(syncing, store_url):
    source, release = syncing
    app = create_app(clock=lambda: NOW, database_url=store_url)
    told: list[int] = []
    app.extensions["retaguarda"].notify = told.append
    answers: list[int] = []

    def post() -> None:
        body, headers = signed_edit(source.webhook_secret, "e-1")
        answers.append(
            app.test_client()
            .post("/webhooks/google-sheets", data=body, headers=headers)
            .status_code
        )

    webhook = threading.Thread(target=post)
    webhook.start()
    webhook.join(PATIENCE)
    answered_while_syncing = not webhook.is_alive()
    release.set()
    webhook.join()
    assert answered_while_syncing
    assert answers == [202]
    assert told == [source.id]


def test_a_second_sync_of_the_source_still_waits(syncing, store_url):
    source, _ = syncing
    other = Store.open(store_url, migrate=False)
    try:
        with other.atomic() as connection:
            connection.execute(text("SET LOCAL lock_timeout = '300ms'"))
            with pytest.raises(OperationalError, match="lock"):
                other.lock_source(source.id)
    finally:
        other.close()
