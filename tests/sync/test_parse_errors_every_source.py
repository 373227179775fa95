"""Cells that cannot be read (a date that does not exist, a value with a letter, a choice not on
the list) quarantine their row whatever kind of source brings the workbook: an Excel file, a
team's folder, or a Google spreadsheet (through the emulator). The same workbook must give the
same quarantine, and no such row may reach the consolidated table."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from retaguarda.sync.emulator import create_emulator, serving
from retaguarda.sync.google_api import gspread_client
from retaguarda.sync.google_source import Retry, pull_google
from retaguarda.sync.pull import identify, tables_from_values
from retaguarda.sync.runner import sync_source
from retaguarda.sync.sources import add_source
from retaguarda.sync.store.schema import TEMPLATE_TABLES, quarantine
from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.render import render_workbook
from retaguarda.templates.validate import Options

OPTIONS = Options(today=date(2026, 11, 25), closed_until=date(2025, 12, 31))
LEDGER = TEMPLATES["lancamentos"]
CHART = TEMPLATES["plano_de_contas"]

# Header on row 1, so the chart's rows are sheet rows 2..5 and the ledger's 2..7.
CHART_ROWS = [
    ["1.1.02", "Bancos", "Ativo", "Devedora", "Sim"],  # row 2
    ["3.1.01", "Receita de vendas", "Receita", "Credora", "Sim"],  # row 3
    ["4.1.03", "Aluguel", "Despesa", "Devedora", "Talvez"],  # row 4: not Sim/Não
    ["4.1.04", "Energia", "Despesa", "Devedora", "Sim"],  # row 5
]
LEDGER_ROWS = [
    [date(2026, 3, 2), "NF-1", "Venda", "1.1.02", "3.1.01", "10,00", "", "", ""],  # row 2
    [date(2026, 3, 3), "NF-2", "Venda", "1.1.02", "3.1.01", "1.234,5O", "", "", ""],  # row 3
    ["31/02/2026", "NF-3", "Venda", "1.1.02", "3.1.01", "20,00", "", "", ""],  # row 4
    [date(2026, 3, 5), "NF-4", "Venda", "1.1.02", "3.1.01", "12,3,4", "", "", ""],  # row 5
    ["ontem", "NF-5", "Venda", "1.1.02", "3.1.01", "30,00", "", "", ""],  # row 6
    [date(2026, 3, 7), "NF-6", "Venda", "1.1.02", "3.1.01", "40,00", "", "", ""],  # row 7
]
#: the planted bad cells, by (sheet, row): what must be quarantined, and nothing else
QUARANTINED = {
    ("Plano de contas", 4): "choice.invalid",
    ("Lançamentos", 3): "number.invalid",
    ("Lançamentos", 4): "date.invalid",
    ("Lançamentos", 5): "number.invalid",
    ("Lançamentos", 6): "date.invalid",
}
#: the ledger rows that are fine, by document number
CLEAN_DOCUMENTS = ["NF-1", "NF-6"]


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    render_workbook(folder / "filial.xlsx", [(CHART, CHART_ROWS), (LEDGER, LEDGER_ROWS)])
    return folder


def _plain_sheet(sheet: str) -> str:
    """A folder source names a sheet "file › sheet"; the sheet is what the user knows."""
    return sheet.split(" › ")[-1]


def _quarantined(store) -> dict[tuple[str, int], tuple[set[str], dict]]:
    with store.read() as connection:
        rows = connection.execute(
            select(
                quarantine.c.sheet, quarantine.c.sheet_row, quarantine.c.issues, quarantine.c.raw
            )
        ).all()
    return {
        (_plain_sheet(sheet), row): ({i["code"] for i in json.loads(issues)}, json.loads(raw))
        for sheet, row, issues, raw in rows
    }


def _documents(store) -> list[str]:
    ledger = TEMPLATE_TABLES["lancamentos"]
    with store.read() as connection:
        return sorted(
            connection.scalars(select(ledger.c.documento).where(ledger.c.deleted_at.is_(None)))
        )


def _check(store, result) -> None:
    found = _quarantined(store)
    assert {place: codes for place, (codes, _) in found.items()} == {
        place: {code} for place, code in QUARANTINED.items()
    }
    assert result.counts.quarantined == len(QUARANTINED)
    assert _documents(store) == CLEAN_DOCUMENTS
    # an empty cell of a quarantined row is stored empty, not as the text "nan"
    _, raw = found[("Lançamentos", 3)]
    assert raw["Valor"] == "1.234,5O"
    assert raw["Centro de custo"] is None
    assert raw["Observações"] is None
    assert "nan" not in json.dumps([cells for _, cells in found.values()]).lower()


def test_a_file_source_quarantines_every_unreadable_cell(store, inbox):
    source = add_source(store, team="Filial", file=inbox / "filial.xlsx")
    _check(store, sync_source(store, source, OPTIONS))


def test_a_folder_source_quarantines_every_unreadable_cell(store, inbox):
    source = add_source(store, team="Filial", folder=inbox)
    _check(store, sync_source(store, source, OPTIONS))


def test_a_google_source_quarantines_every_unreadable_cell(store, inbox, tmp_path):
    app = create_emulator(seed=inbox, key_out=tmp_path / "key.json", quota=None)
    with serving(app) as base_url:
        client = gspread_client(tmp_path / "key.json", base_url)
        source = add_source(store, team="Filial", google="filial")
        result = sync_source(
            store,
            source,
            OPTIONS,
            google=lambda sid: pull_google(client, sid, Retry(attempts=1)),
        )
    _check(store, result)


def test_issues_that_match_no_sheet_stop_the_sync_instead_of_letting_rows_in(store):
    """A table renamed without its reading issues (the folder bug) must not pass silently."""
    values = [
        (CHART.sheet, [list(CHART.headers), *CHART_ROWS]),
        (
            LEDGER.sheet,
            [list(LEDGER.headers), ["02/03/2026", "NF-1", "Venda", "1.1.02", "3.1.01", "1.234,5O"]],
        ),
    ]

    def renamed_without_issues(_spreadsheet_id: str):
        pulled = identify(tables_from_values(values), writer=None)
        for table in pulled.tables:
            table.sheet = f"outro nome › {table.sheet}"
        return pulled

    source = add_source(store, team="Filial", google="1AbCdEfGhIjKlMnOp")
    with pytest.raises(ValueError, match="sincronização foi cancelada"):
        sync_source(store, source, OPTIONS, google=renamed_without_issues)
    assert _documents(store) == []
    assert _quarantined(store) == {}
