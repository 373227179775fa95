"""The real Apps Script (addin/clients/google/Code.gs) under Node, against the real service.

`apps_script_harness.js` runs Code.gs with stand-ins for the Apps Script services it calls;
its UrlFetchApp makes real HTTP requests to the service on waitress, on a loopback port, so
what is checked here is what the store holds after the script's own signed POSTs.
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from test_serve import running

from retaguarda.sync.app import create_app
from retaguarda.sync.sources import add_source
from retaguarda.sync.store.schema import events

HARNESS = Path(__file__).with_name("apps_script_harness.js")
NOW = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
SPREADSHEET = "1AbCdEfGhIjKlMnOpQrStUv"
QUEUED = "retaguarda.evento."


def script(properties: dict, *steps: list, active: str = "Lançamentos") -> dict:
    """Run `steps` in Code.gs, with the Script Properties `properties`; the outcome."""
    scenario = {
        "now": int(NOW.timestamp() * 1000),
        "spreadsheetId": SPREADSHEET,
        "activeSheet": active,
        "properties": properties,
        "steps": list(steps),
    }
    done = subprocess.run(
        ["node", str(HARNESS)],
        input=json.dumps(scenario),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def queued(properties: dict) -> list[dict]:
    return [json.loads(v) for k, v in sorted(properties.items()) if k.startswith(QUEUED)]


def stored(store) -> list[tuple[str, str]]:
    with store.read() as connection:
        return [
            (sheet, cell)
            for sheet, cell in connection.execute(
                select(events.c.sheet, events.c.range).order_by(events.c.id)
            )
        ]


@pytest.fixture
def service(store, store_url):
    """The service on a loopback port at NOW, a Google source, and its script's properties."""
    source = add_source(store, team="Filial SP", google=SPREADSHEET)
    app = create_app(clock=lambda: NOW, database_url=store_url)
    told: list[int] = []
    app.extensions["retaguarda"].notify = told.append
    with running(app) as port:
        properties = {
            "RETAGUARDA_URL": f"http://127.0.0.1:{port}/",
            "RETAGUARDA_SECRET": source.webhook_secret,
        }
        yield properties, told


def test_edits_are_queued_then_sent_as_one_signed_request(service, store):
    properties, told = service
    outcome = script(
        properties,
        ["edit", "Lançamentos", "F7"],
        ["edit", "Contas a pagar", "B2:C3"],
    )
    assert [(e["sheet"], e["range"]) for e in queued(outcome["properties"])] == [
        ("Lançamentos", "F7"),
        ("Contas a pagar", "B2:C3"),
    ]
    assert outcome["requests"] == []  # an edit trigger only queues: it must be quick
    assert stored(store) == []

    sent = script(outcome["properties"], ["run", "sendQueued"])
    assert sent["results"] == [{"sent": 2, "kept": 0, "error": None}]
    assert [r["status"] for r in sent["requests"]] == [202]  # both in one request
    # the accented sheet name arrived intact and signed right (HMAC over UTF-8 bytes)
    assert stored(store) == [("Lançamentos", "F7"), ("Contas a pagar", "B2:C3")]
    assert queued(sent["properties"]) == []
    assert told == [store.active_sources()[0].id]


def test_edits_wait_while_the_service_is_down_and_go_when_it_is_back(service, store):
    properties, _told = service
    down = {**properties, "RETAGUARDA_URL": "http://127.0.0.1:9/"}  # nothing listens there
    outcome = script(down, ["edit", "Lançamentos", "A2"], ["run", "sendQueued"])
    (result,) = outcome["results"][1:]
    assert result["sent"] == 0
    assert result["kept"] == 1
    assert "sem resposta do Retaguarda" in result["error"]
    assert len(queued(outcome["properties"])) == 1  # kept for the next minute

    back = {**outcome["properties"], "RETAGUARDA_URL": properties["RETAGUARDA_URL"]}
    again = script(back, ["run", "sendQueued"])
    assert again["results"] == [{"sent": 1, "kept": 0, "error": None}]
    assert stored(store) == [("Lançamentos", "A2")]


def test_a_wrong_secret_keeps_the_edits_and_says_why(service, store):
    properties, _told = service
    wrong = {**properties, "RETAGUARDA_SECRET": "0" * 64}
    outcome = script(wrong, ["edit", "Lançamentos", "A2"], ["run", "sendQueued"])
    result = outcome["results"][1]
    assert result["kept"] == 1
    assert "401" in result["error"]
    assert "assinatura inválida" in result["error"]
    assert stored(store) == []
    assert any("401" in w for w in outcome["warnings"])


def test_the_menu_and_its_buttons(service, store):
    properties, _told = service
    outcome = script(properties, ["onOpen"], ["run", "validarAgora"], ["run", "sincronizarAgora"])
    (menu,) = outcome["menu"]
    assert menu["name"] == "Retaguarda"
    assert [caption for caption, _ in menu["items"]] == [
        "Validar agora",
        "Sincronizar agora",
        "Conciliar",
        "Relatórios",
        "Calcular folha",
        "-",
        "Instalar gatilhos",
    ]
    # Validar agora asks about the sheet in front of the user; Sincronizar, the whole book
    assert stored(store) == [("Lançamentos", ""), ("", "")]
    assert [t["message"] for t in outcome["toasts"]] == [
        "A conferência foi pedida; as marcações aparecem em instantes.",
        "Sincronização pedida ao Retaguarda.",
    ]


def test_the_menu_says_so_when_the_script_is_not_configured(service, store):
    outcome = script({}, ["run", "sincronizarAgora"])
    assert "defina RETAGUARDA_URL e RETAGUARDA_SECRET" in outcome["toasts"][0]["message"]
    assert len(queued(outcome["properties"])) == 1  # kept until it is configured


def test_installing_the_triggers_twice_leaves_one_of_each(service):
    properties, _told = service
    outcome = script(properties, ["install"], ["install"])
    assert sorted(outcome["triggers"]) == [
        ["aoEditar", "edit"],
        ["aoMudar", "change"],
        ["sendQueued", "every 1 min"],
    ]


def test_a_long_outage_keeps_a_bounded_queue_that_still_asks_for_the_whole_sheet(service, store):
    properties, _told = service
    down = {**properties, "RETAGUARDA_URL": "http://127.0.0.1:9/"}
    outcome = script(down, *(["edit", "Lançamentos", f"A{i}"] for i in range(2, 320)))
    waiting = queued(outcome["properties"])
    assert len(waiting) <= 300
    # the oldest hints made way for one that asks for the whole book; the newest are kept
    assert ("", "") in [(e["sheet"], e["range"]) for e in waiting]
    assert (waiting[-1]["sheet"], waiting[-1]["range"]) == ("Lançamentos", "A319")
    back = {**outcome["properties"], "RETAGUARDA_URL": properties["RETAGUARDA_URL"]}
    sent = script(back, ["run", "sendQueued"])
    assert sent["results"][0]["sent"] == len(waiting)
    assert [r["status"] for r in sent["requests"]] == [202, 202, 202]  # batches of 100
    assert len(stored(store)) == len(waiting)
