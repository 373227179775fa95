"""Syncing sources into a real store (SQLite file and PostgreSQL): what lands where.

Sheets come in as a user would leave them: Excel files in a folder (read-only for the sync,
rows known by their content), or the values a Google spreadsheet gives, with the hidden ID
column (rows known by their id). The Google round trip itself (ids written back) is in
test_google_source.py, against the emulator.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from retaguarda.sync.pull import HASHED, identify, tables_from_values
from retaguarda.sync.runner import sync_source
from retaguarda.sync.sources import Source, add_source
from retaguarda.sync.store.schema import TEMPLATE_TABLES, audit, quarantine, sync_runs
from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.files import UnreadableFile
from retaguarda.templates.render import render_workbook
from retaguarda.templates.validate import Options

OPTIONS = Options(today=date(2026, 11, 25), closed_until=date(2025, 12, 31))
LEDGER = TEMPLATES["lancamentos"]
CHART = TEMPLATES["plano_de_contas"]
LEDGER_TABLE = TEMPLATE_TABLES["lancamentos"]
CHART_ROWS = [
    ["1.1.02", "Bancos", "Ativo", "Devedora", "Sim"],
    ["3.1.01", "Receita de vendas", "Receita", "Credora", "Sim"],
]


def posting(n: int, value: str = "10,00", debit: str = "1.1.02") -> list[object]:
    return [date(2026, 3, n % 28 + 1), f"NF-{n}", "Venda", debit, "3.1.01", value, "", "", ""]


def workbook(path: Path, *postings: list[object]) -> Path:
    return render_workbook(path, [(CHART, CHART_ROWS), (LEDGER, list(postings))])


def google_values(*postings: tuple[str, list[object]]) -> list[tuple[str, list[list[object]]]]:
    """What a Google pull reads: each sheet's rows from A1, the hidden ID column last."""
    chart = [[*CHART.headers, "ID"], *[[*r, f"c{i}"] for i, r in enumerate(CHART_ROWS)]]
    ledger = [[*LEDGER.headers, "ID"]]
    for row_id, row in postings:
        cells = [c.strftime("%d/%m/%Y") if isinstance(c, date) else c for c in row]
        ledger.append([*cells, row_id])
    return [(CHART.sheet, chart), (LEDGER.sheet, ledger)]


def pull_of(sheets: list[tuple[str, list[list[object]]]]):
    """A pull that reads these values (ids as the sheet holds them)."""
    return lambda _spreadsheet_id: identify(tables_from_values(sheets), writer=None)


def google_source(store) -> Source:
    return add_source(store, team="Filial SP", google="1AbCdEfGhIjKlMnOp")


def ledger_rows(store, *, alive: bool = True) -> dict[str, dict]:
    query = select(LEDGER_TABLE)
    if alive:
        query = query.where(LEDGER_TABLE.c.deleted_at.is_(None))
    with store.read() as connection:
        return {r.row_id: r._asdict() for r in connection.execute(query)}


def count(store, table, *where) -> int:
    with store.read() as connection:
        return connection.execute(select(func.count()).select_from(table).where(*where)).scalar()


def test_a_file_lands_typed_with_lineage(store, tmp_path):
    path = workbook(tmp_path / "filial.xlsx", posting(1, "1.234,56"), posting(2, "0,10"))
    source = add_source(store, team="Filial SP", file=path)
    result = sync_source(store, source, OPTIONS)
    assert result.counts.as_dict() == {
        "inserted": 4,  # two accounts, two postings
        "updated": 0,
        "tombstoned": 0,
        "quarantined": 0,
        "released": 0,
        "unchanged": 0,
    }
    assert result.read_only  # an Excel file is the team's: never written to
    rows = sorted(ledger_rows(store).values(), key=lambda r: r["sheet_row"])
    assert [(r["sheet"], r["sheet_row"], r["team"]) for r in rows] == [
        ("Lançamentos", 2, "Filial SP"),
        ("Lançamentos", 3, "Filial SP"),
    ]
    assert [r["valor"] for r in rows] == [Decimal("1234.56"), Decimal("0.10")]
    assert isinstance(rows[0]["valor"], Decimal)
    assert rows[0]["data"] == date(2026, 3, 2)
    assert rows[0]["documento"] == "NF-1"
    assert all(r["row_id"].startswith(HASHED) for r in rows)
    assert all(r["sync_run"] == result.run for r in rows)
    assert count(store, audit, audit.c.action == "insert") == 4


def test_money_sums_exactly_in_sql(store, tmp_path):
    path = workbook(tmp_path / "f.xlsx", *(posting(n, "0,10") for n in range(30)))
    sync_source(store, add_source(store, team="T", file=path), OPTIONS)
    with store.read() as connection:
        total = connection.execute(select(func.sum(LEDGER_TABLE.c.valor))).scalar()
        stored = connection.exec_driver_sql("SELECT sum(valor) FROM lancamentos").scalar()
    # thirty times ten cents: exactly three reais (a double would not say so)
    assert total == Decimal("3.00")
    # in the database: integer cents on SQLite, NUMERIC on PostgreSQL
    assert stored == (300 if store.dialect == "sqlite" else Decimal("3.00"))


def test_the_same_sync_twice_changes_nothing(store, tmp_path):
    path = workbook(tmp_path / "f.xlsx", posting(1), posting(2, "1.234,5O"))
    source = add_source(store, team="T", file=path)
    first = sync_source(store, source, OPTIONS)
    audit_rows = count(store, audit)
    second = sync_source(store, source, OPTIONS)
    assert first.counts.quarantined == 1
    assert second.counts.as_dict() == {
        "inserted": 0,
        "updated": 0,
        "tombstoned": 0,
        "quarantined": 0,
        "released": 0,
        "unchanged": 4,
    }
    assert count(store, audit) == audit_rows
    assert count(store, sync_runs) == 2


def test_a_bad_row_is_quarantined_with_its_cells_and_reasons_then_released(store):
    source = google_source(store)
    bad = posting(1, "1.234,5O")
    sync_source(store, source, OPTIONS, google=pull_of(google_values(("r1", bad))))
    assert ledger_rows(store) == {}
    with store.read() as connection:
        (held,) = connection.execute(select(quarantine)).all()
    assert (held.template, held.sheet, held.sheet_row, held.row_id) == (
        "lancamentos",
        "Lançamentos",
        2,
        "r1",
    )
    assert json.loads(held.raw)["Valor"] == "1.234,5O"
    (issue,) = json.loads(held.issues)
    assert (issue["code"], issue["cell"]) == ("number.invalid", "F2")
    assert "não é um número válido" in issue["message"]

    fixed = sync_source(store, source, OPTIONS, google=pull_of(google_values(("r1", posting(1)))))
    assert (fixed.counts.released, fixed.counts.inserted) == (1, 1)
    assert ledger_rows(store)["r1"]["valor"] == Decimal("10.00")
    with store.read() as connection:
        assert connection.execute(select(quarantine.c.released_run)).scalar() == fixed.run
    actions = [a for (a,) in _audit(store, "r1")]
    assert actions == ["quarantine", "release", "insert"]


def test_a_row_that_goes_bad_leaves_the_table_until_fixed(store):
    source = google_source(store)
    sync_source(store, source, OPTIONS, google=pull_of(google_values(("r1", posting(1)))))
    broke = pull_of(google_values(("r1", posting(1, debit="9.9.99"))))  # not in the chart
    result = sync_source(store, source, OPTIONS, google=broke)
    assert (result.counts.quarantined, result.counts.tombstoned) == (1, 1)
    assert "r1" not in ledger_rows(store)
    assert ledger_rows(store, alive=False)["r1"]["deleted_run"] == result.run
    back = sync_source(store, source, OPTIONS, google=pull_of(google_values(("r1", posting(1)))))
    assert (back.counts.released, back.counts.updated) == (1, 1)
    assert ledger_rows(store)["r1"]["deleted_at"] is None


def test_ids_follow_rows_through_a_sort_and_an_insert(store):
    source = google_source(store)
    rows = [("a", posting(1, "1,00")), ("b", posting(2, "2,00")), ("c", posting(3, "3,00"))]
    sync_source(store, source, OPTIONS, google=pull_of(google_values(*rows)))
    audit_rows = count(store, audit)
    shuffled = [rows[2], ("new", posting(9, "9,00")), rows[0], rows[1]]
    result = sync_source(store, source, OPTIONS, google=pull_of(google_values(*shuffled)))
    assert (result.counts.inserted, result.counts.updated, result.counts.unchanged) == (1, 0, 5)
    assert count(store, audit) == audit_rows + 1  # the new row only
    stored = ledger_rows(store)
    assert {k: stored[k]["sheet_row"] for k in "abc"} == {"c": 2, "a": 4, "b": 5}
    assert stored["a"]["valor"] == Decimal("1.00")


def test_an_edited_row_is_updated_and_audited_with_both_hashes(store):
    source = google_source(store)
    sync_source(store, source, OPTIONS, google=pull_of(google_values(("r1", posting(1)))))
    before = ledger_rows(store)["r1"]["content_hash"]
    result = sync_source(
        store, source, OPTIONS, google=pull_of(google_values(("r1", posting(1, "11,00"))))
    )
    assert result.counts.updated == 1
    row = ledger_rows(store)["r1"]
    assert row["valor"] == Decimal("11.00")
    assert row["first_seen"] < row["last_changed"]
    with store.read() as connection:
        last = connection.execute(
            select(audit.c.action, audit.c.before_hash, audit.c.after_hash)
            .where(audit.c.row_id == "r1")
            .order_by(audit.c.id.desc())
        ).first()
    assert last == ("update", before, row["content_hash"])


def test_a_removed_row_is_tombstoned_not_deleted_and_can_come_back(store):
    source = google_source(store)
    both = google_values(("r1", posting(1)), ("r2", posting(2)))
    sync_source(store, source, OPTIONS, google=pull_of(both))
    gone = sync_source(store, source, OPTIONS, google=pull_of(google_values(("r1", posting(1)))))
    assert gone.counts.tombstoned == 1
    assert set(ledger_rows(store)) == {"r1"}
    assert ledger_rows(store, alive=False)["r2"]["deleted_at"] is not None
    back = sync_source(store, source, OPTIONS, google=pull_of(both))
    assert back.counts.updated == 1
    assert set(ledger_rows(store)) == {"r1", "r2"}


def test_a_copied_row_gets_its_own_id(store):
    source = google_source(store)
    copied = google_values(("r1", posting(1)), ("r1", posting(2)))
    result = sync_source(store, source, OPTIONS, google=pull_of(copied))
    assert result.counts.inserted == 4
    ids = set(ledger_rows(store))
    assert "r1" in ids
    assert len(ids) == 2


def test_a_read_only_source_knows_rows_by_content(store, tmp_path):
    path = workbook(tmp_path / "f.xlsx", posting(1), posting(2))
    source = add_source(store, team="T", file=path)
    sync_source(store, source, OPTIONS)
    workbook(path, posting(1), posting(2, "22,00"))  # the team edits the second posting
    result = sync_source(store, source, OPTIONS)
    # without an id a changed row is a removed row plus a new one
    assert (result.counts.tombstoned, result.counts.inserted, result.counts.updated) == (1, 1, 0)
    assert sorted(r["valor"] for r in ledger_rows(store).values()) == [
        Decimal("10.00"),
        Decimal("22.00"),
    ]


def test_identical_rows_in_a_read_only_source_are_all_kept(store, tmp_path):
    path = workbook(tmp_path / "f.xlsx", posting(1), posting(1), posting(1))
    sync_source(store, add_source(store, team="T", file=path), OPTIONS)
    assert len(ledger_rows(store)) == 3


def test_a_missing_required_column_quarantines_the_sheet(store):
    source = google_source(store)
    values = google_values(("r1", posting(1)), ("r2", posting(2)))
    title, ledger = values[1]
    without_value = [[c for j, c in enumerate(row) if j != 5] for row in ledger]
    result = sync_source(
        store, source, OPTIONS, google=pull_of([values[0], (title, without_value)])
    )
    assert result.counts.quarantined == 2
    with store.read() as connection:
        codes = {
            issue["code"]
            for (text,) in connection.execute(select(quarantine.c.issues))
            for issue in json.loads(text)
        }
    assert "column.missing" in codes


def test_rows_of_two_sources_stay_apart(store, tmp_path):
    one = add_source(store, team="Filial SP", file=workbook(tmp_path / "a.xlsx", posting(1)))
    two = add_source(store, team="Filial RJ", file=workbook(tmp_path / "b.xlsx", posting(1)))
    sync_source(store, one, OPTIONS)
    sync_source(store, two, OPTIONS)
    alive = LEDGER_TABLE.c.deleted_at.is_(None)

    def teams() -> list[str]:
        with store.read() as connection:
            return sorted(connection.scalars(select(LEDGER_TABLE.c.team).where(alive)))

    # the same posting in both files: two rows, one per source, even with equal content ids
    assert teams() == ["Filial RJ", "Filial SP"]
    workbook(tmp_path / "a.xlsx")  # Filial SP empties its ledger
    result = sync_source(store, one, OPTIONS)
    assert result.counts.tombstoned == 1
    assert teams() == ["Filial RJ"]


@pytest.mark.parametrize("closed", [None, date(2026, 12, 31)])
def test_the_company_options_decide_what_is_quarantined(store, tmp_path, closed):
    path = workbook(tmp_path / "f.xlsx", posting(1))
    source = add_source(store, team="T", file=path)
    options = Options(today=date(2026, 11, 25), closed_until=closed)
    result = sync_source(store, source, options)
    assert result.counts.quarantined == (0 if closed is None else 1)


def _audit(store, row_id: str) -> list[tuple[str]]:
    with store.read() as connection:
        return connection.execute(
            select(audit.c.action).where(audit.c.row_id == row_id).order_by(audit.c.id)
        ).all()


def test_a_resync_writes_only_the_rows_that_changed(store):
    source = google_source(store)
    rows = [(f"r{n}", posting(n)) for n in range(200)]
    sync_source(store, source, OPTIONS, google=pull_of(google_values(*rows)))
    edited = list(rows)
    for n in (3, 50, 199):
        edited[n] = (f"r{n}", posting(n, "99,00"))
    written: list[tuple[str, int]] = []

    def count_writes(conn, cursor, statement, parameters, context, executemany):
        verb = statement.lstrip().split()[0].upper()
        if verb in {"INSERT", "UPDATE", "DELETE"}:
            table = statement.split()[2 if verb != "UPDATE" else 1].strip('"')
            written.append((table, len(parameters) if executemany else 1))

    event.listen(store.engine, "before_cursor_execute", count_writes)
    result = sync_source(store, source, OPTIONS, google=pull_of(google_values(*edited)))
    event.remove(store.engine, "before_cursor_execute", count_writes)
    assert result.counts.updated == 3
    rows_written = defaultdict(int)
    for table, n in written:
        rows_written[table] += n
    # the three rows, their three audit rows, and the run's own record (inserted, then closed)
    assert dict(rows_written) == {"lancamentos": 3, "audit": 3, "sync_runs": 2}


def test_a_folder_source_reads_every_workbook_in_it(store, tmp_path):
    inbox = tmp_path / "inbox"
    workbook(inbox / "janeiro.xlsx", posting(1), posting(2))
    workbook(inbox / "fevereiro.xlsx", posting(3, debit="9.9.99"))
    (inbox / "~$janeiro.xlsx").write_bytes(b"Excel's lock file")
    (inbox / "leia-me.txt").write_text("não é planilha")
    source = add_source(store, team="Filial RJ", folder=inbox)
    result = sync_source(store, source, OPTIONS)
    assert (result.counts.inserted, result.counts.quarantined) == (6, 1)  # 2 charts + 2 postings
    sheets = {r["sheet"] for r in ledger_rows(store).values()}
    assert sheets == {"janeiro.xlsx › Lançamentos"}
    with store.read() as connection:
        assert connection.execute(select(quarantine.c.sheet)).scalar() == (
            "fevereiro.xlsx › Lançamentos"
        )


def test_an_unreadable_file_in_the_folder_stops_the_sync_and_changes_nothing(store, tmp_path):
    inbox = tmp_path / "inbox"
    workbook(inbox / "janeiro.xlsx", posting(1))
    source = add_source(store, team="T", folder=inbox)
    sync_source(store, source, OPTIONS)
    (inbox / "quebrada.xlsx").write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(UnreadableFile, match=r"quebrada\.xlsx"):
        sync_source(store, source, OPTIONS)
    assert len(ledger_rows(store)) == 1
    assert count(store, sync_runs) == 1
