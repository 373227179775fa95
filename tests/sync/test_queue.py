"""The sync queue as the service runs it: signed webhooks over loopback, huey on a SQLite file
and on the machine's Redis, worker threads, the store on SQLite and on PostgreSQL, Google
played by the emulator (unmodified gspread and google-auth over HTTP).

What a user would notice: a burst of edits becomes one sync; Google's bad minutes are waited
out; a sync that cannot succeed ends as a dead letter with its error; an edit no webhook
announced is found by the Drive poll; work the queue lost is found again in the store.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis
import requests
from queue_setup import (
    LEDGER,
    NOW,
    SPREADSHEET,
    Google,
    book,
    edit,
    ledger_ids,
    runs,
    service_settings,
    service_values,
    serving,
    signed,
    unprocessed,
    wait_for,
)

from retaguarda.sync.app import create_app
from retaguarda.sync.emulator import create_emulator
from retaguarda.sync.emulator.quota import Quota, QuotaMeter
from retaguarda.sync.emulator.server import serving as emulator_serving
from retaguarda.sync.google_api import gspread_client
from retaguarda.sync.jobs import Backoff
from retaguarda.sync.queue import SyncQueue
from retaguarda.sync.sources import add_source

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def google(tmp_path):
    app = create_emulator(key_out=tmp_path / "key.json", quota=None)
    with emulator_serving(app) as base_url:
        state = app.extensions["sheets_emulator"]
        state.add_spreadsheet(SPREADSHEET, "Filial SP", book(3))
        yield Google(state, base_url, tmp_path / "key.json")


@pytest.fixture(params=["sqlite", "redis"])
def queue_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'fila' / 'queue.db'}"
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis at {REDIS_URL} unavailable: {error}")
    return REDIS_URL


@pytest.fixture
def source(store):
    return add_source(store, team="Filial SP", google=SPREADSHEET)


@pytest.fixture
def running():
    """Starts a queue's worker threads; stops them after the test."""
    started = []

    def start(queue: SyncQueue, *, housekeeping: bool = False) -> SyncQueue:
        consumer = queue.consumer(2, embedded=True)
        consumer.start()
        if housekeeping:
            queue.housekeeping()
        started.append((queue, consumer))
        return queue

    yield start
    for queue, consumer in started:
        queue.stopping.set()
        consumer.stop(graceful=True)
        queue.huey.flush()


def test_a_burst_of_webhooks_on_one_spreadsheet_is_one_sync(
    store, store_url, source, google, queue_url, running
):
    values = service_values(store_url, google, queue_url, debounce=0.5)
    app = create_app(clock=lambda: NOW, **values)
    with serving(app) as base_url:
        for n in range(5):
            body, headers = signed(source, edit(f"e{n}", f"F{n + 2}"))
            answer = requests.post(f"{base_url}/webhooks/google-sheets", data=body, headers=headers)
            assert answer.status_code == 202, answer.text
        body, headers = signed(source, edit("e0"))  # the script sent one again
        requests.post(f"{base_url}/webhooks/google-sheets", data=body, headers=headers)
        forged = {**headers, "X-Retaguarda-Signature": "sha256=" + "0" * 64}
        body = signed(source, edit("e9"))[0]
        answer = requests.post(f"{base_url}/webhooks/google-sheets", data=body, headers=forged)
        assert answer.status_code == 401
        queue = app.extensions["retaguarda_queue"]
        assert [job.state for job in store.jobs()] == ["queued"]
        running(queue)
        wait_for(lambda: unprocessed(store) == 0)
        # the events are processed with the sync's commit; the job is done once the marks
        # are written back after it
        wait_for(lambda: [job.state for job in store.jobs()] == ["done"])
    assert runs(store) == 1
    assert [(job.state, job.attempts) for job in store.jobs()] == [("done", 1)]
    assert len(set(ledger_ids(store))) == 3


def test_google_s_bad_minute_is_waited_out(store, store_url, source, google, tmp_path, running):
    """Two refusals of the quota and two server errors, in bursts: the job is tried again
    after each, with growing waits, and the sync goes in on its fifth attempt."""
    google.state.quota = QuotaMeter(Quota())  # Google's limits: 60 requests a minute per user
    google.state.fail_next(429, 429, 500, 503)
    queue = SyncQueue(service_settings(store_url, google, f"sqlite:///{tmp_path / 'q.db'}"))
    job = queue.request(source.id, "manual")
    running(queue)
    wait_for(lambda: store.jobs()[0].state == "done")
    [done] = store.jobs()
    assert (done.id, done.attempts, done.last_error) == (job, 5, None)
    assert runs(store) == 1
    assert len(set(ledger_ids(store))) == 3
    assert not google.state.failures
    # the retries did not hammer Google: what it answered fits in one minute's allowance
    assert google.state.request_count["read"] + google.state.request_count["write"] <= 60


def test_the_backoff_doubles_up_to_its_cap_with_full_jitter():
    highest = Backoff(base=1.0, cap=10.0, draw=lambda low, high: high)
    assert [highest.delay(n) for n in range(1, 7)] == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    lowest = Backoff(base=1.0, cap=10.0, draw=lambda low, high: low)
    assert lowest.delay(4) == 0


def test_a_sync_failing_every_time_ends_dead_with_its_error(
    store, store_url, source, google, tmp_path, running
):
    google.state.fail_next(*[500] * 20)
    settings = service_settings(store_url, google, f"sqlite:///{tmp_path / 'q.db'}", max_attempts=3)
    store.record_event(
        source.id, event_id="e1", sheet=LEDGER.sheet, range_="F2", at=None, received_at=NOW
    )
    queue = SyncQueue(settings, clock=lambda: NOW)
    queue.request(source.id, "webhook")
    running(queue)
    wait_for(lambda: store.jobs()[0].state == "dead")
    [dead] = store.jobs()
    assert dead.attempts == 3
    assert "500" in (dead.last_error or "")
    assert runs(store) == 0
    assert unprocessed(store) == 1  # still there for the next edit, or for someone to look
    assert queue.recover() == []  # and the recovery does not bring a dead letter back


def test_a_spreadsheet_that_is_gone_is_dead_at_once(store, store_url, source, google, tmp_path):
    del google.state.spreadsheets[SPREADSHEET]
    queue = SyncQueue(service_settings(store_url, google, f"sqlite:///{tmp_path / 'q.db'}"))
    job = queue.request(source.id, "manual")
    outcome = queue.runner.run(job)
    assert outcome is not None
    assert outcome.state == "dead"
    [dead] = store.jobs()
    assert dead.attempts == 1
    assert "não encontrada" in (dead.last_error or "")


def test_the_drive_poll_finds_an_edit_made_through_the_api(
    store, store_url, source, google, tmp_path, running
):
    queue = running(
        SyncQueue(service_settings(store_url, google, f"sqlite:///{tmp_path / 'q.db'}"))
    )
    assert len(queue.poll()) == 1  # never synced: Drive's time is news
    wait_for(lambda: runs(store) == 1 and store.jobs()[-1].state == "done")
    assert queue.poll() == []  # nothing changed since (the sync's own writes included)

    sheet = gspread_client(google.key, google.base_url).open_by_key(SPREADSHEET)
    sheet.worksheet(LEDGER.sheet).update_acell("F2", "99,00")  # no webhook for this one
    lists = google.state.request_count["drive.files.list"]
    assert len(queue.poll()) == 1
    assert google.state.request_count["drive.files.list"] == lists + 1  # one call per cycle
    wait_for(lambda: store.jobs()[-1].state == "done")
    assert runs(store) == 2
    assert [j.reason for j in store.jobs()] == ["poll", "poll"]


def test_work_the_queue_lost_is_found_in_the_store(
    store, store_url, source, google, tmp_path, running
):
    """A job whose message never reached huey, and events no job was made for (the service
    died between its 202 and the queue): the workers' recovery finds both at their start."""
    other_id = "planilhaFilialRJ"
    google.state.add_spreadsheet(other_id, "Filial RJ", book(2))
    other = add_source(store, team="Filial RJ", google=other_id)
    store.request_sync(source.id, reason="webhook", at=NOW, not_before=NOW)
    an_hour_ago = NOW - timedelta(hours=1)
    store.record_event(
        other.id, event_id="e1", sheet=LEDGER.sheet, range_="F2", at=None, received_at=an_hour_ago
    )
    settings = service_settings(store_url, google, f"sqlite:///{tmp_path / 'q.db'}")
    running(SyncQueue(settings, clock=lambda: NOW), housekeeping=True)
    wait_for(lambda: [j.state for j in store.jobs()] == ["done", "done"])
    assert sorted(j.reason for j in store.jobs()) == ["recovery", "webhook"]
    assert unprocessed(store) == 0
    assert len(set(ledger_ids(store))) == 5


def test_two_workers_never_sync_one_source_at_once(store, store_url, source, google, tmp_path):
    """A second job of a source waits while the first runs, and runs once it is handed on."""
    queue = SyncQueue(service_settings(store_url, google, f"sqlite:///{tmp_path / 'q.db'}"))
    first = queue.request(source.id, "manual")
    assert store.claim_job(first, at=NOW, worker="outra-maquina:1") is not None
    second = queue.request(source.id, "webhook")
    assert queue.request(source.id, "webhook") is None  # coalesced into the waiting one
    assert queue.runner.run(second) is None  # its source is busy: not taken
    assert [j.state for j in store.jobs()] == ["running", "queued"]


def test_the_workers_poll_drive_on_their_own(store, store_url, source, google, queue_url, running):
    """Two workers on one queue: each cycle one of them asks Drive, once."""
    settings = service_settings(store_url, google, queue_url, poll_interval=0.5)
    for _ in range(2):
        running(SyncQueue(settings), housekeeping=True)
    wait_for(lambda: runs(store) == 1)
    sheet = gspread_client(google.key, google.base_url).open_by_key(SPREADSHEET)
    sheet.worksheet(LEDGER.sheet).update_acell("F3", "12,00")
    wait_for(lambda: runs(store) == 2)
    assert [j.reason for j in store.jobs()] == ["poll", "poll"]
