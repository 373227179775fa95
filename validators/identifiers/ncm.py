"""NCM, the Mercosur goods classification: 8 digits ("8471.30.12"); chapters start at 01."""

from __future__ import annotations

import pandas as pd

from retaguarda.validators.identifiers.fixed import Spec, check_fixed, verify_two_digit_prefix
from retaguarda.validators.identifiers.text import Text
from retaguarda.validators.identifiers.verdict import CHARS, ZEROS, Family, Reason, Verdict, verdict

FAMILY = Family(
    "ncm",
    {
        Reason.LENGTH: ("deve ter 8 dígitos", "must have 8 digits"),
        **CHARS,
        **ZEROS,
        Reason.RANGE: ("não existe o capítulo 00", "there is no chapter 00"),
    },
)
NCM = Spec(8, "####.##.##", verify_two_digit_prefix)


def check_ncm(values: pd.Series) -> Verdict:
    return verdict(values, check_fixed(Text.of(values), NCM), FAMILY)
