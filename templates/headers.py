"""Finding a template's header row among the first rows of a sheet, by the template's names
and aliases, and the templates a rendered workbook's hidden `_retaguarda` sheet declares.

People type headers in another case, without accents, in English, with a title or two above
them and columns of their own between ours; the best-scoring row and template win.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import islice

from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.model import META_SHEET, Template, normalize_header

#: Share of a template's required columns a header row must name to be taken for that
#: template: all of them, or all but one when there are four or more, so that one missing or
#: misspelt column still lets the sheet be read (and reported as `column.missing`), while a
#: sheet of someone's own that happens to have a "Data" and a "Valor" column is left alone.
MIN_REQUIRED = 3 / 4
#: The same share when the sheet is named like the template (or the caller names the
#: template): the user clearly meant it, so half the required columns are enough.
MIN_REQUIRED_NAMED = 1 / 2
#: Rows at the top of a sheet where its header is looked for.
SCAN_ROWS = 30


@dataclass(frozen=True)
class HeaderMatch:
    template: Template
    header_row: int  # 1-based sheet row number of the header
    columns: dict[str, int]  # template column key -> 0-based column index in the rows
    score: float


def find_header(
    rows: Sequence[Sequence[object]],
    templates: Iterable[Template] = TEMPLATES.values(),
    *,
    scan_rows: int = SCAN_ROWS,
    sheet: str = "",
    first_row: int = 1,
) -> HeaderMatch | None:
    """The row among the first `scan_rows` that best reads as one template's header.

    A template's score is the share of its columns the row names (required columns count
    double) times the share of the row's recognised headers it explains, so that "Data,
    Histórico, Conta débito, Valor" reads as a ledger missing a column rather than as a bank
    statement with an odd extra one. The best score wins, then the template whose sheet name
    the sheet has, then the higher row. `first_row` is the sheet row number of rows[0].
    """
    candidates = tuple(templates)
    named = normalize_header(sheet)
    best: HeaderMatch | None = None
    best_rank: tuple[float, int, int] = (0.0, 0, 0)
    for index, row in enumerate(islice(rows, scan_rows)):
        cells = _header_cells(row)
        if len(cells) < 2:
            continue
        matches = [(template, _match(template, cells)) for template in candidates]
        known = set().union(*(columns.values() for _, columns in matches))
        for template, columns in matches:
            affinity = _affinity(template, named)
            coverage = _coverage(template, columns, affinity > 0 or len(candidates) == 1)
            score = coverage * len(columns) / len(known) if coverage else 0.0
            rank = (score, affinity, -index)
            if score and (best is None or rank > best_rank):
                best_rank = rank
                best = HeaderMatch(template, first_row + index, columns, score)
    return best


def declared_templates(
    sheets: Sequence[tuple[str, Sequence[Sequence[object]]]],
) -> dict[str, Template]:
    """Sheet name -> template, as the `_retaguarda` sheet records ("template", id, sheet)."""
    meta = next((rows for name, rows in sheets if name == META_SHEET), None)
    declared: dict[str, Template] = {}
    for row in meta or ():
        cells = [str(c).strip() if c is not None else "" for c in row[:3]]
        if len(cells) == 3 and cells[0] == "template" and cells[1] in TEMPLATES:
            declared[cells[2]] = TEMPLATES[cells[1]]
    return declared


@cache
def _names(template: Template) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((column.key, column.names) for column in template.columns)


def _header_cells(row: Sequence[object]) -> dict[str, int]:
    """Normalized header text -> its leftmost column index; numbers and dates are no header."""
    cells: dict[str, int] = {}
    for index, value in enumerate(row):
        if isinstance(value, str) and value:
            name = normalize_header(value)
            if name:
                cells.setdefault(name, index)
    return cells


def _match(template: Template, cells: dict[str, int]) -> dict[str, int]:
    columns: dict[str, int] = {}
    taken: set[int] = set()
    for key, names in _names(template):
        for name in names:
            index = cells.get(name)
            if index is not None and index not in taken:
                columns[key] = index
                taken.add(index)
                break
    return columns


def _coverage(template: Template, columns: dict[str, int], named: bool) -> float:
    """The weighted share of columns found, or 0 when the row is not this template's header."""
    required = [c.key for c in template.columns if c.required]
    found_required = sum(key in columns for key in required)
    if len(columns) < 2:
        return 0.0
    if required:
        if found_required < len(required) * (MIN_REQUIRED_NAMED if named else MIN_REQUIRED):
            return 0.0
    elif len(columns) * 2 < len(template.columns):
        return 0.0
    return (len(columns) + found_required) / (len(template.columns) + len(required))


def _affinity(template: Template, named: str) -> int:
    """2 when the sheet is named as the template's sheet, 1 when its name contains it."""
    own = normalize_header(template.sheet)
    if named == own:
        return 2
    return 1 if own and own in named else 0
