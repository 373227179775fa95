"""Google sources end to end: unmodified gspread and google-auth, over HTTP on loopback, to the
Sheets API emulator, then into a real store (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from retaguarda.sync.cli import main
from retaguarda.sync.emulator import create_emulator
from retaguarda.sync.emulator.quota import Quota
from retaguarda.sync.emulator.server import serving
from retaguarda.sync.google_api import gspread_client
from retaguarda.sync.google_source import GoogleError, Retry, pull_google
from retaguarda.sync.pull import HASHED
from retaguarda.sync.runner import sync_source
from retaguarda.sync.sources import add_source
from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.validate import Options, validate_paths
from retaguarda.validators.issues import Severity

SAMPLES = Path(__file__).parents[2] / "workbooks" / "samples"
OPTIONS = Options(today=date(2026, 11, 25), closed_until=date(2025, 12, 31))
LEDGER = TEMPLATES["lancamentos"]
CHART = TEMPLATES["plano_de_contas"]
CHART_ROWS = [
    [*CHART.headers],
    ["1.1.02", "Bancos", "Ativo", "Devedora", "Sim"],
    ["3.1.01", "Receita de vendas", "Receita", "Credora", "Sim"],
]
NO_RETRY = Retry(attempts=1)


class Clock:
    """The emulator's quota clock, moved by the client's back-off instead of real sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += 61  # the minute passes


@pytest.fixture
def emulator(tmp_path):
    app = create_emulator(seed=SAMPLES, key_out=tmp_path / "key.json", quota=None)
    with serving(app) as base_url:
        state = app.extensions["sheets_emulator"]
        state.key_file = tmp_path / "key.json"
        state.client = gspread_client(tmp_path / "key.json", base_url)
        yield state


def ledger_sheet(*rows: list[object], with_ids: list[str] | None = None) -> dict[str, list[list]]:
    header = [*LEDGER.headers] + (["ID"] if with_ids is not None else [])
    body = [
        [*row, with_ids[i]] if with_ids is not None else list(row) for i, row in enumerate(rows)
    ]
    return {CHART.sheet: CHART_ROWS, LEDGER.sheet: [header, *body]}


def posting(n: int, value: float = 10.0) -> list[object]:
    return [f"0{n % 9 + 1}/03/2026", f"NF-{n}", "Venda", "1.1.02", "3.1.01", value, "", "", ""]


def test_a_first_pull_gives_every_row_an_id_in_the_sheet(emulator):
    before = dict(emulator.request_count)
    pulled = pull_google(emulator.client, "matriz", NO_RETRY)
    rows = sum(len(t) for t in pulled.tables)
    assert not pulled.read_only
    assert pulled.ids_written == rows > 900
    # metadata once, every sheet in one batchGet, every id in one batchUpdate
    spent = {
        k: v - before.get(k, 0)
        for k, v in emulator.request_count.items()
        if k.startswith(("spreadsheets", "drive")) and v > before.get(k, 0)
    }
    assert spent == {
        "spreadsheets.get": 1,
        "spreadsheets.values.batchGet": 1,
        "spreadsheets.batchUpdate": 1,
    }

    # the samples come with the hidden ID column, empty: the ids went into it
    sheet = emulator.spreadsheet("matriz").sheet(LEDGER.sheet)
    ledger = next(t for t in pulled.tables if t.template is LEDGER)
    id_column = ledger.id_column - 1
    assert sheet.values()[0][id_column] == "ID"
    written = [row[id_column] for row in sheet.values()[1 : len(ledger) + 1]]
    assert written == list(pulled.ids[pulled.tables.index(ledger)])

    again = pull_google(emulator.client, "matriz", NO_RETRY)
    assert again.ids_written == 0
    assert [list(i) for i in again.ids] == [list(i) for i in pulled.ids]


def test_a_sheet_without_the_id_column_gets_one_hidden(emulator):
    emulator.add_spreadsheet("antiga", "Antiga", ledger_sheet(posting(1), posting(2)))
    pulled = pull_google(emulator.client, "antiga", NO_RETRY)
    sheet = emulator.spreadsheet("antiga").sheet(LEDGER.sheet)
    assert sheet.values()[0][9] == "ID"  # right after the template's nine columns
    assert 9 in sheet.hidden_columns
    ledger = pulled.ids[[t.template for t in pulled.tables].index(LEDGER)]
    assert [row[9] for row in sheet.values()[1:]] == list(ledger)


def test_rows_keep_their_ids_when_the_sheet_is_sorted(emulator, store):
    emulator.add_spreadsheet("loja", "Loja", ledger_sheet(posting(1, 1.0), posting(2, 2.0)))
    source = add_source(store, team="Loja", google="loja")
    pull = lambda sid: pull_google(emulator.client, sid, NO_RETRY)  # noqa: E731
    first = sync_source(store, source, OPTIONS, google=pull)
    assert (first.counts.inserted, first.ids_written) == (4, 4)

    # someone sorts the ledger by value, descending, and adds a row at the top
    worksheet = emulator.client.open_by_key("loja").worksheet(LEDGER.sheet)
    values = worksheet.get_all_values(value_render_option="UNFORMATTED_VALUE")
    header, body = values[0], values[1:]
    body.sort(key=lambda row: -row[5])
    worksheet.update([header, [*posting(3, 3.0), ""], *body], "A1", raw=True)
    result = sync_source(store, source, OPTIONS, google=pull)
    assert result.counts.as_dict() == {
        "inserted": 1,
        "updated": 0,
        "tombstoned": 0,
        "quarantined": 0,
        "released": 0,
        "unchanged": 4,
    }
    assert result.ids_written == 1


def test_a_read_only_spreadsheet_falls_back_to_content_ids(emulator, store):
    emulator.add_spreadsheet("viewer", "Viewer", ledger_sheet(posting(1), posting(2)))
    emulator.set_read_only("viewer")
    pulled = pull_google(emulator.client, "viewer", NO_RETRY)
    assert pulled.read_only
    assert pulled.ids_written == 0
    assert all(i.startswith(HASHED) for ids in pulled.ids for i in ids)
    assert "ID" not in emulator.spreadsheet("viewer").sheet(LEDGER.sheet).values()[0]


def test_existing_ids_are_used_and_only_missing_ones_written(emulator):
    sheet = ledger_sheet(posting(1), posting(2), posting(3), with_ids=["a", "", "a"])
    emulator.add_spreadsheet("meio", "Meio", sheet)
    pulled = pull_google(emulator.client, "meio", NO_RETRY)
    ledger = pulled.ids[[t.template for t in pulled.tables].index(LEDGER)]
    assert ledger[0] == "a"
    assert len(set(ledger)) == 3  # the copied "a" got its own
    assert pulled.ids_written == 2 + 2  # two ledger rows and the chart's two
    values = emulator.spreadsheet("meio").sheet(LEDGER.sheet).values()
    assert [row[9] for row in values[1:4]] == list(ledger)


def test_quota_answers_are_retried_with_backoff(tmp_path):
    clock = Clock()
    app = create_emulator(key_out=tmp_path / "key.json", quota=Quota(per_user_per_minute=1))
    state = app.extensions["sheets_emulator"]
    state.quota.clock = clock
    state.add_spreadsheet("loja", "Loja", ledger_sheet(posting(1)))
    with serving(app) as base_url:
        client = gspread_client(tmp_path / "key.json", base_url)
        pulled = pull_google(client, "loja", Retry(sleep=clock.sleep))
    assert pulled.ids_written == 3
    assert clock.slept  # the second read met the 429 and waited for the next minute
    assert all(0 <= s <= 32 for s in clock.slept)


def test_a_quota_that_never_recovers_is_reported_in_portuguese(tmp_path):
    app = create_emulator(key_out=tmp_path / "key.json", quota=Quota(per_user_per_minute=1))
    app.extensions["sheets_emulator"].add_spreadsheet("loja", "Loja", ledger_sheet(posting(1)))
    with serving(app) as base_url:
        client = gspread_client(tmp_path / "key.json", base_url)
        with pytest.raises(GoogleError, match="cota da API do Google esgotada"):
            pull_google(client, "loja", Retry(attempts=3, sleep=lambda _: None))


def test_an_unknown_spreadsheet_is_reported_in_portuguese(emulator):
    with pytest.raises(GoogleError, match="planilha nao-existe não encontrada"):
        pull_google(emulator.client, "nao-existe", NO_RETRY)


def test_the_cli_syncs_the_seeded_samples_through_the_emulator(emulator, store_url, monkeypatch):
    monkeypatch.setenv("RETAGUARDA_DATABASE_URL", store_url)
    monkeypatch.setenv("RETAGUARDA_GOOGLE_API_URL", emulator.base_url)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(emulator.key_file))
    monkeypatch.setenv("RETAGUARDA_TODAY", "2026-11-25")
    monkeypatch.setenv("RETAGUARDA_CLOSED_UNTIL", "2025-12-31")
    runner = CliRunner()
    for team, spreadsheet in (("Matriz", "matriz"), ("Filial Rio", "filial_rio")):
        url = f"https://docs.google.com/spreadsheets/d/{spreadsheet}/edit"
        added = runner.invoke(main, ["sources", "add", "--team", team, "--google", url])
        assert added.exit_code == 0, added.output
    result = runner.invoke(main, ["sync", "--format", "json"])
    assert result.exit_code == 0, result.output
    synced = json.loads(result.stdout)["sources"]
    assert [s["source"] for s in synced] == ["matriz", "filial-rio"]
    for summary, spreadsheet in zip(synced, ("matriz", "filial_rio"), strict=True):
        assert summary["ids_written"] == summary["rows"]
        # read through Google, the sheet holds the same mistakes `validate` finds in the file
        found = validate_paths([SAMPLES / f"{spreadsheet}.xlsx"], OPTIONS)
        bad_rows = {(i.sheet, i.row) for i in found.issues if i.severity is Severity.ERROR}
        assert summary["quarantined"] == len(bad_rows) > 0
        assert summary["inserted"] + summary["quarantined"] == summary["rows"]
    again = json.loads(runner.invoke(main, ["sync", "--format", "json"]).stdout)["sources"]
    assert [s["source"] for s in again] == ["matriz", "filial-rio"]
    assert all(s["rows"] > 0 for s in again)
    assert all(s["unchanged"] == s["rows"] and s["ids_written"] == 0 for s in again)


def test_gspread_errors_other_than_quota_are_not_retried(emulator):
    slept: list[float] = []
    with pytest.raises(GoogleError):
        pull_google(emulator.client, "nao-existe", Retry(sleep=slept.append))
    assert slept == []


def test_a_key_the_token_endpoint_refuses_is_reported_in_portuguese(emulator, tmp_path):
    forged = json.loads(emulator.key_file.read_text(encoding="utf-8"))
    forged["private_key_id"] = "not-a-key-the-emulator-issued"
    client = gspread_client(forged, emulator.base_url)
    with pytest.raises(GoogleError, match="o Google recusou a chave da conta de serviço"):
        pull_google(client, "matriz", NO_RETRY)


def test_a_missing_key_file_is_a_usage_error(store_url, monkeypatch, tmp_path):
    monkeypatch.setenv("RETAGUARDA_DATABASE_URL", store_url)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "sumiu.json"))
    runner = CliRunner()
    runner.invoke(main, ["sources", "add", "--team", "T", "--google", "matriz"])
    result = runner.invoke(main, ["sync"])
    assert result.exit_code == 2
    assert "não pôde ser lida" in result.output
