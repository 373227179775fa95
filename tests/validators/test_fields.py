"""Fields: every accepted and refused form, columns mixed the way the readers hand them over,
exact money, Excel serials, and the bulk readers held to the same answers as the scalar ones
on generated cells."""

from __future__ import annotations

import datetime as dt
import random
import re
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest

from retaguarda.validators import fields
from retaguarda.validators.fields import (
    amounts,
    date_value,
    dates,
    format_brl,
    format_date_br,
    format_decimal_br,
    formatting,
    money,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_integer,
    parse_month,
    to_decimal,
    to_text,
)

EMPTY = object()  # the cell reads as empty: no value, not invalid
BAD = object()  # the cell is invalid


def column(*cells: object) -> pd.Series:
    return pd.Series(list(cells), dtype=object)


def read(parsed: fields.Parsed, i: int = 0) -> object:
    """The value of row i, or EMPTY / BAD."""
    if parsed.invalid[i]:
        assert pd.isna(parsed.values.iloc[i])
        return BAD
    value = parsed.values.iloc[i]
    if pd.isna(value):
        return EMPTY
    return value.date() if isinstance(value, pd.Timestamp) else int(value)


def readings(parsed: fields.Parsed) -> list[object]:
    """`read` of every row, in one go."""
    out: list[object] = []
    for value, bad in zip(parsed.values.tolist(), parsed.invalid.tolist(), strict=True):
        if bad:
            assert pd.isna(value)
        out.append(BAD if bad else read_value(value))
    return out


def read_value(value: object) -> object:
    if pd.isna(value):
        return EMPTY
    return value.date() if isinstance(value, pd.Timestamp) else int(value)


def texts(parsed: fields.Parsed) -> list[str | None]:
    return [None if pd.isna(t) else t for t in parsed.shown.tolist()]


def shown(parsed: fields.Parsed, i: int = 0) -> str | None:
    text = parsed.shown.iloc[i]
    return None if pd.isna(text) else text


def excel_date(serial: int) -> dt.date:
    """Excel's 1900 date system, past its fake 1900-02-29."""
    return (dt.datetime(1899, 12, 30) + dt.timedelta(days=serial)).date()


# --------------------------------------------------------------------------------------------
# Decimals


@pytest.mark.parametrize(
    ("cell", "cents"),
    [
        ("1234,56", 123456),
        ("1.234,56", 123456),
        ("R$ 1.234,56", 123456),
        ("R$1.234,56", 123456),
        ("r$ 1.234,56", 123456),
        ("R$\u00a01.234,56", 123456),  # Excel's pt-BR currency format
        ("R$-1.234,56", -123456),
        ("R$ -1.234,56", -123456),
        ("-R$ 1.234,56", -123456),
        ("- R$ 1.234,56", -123456),
        ("(1.234,56)", -123456),
        ("(R$ 1.234,56)", -123456),
        ("+12", 1200),
        ("1.234.567,8", 123456780),
        ("1234.56", 123456),
        ("1.5", 150),
        ("1234.5", 123450),
        ("1.2345", 123),  # a dot followed by more than three digits is a decimal point
        ("1234.567", 123457),  # four digits before the dot: no thousands grouping fits
        ("0.500", 50),  # a leading zero is no thousands group
        ("1,234.56", 123456),
        ("1,234,567.8", 123456780),
        ("1,234,567", 123456700),
        (" 12 ", 1200),
        ("\u00a012\u00a0", 1200),
        ("0,5", 50),
        (",5", 50),
        (".5", 50),
        ("-0,00", 0),
        ("0", 0),
        ("007", 700),
    ],
)
def test_decimal_text_forms(cell, cents):
    parsed = parse_decimal(column(cell), 2)
    assert read(parsed) == cents
    assert not parsed.ambiguous[0]
    assert shown(parsed) == format_brl(cents)


@pytest.mark.parametrize(
    "cell",
    [
        "abc",
        "1,2,3",
        "12a",
        "R$",
        "-",
        "--1",
        "+-1",
        "-R$ -1",
        "-(1)",
        "(1",
        "12,5%",
        "1.23.456",
        "1.234,567,8",
        "1,234.567.8",
        "1 23,45",  # a space is a thousands separator only before three digits
        "1e5",
        "R$ R$ 1",
        "US$ 1",
        "\u0661\u0662\u0663",  # Arabic-Indic digits: `re` would take them for \d
        "1,,5",
        "1.",
        "1,",
    ],
)
def test_decimal_text_refused(cell):
    parsed = parse_decimal(column(cell), 2)
    assert read(parsed) is BAD
    assert shown(parsed) is None
    assert not parsed.ambiguous[0]
    with pytest.raises(ValueError, match="não é um número"):
        money(cell)


@pytest.mark.parametrize(
    ("cell", "places", "scaled", "ambiguous"),
    [
        ("1.234", 2, 123400, True),  # 1234 in pt-BR, 1.234 in an English export
        ("12.345", 2, 1234500, True),
        ("999.999", 2, 99999900, True),
        ("1.234", 3, 1234000, True),
        ("1.234.567", 2, 123456700, False),  # two dots cannot be a decimal point
        ("1.234,00", 2, 123400, False),
        ("1234", 2, 123400, False),
        ("1,234", 2, 123, True),  # 1,234 read as pt-BR, rounded: might mean 1234
        ("1,234", 3, 1234, False),  # a quantity with three places: nothing lost
        ("1,23", 2, 123, False),
        ("1,2345", 2, 123, False),
    ],
)
def test_decimal_ambiguous_separator(cell, places, scaled, ambiguous):
    parsed = parse_decimal(column(cell), places)
    assert read(parsed) == scaled
    assert parsed.ambiguous[0] == ambiguous


def test_decimal_ambiguous_suggestion_is_the_reading():
    parsed = parse_decimal(column("1.234", "5"), 2)
    assert parsed.ambiguous.tolist() == [True, False]
    assert shown(parsed) == "R$ 1.234,00"


@pytest.mark.parametrize(
    ("cell", "cents"),
    [
        ("0,005", 1),
        ("0,0049", 0),
        ("0,0050", 1),
        ("-0,005", -1),  # half-up rounds away from zero, as Decimal's ROUND_HALF_UP
        ("2,675", 268),
        ("2,665", 267),
        ("1,005", 101),
        ("1.004,999", 100500),
        ("0,00499999999999999999", 0),
        ("0,00500000000000000000", 1),
        ("999,995", 100000),
    ],
)
def test_text_rounds_half_up_exactly(cell, cents):
    assert read(parse_decimal(column(cell), 2)) == cents
    assert money(cell) == Decimal(cents).scaleb(-2)


@pytest.mark.parametrize(
    ("cell", "cents"),
    [
        (1.005, 101),  # stored as 1.00499999999999989..., shown by Excel as 1,01
        (0.1 + 0.2, 30),
        (2.675, 268),
        (0.285, 29),
        (-1.005, -101),
        (1.0049999999, 100),
        (1234.5, 123450),
        (12345678.9, 1234567890),
        (0.0, 0),
        (-0.0, 0),
        (5e-3, 1),
        (4.9999e-3, 0),
        (3, 300),
        (np.float64(2.5), 250),
        (np.int64(-7), -700),
        (2**53 + 1, (2**53 + 1) * 100),  # an int too large for a float stays exact
    ],
)
def test_number_cells_round_as_excel_shows_them(cell, cents):
    assert read(parse_decimal(column(cell), 2)) == cents
    assert money(cell) == Decimal(cents).scaleb(-2)


def test_money_text_is_exact_for_large_values():
    cells = column("R$ 98.765.432.109,99", "9007199254740993,01", "92.233.720.368.547.758,07")
    parsed = parse_decimal(cells, 2)
    assert parsed.values.tolist() == [9876543210999, 900719925474099301, 2**63 - 1]
    assert shown(parsed) == "R$ 98.765.432.109,99"
    assert shown(parsed, 2) == "R$ 92.233.720.368.547.758,07"
    assert money("9007199254740993,01") == Decimal("9007199254740993.01")


@pytest.mark.parametrize(
    "cell",
    [
        "92.233.720.368.547.758,08",
        "100000000000000000000",
        "1" * 30,
        1e20,
        float("inf"),
        float("-inf"),
        10**19,
        -(10**18),
    ],
)
def test_values_beyond_int64_are_invalid(cell):
    parsed = parse_decimal(column(cell), 2)
    assert read(parsed) is BAD
    with pytest.raises(ValueError, match=r"não é um número|grande demais"):
        money(cell)


def test_long_cells_are_read_one_by_one():
    padded = "R$" + " " * 60 + "1.234,56"
    digits = "0" * 45 + "12,5"
    parsed = parse_decimal(column(padded, digits, "x" * 80, "1,00"), 2)
    assert [read(parsed, i) for i in range(4)] == [123456, 1250, BAD, 100]


def test_decimal_mixed_column():
    cells = column(
        1234.5,
        "1.234,50",
        "",
        "   ",
        None,
        float("nan"),
        pd.NA,
        True,
        dt.date(2026, 3, 5),
        dt.datetime(2026, 3, 5, 10, 0),
        dt.time(12, 0),
        7,
        "R$ 7,00",
        np.float64(2.5),
        Decimal("1.255"),
        "abc",
    )
    parsed = parse_decimal(cells, 2)
    expected = [123450, 123450, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, BAD, BAD, BAD, BAD]
    expected += [700, 700, 250, 126, BAD]
    assert [read(parsed, i) for i in range(len(cells))] == expected
    assert parsed.values.dtype == "Int64"
    assert parsed.invalid.dtype == bool
    assert parsed.ambiguous.dtype == bool
    assert [shown(parsed, i) for i in (0, 2, 7, 11)] == ["R$ 1.234,50", None, None, "R$ 7,00"]


def test_calamine_numeric_column_with_blanks():
    cells = column(*([10.5, "", 3.0, ""] * 3))
    parsed = parse_decimal(cells, 2)
    assert parsed.values.tolist() == [1050, pd.NA, 300, pd.NA] * 3
    assert not parsed.invalid.any()


def test_all_paths_keep_the_index():
    index = pd.Index([17, 3, 99], name="linha")
    for cells in (
        pd.Series(["1,00", None, "x"], index=index, dtype=object),
        pd.Series(["1,00", None, "x"], index=index, dtype="str"),
        pd.Series([1.0, np.nan, np.inf], index=index),
    ):
        parsed = parse_decimal(cells, 2)
        assert parsed.values.index.equals(index)
        assert parsed.shown.index.equals(index)
        assert parsed.invalid.tolist() == [False, False, True]
        assert parsed.values.iloc[0] == 100


@pytest.mark.parametrize(
    "cells",
    [
        pd.Series(["1.234,56", None, "-3", "R$ 0,10"], dtype="str"),
        pd.Series(["1.234,56", None, "-3", "R$ 0,10"], dtype=pd.StringDtype("python")),
        pd.Series([1234.56, np.nan, -3.0, 0.1]),
        pd.Series([1234.56, None, -3, 0.1], dtype="Float64"),
        pd.Series([1234.56, None, -3, 0.1], dtype=object),
    ],
)
def test_fast_paths_agree(cells):
    assert parse_decimal(cells, 2).values.tolist() == [123456, pd.NA, -300, 10]


def test_empty_columns():
    for cells in (column(), column(None, ""), pd.Series([np.nan, np.nan]), column(" ", pd.NA)):
        for parsed in (
            parse_decimal(cells, 2),
            parse_integer(cells),
            parse_date(cells),
            parse_month(cells),
            parse_choice(cells, ["Sim", "Não"]),
        ):
            assert len(parsed.values) == len(cells)
            assert not parsed.invalid.any()
            assert parsed.values.isna().all()
            assert parsed.shown.isna().all()


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("3", 3),
        (3.0, 3),
        (3, 3),
        ("3,0", 3),
        ("3,000", 3),
        ("-7", -7),
        ("1.234", 1234),  # English 1.234 is no whole number: only one reading left
        ("1.234.567", 1234567),
        ("1,234,567", 1234567),
        ("3,5", BAD),
        ("1,234", BAD),  # pt-BR reads 1,234: not a whole number
        (3.5, BAD),
        ("1.5", BAD),
        ("abc", BAD),
        (2.0**62, 2**62),
        (2.0**63, BAD),
        ("", EMPTY),
    ],
)
def test_integer(cell, expected):
    parsed = parse_integer(column(cell))
    assert read(parsed) == expected
    assert not parsed.ambiguous[0]
    if isinstance(expected, int):
        assert shown(parsed) == format_decimal_br(expected, 0)


def test_decimal_shown_for_quantities_trims_zeros():
    parsed = parse_decimal(column("1.234,5", "2", "0,125", "-0,5"), 3)
    assert parsed.values.tolist() == [1234500, 2000, 125, -500]
    assert parsed.shown.tolist() == ["1.234,5", "2", "0,125", "-0,5"]


# --------------------------------------------------------------------------------------------
# Text as the user sees it


def test_to_text():
    cells = column(
        " x\u00a0",
        "",
        "  ",
        None,
        float("nan"),
        1.0,
        12345678901.0,  # a CPF typed as a number
        1.5,
        -0.25,
        7,
        True,
        False,
        dt.datetime(2026, 3, 5, 10, 30),
        dt.datetime(2026, 3, 5),
        dt.date(2026, 3, 5),
        pd.Timestamp("2026-03-05 08:05:00"),
        dt.time(9, 15),
        pd.NA,
        pd.NaT,
    )
    text = to_text(cells)
    assert [None if pd.isna(t) else t for t in text] == [
        "x",
        None,
        None,
        None,
        None,
        "1",
        "12345678901",
        "1.5",
        "-0.25",
        "7",
        "VERDADEIRO",
        "FALSO",
        "05/03/2026 10:30",
        "05/03/2026",
        "05/03/2026",
        "05/03/2026 08:05",
        "09:15",
        None,
        None,
    ]
    assert pd.api.types.is_string_dtype(text.dtype)


def test_to_text_of_typed_columns():
    assert to_text(pd.Series([1.0, np.nan, 2.5])).tolist()[::2] == ["1", "2.5"]
    days = pd.Series(pd.to_datetime(["2026-03-05", None]))
    assert to_text(days).iloc[0] == "05/03/2026"
    assert to_text(pd.Series([" a ", None], dtype="str")).iloc[0] == "a"


# --------------------------------------------------------------------------------------------
# Dates


@pytest.mark.parametrize(
    "cell",
    [
        "05/03/2026",
        "5/3/2026",
        "05-03-2026",
        "05.03.2026",
        "2026-03-05",
        "2026/03/05",
        "2026-3-5",
        "2026-03-05T10:00:00",
        "2026-03-05 10:00:00",
        "2026-03-05T10:00:00.250Z",
        "2026-03-05T10:00:00-03:00",
        "05/03/2026 10:00",
        "05/03/2026 23:59:59",
        " 05/03/2026 ",
        dt.date(2026, 3, 5),
        dt.datetime(2026, 3, 5, 23, 59),
        pd.Timestamp("2026-03-05 12:00"),
        np.datetime64("2026-03-05T07:00"),
        float(46086),
        46086,
        46086.999,
    ],
)
def test_date_forms(cell):
    parsed = parse_date(column(cell))
    assert read(parsed) == dt.date(2026, 3, 5)
    assert not parsed.ambiguous[0]
    assert shown(parsed) == "05/03/2026"
    assert date_value(cell) == dt.date(2026, 3, 5)


@pytest.mark.parametrize(
    "cell",
    [
        "31/02/2026",
        "29/02/2025",
        "13/13/2026",
        "00/01/2026",
        "01/00/2026",
        "abc",
        "2026-13-01",
        "2026-02-30",
        "05/03-2026",  # one separator throughout
        "05/03/026",
        "05/03/2026 25:00",
        "01/01/1899",  # before Excel's calendar
        "2026-03-05X",
        "05032026",  # eight digits: no serial that large
        "3/2026",
        True,
        dt.time(10, 0),
        0,
        -1.0,
        2958466,
        float("inf"),
    ],
)
def test_date_refused(cell):
    parsed = parse_date(column(cell))
    assert read(parsed) is BAD
    assert shown(parsed) is None
    with pytest.raises(ValueError, match="data"):
        date_value(cell)


def test_leap_days():
    parsed = parse_date(column("29/02/2024", "29/02/2000", "29/02/1900", "29/02/2100"))
    assert [read(parsed, i) for i in range(4)] == [
        dt.date(2024, 2, 29),
        dt.date(2000, 2, 29),
        BAD,
        BAD,
    ]


@pytest.mark.parametrize(
    ("cell", "day"),
    [
        ("5/3/26", dt.date(2026, 3, 5)),
        ("05/03/26", dt.date(2026, 3, 5)),
        ("31/12/29", dt.date(2029, 12, 31)),  # Excel: 00-29 are 20xx, 30-99 are 19xx
        ("01/01/30", dt.date(1930, 1, 1)),
        ("01/01/69", dt.date(1969, 1, 1)),
        ("01/01/00", dt.date(2000, 1, 1)),
        ("15.08.99 10:00", dt.date(1999, 8, 15)),
    ],
)
def test_two_digit_years_are_ambiguous(cell, day):
    parsed = parse_date(column(cell))
    assert read(parsed) == day
    assert parsed.ambiguous[0]
    assert shown(parsed) == format_date_br(day)
    assert date_value(cell) == day


def test_four_digit_year_day_first_is_not_ambiguous():
    parsed = parse_date(column("05/03/2026", "12/11/2026"))
    assert not parsed.ambiguous.any()
    assert read(parsed, 1) == dt.date(2026, 11, 12)


def test_month_first_date_is_invalid_with_the_swapped_suggestion():
    parsed = parse_date(column("12/25/2026", "2/30/2026", "13/25/2026", "12/25/26"))
    assert parsed.invalid.tolist() == [True, True, True, True]
    assert not parsed.ambiguous.any()
    assert parsed.values.isna().all()
    assert [shown(parsed, i) for i in range(4)] == ["25/12/2026", None, None, "25/12/2026"]
    with pytest.raises(ValueError, match="25/12/2026"):
        date_value("12/25/2026")


@pytest.mark.parametrize(
    ("serial", "day"),
    [
        (1, dt.date(1900, 1, 1)),
        (2, dt.date(1900, 1, 2)),
        (59, dt.date(1900, 2, 28)),
        (61, dt.date(1900, 3, 1)),
        (62, dt.date(1900, 3, 2)),
        (25569, dt.date(1970, 1, 1)),
        (43831, dt.date(2020, 1, 1)),  # the Sheets API answer for "2020-01-01"
        (46082, dt.date(2026, 3, 1)),
        (2958465, dt.date(9999, 12, 31)),
    ],
)
def test_excel_serials(serial, day):
    if serial > 60:
        assert excel_date(serial) == day
    for cell in (serial, float(serial), serial + 0.75):
        parsed = parse_date(column(cell))
        assert read(parsed) == day, cell
        assert date_value(cell) == day


def test_excel_fake_leap_day_is_invalid():
    parsed = parse_date(column(60, 60.5, "60"))
    assert parsed.invalid.all()
    with pytest.raises(ValueError, match="29/02/1900"):
        date_value(60)


def test_date_values_are_midnight_datetimes():
    parsed = parse_date(column(dt.datetime(2026, 3, 5, 23, 59, 59), "05/03/2026 10:00", None))
    assert parsed.values.dtype == "datetime64[s]"
    assert parsed.values.iloc[0] == pd.Timestamp("2026-03-05")
    assert parsed.values.iloc[1] == pd.Timestamp("2026-03-05")
    assert pd.isna(parsed.values.iloc[2])


def test_dates_far_from_today():
    cells = column(dt.date(1, 1, 1), dt.datetime(9999, 12, 31, 23, 0), "31/12/9999", "01/01/1900")
    parsed = parse_date(cells)
    assert parsed.shown.tolist() == ["01/01/0001", "31/12/9999", "31/12/9999", "01/01/1900"]


def test_date_typed_columns():
    stamps = pd.Series(pd.to_datetime(["2026-03-05 10:00", None]))
    assert parse_date(stamps).shown.iloc[0] == "05/03/2026"
    aware = stamps.dt.tz_localize("America/Sao_Paulo")
    assert read(parse_date(aware)) == dt.date(2026, 3, 5)
    mixed_zones = column(
        dt.datetime(2026, 3, 5, 22, 0, tzinfo=dt.timezone(dt.timedelta(hours=-3))),
        dt.datetime(2026, 3, 6, 1, 0),
    )
    parsed = parse_date(mixed_zones)
    assert [read(parsed, i) for i in range(2)] == [dt.date(2026, 3, 5), dt.date(2026, 3, 6)]


# --------------------------------------------------------------------------------------------
# Months (competência)


@pytest.mark.parametrize(
    "cell",
    [
        "03/2026",
        "3/2026",
        "03-2026",
        "03.2026",
        "2026-03",
        "2026/03",
        "2026-3",
        "mar/2026",
        "Mar/26",
        "MAR/2026",
        "mar-26",
        "mar.2026",
        "março/2026",
        "marco/2026",
        "MARÇO/2026",
        "Março de 2026",
        "mar 2026",
        "03/26",
        "05/03/2026",
        "2026-03-31",
        dt.date(2026, 3, 5),
        dt.datetime(2026, 3, 31, 23, 0),
        46082.0,
        46082,
    ],
)
def test_month_forms(cell):
    parsed = parse_month(column(cell))
    assert read(parsed) == dt.date(2026, 3, 1)
    assert shown(parsed) == "03/2026"
    assert not parsed.ambiguous[0]


@pytest.mark.parametrize(
    ("cell", "first"),
    [
        ("jan/2026", dt.date(2026, 1, 1)),
        ("fev/2026", dt.date(2026, 2, 1)),
        ("feb/2026", dt.date(2026, 2, 1)),
        ("abr/2026", dt.date(2026, 4, 1)),
        ("apr/2026", dt.date(2026, 4, 1)),
        ("maio/2026", dt.date(2026, 5, 1)),
        ("may/2026", dt.date(2026, 5, 1)),
        ("jun/2026", dt.date(2026, 6, 1)),
        ("julho/2026", dt.date(2026, 7, 1)),
        ("ago/2026", dt.date(2026, 8, 1)),
        ("aug/2026", dt.date(2026, 8, 1)),
        ("setembro/2026", dt.date(2026, 9, 1)),
        ("sep/2026", dt.date(2026, 9, 1)),
        ("out/2026", dt.date(2026, 10, 1)),
        ("oct/2026", dt.date(2026, 10, 1)),
        ("novembro de 2026", dt.date(2026, 11, 1)),
        ("dez/99", dt.date(1999, 12, 1)),
        ("dec/2026", dt.date(2026, 12, 1)),
        ("12/2026", dt.date(2026, 12, 1)),
        ("1/2026", dt.date(2026, 1, 1)),
    ],
)
def test_month_names(cell, first):
    assert read(parse_month(column(cell))) == first


@pytest.mark.parametrize(
    "cell",
    ["13/2026", "00/2026", "xyz/2026", "mar", "2026", "46082", "03/1899", "março/", "abc", True],
)
def test_month_refused(cell):
    parsed = parse_month(column(cell))
    assert read(parsed) is BAD
    assert shown(parsed) is None


def test_month_from_dates_keeps_date_flags():
    parsed = parse_month(column("5/3/26", "12/25/2026", "03/2026"))
    assert [read(parsed, i) for i in range(3)] == [dt.date(2026, 3, 1), BAD, dt.date(2026, 3, 1)]
    assert parsed.ambiguous.tolist() == [True, False, False]
    assert [shown(parsed, i) for i in range(3)] == ["03/2026", "12/2026", "03/2026"]


# --------------------------------------------------------------------------------------------
# Choices


def test_choice_matches_ignoring_accents_case_and_spaces():
    cells = column("saida", "SAÍDA ", "Saida", " entrada", "Saí  da", "x", "", None, "S")
    parsed = parse_choice(cells, ["Entrada", "Saída"])
    assert [None if pd.isna(v) else v for v in parsed.values] == [
        "Saída",
        "Saída",
        "Saída",
        "Entrada",
        None,
        None,
        None,
        None,
        None,
    ]
    assert parsed.invalid.tolist() == [False, False, False, False, True, True, False, False, True]
    assert not parsed.ambiguous.any()
    assert parsed.shown.iloc[0] == "Saída"


def test_choice_of_numbers_and_booleans():
    parsed = parse_choice(column(1.0, 2, "3", True), ["1", "2", "3", "Verdadeiro"])
    assert parsed.values.tolist() == ["1", "2", "3", "Verdadeiro"]


def test_choices_that_look_the_same_are_a_mistake():
    with pytest.raises(ValueError, match="look the same"):
        parse_choice(column("a"), ["Saída", "saida"])


# --------------------------------------------------------------------------------------------
# Formatting


@pytest.mark.parametrize(
    ("scaled", "places", "text"),
    [
        (123456, 2, "R$ 1.234,56"),
        (-5, 2, "-R$ 0,05"),
        (0, 2, "R$ 0,00"),
        (100, 2, "R$ 1,00"),
        (123456789012, 2, "R$ 1.234.567.890,12"),
        (2**63 - 1, 2, "R$ 92.233.720.368.547.758,07"),
        (12345, 4, "R$ 1,2345"),
        (7, 0, "R$ 7"),
    ],
)
def test_format_brl(scaled, places, text):
    assert format_brl(scaled, places) == text
    bulk = formatting.format_scaled(np.array([scaled]), np.array([True]), places, currency=True)
    assert bulk.to_pylist() == [text]


@pytest.mark.parametrize(
    ("scaled", "places", "text"),
    [
        (1234500, 3, "1.234,5"),
        (1234000, 3, "1.234"),
        (-1, 3, "-0,001"),
        (0, 3, "0"),
        (1000000, 0, "1.000.000"),
        (120, 2, "1,2"),
    ],
)
def test_format_decimal_br(scaled, places, text):
    assert format_decimal_br(scaled, places) == text
    bulk = formatting.format_scaled(np.array([scaled]), np.array([True]), places, currency=False)
    assert bulk.to_pylist() == [text]


def test_format_date_br():
    assert format_date_br(dt.date(2026, 3, 5)) == "05/03/2026"
    assert format_date_br(dt.datetime(2026, 3, 5, 10)) == "05/03/2026"
    assert format_date_br(pd.Timestamp("2026-03-05")) == "05/03/2026"
    assert format_date_br(np.datetime64("2026-03-05")) == "05/03/2026"
    assert format_date_br(None) == ""
    assert format_date_br(pd.NaT) == ""


def test_to_decimal():
    assert to_decimal(123456, 2) == Decimal("1234.56")
    assert str(to_decimal(100, 2)) == "1.00"
    assert str(to_decimal(-5, 2)) == "-0.05"
    assert to_decimal(np.int64(1234500), 3) == Decimal("1234.5")
    assert to_decimal(2**63 - 1, 2) == Decimal("92233720368547758.07")


# --------------------------------------------------------------------------------------------
# The scalar helpers


def test_money():
    assert money("R$ 1.234,56") == Decimal("1234.56")
    assert money("(1.234,56)") == Decimal("-1234.56")
    assert money(1.005) == Decimal("1.01")  # a number cell: as the sheet shows it, half-up
    assert money(7) == Decimal("7.00")
    assert money(None) is None
    assert money("  ") is None
    assert money(float("nan")) is None  # an empty number cell, as pandas hands it over
    with pytest.raises(ValueError, match="não é um número"):
        money(True)
    with pytest.raises(ValueError, match="não é um número"):
        money(dt.date(2026, 3, 5))


def test_date_value():
    assert date_value("05/03/2026") == dt.date(2026, 3, 5)
    assert date_value(dt.datetime(2026, 3, 5, 10)) == dt.date(2026, 3, 5)
    assert date_value(46082) == excel_date(46082)
    assert date_value(None) is None
    assert date_value("") is None
    assert date_value(float("nan")) is None
    with pytest.raises(ValueError, match="não é uma data válida"):
        date_value("abc")


# --------------------------------------------------------------------------------------------
# The bulk readers agree with the scalar ones


def amount_texts(rng: random.Random, count: int) -> list[object]:
    """Amounts written every way people and exports write them, plus near misses."""
    cells: list[object] = []
    for _ in range(count):
        cents = rng.choice([rng.randrange(10**4), rng.randrange(10**9), rng.randrange(10**15)])
        whole, frac = divmod(cents, 100)
        pt = f"{whole:,}".replace(",", ".")
        en = f"{whole:,}"
        extra = str(rng.randrange(10 ** rng.randrange(1, 6))).rjust(rng.randrange(1, 6), "0")
        sign = rng.choice(["", "-", "+", "- "])
        cells.append(
            rng.choice(
                [
                    f"{pt},{frac:02d}",
                    f"R$ {pt},{frac:02d}",
                    f"{sign}R$ {pt},{frac:02d}",
                    f"R${sign.strip()}{pt},{frac:02d}",
                    f"({pt},{frac:02d})",
                    f"{en}.{frac:02d}",
                    f"{whole}.{frac:02d}",
                    f"{whole},{extra}",
                    f"{whole}.{extra}",
                    f"{pt}",
                    f"{en}",
                    f"{sign}{whole}",
                    f"{whole}{rng.choice('.,')}{rng.choice(['', '0', '00', '5', '005', '995'])}",
                    f"{pt},{frac:02d}{rng.choice(['', ' ', 'x', '%', ',', '.', '-'])}",
                    f"{rng.choice(['', ' ', '--', 'R$', '(', 'US$'])}{whole}",
                    rng.choice(["", " ", "abc", "1,2,3", "R$", "-", ".", ","]),
                    f"{whole}.{frac:02d}.{extra}",
                    f"{rng.randrange(1, 1000)}.{rng.randrange(1000):03d}",
                    f"{rng.randrange(1, 1000)},{rng.randrange(1000):03d}",
                    "9" * rng.randrange(15, 22) + rng.choice(["", ",99", ".5"]),
                ]
            )
        )
    return cells


def float_cells(rng: random.Random, count: int) -> list[object]:
    """Floats as Excel stores them: ties at the cent, long binary fractions, big values."""
    cells: list[object] = []
    for _ in range(count):
        cells.append(
            rng.choice(
                [
                    rng.randrange(-(10**9), 10**9) / 1000,  # many exact ties at the cent
                    rng.randrange(-(10**9), 10**9) / 100 * 1.1,
                    rng.uniform(-1e6, 1e6),
                    rng.uniform(-1e15, 1e15),
                    rng.randrange(-(10**6), 10**6) / 8,
                    rng.choice([0.1 + 0.2, 1.005, 2.675, 0.285, 1e-9, 1e20, 2.0**48 / 100]),
                    float(rng.randrange(-(10**15), 10**15)),
                ]
            )
        )
    return cells


def scalar_reading(cell: object, places: int, whole: bool) -> tuple[object, bool]:
    try:
        scaled, ambiguous = amounts._scaled(cell, places, whole)
    except ValueError:
        return BAD, False
    return (EMPTY if scaled is None else scaled), ambiguous


@pytest.mark.parametrize("repeat", [1, 20], ids=["distinct", "repeated"])
def test_bulk_numbers_agree_with_scalar(repeat):
    rng = random.Random(20260305 + repeat)
    distinct = amount_texts(rng, 12_000 // repeat) + float_cells(rng, 4_000 // repeat)
    cells = [rng.choice(distinct) for _ in range(20_000)] if repeat > 1 else distinct
    series = column(*cells)
    for places, whole in ((2, False), (0, True), (0, False), (3, False), (4, False)):
        parsed = parse_integer(series) if whole else parse_decimal(series, places)
        got = list(zip(readings(parsed), parsed.ambiguous.tolist(), strict=True))
        expected = [scalar_reading(cell, places, whole) for cell in cells]
        wrong = [(c, g, e) for c, g, e in zip(cells, got, expected, strict=True) if g != e]
        assert not wrong, (places, wrong[:5])
        write = format_brl if places == 2 else format_decimal_br
        assert texts(parsed) == [
            write(v, places) if isinstance(v, int) else None for v, _ in expected
        ]
    got = [v if v in (BAD, EMPTY) else to_decimal(v, 2) for v in readings(parse_decimal(series, 2))]
    assert got == [scalar_money(cell) for cell in cells]


def scalar_money(cell: object) -> object:
    try:
        amount = money(cell)
    except ValueError:
        return BAD
    return EMPTY if amount is None else amount


def test_floats_round_like_decimal_of_repr():
    rng = random.Random(7)
    values = float_cells(rng, 50_000)
    got = readings(parse_decimal(pd.Series(values, dtype=float), 2))
    expected = []
    for value in values:
        cents = int(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)
        expected.append(BAD if abs(cents) > 2**63 - 1 else cents)
    assert got == expected


def date_cells(rng: random.Random, count: int) -> list[object]:
    cells: list[object] = []
    for _ in range(count):
        day, month = rng.randrange(0, 35), rng.randrange(0, 16)
        year = rng.choice([rng.randrange(1890, 2100), rng.randrange(0, 100)])
        sep = rng.choice("/-.")
        clock = rng.choice(
            [
                "",
                " 10:30",
                " 23:59:59",
                " 24:00",
                "T10:00",
                "T01:30:00Z",
                "T23:30-03:00",
                " 01:30+0100",
            ]
        )
        width = rng.choice([1, 2])
        cells.append(
            rng.choice(
                [
                    f"{day:0{width}d}{sep}{month:0{width}d}{sep}{year:02d}{clock}",
                    f"{day}/{month}/{year}",
                    f"{year:04d}-{month:02d}-{day:02d}{clock}",
                    f"{day}{sep}{month}{rng.choice('/-.')}{year}",
                    str(rng.randrange(0, 3_000_000)),
                    float(rng.randrange(-5, 3_000_000)) + rng.choice([0, 0.25, 0.999]),
                    rng.choice([59, 60, 61, "60", "abc", "", None, True, "05/03/2026x"]),
                    dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(-40000, 40000)),
                ]
            )
        )
    return cells


@pytest.mark.parametrize("repeat", [1, 20], ids=["distinct", "repeated"])
def test_bulk_dates_agree_with_scalar(repeat):
    rng = random.Random(5 + repeat)
    distinct = date_cells(rng, 30_000 // repeat)
    cells = [rng.choice(distinct) for _ in range(30_000)] if repeat > 1 else distinct
    parsed = parse_date(column(*cells))
    expected = [scalar_date(cell) for cell in cells]
    assert readings(parsed) == [day for day, _, _ in expected]
    # the column holds month-first dates (12/25/...), so dd/mm that read either way are suspect
    assert any(day is BAD and hint for day, _, hint in expected)
    pairs = zip(cells, expected, strict=True)
    suspect = [swappable(cell) and day is not BAD for cell, (day, _, _) in pairs]
    assert parsed.ambiguous.tolist() == [
        ambiguous or either for (_, ambiguous, _), either in zip(expected, suspect, strict=True)
    ]
    assert texts(parsed) == [hint for _, _, hint in expected]


def swappable(cell: object) -> bool:
    """A dd/mm cell whose day and month could trade places: both 12 or less, not equal."""
    if not isinstance(cell, str):
        return False
    runs = re.findall("[0-9]+", cell)
    if len(runs) < 3 or len(runs[0]) == 4:
        return False
    day, month = int(runs[0]), int(runs[1])
    return day <= 12 and month <= 12 and day != month


def scalar_date(cell: object) -> tuple[object, bool, str | None]:
    """(reading, ambiguous, suggestion) of one cell by the scalar helpers."""
    try:
        day = date_value(cell)
    except ValueError:
        likely = dates._text_date(cell.strip())[2] if isinstance(cell, str) else None
        return BAD, False, format_date_br(likely) if likely else None
    if day is None:
        return EMPTY, False, None
    two_digit = isinstance(cell, str) and dates._text_date(cell.strip())[1]
    return day, two_digit, format_date_br(day)
