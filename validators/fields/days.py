"""The calendar as tables: days since 1970-01-01 from and to (year, month, day) and Excel
serials, by look-up (numpy's datetime64 unit casts are slow)."""

from __future__ import annotations

import datetime as dt

import numpy as np

#: Excel's range of dates: serial 1 is 1900-01-01, 2958465 is 9999-12-31.
SERIAL_MAX = 2958465
_SERIAL_EPOCH = 25569  # the serial of 1970-01-01, counting Excel's fake 1900-02-29
EPOCH = dt.date(1970, 1, 1)
_MONTH_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
# The calendar as tables, years 1 to 9999: whether a year is leap, the day its 1 January falls
# on (days since 1970-01-01), the day of the year each month starts on (common year, then
# leap year), and the month and day of each day of the year (common year, then leap year).
_YEARS = np.arange(1, 10000)
_LEAP = (_YEARS % 4 == 0) & ((_YEARS % 100 != 0) | (_YEARS % 400 == 0))
YEAR_START = np.cumsum(365 + _LEAP) - 365 - _LEAP + 1 - EPOCH.toordinal()
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
US_PER_DAY = 86_400_000_000
_NAT = np.iinfo(np.int64).min


def civil_days(
    year: np.ndarray, month: np.ndarray, day: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(days since 1970-01-01, ok) of calendar dates within Excel's years 1900-9999."""
    ok = (year >= 1900) & (year <= 9999) & (month >= 1) & (month <= 12) & (day >= 1)
    at = np.clip(year, 1, 9999) - 1
    month = np.clip(month, 1, 12)
    ok &= day <= _MONTH_DAYS[month - 1] + (_LEAP[at] & (month == 2))
    return days_from_civil(year, month, np.where(ok, day, 1)), ok


def days_from_civil(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 by table look-up (numpy's datetime64 unit casts are slow)."""
    at = np.clip(year, 1, 9999) - 1
    start = _MONTH_START[_LEAP[at] * 12 + np.clip(month, 1, 12) - 1]
    return YEAR_START[at] + start + day - 1


def serial_days(serial: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Excel serials (1900 date system) as days since 1970-01-01.

    Excel counts a 29 February 1900 that never was (serial 60, refused here): serials above
    it count from 1899-12-30, those below from 1899-12-31. A time fraction is dropped.
    """
    finite = np.isfinite(serial)
    day = np.floor(np.where(finite, serial, 0.0))
    ok = finite & (day >= 1) & (day <= SERIAL_MAX) & (day != 60)
    day = np.where(ok, day, 0).astype(np.int64)
    return np.where(day < 60, day - _SERIAL_EPOCH + 1, day - _SERIAL_EPOCH), ok


def civil_of(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year, month, day) of days since 1970-01-01; the inverse of `days_from_civil`."""
    # 146097 days make 400 years: a first guess, then at most one year off either way
    at = np.clip((days - YEAR_START[0]) * 400 // 146097, 0, 9998)
    at -= days < YEAR_START[at]
    at += (days >= YEAR_START[np.minimum(at + 1, 9998)]) & (at < 9998)
    at = np.clip(at, 0, 9998)
    of_year = _LEAP[at] * 366 + np.clip(days - YEAR_START[at], 0, 365)
    return at + 1, _MONTH_OF_DAY[of_year], _DAY_OF_DAY[of_year]


def days_of(when: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of datetime64[us] values (a day starts at midnight)."""
    return np.floor_divide(when.view(np.int64), US_PER_DAY)


def epoch_days(day: dt.date) -> int:
    return (day - EPOCH).days


def to_datetime64(days: np.ndarray, ok: np.ndarray) -> np.ndarray:
    return np.where(ok, days * 86_400, _NAT).view("datetime64[s]")
