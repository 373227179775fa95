"""CPF, the individual taxpayer number: 11 digits, the last two check digits modulo 11."""

from __future__ import annotations

import numpy as np
import pandas as pd

from retaguarda.validators.identifiers.fixed import (
    Spec,
    check_digits_match,
    check_fixed,
    dv_codes,
    weighted,
)
from retaguarda.validators.identifiers.text import Text, clean, is_digits
from retaguarda.validators.identifiers.verdict import (
    CHARS,
    CHECK_DIGITS,
    ZEROS,
    Family,
    Reason,
    Verdict,
    verdict,
)

_CPF_WEIGHTS = (tuple(range(10, 1, -1)), tuple(range(11, 1, -1)))

LENGTH = {Reason.LENGTH: ("deve ter 11 dígitos", "must have 11 digits")}
FAMILY = Family("cpf", {**LENGTH, **CHARS, **ZEROS, **CHECK_DIGITS})


def cpf_check_digits(first9: str) -> str:
    """The two check digits that make a valid CPF of `first9` (for generating sample data)."""
    if not is_digits(first9, 9):
        raise ValueError(f"the base of a CPF has 9 digits, got {first9!r}")
    values = [int(c) for c in first9]
    values.append(weighted(values, _CPF_WEIGHTS[0]))
    values.append(weighted(values, _CPF_WEIGHTS[1]))
    return f"{values[9]}{values[10]}"


def is_cpf(s: str) -> bool:
    d = clean(s)
    return is_digits(d, 11) and d != d[0] * 11 and cpf_check_digits(d[:9]) == d[9:]


def format_cpf(s: str) -> str:
    d = clean(s)
    if not is_digits(d, 11):
        raise ValueError(f"a CPF has 11 digits, got {s!r}")
    return f"{d[:3]}.{d[3:6]}.{d[6:9]}-{d[9:]}"


def _verify_cpf(matrix: np.ndarray) -> np.ndarray:
    return dv_codes(matrix, check_digits_match(matrix, 9, *_CPF_WEIGHTS))


CPF = Spec(11, "###.###.###-##", _verify_cpf)


def check_cpf(values: pd.Series) -> Verdict:
    return verdict(values, check_fixed(Text.of(values), CPF), FAMILY)
