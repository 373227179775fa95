"""Formula cells through unmodified gspread: computed values, Google's forms, errors, references."""

from __future__ import annotations

from pathlib import Path

import gspread
from openpyxl import Workbook

from retaguarda.sync.emulator import create_emulator, serving
from retaguarda.sync.emulator.state import EmulatorState
from retaguarda.sync.google_api import gspread_client

pytest_plugins = ["emulator_fixtures"]


def sheet_with_numbers(gc: gspread.Client, emulator: EmulatorState) -> gspread.Worksheet:
    emulator.add_spreadsheet(
        "f", "Fórmulas", {"Dados": [["Valor"], [1], [2], [3.5]], "Sheet 2": [[10]]}, locale="en_US"
    )
    return gc.open_by_key("f").worksheet("Dados")


def test_sum_is_computed_in_each_render_option(gc: gspread.Client, emulator: EmulatorState) -> None:
    sheet = sheet_with_numbers(gc, emulator)
    sheet.update([["=SUM(A2:A5)"]], "A6", value_input_option="USER_ENTERED")
    assert sheet.get("A6") == [["6.5"]]
    assert sheet.get("A6", value_render_option="UNFORMATTED_VALUE") == [[6.5]]
    assert sheet.get("A6", value_render_option="FORMULA") == [["=SUM(A2:A5)"]]
    assert sheet.acell("A6").value == "6.5"


def test_a_result_follows_later_writes(gc: gspread.Client, emulator: EmulatorState) -> None:
    sheet = sheet_with_numbers(gc, emulator)
    sheet.update([["=SUM(A2:A4)*2", "=B1+1"]], "B1", value_input_option="USER_ENTERED")
    sheet.update([[4]], "A2")
    assert sheet.get("B1:C1", value_render_option="UNFORMATTED_VALUE") == [[19, 20]]


def test_whole_numbers_and_text_results(gc: gspread.Client, emulator: EmulatorState) -> None:
    sheet = sheet_with_numbers(gc, emulator)
    formulas = [["=A3*2", '=A1&" total"', '=IF(A4>3,"alto","baixo")', "=A2>1"]]
    sheet.update(formulas, "B1", value_input_option="USER_ENTERED")
    assert sheet.get("B1:E1", value_render_option="UNFORMATTED_VALUE") == [
        [4, "Valor total", "alto", False]
    ]
    assert sheet.get("B1:E1") == [["4", "Valor total", "alto", "FALSE"]]
    sheet.update([["=ROW(A5)+ROWS(A1:B2)"]], "F1", value_input_option="USER_ENTERED")
    assert sheet.get("F1") == [["7"]]


def test_errors_are_answered_as_google_shows_them(
    gc: gspread.Client, emulator: EmulatorState
) -> None:
    sheet = sheet_with_numbers(gc, emulator)
    cells = [["=A2/0", "='Não existe'!A1", "=NAOEXISTE(1)", "=SOMA_INEXISTENTE", "=1+"]]
    sheet.update(cells, "C1", value_input_option="USER_ENTERED")
    expected = [["#DIV/0!", "#REF!", "#NAME?", "#NAME?", "#ERROR!"]]
    assert sheet.get("C1:G1") == expected
    assert sheet.get("C1:G1", value_render_option="UNFORMATTED_VALUE") == expected
    assert sheet.get("C1:G1", value_render_option="FORMULA") == cells


def test_a_cycle_is_a_ref_error(gc: gspread.Client, emulator: EmulatorState) -> None:
    sheet = sheet_with_numbers(gc, emulator)
    sheet.update([["=D1+1", "=C1+1"]], "C1", value_input_option="USER_ENTERED")
    assert sheet.get("C1:D1") == [["#REF!", "#REF!"]]


def test_references_to_another_sheet(gc: gspread.Client, emulator: EmulatorState) -> None:
    sheet = sheet_with_numbers(gc, emulator)
    sheet.update(
        [["='Sheet 2'!A1*3", "=SUM('Sheet 2'!A1, Dados!A2)"]],
        "B2",
        value_input_option="USER_ENTERED",
    )
    assert sheet.get("B2:C2", value_render_option="UNFORMATTED_VALUE") == [[30, 11]]


def test_formatted_value_follows_the_number_format(
    gc: gspread.Client, emulator: EmulatorState
) -> None:
    sheet = sheet_with_numbers(gc, emulator)
    sheet.update([["=A2/3"]], "B1", value_input_option="USER_ENTERED")
    assert sheet.get("B1") == [["0.3333333333"]]
    sheet.format("B1", {"numberFormat": {"type": "NUMBER", "pattern": "#,##0.00"}})
    assert sheet.get("B1") == [["0.33"]]


def test_grid_data_has_the_formula_and_its_value(
    gc: gspread.Client, emulator: EmulatorState
) -> None:
    sheet = sheet_with_numbers(gc, emulator)
    sheet.update([["=SUM(A2:A4)", "=1/0"]], "B1", value_input_option="USER_ENTERED")
    book = gc.open_by_key("f")
    data = book.fetch_sheet_metadata({"includeGridData": "true", "ranges": "Dados!B1:C1"})
    total, error = data["sheets"][0]["data"][0]["rowData"][0]["values"]
    assert total["userEnteredValue"] == {"formulaValue": "=SUM(A2:A4)"}
    assert total["effectiveValue"] == {"numberValue": 6.5}
    assert total["formattedValue"] == "6.5"
    assert error["effectiveValue"]["errorValue"]["type"] == "DIVIDE_BY_ZERO"
    assert error["formattedValue"] == "#DIV/0!"


def test_typed_thousands_keep_their_separators(gc: gspread.Client, emulator: EmulatorState) -> None:
    sheet = sheet_with_numbers(gc, emulator)
    sheet.update([["2,000,000.01", "1,234"]], "B1", value_input_option="USER_ENTERED")
    assert sheet.get("B1:C1") == [["2,000,000.01", "1,234"]]
    assert sheet.get("B1:C1", value_render_option="UNFORMATTED_VALUE") == [[2000000.01, 1234]]


def test_sum_skips_text_in_a_range_but_a_cell_reference_converts_it(
    gc: gspread.Client, emulator: EmulatorState
) -> None:
    emulator.add_spreadsheet("t", "Texto", {"S": [["0042"], [1], ["abc"]]}, locale="en_US")
    sheet = gc.open_by_key("t").sheet1
    sheet.update(
        [["=SUM(A1:A3)", "=A1+1", "=COUNTA(A1:A3)"]], "B1", value_input_option="USER_ENTERED"
    )
    assert sheet.get("B1:D1", value_render_option="UNFORMATTED_VALUE") == [[1, 43, 3]]


def test_references_follow_inserted_and_deleted_rows(
    gc: gspread.Client, emulator: EmulatorState
) -> None:
    sheet = sheet_with_numbers(gc, emulator)  # Valor, 1, 2, 3.5 in A1:A4
    sheet.update([["=SUM(A2:A4)", "=A4*2"]], "C1", value_input_option="USER_ENTERED")
    other = sheet.spreadsheet.worksheet("Sheet 2")
    other.update([["=Dados!A3"]], "B1", value_input_option="USER_ENTERED")
    sheet.insert_row([4], 3)  # a new row 3, inside the total's rows
    assert sheet.get("C1:D1", value_render_option="FORMULA") == [["=SUM(A2:A5)", "=A5*2"]]
    assert sheet.get("C1:D1", value_render_option="UNFORMATTED_VALUE") == [[10.5, 7]]
    assert other.get("B1", value_render_option="FORMULA") == [["=Dados!A4"]]
    sheet.delete_rows(5)  # the 3.5
    assert sheet.get("C1:D1", value_render_option="FORMULA") == [["=SUM(A2:A4)", "=#REF!*2"]]
    assert sheet.get("C1:D1") == [["7", "#REF!"]]


def test_references_follow_a_renamed_sheet(gc: gspread.Client, emulator: EmulatorState) -> None:
    sheet = sheet_with_numbers(gc, emulator)
    sheet.update([["='Sheet 2'!A1+1"]], "C1", value_input_option="USER_ENTERED")
    sheet.spreadsheet.worksheet("Sheet 2").update_title("Resumo")
    assert sheet.get("C1", value_render_option="FORMULA") == [["=Resumo!A1+1"]]
    assert sheet.get("C1", value_render_option="UNFORMATTED_VALUE") == [[11]]


def test_a_copied_formula_moves_its_relative_references(
    gc: gspread.Client, emulator: EmulatorState
) -> None:
    sheet = sheet_with_numbers(gc, emulator)  # Valor, 1, 2, 3.5 in A1:A4
    sheet.update([["=A2*$A$2"]], "B2", value_input_option="USER_ENTERED")
    sheet.copy_range("B2", "B3:B4")
    assert sheet.get("B2:B4", value_render_option="FORMULA") == [
        ["=A2*$A$2"],
        ["=A3*$A$2"],
        ["=A4*$A$2"],
    ]
    assert sheet.get("B2:B4", value_render_option="UNFORMATTED_VALUE") == [[1], [2], [3.5]]
    sheet.cut_range("B4", "C1")
    assert sheet.get("C1", value_render_option="FORMULA") == [["=A4*$A$2"]]


def test_google_functions_the_engine_lacks(gc: gspread.Client, emulator: EmulatorState) -> None:
    sheet = sheet_with_numbers(gc, emulator)
    cells = [
        [
            '=HYPERLINK("#gid=0&range=A2","A2")',
            '=HYPERLINK("https://exemplo.com.br")',
            '=REGEXMATCH("NF-123","^NF-[0-9]+$")',
            '=REGEXEXTRACT("NF-123","[0-9]+")',
            '=REGEXREPLACE("NF-123","NF-([0-9]+)","nota $1")',
            '=REGEXEXTRACT("abc","[0-9]+")',
        ]
    ]
    sheet.update(cells, "B1", value_input_option="USER_ENTERED")
    assert sheet.get("B1:G1") == [
        ["A2", "https://exemplo.com.br", "TRUE", "123", "nota 123", "#N/A"]
    ]


def test_a_long_running_balance_is_computed(gc: gspread.Client, emulator: EmulatorState) -> None:
    """A bank statement's balance column: each row's formula reads the row above."""
    rows = [["Saldo", 100]] + [[f"=A{n - 1}+B{n}", 1] for n in range(2, 5002)]
    emulator.add_spreadsheet("s", "Extrato", {"S": []}, locale="en_US")
    sheet = gc.open_by_key("s").sheet1
    sheet.update([[100, 0]], "A1")
    sheet.update([row for row in rows[1:]], "A2", value_input_option="USER_ENTERED")
    assert sheet.get("A5001", value_render_option="UNFORMATTED_VALUE") == [[5100]]


def test_a_seeded_workbook_keeps_its_formulas(tmp_path: Path) -> None:
    """openpyxl saves no computed values: the totals exist only as formulas."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Lançamentos"
    for row in (["Valor"], [1], [2], [3.5]):
        sheet.append(row)
    sheet["A5"] = "=SUM(A2:A4)"
    seed = tmp_path / "seed"
    seed.mkdir()
    book.save(seed / "equipe.xlsx")
    key = tmp_path / "key.json"
    with serving(create_emulator(seed=seed, key_out=key)) as url:
        seeded = gspread_client(key, url).open_by_key("equipe").sheet1
        assert seeded.get("A5", value_render_option="FORMULA") == [["=SUM(A2:A4)"]]
        assert seeded.get("A5", value_render_option="UNFORMATTED_VALUE") == [[6.5]]
