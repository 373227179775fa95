"""A1 notation and cell values as Google reads and writes them (no server needed)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from retaguarda.sync.emulator.a1 import A1Range, column_index, parse_range
from retaguarda.sync.emulator.a1 import quote_title as quoted
from retaguarda.sync.emulator.errors import ApiError
from retaguarda.sync.emulator.values import Formula, format_value, parse_user_entered, serial
from retaguarda.templates.files import column_letter

TITLES = {"Sheet1", "Filial SP", "It's", "A1"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sheet1", A1Range("Sheet1")),
        ("A1", A1Range("A1")),  # a sheet's title wins over a cell name
        ("'Filial SP'!A1:C3", A1Range("Filial SP", 0, 3, 0, 3)),
        ("'It''s'!B2", A1Range("It's", 1, 2, 1, 2, is_cell=True)),
        ("Sheet1!A:C", A1Range("Sheet1", 0, None, 0, 3)),
        ("Sheet1!A2:C", A1Range("Sheet1", 1, None, 0, 3)),
        ("Sheet1!2:5", A1Range("Sheet1", 1, 5, 0, None)),
        ("Sheet1!A1:1", A1Range("Sheet1", 0, 1, 0, None)),
        ("Sheet1!$B$2:$a$1", A1Range("Sheet1", 0, 2, 0, 2)),
        ("B2:C3", A1Range(None, 1, 3, 1, 3)),
    ],
)
def test_parse_range(text: str, expected: A1Range) -> None:
    assert parse_range(text, TITLES) == expected


@pytest.mark.parametrize("text", ["Sheet1!", "Sheet1!A", "'Open!A1", "Sheet1!A0", "Sheet1!A1:"])
def test_unparsable_ranges(text: str) -> None:
    with pytest.raises(ApiError, match="Unable to parse range"):
        parse_range(text, TITLES)


def test_columns_and_quoting() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    assert [column_index(s) for s in ("A", "z", "AA", "AAA")] == [0, 25, 26, 702]
    assert quoted("Sheet1") == "Sheet1"
    assert quoted("Filial SP") == "'Filial SP'"
    assert quoted("It's") == "'It''s'"
    assert quoted("A1") == "'A1'"
    assert quoted("Lançamentos") == "'Lançamentos'"


def test_serial_numbers() -> None:
    assert serial(date(2020, 1, 1)) == 43831  # as recorded from Google
    assert serial(datetime(2026, 3, 5, 12)) == 46086.5


@pytest.mark.parametrize(
    ("typed", "locale", "stored", "number_type"),
    [
        ("0042", "en_US", 42, None),
        ("1,234.5", "en_US", 1234.5, "NUMBER"),  # separators typed: Google keeps them shown
        ("1.234,5", "pt_BR", 1234.5, "NUMBER"),
        ("12,5%", "pt_BR", 0.125, "PERCENT"),
        ("05/03/2026", "pt_BR", 46086, "DATE"),
        ("05/03/2026", "en_US", 46145, "DATE"),
        ("2026-03-05 08:30", "pt_BR", 46086 + 8.5 / 24, "DATE_TIME"),
        ("true", "en_US", True, None),
        ("'=1+1", "en_US", "=1+1", None),
        ("1.1.04", "pt_BR", "1.1.04", None),
        ("210.979.252-34", "pt_BR", "210.979.252-34", None),
    ],
)
def test_user_entered(typed: str, locale: str, stored: object, number_type: str | None) -> None:
    value, number_format = parse_user_entered(typed, locale)
    assert value == pytest.approx(stored) if isinstance(stored, float) else value == stored
    assert (number_format or {}).get("type") == number_type


def test_formulas_are_kept_as_text() -> None:
    value, _ = parse_user_entered("=SUM(A1:A3)", "pt_BR")
    assert isinstance(value, Formula)
    assert format_value(value, None, "pt_BR") == "=SUM(A1:A3)"


@pytest.mark.parametrize(
    ("value", "number_format", "locale", "shown"),
    [
        (4960.41, None, "pt_BR", "4960,41"),
        (4960.41, None, "en_US", "4960.41"),
        (1 / 3, None, "en_US", "0.3333333333"),
        (46086, {"type": "DATE", "pattern": "dd/mm/yyyy"}, "pt_BR", "05/03/2026"),
        (
            46086.5,
            {"type": "DATE_TIME", "pattern": "dd/mm/yyyy hh:mm:ss"},
            "pt_BR",
            "05/03/2026 12:00:00",
        ),
        (1234.5, {"type": "NUMBER", "pattern": "#,##0.00"}, "pt_BR", "1.234,50"),
        (-1234.5, {"type": "CURRENCY", "pattern": '"R$" #,##0.00'}, "pt_BR", "-R$ 1.234,50"),
        (0.125, {"type": "PERCENT", "pattern": "0.0%"}, "en_US", "12.5%"),
        (True, None, "pt_BR", "VERDADEIRO"),
    ],
)
def test_formatted_values(value: object, number_format: dict, locale: str, shown: str) -> None:
    assert format_value(value, number_format, locale) == shown
