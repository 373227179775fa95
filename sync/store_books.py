"""The consolidated store as the reports read it: one `Books` per team, each template's live
rows typed the way a workbook's `Table` is (money as scaled integers, dates as datetime64,
text as strings), so that a report computed over the store and one computed over the teams'
workbooks are the same function over the same shapes.

A row kept in quarantine is not in the store's template tables and so in no report; the
dashboard says how many rows are held.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select

from retaguarda.addin.reports.catalog import REPORTS
from retaguarda.addin.reports.model import Books, Period, Report, ReportOptions
from retaguarda.addin.reports.workbook import data_period
from retaguarda.sync.store.database import Store
from retaguarda.sync.store.schema import TEMPLATE_TABLES
from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.model import SCALE, Kind, Template
from retaguarda.templates.table import Table

#: the templates a report reads
REPORTED = (
    "plano_de_contas",
    "lancamentos",
    "contas_a_pagar",
    "contas_a_receber",
    "folha",
    "estoque_movimentos",
    "estoque_contagem",
)


def store_books(store: Store, teams: Iterable[str] | None = None) -> list[Books]:
    """Every team's books (or only `teams`'), in the teams' alphabetical order."""
    wanted = None if teams is None else frozenset(teams)
    found: dict[str, dict[str, list[Table]]] = defaultdict(dict)
    for template_id in REPORTED:
        template = TEMPLATES[template_id]
        for (team, sheet), rows in _live_rows(store, template, wanted).items():
            found[team].setdefault(template_id, []).append(_table(template, sheet, rows))
    return [Books(team, dict(found[team])) for team in sorted(found)]


def store_report(
    store: Store,
    kind: str,
    options: ReportOptions,
    *,
    period: Period | None = None,
    teams: Iterable[str] | None = None,
) -> Report | None:
    """Report `kind` over the store: consolidated when more than one team is in it, for the
    whole months of the entries up to `options.today` when no period is given; None when the
    store holds nothing to report on.

    :raises KeyError: no such report
    """
    function = REPORTS[kind]
    books = store_books(store, teams)
    chosen = period or data_period(books, options.today)
    if not books or chosen is None:
        return None
    return function(books, chosen, options)


def _live_rows(
    store: Store, template: Template, teams: frozenset[str] | None
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    table = TEMPLATE_TABLES[template.id]
    keys = [c.key for c in template.columns]
    query = (
        select(table.c.team, table.c.sheet, table.c.sheet_row, *(table.c[k] for k in keys))
        .where(table.c.deleted_at.is_(None))
        .order_by(table.c.team, table.c.sheet, table.c.sheet_row)
    )
    if teams is not None:
        query = query.where(table.c.team.in_(sorted(teams)))
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    with store.read() as connection:
        for row in connection.execute(query):
            record = dict(row._mapping)
            grouped[(record["team"], record["sheet"])].append(record)
    return grouped


def _table(template: Template, sheet: str, rows: list[dict[str, Any]]) -> Table:
    index = pd.RangeIndex(len(rows))
    data, raw = {}, {}
    for column in template.columns:
        values = [r[column.key] for r in rows]
        data[column.key] = _typed(column.kind, values, index)
        raw[column.key] = pd.Series(
            [None if v is None else str(v) for v in values], index=index, dtype="str"
        )
    return Table(
        template=template,
        sheet=sheet,
        data=pd.DataFrame(data, index=index),
        raw=pd.DataFrame(raw, index=index),
        rows=np.asarray([r["sheet_row"] for r in rows], dtype=np.int64),
        # the store keeps no column letters: every column is there, its letter unknown
        letters={c.key: "" for c in template.columns},
    )


def _typed(kind: Kind, values: list[Any], index: pd.RangeIndex) -> pd.Series:
    if kind in SCALE:
        scale = Decimal(10) ** SCALE[kind]
        return pd.Series(
            [None if v is None else int(Decimal(v) * scale) for v in values],
            index=index,
            dtype="Int64",
        )
    if kind in (Kind.DATE, Kind.MONTH):
        return pd.Series(pd.to_datetime(values), index=index).astype("datetime64[s]")
    return pd.Series([None if v is None else str(v) for v in values], index=index, dtype="str")
