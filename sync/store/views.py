"""Views for the people and BI tools (Metabase, Power BI, Excel's data import) reading the store.

The tables keep what the sync needs: on SQLite money is an integer of cents (`valor` 496041
for R$ 4.960,41), tombstoned rows stay, and the quarantine keeps each row's cells as JSON
text, with dates as Google sent them (Excel serial numbers: 46086 for 05/03/2026). The views
show the same rows as a reader expects them, with the same columns on SQLite and PostgreSQL:

* ``v_<template>`` (``v_lancamentos``, ``v_folha``, ...): the live rows of a template, with
  where each came from (``fonte``, ``time``, ``aba``, ``linha``), amounts as numbers with
  their places (4960.41), dates as ISO dates (2026-03-05);
* ``v_quarentena``: every row held now, with its template (``modelo``), its issue codes and
  their messages (``pendencias``: "F3: ...; D3: ...");
* ``v_quarentena_<template>``: the held rows of a template, one column per template column
  holding the cell as it was typed, except a date sent as an Excel serial number, shown as an
  ISO date.

The views are built from the tables as they are in the database (its columns, as reflected),
so a migration can rebuild them at any point of the history. SQLite cannot rename or copy a
table a view reads (Alembic's batch mode does both), and PostgreSQL cannot drop a column a
view shows: a migration that alters a template table calls `drop_views` first and
`create_views` after.
"""

from __future__ import annotations

from sqlalchemy import Connection, inspect

from retaguarda.sync.store.schema import LINEAGE_COLUMNS
from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.model import SCALE, Kind, Template

#: a template table's lineage columns as the views name them (the rest are not shown)
LINEAGE = {
    "team": "time",
    "sheet": "aba",
    "sheet_row": "linha",
}
#: shown after the template's columns
TRAILING = {"first_seen": "incluida_em", "last_changed": "alterada_em", "row_id": "id_linha"}
#: the largest Excel serial number (31/12/9999): above it a number is not a date
_LAST_SERIAL = 2958465


def view_names() -> list[str]:
    """Every view `create_views` makes, in the order it makes them."""
    return [
        *(f"v_{t}" for t in TEMPLATES),
        "v_quarentena",
        *(f"v_quarentena_{t}" for t in TEMPLATES),
    ]


def create_views(connection: Connection) -> None:
    """Create (or replace) every reader view over the tables the database has now."""
    drop_views(connection)
    existing = set(inspect(connection).get_table_names())
    for template in TEMPLATES.values():
        if template.id in existing:
            _run(connection, _template_view(connection, template))
    _run(connection, _quarantine_view(connection))
    for template in TEMPLATES.values():
        _run(connection, _held_view(connection, template))


def drop_views(connection: Connection) -> None:
    """Drop every reader view (those that exist)."""
    for name in reversed(view_names()):
        _run(connection, f"DROP VIEW IF EXISTS {_quote(connection, name)}")


def _run(connection: Connection, sql: str) -> None:
    """Run DDL as written: psycopg reads a `%` (a header such as "Horas extras 50%") as a
    placeholder, so it is doubled for drivers of the `format` parameter styles."""
    if connection.dialect.paramstyle in ("format", "pyformat"):
        sql = sql.replace("%", "%%")
    connection.exec_driver_sql(sql)


def _template_view(connection: Connection, template: Template) -> str:
    q = connection.dialect.identifier_preparer.quote
    kinds = {c.key: c.kind for c in template.columns}
    # the template's columns as the table has them now (the catalog may be newer)
    columns = [
        c["name"]
        for c in inspect(connection).get_columns(template.id)
        if c["name"] not in LINEAGE_COLUMNS
    ]
    clash = set(columns) & {"fonte", *LINEAGE.values(), *TRAILING.values()}
    if clash:
        raise ValueError(f"{template.id}: columns named like the views' lineage: {sorted(clash)}")
    select = [
        f"s.name AS {q('fonte')}",
        *(f"t.{q(name)} AS {q(label)}" for name, label in LINEAGE.items()),
        *(
            f"{_number(connection, f't.{q(name)}', kinds.get(name))} AS {q(name)}"
            for name in columns
        ),
        *(f"t.{q(name)} AS {q(label)}" for name, label in TRAILING.items()),
    ]
    return (
        f"CREATE VIEW {q('v_' + template.id)} AS SELECT {', '.join(select)} "
        f"FROM {q(template.id)} AS t JOIN sources AS s ON s.id = t.source_id "
        "WHERE t.deleted_at IS NULL"
    )


def _number(connection: Connection, column: str, kind: Kind | None) -> str:
    """A decimal column as a number with its places: SQLite stores it scaled to an integer."""
    places = SCALE.get(kind) if kind is not None else None
    if not places or connection.dialect.name != "sqlite":
        return column
    return f"ROUND(CAST({column} AS REAL) / {10**places}, {places})"


def _quarantine_view(connection: Connection) -> str:
    q = connection.dialect.identifier_preparer.quote
    if connection.dialect.name == "sqlite":
        each = "FROM json_each(h.issues) AS i"
        messages = (
            "(SELECT group_concat(COALESCE(json_extract(i.value, '$.cell') || ': ', '') "
            f"|| json_extract(i.value, '$.message'), '; ') {each})"
        )
        codes = f"(SELECT group_concat(json_extract(i.value, '$.code'), ', ') {each})"
    else:
        each = "FROM jsonb_array_elements(h.issues::jsonb) WITH ORDINALITY AS e(i, n)"
        messages = (
            "(SELECT string_agg(COALESCE((i ->> 'cell') || ': ', '') || (i ->> 'message'), "
            f"'; ' ORDER BY n) {each})"
        )
        codes = f"(SELECT string_agg(i ->> 'code', ', ' ORDER BY n) {each})"
    return (
        f"CREATE VIEW {q('v_quarentena')} AS SELECT s.name AS {q('fonte')}, "
        f"h.team AS {q('time')}, h.template AS {q('modelo')}, h.sheet AS {q('aba')}, "
        f"h.sheet_row AS {q('linha')}, {codes} AS {q('codigos')}, "
        f"{messages} AS {q('pendencias')}, h.raw AS {q('celulas')}, "
        f"h.first_seen AS {q('desde')}, h.last_changed AS {q('alterada_em')}, "
        f"h.row_id AS {q('id_linha')} "
        "FROM quarantine AS h JOIN sources AS s ON s.id = h.source_id "
        "WHERE h.released_at IS NULL"
    )


def _held_view(connection: Connection, template: Template) -> str:
    q = connection.dialect.identifier_preparer.quote
    cells = []
    for column in template.columns:
        cell = _cell(connection, column.header)
        if column.kind in (Kind.DATE, Kind.MONTH):
            cell = _serial_as_date(connection, cell)
        cells.append(f"{cell} AS {q(column.key)}")
    return (
        f"CREATE VIEW {q('v_quarentena_' + template.id)} AS SELECT v.{q('fonte')}, "
        f"v.{q('time')}, v.{q('aba')}, v.{q('linha')}, {', '.join(cells)}, "
        f"v.{q('codigos')}, v.{q('pendencias')}, v.{q('desde')}, v.{q('id_linha')} "
        f"FROM {q('v_quarentena')} AS v WHERE v.{q('modelo')} = '{template.id}'"
    )


def _cell(connection: Connection, header: str) -> str:
    """What the held row's cell under `header` held, as text (NULL when it was empty)."""
    literal = header.replace("'", "''")
    if connection.dialect.name == "sqlite":
        key = header.replace('"', '\\"')
        return f"json_extract(v.{_quote(connection, 'celulas')}, '$.\"{key}\"')"
    return f"(v.{_quote(connection, 'celulas')}::jsonb ->> '{literal}')"


def _serial_as_date(connection: Connection, cell: str) -> str:
    """`cell` as an ISO date when it holds an Excel serial number (days since 30/12/1899),
    as it was otherwise (a date typed as text, or what made the row fail)."""
    if connection.dialect.name == "sqlite":
        number = f"CAST({cell} AS REAL)"
        return (
            f"CASE WHEN {cell} GLOB '[0-9]*' AND {cell} NOT GLOB '*[^0-9.]*' "
            f"AND {number} BETWEEN 1 AND {_LAST_SERIAL} "
            f"THEN date('1899-12-30', '+' || CAST({number} AS INTEGER) || ' days') "
            f"ELSE {cell} END"
        )
    number = f"CAST({cell} AS numeric)"
    # nested CASEs: PostgreSQL evaluates them in order, so the cast only meets digits
    return (
        f"CASE WHEN {cell} ~ '^[0-9]{{1,7}}(\\.[0-9]+)?$' THEN CASE WHEN {number} "
        f"BETWEEN 1 AND {_LAST_SERIAL} THEN to_char(DATE '1899-12-30' + "
        f"CAST(floor({number}) AS integer), 'YYYY-MM-DD') ELSE {cell} END ELSE {cell} END"
    )


def _quote(connection: Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote(name)
