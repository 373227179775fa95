"""Finding template tables in raw sheets: the header row, its columns, the data rows below it.

Sheets are made by people: a title or two above the header (merged across the columns), headers
typed in another case, without accents or in English, columns of their own between ours, blank
rows in the middle, a "Total" row at the end, a table that starts at column C. The reader finds
the header by the template's names and aliases and keeps every cell's true position, because
every finding must point at a cell the user can click (`Lançamentos!F17`).

Cells stay raw here (what calamine, xlwings or gspread gave); `column_types.type_table`
converts them. The header row is found by `headers.find_header`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from itertools import chain
from operator import itemgetter
from string import ascii_uppercase

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.collector import without_collector
from retaguarda.templates.column_types import type_table
from retaguarda.templates.files import RawSheet, RawWorkbook, column_letter
from retaguarda.templates.headers import SCAN_ROWS, HeaderMatch, declared_templates, find_header
from retaguarda.templates.model import (
    META_SHEET,
    OWN_SHEETS,
    ROW_ID_HEADER,
    Template,
    normalize_header,
)
from retaguarda.templates.table import Table
from retaguarda.validators.arrays import large
from retaguarda.validators.issues import Issue, issues_from_mask, make_issue

__all__ = [
    "HeaderMatch",
    "column_letter",
    "declared_templates",
    "find_header",
    "read_sheets",
    "read_table",
    "read_table_columns",
    "read_tables",
]

#: One sheet column's cells, top to bottom (see `read_table_columns`).
ColumnCells = np.ndarray | pa.Array | pa.ChunkedArray
#: The cells of one column below the header: Arrow text, or objects as a reader gives them.
Cells = np.ndarray | pa.Array
#: First words of a closing row that is not data ("Total", "TOTAL GERAL:", "Soma").
_TOTAL_WORDS = frozenset({"total", "totais", "subtotal", "soma"})


def read_table(
    rows: Sequence[Sequence[object]],
    *,
    sheet: str,
    template: Template | None = None,
    first_row: int = 1,
    first_col: int = 1,
    formulas: Mapping[tuple[int, int], str] | None = None,
) -> Table | None:
    """The template table in these rows, typed; None when no header is recognised.

    `first_row` and `first_col` are the sheet row and column numbers of rows[0][0], for cells
    that do not come from A1 (an xlwings range). Completely blank rows and a closing "Total"
    row are not data; every other row below the header is, numbered as in the sheet.
    `formulas` maps (row, column) indexes into `rows` to the formula of a cell that has no
    calculated value: such a cell is reported as that, never as a blank one.
    """
    return read_table_columns(
        _columns_of(rows),
        sheet=sheet,
        template=template,
        first_row=first_row,
        first_col=first_col,
        formulas=formulas,
    )


@without_collector
def read_table_columns(
    columns: Sequence[ColumnCells],
    *,
    sheet: str,
    template: Template | None = None,
    first_row: int = 1,
    first_col: int = 1,
    formulas: Mapping[tuple[int, int], str] | None = None,
) -> Table | None:
    """`read_table` for cells already split into columns of one length (columns[0] is sheet
    column `first_col`), for readers that produce columns, such as pyarrow's CSV reader.

    A column may be an object array of cells as `read_table` takes them, or an Arrow string
    array (null or "" for an empty cell). Text columns go on to the typing step as Arrow, so a
    reader that hands over Arrow text never makes a Python object per cell; and only the
    columns of the template found, and the first rows where the header is looked for, are
    read at all.
    """
    templates = (template,) if template is not None else TEMPLATES.values()
    height = len(columns[0]) if len(columns) else 0
    head = _head_rows(columns, min(height, SCAN_ROWS))
    match = find_header(head, templates, sheet=sheet, first_row=first_row)
    if match is None:
        return None
    start = match.header_row - first_row + 1
    size = height - start
    found = {key: _body(columns[j], start) for key, j in match.columns.items()}
    uncached = _formula_cells(formulas or {}, start, size, match.columns)
    keep = _data_rows(found, lambda i: _row_at(columns, start + i), match.columns, uncached)
    everything = len(keep) == size
    cells = {
        key: _series(values if everything else _take(values, keep)) for key, values in found.items()
    }
    numbers = keep.astype(np.int64) + (first_row + start)
    letters = {key: column_letter(first_col - 1 + j) for key, j in match.columns.items()}
    table = type_table(
        match.template,
        sheet=sheet,
        cells=cells,
        rows=numbers,
        letters=letters,
        header_row=match.header_row,
    )
    _report_formulas(table, uncached, keep)
    header = head[start - 1]
    id_index = _id_index(header, match.columns)
    if id_index is None:
        used = [j for j, v in enumerate(header) if v is not None and v != ""]
        table.id_column = first_col + (max(used) + 1 if used else 0)
    else:
        table.id_column = first_col + id_index
        ids = _body(columns[id_index], start)
        table.ids = _id_texts(ids if everything else _take(ids, keep))
    return table


def read_tables(workbook: RawWorkbook) -> list[Table]:
    """Every sheet of the workbook that holds a known template, in workbook order.

    What the file reader noticed about a sheet (formulas without a value, values left out
    because they lie far from the data) becomes warnings of that sheet's table.
    """
    raw = {sheet.name: sheet for sheet in workbook.sheets}
    columns = {s.name: s.columns for s in workbook.sheets if s.columns is not None}
    tables = read_sheets(
        [
            (s.name, () if s.name in columns and s.name != META_SHEET else s.rows)
            for s in workbook.sheets
        ],
        formulas={sheet.name: sheet.formulas for sheet in workbook.sheets if sheet.formulas},
        columns=columns,
    )
    for table in tables:
        table.issues += _far_values(raw[table.sheet]) if table.sheet in raw else []
    return tables


def read_sheets(
    sheets: Sequence[tuple[str, Sequence[Sequence[object]]]],
    *,
    formulas: Mapping[str, Mapping[tuple[int, int], str]] | None = None,
    columns: Mapping[str, Sequence[ColumnCells]] | None = None,
    origins: Mapping[str, tuple[int, int]] | None = None,
) -> list[Table]:
    """The template tables among (sheet name, rows from A1) pairs, in order: the one place
    that decides which sheets of a workbook are templates, whoever read it.

    The add-in's own sheets (`model.OWN_SHEETS`) and the hidden `_retaguarda` one never are.
    A sheet the hidden `_retaguarda` sheet declares (a workbook Retaguarda rendered) is read as
    that template, with the leniency of a named sheet, so that a header edited beyond
    recognition is still read and its missing columns reported, not silently skipped.
    `formulas` holds, per sheet name, its formulas without a value (see `read_table`);
    `columns`, per sheet name, its cells from A1 already in columns (`RawSheet.columns`),
    read instead of its rows (see `read_table_columns`); `origins`, per sheet name, the
    (row, column) numbers of its first cell when that is not A1 (an xlwings used range).
    """
    declared = declared_templates(sheets)
    tables = []
    for name, rows in sheets:
        given = (columns or {}).get(name)
        if name == META_SHEET or name in OWN_SHEETS or (given is None and not rows):
            continue
        read = partial(read_table, rows) if given is None else partial(read_table_columns, given)
        first_row, first_col = (origins or {}).get(name, (1, 1))
        found = (formulas or {}).get(name)
        table = read(
            sheet=name,
            template=declared.get(name),
            formulas=found,
            first_row=first_row,
            first_col=first_col,
        )
        if table is None and name in declared:  # the sheet now holds another template
            table = read(sheet=name, formulas=found, first_row=first_row, first_col=first_col)
        if table is not None:
            tables.append(table)
    return tables


def _far_values(sheet: RawSheet) -> list[Issue]:
    """A warning at each value the file reader left out because it lies far from the data:
    the user should know it is there and was not checked."""
    return [
        make_issue(
            "sheet.stray_cell",
            sheet=sheet.name,
            cell=reference,
            row=int(reference.lstrip(ascii_uppercase)),
            reference=reference,
        )
        for reference in sheet.far
    ]


def _formula_cells(
    formulas: Mapping[tuple[int, int], str], start: int, size: int, columns: dict[str, int]
) -> dict[str, dict[int, str]]:
    """Template column key → {index into the body rows: formula}, for formulas without a
    value in the table's columns below its header."""
    by_column = {index: key for key, index in columns.items()}
    found: dict[str, dict[int, str]] = {}
    for (row, col), formula in formulas.items():
        if col in by_column and start <= row < start + size:
            found.setdefault(by_column[col], {})[row - start] = formula
    return found


def _report_formulas(table: Table, uncached: dict[str, dict[int, str]], keep: np.ndarray) -> None:
    """Warn at each formula without a value, and show the formula as the cell's text, so that
    the cell is not taken for a blank one (`required`) and the message shows what it holds."""
    for key, cells in uncached.items():
        where = np.flatnonzero(np.isin(keep, np.fromiter(cells, dtype=np.int64)))
        if not where.size:
            continue
        raw = table.raw[key].astype(object)
        raw.iloc[where] = [cells[int(keep[i])] for i in where]
        table.raw[key] = raw.astype(table.raw[key].dtype)
        mask = np.zeros(len(table), dtype=bool)
        mask[where] = True
        table.issues += issues_from_mask("cell.formula_uncached", table, key, mask)


_ID = normalize_header(ROW_ID_HEADER)


def _id_index(header: Sequence[object], taken: dict[str, int]) -> int | None:
    """The 0-based index of the header row's "ID" column, unless a template column has it."""
    for index, value in enumerate(header):
        if isinstance(value, str) and normalize_header(value) == _ID:
            return None if index in taken.values() else index
    return None


def _id_texts(values: Cells) -> np.ndarray:
    """Row ids as text, None where empty (an id typed over by a number still reads; an empty
    cell a reader gives as NaN is no id called "nan")."""
    if isinstance(values, pa.Array):  # all text: a whole-column trim, no loop per row
        out = _objects(pc.utf8_trim_whitespace(values))
        out[out == ""] = None
        return out
    out = np.empty(len(values), dtype=object)
    for i, value in enumerate(values.tolist()):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        empty = value is None or (isinstance(value, float) and math.isnan(value))
        text = "" if empty else str(value).strip()
        out[i] = text or None
    return out


def _data_rows(
    cells: dict[str, Cells],
    row_at: Callable[[int], list[object]],
    columns: dict[str, int],
    uncached: dict[str, dict[int, str]],
) -> np.ndarray:
    """Indexes of the rows that are data: not blank, and not a closing "Total" row.

    A row is blank when every template column is empty; what stands in other columns is not
    ours to read. Emptiness is tested a whole column at a time ("", None); only the few rows
    with one or two filled cells get a closer look for cells "cleared" with the space bar.
    A formula without a value is not empty.
    """
    filled = np.zeros(len(next(iter(cells.values()))), dtype=np.int64)
    for values in cells.values():
        filled += ~_empty_cells(values)
    for formulas in uncached.values():
        filled[np.fromiter(formulas, dtype=np.int64)] += 3  # never taken for spaces
    sparse = np.flatnonzero((filled > 0) & (filled <= 2))
    for index in sparse.tolist():
        if all(_spaces(_cell(values, index)) for values in cells.values()):
            filled[index] = 0
    keep = np.flatnonzero(filled)
    end = keep.size
    while end and _is_total(row_at(int(keep[end - 1])), columns):
        end -= 1
    return keep[:end]


def _empty_cells(values: Cells) -> np.ndarray:
    if isinstance(values, pa.Array):
        return np.asarray(pc.equal(pc.binary_length(values), 0), dtype=bool)
    return np.asarray(pd.isna(values), dtype=bool) | np.asarray(values == "", dtype=bool)


def _spaces(value: object) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _is_total(row: Sequence[object], columns: dict[str, int]) -> bool:
    first = next((v for v in row if v is not None and v != ""), "")
    words = normalize_header(first).split() if isinstance(first, str) else []
    if not words or words[0] not in _TOTAL_WORDS:
        return False
    filled = sum(j < len(row) and row[j] is not None and row[j] != "" for j in columns.values())
    return filled <= max(2, len(columns) // 2)


def _columns_of(rows: Sequence[Sequence[object]]) -> np.ndarray | _RowColumns:
    """The columns of the rows, short rows (gspread trims trailing empties) padded with "".

    Up to `_DENSE_WIDTH` columns, one 2-D object array, whose columns are views, filled by
    `np.fromiter` from the cells in row order: it stores each cell as it is, where
    `np.array(rows)` first probes every cell for being a sequence (three times slower on
    200,000 rows); a list per column, even one made with `map(itemgetter(j), rows)`, was
    measured five times slower than `np.array`. A wider sheet is gathered one column at a time, and
    only the columns the template uses, so that its cost follows them.
    """
    widths = set(map(len, rows))
    width = max(widths, default=0)
    if len(widths) > 1:
        rows = [[*r, *[""] * (width - len(r))] if len(r) < width else r for r in rows]
    if width > _DENSE_WIDTH:
        return _RowColumns(rows, width)
    cells = np.fromiter(chain.from_iterable(rows), dtype=object, count=len(rows) * width)
    return cells.reshape(len(rows), width).T


#: Columns up to which rows are copied into one 2-D array (see `_columns_of`).
_DENSE_WIDTH = 64


class _RowColumns(Sequence[np.ndarray]):
    """The columns of rows of one width, each gathered when asked for."""

    def __init__(self, rows: Sequence[Sequence[object]], width: int) -> None:
        self.rows = rows
        self.width = width

    def __len__(self) -> int:
        return self.width

    def __getitem__(self, index: int) -> np.ndarray:  # type: ignore[override]
        return np.array(list(map(itemgetter(index), self.rows)), dtype=object)


def _head_rows(columns: Sequence[ColumnCells], count: int) -> list[list[object]]:
    """The first `count` rows, where the header is looked for."""
    if isinstance(columns, _RowColumns):
        return [list(row) for row in columns.rows[:count]]
    if isinstance(columns, np.ndarray):
        return columns[:, :count].T.tolist()
    return [list(row) for row in zip(*(_objects(c[:count]).tolist() for c in columns), strict=True)]


def _row_at(columns: Sequence[ColumnCells], index: int) -> list[object]:
    if isinstance(columns, _RowColumns):
        return list(columns.rows[index])
    if isinstance(columns, np.ndarray):
        return columns[:, index].tolist()
    return [_cell(column, index) for column in columns]


def _cell(values: ColumnCells, index: int) -> object:
    if isinstance(values, pa.Array | pa.ChunkedArray):
        return values[index].as_py()
    return values[index]


def _body(column: ColumnCells, start: int) -> Cells:
    """A column's cells below the header: Arrow text when every one is text (calamine gives
    "" for an empty cell), else an object array."""
    if isinstance(column, pa.Array | pa.ChunkedArray):
        column = column[start:]
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            return large(pc.fill_null(column, ""))
        return _objects(column)
    values = np.asarray(column[start:], dtype=object)
    try:
        text = pa.array(values, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError):  # not all text
        return values
    return text if text.null_count == 0 else values


def _objects(values: ColumnCells) -> np.ndarray:
    if not isinstance(values, pa.Array | pa.ChunkedArray):
        return np.asarray(values, dtype=object)
    out = np.empty(len(values), dtype=object)
    out[:] = values.to_pylist()
    return out


def _take(values: Cells, keep: np.ndarray) -> Cells:
    return values.take(pa.array(keep)) if isinstance(values, pa.Array) else values[keep]


def _series(values: Cells) -> pd.Series:
    if isinstance(values, pa.Array):
        return pd.Series(values, dtype=pd.ArrowDtype(values.type))
    return pd.Series(values, dtype=object)
