"""Pulling a Google spreadsheet: two requests to read it, one more to give new rows an id.

Metadata once (sheet titles, sizes, ids), then every sheet's values in one values:batchGet as
Google stores them (UNFORMATTED_VALUE, dates as SERIAL_NUMBER, which the typing step reads as
dates). New ids go back in one spreadsheets:batchUpdate per pull: the "ID" header and column
where a sheet has none (hidden, and the grid widened if needed), the ids of the rows without
one. A 403 on that write means the spreadsheet is shared read-only with the service account:
the pull then falls back to content hashes. 429 and 5xx answers (and dropped connections) are
retried with exponential backoff and full jitter.

Given the rows webhook events named (`sync.partial.PartialRead`), the values:batchGet asks
only for those rows of their sheets (whole rows, with the first rows where the header is),
the other sheets when small, and the first rows of the big ones; the sync then writes no
marks (they need every row's findings). When `sync.partial` finds the rows read cannot be
merged alone, the whole spreadsheet is read as above.

The pull hands the sync a writer for the marks (`Pulled.mark`, see `google_workbook`), which
the sync calls once the merge is committed: it reuses the metadata read here, so marking a
spreadsheet costs one batchUpdate more (and a read of the add-in's record and of the notes).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import gspread
import numpy as np
import requests
from google.auth.exceptions import GoogleAuthError

from retaguarda.sync.google_api import gspread_client
from retaguarda.sync.google_workbook import write_marks
from retaguarda.sync.partial import SCAN_ROWS, SMALL_SHEET, PartialRead
from retaguarda.sync.pull import MarkWriter, Pulled, identify, tables_from_values
from retaguarda.sync.settings import Settings
from retaguarda.templates.model import META_SHEET, OWN_SHEETS, ROW_ID_HEADER
from retaguarda.templates.reader import read_sheets
from retaguarda.templates.table import Table
from retaguarda.validators.issues import Issue, sheet_reference

logger = logging.getLogger(__name__)
T = TypeVar("T")
_RETRIED = frozenset({408, 429, 500, 502, 503, 504})


class GoogleError(Exception):
    """Google (or the emulator) refused or failed; the message says why, in Portuguese."""


@dataclass(frozen=True)
class Retry:
    """How hard to insist: `attempts` tries in all, waits of up to base·2ⁿ (at most `cap`)
    seconds, each drawn at random below that (full jitter), so clients that hit the quota
    together do not come back together."""

    attempts: int = 6
    base: float = 1.0
    cap: float = 32.0
    sleep: Callable[[float], None] = time.sleep

    def call(self, what: str, request: Callable[[], T]) -> T:
        for attempt in range(self.attempts):
            try:
                return request()
            except gspread.exceptions.APIError as error:
                if error.code not in _RETRIED or attempt == self.attempts - 1:
                    raise
            except requests.ConnectionError as error:
                if attempt == self.attempts - 1:
                    raise GoogleError(f"{what}: sem conexão com o Google ({error}).") from None
            self.sleep(random.uniform(0, min(self.cap, self.base * 2**attempt)))
        raise AssertionError("unreachable")


def google_pull(settings: Settings) -> Callable[..., Pulled]:
    """Reads Google sources with the service account's key, and marks them back unless
    `settings.write_back` is off: what `sync_source` is given wherever it runs (the
    `retaguarda sync` command, the service's queue). Raises GoogleError (in Portuguese) when
    the key is not configured or cannot be read."""
    if settings.google_credentials is None:
        raise GoogleError(
            "há fontes do Google: defina GOOGLE_APPLICATION_CREDENTIALS (ou "
            "RETAGUARDA_GOOGLE_CREDENTIALS) com o arquivo da chave da conta de serviço; "
            "veja docs/google.md."
        )
    try:
        client = gspread_client(settings.google_credentials, settings.google_api_url)
    except (OSError, ValueError, KeyError) as error:
        raise GoogleError(
            f"a chave da conta de serviço em {settings.google_credentials} não pôde ser lida: "
            f"{error}"
        ) from None
    return lambda spreadsheet_id, partial=None: pull_google(
        client, spreadsheet_id, write_back=settings.write_back, partial=partial
    )


def pull_google(
    client: gspread.Client,
    spreadsheet_id: str,
    retry: Retry | None = None,
    *,
    write_back: bool = True,
    partial: PartialRead | None = None,
) -> Pulled:
    """The template sheets of one spreadsheet, every row identified (see module docstring);
    with `write_back`, and where the spreadsheet lets the service account edit it, a writer
    of the sync's marks comes along (`Pulled.mark`). With `partial`, only the rows it names
    are read where `sync.partial` allows it (`Pulled.in_part` then says which sheets)."""
    retry = retry or Retry()
    http = client.http_client
    in_part: frozenset[str] | None = None
    try:
        meta = retry.call(
            "metadados",
            lambda: http.fetch_sheet_metadata(
                spreadsheet_id, params={"fields": "sheets(properties,protectedRanges)"}
            ),
        )
        sheets = [s["properties"] for s in meta.get("sheets", [])]
        read = _Reader(http, spreadsheet_id, retry)
        tables = None if partial is None else _read_in_part(read, sheets, partial)
        if tables is None:
            found = read([(s["title"], None, None) for s in sheets])
            tables = tables_from_values(
                [(s["title"], rows) for s, rows in zip(sheets, found, strict=True)]
            )
        else:
            in_part = frozenset(partial.rows) if partial is not None else None
    except gspread.exceptions.APIError as error:
        raise GoogleError(google_error_message(error, spreadsheet_id)) from None
    except GoogleAuthError as error:
        raise GoogleError(
            f"o Google recusou a chave da conta de serviço ({error}); confira o arquivo em "
            "GOOGLE_APPLICATION_CREDENTIALS."
        ) from None
    by_title = {s["title"]: s for s in sheets}

    def write(missing: Sequence[tuple[Table, dict[int, str]]]) -> bool:
        body = {"requests": _id_requests(missing, by_title)}
        try:
            retry.call("gravar ids", lambda: http.batch_update(spreadsheet_id, body))
        except gspread.exceptions.APIError as error:
            if error.code == 403:  # read-only for us: identify rows by content
                return False
            raise GoogleError(google_error_message(error, spreadsheet_id)) from None
        return True

    pulled = identify(tables, writer=write)
    pulled.sheet_ids = {s["title"]: s["sheetId"] for s in sheets}
    pulled.in_part = in_part
    if write_back and in_part is None:  # marks need every row's issues: a whole read
        described = meta.get("sheets", [])
        pulled.mark = _marker(http, spreadsheet_id, described, tables, retry, pulled.read_only)
    return pulled


#: the most separate stretches of rows one partial read asks for: values:batchGet names its
#: ranges in the URL, which Google keeps short; scattered rows beyond it are read whole
_MOST_RANGES = 100
#: a range of one sheet: (title, first row, last row), rows None for the whole sheet
_Range = tuple[str, int | None, int | None]


@dataclass(frozen=True)
class _Reader:
    """One values:batchGet of whole rows, as Google stores the values (see module
    docstring); each range's rows, from its first row."""

    http: gspread.HTTPClient
    spreadsheet_id: str
    retry: Retry

    def __call__(self, ranges: Sequence[_Range]) -> list[list[list[Any]]]:
        names = [
            sheet_reference(title, always_quote=True)
            + ("" if first is None else f"!{first}:{last}")
            for title, first, last in ranges
        ]
        values = self.retry.call(
            "valores",
            lambda: self.http.values_batch_get(
                self.spreadsheet_id,
                names,
                params={
                    "valueRenderOption": "UNFORMATTED_VALUE",
                    "dateTimeRenderOption": "SERIAL_NUMBER",
                    "majorDimension": "ROWS",
                },
            ),
        )
        found = values.get("valueRanges", [])
        return [r.get("values", []) for r in found] + [[]] * (len(names) - len(found))


def _read_in_part(
    read: _Reader, sheets: Sequence[dict[str, Any]], partial: PartialRead
) -> list[Table] | None:
    """The tables of a partial read (see `sync.partial`): the sheets the events name, in part;
    small other sheets whole; big ones only as far as their header, to know their template,
    and left out. None when the store's rows cannot be brought up to date from them."""
    heights = {s["title"]: s.get("gridProperties", {}).get("rowCount", 0) for s in sheets}
    if any(
        title not in heights or max(rows) > heights[title] for title, rows in partial.rows.items()
    ):
        return None
    plan: list[_Range] = []
    wanted: dict[str, set[int]] = {}
    for title, height in heights.items():
        if title in OWN_SHEETS:
            continue
        if title in partial.rows:
            wanted[title] = set(range(1, min(SCAN_ROWS, height) + 1)) | partial.rows[title]
        elif title == META_SHEET or height <= SMALL_SHEET:
            plan.append((title, None, None))
        else:
            plan.append((title, 1, min(SCAN_ROWS, height)))
    if len(_row_ranges(wanted)) > _MOST_RANGES:
        return None
    found = read(plan + _row_ranges(wanted))
    first_found = list(zip(plan, found[: len(plan)], strict=True))
    whole = {title: rows for (title, first, _), rows in first_found if first is None}
    heads = {title: rows for (title, first, _), rows in first_found if first is not None}
    cells: dict[str, dict[int, list[Any]]] = {title: {} for title in wanted}
    _place(cells, _row_ranges(wanted), found[len(plan) :])
    tables = _tables(heights, whole, heads, cells)
    present = {t.template.id for t in tables.values()}
    refused = partial.refusal(
        {title: tables.get(title) for title in wanted},
        wanted,
        present=present,
        whole={t.template.id for title, t in tables.items() if title in whole},
    )
    if refused:
        logger.info("%s: leitura completa (%s)", partial.source.name, refused)
        return None
    return [t for title, t in tables.items() if title in whole or title in wanted]


def _row_ranges(rows: dict[str, set[int]]) -> list[_Range]:
    return [(title, a, b) for title, found in rows.items() for a, b in _runs(sorted(found))]


def _place(
    cells: dict[str, dict[int, list[Any]]], ranges: Sequence[_Range], found: Sequence[list]
) -> None:
    for (title, first, _), rows in zip(ranges, found, strict=True):
        for offset, row in enumerate(rows):
            cells[title][int(first or 1) + offset] = row


def _tables(
    heights: dict[str, int],
    whole: dict[str, list[list[Any]]],
    heads: dict[str, list[list[Any]]],
    cells: dict[str, dict[int, list[Any]]],
) -> dict[str, Table]:
    """The template tables of a partial read by sheet title, in the spreadsheet's order: the
    sheets read in part hold their rows at their places, blank rows between."""
    columns = {title: _sparse(placed) for title, placed in cells.items()}
    pairs = [
        (title, whole.get(title) or heads.get(title) or ())
        for title in heights
        if title in whole or title in heads or title in columns
    ]
    return {t.sheet: t for t in read_sheets(pairs, columns=columns)}


def _sparse(placed: dict[int, list[Any]]) -> np.ndarray:
    """Columns from A1 holding the rows read at their places, "" everywhere else (what a
    blank cell reads as), so that every row keeps its sheet row number."""
    height = max(placed, default=0)
    width = max(map(len, placed.values()), default=0)
    grid = np.full((width, height), "", dtype=object)
    for row, values in placed.items():
        if values:
            grid[: len(values), row - 1] = values
    return grid


def _marker(
    http: gspread.HTTPClient,
    spreadsheet_id: str,
    described: Sequence[dict[str, Any]],
    tables: Sequence[Table],
    retry: Retry,
    read_only: bool,
) -> MarkWriter:
    """The sync's marks writer for this spreadsheet (see `google_workbook.write_marks`). A
    spreadsheet that refused the ids is not asked again: the writer says why at once."""

    def mark(issues: Sequence[Issue]) -> int:
        if read_only:
            raise GoogleError(_read_only(spreadsheet_id))
        try:
            return write_marks(http, spreadsheet_id, described, tables, issues, retry.call)
        except gspread.exceptions.APIError as error:
            if error.code == 403:
                raise GoogleError(_read_only(spreadsheet_id)) from None
            raise GoogleError(google_error_message(error, spreadsheet_id)) from None

    return mark


def _read_only(spreadsheet_id: str) -> str:
    return (
        f"a conta de serviço só pode ler a planilha {spreadsheet_id}: para ver as pendências "
        "marcadas nela, compartilhe-a como editor."
    )


def _id_requests(
    missing: Sequence[tuple[Table, dict[int, str]]], sheets: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The batchUpdate requests that write every new id (and add the column where needed)."""
    requests_: list[dict[str, Any]] = []
    for table, new in missing:
        properties = sheets[table.sheet]
        sheet_id = properties["sheetId"]
        column = table.id_column - 1  # 0-based
        width = properties.get("gridProperties", {}).get("columnCount", 26)
        if column >= width:
            requests_.append(
                {
                    "appendDimension": {
                        "sheetId": sheet_id,
                        "dimension": "COLUMNS",
                        "length": column + 1 - width,
                    }
                }
            )
        if table.ids is None:  # a sheet without the column: add header, hide it
            requests_.append(_cells(sheet_id, table.header_row - 1, column, [ROW_ID_HEADER]))
            requests_.append(
                {
                    "updateDimensionProperties": {
                        "range": {
                            "sheetId": sheet_id,
                            "dimension": "COLUMNS",
                            "startIndex": column,
                            "endIndex": column + 1,
                        },
                        "properties": {"hiddenByUser": True},
                        "fields": "hiddenByUser",
                    }
                }
            )
        rows = table.rows
        for start, end in _runs(sorted(new)):
            first_row = int(rows[start]) - 1
            ids: list[str | None] = [None] * (int(rows[end]) - int(rows[start]) + 1)
            for i in range(start, end + 1):
                ids[int(rows[i]) - 1 - first_row] = new.get(i)
            requests_.append(_cells(sheet_id, first_row, column, ids))
    return requests_


def _runs(indexes: list[int]) -> list[tuple[int, int]]:
    """Consecutive table rows grouped, so one request covers each stretch of new ids."""
    runs: list[tuple[int, int]] = []
    for i in indexes:
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def _cells(sheet_id: int, row: int, column: int, values: list[str | None]) -> dict[str, Any]:
    """An updateCells request writing `values` down one column; None empties the cell (a
    blank row between new rows: an id there would belong to no row)."""
    return {
        "updateCells": {
            "start": {"sheetId": sheet_id, "rowIndex": row, "columnIndex": column},
            "rows": [
                {"values": [{"userEnteredValue": {"stringValue": v}} if v is not None else {}]}
                for v in values
            ],
            "fields": "userEnteredValue",
        }
    }


def google_error_message(error: gspread.exceptions.APIError, spreadsheet_id: str) -> str:
    if error.code == 404:
        return f"planilha {spreadsheet_id} não encontrada no Google."
    if error.code == 403:
        return (
            f"sem acesso à planilha {spreadsheet_id}: compartilhe-a com o e-mail da conta de "
            "serviço (client_email no arquivo da chave)."
        )
    if error.code == 429:
        return "cota da API do Google esgotada; tente de novo em alguns minutos."
    return f"o Google respondeu {error.code}: {error.error.get('message', error)}"
