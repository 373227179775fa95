"""CEP, the postal code: 8 digits ("01310-100"); none starts with 00."""

from __future__ import annotations

import pandas as pd

from retaguarda.validators.identifiers.fixed import Spec, check_fixed, verify_two_digit_prefix
from retaguarda.validators.identifiers.text import Text
from retaguarda.validators.identifiers.verdict import CHARS, ZEROS, Family, Reason, Verdict, verdict

FAMILY = Family(
    "cep",
    {
        Reason.LENGTH: ("deve ter 8 dígitos", "must have 8 digits"),
        **CHARS,
        **ZEROS,
        Reason.RANGE: ("não existe CEP começando com 00", "no CEP starts with 00"),
    },
)
CEP = Spec(8, "#####-###", verify_two_digit_prefix)


def check_cep(values: pd.Series) -> Verdict:
    return verdict(values, check_fixed(Text.of(values), CEP), FAMILY)
