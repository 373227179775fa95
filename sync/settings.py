"""One typed settings object, read from `RETAGUARDA_*` environment variables.

The company's validation settings (`closed_until`, `today`) are declared once, in
`templates.settings`, which the desktop add-in reads too; the service's own settings extend them.
A bad setting is reported with its name and value, all at once, when the program starts.
"""

from __future__ import annotations

from ipaddress import ip_address
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, field_validator

from retaguarda.templates.settings import CompanySettings, SettingsError, load_settings_of

__all__ = ["Settings", "SettingsError", "load_settings", "private_url"]

#: the largest request body the service reads (413 beyond it): a workbook sent by the add-in
#: with a few hundred thousand cells fits; a body that would take gigabytes to parse does not
MAX_REQUEST_BYTES = 16 * 1024 * 1024
#: the most cells a workbook sent by the add-in may hold, counted before it is parsed. Measured
#: (2 cores, 2026-12): 450,000 cells of a ledger where every row is wrong take 12 s and 0.9 GB
#: to validate and mark; 300,000 cells (33,000 rows of nine columns) stay near 0.6 GB per request
MAX_WORKBOOK_CELLS = 300_000
#: the largest webhook body: the Apps Script sends the edits it queued in one request
MAX_WEBHOOK_BYTES = 256 * 1024


class Settings(CompanySettings):
    #: how many reverse proxies in front of the service set X-Forwarded-For and
    #: X-Forwarded-Proto (nginx in deploy/nginx.conf: 1). The service then takes the client's
    #: address and scheme from what the nearest of them saw (werkzeug's ProxyFix); 0, as for
    #: the embedded waitress, ignores those headers, which any client could send
    trusted_proxies: int = Field(default=0, ge=0)
    #: the service's address as Excel reaches it ("https://retaguarda.example.com"), written
    #: into the Office.js manifest. Never taken from a request: its Host header is the
    #: client's to choose. `retaguarda serve` sets it from --host/--port when unset.
    public_url: str | None = None
    #: where the task pane loads xlwings' Office.js client from; unset, jsDelivr's copy of
    #: the version installed here (the client must match the server's xlwings)
    xlwings_js_url: str | None = None
    #: the key that signs the dashboard's session cookies and form tokens: the same for every
    #: process serving the dashboard (`secrets.token_hex(32)` makes one). Unset, one is made
    #: once and kept in the file `secret-key` beside the SQLite store (mode 0600), which every
    #: process of this machine reads; dashboards on several machines need it set. At least
    #: 32 characters, checked when the app is built (so that a bad one is not printed)
    secret_key: SecretStr | None = None
    #: the consolidated store: SQLAlchemy URL ("postgresql://user@host/db"); unset, the
    #: SQLite file data/retaguarda.db
    database_url: str | None = None
    #: the Google service account's key file (the standard GOOGLE_APPLICATION_CREDENTIALS too)
    google_credentials: Path | None = Field(
        default=None,
        validation_alias=AliasChoices(
            "google_credentials", "RETAGUARDA_GOOGLE_CREDENTIALS", "GOOGLE_APPLICATION_CREDENTIALS"
        ),
    )
    #: where the Google APIs are: unset, Google itself; "http://127.0.0.1:8089" for the
    #: emulator (`retaguarda emulator`). Nothing else changes between the two. The access
    #: token goes there too, so plain http is for this machine only.
    google_api_url: str | None = None
    #: after a sync of a Google spreadsheet, mark its mistakes in it (fills, notes, the
    #: Pendências sheet) and protect its ID column; off, the service writes nothing but ids
    write_back: bool = True
    #: the largest request body, in bytes (the service answers 413 beyond it)
    max_request_bytes: int = Field(default=MAX_REQUEST_BYTES, gt=0)
    #: the most cells a workbook sent by the Excel add-in may hold (413 beyond it)
    max_workbook_cells: int = Field(default=MAX_WORKBOOK_CELLS, gt=0)
    #: the largest webhook body, in bytes (413 beyond it): an event is a few hundred bytes,
    #: a batch of the Apps Script's queued events a few hundred of those
    max_webhook_bytes: int = Field(default=MAX_WEBHOOK_BYTES, gt=0)
    #: how far a webhook's X-Retaguarda-Timestamp may be from the service's clock, in
    #: seconds: an older (or later) request is refused, so a captured one cannot be replayed
    webhook_tolerance: int = Field(default=300, gt=0)
    #: heavy requests (a workbook from the Excel add-in, a menu action from Google Sheets, a
    #: report) one process runs at once, each taking a core and up to 0.6 GB; the others
    #: wait for a slot (`sync.heavy`), while webhooks are served by every thread
    heavy_requests: int = Field(default=2, gt=0)
    #: seconds a heavy request waits for a slot before the client is told to retry (503)
    heavy_wait: float = Field(default=60.0, ge=0)
    #: how long a menu action from Google Sheets (Conciliar, Relatórios, Calcular folha) may
    #: run before the service gives up without writing, in seconds; Apps Script gives up on a
    #: fetch after about a minute
    action_timeout: float = Field(default=25.0, gt=0, le=55)
    #: how long the service waits after a webhook for more edits of the same spreadsheet
    #: before syncing it, in seconds (a burst of edits becomes one sync); 0 syncs at once
    debounce: float = Field(default=10.0, ge=0)
    #: where the sync queue keeps its messages: `redis://host:6379/0` (several machines),
    #: or unset for a SQLite file beside the store (`data/queue.db`), or `sqlite:///path`
    queue_url: str | None = None
    #: the queue's name in that storage: services sharing one Redis need different names
    queue_name: str = Field(default="retaguarda", min_length=1, pattern=r"^[A-Za-z0-9_.:-]+$")
    #: worker threads syncing in `retaguarda serve` and in each `retaguarda worker`
    workers: int = Field(default=2, gt=0)
    #: the niceness `retaguarda worker` runs at (0 as the service, 19 the lowest priority): a
    #: sync is background work, and on a machine it shares with the service, webhooks and
    #: the dashboard get the CPU first; the sync still gets what they leave
    worker_nice: int = Field(default=10, ge=0, le=19)
    #: attempts of one sync before its job is dead (kept with its error for the dashboard)
    max_attempts: int = Field(default=5, gt=0)
    #: the wait before a failed sync's next attempt is drawn below base·2ⁿ seconds (n the
    #: attempts so far), capped at `retry_cap`: full jitter, so syncs refused together by
    #: Google's quota do not come back together
    retry_base: float = Field(default=5.0, gt=0)
    retry_cap: float = Field(default=600.0, gt=0)
    #: every how many seconds Drive is asked (one files.list) which spreadsheets changed:
    #: the backstop for edits that fire no webhook (API, scripts, IMPORTRANGE); 0 = never
    poll_interval: float = Field(default=60.0, ge=0)
    #: every how many seconds the store is checked for work the queue lost: events not
    #: synced after `recovery_after` seconds, syncs left running by a process that died
    recovery_interval: float = Field(default=30.0, gt=0)
    recovery_after: float = Field(default=120.0, gt=0)
    #: a sync running longer than this (seconds) is taken as lost with its machine and
    #: started again (the store's lock keeps the two from interleaving)
    job_timeout: float = Field(default=3600.0, gt=0)

    @field_validator("google_api_url")
    @classmethod
    def _google_api_url(cls, url: str | None) -> str | None:
        return None if url is None else private_url(url, "a API do Google")

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, url: str | None) -> str | None:
        if url is None:
            return None
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(
                "informe o endereço completo do serviço, como https://retaguarda.exemplo.com.br"
            )
        return url.rstrip("/")


def private_url(url: str, what: str) -> str:
    """`url` if what is sent to it cannot be read on the way: https, or http to this machine
    (127.0.0.0/8, ::1, localhost). Raises ValueError, in Portuguese, otherwise."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and parts.hostname and _loopback(parts.hostname):
        return url
    raise ValueError(
        f"o endereço de {what} precisa começar com https:// (http:// só para este computador: "
        "127.0.0.1, ::1 ou localhost), porque o token de acesso do Google vai junto"
    )


def _loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def load_settings(**overrides: object) -> Settings:
    return load_settings_of(Settings, **overrides)
