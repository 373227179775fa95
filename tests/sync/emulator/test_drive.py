"""Drive copy, export and CSV import through unmodified gspread."""

from __future__ import annotations

import gspread
from gspread.utils import ExportFormat

from retaguarda.sync.emulator.state import EmulatorState

pytest_plugins = ["emulator_fixtures"]


def test_copy_keeps_sheets_values_and_named_ranges(
    gc: gspread.Client, emulator: EmulatorState
) -> None:
    emulator.add_spreadsheet("c", "Orçamento", {"Dados": [["a", 1], ["b", 2]], "Notas": []})
    gc.open_by_key("c").sheet1.define_named_range("B1:B2", "Valores")
    copy = gc.copy("c")
    assert copy.title == "Copy of Orçamento"
    assert [ws.title for ws in copy.worksheets()] == ["Dados", "Notas"]
    assert copy.sheet1.get_all_values() == [["a", "1"], ["b", "2"]]
    assert [n["name"] for n in copy.list_named_ranges()] == ["Valores"]
    copy.sheet1.update([["mudou"]], "A1")
    assert gc.open_by_key("c").sheet1.acell("A1").value == "a"


def test_export_is_the_first_sheet_as_shown(gc: gspread.Client, emulator: EmulatorState) -> None:
    rows = [["nome", "valor"], ["Ana, Bia", 1234.5], ["só nome"]]
    emulator.add_spreadsheet("e", "Export", {"Dados": rows, "Outra": [["x"]]}, locale="en_US")
    exported = gc.export("e", ExportFormat.CSV)
    assert exported == 'nome,valor\r\n"Ana, Bia",1234.5\r\nsó nome,'.encode()
    assert (
        gc.export("e", ExportFormat.TSV) == "nome\tvalor\r\nAna, Bia\t1234.5\r\nsó nome\t".encode()
    )


def test_import_csv_replaces_the_sheets(gc: gspread.Client, emulator: EmulatorState) -> None:
    book = gc.create("Importada")
    book.add_worksheet("Velha", 10, 10)
    gc.import_csv(book.id, "data,valor\n2026-03-05,12.5\n")
    book = gc.open_by_key(book.id)
    assert [ws.title for ws in book.worksheets()] == ["Importada"]
    values = book.sheet1.get_all_values(value_render_option="UNFORMATTED_VALUE")
    assert values == [["data", "valor"], [46086, 12.5]]
