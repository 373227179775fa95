"""`POST /webhooks/google-sheets` as the Apps Script and an attacker send it, on both stores.

The signature is computed here from the documented recipe (HMAC-SHA256 of timestamp + "." +
body, hex), not by the service's own function, so a change of the recipe fails here.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from retaguarda.sync.app import create_app
from retaguarda.sync.cli import main
from retaguarda.sync.sources import add_source, remove_source, rotate_secret
from retaguarda.sync.store.schema import events

NOW = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
SPREADSHEET = "1AbCdEfGhIjKlMnOpQrStUv"
URL = "/webhooks/google-sheets"


def edit(event_id: str = "e-1", spreadsheet: str = SPREADSHEET) -> dict:
    return {
        "spreadsheetId": spreadsheet,
        "sheet": "Lançamentos",
        "range": "F7",
        "eventId": event_id,
        "at": "2026-12-03T14:59:58Z",
    }


def signed(secret: str, payload: object, at: datetime = NOW) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload, ensure_ascii=False).encode()
    stamp = str(int(at.timestamp()))
    mac = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return body, {
        "Content-Type": "application/json",
        "X-Retaguarda-Timestamp": stamp,
        "X-Retaguarda-Signature": f"sha256={mac}",
    }


@pytest.fixture
def service(store, store_url):
    """The app on the test store, at a fixed time; `told` lists the sources the queue heard."""
    app = create_app(clock=lambda: NOW, database_url=store_url, max_webhook_bytes=4096)
    told: list[int] = []
    app.extensions["retaguarda"].notify = told.append
    source = add_source(store, team="Filial SP", google=SPREADSHEET)
    return app.test_client(), source, told


def stored_events(store) -> list[tuple[str, str, str]]:
    with store.read() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                select(events.c.event_id, events.c.sheet, events.c.range).order_by(events.c.id)
            )
        ]


def test_a_signed_edit_is_committed_then_queued(service, store):
    client, source, told = service
    body, headers = signed(source.webhook_secret, edit())
    answer = client.post(URL, data=body, headers=headers)
    assert answer.status_code == 202, answer.json
    assert answer.json == {"accepted": ["e-1"], "repeated": []}
    assert stored_events(store) == [("e-1", "Lançamentos", "F7")]
    assert told == [source.id]


def test_the_same_event_sent_again_is_taken_once(service, store):
    client, source, told = service
    for _ in range(3):
        body, headers = signed(source.webhook_secret, edit())
        answer = client.post(URL, data=body, headers=headers)
        assert answer.status_code == 202
    assert answer.json == {"accepted": [], "repeated": ["e-1"]}
    assert stored_events(store) == [("e-1", "Lançamentos", "F7")]
    assert told == [source.id]  # the repeats ring no bell


def test_a_minute_of_queued_edits_comes_as_one_request(service, store):
    client, source, told = service
    body, headers = signed(source.webhook_secret, [edit("e-1"), edit("e-2"), edit("e-1")])
    answer = client.post(URL, data=body, headers=headers)
    assert answer.status_code == 202
    assert answer.json == {"accepted": ["e-1", "e-2"], "repeated": ["e-1"]}
    assert [e for e, _, _ in stored_events(store)] == ["e-1", "e-2"]
    assert told == [source.id]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda h: {k: v for k, v in h.items() if "Signature" not in k}, "faltam"),
        (lambda h: {k: v for k, v in h.items() if "Timestamp" not in k}, "faltam"),
        (lambda h: {**h, "X-Retaguarda-Signature": "sha256=" + "0" * 64}, "assinatura"),
        (lambda h: {**h, "X-Retaguarda-Signature": "sha1=abc"}, "assinatura"),
    ],
    ids=["no-signature", "no-timestamp", "wrong-signature", "other-scheme"],
)
def test_what_is_not_signed_by_the_source_is_refused(service, store, change, words):
    client, source, told = service
    body, headers = signed(source.webhook_secret, edit())
    answer = client.post(URL, data=body, headers=change(headers))
    assert answer.status_code == 401
    assert words in answer.json["error"]
    assert stored_events(store) == []
    assert told == []


def test_a_body_changed_after_signing_is_refused(service, store):
    client, source, _told = service
    body, headers = signed(source.webhook_secret, edit())
    answer = client.post(URL, data=body.replace(b'"F7"', b'"F8"'), headers=headers)
    assert answer.status_code == 401
    assert stored_events(store) == []


def test_another_sources_secret_does_not_sign_for_this_one(service, store):
    client, _source, told = service
    other = add_source(store, team="Filial Rio", google="1OtherSheetId")
    body, headers = signed(other.webhook_secret, edit())
    assert client.post(URL, data=body, headers=headers).status_code == 401
    assert told == []


@pytest.mark.parametrize("offset", [timedelta(minutes=5, seconds=1), -timedelta(minutes=6)])
def test_a_request_older_than_five_minutes_or_from_the_future_is_refused(service, store, offset):
    client, source, _told = service
    body, headers = signed(source.webhook_secret, edit(), at=NOW - offset)
    answer = client.post(URL, data=body, headers=headers)
    assert answer.status_code == 401
    assert "janela de 300 segundos" in answer.json["error"]
    assert stored_events(store) == []


def test_a_request_four_minutes_old_is_taken(service, store):
    client, source, _told = service
    body, headers = signed(source.webhook_secret, edit(), at=NOW - timedelta(minutes=4))
    assert client.post(URL, data=body, headers=headers).status_code == 202


def test_an_unknown_or_removed_spreadsheet_is_404(service, store):
    client, source, _told = service
    body, headers = signed(source.webhook_secret, edit(spreadsheet="1NotRegistered"))
    answer = client.post(URL, data=body, headers=headers)
    assert answer.status_code == 404
    assert "1NotRegistered" in answer.json["error"]
    remove_source(store, source.name)
    body, headers = signed(source.webhook_secret, edit())
    assert client.post(URL, data=body, headers=headers).status_code == 404


def test_a_body_over_the_limit_is_413_and_not_stored(service, store):
    client, source, _told = service
    body, headers = signed(source.webhook_secret, [edit(f"e-{i}") for i in range(60)])
    assert len(body) > 4096
    answer = client.post(URL, data=body, headers=headers)
    assert answer.status_code == 413
    assert stored_events(store) == []


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        b"[]",
        b'{"spreadsheetId": "' + SPREADSHEET.encode() + b'"}',  # no eventId
        b'{"spreadsheetId": "../../etc", "eventId": "x"}',
        json.dumps([edit("a"), edit("b", spreadsheet="1OtherSheetId")]).encode(),
        json.dumps({**edit(), "sheet": "Lan\x00camentos"}).encode(),
    ],
    ids=["not-json", "empty-list", "no-event-id", "bad-spreadsheet-id", "two-spreadsheets", "nul"],
)
def test_a_body_that_is_not_an_edit_is_400(service, store, payload):
    client, source, _told = service
    stamp = str(int(NOW.timestamp()))
    mac = hmac.new(source.webhook_secret.encode(), stamp.encode() + b"." + payload, hashlib.sha256)
    headers = {
        "X-Retaguarda-Timestamp": stamp,
        "X-Retaguarda-Signature": f"sha256={mac.hexdigest()}",
    }
    answer = client.post(URL, data=payload, headers=headers)
    assert answer.status_code == 400
    assert answer.json["error"]
    assert stored_events(store) == []


def test_a_rotated_secret_keeps_working_for_a_day(service, store):
    client, source, _told = service
    rotated = rotate_secret(store, source.name, at=NOW - timedelta(hours=23))
    assert rotated.webhook_secret != source.webhook_secret
    for secret, event in ((rotated.webhook_secret, "new"), (source.webhook_secret, "old")):
        body, headers = signed(secret, edit(event))
        assert client.post(URL, data=body, headers=headers).status_code == 202
    rotate_secret(store, source.name, at=NOW - timedelta(hours=25))  # and again, long ago
    body, headers = signed(rotated.webhook_secret, edit("late"))
    assert client.post(URL, data=body, headers=headers).status_code == 401


def test_when_the_store_is_down_the_script_is_told_to_send_again(tmp_path):
    down = f"sqlite:///{tmp_path}/not-a-folder/x.db"
    (tmp_path / "not-a-folder").write_text("a file where the folder should be")
    app = create_app(clock=lambda: NOW, database_url=down)
    body, headers = signed("whatever", edit())
    answer = app.test_client().post(URL, data=body, headers=headers)
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "30"
    assert "banco de dados indisponível" in answer.json["error"]


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_a_connection_the_database_dropped_is_replaced_without_an_error(service, store):
    """The pool does not ping a connection before lending it (a round trip per webhook): one
    the server closed (a restart) fails at its first statement, and the webhook is taken
    on a new connection instead of answering 503."""
    client, source, told = service
    body, headers = signed(source.webhook_secret, edit("e-1"))
    assert client.post(URL, data=body, headers=headers).status_code == 202
    pooled = client.application.extensions["retaguarda"].store()
    with pooled.engine.connect() as connection:  # the one connection its pool holds
        backend = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    with store.atomic() as connection:
        connection.exec_driver_sql(f"SELECT pg_terminate_backend({int(backend)})")
    body, headers = signed(source.webhook_secret, edit("e-2"))
    answer = client.post(URL, data=body, headers=headers)
    assert answer.status_code == 202, answer.json
    assert [e for e, _, _ in stored_events(store)] == ["e-1", "e-2"]
    assert told == [source.id, source.id]


def test_with_the_queue_down_the_event_and_its_job_wait_in_the_store(store, store_url):
    """Redis unreachable: the webhook is still taken (202), and its sync job is a row the
    queue's recovery sends when Redis is back."""
    app = create_app(clock=lambda: NOW, database_url=store_url, queue_url="redis://127.0.0.1:1/0")
    source = add_source(store, team="Filial SP", google=SPREADSHEET)
    body, headers = signed(source.webhook_secret, edit())
    answer = app.test_client().post(URL, data=body, headers=headers)
    assert answer.status_code == 202, answer.json
    assert stored_events(store) == [("e-1", "Lançamentos", "F7")]
    assert [(job.source_id, job.state) for job in store.jobs()] == [(source.id, "queued")]


def test_sources_add_prints_the_secret_and_rotate_replaces_it(store_url, monkeypatch):
    monkeypatch.setenv("RETAGUARDA_DATABASE_URL", store_url)
    runner = CliRunner()
    added = runner.invoke(
        main, ["sources", "add", "--team", "Filial SP", "--google", SPREADSHEET, "--format", "json"]
    )
    assert added.exit_code == 0, added.output
    source = json.loads(added.output)
    assert set(source) == {"id", "name", "team", "kind", "location", "webhook_secret"}
    assert len(source["webhook_secret"]) == 64
    listed = json.loads(runner.invoke(main, ["sources", "list", "--format", "json"]).output)
    assert "webhook_secret" not in listed[0]  # listing does not leak secrets
    rotated = runner.invoke(main, ["sources", "rotate-secret", source["name"], "--format", "json"])
    assert rotated.exit_code == 0, rotated.output
    new = json.loads(rotated.output)
    assert new["id"] == source["id"]
    assert new["webhook_secret"] != source["webhook_secret"]
    plain = runner.invoke(main, ["sources", "rotate-secret", source["name"]])
    assert "segredo dos webhooks (webhook_secret): " in plain.output
    unknown = runner.invoke(main, ["sources", "rotate-secret", "nope"])
    assert unknown.exit_code == 2
    assert "fonte desconhecida: nope" in unknown.output
