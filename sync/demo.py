"""`make demo`'s service: the whole product on this machine, as a company would run it.

The sample workbooks become Google spreadsheets on the Sheets API emulator, a fourth team's
workbook goes into `workbooks/inbox/`, the service starts (waitress, the queue's worker
threads, a SQLite store in `build/`) with a demo user, every source is synced, a few edits are
made in the emulated sheets and announced by signed webhooks, as the sheets' Apps Script
would, and the dashboard's address and login are printed. Ctrl-C stops everything it started.

    python -m retaguarda.sync.demo            # until Ctrl-C
    python -m retaguarda.sync.demo --once     # stop once the edits are in the store
"""

from __future__ import annotations

import argparse
import json
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import requests
from flask import Flask

from retaguarda.sync.app import create_app, wsgi_server
from retaguarda.sync.emulator import create_emulator, serving
from retaguarda.sync.google_api import gspread_client
from retaguarda.sync.sources import Source, add_source
from retaguarda.sync.store.database import Store
from retaguarda.sync.users import ADMIN, LEITURA, add_user, set_password
from retaguarda.sync.webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature

SAMPLES = Path("workbooks/samples")
INBOX = Path("workbooks/inbox")
BUILD = Path("build")
#: the demo's logins (a demo on one's own machine: the passwords are printed)
USERS = (
    ("financeiro", ADMIN, None, "retaguarda-demo"),
    ("rio", LEITURA, "Filial Rio", "rio-demo-2026"),
)
#: the Google teams: the sample workbook (its name is the emulated spreadsheet's id) and team
TEAMS = (
    ("matriz", "Matriz"),
    ("filial_sao_paulo", "Filial São Paulo"),
    ("filial_rio", "Filial Rio"),
)
#: the edits played: spreadsheet, sheet, cell, new value, what it shows
EDITS = (
    ("matriz", "Lançamentos", "F12", "1.250,00", "Matriz corrige um valor digitado errado"),
    ("filial_rio", "Lançamentos", "F5", "12,3,4", "Filial Rio digita um valor impossível"),
)
#: how long the demo waits for the store to follow, in seconds
PATIENCE = 120


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--once", action="store_true", help="stop once the edits are synced")
    parser.add_argument("--port", type=int, default=8000, help="the service's port (0: any)")
    arguments = parser.parse_args()
    BUILD.mkdir(exist_ok=True)
    database = BUILD / "demo-servico.db"
    for stale in BUILD.glob("demo-servico.db*"):
        stale.unlink()
    (BUILD / "demo-fila.db").unlink(missing_ok=True)
    inbox_copy = INBOX / "filial_recife.xlsx"
    shutil.copyfile(SAMPLES / "filial_sao_paulo.xlsx", inbox_copy)
    emulator = create_emulator(seed=SAMPLES, key_out=BUILD / "emulator-key.json")
    with serving(emulator) as google_url:
        settings = {
            "database_url": f"sqlite:///{database}",
            "queue_url": f"sqlite:///{BUILD / 'demo-fila.db'}",
            "google_api_url": google_url,
            "google_credentials": BUILD / "emulator-key.json",
            "debounce": 1.0,
            "poll_interval": 30,
            "closed_until": "2025-12-31",
            "today": "2026-11-25",
        }
        app = create_app(public_url=f"http://127.0.0.1:{arguments.port}", **settings)
        server = wsgi_server(app, "127.0.0.1", arguments.port)
        service_url = f"http://127.0.0.1:{server.effective_port}"
        threading.Thread(target=server.run, name="demo-service", daemon=True).start()
        stop_workers = app.extensions["retaguarda_queue"].start_embedded()
        try:
            store = Store.open(settings["database_url"])
            sources = _register(store, inbox_copy)
            token = _users(store)
            _sync_all(app, store, sources)
            _play_edits(service_url, sources, google_url)
            _wait_for_events(store)
            _tell(service_url, store, token)
            if not arguments.once:
                print("\nCtrl-C encerra o serviço e o emulador.")
                threading.Event().wait()
        except KeyboardInterrupt:
            print("\nencerrando...")
        finally:
            stop_workers()
            server.close()
            inbox_copy.unlink(missing_ok=True)


def _register(store: Store, inbox_copy: Path) -> dict[str, Source]:
    sources = {sheet: add_source(store, team=team, google=sheet) for sheet, team in TEAMS}
    sources["inbox"] = add_source(store, team="Filial Recife", folder=inbox_copy.parent)
    for source in sources.values():
        print(f"fonte: {source.label}")
    return sources


def _users(store: Store) -> str:
    """The demo's users; the first one's API token."""
    tokens = []
    for name, role, team, password in USERS:
        tokens.append(add_user(store, name, role=role, team=team)[1])
        set_password(store, name, password)
    return tokens[0]


def _sync_all(app: Flask, store: Store, sources: dict[str, Source]) -> None:
    queue = app.extensions["retaguarda_queue"]
    for source in sources.values():
        queue.request(source.id, "manual")
    print("sincronizando as quatro fontes...")
    _until(lambda: len(store.runs_page(limit=10)) >= len(sources), "a primeira sincronização")


def _play_edits(service_url: str, sources: dict[str, Source], google_url: str) -> None:
    client = gspread_client(BUILD / "emulator-key.json", google_url)
    for spreadsheet, sheet, cell, value, what in EDITS:
        client.open_by_key(spreadsheet).worksheet(sheet).update_acell(cell, value)
        event = {
            "spreadsheetId": spreadsheet,
            "sheet": sheet,
            "range": cell,
            "eventId": str(uuid.uuid4()),
            "at": datetime.now(UTC).isoformat(),
        }
        body = json.dumps(event, ensure_ascii=False).encode()
        stamp = str(int(time.time()))
        secret = sources[spreadsheet].webhook_secret or ""
        answer = requests.post(
            f"{service_url}/webhooks/google-sheets",
            data=body,
            headers={
                "Content-Type": "application/json",
                TIMESTAMP_HEADER: stamp,
                SIGNATURE_HEADER: signature(secret, stamp, body),
            },
            timeout=30,
        )
        print(f"edição: {what} ({sheet}!{cell}); webhook assinado -> {answer.status_code}")


def _wait_for_events(store: Store) -> None:
    _until(lambda: not store.events_page(pending=True), "as edições chegarem ao banco")
    print("as edições estão no banco consolidado, e as marcações de volta nas planilhas.")


def _tell(service_url: str, store: Store, token: str) -> None:
    held = sum(s["held_rows"] for s in store.sources_overview())
    print(f"\nPainel: {service_url}/   ({held} linhas em quarentena)")
    for name, role, team, password in USERS:
        seen = f"só {team}" if team else "todos os times"
        print(f"  entrar como {name} / {password}   ({role}, {seen})")
    print(f"API ({service_url}/api/docs/swagger/), com o token de {USERS[0][0]}:")
    print(f'  curl -H "Authorization: Bearer {token}" {service_url}/api/sources')
    print(f"Banco: {BUILD / 'demo-servico.db'} (veja docs/sincronizacao.md)")


def _until(done: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not done():
        if time.monotonic() > deadline:
            raise SystemExit(f"a demonstração esperou {PATIENCE} s por {what}; veja o log acima.")
        time.sleep(0.2)


if __name__ == "__main__":
    main()
