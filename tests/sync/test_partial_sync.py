"""A sync that reads only the rows the webhook events name leaves the store exactly as a sync
of the whole sheet would (`sync.partial`), on SQLite and on PostgreSQL.

Two copies of one team's spreadsheet are served by the Sheets API emulator, registered as two
sources of one store and synced whole once. Each test makes the same edit in both, syncs one
from the rows its event names and the other whole, and compares what the store holds of each:
every row (values, place, hash, live or not), the quarantine (cells, issues, held or not), the
audit of the sync and its counts. Where a partial read cannot answer (a duplicate of a row
it did not read, a moved or cleared row, the chart of accounts edited), the sync reads the
whole sheet instead, and says so.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from queue_setup import CHART_ROWS, LEDGER, NOW, posting
from sqlalchemy import select

from retaguarda.sync.emulator import create_emulator
from retaguarda.sync.emulator.server import serving as emulator_serving
from retaguarda.sync.google_api import gspread_client
from retaguarda.sync.google_source import pull_google
from retaguarda.sync.jobs import JobRunner
from retaguarda.sync.partial import MAX_ROWS, named_rows
from retaguarda.sync.runner import sync_source
from retaguarda.sync.settings import load_settings
from retaguarda.sync.sources import add_source
from retaguarda.sync.store.schema import TEMPLATE_TABLES, audit, quarantine, sync_runs
from retaguarda.templates.checks import Options
from retaguarda.templates.model import ROW_ID_HEADER

OPTIONS = Options(today=date(2026, 11, 30))
TWINS = ("planilhaParcial", "planilhaInteira")
POSTINGS = 60
LEDGER_TABLE = TEMPLATE_TABLES["lancamentos"]
#: the templates of the team's spreadsheet
BOOK_TEMPLATES = ("lancamentos", "plano_de_contas")
#: the columns not compared: which source, when, by which run (whether a row is live is)
IGNORED = {
    "id",
    "source_id",
    "first_seen",
    "last_changed",
    "sync_run",
    "deleted_at",
    "deleted_run",
}


def ledger_rows() -> list[list[object]]:
    """60 postings with their ids (sheet row n + 1 holds posting n); posting 45 repeats
    posting 10 (document NF-10, R$ 10,00: a duplicate, a warning), posting 50 has a wrong
    CPF (an error)."""
    rows = [[*LEDGER.headers, ROW_ID_HEADER]]
    for n in range(1, POSTINGS + 1):
        cells = posting(n)
        if n == 45:
            cells[1] = "NF-10"
        if n == 50:
            cells[7] = "123.456.789-00"
        rows.append([*cells, f"id-{n:03d}"])
    return rows


@pytest.fixture
def google(tmp_path):
    app = create_emulator(key_out=tmp_path / "key.json", quota=None)
    with emulator_serving(app) as base_url:
        state = app.extensions["sheets_emulator"]
        for spreadsheet in TWINS:
            state.add_spreadsheet(
                spreadsheet,
                "Filial SP",
                {"Plano de contas": CHART_ROWS, LEDGER.sheet: ledger_rows()},
            )
        yield gspread_client(tmp_path / "key.json", base_url)


@pytest.fixture
def twins(store, google):
    """The two sources, each synced whole once."""
    sources = [add_source(store, team="Filial SP", google=s, name=s) for s in TWINS]
    for source in sources:
        sync(store, google, source)
    return sources


def sync(store, client, source, rows=None):
    def pull(spreadsheet_id, partial=None):
        return pull_google(client, spreadsheet_id, write_back=False, partial=partial)

    return sync_source(store, source, OPTIONS, google=pull, rows=rows)


def edit(client, sheet: str, cell: str, values: list[list[object]]) -> None:
    """The same edit in both copies, as a person types it."""
    for spreadsheet in TWINS:
        client.open_by_key(spreadsheet).worksheet(sheet).update(values, cell, raw=True)


def both_ways(store, client, twins, *events: tuple[str, str]):
    """Sync the first copy from the events' rows and the second whole; both results."""
    partial = sync(store, client, twins[0], rows=named_rows(list(events)))
    whole = sync(store, client, twins[1])
    assert not whole.partial
    return partial, whole


def snapshot(store, source, run) -> dict[str, object]:
    """What the store holds of one source, row ids replaced by the row's place (new rows get
    a fresh random id in each copy) and the run's own numbers left out."""
    with store.read() as connection:
        rows = {
            name: connection.execute(
                select(
                    *(c for c in table.columns if c.name not in IGNORED),
                    table.c.deleted_at.is_(None).label("alive"),
                ).where(table.c.source_id == source.id)
            ).all()
            for name, table in TEMPLATE_TABLES.items()
            if name in BOOK_TEMPLATES
        }
        held = connection.execute(
            select(
                quarantine.c.row_id,
                quarantine.c.template,
                quarantine.c.sheet,
                quarantine.c.sheet_row,
                quarantine.c.content_hash,
                quarantine.c.raw,
                quarantine.c.issues,
                quarantine.c.released_at.is_(None),
            ).where(quarantine.c.source_id == source.id)
        ).all()
        trail = connection.execute(
            select(
                audit.c.row_id,
                audit.c.template,
                audit.c.action,
                audit.c.before_hash,
                audit.c.after_hash,
            )
            .where(audit.c.sync_run == run)
            .order_by(audit.c.id)
        ).all()
        counts = connection.execute(
            select(
                sync_runs.c.inserted,
                sync_runs.c.updated,
                sync_runs.c.tombstoned,
                sync_runs.c.quarantined,
                sync_runs.c.released,
                sync_runs.c.unchanged,
            ).where(sync_runs.c.id == run)
        ).one()
    place = {r.row_id: f"{r.sheet}!{r.sheet_row}" for r in held}
    for found in rows.values():
        place |= {r.row_id: f"{r.sheet}!{r.sheet_row}" for r in found}

    def placed(row: tuple) -> tuple:
        mapping = row._mapping
        return (place[mapping["row_id"]], *(v for k, v in mapping.items() if k != "row_id"))

    return {
        "rows": {name: sorted(map(placed, found)) for name, found in rows.items()},
        "quarantine": sorted(map(placed, held)),
        "audit": [placed(r) for r in trail],
        "counts": tuple(counts),
    }


def same_store(store, twins, partial, whole) -> None:
    assert snapshot(store, twins[0], partial.run) == snapshot(store, twins[1], whole.run)


def valor(store, source, sheet_row: int) -> Decimal | None:
    with store.read() as connection:
        return connection.scalar(
            select(LEDGER_TABLE.c.valor).where(
                LEDGER_TABLE.c.source_id == source.id,
                LEDGER_TABLE.c.sheet_row == sheet_row,
                LEDGER_TABLE.c.deleted_at.is_(None),
            )
        )


def held_rows(store, source) -> set[int]:
    with store.read() as connection:
        return set(
            connection.scalars(
                select(quarantine.c.sheet_row).where(
                    quarantine.c.source_id == source.id, quarantine.c.released_at.is_(None)
                )
            )
        )


def test_the_first_syncs_hold_the_wrong_cpf_only(store, twins):
    # posting 50 (row 51) has a bad CPF; posting 45 (row 46) repeating posting 10 (row 11)
    # is a warning, which holds no row
    assert held_rows(store, twins[0]) == {51}
    assert held_rows(store, twins[1]) == {51}


def test_an_edited_amount_is_read_and_merged_alone(store, google, twins):
    edit(google, LEDGER.sheet, "F30", [["25,50"]])
    partial, whole = both_ways(store, google, twins, (LEDGER.sheet, "F30"))
    assert partial.partial
    assert valor(store, twins[0], 30) == Decimal("25.50")
    # the 30 rows at the top (where the header is looked for: 29 postings, row 30 among
    # them) and the chart's 2 accounts; every other row is counted as unchanged, as the
    # whole sync counts it: 59 postings and 2 accounts
    assert partial.rows == 29 + 2
    assert (partial.counts.updated, partial.counts.unchanged) == (1, POSTINGS - 1 + 2)
    same_store(store, twins, partial, whole)


def test_a_wrong_cpf_typed_is_quarantined(store, google, twins):
    edit(google, LEDGER.sheet, "H40", [["529.982.247-20"]])
    partial, whole = both_ways(store, google, twins, (LEDGER.sheet, "H40"))
    assert partial.partial
    assert (partial.counts.quarantined, partial.counts.tombstoned) == (1, 1)
    assert held_rows(store, twins[0]) == {40, 51}
    same_store(store, twins, partial, whole)


def test_a_new_row_below_the_table_gets_its_id(store, google, twins):
    edit(google, LEDGER.sheet, "A62", [posting(61, "33,00")])
    partial, whole = both_ways(store, google, twins, (LEDGER.sheet, "A62:I62"))
    assert partial.partial
    assert (partial.ids_written, partial.counts.inserted) == (1, 1)
    assert valor(store, twins[0], 62) == Decimal("33.00")
    same_store(store, twins, partial, whole)


def test_several_events_are_read_together(store, google, twins):
    edit(google, LEDGER.sheet, "F40", [["1,00"]])
    edit(google, LEDGER.sheet, "F55", [["2,00"]])
    partial, whole = both_ways(
        store, google, twins, (LEDGER.sheet, "F40"), (LEDGER.sheet, "F55"), (LEDGER.sheet, "F40")
    )
    assert partial.partial
    assert (valor(store, twins[0], 40), valor(store, twins[0], 55)) == (
        Decimal("1.00"),
        Decimal("2.00"),
    )
    same_store(store, twins, partial, whole)


@pytest.mark.parametrize(
    ("sheet", "cell", "values", "named"),
    [
        # the chart every posting is checked against
        ("Plano de contas", "E2", [["Não"]], ("Plano de contas", "E2")),
        # the header row
        (LEDGER.sheet, "F1", [["Valor (R$)"]], (LEDGER.sheet, "F1")),
        # a row cleared (its hidden ID stays): the stored row left the place read
        (LEDGER.sheet, "A50", [[""] * 9], (LEDGER.sheet, "A50:I50")),
        # row 20 copied with its ID over row 55: that id lives at row 20, not read
        (LEDGER.sheet, "A55", [[*posting(20), "id-020"]], (LEDGER.sheet, "A55:J55")),
    ],
    ids=["chart", "header", "cleared", "copied-with-id"],
)
def test_what_a_partial_read_cannot_answer_is_synced_whole(
    store, google, twins, sheet, cell, values, named
):
    edit(google, sheet, cell, values)
    partial, whole = both_ways(store, google, twins, named)
    assert not partial.partial
    same_store(store, twins, partial, whole)


@pytest.mark.parametrize(
    "events",
    [
        [(LEDGER.sheet, "")],  # a change trigger: rows inserted or removed, a sort
        [("", "")],
        [(LEDGER.sheet, "F:F")],  # a whole column
        [(LEDGER.sheet, "A2:F")],  # open at the bottom
        [(LEDGER.sheet, "Lançamentos!F2")],
        [(LEDGER.sheet, "F0")],
        [(LEDGER.sheet, f"F2:F{MAX_ROWS + 2}")],
        [(LEDGER.sheet, "F2"), ("", "")],
        [],
    ],
)
def test_events_that_ask_for_the_whole_spreadsheet(events):
    assert named_rows(events) is None


def test_events_name_rows_by_sheet():
    named = named_rows([(LEDGER.sheet, "F30"), (LEDGER.sheet, "A5:I6"), ("Plano de contas", "3:3")])
    assert named == {LEDGER.sheet: {5, 6, 30}, "Plano de contas": {3}}


def test_a_webhook_job_reads_in_part_and_leaves_the_whole_sync_to_the_poll(store, google, twins):
    """The worker's way: the pending events name the rows; the partial sync keeps no Drive
    modifiedTime, so the poll's next cycle finds the spreadsheet changed and syncs it whole."""
    source = twins[0]
    settings = load_settings(database_url=str(store.engine.url), write_back=False)
    runner = JobRunner(
        store,
        settings,
        google=lambda: (
            lambda spreadsheet_id, partial=None: pull_google(
                google, spreadsheet_id, write_back=False, partial=partial
            )
        ),
        modified_time=lambda spreadsheet_id: "2026-11-25T12:00:00.000Z",
        clock=lambda: NOW,
    )
    edit(google, LEDGER.sheet, "F30", [["25,50"]])
    store.record_event(
        source.id, event_id="e1", sheet=LEDGER.sheet, range_="F30", at=NOW, received_at=NOW
    )
    job = store.request_sync(source.id, reason="webhook", at=NOW, not_before=NOW)
    assert runner.run(job).state == "done"
    assert valor(store, source, 30) == Decimal("25.50")
    assert store.pending_events(source.id) == 0
    assert store.google_modified_times("google")[source.location] == (source.id, None)
    job = store.request_sync(source.id, reason="poll", at=NOW, not_before=NOW)
    assert runner.run(job).state == "done"
    assert store.google_modified_times("google")[source.location] == (
        source.id,
        "2026-11-25T12:00:00.000Z",
    )


def test_rows_scattered_over_too_many_ranges_are_read_whole(store, google, twins):
    # 101 rows apart from each other below the first 30: too long a list of ranges for
    # one values:batchGet; rows 32, 34, ..., 232 (blank below the postings)
    edit(google, LEDGER.sheet, "F40", [["3,00"]])
    events = [(LEDGER.sheet, f"F{row}") for row in range(32, 233, 2)]
    partial, whole = both_ways(store, google, twins, *events)
    assert not partial.partial
    assert valor(store, twins[0], 40) == Decimal("3.00")
    same_store(store, twins, partial, whole)
