"""Amounts and dates as bank exports, other programs and careless columns hand them over:
trailing signs, D/C suffixes, spaces between thousands, more decimals than a cent, Decimals,
digits typed into a date column, two-digit years, month-first columns, time zones."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from retaguarda.validators.fields import (
    date_value,
    money,
    parse_date,
    parse_decimal,
    parse_integer,
    parse_month,
    to_text,
)


def column(*cells: object) -> pd.Series:
    return pd.Series(list(cells), dtype=object)


def cents(parsed) -> list[object]:
    pairs = zip(parsed.values, parsed.invalid, strict=True)
    return [None if bad or pd.isna(v) else int(v) for v, bad in pairs]


def days(parsed) -> list[object]:
    pairs = zip(parsed.values, parsed.invalid, strict=True)
    return [None if bad or pd.isna(v) else v.date() for v, bad in pairs]


# --------------------------------------------------------------------------------------------
# Amounts from bank exports


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1.234,56-", -123456),  # the minus after the amount, as many statements print it
        ("1.234,56 -", -123456),
        ("R$ 1.234,56-", -123456),
        ("150,00 D", -15000),  # D: a debit
        ("150,00D", -15000),
        ("150,00 d", -15000),
        ("150,00 C", 15000),  # C: a credit
        ("150,00c", 15000),
        ("1 234,56", 123456),  # a space between thousands
        ("1\u00a0234,56", 123456),  # no-break space
        ("1\u2009234,56", 123456),  # thin space
        ("1\u202f234,56", 123456),  # narrow no-break space (French-style exports, PDFs)
        ("R$ 1 234 567,89", 123456789),
        ("1 234 567,89 D", -123456789),
        ("1 234.56", 123456),
    ],
)
def test_bank_export_amounts(cell, expected):
    parsed = parse_decimal(column(cell), 2)
    assert cents(parsed) == [expected]
    assert not parsed.rounded[0]
    assert money(cell) == Decimal(expected).scaleb(-2)


@pytest.mark.parametrize(
    "cell",
    ["-150,00 D", "150,00 X", "D 150,00", "150,00 DC", "(150,00) D", "1 23,45", "1  234,56"],
)
def test_bank_export_near_misses_are_refused(cell):
    assert parse_decimal(column(cell), 2).invalid[0]
    with pytest.raises(ValueError, match="não é um número"):
        money(cell)


@pytest.mark.parametrize(
    ("cell", "places", "expected"),
    [
        ("0,005", 2, 1),  # half a cent rounds up to one cent
        ("0,004", 2, 0),
        ("1.2345", 2, 123),  # 1,2345 -> 1,23
        ("1.234,565", 2, 123457),
        ("-0,005", 2, -1),  # half-up away from zero, as Brazilian rules round
        ("2,5005", 3, 2501),  # a quantity: 2,5005 -> 2,501
        ("1,23456", 4, 12346),  # a unit cost: 1,23456 -> 1,2346
    ],
)
def test_more_decimals_than_fit_are_rounded_and_warned(cell, places, expected):
    parsed = parse_decimal(column(cell), places)
    assert cents(parsed) == [expected]
    assert parsed.rounded.tolist() == [True]


def test_zeros_past_the_cent_are_no_rounding():
    parsed = parse_decimal(column("1,230", "1.234,5600", "7", 1.005), 2)
    assert cents(parsed) == [123, 123456, 700, 101]
    assert not parsed.rounded.any()


def test_rounding_is_warned_in_a_long_column_of_repeated_values():
    """Long columns are read once per distinct value: the warning must survive that path."""
    cells = ["0,005", "1,00", "2,00"] * 7000
    parsed = parse_decimal(column(*cells), 2)
    assert parsed.rounded.sum() == 7000
    assert parsed.rounded[::3].all()


# --------------------------------------------------------------------------------------------
# Decimal input never goes through float


def test_money_of_a_decimal_is_exact():
    # 1234567890123456.78 has 18 significant digits: a float keeps about 16
    assert money(Decimal("1234567890123456.78")) == Decimal("1234567890123456.78")
    assert money(Decimal("0.005")) == Decimal("0.01")
    assert money(Decimal("-2.675")) == Decimal("-2.68")
    assert money(Decimal("1E+3")) == Decimal("1000.00")


def test_a_column_of_decimals_is_exact():
    parsed = parse_decimal(column(Decimal("1234567890123456.78"), Decimal("0.005"), None), 2)
    assert cents(parsed) == [123456789012345678, 1, None]
    assert parsed.rounded.tolist() == [False, True, False]
    assert parsed.shown.iloc[0] == "R$ 1.234.567.890.123.456,78"


def test_a_decimal_reads_as_text_exactly():
    """A Decimal in a text or identifier column: its digits, not a float's."""
    cells = column(Decimal("1234567890123456.78"), Decimal("52998224725"), Decimal("NaN"))
    assert to_text(cells).tolist()[:2] == ["1234567890123456.78", "52998224725"]
    assert pd.isna(to_text(cells).iloc[2])


def test_decimals_that_are_not_amounts():
    assert parse_integer(column(Decimal("3.5"), Decimal("12"))).invalid.tolist() == [True, False]
    parsed = parse_decimal(column(Decimal("NaN"), Decimal("Infinity")), 2)
    assert parsed.invalid.tolist() == [False, True]
    with pytest.raises(ValueError, match="não é um número"):
        money(Decimal("Infinity"))


# --------------------------------------------------------------------------------------------
# Dates


@pytest.mark.parametrize("cell", ["2026", "202603", "46086", "20260305", "1"])
def test_digits_typed_as_text_are_not_an_excel_serial(cell):
    """A year, a yyyymm, a serial copied as text: none of them is a date the user typed."""
    parsed = parse_date(column(cell))
    assert parsed.invalid[0]
    with pytest.raises(ValueError, match="não é uma data"):
        date_value(cell)


def test_a_number_cell_is_still_a_serial():
    # serial 46086 counts days from 1899-12-30 (Excel's 1900 system past its fake leap day)
    expected = dt.date(1899, 12, 30) + dt.timedelta(days=46086)
    assert expected == dt.date(2026, 3, 5)
    assert days(parse_date(column(46086.0, 46086, np.int64(46086)))) == [expected] * 3
    assert date_value(46086) == expected


@pytest.mark.parametrize(
    ("cell", "day"),
    [
        ("01/01/00", dt.date(2000, 1, 1)),
        ("31/12/29", dt.date(2029, 12, 31)),  # Excel: 00-29 are 2000-2029
        ("01/01/30", dt.date(1930, 1, 1)),  # and 30-99 are 1930-1999
        ("05/03/45", dt.date(1945, 3, 5)),
        ("31/12/68", dt.date(1968, 12, 31)),
    ],
)
def test_two_digit_years_follow_excel_and_are_flagged(cell, day):
    parsed = parse_date(column(cell))
    assert days(parsed) == [day]
    assert parsed.ambiguous[0]
    assert date_value(cell) == day


def test_two_digit_years_of_a_competencia_follow_excel():
    parsed = parse_month(column("03/29", "03/30", "mar/45"))
    assert days(parsed) == [dt.date(2029, 3, 1), dt.date(1930, 3, 1), dt.date(1945, 3, 1)]


def test_a_month_first_column_makes_its_ambiguous_dates_suspect():
    parsed = parse_date(column("12/25/2026", "03/05/2026", "13/05/2026", "05/05/2026", None))
    # 12/25/2026 has no month 25: invalid, month-first; 03/05/2026 then may be 5 March too
    assert parsed.invalid.tolist() == [True, False, False, False, False]
    assert parsed.ambiguous.tolist() == [False, True, False, False, False]
    assert days(parsed)[1] == dt.date(2026, 5, 3)
    assert parsed.shown.iloc[1] == "03/05/2026"


def test_without_month_first_evidence_day_first_dates_are_not_suspect():
    parsed = parse_date(column("03/05/2026", "13/05/2026", "2026-12-25"))
    assert not parsed.ambiguous.any()


def test_month_first_suspicion_in_a_long_repeated_column():
    parsed = parse_date(column(*(["12/25/2026", "03/05/2026", "04/04/2026"] * 7000)))
    assert parsed.ambiguous.sum() == 7000
    assert parsed.ambiguous[1::3].all()


@pytest.mark.parametrize(
    ("cell", "day"),
    [
        ("2026-03-06T01:30:00Z", dt.date(2026, 3, 5)),  # 22:30 of the 5th in Brasília (UTC-3)
        ("2026-03-06T02:59:59Z", dt.date(2026, 3, 5)),
        ("2026-03-06T03:00:00Z", dt.date(2026, 3, 6)),
        ("2026-03-06T01:30:00+01:00", dt.date(2026, 3, 5)),  # 00:30 UTC, 21:30 in Brasília
        ("2026-03-06T01:30:00-03:00", dt.date(2026, 3, 6)),
        ("2026-03-06 01:30:00-0300", dt.date(2026, 3, 6)),
        ("2026-03-06T01:30:00", dt.date(2026, 3, 6)),  # naive: as written
    ],
)
def test_aware_timestamps_are_dated_in_brasilia(cell, day):
    assert days(parse_date(column(cell))) == [day]
    assert date_value(cell) == day


def test_aware_datetime_objects_are_dated_in_brasilia():
    utc = pd.Timestamp("2026-03-06T01:30", tz="UTC")
    naive = pd.Timestamp("2026-03-06T01:30")
    assert days(parse_date(pd.Series([utc]))) == [dt.date(2026, 3, 5)]
    assert days(parse_date(column(utc, naive))) == [dt.date(2026, 3, 5), dt.date(2026, 3, 6)]
    stamp = dt.datetime(2026, 3, 6, 1, 30, tzinfo=dt.UTC)
    assert days(parse_date(column(stamp))) == [dt.date(2026, 3, 5)]
    assert date_value(stamp) == dt.date(2026, 3, 5)
    assert date_value(naive) == dt.date(2026, 3, 6)


# --------------------------------------------------------------------------------------------
# Hostile cells: a clear sentence in Portuguese, short enough to read


@pytest.mark.parametrize("cell", ["1" * 5000, "1" * 5000 + ",50", "-" + "9" * 4301, "1" * 41])
def test_a_number_too_long_for_python_is_too_big_in_portuguese(cell):
    with pytest.raises(ValueError, match="é grande demais") as refused:
        money(cell)
    assert len(str(refused.value)) < 120
    assert parse_decimal(column(cell), 2).invalid.tolist() == [True]


def test_an_integer_of_thousands_of_digits_is_text_too_big():
    """Python refuses to write out an int past 4,300 digits; the cell is still read."""
    cells = column(10**5000, 5)
    assert to_text(cells).iloc[0] == "1" + "0" * 5000
    assert parse_decimal(cells, 2).invalid.tolist() == [True, False]
    with pytest.raises(ValueError, match="é grande demais"):
        money(10**5000)
    with pytest.raises(ValueError, match="não é uma data válida"):
        date_value(10**5000)


def test_leading_zeros_do_not_count():
    assert money("0" * 5000 + "12,50") == Decimal("12.50")


@pytest.mark.parametrize("cell", ["x" * 100_000, "1 234 " * 5000, "05/03/2026" * 1000])
def test_a_long_cell_is_quoted_shortened(cell):
    with pytest.raises(ValueError, match="não é um número") as refused:
        money(cell)
    assert len(str(refused.value)) < 120
    with pytest.raises(ValueError, match="não é uma data") as refused:
        date_value(cell)
    assert len(str(refused.value)) < 120
