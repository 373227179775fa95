"""Merges, sorting, filters, groups, widths and copy/cut-paste through unmodified gspread."""

from __future__ import annotations

import gspread
import pytest

from retaguarda.sync.emulator.state import EmulatorState

pytest_plugins = ["emulator_fixtures"]

ROWS = [["Nome", "Ano"], ["banana", 2013], ["Abacate", 2012], ["", 2020], ["caju", 2007]]


@pytest.fixture
def sheet(gc: gspread.Client, emulator: EmulatorState) -> gspread.Worksheet:
    emulator.add_spreadsheet("l", "Leiaute", {"Frutas": ROWS}, locale="en_US")
    return gc.open_by_key("l").sheet1


def sheet_entry(sheet: gspread.Worksheet) -> dict:
    return sheet.spreadsheet.fetch_sheet_metadata()["sheets"][0]


def test_merging_keeps_the_top_left_value_and_is_listed(sheet: gspread.Worksheet) -> None:
    sheet.merge_cells("A2:B3")
    assert sheet_entry(sheet)["merges"] == [
        {"startRowIndex": 1, "endRowIndex": 3, "startColumnIndex": 0, "endColumnIndex": 2}
    ]
    assert sheet.get("A2:B3") == [["banana"]]
    sheet.unmerge_cells("A2:B3")
    assert "merges" not in sheet_entry(sheet)


def test_merge_rows_makes_one_merge_per_row(sheet: gspread.Worksheet) -> None:
    sheet.merge_cells("A2:B3", merge_type="MERGE_ROWS")
    assert [m["startRowIndex"] for m in sheet_entry(sheet)["merges"]] == [1, 2]


def test_sorting_puts_empty_cells_last(sheet: gspread.Worksheet) -> None:
    sheet.sort((1, "asc"), range="A2:B5")
    assert sheet.get_all_values() == [
        ["Nome", "Ano"],
        ["Abacate", "2012"],
        ["banana", "2013"],
        ["caju", "2007"],
        ["", "2020"],
    ]
    sheet.sort((2, "des"), range="A2:B5")
    assert sheet.col_values(2) == ["Ano", "2020", "2013", "2012", "2007"]


def test_basic_filter_covers_the_grid_when_no_bounds_are_given(sheet: gspread.Worksheet) -> None:
    sheet.set_basic_filter()
    assert sheet_entry(sheet)["basicFilter"] == {
        "range": {
            "startRowIndex": 0,
            "endRowIndex": 1000,
            "startColumnIndex": 0,
            "endColumnIndex": 26,
        }
    }
    sheet.clear_basic_filter()
    assert "basicFilter" not in sheet_entry(sheet)


def test_row_groups_nest_and_go(sheet: gspread.Worksheet) -> None:
    answer = sheet.add_dimension_group_rows(1, 5)
    assert answer["replies"][0]["addDimensionGroup"] == {
        "dimensionGroups": [
            {"range": {"dimension": "ROWS", "startIndex": 1, "endIndex": 5}, "depth": 1}
        ]
    }
    sheet.add_dimension_group_rows(2, 3)
    depths = [g["depth"] for g in sheet_entry(sheet)["rowGroups"]]
    assert depths == [1, 2]
    sheet.delete_dimension_group_rows(2, 3)
    sheet.delete_dimension_group_rows(1, 5)
    assert "rowGroups" not in sheet_entry(sheet)


def test_auto_resize_widens_a_column_to_its_longest_text(sheet: gspread.Worksheet) -> None:
    sheet.update([["x" * 40]], "C1")
    sheet.columns_auto_resize(2, 3)
    params = {"fields": "sheets.data.columnMetadata", "ranges": "Frutas!A1:D1"}
    data = sheet.spreadsheet.fetch_sheet_metadata(params)["sheets"][0]["data"][0]
    widths = [c["pixelSize"] for c in data["columnMetadata"]]
    assert widths[0] == widths[1] == widths[3] == 100
    assert widths[2] == 40 * 7 + 10


def test_copy_and_cut_paste_move_values(sheet: gspread.Worksheet) -> None:
    sheet.copy_range("A1:A3", "D1:D3")
    assert sheet.get("D1:D3") == [["Nome"], ["banana"], ["Abacate"]]
    sheet.cut_range("B1:B2", "E1")
    assert "values" not in sheet.spreadsheet.values_get("Frutas!B1:B2")
    assert sheet.get("E1:E2") == [["Ano"], ["2013"]]
