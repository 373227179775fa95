"""Identifiers as they reach a sheet from other programs: numbers exported as text, floats,
dashes and spaces pasted from Word or a PDF, digits of other scripts, a number that is both a
CPF and a CNPJ.

Every valid value here has its check digits worked out in a comment, by the Receita's rule:
each digit times its weight, summed; remainder r of the sum by 11; the digit is 0 when r < 2,
else 11 - r.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from retaguarda.validators.identifiers import (
    check_bank,
    check_cep,
    check_cnpj,
    check_cpf,
    check_cpf_cnpj,
    check_ncm,
    check_pis,
    check_pix,
    is_cnpj,
    is_cpf,
    is_pix,
)


def verdict_of(check, values) -> tuple[bool, str, str | None]:
    series = values if isinstance(values, pd.Series) else pd.Series([values], dtype="str")
    verdict = check(series)
    formatted = verdict.formatted.iloc[0]
    return bool(verdict.invalid[0]), verdict.reason[0], None if pd.isna(formatted) else formatted


# 027.478.595-17: first digit, weights 10..2 over 0 2 7 4 7 8 5 9 5:
#   0 + 18 + 56 + 28 + 42 + 40 + 20 + 27 + 10 = 241; 241 % 11 = 10 -> 11 - 10 = 1
# second digit, weights 11..2 over 0 2 7 4 7 8 5 9 5 1:
#   0 + 20 + 63 + 32 + 49 + 48 + 25 + 36 + 15 + 2 = 290; 290 % 11 = 4 -> 11 - 4 = 7
CPF_WITH_ZERO = "027.478.595-17"


@pytest.mark.parametrize("text", ["2747859517.0", "2747859517,00", " 2747859517.0 "])
def test_a_number_exported_as_text_keeps_its_digits(text):
    """The ".0" is not a digit: read as 274.785.951-70 it shifts every digit by one place."""
    assert verdict_of(check_cpf, text) == (True, "faltam zeros à esquerda", CPF_WITH_ZERO)
    assert not is_cpf(text)


def test_check_digits_00_after_a_dot_stay_check_digits():
    """100.000.037-00 typed with a dot before its check digits is no number with two decimals.

    Weights 10..2 over 1 0 0 0 0 0 0 3 7: 10 + 9 + 14 = 33, 33 % 11 = 0, digit 0; weights
    11..2 over 1 0 0 0 0 0 0 3 7 0: 11 + 12 + 21 = 44, 44 % 11 = 0, digit 0.
    """
    assert verdict_of(check_cpf, "100000037.00") == (False, "", "100.000.037-00")
    assert is_cpf("100000037.00")


def test_a_float_column_is_read_as_the_numbers_it_holds():
    cpf = check_cpf(pd.Series([2747859517.0, np.nan]))
    assert cpf.invalid.tolist() == [True, False]
    assert cpf.formatted.iloc[0] == CPF_WITH_ZERO
    bank = check_bank(pd.Series([1.0, 33.0, 237.0]))
    assert not bank.invalid.any()
    assert bank.formatted.tolist() == ["001", "033", "237"]


def test_a_fraction_is_not_an_identifier():
    """1.5 is not bank 015: refused, saying which character is in the way."""
    invalid, reason, _ = verdict_of(check_bank, pd.Series([1.5]))
    assert invalid
    assert "“,”" in reason


def test_integers_of_any_numpy_type():
    values = pd.Series([np.int64(52998224725), np.int32(237)], dtype=object)
    assert check_cpf(values.iloc[:1]).invalid.tolist() == [False]
    assert check_bank(values.iloc[1:]).formatted.tolist() == ["237"]


@pytest.mark.parametrize(
    "text",
    [
        "529\u2013982\u2013247\u201325",  # en dashes (Word's autocorrect)
        "529.982.247\u201425",  # em dash
        "529.982.247\u221225",  # minus sign
        "529.982.247\u201025",  # hyphen
        "529.982.247\u201125",  # non-breaking hyphen
        "529.982.247\u201225",  # figure dash
        "529.982.247\u201525",  # horizontal bar
        "529\u2009982\u2009247-25",  # thin spaces
        "529\u202f982\u202f247-25",  # narrow no-break spaces (PDFs)
        "529\u2007982\u2007247-25",  # figure spaces
        "\u00a0529.982.247-25\u202f",
    ],
)
def test_dashes_and_spaces_from_word_and_pdfs(text):
    assert verdict_of(check_cpf, text) == (False, "", "529.982.247-25")
    assert is_cpf(text)


def test_dashes_in_a_cnpj_and_a_pis():
    assert verdict_of(check_cnpj, "11.222.333/0001\u201381") == (False, "", "11.222.333/0001-81")
    assert is_cnpj("11\u2009222\u2009333/0001\u201481")
    # PIS 170.33259.50-4: weights 3 2 9 8 7 6 5 4 3 2 over 1 7 0 3 3 2 5 9 5 0:
    # 3 + 14 + 0 + 24 + 21 + 12 + 25 + 36 + 15 + 0 = 150; 150 % 11 = 7 -> 11 - 7 = 4
    assert verdict_of(check_pis, "170.33259.50\u20134")[:2] == (False, "")


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("529.982.247-2\u0665", "U+0665 ARABIC-INDIC DIGIT FIVE"),
        ("\uff15\uff12\uff19.982.247-25", "U+FF15 FULLWIDTH DIGIT FIVE"),
        ("529.982.247-2\u0be9", "U+0BE9 TAMIL DIGIT THREE"),
        ("529.982.247-2X", "“X”"),
    ],
)
def test_other_digits_are_refused_naming_the_character(text, named):
    invalid, reason, _ = verdict_of(check_cpf, text)
    assert invalid
    assert named in reason
    assert "não é um dígito" in reason
    assert not is_cpf(text)


def test_the_english_reason_names_the_character_too():
    verdict = check_cnpj(pd.Series(["11.222.333/0001-8\u0661"]))
    assert "U+0661 ARABIC-INDIC DIGIT ONE" in verdict.reason_en[0]
    assert "U+0661 ARABIC-INDIC DIGIT ONE" in verdict.reason[0]


def test_a_control_character_is_named_not_copied():
    _, reason, _ = verdict_of(check_cpf, "529.982.247-2\x1b5")
    assert "U+001B" in reason
    assert "\x1b" not in reason


# 00.000.000/0001-91 (Banco do Brasil): weights 5 4 3 2 9 8 7 6 5 4 3 2 over 0..0 0 0 0 1:
#   2; 2 % 11 = 2 -> 9; then weights 6 5 4 3 2 9 8 7 6 5 4 3 2 over 0..0 0 0 0 1 9:
#   3 + 18 = 21; 21 % 11 = 10 -> 1
# 000.000.001-91: weights 10..2 over 0..0 1: 2; 2 % 11 = 2 -> 9; then 11..2 over 0..0 1 9:
#   3 + 18 = 21 -> 1. Both readings of the number 191 are valid.
def test_a_number_that_is_both_a_cpf_and_a_cnpj_is_read_as_a_cpf_and_warned():
    verdict = check_cpf_cnpj(pd.Series(["00000000191", "52998224725", "000.000.001-91"]))
    assert verdict.invalid.tolist() == [False, False, False]
    assert verdict.formatted.tolist() == ["000.000.001-91", "529.982.247-25", "000.000.001-91"]
    # typed in the CPF's layout it is a CPF; bare digits with lost zeros may be either
    assert verdict.warned.tolist() == [True, False, False]
    assert verdict.warning_code == "cpf_cnpj.ambiguous"
    assert verdict.warning_suggestion.iloc[0] == "00.000.000/0001-91"


def test_dashes_and_spaces_in_other_identifiers():
    assert verdict_of(check_pix, "+55 (11) 98765\u20134321") == (False, "", "+5511987654321")
    assert is_pix("+55\u2009(11)\u200998765\u20134321")
    assert verdict_of(check_cep, "01310\u2013100") == (False, "", "01310-100")
    assert verdict_of(check_ncm, "8471\u202f30\u202f12") == (False, "", "8471.30.12")
