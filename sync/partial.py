"""Syncing only the rows webhook events name, when that leaves the store as a whole sync would.

An edit's webhook names a sheet and a range. Events are hints, so the service re-reads the
authoritative cells, but only those rows (whole rows, in one values:batchGet, with the first
`SCAN_ROWS` rows where the header is looked for) and merges only them: one edited cell of a
100,000-row sheet costs a few rows' read instead of a million cells'. A sync reads in part
only when every row it leaves unread would come out of a whole sync exactly as the store
holds it; when in doubt it reads everything, as before:

* Every pending event names a sheet and a bounded range, `MAX_ROWS` rows at most in all. An
  event without one (the Apps Script's change trigger: rows, columns or sheets inserted or
  removed, a sort) or an edit of the header rows asks for the whole spreadsheet, and so does a
  job the Drive poll, the recovery or a person queued.
* Every row read keeps its identity and its place: a row id the store holds elsewhere (a row
  copied with its hidden ID, rows sorted) or a stored row gone from the place read (a row
  cleared) means rows moved where nothing was read.
* The sheet's template checks nothing across rows that a partial read cannot answer, and
  only errors matter: a warning never quarantines a row, so it never changes the store. Rules
  of one row at a time hold row by row. The chart of accounts (`Accounts`) is another sheet,
  read whole along with the edited one; an edit of the chart itself, which every posting is
  checked against, syncs everything, as does a template whose rule across rows can report an
  error (the stock's running balance, counts against movements). Duplicates (`row.duplicate`)
  are warnings: among the rows read they are found as usual, and what they change for rows
  left unread is only the marks, which the next whole sync writes.
* Other sheets are read whole when they are small (`SMALL_SHEET` rows), for the checks that
  look at them and merged whole; a bigger one is read only as far as its header, to know its
  template, and left as it is.

A partial sync writes no marks into the sheet and does not keep Drive's modifiedTime: the
Drive poll's next cycle then syncs the whole spreadsheet (and marks it), which also catches
whatever changed without an event. `tests/sync/test_partial_sync.py` compares both ways on
SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from gspread.exceptions import GSpreadException
from gspread.utils import a1_range_to_grid_range

from retaguarda.sync.sources import Source
from retaguarda.sync.store.database import Store
from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.checks import (
    Accounts,
    Different,
    KnownIn,
    NotAbove,
    PositiveWhen,
)
from retaguarda.templates.headers import SCAN_ROWS
from retaguarda.templates.model import Template
from retaguarda.templates.table import Table
from retaguarda.validators.codes import CODES
from retaguarda.validators.codes import E as ERROR

#: the most rows the events may name for a partial read
MAX_ROWS = 2_000
#: other sheets up to this many rows are read whole along with the edited ones
SMALL_SHEET = 5_000
#: table checks that look at one row at a time, or at the chart read whole along
_ROW_BY_ROW = (Accounts, Different, NotAbove, PositiveWhen)

__all__ = ["MAX_ROWS", "SCAN_ROWS", "SMALL_SHEET", "PartialRead", "named_rows"]


def named_rows(events: Sequence[tuple[str, str]]) -> dict[str, set[int]] | None:
    """Sheet title -> the sheet rows (1 = the first) the events name; None when one of them
    asks for the whole spreadsheet (no sheet, no range, a range open at the bottom) or they
    name more than `MAX_ROWS` rows."""
    rows: dict[str, set[int]] = {}
    for sheet, range_ in events:
        if not sheet or not range_ or "!" in range_:
            return None
        try:
            grid = a1_range_to_grid_range(range_)
        except (GSpreadException, ValueError):
            return None
        start, end = grid.get("startRowIndex"), grid.get("endRowIndex")
        if start is None or end is None or end - start > MAX_ROWS:
            return None
        rows.setdefault(sheet, set()).update(range(start + 1, end + 1))
        if sum(map(len, rows.values())) > MAX_ROWS:
            return None
    return rows or None


@dataclass
class PartialRead:
    """What a partial pull asks the store: which rows the events name (`rows`), and whether
    what it read may be merged alone (`refusal`)."""

    store: Store
    source: Source
    rows: dict[str, set[int]]

    def refusal(
        self,
        tables: Mapping[str, Table | None],
        read: Mapping[str, Collection[int]],
        *,
        present: Collection[str],
        whole: Collection[str],
    ) -> str | None:
        """Why the rows read cannot be merged alone (None: they can). `tables` are the sheets
        read in part (None: no template found), `read` the rows read of each, `present` the
        templates of every sheet of the spreadsheet, `whole` those of the sheets read whole."""
        needed = {name for template in present for name in _needs(TEMPLATES[template])}
        for sheet, table in tables.items():
            if table is None:
                return f"{sheet}: nenhum modelo no cabeçalho"
            template = table.template
            if not all(_answered(check) for check in template.checks):
                return f"{sheet}: {template.id} tem regras sobre a tabela inteira"
            if template.id in needed:
                return f"{sheet}: outras abas são conferidas contra {template.id}"
            if any(name in present and name not in whole for name in _needs(template)):
                return f"{sheet}: a aba de referência é grande demais para ler junto"
            if min(self.rows[sheet]) <= table.header_row:
                return f"{sheet}: cabeçalho editado"
            if table.ids is None:
                return f"{sheet}: sem a coluna ID"
            reason = self._moved(table, set(read[sheet]))
            if reason:
                return f"{sheet}: {reason}"
        return None

    def _moved(self, table: Table, read: set[int]) -> str | None:
        """Whether a row read was somewhere unread, or a stored row left a place read."""
        assert table.ids is not None
        here: dict[str, int] = {}
        for row_id, row in zip(table.ids.tolist(), table.rows.tolist(), strict=True):
            if row_id is not None:
                here.setdefault(row_id, row)
        placed = self.store.placed_rows(
            table.template.id,
            source_id=self.source.id,
            sheet=table.sheet,
            row_ids=set(here),
            sheet_rows=read,
        )
        for row_id, sheet, row in placed:
            if row_id not in here:
                return f"a linha {row} mudou de identidade ou foi apagada"
            if sheet != table.sheet or row not in read:
                return f"a linha {here[row_id]} veio de {sheet}!{row}, que não foi lida"
        return None


def _answered(check: object) -> bool:
    """Whether a partial read gives a table check's answer for the rows read, and nothing it
    would report elsewhere changes the store."""
    return isinstance(check, _ROW_BY_ROW) or not _errors(check)


def _errors(check: object) -> bool:
    """Whether a check can report an error (a warning never quarantines a row)."""
    return any(CODES[code].severity == ERROR for code in getattr(check, "codes", ()))


def _needs(template: Template) -> set[str]:
    """The templates whose tables a template's checks look into for errors."""
    checks = [check for check in template.checks if _errors(check)]
    found = {check.chart for check in checks if isinstance(check, Accounts)}
    return found | {check.template for check in checks if isinstance(check, KnownIn)}
