"""How wide and tall header and help cells must be, estimated from their text: xlsxwriter
cannot measure text, and Excel neither widens a column nor (in every spreadsheet) keeps
a row's automatic height, so a header word cut in two or a hidden line is what a newcomer
would otherwise see.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from retaguarda.templates.model import Column

#: Text metrics in column-width units: bold runs wider, the filter button covers the right.
BOLD = 1.1
TEXT = 0.85
FILTER_BUTTON = 2.5
LINE_HEIGHT = 15.0


def column_width(column: Column) -> float:
    """`Column.width`, widened when a header word would be split or hidden by the filter button.

    Excel breaks a header only between words; a word wider than its column is cut in two.
    """
    longest = max(len(word) for word in header_words(column.header))
    return max(column.width, math.ceil(longest * BOLD + FILTER_BUTTON))


def header_height(columns: Sequence[Column]) -> float:
    """Row 1 tall enough for the header that wraps onto the most lines."""
    most = max(
        wrapped_lines(header_words(c.header), (column_width(c) - FILTER_BUTTON) / BOLD)
        for c in columns
    )
    return LINE_HEIGHT * most + 6


def header_words(header: str) -> list[str]:
    # Excel also wraps after a hyphen ("Vale-" / "transporte").
    return header.replace("-", "- ").split()


def wrapped_lines(words: Sequence[str], chars: float) -> int:
    """How many lines a wrapped cell needs: greedy at spaces, a too-long word cut in pieces."""
    per_line = max(int(chars), 1)
    lines, used = 1, 0
    for word in words:
        if used and used + 1 + len(word) <= per_line:
            used += 1 + len(word)
            continue
        if used:
            lines += 1
        full, used = divmod(len(word), per_line)
        if used:
            lines += full
        else:
            lines += full - 1
            used = per_line
    return lines
