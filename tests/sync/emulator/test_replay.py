"""Google's recorded answers (gspread's cassettes), replayed against the emulator."""

from __future__ import annotations

from pathlib import Path

import pytest
from cassette_replay import replay

from retaguarda.sync.emulator import create_emulator, serving
from retaguarda.sync.google_api import authorized_session

pytest_plugins = ["emulator_fixtures"]

CASSETTES = sorted((Path(__file__).parent / "cassettes").glob("*.json"))


def test_the_required_cassettes_are_here() -> None:
    names = {c.stem for c in CASSETTES}
    assert {
        "ClientTest.test_open_by_key_has_metadata",
        "SpreadsheetTest.test_values_get",
        "SpreadsheetTest.test_values_batch_get",
        "WorksheetTest.test_update_cell",
        "WorksheetTest.test_append_row",
        "SpreadsheetTest.test_add_del_worksheet",
        "ClientTest.test_access_non_existing_spreadsheet",
        "SpreadsheetTest.test_bad_json_api_error",
        "CellTest.test_numeric_value",  # a formula's computed value
        "WorksheetTest.test_get_all_records_value_render_options",
        "WorksheetTest.test_add_protected_range_warning",
        "WorksheetTest.test_delete_protected_range",
        "CellTest.test_define_named_range",
        "CellTest.test_update_named_range",
        "WorksheetTest.test_get_values_merge_cells_with_named_range",
    } <= names


@pytest.mark.parametrize("cassette", CASSETTES, ids=[c.stem for c in CASSETTES])
def test_replay(cassette: Path, emulator_key: Path) -> None:
    emulator_app = create_emulator(key_out=emulator_key)
    with serving(emulator_app) as url:
        problems = replay(cassette, authorized_session(emulator_key, url))
    assert problems == []
