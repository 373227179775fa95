"""Protected and named ranges through unmodified gspread, shaped as Google answers them."""

from __future__ import annotations

import gspread
import pytest

from retaguarda.sync.emulator.state import EmulatorState

pytest_plugins = ["emulator_fixtures"]


@pytest.fixture
def sheet(gc: gspread.Client, emulator: EmulatorState) -> gspread.Worksheet:
    emulator.add_spreadsheet(
        "r",
        "Intervalos",
        {"Resumo": [], "Lançamentos": [["id", "valor"], ["L-1", 10], ["L-2", 20], ["L-3", 12.5]]},
        locale="en_US",
    )
    return gc.open_by_key("r").worksheet("Lançamentos")


def test_a_protected_range_is_listed_with_the_owner_as_editor(
    sheet: gspread.Worksheet, emulator: EmulatorState
) -> None:
    answer = sheet.add_protected_range("A1:A4", description="ids da sincronização")
    protected = answer["replies"][0]["addProtectedRange"]["protectedRange"]
    assert protected["range"] == {
        "sheetId": sheet.id,
        "startRowIndex": 0,
        "endRowIndex": 4,
        "startColumnIndex": 0,
        "endColumnIndex": 1,
    }
    assert protected["description"] == "ids da sincronização"
    assert "warningOnly" not in protected
    listed = sheet.spreadsheet.list_protected_ranges(sheet.id)
    assert [p["protectedRangeId"] for p in listed] == [protected["protectedRangeId"]]
    assert listed[0]["editors"] == {"users": [emulator.key["client_email"]]}
    assert listed[0]["requestingUserCanEdit"] is True


def test_the_owner_still_writes_into_protected_ranges(sheet: gspread.Worksheet) -> None:
    sheet.add_protected_range("A1:A4", warning_only=True)
    sheet.add_protected_range("B1:B4")
    sheet.update([["L-9", 99]], "A2")
    assert sheet.get("A2:B2") == [["L-9", "99"]]
    warning = sheet.spreadsheet.list_protected_ranges(sheet.id)[0]
    assert warning["warningOnly"] is True


def test_a_protected_range_is_updated_and_deleted(sheet: gspread.Worksheet) -> None:
    answer = sheet.add_protected_range("A1:A4", warning_only=True)
    range_id = answer["replies"][0]["addProtectedRange"]["protectedRange"]["protectedRangeId"]
    body = {"protectedRangeId": range_id, "description": "ids", "warningOnly": False}
    request = {
        "updateProtectedRange": {"protectedRange": body, "fields": "description,warningOnly"}
    }
    sheet.spreadsheet.batch_update({"requests": [request]})
    (changed,) = sheet.spreadsheet.list_protected_ranges(sheet.id)
    assert changed["description"] == "ids"
    assert "warningOnly" not in changed
    sheet.delete_protected_range(range_id)
    assert sheet.spreadsheet.list_protected_ranges(sheet.id) == []


def test_deleting_an_unknown_protected_range_is_googles_400(sheet: gspread.Worksheet) -> None:
    with pytest.raises(gspread.exceptions.APIError) as raised:
        sheet.delete_protected_range("12345")
    assert raised.value.response.status_code == 400
    assert "No protected range with id: 12345" in str(raised.value)


def test_a_named_range_is_listed_read_and_written(sheet: gspread.Worksheet) -> None:
    answer = sheet.define_named_range("B2:B4", "Valores")
    named = answer["replies"][0]["addNamedRange"]["namedRange"]
    assert named["name"] == "Valores"
    assert named["namedRangeId"].isdigit()
    book = sheet.spreadsheet
    assert book.list_named_ranges() == [
        {
            "namedRangeId": named["namedRangeId"],
            "name": "Valores",
            "range": {
                "sheetId": sheet.id,
                "startRowIndex": 1,
                "endRowIndex": 4,
                "startColumnIndex": 1,
                "endColumnIndex": 2,
            },
        }
    ]
    read = book.values_get("Valores", params={"valueRenderOption": "UNFORMATTED_VALUE"})
    assert read["range"] == "'Lançamentos'!B2:B4"
    assert read["values"] == [[10], [20], [12.5]]
    book.values_update("Valores", {"valueInputOption": "RAW"}, {"values": [[1], [2], [3]]})
    assert [cell.value for cell in book.named_range("Valores")] == ["1", "2", "3"]


def test_a_formula_sums_a_named_range(sheet: gspread.Worksheet) -> None:
    sheet.define_named_range("B2:B4", "Valores")
    sheet.update([["=SUM(Valores)"]], "C1", value_input_option="USER_ENTERED")
    assert sheet.get("C1", value_render_option="UNFORMATTED_VALUE") == [[42.5]]


def test_a_named_range_is_renamed_moved_and_deleted(sheet: gspread.Worksheet) -> None:
    answer = sheet.define_named_range("A1:A2", "Ids")
    named_id = answer["replies"][0]["addNamedRange"]["namedRange"]["namedRangeId"]
    body = {
        "namedRangeId": named_id,
        "name": "Codigos",
        "range": {"sheetId": sheet.id, "startRowIndex": 2, "endRowIndex": 4, "endColumnIndex": 1},
    }
    request = {"updateNamedRange": {"namedRange": body, "fields": "name,range"}}
    sheet.spreadsheet.batch_update({"requests": [request]})
    assert sheet.spreadsheet.values_get("Codigos")["values"] == [["L-2"], ["L-3"]]
    sheet.delete_named_range(named_id)
    assert sheet.spreadsheet.list_named_ranges() == []
    with pytest.raises(gspread.exceptions.APIError):
        sheet.spreadsheet.values_get("Codigos")


def test_a_named_range_name_is_unique_and_not_a_cell(sheet: gspread.Worksheet) -> None:
    sheet.define_named_range("A1:A2", "Ids")
    for name in ("ids", "B12", "1abc"):
        with pytest.raises(gspread.exceptions.APIError) as raised:
            sheet.define_named_range("A1:A2", name)
        assert raised.value.response.status_code == 400


def test_ranges_follow_inserted_and_deleted_columns_and_rows(sheet: gspread.Worksheet) -> None:
    """The sync's protected id column stays on the ids when a user inserts a column before it."""
    sheet.add_protected_range("A:A", warning_only=True)
    sheet.define_named_range("B2:B4", "Valores")
    sheet.insert_cols([["novo"]], 1)  # a new column A: ids now in B, values in C
    (protected,) = sheet.spreadsheet.list_protected_ranges(sheet.id)
    assert protected["range"] == {"sheetId": sheet.id, "startColumnIndex": 1, "endColumnIndex": 2}
    assert sheet.spreadsheet.values_get("Valores")["values"] == [["10"], ["20"], ["12.5"]]
    sheet.insert_row(["L-0", 5], 3)  # inside the named range: it grows
    assert sheet.spreadsheet.list_named_ranges()[0]["range"]["endRowIndex"] == 5
    sheet.delete_rows(3)  # inside it again: it shrinks back
    assert sheet.spreadsheet.values_get("Valores")["values"] == [["10"], ["20"], ["12.5"]]


def test_a_teams_protected_range_refuses_the_service_account(
    sheet: gspread.Worksheet, emulator: EmulatorState
) -> None:
    sheet.add_protected_range("B1:B4")  # protected by the team, for the team only
    sheet.add_protected_range("A1:A4", warning_only=True)
    emulator.set_owner("r", "equipe@empresa.com.br")  # the service account is an editor now
    with pytest.raises(gspread.exceptions.APIError) as refused:
        sheet.update([["L-9", 99]], "A2")
    assert refused.value.response.status_code == 400
    assert "protected cell or object" in str(refused.value)
    assert sheet.get("A2:B2") == [["L-1", "10"]]  # nothing written
    sheet.update([["L-9"]], "A2")  # the warning-only range never refuses
    ids = {"sheetId": sheet.id, "rowIndex": 2, "columnIndex": 1}
    cell = {"userEnteredValue": {"numberValue": 5}}
    request = {"updateCells": {"start": ids, "rows": [{"values": [cell]}], "fields": "*"}}
    with pytest.raises(gspread.exceptions.APIError):
        sheet.spreadsheet.batch_update({"requests": [request]})
    assert sheet.get("A2:B3") == [["L-9", "10"], ["L-2", "20"]]
