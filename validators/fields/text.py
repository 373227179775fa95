"""Cells as the user sees them, as text: for messages and for text columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from retaguarda.validators.arrays import scatter
from retaguarda.validators.fields.cells import Cells, split
from retaguarda.validators.fields.days import US_PER_DAY, civil_of, days_of
from retaguarda.validators.fields.formatting import TWO, date_rows, from_rows
from retaguarda.validators.fields.parsed import text_series


def to_text(cells: pd.Series | Cells) -> pd.Series:
    """The cells as the user sees them, for messages and for text columns (<NA> if empty).

    Integral floats lose Excel's ".0" (a CPF typed as a number stays "12345678901"); dates
    are written dd/mm/aaaa.
    """
    col = split(cells)
    return text_series(cell_texts(col), col.index)


def cell_texts(col: Cells) -> pa.Array:
    parts = [col.texts()]
    at, number = col.numbers()
    if len(at):
        parts.append((at, _number_texts(number)))
    at, flag = col.flags()
    if len(at):
        parts.append((at, pc.if_else(pa.array(flag), "VERDADEIRO", "FALSO")))
    at, when = col.whens()
    if len(at):
        parts.append((at, _datetime_texts(when)))
    at, clock = col.clocks()
    if len(at):
        parts.append((at, pa.array([t.strftime("%H:%M") for t in clock], pa.large_string())))
    at, exact = col.exacts()
    if len(at):  # after the numbers, whose float text it replaces
        parts.append((at, pa.array([format(v, "f") for v in exact], pa.large_string())))
    return scatter(col.n, parts)


def _number_texts(number: np.ndarray) -> pa.Array:
    integral = (np.floor(number) == number) & (np.abs(number) < 2.0**53)
    whole_at = np.flatnonzero(integral)
    other_at = np.flatnonzero(~integral)
    whole = pc.cast(pa.array(number[whole_at].astype(np.int64)), pa.large_string())
    other = pc.cast(pa.array(number[other_at]), pa.large_string())
    return scatter(len(number), [(whole_at, whole), (other_at, other)])


def _datetime_texts(when: np.ndarray) -> pa.Array:
    days = days_of(when)
    since_midnight = when.view(np.int64) - days * US_PER_DAY
    minutes = since_midnight // 60_000_000
    timed = since_midnight != 0
    layout = [("date", "S10"), ("at", "S1"), ("hour", "S2"), ("colon", "S1"), ("minute", "S2")]
    rows = np.empty(len(when), dtype=layout)
    rows["date"] = date_rows(*civil_of(days)).view("S10").ravel()
    rows["at"] = b" "
    rows["hour"] = TWO[minutes // 60]
    rows["colon"] = b":"
    rows["minute"] = TWO[minutes % 60]
    grid = rows.view(np.uint8).reshape(len(when), 16)
    grid[~timed, 10:] = 0
    return from_rows(grid, np.where(timed, 16, 10), np.ones(len(when), dtype=bool))
