"""Heavy requests wait for one of their process's few slots; webhooks never wait for them."""

from __future__ import annotations

from test_webhooks import NOW, SPREADSHEET, edit, signed
from test_xlwings_server import cnpj_call

from retaguarda.sync.app import create_app
from retaguarda.sync.heavy import SLOTS
from retaguarda.sync.sources import add_source


def test_a_heavy_request_beyond_the_slots_is_told_to_retry_and_webhooks_go_on(signed_client):
    # the store of `signed_client`'s user (RETAGUARDA_DATABASE_URL)
    app = create_app(clock=lambda: NOW, heavy_requests=1, heavy_wait=0.05)
    shared = app.extensions["retaguarda"]
    shared.notify = lambda source: None
    source = add_source(shared.store(), team="Filial SP", google=SPREADSHEET)
    client = signed_client(app)
    slots = app.extensions[SLOTS]
    assert slots.acquire(timeout=1)  # another request holds the process's only slot
    try:
        busy = client.post("/xlwings/custom-functions-call", json=cnpj_call("11.222.333/0001-81"))
        assert busy.status_code == 503
        assert busy.headers["Retry-After"] == "5"
        assert "ocupado" in busy.get_json()["error"]
        body, headers = signed(source.webhook_secret, edit("e-1"))
        taken = app.test_client().post("/webhooks/google-sheets", data=body, headers=headers)
        assert taken.status_code == 202, taken.get_data(as_text=True)
    finally:
        slots.release()
    answer = client.post("/xlwings/custom-functions-call", json=cnpj_call("11.222.333/0001-81"))
    assert answer.status_code == 200
    assert answer.get_json() == {"result": [[True]]}
    # the slot is given back after each request, a failed one included
    assert slots.acquire(timeout=0)
    slots.release()
