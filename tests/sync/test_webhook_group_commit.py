"""Webhooks that arrive together are committed together, and each is answered as if alone.

`sync.intake` hands the requests of one process to one committer; these tests hold its
transaction open (the store slow to commit) while more requests arrive, so that they are
taken in one batch, and check what each request is told.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import UTC, datetime

import pytest

from retaguarda.sync import webhooks
from retaguarda.sync.app import create_app
from retaguarda.sync.intake import GroupCommit
from retaguarda.sync.sources import add_source
from retaguarda.sync.store.database import Store

NOW = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
SPREADSHEET = "1AbCdEfGhIjKlMnOpQrStUv"
URL = "/webhooks/google-sheets"
PATIENCE = 30.0


def signed(secret: str, *event_ids: str, spreadsheet: str = SPREADSHEET):
    events = [{"spreadsheetId": spreadsheet, "range": "F7", "eventId": e} for e in event_ids]
    body = json.dumps(events).encode()
    stamp = str(int(NOW.timestamp()))
    mac = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return body, {
        "Content-Type": "application/json",
        "X-Retaguarda-Timestamp": stamp,
        "X-Retaguarda-Signature": f"sha256={mac}",
    }


def test_work_handed_in_while_a_batch_commits_is_the_next_batch():
    batches: list[list[int]] = []
    first_taken, go_on = threading.Event(), threading.Event()

    def batch(works: list[int]) -> list[int | BaseException]:
        batches.append(works)
        if len(batches) == 1:
            first_taken.set()
            go_on.wait(PATIENCE)
        return [ValueError(w) if w == 3 else w * 10 for w in works]

    commit: GroupCommit[int, int] = GroupCommit(batch)
    results: dict[int, object] = {}

    def submit(work: int) -> None:
        try:
            results[work] = commit.submit(work)
        except ValueError as error:
            results[work] = error

    first = threading.Thread(target=submit, args=(1,))
    first.start()
    assert first_taken.wait(PATIENCE)
    others = [threading.Thread(target=submit, args=(w,)) for w in (2, 3, 4)]
    for thread in others:
        thread.start()
    while commit._waiting.qsize() < 3:  # all three wait behind the first batch
        threading.Event().wait(0.01)
    go_on.set()
    for thread in [first, *others]:
        thread.join(PATIENCE)
    assert batches == [[1], [2, 3, 4]]
    assert [results[1], results[2], results[4]] == [10, 20, 40]
    assert isinstance(results[3], ValueError)  # one work's refusal is its own


def test_a_failed_batch_fails_every_request_in_it():
    commit: GroupCommit[int, int] = GroupCommit(lambda works: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        commit.submit(1)


@pytest.fixture
def held(store, store_url, monkeypatch):
    """The app, a source, and a gate: the committer's first batch waits at it, so the
    requests sent meanwhile are taken together in the second."""
    app = create_app(clock=lambda: NOW, database_url=store_url)
    told: list[int] = []
    app.extensions["retaguarda"].notify = told.append
    source = add_source(store, team="Filial SP", google=SPREADSHEET)
    taken, gate = threading.Event(), threading.Event()
    sizes: list[int] = []
    real = webhooks.take

    def take(shared, deliveries):
        sizes.append(len(deliveries))
        if len(sizes) == 1:
            taken.set()
            gate.wait(PATIENCE)
        return real(shared, deliveries)

    monkeypatch.setattr(webhooks, "take", take)
    app.extensions[webhooks.INTAKE] = webhooks.intake(app.extensions["retaguarda"])
    return app, source, told, taken, gate, sizes


def send_together(app, taken, gate, first, *more):
    """`first` sent alone, the others while its batch is held; every answer, in order."""
    answers: dict[int, object] = {}

    def post(n: int, request) -> None:
        body, headers = request
        answer = app.test_client().post(URL, data=body, headers=headers)
        answers[n] = (answer.status_code, answer.json)

    threads = [threading.Thread(target=post, args=(0, first))]
    threads[0].start()
    assert taken.wait(PATIENCE)
    for n, request in enumerate(more, start=1):
        threads.append(threading.Thread(target=post, args=(n, request)))
        threads[-1].start()
    intake = app.extensions[webhooks.INTAKE]
    while intake._waiting.qsize() < len(more):
        threading.Event().wait(0.01)
    gate.set()
    for thread in threads:
        thread.join(PATIENCE)
    return [answers[n] for n in range(len(threads))]


def test_requests_taken_together_are_answered_each_as_if_alone(held, store):
    app, source, told, taken, gate, sizes = held
    secret = source.webhook_secret
    answers = send_together(
        app,
        taken,
        gate,
        signed(secret, "e-1"),
        signed(secret, "e-2", "e-3"),
        signed(secret, "e-3", "e-4"),  # e-3 also in the request before, same transaction
        signed("not the secret", "e-5"),
        signed(secret, "e-6", spreadsheet="unknownSheet"),
        signed(secret, "e-1"),  # committed by the first batch
    )
    # the refused two are taken again, from the start, by Flask's view, which answers them
    assert sizes[:2] == [1, 5]
    assert answers[0] == (202, {"accepted": ["e-1"], "repeated": []})
    # e-3 came in two requests of one batch: whichever was handed in first took it
    both = [answers[1], answers[2]]
    assert [status for status, _ in both] == [202, 202]
    assert sorted(e for _, answer in both for e in answer["accepted"]) == ["e-2", "e-3", "e-4"]
    assert [e for _, answer in both for e in answer["repeated"]] == ["e-3"]
    assert answers[3][0] == 401
    assert answers[4][0] == 404
    assert answers[5] == (202, {"accepted": [], "repeated": ["e-1"]})
    assert store.pending_events(source.id) == 4  # e-1 … e-4, once each
    assert told == [source.id, source.id]  # once per batch with new events


def test_when_the_store_fails_every_request_of_the_batch_is_503(held, store, monkeypatch):
    app, source, told, taken, gate, _ = held
    shared = app.extensions["retaguarda"]
    opened = shared.store()

    def broken(rows):
        raise webhooks.StoreError("disco cheio")

    monkeypatch.setattr(opened, "record_events", broken)
    secret = source.webhook_secret
    answers = send_together(
        app, taken, gate, signed(secret, "e-1"), signed(secret, "e-2"), signed(secret, "e-3")
    )
    assert [status for status, _ in answers] == [503, 503, 503]
    assert store.pending_events(source.id) == 0
    assert told == []


def test_a_sync_already_waiting_covers_the_new_events_without_ringing(store, store_url):
    app = create_app(clock=lambda: NOW, database_url=store_url)
    told: list[int] = []
    app.extensions["retaguarda"].notify = told.append
    source = add_source(store, team="Filial SP", google=SPREADSHEET)
    waiting = store.request_sync(source.id, reason="webhook", at=NOW, not_before=NOW)
    body, headers = signed(source.webhook_secret, "e-1")
    answer = app.test_client().post(URL, data=body, headers=headers)
    assert answer.status_code == 202
    assert told == []
    assert [(job.id, job.state) for job in store.jobs()] == [(waiting, "queued")]
    assert store.pending_events(source.id) == 1


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_a_worker_cannot_take_the_waiting_job_before_the_events_are_in(store, store_url):
    """The webhooks' transaction holds the waiting job: a worker's claim waits for its
    commit, so the sync it starts counts the new events."""
    source = add_source(store, team="Filial SP", google=SPREADSHEET)
    job = store.request_sync(source.id, reason="webhook", at=NOW, not_before=NOW)
    claimed: list[object] = []
    worker = Store.open(store_url, migrate=False)
    claim = threading.Thread(
        target=lambda: claimed.append(worker.claim_job(job, at=NOW, worker="w"))
    )
    try:
        with store.atomic():
            store.record_event(
                source.id, event_id="e-1", sheet="", range_="F7", at=None, received_at=NOW
            )
            assert store.hold_waiting_job(source.id) == job
            claim.start()
            claim.join(1.0)
            waited = claim.is_alive()
        claim.join(PATIENCE)
        assert waited
        assert claimed[0] is not None
        assert worker.last_event(source.id) > 0  # the sync starting now sees e-1
    finally:
        worker.close()
