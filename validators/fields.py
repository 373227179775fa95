"""Typed values out of the raw cells of one spreadsheet column: money, numbers, dates, choices.

A column arrives as the reader gives it: python-calamine mixes str, float, int, bool, datetime,
date, time and "" in one column, xlwings gives floats, str, datetimes and None, gspread gives
only str. Parsing such a column cell by cell in Python costs seconds on a big sheet, so every
parser here splits the column by Python type once and then works on whole arrays: numpy for
numbers and dates, pyarrow for text. Text is accepted or refused by the patterns below (RE2 in
pyarrow, `re` in the scalar helpers `money` and `date_value`: the same pattern strings), and the
digits of accepted text are then read straight out of the Arrow buffers, so money typed as text
never goes through binary float.

Every parser returns a `Parsed`: typed values (scaled integers for decimals, see
`templates.model.SCALE`), which non-empty cells could not be read, which readings are guesses
the user should confirm, and the normalized text of each reading, to offer as a suggestion.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
import unicodedata
import zoneinfo
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# --------------------------------------------------------------------------------------------
# Grammar. Written for both engines: no \d or \s (RE2 and `re` disagree on Unicode), no
# look-arounds or back-references (RE2 has none). Cells are stripped before matching.

#: Excel's pt-BR currency format puts a no-break space after "R$"; copies from the web bring
#: narrow ones, and PDFs thin ones.
_SPACE = "[ \u00a0\u2009\u202f]*"
#: One space between groups of thousands, as bank exports and PDFs write "1 234,56".
_THOUSANDS_SPACE = "[ \u00a0\u2007\u2009\u202f]"

_AMOUNT = (
    "(?:[0-9]+"  # 1234
    "|[1-9][0-9]{0,2}(?:[.][0-9]{3})+(?:,[0-9]+)?"  # 1.234 / 1.234.567,8
    "|[0-9]*,[0-9]+"  # 1234,56 / ,5
    "|[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:[.][0-9]+)?"  # 1,234,567 / 1,234.56
    "|[1-9][0-9]{0,2}(?:" + _THOUSANDS_SPACE + "[0-9]{3})+(?:[,.][0-9]+)?"  # 1 234,56
    "|[0-9]*[.][0-9]+)"  # 1234.56 / .5
)  # fmt: skip
_CURRENCY = "(?:[Rr][$]" + _SPACE + ")?"

#: A number as people type it in Brazil (and as English exports write it): one sign before or
#: after "R$", or parentheses for a negative amount, never both; bank statements also put the
#: sign after the amount ("1.234,56-") or mark it D (debit: negative) or C (credit).
NUMBER_PATTERN = (
    "^(?:(?:[-+]" + _SPACE + ")?" + _CURRENCY + _AMOUNT
    + "|[Rr][$]" + _SPACE + "[-+]" + _SPACE + _AMOUNT
    + "|[(]" + _SPACE + _CURRENCY + _AMOUNT + _SPACE + "[)]"
    + "|" + _CURRENCY + _AMOUNT + _SPACE + "[-+CcDd])$"
)  # fmt: skip

_CLOCK = "(?:[01]?[0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:[.,][0-9]+)?)?"
_YEAR = "(?:[0-9]{2}|[0-9]{4})"

#: A date: day first as in Brazil (one separator throughout) or ISO year first; a time of day
#: after the date is allowed and ignored, except that an ISO time with a zone ("Z", "-03:00")
#: moves the date to Brasília's. Digits alone are no date: "2026" or "202603" typed as text
#: would be read as Excel serials of 1905 (a serial is a number cell, read as such).
DATE_PATTERN = (
    "^(?:[0-9]{1,2}(?:/[0-9]{1,2}/|-[0-9]{1,2}-|[.][0-9]{1,2}[.])" + _YEAR
    + "(?: +" + _CLOCK + ")?"
    + "|[0-9]{4}(?:-[0-9]{1,2}-|/[0-9]{1,2}/)[0-9]{1,2}"
    + "(?:[T ]" + _CLOCK + "(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?"
    + ")$"
)  # fmt: skip
#: An ISO date and time with its zone, to be dated in Brasília.
_AWARE_RE = re.compile(
    "([0-9]{4})[-/]([0-9]{1,2})[-/]([0-9]{1,2})[T ]([0-9]{1,2}):([0-9]{2})"
    "(?::([0-9]{2})(?:[.,][0-9]+)?)?(Z|([+-])([0-9]{2}):?([0-9]{2}))"
)
#: Where these companies are: dates of aware timestamps are taken on its clock.
_BRASILIA = zoneinfo.ZoneInfo("America/Sao_Paulo")
#: Excel reads two-digit years up to this one as 20xx, the later ones as 19xx.
_CENTURY_PIVOT = 29

_MONTH_NAMES = (
    "jan(?:eiro)?|fev(?:ereiro)?|feb|mar(?:[cç]o)?|abr(?:il)?|apr|maio?|may|jun(?:ho)?"
    "|jul(?:ho)?|ago(?:sto)?|aug|set(?:embro)?|sep|out(?:ubro)?|oct|nov(?:embro)?"
    "|dez(?:embro)?|dec"
)

#: A competência: mm/aaaa, aaaa-mm, or a month name ("mar/26", "março de 2026").
MONTH_PATTERN = (
    "(?i)^(?:[0-9]{1,2}[/.-]" + _YEAR
    + "|[0-9]{4}[/-][0-9]{1,2}"
    + "|(?:" + _MONTH_NAMES + ")[.]?(?: *[/.-] *| +(?:de +)?)" + _YEAR + ")$"
)  # fmt: skip

_NUMBER_RE = re.compile(NUMBER_PATTERN)
_DATE_RE = re.compile(DATE_PATTERN)
_DIGIT_RUN = re.compile("[0-9]+")

#: The first three letters of a month name, English abbreviations included.
_MONTH_OF = {
    "jan": 1, "fev": 2, "feb": 2, "mar": 3, "abr": 4, "apr": 4, "mai": 5, "may": 5, "jun": 6,
    "jul": 7, "ago": 8, "aug": 8, "set": 9, "sep": 9, "out": 10, "oct": 10, "nov": 11,
    "dez": 12, "dec": 12,
}  # fmt: skip
_MONTH_KEYS = np.array(sorted(int.from_bytes(name.encode(), "big") for name in _MONTH_OF))
_MONTH_NUMBERS = np.array([_MONTH_OF[int(k).to_bytes(3, "big").decode()] for k in _MONTH_KEYS])

_INT64_MAX = int(np.iinfo(np.int64).max)
#: More digits than any amount that fits int64 with its decimals (and fewer than the 4,300
#: beyond which Python refuses to read a number): such text is too big, not a number to read.
_MAX_DIGITS = 40
#: How much of a cell a message quotes.
_QUOTED = 40
_POW10 = np.array([10**i for i in range(19)], dtype=np.int64)
#: Below this, a scaled float's rounding interval holds at most one decimal with one more
#: place than wanted, so float arithmetic recovers its shortest repr (see `_float_numbers`).
_FLOAT_EXACT = float(2**48)
#: Excel's range of dates: serial 1 is 1900-01-01, 2958465 is 9999-12-31.
_SERIAL_MAX = 2958465
_SERIAL_EPOCH = 25569  # the serial of 1970-01-01, counting Excel's fake 1900-02-29
_EPOCH = dt.date(1970, 1, 1)
_MONTH_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
# The calendar as tables, years 1 to 9999: whether a year is leap, the day its 1 January falls
# on (days since 1970-01-01), the day of the year each month starts on (common year, then
# leap year), and the month and day of each day of the year (common year, then leap year).
_YEARS = np.arange(1, 10000)
_LEAP = (_YEARS % 4 == 0) & ((_YEARS % 100 != 0) | (_YEARS % 400 == 0))
_YEAR_START = np.cumsum(365 + _LEAP) - 365 - _LEAP + 1 - _EPOCH.toordinal()
_LEAP_MONTH_DAYS = _MONTH_DAYS + (np.arange(12) == 1)
_MONTH_START = np.concatenate([np.cumsum(m) - m for m in (_MONTH_DAYS, _LEAP_MONTH_DAYS)])
_MONTH_OF_DAY = np.concatenate(
    [np.repeat(np.arange(1, 13), _MONTH_DAYS), [12], np.repeat(np.arange(1, 13), _LEAP_MONTH_DAYS)]
)
_DAY_OF_DAY = np.concatenate(
    [
        np.arange(365) - np.repeat(_MONTH_START[:12], _MONTH_DAYS) + 1,
        [31],
        np.arange(366) - np.repeat(_MONTH_START[12:], _LEAP_MONTH_DAYS) + 1,
    ]
)
_US_PER_DAY = 86_400_000_000
_NAT = np.iinfo(np.int64).min

_TWO = np.array([b"%02d" % i for i in range(100)], dtype="S2")
_FOUR = np.array([b"%04d" % i for i in range(10000)], dtype="S4")
#: _THREE_COLUMNS[k][g]: the k-th of the three digits of g (0..999), as an ASCII byte.
_THREE_COLUMNS = np.array([[ord(f"{g:03d}"[k]) for g in range(1000)] for k in range(3)], np.uint8)


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


# --------------------------------------------------------------------------------------------
# Splitting a column by the Python type of its cells.


@dataclass
class Cells:
    """A column split by kind of cell, each kind as one array plus the rows it came from.

    Empty cells (None, NaN, NaT, "" and whitespace) are in no kind.
    """

    n: int
    index: pd.Index
    text_at: list[np.ndarray] = field(default_factory=list)
    text: list[pa.Array] = field(default_factory=list)
    number_at: list[np.ndarray] = field(default_factory=list)
    number: list[np.ndarray] = field(default_factory=list)
    when_at: list[np.ndarray] = field(default_factory=list)
    when: list[np.ndarray] = field(default_factory=list)
    flag_at: list[np.ndarray] = field(default_factory=list)
    flag: list[np.ndarray] = field(default_factory=list)
    clock_at: list[np.ndarray] = field(default_factory=list)
    clock: list[np.ndarray] = field(default_factory=list)
    #: Decimal cells (from programs, never from a reader): numbers too, as floats, for dates
    #: and text, but amounts read them exactly
    exact_at: list[np.ndarray] = field(default_factory=list)
    exact: list[np.ndarray] = field(default_factory=list)

    def add_text(self, at: np.ndarray, text: pa.Array) -> None:
        text = pc.utf8_trim_whitespace(_large(text))
        keep = np.asarray(pc.fill_null(pc.greater(pc.binary_length(text), 0), False))
        if not keep.all():
            text = text.filter(pa.array(keep))
            at = at[keep]
        self.text_at.append(at)
        self.text.append(text)

    def add_number(self, at: np.ndarray, number: np.ndarray) -> None:
        keep = ~np.isnan(number)
        self.number_at.append(at[keep])
        self.number.append(number[keep])

    def add_when(self, at: np.ndarray, when: np.ndarray) -> None:
        keep = ~np.isnat(when)
        self.when_at.append(at[keep])
        self.when.append(when[keep])

    def texts(self) -> tuple[np.ndarray, pa.Array]:
        at = _joined(self.text_at, np.int64)
        if not self.text:
            return at, pa.array([], pa.large_string())
        return at, pa.concat_arrays(self.text) if len(self.text) > 1 else self.text[0]

    def numbers(self) -> tuple[np.ndarray, np.ndarray]:
        return _joined(self.number_at, np.int64), _joined(self.number, np.float64)

    def whens(self) -> tuple[np.ndarray, np.ndarray]:
        return _joined(self.when_at, np.int64), _joined(self.when, "datetime64[us]")

    def flags(self) -> tuple[np.ndarray, np.ndarray]:
        return _joined(self.flag_at, np.int64), _joined(self.flag, bool)

    def clocks(self) -> tuple[np.ndarray, np.ndarray]:
        return _joined(self.clock_at, np.int64), _joined(self.clock, object)

    def exacts(self) -> tuple[np.ndarray, np.ndarray]:
        return _joined(self.exact_at, np.int64), _joined(self.exact, object)

    def elsewhere(self) -> np.ndarray:
        """Rows holding a boolean or a time of day: never a number nor a date."""
        return np.concatenate([_joined(self.flag_at, np.int64), _joined(self.clock_at, np.int64)])


def _joined(parts: list[np.ndarray], dtype: object) -> np.ndarray:
    if not parts:
        return np.zeros(0, dtype=dtype)
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _large(text: pa.Array | pa.ChunkedArray) -> pa.LargeStringArray:
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks() if text.num_chunks else pa.array([], text.type)
    return text if text.type == pa.large_string() else text.cast(pa.large_string())


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
        wall = cells.dt.tz_convert(_BRASILIA).dt.tz_localize(None)
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
            out.flag_at.append(at[known])
            out.flag.append(values[known].astype(bool))
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
            out.flag_at.append(at)
            out.flag.append(chosen.astype(bool))
        elif code == _WHEN:
            out.add_when(at, _datetimes(chosen))
        elif code == _CLOCK:
            out.clock_at.append(at)
            out.clock.append(chosen)
        elif code == _EXACT:
            number = np.array([float(v) if v.is_finite() else math.nan for v in chosen])
            out.add_number(at, number)
            known = np.array([not v.is_nan() for v in chosen], dtype=bool)
            out.exact_at.append(at[known])
            out.exact.append(chosen[known])
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
        index = index.tz_convert(_BRASILIA).tz_localize(None)
    return index.as_unit("us").to_numpy()


def _naive(value: object) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    return stamp.tz_convert(_BRASILIA).tz_localize(None) if stamp.tz is not None else stamp


# --------------------------------------------------------------------------------------------
# Reading text in bulk: a pattern decides which cells are well formed, then their digits are
# read out of the Arrow buffers with numpy, one byte position of every cell at a time.

#: Longer cells are read one at a time: no well-formed number or date is that long (short of
#: padding), and the byte grid below is as wide as the longest cell.
_WIDTH = 40
#: Columns that repeat themselves (dates do) are read once per distinct value.
_SAMPLE = 16384


def _matches(text: pa.Array, pattern: str) -> np.ndarray:
    if len(text) == 0:
        return np.zeros(0, dtype=bool)
    return pc.match_substring_regex(text, pattern).to_numpy(zero_copy_only=False)


def _bytes(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Row offsets (n + 1, from 0) and the UTF-8 bytes of a string array."""
    text = _large(text)
    if len(text) == 0:
        return np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.uint8)
    _, offsets, data = text.buffers()
    off = np.frombuffer(offsets, np.int64, count=len(text) + 1, offset=text.offset * 8)
    raw = np.frombuffer(data, np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
    return off - off[0], raw[off[0] : off[-1]]


def _grid(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Each cell's bytes right-aligned in a (width, cells) array, zeros on the left; lengths.

    Byte c of every cell is then one contiguous vector, so reading a column costs a few
    vector operations per byte position. A cell longer than `_WIDTH` keeps its last bytes.
    """
    off, data = _bytes(text)
    lengths = np.diff(off)
    width = int(min(lengths.max(), _WIDTH)) if len(lengths) else 0
    padded = np.concatenate([np.zeros(width, dtype=np.uint8), data])
    rows = np.lib.stride_tricks.sliding_window_view(padded, width)[off[1:]]
    grid = np.ascontiguousarray(rows.T)
    for c in range(width):  # zero what belongs to the previous cells
        grid[c] *= lengths >= width - c
    return grid, lengths


def _fields(grid: np.ndarray, count: int) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray]:
    """Values and sizes of each cell's first `count` digit runs (the last one instead, when
    `count` is 0), and how many other bytes the cell has."""
    width, n = grid.shape
    values = [np.zeros(n, dtype=np.int32) for _ in range(max(count, 1))]
    sizes = [np.zeros(n, dtype=np.uint8) for _ in range(max(count, 1))]
    cuts = np.zeros(n, dtype=np.uint8)
    for c in range(width):
        digit = grid[c] - 48
        is_digit = digit < 10
        cut = ~is_digit & (grid[c] != 0)
        cuts += cut
        if count == 0:  # a run restarts after any other byte
            values[0] *= ~cut
            sizes[0] *= ~cut
        for j in range(max(count, 1)):
            here = is_digit & (cuts == j) if count else is_digit
            values[j] *= here * np.uint8(9) + np.uint8(1)
            values[j] += digit * here
            sizes[j] += here
    return [v.astype(np.int64) for v in values], [z.astype(np.int64) for z in sizes], cuts


def _by_distinct(
    text: pa.Array, read: Callable[[pa.Array], tuple[np.ndarray, ...]]
) -> tuple[np.ndarray, ...]:
    """`read(text)`, reading each distinct value once when a sample shows repetition."""
    if len(text) > _SAMPLE and len(pc.unique(text.slice(0, _SAMPLE))) <= _SAMPLE // 4:
        encoded = pc.dictionary_encode(text)
        where = encoded.indices.to_numpy(zero_copy_only=False).astype(np.intp)
        return tuple(part[where] for part in read(encoded.dictionary))
    return read(text)


# --------------------------------------------------------------------------------------------
# Numbers


def parse_decimal(cells: pd.Series | Cells, places: int) -> Parsed:
    """Read amounts and quantities as integers scaled by 10**places, rounded half-up.

    A float cell is rounded as Excel shows it (the shortest repr of the float: 1.005 is
    R$ 1,01, not the 1,00 its binary value would round to); text is read exactly.
    """
    return _parse_number(cells, places, whole=False)


def parse_integer(cells: pd.Series | Cells) -> Parsed:
    """Read whole numbers; a fraction other than zero ("3,5") is invalid, not rounded."""
    return _parse_number(cells, 0, whole=True)


def _parse_number(cells: pd.Series, places: int, whole: bool) -> Parsed:
    col = split(cells)
    n = col.n
    scaled = np.zeros(n, dtype=np.int64)
    ok = np.zeros(n, dtype=bool)
    invalid = np.zeros(n, dtype=bool)
    ambiguous = np.zeros(n, dtype=bool)
    rounded = np.zeros(n, dtype=bool)
    at, text = col.texts()
    if len(at):
        scaled[at], ok[at], ambiguous[at], rounded[at] = _text_numbers(text, places, whole)
        invalid[at] = ~ok[at]
    at, number = col.numbers()
    if len(at):
        scaled[at], ok[at] = _float_numbers(number, places, whole)
        invalid[at] = ~ok[at]
    for i, exact in zip(*col.exacts(), strict=True):  # Decimals, from programs: rare
        ok[i], invalid[i] = False, True
        with contextlib.suppress(ValueError):
            reading, rounded[i] = _decimal_scaled(exact, places, whole)
            invalid[i] = False
            if reading is not None:
                scaled[i], ok[i] = reading, True
    invalid[col.elsewhere()] = True
    at, _ = col.whens()
    invalid[at] = True
    scaled *= ok
    values = pd.Series(pd.arrays.IntegerArray(scaled, ~ok), index=col.index)
    shown = _text_series(_format_scaled(scaled, ok, places, currency=places == 2), col.index)
    return Parsed(values, invalid, ambiguous, shown, rounded & ok)


def _text_numbers(
    text: pa.Array, places: int, whole: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(scaled, ok, ambiguous, rounded) of stripped, non-empty text."""
    return _by_distinct(text, lambda distinct: _read_numbers(distinct, places, whole))


def _read_numbers(
    text: pa.Array, places: int, whole: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Mirrors `_text_scaled`, reading every cell's digits and separators at once."""
    n = len(text)
    if n == 0:
        nothing = np.zeros(0, dtype=bool)
        return np.zeros(0, dtype=np.int64), nothing, nothing, nothing
    fits = _matches(text, NUMBER_PATTERN)
    ok = fits.copy()
    grid, lengths = _grid(text)
    width = len(grid)
    # One pass over the byte positions, left to right, in small integers.
    ndigits, dots, commas, ahead, after = (np.zeros(n, dtype=np.uint8) for _ in range(5))
    negative, seen_sep, seen_digit, lead_zero = (np.zeros(n, dtype=bool) for _ in range(4))
    value = np.zeros(n, dtype=np.int64)
    block = np.zeros(n, dtype=np.int32)  # the digits of the last (up to nine) positions...
    count = np.zeros(n, dtype=np.uint8)  # ...and how many there are
    for c in range(width):
        byte = grid[c]
        digit = byte - 48
        is_digit = digit < 10
        is_dot = byte == 46
        is_comma = byte == 44
        is_sep = is_dot | is_comma
        ndigits += is_digit
        dots += is_dot
        commas += is_comma
        negative |= (byte == 45) | (byte == 40) | (byte == 68) | (byte == 100)  # - ( D d
        ahead += is_digit & ~seen_sep
        seen_sep |= is_sep
        after += is_digit
        after *= ~is_sep
        lead_zero |= ~seen_digit & (byte == 48)
        seen_digit |= is_digit
        block *= is_digit * np.uint8(9) + np.uint8(1)  # times 10 for a digit
        block += digit * is_digit
        count += is_digit
        if c % 9 == 8 or c == width - 1:
            value *= _POW10[count]
            value += block
            block[:] = 0
            count[:] = 0

    # The same rules as `_text_scaled`, for every cell at once.
    single_dot = (dots == 1) & (commas == 0)
    single_comma = (commas == 1) & (dots == 0)
    groupable = (after == 3) & (ahead >= 1) & (ahead <= 3) & ~lead_zero
    decimal = ((dots > 0) & (commas > 0)) | single_comma | (single_dot & ~groupable)
    fraction = after * decimal
    if whole:
        ambiguous = np.zeros(n, dtype=bool)
    else:
        ambiguous = fits & ((single_dot & groupable) | (single_comma & groupable & (places < 3)))

    # Scale to `places`: usually a multiplication; more decimals than that round half-up.
    grow = fraction <= places
    shift = np.uint8(places) - np.minimum(fraction, np.uint8(places))
    scaled = value * _POW10[shift]
    risky = np.flatnonzero(ndigits + shift > 18)
    overflow = np.zeros(n, dtype=bool)
    overflow[risky] = value[risky] > _INT64_MAX // _POW10[shift[risky]]
    ok &= ~overflow
    cut = np.flatnonzero(~grow)
    unit = _POW10[np.minimum(fraction[cut] - places, 18)]
    kept, rest = np.divmod(value[cut], unit)
    scaled[cut] = kept + (2 * rest >= unit)
    rounded = np.zeros(n, dtype=bool)
    rounded[cut] = rest != 0
    if whole:
        ok[cut] &= rest == 0
    np.negative(scaled, out=scaled, where=negative)
    # Beyond int64 arithmetic or the grid: read those few cells exactly, one at a time.
    for i in np.flatnonzero(fits & ((ndigits > 18) | (lengths > width))):
        try:
            scaled[i], ambiguous[i], rounded[i] = _text_scaled(text[i].as_py(), places, whole)
            ok[i] = True
        except ValueError:
            ok[i] = False
    scaled *= ok
    return scaled, ok, ambiguous & ok, rounded & ok & ~whole


def _float_numbers(number: np.ndarray, places: int, whole: bool) -> tuple[np.ndarray, np.ndarray]:
    """(scaled, ok) for float cells, rounded half-up from their shortest repr.

    The decimal Excel shows for a float is (to 15 digits) its shortest repr; rounding that
    decimal half-up gives r with h(r - 1) <= |x| < h(r), h(k) = (k + 1/2) / 10**places. Below
    `_FLOAT_EXACT` a float's rounding interval holds at most one decimal with places + 1
    digits, so comparing |x| with the nearest float to h(k) (one correctly rounded division)
    decides the tie exactly: 1.005 is the float nearest to 1.005, so it rounds up.
    """
    finite = np.isfinite(number)
    size = np.abs(np.where(finite, number, 0.0))
    if whole:
        ok = finite & (np.floor(size) == size) & (size < 2.0**63)
        scaled = np.where(ok, number, 0.0).astype(np.int64)
        return scaled, ok
    unit = 10.0**places
    scaled_up = size * unit
    near = finite & (scaled_up < _FLOAT_EXACT)
    guess = np.floor(np.where(near, scaled_up, 0.0) + 0.5)
    guess += size >= (2 * guess + 1) / (2 * unit)
    guess -= size < (2 * guess - 1) / (2 * unit)
    scaled = np.where(number < 0, -guess, guess).astype(np.int64)
    ok = near.copy()
    for i in np.flatnonzero(finite & ~near):
        try:
            scaled[i] = _float_scaled(float(number[i]), places, whole)
            ok[i] = True
        except ValueError:
            pass
    return np.where(ok, scaled, 0), ok


# --------------------------------------------------------------------------------------------
# Dates


class _Dates(NamedTuple):
    """Days since 1970-01-01 read from text; for an impossible dd/mm (`hinted`), the days of
    its month-first reading; `swappable`: a dd/mm read fine that would read as another date
    month first (03/05)."""

    days: np.ndarray
    ok: np.ndarray
    ambiguous: np.ndarray
    hinted: np.ndarray
    swappable: np.ndarray


def parse_date(cells: pd.Series | Cells) -> Parsed:
    """Read dates day first, as Brazil writes them, plus ISO text and Excel serials.

    A two-digit year is a guess (flagged ambiguous); "12/25/2026" has no month 25 and is
    invalid, with "25/12/2026" as the suggestion, since month-first is the likely intent. A
    column with such a date was likely typed month first throughout, so its dates that read
    either way ("03/05/2026") are flagged ambiguous too.
    """
    col = split(cells)
    days, ok, invalid, ambiguous, hinted, swappable = _read_days(col)
    if hinted.any():
        ambiguous |= swappable
    values = pd.Series(_datetime64(days, ok), index=col.index)
    y, m, d = _civil_of(days)
    shown = _date_strings(y, m, d, ok | hinted)
    nothing = np.zeros(col.n, dtype=bool)
    return Parsed(values, invalid, ambiguous, _text_series(shown, col.index), nothing)


def parse_month(cells: pd.Series | Cells) -> Parsed:
    """Read a competência ("03/2026", "mar/26", "2026-03", a date) as its first day.

    An Excel serial counts only as a number: digits typed as text ("2026", "202603") are no
    month (`DATE_PATTERN`).
    """
    col = split(cells)
    n = col.n
    year = np.zeros(n, dtype=np.int64)
    month = np.ones(n, dtype=np.int64)
    ok = np.zeros(n, dtype=bool)
    invalid = np.zeros(n, dtype=bool)
    ambiguous = np.zeros(n, dtype=bool)
    hinted = np.zeros(n, dtype=bool)
    at, text = col.texts()
    if len(at):
        year[at], month[at], ok[at], fits = _text_months(text)
        rest = np.flatnonzero(~fits)
        if len(rest):
            others = text.take(pa.array(rest))
            dates = _text_dates(others)
            y, m, _ = _civil_of(dates.days)
            rows = at[rest]
            year[rows], month[rows], ok[rows] = y, m, dates.ok
            ambiguous[rows], hinted[rows] = dates.ambiguous, dates.hinted
        invalid[at] = ~ok[at]
    at, number = col.numbers()
    if len(at):
        days, good = _serial_days(number)
        year[at], month[at], _ = _civil_of(days)
        ok[at] = good
        invalid[at] = ~good
    at, when = col.whens()
    if len(at):
        year[at], month[at], _ = _civil_of(_days_of(when))
        ok[at] = True
    invalid[col.elsewhere()] = True
    firsts = _days_from_civil(year, month, np.ones_like(month))
    values = pd.Series(_datetime64(firsts, ok), index=col.index)
    shown = _month_strings(year, month, ok | hinted)
    return Parsed(
        values, invalid, ambiguous & ok, _text_series(shown, col.index), np.zeros(n, bool)
    )


def _read_days(col: Cells) -> tuple[np.ndarray, ...]:
    n = col.n
    days = np.zeros(n, dtype=np.int64)
    ok = np.zeros(n, dtype=bool)
    invalid = np.zeros(n, dtype=bool)
    ambiguous = np.zeros(n, dtype=bool)
    hinted = np.zeros(n, dtype=bool)
    swappable = np.zeros(n, dtype=bool)
    at, text = col.texts()
    if len(at):
        dates = _text_dates(text)
        days[at] = dates.days
        ok[at], ambiguous[at], hinted[at] = dates.ok, dates.ambiguous, dates.hinted
        swappable[at] = dates.swappable
        invalid[at] = ~dates.ok
    at, number = col.numbers()
    if len(at):
        days[at], ok[at] = _serial_days(number)
        invalid[at] = ~ok[at]
    at, when = col.whens()
    if len(at):
        days[at] = _days_of(when)
        ok[at] = True
    invalid[col.elsewhere()] = True
    return days, ok, invalid, ambiguous, hinted, swappable


def _text_dates(text: pa.Array) -> _Dates:
    return _Dates(*_by_distinct(text, _read_dates))


def _read_dates(text: pa.Array) -> _Dates:
    """Mirrors `_text_date`: the first three digit runs of a well-formed date are its fields."""
    fits = _matches(text, DATE_PATTERN)
    grid, lengths = _grid(text)
    (f0, f1, f2), (size0, _, size2), _ = _fields(grid, 3)
    iso = fits & (size0 == 4)
    dmy = fits & ~iso
    short = dmy & (size2 == 2)
    year = np.where(iso, f0, f2)
    year = np.where(short, np.where(year <= _CENTURY_PIVOT, year + 2000, year + 1900), year)
    day = np.where(iso, f2, f0)
    days, ok = _civil_days(year, f1, day)
    ok &= fits
    hint, hinted = _civil_days(year, day, f1)
    hinted &= dmy & ~ok & (f1 > 12)
    days = np.where(hinted, hint, days)
    ambiguous = short & ok
    swappable = dmy & ok & (f0 <= 12) & (f1 <= 12) & (f0 != f1)
    zoned = np.flatnonzero(fits & _zoned(grid, iso))
    unread = np.zeros(len(text), dtype=bool)
    if len(zoned):
        days[zoned], ok[zoned] = _brasilia_days(text.take(pa.array(zoned)))
        unread[zoned] = ~ok[zoned]
    for i in np.flatnonzero(fits & ((lengths > len(grid)) | unread)):
        found, ambiguous[i], likely = _text_date(text[i].as_py())
        ok[i], hinted[i] = found is not None, likely is not None
        days[i] = _epoch_days(found or likely or _EPOCH)
    return _Dates(days, ok, ambiguous, hinted, swappable & ok)


def _brasilia_days(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(days, ok) of ISO timestamps with a zone, on Brasília's calendar, by pandas' ISO 8601
    parser; what it cannot read is left to `_text_date`, one cell at a time."""
    stamps = pd.to_datetime(text.to_pandas(), format="ISO8601", utc=True, errors="coerce")
    local = stamps.dt.tz_convert(_BRASILIA).dt.tz_localize(None)
    day = local.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").view(np.int64)
    ok = local.notna().to_numpy() & (day >= _YEAR_START[1899])  # Excel's calendar: from 1900
    return np.where(ok, day, 0), ok


def _zoned(grid: np.ndarray, iso: np.ndarray) -> np.ndarray:
    """ISO cells that end in a zone ("Z", "-03:00", "+0100"). A false alarm costs little: the
    cell is read as a zoned one and, failing that, one at a time."""
    if len(grid) < 6:
        return np.zeros(grid.shape[1], dtype=bool)
    sign = (grid[-6] == ord("+")) | (grid[-6] == ord("-"))
    compact = (grid[-5] == ord("+")) | (grid[-5] == ord("-"))
    return iso & ((grid[-1] == ord("Z")) | ((grid[-3] == ord(":")) & sign) | compact)


def _text_months(text: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    return _by_distinct(text, _read_months)


def _read_months(text: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(year, month, ok, fits MONTH_PATTERN) of each cell."""
    n = len(text)
    fits = _matches(text, MONTH_PATTERN)
    grid, lengths = _grid(text)
    width = len(grid)
    if width == 0:
        return np.zeros(n, np.int64), np.ones(n, np.int64), np.zeros(n, bool), fits
    (first, second), (size0, size1), _ = _fields(grid, 2)
    (tail,), (tail_size,), _ = _fields(grid, 0)  # the year after a month name
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
    year = np.where(digits == 2, np.where(year <= _CENTURY_PIVOT, year + 2000, year + 1900), year)
    month = np.where(named, name_month, np.where(year_first, second, first))
    ok = fits & (lengths <= width) & (month >= 1) & (month <= 12)
    ok &= (year >= 1900) & (year <= 9999)
    return year, np.where(ok, month, 1), ok, fits


def _civil_days(
    year: np.ndarray, month: np.ndarray, day: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(days since 1970-01-01, ok) of calendar dates within Excel's years 1900-9999."""
    ok = (year >= 1900) & (year <= 9999) & (month >= 1) & (month <= 12) & (day >= 1)
    at = np.clip(year, 1, 9999) - 1
    month = np.clip(month, 1, 12)
    ok &= day <= _MONTH_DAYS[month - 1] + (_LEAP[at] & (month == 2))
    return _days_from_civil(year, month, np.where(ok, day, 1)), ok


def _days_from_civil(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 by table look-up (numpy's datetime64 unit casts are slow)."""
    at = np.clip(year, 1, 9999) - 1
    start = _MONTH_START[_LEAP[at] * 12 + np.clip(month, 1, 12) - 1]
    return _YEAR_START[at] + start + day - 1


def _serial_days(serial: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Excel serials (1900 date system) as days since 1970-01-01.

    Excel counts a 29 February 1900 that never was (serial 60, refused here): serials above
    it count from 1899-12-30, those below from 1899-12-31. A time fraction is dropped.
    """
    finite = np.isfinite(serial)
    day = np.floor(np.where(finite, serial, 0.0))
    ok = finite & (day >= 1) & (day <= _SERIAL_MAX) & (day != 60)
    day = np.where(ok, day, 0).astype(np.int64)
    return np.where(day < 60, day - _SERIAL_EPOCH + 1, day - _SERIAL_EPOCH), ok


def _civil_of(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year, month, day) of days since 1970-01-01; the inverse of `_days_from_civil`."""
    # 146097 days make 400 years: a first guess, then at most one year off either way
    at = np.clip((days - _YEAR_START[0]) * 400 // 146097, 0, 9998)
    at -= days < _YEAR_START[at]
    at += (days >= _YEAR_START[np.minimum(at + 1, 9998)]) & (at < 9998)
    at = np.clip(at, 0, 9998)
    of_year = _LEAP[at] * 366 + np.clip(days - _YEAR_START[at], 0, 365)
    return at + 1, _MONTH_OF_DAY[of_year], _DAY_OF_DAY[of_year]


def _days_of(when: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of datetime64[us] values (a day starts at midnight)."""
    return np.floor_divide(when.view(np.int64), _US_PER_DAY)


def _epoch_days(day: dt.date) -> int:
    return (day - _EPOCH).days


def _datetime64(days: np.ndarray, ok: np.ndarray) -> np.ndarray:
    return np.where(ok, days * 86_400, _NAT).view("datetime64[s]")


# --------------------------------------------------------------------------------------------
# Choices


def parse_choice(cells: pd.Series | Cells, choices: Sequence[str]) -> Parsed:
    """Match cells to a fixed list ignoring accents, case and spacing ("saida " is "Saída").

    Only distinct texts are compared, so a long column with a short list costs one pass.
    """
    canonical: dict[str, int] = {}
    for i, choice in enumerate(choices):
        key = _fold(choice)
        if canonical.setdefault(key, i) != i:
            raise ValueError(f"choices {choices[canonical[key]]!r} and {choice!r} look the same")
    col = split(cells)
    text = _texts(col)
    encoded = pc.dictionary_encode(text)
    distinct = encoded.dictionary.to_pylist()
    lookup = np.array([canonical.get(_fold(s), -1) for s in distinct] + [-1], dtype=np.int64)
    codes = encoded.indices.fill_null(len(distinct)).to_numpy(zero_copy_only=False)
    picked = lookup[codes]
    ok = picked >= 0
    options = pa.array(list(choices) or [""], type=pa.large_string())
    values = options.take(pa.array(np.where(ok, picked, 0), mask=~ok))
    invalid = ~ok & text.is_valid().to_numpy(zero_copy_only=False)
    shown = _text_series(values, col.index)
    nothing = np.zeros(col.n, dtype=bool)
    return Parsed(shown, invalid, nothing, shown.copy(), nothing)


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


# --------------------------------------------------------------------------------------------
# Text as the user sees it


def to_text(cells: pd.Series | Cells) -> pd.Series:
    """The cells as the user sees them, for messages and for text columns (<NA> if empty).

    Integral floats lose Excel's ".0" (a CPF typed as a number stays "12345678901"); dates
    are written dd/mm/aaaa.
    """
    col = split(cells)
    return _text_series(_texts(col), col.index)


def _texts(col: Cells) -> pa.Array:
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
    return _assemble(col.n, parts)


def _number_texts(number: np.ndarray) -> pa.Array:
    integral = (np.floor(number) == number) & (np.abs(number) < 2.0**53)
    whole_at = np.flatnonzero(integral)
    other_at = np.flatnonzero(~integral)
    whole = pc.cast(pa.array(number[whole_at].astype(np.int64)), pa.large_string())
    other = pc.cast(pa.array(number[other_at]), pa.large_string())
    return _assemble(len(number), [(whole_at, whole), (other_at, other)])


def _datetime_texts(when: np.ndarray) -> pa.Array:
    days = _days_of(when)
    since_midnight = when.view(np.int64) - days * _US_PER_DAY
    minutes = since_midnight // 60_000_000
    timed = since_midnight != 0
    layout = [("date", "S10"), ("at", "S1"), ("hour", "S2"), ("colon", "S1"), ("minute", "S2")]
    rows = np.empty(len(when), dtype=layout)
    rows["date"] = _date_rows(*_civil_of(days)).view("S10").ravel()
    rows["at"] = b" "
    rows["hour"] = _TWO[minutes // 60]
    rows["colon"] = b":"
    rows["minute"] = _TWO[minutes % 60]
    grid = rows.view(np.uint8).reshape(len(when), 16)
    grid[~timed, 10:] = 0
    return _from_rows(grid, np.where(timed, 16, 10), np.ones(len(when), dtype=bool))


def _assemble(n: int, parts: list[tuple[np.ndarray, pa.Array]]) -> pa.Array:
    """One string array of n rows from pieces that each fill some rows; the rest are null."""
    parts = [(at, _large(text)) for at, text in parts if len(at)]
    if not parts:
        return pa.nulls(n, pa.large_string())
    if len(parts) == 1 and len(parts[0][0]) == n and np.all(np.diff(parts[0][0]) > 0):
        return parts[0][1]
    pieces = pa.concat_arrays([text for _, text in parts])
    where = np.full(n, -1, dtype=np.int64)
    offset = 0
    for at, text in parts:
        where[at] = np.arange(offset, offset + len(text))
        offset += len(text)
    return pieces.take(pa.array(where, mask=where < 0))


def _text_series(text: pa.Array, index: pd.Index) -> pd.Series:
    series = text.to_pandas()
    series.index = index
    return series


# --------------------------------------------------------------------------------------------
# Writing numbers and dates the Brazilian way, in bulk: every string is laid out in a byte grid
# where each byte position is one vector (zero bytes standing for nothing), then packed.


def _from_rows(rows: np.ndarray, lengths: np.ndarray | None, valid: np.ndarray) -> pa.Array:
    """A string array from a (cells, width) byte array: each row's non-zero bytes, in order,
    or the whole row when `lengths` is None; null where not valid."""
    n, width = rows.shape
    if lengths is None:
        lengths = np.full(n, width, dtype=np.int64)
        data = rows.ravel() if valid.all() else rows[valid].ravel()
    else:
        rows[~valid] = 0
        data = rows[rows != 0]
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.where(valid, lengths, 0), out=offsets[1:])
    nulls = int(n - np.count_nonzero(valid))
    bitmap = pa.py_buffer(np.packbits(valid, bitorder="little")) if nulls else None
    buffers = [bitmap, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(data))]
    return pa.Array.from_buffers(pa.large_string(), n, buffers, null_count=nulls)


def _date_rows(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    rows = np.empty(len(y), dtype=[("d", "S2"), ("a", "S1"), ("m", "S2"), ("b", "S1"), ("y", "S4")])
    rows["d"] = _TWO[np.clip(d, 0, 99)]
    rows["a"] = rows["b"] = b"/"
    rows["m"] = _TWO[np.clip(m, 0, 99)]
    rows["y"] = _FOUR[np.clip(y, 0, 9999)]
    return rows.view(np.uint8).reshape(len(y), 10)


def _date_strings(y: np.ndarray, m: np.ndarray, d: np.ndarray, valid: np.ndarray) -> pa.Array:
    return _from_rows(_date_rows(y, m, d), None, valid)


def _month_strings(y: np.ndarray, m: np.ndarray, valid: np.ndarray) -> pa.Array:
    rows = np.empty(len(y), dtype=[("m", "S2"), ("a", "S1"), ("y", "S4")])
    rows["m"] = _TWO[np.clip(m, 0, 99)]
    rows["a"] = b"/"
    rows["y"] = _FOUR[np.clip(y, 0, 9999)]
    return _from_rows(rows.view(np.uint8).reshape(len(y), 7), None, valid)


def _format_scaled(scaled: np.ndarray, valid: np.ndarray, places: int, currency: bool) -> pa.Array:
    """Vectorized `format_brl` (currency) or `format_decimal_br` (trailing zeros trimmed)."""
    n = len(scaled)
    value = scaled * valid
    negative = value < 0
    whole, fraction = np.divmod(np.abs(value), 10**places)
    digits = np.maximum(np.searchsorted(_POW10, whole, side="right"), 1).astype(np.uint8)
    groups = (digits + 2) // 3
    most = int(groups.max()) if n else 1
    prefix = b"R$ " if currency else b""
    width = 1 + len(prefix) + 4 * most - 1 + (places + 1 if places else 0)
    grid = np.zeros((width, n), dtype=np.uint8)  # grid[c] is byte c of every string
    grid[0] = negative * np.uint8(ord("-"))
    for j, byte in enumerate(prefix):
        grid[1 + j] = byte
    c = width
    kept = np.full(n, places, dtype=np.uint8)  # digits after the comma
    if places:
        if places <= 4:
            decimals = _FOUR[fraction].view(np.uint8).reshape(n, 4)[:, 4 - places :].T
        else:
            decimals = np.array([(fraction // 10**j) % 10 + 48 for j in range(places)][::-1])
        zeros = np.ones(n, dtype=bool)  # only zeros so far, from the right
        for j in range(places - 1, -1, -1):
            c -= 1
            grid[c] = decimals[j]
            if not currency:
                zeros &= decimals[j] == 48
                kept -= zeros
                grid[c] *= ~zeros
        c -= 1
        grid[c] = (kept > 0) * np.uint8(ord(","))
    rest = whole
    for g in range(most):
        rest, group = np.divmod(rest, 1000)
        for k in range(3):
            c -= 1
            grid[c] = _THREE_COLUMNS[2 - k][group]
            grid[c] *= digits > 3 * g + k
        if g < most - 1:
            c -= 1
            grid[c] = (groups > g + 1) * np.uint8(ord("."))
    lengths = negative + len(prefix) + digits + groups - 1 + np.where(kept > 0, kept + 1, 0)
    return _from_rows(np.ascontiguousarray(grid.T), lengths, valid)


# --------------------------------------------------------------------------------------------
# Scalar formatting and parsing: for spreadsheet functions typed in a cell, one value at a
# time, and the reference the vectorized readers are tested against.


def format_brl(scaled: int, places: int = 2) -> str:
    """Scaled integer as Brazilian currency: 123456 → "R$ 1.234,56", -5 → "-R$ 0,05"."""
    sign = "-" if scaled < 0 else ""
    return f"{sign}R$ {_grouped(abs(int(scaled)), places, trim=False)}"


def format_decimal_br(scaled: int, places: int) -> str:
    """Scaled integer as a Brazilian decimal without trailing zeros (1234500, 3 → "1.234,5")."""
    sign = "-" if scaled < 0 else ""
    return sign + _grouped(abs(int(scaled)), places, trim=True)


def _grouped(value: int, places: int, trim: bool) -> str:
    whole, fraction = divmod(value, 10**places)
    text = f"{whole:,}".replace(",", ".")
    if places:
        decimals = str(fraction).rjust(places, "0")
        decimals = decimals.rstrip("0") if trim else decimals
        if decimals:
            text += "," + decimals
    return text


def format_date_br(value: object) -> str:
    """A date as Brazil writes it, "05/03/2026"; "" for a missing one."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def to_decimal(scaled: int, places: int) -> Decimal:
    """Scaled integer back to an exact Decimal with `places` places (123456, 2 → 1234.56)."""
    return Decimal(int(scaled)).scaleb(-places)


def money(value: object) -> Decimal | None:
    """A cell's amount in reais, rounded half-up to the cent; None for an empty cell.

    Raises ValueError, in Portuguese, for anything that is not an amount.
    """
    scaled, _ = _scaled(value, 2, whole=False)
    return None if scaled is None else to_decimal(scaled, 2)


def date_value(value: object) -> dt.date | None:
    """A cell's date (day first, ISO, Excel serial or a date object); None for an empty cell.

    Raises ValueError, in Portuguese, for anything that is not a date.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, dt.datetime | pd.Timestamp):
        return (value.astimezone(_BRASILIA) if value.tzinfo else value).date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).date()
    if isinstance(value, bool | np.bool_ | dt.time):
        raise ValueError(f"“{_quoted(value)}” não é uma data.")
    if isinstance(value, int | float | np.integer | np.floating | Decimal):
        if not isinstance(value, int | np.integer) and math.isnan(value):
            return None
        if abs(value) > _SERIAL_MAX + 1:  # before float(), which overflows on a huge int
            raise ValueError(f"“{_quoted(value)}” não é uma data válida; use dd/mm/aaaa.")
        return _serial_date(float(value), str(value))
    text = str(value).strip()
    if not text:
        return None
    day, _, hint = _text_date(text)
    if day is None:
        tip = f" Seria {format_date_br(hint)}?" if hint else ""
        raise ValueError(f"“{_quoted(text)}” não é uma data válida; use dd/mm/aaaa.{tip}")
    return day


def _serial_date(serial: float, shown: str) -> dt.date:
    if not math.isfinite(serial) or not 1 <= math.floor(serial) <= _SERIAL_MAX:
        raise ValueError(f"“{_quoted(shown)}” não é uma data válida; use dd/mm/aaaa.")
    day = math.floor(serial)
    if day == 60:
        raise ValueError(f"“{_quoted(shown)}” é o 29/02/1900 do Excel, que não existiu.")
    origin = dt.date(1899, 12, 31) if day < 60 else dt.date(1899, 12, 30)
    return origin + dt.timedelta(days=day)


def _text_date(text: str) -> tuple[dt.date | None, bool, dt.date | None]:
    """(date, ambiguous, likely intent of an impossible dd/mm) of stripped text."""
    if _DATE_RE.match(text) is None:
        return None, False, None
    runs = _DIGIT_RUN.findall(text)
    if len(runs[0]) == 4:
        zoned = _AWARE_RE.fullmatch(text)
        if zoned:
            return _brasilia_date(zoned), False, None
        return _civil(int(runs[0]), int(runs[1]), int(runs[2])), False, None
    day, month, year = int(runs[0]), int(runs[1]), int(runs[2])
    short = len(runs[2]) == 2
    if short:
        year += 2000 if year <= _CENTURY_PIVOT else 1900
    found = _civil(year, month, day)
    if found is None:
        return None, False, _civil(year, day, month) if month > 12 else None
    return found, short, None


def _brasilia_date(zoned: re.Match[str]) -> dt.date | None:
    """The date in Brasília of an ISO timestamp with a zone: 2026-03-06T01:30Z is the 5th."""
    year, month, day, hour, minute, second, zone, sign, hours, minutes = zoned.groups()
    offset = dt.timedelta(0)
    if zone != "Z":
        offset = dt.timedelta(hours=int(hours), minutes=int(minutes))
        offset = -offset if sign == "-" else offset
    if not _civil(int(year), int(month), int(day)) or offset >= dt.timedelta(hours=24):
        return None
    stamp = dt.datetime(
        int(year), int(month), int(day), int(hour), int(minute), int(second or 0),
        tzinfo=dt.timezone(offset),
    )  # fmt: skip
    return stamp.astimezone(_BRASILIA).date()


def _civil(year: int, month: int, day: int) -> dt.date | None:
    if not 1900 <= year <= 9999:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _scaled(value: object, places: int, whole: bool) -> tuple[int | None, bool]:
    """(scaled, ambiguous) of one cell; None for an empty cell; ValueError if unreadable."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None, False
    if isinstance(value, bool | np.bool_ | dt.date | dt.time | np.datetime64):
        raise ValueError(f"“{_quoted(value)}” não é um número.")
    if isinstance(value, int | np.integer):
        return _in_range(int(value) * 10**places, int(value)), False
    if isinstance(value, Decimal):
        return _decimal_scaled(value, places, whole)[0], False
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return None, False
        return _float_scaled(float(value), places, whole), False
    text = str(value).strip()
    return (None, False) if not text else _text_scaled(text, places, whole)[:2]


def _text_scaled(text: str, places: int, whole: bool) -> tuple[int, bool, bool]:
    """(scaled, ambiguous, rounded): the reference reading of a number typed as text;
    `_read_numbers` does it in bulk.

    A separator is the decimal one when it is the last of two kinds ("1.234,56",
    "1,234.56"), the only comma ("1234,56"), or the only dot ("1234.56", "1.5") except in
    "1.234": one to three digits (not starting with 0), a dot, three digits. pt-BR writes
    1234 that way and an English export 1.234, so the pt-BR reading is kept and flagged. So
    is "1,234" read as 1,234 when it must be rounded to fewer places (money): an English
    export may have meant 1234.
    """
    if _NUMBER_RE.match(text) is None:
        raise ValueError(f"“{_quoted(text)}” não é um número válido (ex.: 1.234,56).")
    negative = "-" in text or "(" in text or text[-1] in "Dd"
    digits = "".join(_DIGIT_RUN.findall(text))
    dots, commas = text.count("."), text.count(",")
    fraction, ambiguous = 0, False
    if dots or commas:
        last = max(text.rfind("."), text.rfind(","))
        first = min(i for i in (text.find("."), text.find(",")) if i >= 0)
        after = len("".join(_DIGIT_RUN.findall(text[last + 1 :])))
        ahead = len("".join(_DIGIT_RUN.findall(text[:first])))
        groupable = after == 3 and 1 <= ahead <= 3 and digits[0] != "0"
        if dots and commas:
            fraction = after
        elif commas == 1:
            fraction, ambiguous = after, groupable and places < 3
        elif dots == 1:
            fraction, ambiguous = (0, True) if groupable else (after, False)
    significant = digits.lstrip("0") or "0"
    if len(significant) > _MAX_DIGITS:
        raise ValueError(f"“{_quoted(text)}” é grande demais.")
    value, rest = int(significant), 0
    if fraction <= places:
        scaled = value * 10 ** (places - fraction)
    else:
        unit = 10 ** (fraction - places)
        scaled, rest = divmod(value, unit)
        if whole and rest:
            raise ValueError(f"“{_quoted(text)}” não é um número inteiro.")
        scaled += 2 * rest >= unit
    scaled = _in_range(-scaled if negative else scaled, text)
    return scaled, ambiguous and not whole, rest != 0


def _float_scaled(number: float, places: int, whole: bool) -> int:
    """The reference rounding of a float cell: half-up from its shortest repr."""
    if not math.isfinite(number):
        raise ValueError(f"“{_quoted(number)}” não é um número válido.")
    scaled, _ = _decimal_scaled(Decimal(repr(number)), places, whole)
    return scaled


def _decimal_scaled(exact: Decimal, places: int, whole: bool) -> tuple[int | None, bool]:
    """(scaled, rounded) of an exact decimal, half-up; None for NaN (an empty cell)."""
    if exact.is_nan():
        return None, False
    if not exact.is_finite():
        raise ValueError(f"“{_quoted(exact)}” não é um número válido.")
    if abs(exact) >= 10**19:
        raise ValueError(f"“{_quoted(exact)}” é grande demais.")
    if whole and exact != exact.to_integral_value():
        raise ValueError(f"“{_quoted(exact)}” não é um número inteiro.")
    try:
        scaled = exact.scaleb(places).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    except InvalidOperation as error:
        raise ValueError(f"“{_quoted(exact)}” é grande demais.") from error
    return _in_range(int(scaled), str(exact)), scaled != exact.scaleb(places)


def _quoted(value: object) -> str:
    """A cell as a message quotes it: long ones cut short, so that a sentence stays one (and
    an int through Decimal: str() refuses one of more than 4,300 digits)."""
    text = format(Decimal(value), "f") if type(value) is int else str(value)
    return text if len(text) <= _QUOTED else text[: _QUOTED - 1] + "…"


def _in_range(scaled: int, shown: object) -> int:
    if abs(scaled) > _INT64_MAX:
        raise ValueError(f"“{_quoted(shown)}” é grande demais.")
    return scaled
