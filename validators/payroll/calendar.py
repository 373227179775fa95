"""The month's calendar for payroll: national holidays, Sundays, business days.

National holidays are built in (Lei 662/1949 and Lei 6.802/1980 for the fixed ones, Lei
14.759/2023 for 20 de novembro from 2024, Sexta-feira Santa from Easter: a religious holiday
kept nationwide, Lei 9.093/1995); state and municipal ones (and Carnaval or Corpus Christi,
where a municipality declares them) come in `Holidays.local`.
"""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

_FIXED = ((1, 1), (4, 21), (5, 1), (9, 7), (10, 12), (11, 2), (11, 15), (12, 25))


def easter(year: int) -> date:
    """Easter Sunday (the Gregorian computus, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    day = (h + ell - 7 * m + 114) % 31 + 1
    return date(year, month, day)


@cache
def national_holidays(year: int) -> frozenset[date]:
    days = {date(year, m, d) for m, d in _FIXED}
    if year >= 2024:
        days.add(date(year, 11, 20))
    days.add(easter(year) - timedelta(days=2))
    return frozenset(days)


@dataclass(frozen=True)
class Holidays:
    """Local (state and municipal) holidays; the national ones are built in."""

    local: frozenset[date] = field(default_factory=frozenset)

    def of_month(self, year: int, month: int) -> frozenset[date]:
        every = national_holidays(year) | self.local
        return frozenset(d for d in every if d.year == year and d.month == month)


@cache
def month_days(year: int, month: int, holidays: Holidays | None = None) -> tuple[int, int]:
    """(business days, Sundays and holidays) of a month, for the DSR: a holiday on a Sunday
    counts once; Saturdays are business days. Cached, as `business_day`: a folha asks the same
    few months once per row (a third of `compute_table`'s time before)."""
    off = (holidays or Holidays()).of_month(year, month)
    length = _calendar.monthrange(year, month)[1]
    rest = sum(
        1
        for d in range(1, length + 1)
        if date(year, month, d).weekday() == 6 or date(year, month, d) in off
    )
    return length - rest, rest


def sundays(year: int, month: int) -> int:
    length = _calendar.monthrange(year, month)[1]
    return sum(1 for d in range(1, length + 1) if date(year, month, d).weekday() == 6)


@cache
def business_day(year: int, month: int, n: int, holidays: Holidays | None = None) -> date:
    """The month's n-th business day (Monday to Saturday, not a holiday)."""
    off = (holidays or Holidays()).of_month(year, month)
    day = date(year, month, 1)
    while True:
        if day.weekday() != 6 and day not in off:
            n -= 1
            if n == 0:
                return day
        day += timedelta(days=1)


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)
