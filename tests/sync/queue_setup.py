"""What the queue's tests share: a team's spreadsheet in the Sheets API emulator on loopback,
registered as a source in a real store, the service's settings pointing at both, signed
webhooks, and a patient wait (the workers run on their own threads or processes)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select
from werkzeug.serving import make_server

from retaguarda.sync.emulator.server import QuietHandler
from retaguarda.sync.emulator.state import EmulatorState
from retaguarda.sync.settings import Settings, load_settings
from retaguarda.sync.sources import Source
from retaguarda.sync.store.database import Store
from retaguarda.sync.store.schema import TEMPLATE_TABLES, events, sync_runs
from retaguarda.templates.catalog import TEMPLATES

#: the service's clock in these tests (webhooks are signed at this time)
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SPREADSHEET = "planilhaFilialSP"
LEDGER = TEMPLATES["lancamentos"]
CHART = TEMPLATES["plano_de_contas"]
LEDGER_TABLE = TEMPLATE_TABLES["lancamentos"]
CHART_ROWS = [
    [*CHART.headers],
    ["1.1.02", "Bancos", "Ativo", "Devedora", "Sim"],
    ["3.1.01", "Receita de vendas", "Receita", "Credora", "Sim"],
]


def posting(n: int, value: str = "10,00") -> list[object]:
    return [f"0{n % 9 + 1}/03/2026", f"NF-{n}", "Venda", "1.1.02", "3.1.01", value, "", "", ""]


def book(count: int) -> dict[str, list[list[object]]]:
    """The team's spreadsheet: its chart of accounts and `count` postings."""
    ledger = [[*LEDGER.headers], *[posting(n) for n in range(1, count + 1)]]
    return {CHART.sheet: CHART_ROWS, LEDGER.sheet: ledger}


@dataclass
class Google:
    """The emulator serving on loopback, and the key its clients use."""

    state: EmulatorState
    base_url: str
    key: Path


def service_values(
    store_url: str, google: Google, queue_url: str, **overrides: object
) -> dict[str, object]:
    """The service's settings for a test: quick retries, no poll or debounce unless asked,
    its own queue name (a Redis is shared)."""
    values: dict[str, object] = {
        "database_url": store_url,
        "google_credentials": google.key,
        "google_api_url": google.base_url,
        "queue_url": queue_url,
        "debounce": 0,
        "retry_base": 0.05,
        "retry_cap": 0.4,
        "poll_interval": 0,
        "recovery_interval": 0.2,
        "recovery_after": 0.5,
        "write_back": False,
        "queue_name": f"t{uuid.uuid4().hex[:12]}",
    }
    values.update(overrides)
    return values


def service_settings(
    store_url: str, google: Google, queue_url: str, **overrides: object
) -> Settings:
    return load_settings(**service_values(store_url, google, queue_url, **overrides))


def signed(source: Source, *events_sent: dict[str, object]) -> tuple[bytes, dict[str, str]]:
    """A webhook body of these events and its headers, signed with the source's secret at NOW."""
    body = json.dumps(list(events_sent)).encode()
    stamp = str(int(NOW.timestamp()))
    assert source.webhook_secret is not None
    mac = hmac.new(
        source.webhook_secret.encode(), stamp.encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return body, {
        "Content-Type": "application/json",
        "X-Retaguarda-Timestamp": stamp,
        "X-Retaguarda-Signature": f"sha256={mac}",
    }


def edit(event_id: str, cell: str = "F2") -> dict[str, object]:
    return {
        "spreadsheetId": SPREADSHEET,
        "sheet": LEDGER.sheet,
        "range": cell,
        "eventId": event_id,
        "at": NOW.isoformat(),
    }


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """`app` on a free loopback port, threaded; its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def wait_for(condition: Callable[[], object], timeout: float = 15.0) -> None:
    """Until `condition()` holds (the workers are elsewhere); fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "o que se esperava não aconteceu a tempo"
        time.sleep(0.05)


def runs(store: Store) -> int:
    with store.read() as connection:
        return connection.scalar(select(func.count()).select_from(sync_runs)) or 0


def ledger_ids(store: Store) -> list[str]:
    """The row ids of the ledger's rows in the store, repeats included, sorted."""
    with store.read() as connection:
        rows = connection.execute(
            select(LEDGER_TABLE.c.row_id).where(LEDGER_TABLE.c.deleted_at.is_(None))
        )
        return sorted(r for (r,) in rows)


def unprocessed(store: Store) -> int:
    with store.read() as connection:
        query = select(func.count()).select_from(events).where(events.c.processed_at.is_(None))
        return connection.scalar(query) or 0
