"""The sizes a real company sheet reaches: 100,000 rows must stay fast end to end."""

from __future__ import annotations

import time

import gspread

from retaguarda.sync.emulator.state import EmulatorState

pytest_plugins = ["emulator_fixtures"]

ROWS = 100_000


def test_hundred_thousand_rows(gc: gspread.Client, emulator: EmulatorState) -> None:
    rows = [[f"r{i}c{j}" if j % 2 else i * 1.5 for j in range(10)] for i in range(ROWS)]
    emulator.add_spreadsheet("big", "Big", {"Dados": rows})
    book = gc.open_by_key("big")

    started = time.perf_counter()
    got = book.values_batch_get(["Dados"], params={"valueRenderOption": "UNFORMATTED_VALUE"})
    read_seconds = time.perf_counter() - started
    values = got["valueRanges"][0]["values"]
    assert len(values) == ROWS
    assert values[-1][:2] == [(ROWS - 1) * 1.5, f"r{ROWS - 1}c1"]

    column = [[i] for i in range(ROWS)]
    started = time.perf_counter()
    answer = book.values_batch_update(
        {"valueInputOption": "RAW", "data": [{"range": "Dados!K1", "values": column}]}
    )
    write_seconds = time.perf_counter() - started
    assert answer["totalUpdatedCells"] == ROWS
    assert emulator.spreadsheet("big").sheet("Dados").value(f"K{ROWS}") == ROWS - 1

    # Round trips through gspread, JSON both ways included; the emulator's share is ~0.3 s each.
    assert read_seconds < 3, read_seconds
    assert write_seconds < 3, write_seconds
