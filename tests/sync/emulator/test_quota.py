"""Per-minute quotas: Google's 429 RESOURCE_EXHAUSTED, surfaced by gspread as APIError 429."""

from __future__ import annotations

from pathlib import Path

import gspread
import pytest

from retaguarda.sync.emulator import Quota, create_emulator, serving
from retaguarda.sync.emulator.quota import QuotaMeter
from retaguarda.sync.google_api import gspread_client

pytest_plugins = ["emulator_fixtures"]


def test_reads_over_the_per_user_quota_get_429(emulator_key: Path) -> None:
    emulator_app = create_emulator(key_out=emulator_key, quota=Quota(per_user_per_minute=3))
    emulator_app.extensions["sheets_emulator"].add_spreadsheet("t", "T", {"S": [["a"]]})
    with serving(emulator_app) as url:
        book = gspread_client(emulator_key, url).open_by_key("t")  # 1 read
        book.values_get("S!A1")  # 2
        book.values_get("S!A1")  # 3
        with pytest.raises(gspread.exceptions.APIError) as refused:
            book.values_get("S!A1")
        book.values_update("S!A1", params={"valueInputOption": "RAW"}, body={"values": [["b"]]})
    assert refused.value.code == 429
    error = refused.value.error
    assert error["status"] == "RESOURCE_EXHAUSTED"
    assert error["message"].startswith(
        "Quota exceeded for quota metric 'Read requests' and limit "
        "'Read requests per minute per user' of service 'sheets.googleapis.com'"
    )
    assert emulator_app.extensions["sheets_emulator"].request_count["spreadsheets.values.get"] == 2


def test_project_quota_and_the_sliding_window() -> None:
    now = [0.0]
    meter = QuotaMeter(Quota(write_per_minute=2, per_user_per_minute=None), clock=lambda: now[0])
    meter.charge("write", "p", "a@x")
    meter.charge("write", "p", "b@x")
    with pytest.raises(Exception, match="'Write requests per minute'") as refused:
        meter.charge("write", "p", "c@x")
    assert refused.value.code == 429
    meter.charge("read", "p", "c@x")
    now[0] = 60.5
    meter.charge("write", "p", "c@x")


def test_no_quota_means_no_limit(emulator_key: Path) -> None:
    emulator_app = create_emulator(key_out=emulator_key, quota=Quota(None, None, None))
    emulator_app.extensions["sheets_emulator"].add_spreadsheet("t", "T", {"S": [["a"]]})
    with serving(emulator_app) as url:
        book = gspread_client(emulator_key, url).open_by_key("t")
        for _ in range(100):
            book.values_get("S!A1")
