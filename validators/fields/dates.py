"""Date columns, and one date cell at a time (`date_value`, the reference the column reader
is tested against and falls back on)."""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa

from retaguarda.validators.arrays import matches
from retaguarda.validators.fields.amounts import quoted
from retaguarda.validators.fields.bytegrid import by_distinct, byte_grid, digit_runs
from retaguarda.validators.fields.cells import Cells, split
from retaguarda.validators.fields.days import (
    EPOCH,
    SERIAL_MAX,
    YEAR_START,
    civil_days,
    civil_of,
    days_of,
    epoch_days,
    serial_days,
    to_datetime64,
)
from retaguarda.validators.fields.formatting import date_strings, format_date_br
from retaguarda.validators.fields.grammar import (
    AWARE_RE,
    BRASILIA,
    CENTURY_PIVOT,
    DATE_PATTERN,
    DATE_RE,
    DIGIT_RUN,
)
from retaguarda.validators.fields.parsed import Parsed, text_series


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
    values = pd.Series(to_datetime64(days, ok), index=col.index)
    y, m, d = civil_of(days)
    shown = date_strings(y, m, d, ok | hinted)
    nothing = np.zeros(col.n, dtype=bool)
    return Parsed(values, invalid, ambiguous, text_series(shown, col.index), nothing)


def _read_days(col: Cells) -> tuple[np.ndarray, ...]:
    n = col.n
    days = np.zeros(n, dtype=np.int64)
    ok, invalid, ambiguous, hinted, swappable = (np.zeros(n, dtype=bool) for _ in range(5))
    at, text = col.texts()
    if len(at):
        dates = text_dates(text)
        days[at] = dates.days
        ok[at], ambiguous[at], hinted[at] = dates.ok, dates.ambiguous, dates.hinted
        swappable[at] = dates.swappable
        invalid[at] = ~dates.ok
    at, number = col.numbers()
    if len(at):
        days[at], ok[at] = serial_days(number)
        invalid[at] = ~ok[at]
    at, when = col.whens()
    if len(at):
        days[at] = days_of(when)
        ok[at] = True
    invalid[col.elsewhere()] = True
    return days, ok, invalid, ambiguous, hinted, swappable


def text_dates(text: pa.Array) -> _Dates:
    return _Dates(*by_distinct(text, _read_dates))


def _read_dates(text: pa.Array) -> _Dates:
    """Mirrors `_text_date`: the first three digit runs of a well-formed date are its fields."""
    fits = matches(text, DATE_PATTERN)
    grid, lengths = byte_grid(text)
    (f0, f1, f2), (size0, _, size2), _ = digit_runs(grid, 3)
    iso = fits & (size0 == 4)
    dmy = fits & ~iso
    short = dmy & (size2 == 2)
    year = np.where(iso, f0, f2)
    year = np.where(short, np.where(year <= CENTURY_PIVOT, year + 2000, year + 1900), year)
    day = np.where(iso, f2, f0)
    days, ok = civil_days(year, f1, day)
    ok &= fits
    hint, hinted = civil_days(year, day, f1)
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
        days[i] = epoch_days(found or likely or EPOCH)
    return _Dates(days, ok, ambiguous, hinted, swappable & ok)


def _brasilia_days(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(days, ok) of ISO timestamps with a zone, on Brasília's calendar, by pandas' ISO 8601
    parser; what it cannot read is left to `_text_date`, one cell at a time."""
    stamps = pd.to_datetime(text.to_pandas(), format="ISO8601", utc=True, errors="coerce")
    local = stamps.dt.tz_convert(BRASILIA).dt.tz_localize(None)
    day = local.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").view(np.int64)
    ok = local.notna().to_numpy() & (day >= YEAR_START[1899])  # Excel's calendar: from 1900
    return np.where(ok, day, 0), ok


def _zoned(grid: np.ndarray, iso: np.ndarray) -> np.ndarray:
    """ISO cells that end in a zone ("Z", "-03:00", "+0100"). A false alarm costs little: the
    cell is read as a zoned one and, failing that, one at a time."""
    if len(grid) < 6:
        return np.zeros(grid.shape[1], dtype=bool)
    sign = (grid[-6] == ord("+")) | (grid[-6] == ord("-"))
    compact = (grid[-5] == ord("+")) | (grid[-5] == ord("-"))
    return iso & ((grid[-1] == ord("Z")) | ((grid[-3] == ord(":")) & sign) | compact)


def date_value(value: object) -> dt.date | None:
    """A cell's date (day first, ISO, Excel serial or a date object); None for an empty cell.

    Raises ValueError, in Portuguese, for anything that is not a date.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, dt.datetime | pd.Timestamp):
        return (value.astimezone(BRASILIA) if value.tzinfo else value).date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).date()
    if isinstance(value, bool | np.bool_ | dt.time):
        raise ValueError(f"“{quoted(value)}” não é uma data.")
    if isinstance(value, int | float | np.integer | np.floating | Decimal):
        if not isinstance(value, int | np.integer) and math.isnan(value):
            return None
        if abs(value) > SERIAL_MAX + 1:  # before float(), which overflows on a huge int
            raise ValueError(f"“{quoted(value)}” não é uma data válida; use dd/mm/aaaa.")
        return _serial_date(float(value), str(value))
    text = str(value).strip()
    if not text:
        return None
    day, _, hint = _text_date(text)
    if day is None:
        tip = f" Seria {format_date_br(hint)}?" if hint else ""
        raise ValueError(f"“{quoted(text)}” não é uma data válida; use dd/mm/aaaa.{tip}")
    return day


def _serial_date(serial: float, shown: str) -> dt.date:
    if not math.isfinite(serial) or not 1 <= math.floor(serial) <= SERIAL_MAX:
        raise ValueError(f"“{quoted(shown)}” não é uma data válida; use dd/mm/aaaa.")
    day = math.floor(serial)
    if day == 60:
        raise ValueError(f"“{quoted(shown)}” é o 29/02/1900 do Excel, que não existiu.")
    origin = dt.date(1899, 12, 31) if day < 60 else dt.date(1899, 12, 30)
    return origin + dt.timedelta(days=day)


def _text_date(text: str) -> tuple[dt.date | None, bool, dt.date | None]:
    """(date, ambiguous, likely intent of an impossible dd/mm) of stripped text."""
    if DATE_RE.match(text) is None:
        return None, False, None
    runs = DIGIT_RUN.findall(text)
    if len(runs[0]) == 4:
        zoned = AWARE_RE.fullmatch(text)
        if zoned:
            return _brasilia_date(zoned), False, None
        return _civil(int(runs[0]), int(runs[1]), int(runs[2])), False, None
    day, month, year = int(runs[0]), int(runs[1]), int(runs[2])
    short = len(runs[2]) == 2
    if short:
        year += 2000 if year <= CENTURY_PIVOT else 1900
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
    return stamp.astimezone(BRASILIA).date()


def _civil(year: int, month: int, day: int) -> dt.date | None:
    if not 1900 <= year <= 9999:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
