"""spreadsheets.batchUpdate through gspread: sheets, formats, notes, dimensions, validation."""

from __future__ import annotations

import gspread
import pytest

from retaguarda.sync.emulator.state import EmulatorState

pytest_plugins = ["emulator_fixtures"]

RED = {"red": 1, "green": 0.8, "blue": 0.8}


@pytest.fixture
def book(gc: gspread.Client, emulator: EmulatorState) -> gspread.Spreadsheet:
    emulator.add_spreadsheet("t", "T", {"Dados": [["a", "b", "c"], ["d", "e", "f"]]})
    return gc.open_by_key("t")


def test_add_and_delete_worksheet(book: gspread.Spreadsheet, emulator: EmulatorState) -> None:
    added = book.add_worksheet("Pendências", rows=10, cols=5)
    assert (added.title, added.index, added.row_count, added.col_count) == ("Pendências", 1, 10, 5)
    assert [ws.title for ws in book.worksheets()] == ["Dados", "Pendências"]
    with pytest.raises(gspread.exceptions.APIError) as refused:
        book.add_worksheet("Pendências", rows=1, cols=1)
    assert refused.value.error["message"] == (
        'Invalid requests[0].addSheet: A sheet with the name "Pendências" already exists. '
        "Please enter another name."
    )
    book.del_worksheet(added)
    assert [s.title for s in emulator.spreadsheet("t").sheets] == ["Dados"]


def test_format_and_notes(book: gspread.Spreadsheet, emulator: EmulatorState) -> None:
    sheet = book.sheet1
    sheet.format("B2", {"backgroundColor": RED})
    sheet.insert_note("B2", "CNPJ inválido")
    stored = emulator.spreadsheet("t").sheet("Dados")
    assert stored.background("B2") == RED
    assert stored.note("B2") == "CNPJ inválido"
    assert sheet.get_note("B2") == "CNPJ inválido"
    assert sheet.get_notes()[1][1] == "CNPJ inválido"
    sheet.clear_note("B2")
    assert stored.note("B2") is None


def test_update_cells_and_repeat_cell_in_one_batch(
    book: gspread.Spreadsheet, emulator: EmulatorState
) -> None:
    sheet_id = book.sheet1.id
    book.batch_update(
        {
            "requests": [
                {
                    "updateCells": {
                        "start": {"sheetId": sheet_id, "rowIndex": 2, "columnIndex": 0},
                        "rows": [
                            {
                                "values": [
                                    {
                                        "userEnteredValue": {"stringValue": "=not a formula"},
                                        "note": "texto",
                                    },
                                    {"userEnteredValue": {"numberValue": 12.5}},
                                ]
                            }
                        ],
                        "fields": "userEnteredValue,note",
                    }
                },
                {
                    "repeatCell": {
                        "range": {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": 1},
                        "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                        "fields": "userEnteredFormat.textFormat.bold",
                    }
                },
            ]
        }
    )
    stored = emulator.spreadsheet("t").sheet("Dados")
    assert stored.value("A3") == "=not a formula"
    assert stored.value("B3") == 12.5
    assert stored.note("A3") == "texto"
    assert stored.format("Z1") == {"textFormat": {"bold": True}}
    assert book.sheet1.get("A3:B3") == [["=not a formula", "12,5"]]  # pt_BR


def test_a_refused_request_rolls_the_whole_batch_back(
    book: gspread.Spreadsheet, emulator: EmulatorState
) -> None:
    sheet_id = book.sheet1.id
    with pytest.raises(gspread.exceptions.APIError) as refused:
        book.batch_update(
            {
                "requests": [
                    {"addSheet": {"properties": {"title": "Nova"}}},
                    {"deleteSheet": {"sheetId": 999}},
                ]
            }
        )
    assert refused.value.error["message"] == "Invalid requests[1].deleteSheet: No grid with id: 999"
    assert [s.title for s in emulator.spreadsheet("t").sheets] == ["Dados"]
    with pytest.raises(gspread.exceptions.APIError) as refused:
        book.sheet1.hide()
    assert refused.value.error["message"] == (
        "Invalid requests[0].updateSheetProperties: You can't hide all the sheets in a document."
    )
    assert emulator.spreadsheet("t").sheet_by_id(sheet_id).hidden is False


def test_dimensions(book: gspread.Spreadsheet, emulator: EmulatorState) -> None:
    sheet = book.sheet1
    sheet.hide_columns(1, 3)
    stored = emulator.spreadsheet("t").sheet("Dados")
    assert stored.hidden_columns == [1, 2]
    sheet.hide_rows(0, 1)
    assert stored.hidden_rows == [0]
    sheet.insert_rows([["novo"]], row=1)
    assert sheet.get_all_values()[:2] == [["novo", "", ""], ["a", "b", "c"]]
    assert stored.hidden_rows == [1]  # moved down with its row
    sheet.delete_columns(2)  # gspread counts from 1: column B
    assert sheet.get_all_values() == [["novo", ""], ["a", "c"], ["d", "f"]]
    assert stored.hidden_columns == [1]  # C moved into B's place
    sheet.update_title("Renomeada")
    sheet.resize(rows=3, cols=2)
    assert (stored.title, stored.row_count, stored.column_count) == ("Renomeada", 3, 2)


def test_data_validation_and_spreadsheet_properties(
    book: gspread.Spreadsheet, emulator: EmulatorState
) -> None:
    sheet_id = book.sheet1.id
    rule = {"condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": "PIX"}]}}
    book.batch_update(
        {
            "requests": [
                {
                    "setDataValidation": {
                        "range": {"sheetId": sheet_id, "startRowIndex": 1, "endRowIndex": 2},
                        "rule": rule,
                    }
                },
                {
                    "updateSpreadsheetProperties": {
                        "properties": {"title": "Renomeada"},
                        "fields": "title",
                    }
                },
            ]
        }
    )
    stored = emulator.spreadsheet("t")
    assert stored.sheet("Dados").validations[(1, 0)] == rule
    assert stored.title == "Renomeada"
    assert gspread_title(book) == "Renomeada"


def gspread_title(book: gspread.Spreadsheet) -> str:
    return book.fetch_sheet_metadata({"fields": "properties.title"})["properties"]["title"]


def test_append_dimension_grows_the_grid(book: gspread.Spreadsheet) -> None:
    sheet = book.sheet1  # 1000 × 26: the sync appends its id column past column Z
    request = {"appendDimension": {"sheetId": sheet.id, "dimension": "COLUMNS", "length": 2}}
    book.batch_update({"requests": [request]})
    assert book.fetch_sheet_metadata()["sheets"][0]["properties"]["gridProperties"] == {
        "rowCount": 1000,
        "columnCount": 28,
    }
    assert book.values_get("Dados!AB1") == {"range": "Dados!AB1", "majorDimension": "ROWS"}


def test_unimplemented_requests_are_refused_clearly(book: gspread.Spreadsheet) -> None:
    with pytest.raises(gspread.exceptions.APIError) as refused:
        book.batch_update({"requests": [{"addChart": {}}]})
    assert refused.value.code == 400
    assert "addChart" in refused.value.error["message"]
