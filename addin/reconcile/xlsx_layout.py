"""How a reconciliation's .xlsx reads on screen and on paper: columns as wide as what they
show (capped, longer text wraps), and a print setup that keeps a sheet one page wide.

Without a print setup LibreOffice and Excel cut a 14-column sheet into pages of a few
columns each, and a guessed width shows a long period cut off or money as "###". The widths
are counted in characters of the default font (Calibri 11), the unit a column width is in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

#: a column this wide holds most of what it shows; longer text wraps inside the cell
MAX_WIDTH = 60
MIN_WIDTH = 8
#: room for the cell's margins and the text's indent, so neighbours do not touch
PADDING = 3
_NARROW = frozenset(" fijlrt.,:;!|'()[]-")
#: A4, the paper of a Brazilian office
A4 = 9
#: the default row's height in points (Calibri 11), one line of text
LINE_HEIGHT = 15
#: every cell top-aligned, so a row made taller by a wrapped text still reads across; text
#: indented (and dates centred, by each writer), so neither touches the value beside it
TOP = {"valign": "top"}
TEXT = {"align": "left", "indent": 1, **TOP}


def shown(value: object) -> str:
    """The text a cell shows for `value` under the reconciliation's formats: money as
    "-R$ 1.234,56", a date as dd/mm/aaaa; the width of the longest one sizes its column."""
    if isinstance(value, date):
        return "00/00/0000"
    if isinstance(value, Decimal):
        places = max(-int(value.as_tuple().exponent), 0)  # type: ignore[arg-type]
        text = f"{abs(value):,.{places}f}".replace(",", " ").replace(".", ",")
        return ("-" if value < 0 else "") + "R$ " + text.replace(" ", ".")
    if isinstance(value, float):
        return f"{value:.2f}"
    return "" if value is None else str(value)


def text_width(text: str) -> float:
    """`text`'s width in column-width units, the width of a digit in Calibri 11: a space and
    the narrow letters take about half of one, other small letters one, capitals 1.2 (a bit
    over, so a bold header or a wide name still fits)."""
    return sum(_char_width(ch) for ch in text)


def _char_width(ch: str) -> float:
    if ch.isdigit() or ch == "$":
        return 1.0
    if ch in _NARROW:
        return 0.5
    if ch.isupper() or ch in "mw":
        return 1.2 if ch not in "IJ" else 0.6
    if ch.isalpha():
        return 1.0
    return 0.6


def runs_over(row: Sequence[object], c: int) -> bool:
    """Whether the text in `row[c]` may run over the empty cell to its right (the last
    column's text may not: it would print off the page)."""
    return c < len(row) - 1 and (row[c + 1] is None or row[c + 1] == "")


def lines(text: str, width: int) -> int:
    """How many lines `text` takes wrapped in a column `width` wide: a row this many lines
    high shows all of it (neither Excel nor LibreOffice grows a row written by a library)."""
    return max(1, math.ceil(text_width(text) / max(width - PADDING, 1)))


def column_widths(
    rows: Sequence[Sequence[object]],
    *,
    header_row: int = 1,
    spill: bool = False,
    cap: int = MAX_WIDTH,
) -> dict[int, int]:
    """The width of each column: its widest cell plus padding, at least `MIN_WIDTH`, at most
    `cap`. With `spill`, a text with an empty cell to its right (a title, a section's
    heading, a summary's label) is left out: it runs over that empty cell, as meant."""
    widths: dict[int, float] = {}
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if spill and r != header_row and isinstance(value, str) and runs_over(row, c):
                continue
            width = text_width(shown(value)) + PADDING
            widths[c] = max(widths.get(c, MIN_WIDTH), min(width, cap))
    return {c: round(width + 0.49) for c, width in widths.items()}


def header_alignment(rows: Sequence[Sequence[object]]) -> dict[int, str]:
    """How each column's header sits over its values: right over a column of numbers, centred
    over one of dates (as the values sit), left otherwise."""
    kinds: dict[int, set[str]] = {}
    for row in rows:
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            kind = "center" if isinstance(value, date) else "left"
            if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                kind = "right"
            kinds.setdefault(c, set()).add(kind)
    return {c: kind.pop() if len(kind) == 1 else "left" for c, kind in kinds.items()}


def print_setup(sheet: object, header_row: int) -> None:
    """Landscape A4, one page wide (as many long as it takes), the header row (1-based)
    printed atop every page."""
    sheet.set_landscape()  # type: ignore[attr-defined]
    sheet.set_paper(A4)  # type: ignore[attr-defined]
    sheet.fit_to_pages(1, 0)  # type: ignore[attr-defined]
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)  # type: ignore[attr-defined]
    if header_row:
        sheet.repeat_rows(header_row - 1)  # type: ignore[attr-defined]
