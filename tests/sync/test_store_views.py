"""The reader views, read through plain SQL after a real sync, on SQLite and PostgreSQL.

A person or a BI tool reads `v_lancamentos` and `v_quarentena_lancamentos`, not the tables:
R$ 4.960,41 must read 4960.41 (not 496041 cents) and a date Google sent as the Excel serial
46086 must read 2026-03-05, on both stores alike.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect

from retaguarda.sync.pull import identify, tables_from_values
from retaguarda.sync.runner import sync_source
from retaguarda.sync.sources import add_source
from retaguarda.sync.store.views import view_names
from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.validate import Options

OPTIONS = Options(today=date(2026, 11, 25), closed_until=date(2025, 12, 31))
LEDGER = TEMPLATES["lancamentos"]
CHART = TEMPLATES["plano_de_contas"]
#: 05/03/2026 as Google's UNFORMATTED_VALUE/SERIAL_NUMBER reading gives it
MARCH_5 = 46086


def google(*postings: tuple[str, list[object]]):
    """A pull of a Google spreadsheet holding the chart and these (id, cells) postings."""
    chart = [
        [*CHART.headers, "ID"],
        ["1.1.02", "Bancos", "Ativo", "Devedora", "Sim", "c1"],
        ["3.1.01", "Receita de vendas", "Receita", "Credora", "Sim", "c2"],
    ]
    ledger = [[*LEDGER.headers, "ID"], *([*cells, row_id] for row_id, cells in postings)]
    sheets = [(CHART.sheet, chart), (LEDGER.sheet, ledger)]
    return lambda _spreadsheet_id: identify(tables_from_values(sheets), writer=None)


def posting(when: object, value: str, document: str) -> list[object]:
    return [when, document, "Venda", "1.1.02", "3.1.01", value, "", "", ""]


SALE = ("r1", posting(MARCH_5, "4.960,41", "NF-1"))
SMALL = ("r2", posting("06/03/2026", "0,10", "NF-2"))
TYPO = ("r3", posting(MARCH_5, "1.234,5O", "NF-3"))


def rows(store, sql: str) -> list[tuple]:
    with store.read() as connection:
        return [tuple(r) for r in connection.exec_driver_sql(sql)]


def test_live_rows_read_as_a_person_writes_them(store):
    source = add_source(store, team="Filial SP", google="1AbCdEfGhIjKlMnOp")
    sync_source(store, source, OPTIONS, google=google(SALE, SMALL, TYPO))
    sync_source(store, source, OPTIONS, google=google(SALE, TYPO))  # NF-2 deleted
    found = rows(
        store,
        "SELECT fonte, time, aba, linha, data, documento, valor, id_linha "
        "FROM v_lancamentos ORDER BY linha",
    )
    assert [(f, t, a, n, str(d), doc, i) for f, t, a, n, d, doc, _, i in found] == [
        ("filial-sp", "Filial SP", "Lançamentos", 2, "2026-03-05", "NF-1", "r1"),
    ]
    (valor,) = [r[6] for r in found]
    # a float on SQLite (REAL), NUMERIC on PostgreSQL: either way the amount a person reads
    assert Decimal(str(valor)) == Decimal("4960.41")
    assert rows(store, "SELECT sum(valor) FROM v_lancamentos")[0][0] is not None


def test_amounts_add_up_in_the_view(store):
    source = add_source(store, team="Matriz", google="1AbCdEfGhIjKlMnOp")
    sync_source(store, source, OPTIONS, google=google(SALE, SMALL))
    ((total,),) = rows(store, "SELECT round(sum(valor), 2) FROM v_lancamentos")
    assert Decimal(str(total)) == Decimal("4960.51")


def test_a_held_row_shows_its_cells_as_typed_and_its_date_as_a_date(store):
    source = add_source(store, team="Filial SP", google="1AbCdEfGhIjKlMnOp")
    sync_source(store, source, OPTIONS, google=google(SALE, SMALL, TYPO))
    ((fonte, linha, data, documento, valor, codigos, pendencias, id_linha),) = rows(
        store,
        "SELECT fonte, linha, data, documento, valor, codigos, pendencias, id_linha "
        "FROM v_quarentena_lancamentos",
    )
    assert (fonte, linha, data, documento, valor, codigos, id_linha) == (
        "filial-sp",
        4,
        "2026-03-05",
        "NF-3",
        "1.234,5O",
        "number.invalid",
        "r3",
    )
    assert pendencias.startswith("F4: ")
    assert "não é um número válido" in pendencias
    ((modelo, aba),) = rows(store, "SELECT modelo, aba FROM v_quarentena")
    assert (modelo, aba) == ("lancamentos", "Lançamentos")
    # fixed in the sheet: it leaves the quarantine views and shows among the live rows
    sync_source(
        store,
        source,
        OPTIONS,
        google=google(SALE, SMALL, ("r3", posting(MARCH_5, "1.234,50", "NF-3"))),
    )
    assert rows(store, "SELECT count(*) FROM v_quarentena_lancamentos") == [(0,)]
    assert rows(store, "SELECT count(*) FROM v_lancamentos") == [(3,)]


def test_a_date_typed_as_text_stays_as_typed_in_the_quarantine(store):
    source = add_source(store, team="T", google="1AbCdEfGhIjKlMnOp")
    sync_source(store, source, OPTIONS, google=google(("r9", posting("31/02/2026", "1,00", "X"))))
    assert rows(store, "SELECT data, codigos FROM v_quarentena_lancamentos") == [
        ("31/02/2026", "date.invalid")
    ]


def test_a_downgrade_drops_the_views_and_an_upgrade_brings_them_back(store):
    source = add_source(store, team="T", google="1AbCdEfGhIjKlMnOp")
    sync_source(store, source, OPTIONS, google=google(SALE))
    config = Config()
    config.set_main_option("script_location", "retaguarda.sync.store:migrations")
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")
    with store.engine.connect() as connection:
        assert set(view_names()) & set(inspect(connection).get_view_names()) == set()
    store.migrate()
    with store.engine.connect() as connection:
        assert set(view_names()) <= set(inspect(connection).get_view_names())
    assert [str(d) for (d,) in rows(store, "SELECT data FROM v_lancamentos")] == ["2026-03-05"]
