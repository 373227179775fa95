"""CNPJ, the company number, numeric or alphanumeric (IN RFB 2.229/2024): 12 characters 0-9 or
A-Z and two check digits modulo 11 over the characters' values (ASCII code - 48)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from retaguarda.validators.identifiers.fixed import (
    Spec,
    check_digits_match,
    check_fixed,
    dv_codes,
    weighted,
)
from retaguarda.validators.identifiers.text import UPPER_TABLE, Text, clean
from retaguarda.validators.identifiers.verdict import (
    ALPHANUMERIC,
    CHECK_DIGITS,
    ZEROS,
    Family,
    Reason,
    Verdict,
    verdict,
)

_CNPJ_WEIGHTS = ((5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2), (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2))

LENGTH = {Reason.LENGTH: ("deve ter 14 caracteres", "must have 14 characters")}
FAMILY = Family("cnpj", {**LENGTH, **ALPHANUMERIC, **ZEROS, **CHECK_DIGITS}, alphanumeric=True)

_CNPJ_RE = re.compile("[0-9A-Z]{12}[0-9]{2}")
_CNPJ_BASE_RE = re.compile("[0-9A-Z]{12}")


def cnpj_check_digits(first12: str) -> str:
    """The two check digits of a CNPJ whose first 12 characters are `first12` (0-9, A-Z)."""
    base = first12.translate(UPPER_TABLE)
    if not _CNPJ_BASE_RE.fullmatch(base):
        raise ValueError(f"the base of a CNPJ has 12 characters 0-9 or A-Z, got {first12!r}")
    values = [ord(c) - 48 for c in base]
    values.append(weighted(values, _CNPJ_WEIGHTS[0]))
    values.append(weighted(values, _CNPJ_WEIGHTS[1]))
    return f"{values[12]}{values[13]}"


def is_cnpj(s: str) -> bool:
    c = clean(s)
    return (
        _CNPJ_RE.fullmatch(c) is not None and c != c[0] * 14 and cnpj_check_digits(c[:12]) == c[12:]
    )


def format_cnpj(s: str) -> str:
    c = clean(s)
    if not _CNPJ_RE.fullmatch(c):
        raise ValueError(f"a CNPJ has 12 characters 0-9 or A-Z and 2 digits, got {s!r}")
    return f"{c[:2]}.{c[2:5]}.{c[5:8]}/{c[8:12]}-{c[12:]}"


def verify_cnpj(matrix: np.ndarray) -> np.ndarray:
    code = dv_codes(matrix, check_digits_match(matrix, 12, *_CNPJ_WEIGHTS))
    code[(matrix[:, 12:] > ord("9")).any(axis=1)] = Reason.DV_CHARS
    return code


CNPJ = Spec(14, "##.###.###/####-##", verify_cnpj, alphanumeric=True)


def check_cnpj(values: pd.Series) -> Verdict:
    """Numeric and alphanumeric CNPJs alike: a numeric one is an alphanumeric one whose
    characters happen to be digits, under the same check-digit rule."""
    return verdict(values, check_fixed(Text.of(values), CNPJ), FAMILY)
