"""Competência columns: a month and year, read as the month's first day."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from retaguarda.validators.arrays import matches
from retaguarda.validators.fields.bytegrid import by_distinct, byte_grid, digit_runs
from retaguarda.validators.fields.cells import Cells, split
from retaguarda.validators.fields.dates import text_dates
from retaguarda.validators.fields.days import (
    civil_of,
    days_from_civil,
    days_of,
    serial_days,
    to_datetime64,
)
from retaguarda.validators.fields.formatting import month_strings
from retaguarda.validators.fields.grammar import CENTURY_PIVOT, MONTH_PATTERN
from retaguarda.validators.fields.parsed import Parsed, text_series

#: The first three letters of a month name, English abbreviations included.
_MONTH_OF = {
    "jan": 1, "fev": 2, "feb": 2, "mar": 3, "abr": 4, "apr": 4, "mai": 5, "may": 5, "jun": 6,
    "jul": 7, "ago": 8, "aug": 8, "set": 9, "sep": 9, "out": 10, "oct": 10, "nov": 11,
    "dez": 12, "dec": 12,
}  # fmt: skip
_MONTH_KEYS = np.array(sorted(int.from_bytes(name.encode(), "big") for name in _MONTH_OF))
_MONTH_NUMBERS = np.array([_MONTH_OF[int(k).to_bytes(3, "big").decode()] for k in _MONTH_KEYS])


def parse_month(cells: pd.Series | Cells) -> Parsed:
    """Read a competência ("03/2026", "mar/26", "2026-03", a date) as its first day.

    An Excel serial counts only as a number: digits typed as text ("2026", "202603") are no
    month (`DATE_PATTERN`).
    """
    col = split(cells)
    n = col.n
    year = np.zeros(n, dtype=np.int64)
    month = np.ones(n, dtype=np.int64)
    ok, invalid, ambiguous, hinted = (np.zeros(n, dtype=bool) for _ in range(4))
    at, text = col.texts()
    if len(at):
        year[at], month[at], ok[at], fits = _text_months(text)
        rest = np.flatnonzero(~fits)
        if len(rest):
            others = text.take(pa.array(rest))
            dates = text_dates(others)
            y, m, _ = civil_of(dates.days)
            rows = at[rest]
            year[rows], month[rows], ok[rows] = y, m, dates.ok
            ambiguous[rows], hinted[rows] = dates.ambiguous, dates.hinted
        invalid[at] = ~ok[at]
    at, number = col.numbers()
    if len(at):
        days, good = serial_days(number)
        year[at], month[at], _ = civil_of(days)
        ok[at] = good
        invalid[at] = ~good
    at, when = col.whens()
    if len(at):
        year[at], month[at], _ = civil_of(days_of(when))
        ok[at] = True
    invalid[col.elsewhere()] = True
    firsts = days_from_civil(year, month, np.ones_like(month))
    values = pd.Series(to_datetime64(firsts, ok), index=col.index)
    shown = month_strings(year, month, ok | hinted)
    return Parsed(values, invalid, ambiguous & ok, text_series(shown, col.index), np.zeros(n, bool))


def _text_months(text: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    return by_distinct(text, _read_months)


def _read_months(text: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(year, month, ok, fits MONTH_PATTERN) of each cell."""
    n = len(text)
    fits = matches(text, MONTH_PATTERN)
    grid, lengths = byte_grid(text)
    width = len(grid)
    if width == 0:
        return np.zeros(n, np.int64), np.ones(n, np.int64), np.zeros(n, bool), fits
    (first, second), (size0, size1), _ = digit_runs(grid, 2)
    (tail,), (tail_size,), _ = digit_runs(grid, 0)  # the year after a month name
    start = width - np.minimum(lengths, width)
    cells = np.arange(n)
    lead = [grid[np.minimum(start + j, width - 1), cells].astype(np.int64) | 0x20 for j in range(3)]
    named = (lead[0] >= 97) & (lead[0] <= 122)
    code = (lead[0] << 16) | (lead[1] << 8) | lead[2]
    found = np.clip(np.searchsorted(_MONTH_KEYS, code), 0, len(_MONTH_KEYS) - 1)
    name_month = np.where(_MONTH_KEYS[found] == code, _MONTH_NUMBERS[found], 0)
    year_first = ~named & (size0 == 4)
    year = np.where(named, tail, np.where(year_first, first, second))
    digits = np.where(named, tail_size, np.where(year_first, 4, size1))
    year = np.where(digits == 2, np.where(year <= CENTURY_PIVOT, year + 2000, year + 1900), year)
    month = np.where(named, name_month, np.where(year_first, second, first))
    ok = fits & (lengths <= width) & (month >= 1) & (month <= 12)
    ok &= (year >= 1900) & (year <= 9999)
    return year, np.where(ok, month, 1), ok, fits
