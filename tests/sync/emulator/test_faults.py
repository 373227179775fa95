"""The emulator playing a bad minute of Google (`fail_next`) and the Drive poll's query, through
unmodified gspread and an authorized session, answered in Google's own error shape."""

from __future__ import annotations

import gspread
import pytest

from retaguarda.sync.emulator.state import EmulatorState
from retaguarda.sync.google_api import authorized_session

pytest_plugins = ["emulator_fixtures"]

FILES = "https://www.googleapis.com/drive/v3/files"


def test_the_next_requests_fail_as_asked_then_answer_again(
    gc: gspread.Client, emulator: EmulatorState
) -> None:
    emulator.add_spreadsheet("f", "Falhas", {"Dados": [["a"]]})
    emulator.fail_next(429, 500)
    with pytest.raises(gspread.exceptions.APIError) as refused:
        gc.open_by_key("f")
    assert refused.value.code == 429
    assert refused.value.error["status"] == "RESOURCE_EXHAUSTED"
    with pytest.raises(gspread.exceptions.APIError) as failed:
        gc.open_by_key("f")
    assert (failed.value.code, failed.value.error["status"]) == (500, "INTERNAL")
    assert gc.open_by_key("f").sheet1.acell("A1").value == "a"


def test_files_list_by_modified_time(emulator_key, emulator_url, emulator, gc) -> None:
    session = authorized_session(emulator_key, emulator_url)
    params = {"q": "trashed = false", "fields": "files(id,modifiedTime)"}
    every = session.get(FILES, params=params).json()["files"]
    newest = max(f["modifiedTime"] for f in every)
    emulator.add_spreadsheet("nova", "Nova", {"Dados": [["x"]]})
    gc.open_by_key("nova").sheet1.update_acell("A1", "y")
    later = {**params, "q": f"trashed = false and modifiedTime > '{newest}'"}
    assert [f["id"] for f in session.get(FILES, params=later).json()["files"]] == ["nova"]
