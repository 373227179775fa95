"""Values through unmodified gspread: seeded workbooks, reads, writes, appends, Google's shapes."""

from __future__ import annotations

import time

import gspread
import pytest

from retaguarda.sync.emulator.state import EmulatorState

pytest_plugins = ["emulator_fixtures"]

DRIVE = "https://www.googleapis.com/drive/v3/files"


def test_seeded_workbook_reads_back(gc: gspread.Client) -> None:
    book = gc.open_by_key("matriz")
    assert book.title == "matriz"
    assert book.locale == "pt_BR"
    assert book.timezone == "America/Sao_Paulo"
    titles = [ws.title for ws in book.worksheets()]
    assert titles[:2] == ["Plano de contas", "Lançamentos"]
    assert "_retaguarda" in titles
    assert "_retaguarda" not in [ws.title for ws in book.worksheets(exclude_hidden=True)]
    ledger = book.worksheet("Lançamentos")
    rows = ledger.get_all_values()
    assert rows[0][:6] == [
        "Data",
        "Documento",
        "Histórico",
        "Conta débito",
        "Conta crédito",
        "Valor",
    ]
    # row 2 opens the year with the capital; row 3 is the first sale
    assert rows[2][:6] == ["03/01/2026", "LC-00078", rows[2][2], "1.1.04", "3.1.01", "4960,41"]
    raw = ledger.get("A3:F3", value_render_option="UNFORMATTED_VALUE")
    assert raw[0][0] == 46025  # 2026-01-03 as a Sheets serial number
    assert raw[0][5] == 4960.41
    dated = ledger.get(
        "A3", value_render_option="UNFORMATTED_VALUE", date_time_render_option="FORMATTED_STRING"
    )
    assert dated[0][0] == "03/01/2026"


def test_every_sample_workbook_is_seeded(emulator: EmulatorState) -> None:
    assert {"matriz", "filial_rio", "filial_sao_paulo"} <= set(emulator.spreadsheets)


def test_whole_sheet_range_is_the_grid_and_trailing_empties_go(
    gc: gspread.Client, emulator: EmulatorState
) -> None:
    emulator.add_spreadsheet("t", "T", {"Dados": [["a", None, "c", None], [], ["x"], [None], []]})
    answer = gc.open_by_key("t").values_get("Dados")
    assert answer["range"] == "Dados!A1:Z1000"
    assert answer["values"] == [["a", "", "c"], [], ["x"]]
    empty = gc.open_by_key("t").values_get("Dados!D5:E6")
    assert empty == {"range": "Dados!D5:E6", "majorDimension": "ROWS"}


def test_open_ranges_and_columns_major(gc: gspread.Client, emulator: EmulatorState) -> None:
    emulator.add_spreadsheet("t", "T", {"S": [[1, 2, 3], [4, 5, 6], [7, 8, 9]]})
    book = gc.open_by_key("t")
    assert book.values_get("S!B:C")["range"] == "S!B1:C1000"
    assert book.values_get("S!B2:C")["values"] == [["5", "6"], ["8", "9"]]
    assert book.values_get("S!2:3")["range"] == "S!A2:Z3"
    columns = book.values_get("S!A1:B3", params={"majorDimension": "COLUMNS"})
    assert columns["values"] == [["1", "4", "7"], ["2", "5", "8"]]


@pytest.mark.parametrize("title", ["Filial SP", "It's", "A1", "2025"])
def test_quoted_sheet_titles(gc: gspread.Client, emulator: EmulatorState, title: str) -> None:
    emulator.add_spreadsheet("t", "T", {title: [["v"]]})
    sheet = gc.open_by_key("t").worksheet(title)
    sheet.update([["a", "b"]], "B2")
    quoted = "'" + title.replace("'", "''") + "'"
    assert gc.open_by_key("t").values_get(f"{quoted}!A1:C2")["range"] == f"{quoted}!A1:C2"
    assert sheet.get_all_values() == [["v", "", ""], ["", "a", "b"]]


def test_update_raw_and_user_entered(gc: gspread.Client) -> None:
    sheet = gc.create("novo").sheet1
    answer = sheet.update([["0042", "=1+1", "05/03/2026"]], "A1", value_input_option="RAW")
    assert answer["updatedRange"] == "Sheet1!A1:C1"
    assert answer["updatedCells"] == 3
    sheet.update(
        [["0042", "=A2*2", "2026-03-05", "TRUE", "12%", "'0042"]],
        "A2",
        value_input_option="USER_ENTERED",
    )
    raw = sheet.get("A1:F2", value_render_option="UNFORMATTED_VALUE")
    assert raw[0] == ["0042", "=1+1", "05/03/2026"]  # RAW: text, even the formula
    assert raw[1] == [42, 84, 46086, True, 0.12, "0042"]
    shown = sheet.get("A2:F2")
    assert shown[0] == ["42", "84", "2026-03-05", "TRUE", "12%", "0042"]
    assert sheet.get("B2", value_render_option="FORMULA") == [["=A2*2"]]


def test_user_entered_uses_the_spreadsheet_locale(
    gc: gspread.Client, emulator: EmulatorState
) -> None:
    emulator.add_spreadsheet("t", "T", {"S": [[]]})
    sheet = gc.open_by_key("t").sheet1
    sheet.update(
        [["1.234,56", "05/03/2026", "VERDADEIRO"]], "A1", value_input_option="USER_ENTERED"
    )
    assert sheet.get("A1:C1", value_render_option="UNFORMATTED_VALUE") == [[1234.56, 46086, True]]
    assert sheet.get("A1:C1") == [["1.234,56", "05/03/2026", "VERDADEIRO"]]


def test_write_past_the_grid_grows_it_and_range_ends_hold(gc: gspread.Client) -> None:
    sheet = gc.create("novo").sheet1
    sheet.update([["x"]], "AB1500")
    sheet = gc.open_by_key(sheet.spreadsheet_id).sheet1
    assert (sheet.row_count, sheet.col_count) == (1500, 28)
    with pytest.raises(gspread.exceptions.APIError) as refused:
        sheet.update([["a", "b", "c"]], "A1:B1")
    assert refused.value.code == 400
    assert "tried writing to column [C]" in refused.value.error["message"]


def test_google_cell_limit(gc: gspread.Client) -> None:
    sheet = gc.create("novo").sheet1
    with pytest.raises(gspread.exceptions.APIError) as refused:
        sheet.update([["x"]], "Z500000")
    assert refused.value.code == 400
    assert "above the limit of 10000000 cells" in refused.value.error["message"]


def test_append_row_finds_the_table(gc: gspread.Client, emulator: EmulatorState) -> None:
    emulator.add_spreadsheet("t", "T", {"S": [["h1", "h2"], ["a", "b"], [], ["later"]]})
    sheet = gc.open_by_key("t").sheet1
    answer = sheet.append_row(["c", "d"])  # after the first table, into the blank row
    assert answer["tableRange"] == "S!A1:B2"
    assert answer["updates"]["updatedRange"] == "S!A3:B3"
    # The blank row is filled, so the table now runs down to "later"; INSERT_ROWS adds a row.
    sheet.update([["below"]], "A6")
    answer = sheet.append_row(["e", "f"], insert_data_option="INSERT_ROWS", table_range="A1")
    assert answer["tableRange"] == "S!A1:B4"
    assert sheet.get_all_values() == [
        ["h1", "h2"],
        ["a", "b"],
        ["c", "d"],
        ["later", ""],
        ["e", "f"],
        ["", ""],
        ["below", ""],
    ]


def test_append_after_a_row_with_gaps_follows_its_last_block(
    gc: gspread.Client, emulator: EmulatorState
) -> None:
    emulator.add_spreadsheet("t", "T", {"S": [["x", None, "y"]]})
    sheet = gc.open_by_key("t").sheet1
    answer = sheet.append_row(["1", "", "3"])  # as Google answered gspread's own test
    assert answer["tableRange"] == "S!C1"
    assert answer["updates"]["updatedRange"] == "S!C2:E2"
    answer = sheet.append_row(["1", "", "3"], table_range="A1")
    assert answer["tableRange"] == "S!A1"


def test_batch_get_and_batch_clear(gc: gspread.Client, emulator: EmulatorState) -> None:
    emulator.add_spreadsheet("t", "T", {"S": [["a", "b"], ["c", "d"]], "Outra": [["z"]]})
    book = gc.open_by_key("t")
    got = book.values_batch_get(["S!A:A", "Outra"])
    assert [r["values"] for r in got["valueRanges"]] == [[["a"], ["c"]], [["z"]]]
    cleared = book.values_batch_clear(body={"ranges": ["S!A1:A2"]})
    assert cleared["clearedRanges"] == ["S!A1:A2"]
    assert emulator.spreadsheet("t").sheet("S").values() == [["", "b"], ["", "d"]]


def test_bad_values_and_ranges_get_googles_400(gc: gspread.Client, emulator: EmulatorState) -> None:
    emulator.add_spreadsheet("t", "T", {"S": [["a"]]})
    book = gc.open_by_key("t")
    with pytest.raises(gspread.exceptions.APIError) as refused:
        book.values_get("Nope!A1")
    assert refused.value.error == {
        "code": 400,
        "message": "Unable to parse range: Nope!A1",
        "status": "INVALID_ARGUMENT",
    }
    with pytest.raises(gspread.exceptions.APIError) as refused:
        book.values_update("S!A1", params={"valueInputOption": "RAW"}, body={"values": "X"})
    assert refused.value.error["message"] == (
        "Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), \"X\""
    )


def test_unknown_spreadsheet_is_googles_404(gc: gspread.Client) -> None:
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        gc.open_by_key("nope")


def test_read_only_spreadsheet(gc: gspread.Client, emulator: EmulatorState) -> None:
    emulator.set_read_only("matriz", True)
    sheet = gc.open_by_key("matriz").sheet1
    assert sheet.acell("A1").value == "Código"
    with pytest.raises(gspread.exceptions.APIError) as refused:
        sheet.update_acell("A1", "x")
    assert refused.value.code == 403
    assert refused.value.error == {
        "code": 403,
        "message": "The caller does not have permission",
        "status": "PERMISSION_DENIED",
    }
    drive = gc.http_client.request(
        "get", f"{DRIVE}/matriz", params={"fields": "id,capabilities(canEdit)"}
    ).json()
    assert drive == {"id": "matriz", "capabilities": {"canEdit": False}}


def test_drive_modified_time_moves_after_a_write(gc: gspread.Client) -> None:
    book = gc.open_by_key("matriz")
    fields = {"fields": "id,name,mimeType,modifiedTime"}

    def modified() -> str:
        return gc.http_client.request("get", f"{DRIVE}/matriz", params=fields).json()

    before = modified()
    assert before["mimeType"] == "application/vnd.google-apps.spreadsheet"
    assert len(before["modifiedTime"]) == len("2023-08-17T10:53:41.893Z")
    time.sleep(0.002)
    book.sheet1.update_acell("A1", "Código da conta")
    assert modified()["modifiedTime"] > before["modifiedTime"]


def test_drive_create_and_delete(gc: gspread.Client, emulator: EmulatorState) -> None:
    book = gc.create("Nova planilha")
    assert len(book.id) == 44
    sheet = book.sheet1
    assert (sheet.title, sheet.id, sheet.row_count, sheet.col_count) == ("Sheet1", 0, 1000, 26)
    assert gc.open("Nova planilha").id == book.id
    gc.del_spreadsheet(book.id)
    assert book.id not in emulator.spreadsheets
    answer = gc.http_client.request
    with pytest.raises(gspread.exceptions.APIError) as refused:
        answer("delete", f"{DRIVE}/{book.id}")
    assert refused.value.code == 404
    assert refused.value.error["message"] == f"File not found: {book.id}."
