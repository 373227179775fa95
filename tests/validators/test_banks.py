"""Bank codes as boletos and exports write them, and the Banco Central's list of institutions.

The check digit of a bank code on a boleto is modulo 11 with weights 4, 3, 2 from the left:
d = 11 - (sum % 11); 11 is written 0, and 10 as X (Sicredi, 748-X) or 0 (Caixa, 104-0).
"""

from __future__ import annotations

import pandas as pd
import pytest

from retaguarda.validators.identifiers import bank_name, check_bank


def verdict_of(value: str) -> tuple[bool, str, str | None, bool]:
    verdict = check_bank(pd.Series([value], dtype="str"))
    formatted = verdict.formatted.iloc[0]
    return (
        bool(verdict.invalid[0]),
        verdict.reason[0],
        None if pd.isna(formatted) else formatted,
        bool(verdict.warned[0]),
    )


@pytest.mark.parametrize(
    ("value", "formatted"),
    [
        ("001-9", "001-9"),  # 0*4 + 0*3 + 1*2 = 2; 2 % 11 = 2; 11 - 2 = 9
        ("1-9", "001-9"),
        ("341-7", "341-7"),  # 3*4 + 4*3 + 1*2 = 26; 26 % 11 = 4; 11 - 4 = 7
        ("237-2", "237-2"),  # 2*4 + 3*3 + 7*2 = 31; 31 % 11 = 9; 11 - 9 = 2
        ("033-7", "033-7"),  # 0 + 3*3 + 3*2 = 15; 15 % 11 = 4; 11 - 4 = 7
        ("041-8", "041-8"),  # 0 + 4*3 + 1*2 = 14; 14 % 11 = 3; 11 - 3 = 8
        ("748-X", "748-X"),  # 7*4 + 4*3 + 8*2 = 56; 56 % 11 = 1; 11 - 1 = 10, written X
        ("748-x", "748-X"),
        ("104-0", "104-0"),  # 1*4 + 0 + 4*2 = 12; 12 % 11 = 1; 10, written 0 by Caixa
        ("756-0", "756-0"),  # 7*4 + 5*3 + 6*2 = 55; 55 % 11 = 0; 11, written 0
        ("341\u20137", "341-7"),  # an en dash, pasted from a document
    ],
)
def test_a_bank_code_with_its_check_digit(value, formatted):
    assert verdict_of(value) == (False, "", formatted, False)


@pytest.mark.parametrize(
    ("value", "formatted"),
    [("341-8", "341-7"), ("001-1", "001-9"), ("237-X", "237-2"), ("237-0", "237-2")],
)
def test_a_wrong_check_digit_is_refused_with_the_right_one(value, formatted):
    invalid, reason, suggestion, _ = verdict_of(value)
    assert (invalid, reason, suggestion) == (True, "dígito verificador não confere", formatted)


def test_ten_is_written_either_way():
    """Which spelling of 10 a bank prints is the bank's own choice."""
    assert verdict_of("104-X")[:2] == (False, "")
    assert verdict_of("748-0")[:2] == (False, "")


# 998-9: 9*4 + 9*3 + 8*2 = 79; 79 % 11 = 2; 11 - 2 = 9
@pytest.mark.parametrize("value", ["999", "998-9", "2"])
def test_a_code_not_in_the_banco_central_list_is_warned(value):
    invalid, _, _, warned = verdict_of(value)
    assert not invalid
    assert warned


def test_the_warning_code():
    verdict = check_bank(pd.Series(["999", "341", None, "000"], dtype="str"))
    assert verdict.warning_code == "bank.unknown"
    assert verdict.warned.tolist() == [True, False, False, False]


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("001", "BCO DO BRASIL S.A."),
        ("1", "BCO DO BRASIL S.A."),
        ("104", "CAIXA ECONOMICA FEDERAL"),
        ("237", "BCO BRADESCO S.A."),
        ("260", "NU PAGAMENTOS - IP"),
        ("341", "ITAÚ UNIBANCO S.A."),
        ("999", None),
    ],
)
def test_names_from_the_list(code, name):
    assert bank_name(code) == name
