"""Write-back to Google Sheets: after a sync, the team sees its mistakes in its own spreadsheet.

Unmodified gspread and google-auth over HTTP on loopback to the Sheets API emulator; what the
tests check is read back through the API, as the Sheets web UI would show it: the fill and the
note of the wrong cell, the Pendências sheet with its links, the ID column's protection.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl.utils.cell import get_column_letter
from test_google_source import CHART_ROWS, NO_RETRY, Clock

from retaguarda.addin.marks import cell_marks
from retaguarda.sync.cli import main
from retaguarda.sync.emulator import create_emulator
from retaguarda.sync.emulator.quota import Quota
from retaguarda.sync.emulator.server import serving
from retaguarda.sync.google_api import gspread_client
from retaguarda.sync.google_source import Retry, pull_google
from retaguarda.sync.runner import SyncResult, sync_source
from retaguarda.sync.sources import add_source, list_sources
from retaguarda.sync.store.database import Store
from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.validate import Options, validate_paths

OPTIONS = Options(today=date(2026, 11, 25), closed_until=date(2025, 12, 31))
LEDGER = TEMPLATES["lancamentos"]
CHART = TEMPLATES["plano_de_contas"]
#: Excel's "bad" red, FFC7CE, as Google's Color (channels from 0 to 1)
RED = {"red": 1.0, "green": 199 / 255, "blue": 206 / 255}


def posting(n: int, value: object = "10,00") -> list[object]:
    return [f"0{n % 9 + 1}/03/2026", f"NF-{n}", "Venda", "1.1.02", "3.1.01", value, "", "", ""]


def book(*rows: list[object], ledger: str = LEDGER.sheet) -> dict[str, list[list[object]]]:
    return {CHART.sheet: CHART_ROWS, ledger: [[*LEDGER.headers], *rows]}


@pytest.fixture
def google(tmp_path):
    app = create_emulator(key_out=tmp_path / "key.json", quota=None)
    with serving(app) as base_url:
        state = app.extensions["sheets_emulator"]
        state.key_file = tmp_path / "key.json"
        state.client = gspread_client(tmp_path / "key.json", base_url)
        yield state


@pytest.fixture
def sqlite(tmp_path) -> Store:
    return Store.open(f"sqlite:///{tmp_path / 'retaguarda.db'}")


def sync(store: Store, google, spreadsheet: str = "loja", retry: Retry = NO_RETRY) -> SyncResult:
    """`sync_source` of the spreadsheet's source (registered on first use)."""
    known = [s for s in list_sources(store) if s.location == spreadsheet]
    source = known[0] if known else add_source(store, team="Loja", google=spreadsheet)
    pull = lambda sid: pull_google(google.client, sid, retry)  # noqa: E731
    return sync_source(store, source, OPTIONS, google=pull)


def sheets(google, spreadsheet: str = "loja") -> dict[str, dict[str, Any]]:
    """Every sheet with its cells, as spreadsheets.get answers them with grid data."""
    found = google.client.open_by_key(spreadsheet).fetch_sheet_metadata({"includeGridData": "true"})
    return {s["properties"]["title"]: s for s in found["sheets"]}


def cell(sheet: dict[str, Any], address: str) -> dict[str, Any]:
    """One CellData of a sheet read with grid data ({} for an empty cell)."""
    column = ord(address[0]) - ord("A")
    row = int(address[1:]) - 1
    rows = sheet["data"][0].get("rowData", [])
    values = rows[row].get("values", []) if row < len(rows) else []
    return values[column] if column < len(values) else {}


def text(sheet: dict[str, Any], address: str) -> str:
    return cell(sheet, address).get("formattedValue", "")


def pending_rows(sheet: dict[str, Any]) -> list[list[str]]:
    return [
        [v.get("formattedValue", "") for v in row.get("values", [])]
        for row in sheet["data"][0].get("rowData", [])
    ]


def spent(google, before: dict[str, int]) -> dict[str, int]:
    return {
        k: v - before.get(k, 0)
        for k, v in google.request_count.items()
        if k.startswith("spreadsheets") and v > before.get(k, 0)
    }


def test_the_wrong_cell_is_filled_noted_and_listed_with_a_link(google, store):
    google.add_spreadsheet("loja", "Loja", book(posting(1), posting(2, "12,3,4")))
    result = sync(store, google)
    assert (result.marked, result.marks_error) == (1, None)
    assert result.counts.quarantined == 1  # the sync itself went in as always

    found = sheets(google)
    ledger = found[LEDGER.sheet]
    wrong = cell(ledger, "F3")
    assert wrong["userEnteredFormat"]["backgroundColor"] == pytest.approx(RED)
    assert wrong["note"] == "Retaguarda:\n• Valor: “12,3,4” não é um número válido."
    assert text(ledger, "F3") == "12,3,4"  # the user's value is left as it was
    assert "note" not in cell(ledger, "F2")
    assert "userEnteredFormat" not in cell(ledger, "F2")

    # the Pendências sheet comes first, one row per mistake, its cell a link to the cell
    assert next(iter(found)) == "Pendências"
    pending = found["Pendências"]
    rows = pending_rows(pending)
    assert rows[0] == ["Aba", "Célula", "Tipo", "Código", "Problema", "Sugestão", "Problem (en)"]
    assert rows[1] == ["Lançamentos: 1 erro(s), 0 aviso(s)"]
    assert rows[2][:5] == [
        "Lançamentos",
        "F3",
        "erro",
        "number.invalid",
        "Valor: “12,3,4” não é um número válido.",
    ]
    ledger_id = ledger["properties"]["sheetId"]
    assert cell(pending, "B3")["hyperlink"] == f"#gid={ledger_id}&range=F3"

    # the add-in's record of its marks is there, hidden
    assert found["_retaguarda_marcas"]["properties"]["hidden"] is True

    # the ID column the sync wrote is protected, with a warning only
    (protected,) = ledger["protectedRanges"]
    assert protected["warningOnly"] is True
    assert protected["range"] == {
        "sheetId": ledger_id,
        "startColumnIndex": 9,  # J, after the template's nine columns
        "endColumnIndex": 10,
    }
    assert text(ledger, "J1") == "ID"


def test_the_fix_clears_the_mark_and_the_protection_is_not_added_again(google, sqlite):
    google.add_spreadsheet("loja", "Loja", book(posting(1), posting(2, "12,3,4")))
    sync(sqlite, google)
    worksheet = google.client.open_by_key("loja").worksheet(LEDGER.sheet)
    worksheet.update([["12,34"]], "F3", raw=True)

    fixed = sync(sqlite, google)
    assert (fixed.counts.released, fixed.marked, fixed.marks_error) == (1, 0, None)
    found = sheets(google)
    ledger = found[LEDGER.sheet]
    assert "note" not in cell(ledger, "F3")
    assert "backgroundColor" not in cell(ledger, "F3").get("userEnteredFormat", {})
    assert pending_rows(found["Pendências"])[1] == ["Nenhuma pendência encontrada."]
    assert "_retaguarda_marcas" not in found  # nothing left to undo
    assert [len(s.get("protectedRanges", [])) for s in found.values()] == [0, 1, 1]


def test_a_note_of_the_users_own_is_left_alone(google, sqlite):
    google.add_spreadsheet("loja", "Loja", book(posting(1), posting(2, "12,3,4")))
    worksheet = google.client.open_by_key("loja").worksheet(LEDGER.sheet)
    worksheet.update_note("F3", "conferir com a nota fiscal")
    sync(sqlite, google)
    wrong = cell(sheets(google)[LEDGER.sheet], "F3")
    assert wrong["note"] == "conferir com a nota fiscal"
    assert wrong["userEnteredFormat"]["backgroundColor"] == pytest.approx(RED)

    worksheet.update([["12,34"]], "F3", raw=True)
    sync(sqlite, google)
    fixed = cell(sheets(google)[LEDGER.sheet], "F3")
    assert fixed["note"] == "conferir com a nota fiscal"
    assert "backgroundColor" not in fixed.get("userEnteredFormat", {})


def test_a_value_that_looks_like_a_formula_lands_as_text(google, sqlite):
    # a sheet named like a formula: its name is copied into the Pendências sheet
    title = '=HYPERLINK("http://exemplo.invalid";"clique")'
    google.add_spreadsheet("loja", "Loja", book(posting(1, "12,3,4"), ledger=title))
    result = sync(sqlite, google)
    assert result.marked == 1
    pending = sheets(google)["Pendências"]
    heading, listed = cell(pending, "A2"), cell(pending, "A3")
    assert heading["userEnteredValue"] == {"stringValue": f"{title}: 1 erro(s), 0 aviso(s)"}
    assert listed["userEnteredValue"] == {"stringValue": title}
    assert listed["formattedValue"] == title  # shown as typed, never run
    mark_record = sheets(google)["_retaguarda_marcas"]
    assert cell(mark_record, "A2")["userEnteredValue"] == {"stringValue": title}


def test_one_batch_update_per_sync_however_many_cells_are_marked(google, sqlite):
    bad = [posting(n, "12,3,4") for n in range(1000)]
    google.add_spreadsheet("loja", "Loja", book(*bad))
    before = dict(google.request_count)
    first = sync(sqlite, google)
    assert first.marked == 1000
    # the pull's two reads and its write of the new ids, then the marks: one read of the
    # notes already on the cells to be noted, one batchUpdate
    assert spent(google, before) == {
        "spreadsheets.get": 2,
        "spreadsheets.values.batchGet": 1,
        "spreadsheets.batchUpdate": 2,
    }
    assert len(pending_rows(sheets(google)["Pendências"])) == 1002  # past a new sheet's 1,000

    worksheet = google.client.open_by_key("loja").worksheet(LEDGER.sheet)
    more = [[*posting(n, "1,2,3"), ""] for n in range(1000, 1100)]
    worksheet.update(more, "A1002", raw=True)
    before = dict(google.request_count)
    again = sync(sqlite, google)
    assert again.marked == 1100
    # the pull (ids of the new rows included), then the add-in's record read once and one
    # batchUpdate; the cells new to the record have their notes read once
    assert spent(google, before) == {
        "spreadsheets.get": 2,
        "spreadsheets.values.batchGet": 1,
        "spreadsheets.values.get": 1,
        "spreadsheets.batchUpdate": 2,
    }
    assert len(pending_rows(sheets(google)["Pendências"])) == 1102  # the sheet grew

    before = dict(google.request_count)
    sync(sqlite, google)
    assert spent(google, before) == {
        "spreadsheets.get": 1,
        "spreadsheets.values.batchGet": 1,
        "spreadsheets.values.get": 1,
        "spreadsheets.batchUpdate": 1,
    }


def test_a_quota_answer_on_the_marks_is_retried_with_backoff(tmp_path, sqlite):
    clock = Clock()
    quota = Quota(read_per_minute=None, write_per_minute=1, per_user_per_minute=None)
    app = create_emulator(key_out=tmp_path / "key.json", quota=quota)
    state = app.extensions["sheets_emulator"]
    state.quota.clock = clock
    state.add_spreadsheet("loja", "Loja", book(posting(1), posting(2, "12,3,4")))
    with serving(app) as base_url:
        state.client = gspread_client(tmp_path / "key.json", base_url)
        # the ids take the minute's one write; the marks meet the 429 and wait
        result = sync(sqlite, state, retry=Retry(sleep=clock.sleep))
        assert (result.marked, result.marks_error) == (1, None)
        assert len(clock.slept) == 1
        assert 0 <= clock.slept[0] <= 1  # the first wait: at most base·2⁰ seconds

        # a quota that does not recover within the attempts: reported, the sync kept
        state.spreadsheet("loja").sheet(LEDGER.sheet).write(2, 5, [["12,34"]])
        stuck = sync(sqlite, state, retry=Retry(attempts=3, sleep=lambda _: None))
    assert stuck.counts.released == 1
    assert stuck.marked is None
    assert stuck.marks_error == (
        "as pendências não foram marcadas na planilha: cota da API do Google esgotada; "
        "tente de novo em alguns minutos."
    )


def test_google_failing_for_a_moment_while_marking_is_retried(google, sqlite):
    google.add_spreadsheet("loja", "Loja", book(posting(1), posting(2, "12,3,4")))
    slept: list[float] = []

    def pull_then_fail(spreadsheet: str):
        pulled = pull_google(google.client, spreadsheet, Retry(sleep=slept.append))
        google.fail_next(500, 503)  # the write-back's first requests meet them
        return pulled

    source = add_source(sqlite, team="Loja", google="loja")
    result = sync_source(sqlite, source, OPTIONS, google=pull_then_fail)
    assert (result.marked, result.marks_error) == (1, None)
    assert len(slept) == 2  # one wait for each failure, within the back-off's bounds
    assert 0 <= slept[0] <= 1
    assert 0 <= slept[1] <= 2
    wrong = cell(sheets(google)[LEDGER.sheet], "F3")
    assert wrong["userEnteredFormat"]["backgroundColor"] == pytest.approx(RED)


def test_a_spreadsheet_shared_read_only_is_synced_and_the_marks_reported(google, sqlite):
    google.add_spreadsheet("loja", "Loja", book(posting(1), posting(2, "12,3,4")))
    sync(sqlite, google)
    google.spreadsheet("loja").sheet(LEDGER.sheet).write(2, 5, [["12,34"]])
    google.set_read_only("loja")
    result = sync(sqlite, google)
    assert result.counts.released == 1  # the fix reached the store
    assert result.marks_error == READ_ONLY

    # a new row: its id is refused, and the marks are not tried again (nothing more is sent)
    google.add_spreadsheet("nova", "Nova", book(posting(1, "12,3,4")))
    google.set_read_only("nova")
    before = dict(google.request_count)
    refused = sync(sqlite, google, "nova")
    assert (refused.read_only, refused.counts.quarantined) == (True, 1)
    assert refused.marks_error == READ_ONLY.replace("planilha loja", "planilha nova")
    assert spent(google, before)["spreadsheets.batchUpdate"] == 1  # the ids' only


READ_ONLY = (
    "as pendências não foram marcadas na planilha: a conta de serviço só pode ler a "
    "planilha loja: para ver as pendências marcadas nela, compartilhe-a como editor."
)


@pytest.fixture
def cli(google, tmp_path, monkeypatch):
    monkeypatch.setenv("RETAGUARDA_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("RETAGUARDA_GOOGLE_API_URL", google.base_url)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(google.key_file))
    monkeypatch.setenv("RETAGUARDA_TODAY", "2026-11-25")
    monkeypatch.delenv("RETAGUARDA_WRITE_BACK", raising=False)
    runner = CliRunner()
    google.add_spreadsheet("loja", "Loja", book(posting(1), posting(2, "12,3,4")))
    added = runner.invoke(main, ["sources", "add", "--team", "Loja", "--google", "loja"])
    assert added.exit_code == 0, added.output
    return lambda *args: runner.invoke(main, list(args))


def test_retaguarda_sync_marks_the_sheet_and_says_how_many_cells(cli, google):
    result = cli("sync")
    assert result.exit_code == 0, result.output
    assert "Células marcadas" in result.stdout
    found = sheets(google)
    assert cell(found[LEDGER.sheet], "F3")["note"].startswith("Retaguarda:")
    data = json.loads(cli("sync", "--format", "json").stdout)["sources"][0]
    assert (data["marked"], data["marks_error"]) == (1, None)


def test_retaguarda_sync_warns_when_the_marks_cannot_be_written(cli, google):
    cli("sync")
    google.set_read_only("loja")
    result = cli("sync")
    assert result.exit_code == 0  # the sync went in: a warning, not a failure
    said = " ".join(result.stderr.split())  # as wrapped to the terminal's width
    assert said.startswith("aviso em loja: as pendências não foram marcadas na planilha: ")
    assert said.endswith("compartilhe-a como editor.")


def test_write_back_can_be_turned_off(cli, google, monkeypatch):
    monkeypatch.setenv("RETAGUARDA_WRITE_BACK", "false")
    data = json.loads(cli("sync", "--format", "json").stdout)["sources"][0]
    assert (data["quarantined"], data["marked"]) == (1, None)
    found = sheets(google)
    assert set(found) == {CHART.sheet, LEDGER.sheet}  # no Pendências, no record
    assert "note" not in cell(found[LEDGER.sheet], "F3")
    assert "protectedRanges" not in found[LEDGER.sheet]


def test_the_samples_are_marked_as_validate_marks_the_files(google, sqlite):
    """The three teams' sample workbooks, synced as Google Sheets: every cell `validate`
    finds wrong in a file is filled in the spreadsheet, and nothing else."""
    samples = Path(__file__).parents[2] / "workbooks" / "samples"
    google.seed(samples)
    result = sync(sqlite, google, "matriz")
    expected = validate_paths([samples / "matriz.xlsx"], OPTIONS)
    wanted = {(m.sheet, m.cell) for m in cell_marks(expected.issues)}
    assert result.marked == len(wanted) > 0
    sheet_state = google.spreadsheet("matriz")
    filled = {
        (s.title, address)
        for s in sheet_state.sheets
        for address in _filled(s)
        if s.title not in ("Pendências", "_retaguarda_marcas")
    }
    assert filled == wanted


def _filled(sheet) -> list[str]:
    return [
        f"{get_column_letter(column + 1)}{row + 1}"
        for (row, column), found in sheet.formats.items()
        if "backgroundColor" in found
    ]
