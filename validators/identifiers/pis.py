"""PIS/PASEP/NIT, the worker's social security number: 10 digits and a check digit modulo 11."""

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

_PIS_WEIGHTS = (3, 2, 9, 8, 7, 6, 5, 4, 3, 2)

FAMILY = Family(
    "pis",
    {
        Reason.LENGTH: ("deve ter 11 dígitos", "must have 11 digits"),
        **CHARS,
        **ZEROS,
        **CHECK_DIGITS,
        Reason.DV: ("dígito verificador não confere", "check digit does not match"),
    },
)


def pis_check_digit(first10: str) -> str:
    """The check digit of a PIS/PASEP/NIT whose first 10 digits are `first10`."""
    if not is_digits(first10, 10):
        raise ValueError(f"the base of a PIS has 10 digits, got {first10!r}")
    return str(weighted([int(c) for c in first10], _PIS_WEIGHTS))


def is_pis(s: str) -> bool:
    d = clean(s)
    return is_digits(d, 11) and d != d[0] * 11 and pis_check_digit(d[:10]) == d[10]


def _verify_pis(matrix: np.ndarray) -> np.ndarray:
    return dv_codes(matrix, check_digits_match(matrix, 10, _PIS_WEIGHTS))


PIS = Spec(11, "###.#####.##-#", _verify_pis)


def check_pis(values: pd.Series) -> Verdict:
    return verdict(values, check_fixed(Text.of(values), PIS), FAMILY)
