"""The emulator's whole state, one object per app: spreadsheets, keys and tokens, quotas, counts.

It lives in `app.extensions["sheets_emulator"]` (no globals), and its methods are what tests
and the CLI use to arrange a scenario: add a spreadsheet, make one read-only, look inside.
A lock serializes requests: the threaded server may run several at once.
"""

from __future__ import annotations

import threading
from collections import Counter, deque
from pathlib import Path

from retaguarda.sync.emulator.auth import TokenIssuer, load_or_create_key, write_key
from retaguarda.sync.emulator.book import Spreadsheet, new_spreadsheet_id
from retaguarda.sync.emulator.errors import not_found, permission_denied
from retaguarda.sync.emulator.quota import Quota, QuotaMeter
from retaguarda.sync.emulator.seed import LOCALE, TIME_ZONE, fill_sheet, read_workbook, seed_files

# Spreadsheets created through Drive get the locale of the account that recorded the
# reference exchanges (gspread's cassettes), so that their formatted values compare equal.
DRIVE_LOCALE = "en_US"
DRIVE_TIME_ZONE = "Etc/GMT"


class EmulatorState:
    """Everything the routes share."""

    def __init__(self, *, base_url: str, key_out: Path | None, quota: Quota | None) -> None:
        self.lock = threading.RLock()
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.request_count: Counter[str] = Counter()
        #: what the next Sheets requests answer instead of their result (`fail_next`)
        self.failures: deque[int] = deque()
        self.quota = QuotaMeter(quota) if quota else None
        self.tokens = TokenIssuer()
        self.key_out = key_out
        self._base_url = base_url.rstrip("/")
        self.key = load_or_create_key(key_out, self.token_uri)
        self.tokens.trust(self.key)

    @property
    def token_uri(self) -> str:
        return f"{self._base_url}/token"

    @property
    def base_url(self) -> str:
        return self._base_url

    @base_url.setter
    def base_url(self, value: str) -> None:
        """Known only once the server has bound its port: the key file follows it."""
        self._base_url = value.rstrip("/")
        if self.key_out is not None:
            write_key(self.key_out, self.key, self.token_uri)
        else:
            self.key["token_uri"] = self.token_uri

    def seed(self, folder: Path) -> None:
        for path in seed_files(folder):
            spreadsheet = read_workbook(path)
            spreadsheet.owner = self.key["client_email"]
            self.spreadsheets[spreadsheet.id] = spreadsheet

    def add_spreadsheet(
        self,
        spreadsheet_id: str,
        title: str,
        sheets: dict[str, list[list]],
        *,
        hidden: tuple[str, ...] = (),
        locale: str = LOCALE,
        time_zone: str = TIME_ZONE,
    ) -> Spreadsheet:
        """A spreadsheet with `sheets` (title → rows of Python values; dates become serials)."""
        with self.lock:
            spreadsheet = Spreadsheet(spreadsheet_id, title, locale, time_zone)
            spreadsheet.owner = self.key["client_email"]
            for sheet_title, rows in sheets.items():
                properties: dict = {"title": sheet_title}
                if sheet_title in hidden:
                    properties["hidden"] = True
                fill_sheet(spreadsheet, properties, rows)
            self.spreadsheets[spreadsheet_id] = spreadsheet
            return spreadsheet

    def create_file(self, name: str, *, owner: str | None = None) -> Spreadsheet:
        """Drive files.create of a spreadsheet: one empty `Sheet1`, 1000 × 26, sheetId 0."""
        with self.lock:
            spreadsheet = Spreadsheet(new_spreadsheet_id(), name, DRIVE_LOCALE, DRIVE_TIME_ZONE)
            spreadsheet.owner = owner or self.key["client_email"]
            spreadsheet.add_sheet({"title": "Sheet1"})
            self.spreadsheets[spreadsheet.id] = spreadsheet
            return spreadsheet

    def copy_file(self, source: Spreadsheet, name: str, *, owner: str) -> Spreadsheet:
        """Drive files.copy: the same sheets, values, formats and ranges under a new id."""
        with self.lock:
            copy = Spreadsheet(new_spreadsheet_id(), name, source.locale, "")
            properties, sheets, named_ranges = source.snapshot()
            copy.properties = {**properties, "title": name}
            copy.sheets, copy.named_ranges, copy.owner = sheets, named_ranges, owner
            self.spreadsheets[copy.id] = copy
            return copy

    def set_owner(self, spreadsheet_id: str, owner: str) -> None:
        """Someone else's spreadsheet, shared with the service account as an editor: its
        protected ranges then refuse the service account's writes unless it is their editor."""
        with self.lock:
            self.spreadsheet(spreadsheet_id).owner = owner

    def set_read_only(self, spreadsheet_id: str, read_only: bool = True) -> None:
        """Shared with the service account as a viewer: reads work, writes get 403."""
        with self.lock:
            self.spreadsheet(spreadsheet_id).read_only = read_only

    def fail_next(self, *codes: int) -> None:
        """The next Sheets requests answer these codes, in order (429 as the quota's refusal,
        500 and 503 as Google's passing failures): how a test plays a bad minute of Google."""
        with self.lock:
            self.failures.extend(codes)

    def spreadsheet(self, spreadsheet_id: str) -> Spreadsheet:
        return self.spreadsheets[spreadsheet_id]

    def find(self, spreadsheet_id: str, *, write: bool = False) -> Spreadsheet:
        """For the routes: Google's 404 for an unknown id, 403 for a write to a read-only file."""
        spreadsheet = self.spreadsheets.get(spreadsheet_id)
        if spreadsheet is None:
            raise not_found()
        if write and spreadsheet.read_only:
            raise permission_denied()
        return spreadsheet
