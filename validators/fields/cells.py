"""Splitting a column by the Python type of its cells.

A column arrives as the reader gives it: python-calamine mixes str, float, int, bool, datetime,
date, time and "" in one column, xlwings gives floats, str, datetimes and None, gspread gives
only str. Each parser splits the column by type once and then works on whole arrays.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from retaguarda.validators.arrays import large
from retaguarda.validators.fields.grammar import BRASILIA


@dataclass
class _Kind:
    """The cells of one kind, in pieces: the rows each piece came from and its values."""

    at: list[np.ndarray] = field(default_factory=list)
    values: list = field(default_factory=list)

    def add(self, at: np.ndarray, values: np.ndarray | pa.Array) -> None:
        self.at.append(at)
        self.values.append(values)

    def rows(self) -> np.ndarray:
        return _joined(self.at, np.int64)

    def joined(self, dtype: object) -> tuple[np.ndarray, np.ndarray]:
        return self.rows(), _joined(self.values, dtype)


@dataclass
class Cells:
    """A column split by kind of cell, each kind as one array plus the rows it came from.

    Empty cells (None, NaN, NaT, "" and whitespace) are in no kind.
    """

    n: int
    index: pd.Index
    text: _Kind = field(default_factory=_Kind)
    number: _Kind = field(default_factory=_Kind)
    when: _Kind = field(default_factory=_Kind)
    flag: _Kind = field(default_factory=_Kind)
    clock: _Kind = field(default_factory=_Kind)
    #: Decimal cells (from programs, never from a reader): numbers too, as floats, for dates
    #: and text, but amounts read them exactly
    exact: _Kind = field(default_factory=_Kind)

    def add_text(self, at: np.ndarray, text: pa.Array) -> None:
        text = pc.utf8_trim_whitespace(large(text))
        keep = np.asarray(pc.fill_null(pc.greater(pc.binary_length(text), 0), False))
        if not keep.all():
            text = text.filter(pa.array(keep))
            at = at[keep]
        self.text.add(at, text)

    def add_number(self, at: np.ndarray, number: np.ndarray) -> None:
        keep = ~np.isnan(number)
        self.number.add(at[keep], number[keep])

    def add_when(self, at: np.ndarray, when: np.ndarray) -> None:
        keep = ~np.isnat(when)
        self.when.add(at[keep], when[keep])

    def texts(self) -> tuple[np.ndarray, pa.Array]:
        at, text = self.text.rows(), self.text.values
        if not text:
            return at, pa.array([], pa.large_string())
        return at, pa.concat_arrays(text) if len(text) > 1 else text[0]

    def numbers(self) -> tuple[np.ndarray, np.ndarray]:
        return self.number.joined(np.float64)

    def whens(self) -> tuple[np.ndarray, np.ndarray]:
        return self.when.joined("datetime64[us]")

    def flags(self) -> tuple[np.ndarray, np.ndarray]:
        return self.flag.joined(bool)

    def clocks(self) -> tuple[np.ndarray, np.ndarray]:
        return self.clock.joined(object)

    def exacts(self) -> tuple[np.ndarray, np.ndarray]:
        return self.exact.joined(object)

    def elsewhere(self) -> np.ndarray:
        """Rows holding a boolean or a time of day: never a number nor a date."""
        return np.concatenate([self.flag.rows(), self.clock.rows()])


def _joined(parts: list[np.ndarray], dtype: object) -> np.ndarray:
    if not parts:
        return np.zeros(0, dtype=dtype)
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def split(cells: pd.Series | Cells) -> Cells:
    """Split a column by kind, taking a whole-array path when the column is all one type.

    Every parser here splits its input first; a caller that reads one column several ways
    (as text and as a number) splits it once and passes the result to each.
    """
    if isinstance(cells, Cells):
        return cells
    if not isinstance(cells, pd.Series):
        cells = pd.Series(cells, dtype=object)
    n = len(cells)
    out = Cells(n, cells.index)
    everywhere = np.arange(n, dtype=np.int64)
    dtype = cells.dtype
    if isinstance(dtype, pd.StringDtype):
        out.add_text(everywhere, pa.array(cells, type=pa.large_string(), from_pandas=True))
    elif isinstance(dtype, pd.ArrowDtype) and pa.types.is_large_string(dtype.pyarrow_dtype):
        out.add_text(everywhere, pa.array(cells))  # Arrow text from the reader, as it is
    elif pd.api.types.is_float_dtype(dtype):
        out.add_number(everywhere, cells.to_numpy(dtype=np.float64, na_value=np.nan))
    elif isinstance(dtype, pd.DatetimeTZDtype):
        wall = cells.dt.tz_convert(BRASILIA).dt.tz_localize(None)
        out.add_when(everywhere, wall.to_numpy(dtype="datetime64[us]"))
    elif pd.api.types.is_datetime64_dtype(dtype):
        out.add_when(everywhere, cells.to_numpy(dtype="datetime64[us]"))
    else:
        values = cells.to_numpy(dtype=object)
        if not _split_uniform(values, everywhere, out):
            blank = _blanks(values)
            kept = np.flatnonzero(~blank) if blank is not None and blank.any() else None
            if kept is None or not _split_uniform(values[kept], kept, out):
                _split_by_type(values, out)
    return out


def _blanks(values: np.ndarray) -> np.ndarray | None:
    """Where a cell is "": calamine's empty cell, which makes a numeric column look mixed."""
    try:
        return np.asarray(values == "", dtype=bool)
    except (TypeError, ValueError):  # pd.NA compared with "" has no truth value
        return None


def _split_uniform(values: np.ndarray, at: np.ndarray, out: Cells) -> bool:
    """Whole-array conversion when every non-missing cell has the same type."""
    kind = pd.api.types.infer_dtype(values, skipna=True)
    try:
        if kind == "string":
            out.add_text(at, pa.array(values, type=pa.large_string(), from_pandas=True))
        elif kind in ("floating", "integer", "mixed-integer-float"):
            number = values.astype(np.float64)
            if kind != "floating" and np.any(np.abs(number) >= 2**53):
                return False  # an int that float would round
            out.add_number(at, number)
        elif kind in ("datetime", "datetime64", "date"):
            out.add_when(at, _datetimes(values))
        elif kind == "boolean":
            known = ~pd.isna(values)
            out.flag.add(at[known], values[known].astype(bool))
        elif kind != "empty":
            return False
    except (TypeError, ValueError, OverflowError):
        return False
    return True


_TYPE_OF = np.frompyfunc(type, 1, 1)
_EMPTY, _TEXT, _FLOAT, _INT, _FLAG, _WHEN, _CLOCK, _EXACT, _OTHER = range(9)


def _kind_of(kind: type) -> int:
    if issubclass(kind, type(None) | type(pd.NA) | type(pd.NaT)):
        return _EMPTY
    if issubclass(kind, str):
        return _TEXT
    if issubclass(kind, bool | np.bool_):
        return _FLAG
    if issubclass(kind, Decimal):
        return _EXACT
    if issubclass(kind, float | np.floating):
        return _FLOAT
    if issubclass(kind, int | np.integer):
        return _INT
    if issubclass(kind, dt.date | np.datetime64):
        return _WHEN
    if issubclass(kind, dt.time):
        return _CLOCK
    return _OTHER


def _split_by_type(values: np.ndarray, out: Cells) -> None:
    codes, kinds = pd.factorize(_TYPE_OF(values))
    kind = np.array([_kind_of(k) for k in kinds], dtype=np.int8)[codes]
    for code in np.unique(kind):
        at = np.flatnonzero(kind == code)
        chosen = values[at]
        if code == _TEXT:
            out.add_text(at, pa.array(chosen, type=pa.large_string()))
        elif code == _FLOAT:
            out.add_number(at, chosen.astype(np.float64))
        elif code == _INT:
            _split_ints(chosen, at, out)
        elif code == _FLAG:
            out.flag.add(at, chosen.astype(bool))
        elif code == _WHEN:
            out.add_when(at, _datetimes(chosen))
        elif code == _CLOCK:
            out.clock.add(at, chosen)
        elif code == _EXACT:
            number = np.array([float(v) if v.is_finite() else math.nan for v in chosen])
            out.add_number(at, number)
            known = np.array([not v.is_nan() for v in chosen], dtype=bool)
            out.exact.add(at[known], chosen[known])
        elif code == _OTHER:  # timedelta and the like: read as the text they print as
            out.add_text(at, pa.array([str(v) for v in chosen], type=pa.large_string()))


def _split_ints(values: np.ndarray, at: np.ndarray, out: Cells) -> None:
    """Ints that a float holds exactly are numbers; larger ones are kept exact as text."""
    try:
        ints = values.astype(np.int64)
        exact = np.abs(ints) <= 2**53
    except OverflowError:
        exact = np.array([abs(int(v)) <= 2**53 for v in values], dtype=bool)
        ints = np.where(exact, values, 0).astype(np.int64)
    out.add_number(at[exact], ints[exact].astype(np.float64))
    if not exact.all():
        big = [format(Decimal(int(v)), "f") for v in values[~exact]]  # str() stops at 4,300
        out.add_text(at[~exact], pa.array(big, type=pa.large_string()))


def _datetimes(values: np.ndarray) -> np.ndarray:
    """Datetime, date and Timestamp objects as naive wall-clock datetime64[us]: aware ones on
    Brasília's clock, naive ones as they are."""
    try:
        index = pd.DatetimeIndex(values)
    except (TypeError, ValueError):  # aware and naive mixed: each one on its own
        index = pd.DatetimeIndex([_naive(v) for v in values])
    if index.tz is not None:
        index = index.tz_convert(BRASILIA).tz_localize(None)
    return index.as_unit("us").to_numpy()


def _naive(value: object) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    return stamp.tz_convert(BRASILIA).tz_localize(None) if stamp.tz is not None else stamp
