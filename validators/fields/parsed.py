"""What every column parser returns."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa


@dataclass(frozen=True, eq=False)
class Parsed:
    """One column read as one type; rules turn the masks into issues.

    `values` is `Int64` (decimals scaled by 10**places), `datetime64[s]` (dates; months as
    their first day) or the default string dtype (choices), with <NA>/NaT where a cell is
    empty or unreadable: `invalid` tells the two apart. `shown` is the reading written the way
    Brazil writes it ("R$ 1.234,56", "05/03/2026"), the suggestion for an ambiguous cell, or
    for an invalid one when its likely intent is known (a date written month first).
    `rounded` marks typed amounts with more decimals than the column keeps ("0,005" is
    R$ 0,01): rounded half-up, and the user should know.
    """

    values: pd.Series
    invalid: np.ndarray
    ambiguous: np.ndarray
    shown: pd.Series
    rounded: np.ndarray


def text_series(text: pa.Array, index: pd.Index) -> pd.Series:
    series = text.to_pandas()
    series.index = index
    return series
