"""The sizes a real company sheet reaches: 100,000 rows read and written whole, in one call
each. How fast is measured in benchmarks/sync.py, not here."""

from __future__ import annotations

import gspread

from retaguarda.sync.emulator.state import EmulatorState

pytest_plugins = ["emulator_fixtures"]

ROWS = 100_000


def test_hundred_thousand_rows(gc: gspread.Client, emulator: EmulatorState) -> None:
    rows = [[f"r{i}c{j}" if j % 2 else i * 1.5 for j in range(10)] for i in range(ROWS)]
    emulator.add_spreadsheet("big", "Big", {"Dados": rows})
    book = gc.open_by_key("big")

    got = book.values_batch_get(["Dados"], params={"valueRenderOption": "UNFORMATTED_VALUE"})
    values = got["valueRanges"][0]["values"]
    assert len(values) == ROWS
    assert values[-1][:2] == [(ROWS - 1) * 1.5, f"r{ROWS - 1}c1"]

    column = [[i] for i in range(ROWS)]
    answer = book.values_batch_update(
        {"valueInputOption": "RAW", "data": [{"range": "Dados!K1", "values": column}]}
    )
    assert answer["totalUpdatedCells"] == ROWS
    assert emulator.spreadsheet("big").sheet("Dados").value(f"K{ROWS}") == ROWS - 1
