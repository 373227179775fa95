"""What an identifier check finds over a column: a `Verdict`, and the codes that say why.

A check computes, for each row, a `Reason` (length, a character, lost zeros, repeated digits,
check digits...). The reason is the suffix of the row's issue code (`cnpj.check_digit`), and the
check's `Family` keeps the older, broader code (`cnpj.invalid`) that they all refine, so that a
caller may filter by either (`validators.codes.code_matches`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
import pandas as pd
import pyarrow as pa

from retaguarda.validators.identifiers.text import PUNCTUATION, not_allowed


@dataclass(frozen=True)
class Verdict:
    """The finding of one identifier check over a column, row by row.

    `formatted` is the canonical spelling where the value can be spelled so (also for some
    invalid values: the right length with wrong check digits), and the suggestion to show when
    the row is invalid: for a value missing its leading zeros it is the padded, valid value.
    """

    invalid: np.ndarray
    reason: np.ndarray
    reason_en: np.ndarray
    formatted: pd.Series
    #: rows that pass but deserve a look (a bank code missing from the Banco Central's list, a
    #: number that is a valid CPF and a valid CNPJ): issues of `warning_code`, suggesting
    #: `warning_suggestion` (the other reading, the list's name of the bank)
    warned: np.ndarray | None = None
    warning_code: str = ""
    warning_suggestion: pd.Series | None = None
    #: the issue code of each invalid row, naming its reason (`cnpj.check_digit`); "" elsewhere.
    #: Categorical: a million rows cost a million bytes, not a million object pointers.
    codes: pd.Categorical | None = None


class Reason(IntEnum):
    """Why a value is invalid; `OK` also for empty cells, which are not this rule's business."""

    OK = 0
    LENGTH = 1
    CHARS = 2
    ZEROS = 3
    SAME = 4
    DV = 5
    DV_CHARS = 6
    RANGE = 7
    NOT_A_KEY = 8
    EMAIL = 9
    EMAIL_LONG = 10
    EVP_HYPHENS = 11
    PHONE_COUNTRY = 12
    PHONE_NUMBER = 13
    PHONE_PREFIX = 14
    CPF_OR_PHONE = 15
    BANK_DV = 16


#: The suffix of the issue code of each reason (`cnpj.check_digit`); stable, like the codes.
SUFFIXES: Mapping[Reason, str] = {
    Reason.LENGTH: "length",
    Reason.CHARS: "character",
    Reason.ZEROS: "lost_zeros",
    Reason.SAME: "repeated_digits",
    Reason.DV: "check_digit",
    Reason.DV_CHARS: "check_digit_letter",
    Reason.RANGE: "range",
    Reason.NOT_A_KEY: "not_a_key",
    Reason.EMAIL: "email",
    Reason.EMAIL_LONG: "email_length",
    Reason.EVP_HYPHENS: "random_key_hyphens",
    Reason.PHONE_COUNTRY: "phone_country",
    Reason.PHONE_NUMBER: "phone_number",
    Reason.PHONE_PREFIX: "phone_prefix",
    Reason.CPF_OR_PHONE: "cpf_or_phone",
    Reason.BANK_DV: "check_digit",
}

Messages = Mapping[Reason, tuple[str, str]]

CHARS: Messages = {
    Reason.CHARS: (
        "contém caracteres que não são dígitos",
        "contains characters that are not digits",
    ),
}
ZEROS: Messages = {Reason.ZEROS: ("faltam zeros à esquerda", "leading zeros are missing")}
CHECK_DIGITS: Messages = {
    Reason.SAME: ("todos os dígitos iguais", "all digits are the same"),
    Reason.DV: ("dígitos verificadores não conferem", "check digits do not match"),
}
ALPHANUMERIC: Messages = {
    Reason.CHARS: (
        "contém caracteres que não são letras nem dígitos",
        "contains characters other than letters and digits",
    ),
    Reason.DV_CHARS: (
        "os 2 últimos caracteres (dígitos verificadores) devem ser números",
        "the last 2 characters (check digits) must be numbers",
    ),
}


@dataclass(frozen=True)
class Family:
    """The issue codes of one identifier check: `<prefix>.<suffix>` for each reason it gives
    (`messages` holds exactly those, with their text), all refining the code `<prefix>.invalid`.
    """

    prefix: str
    messages: Messages
    #: whether letters are the value's own characters (alphanumeric CNPJ), not offending ones
    alphanumeric: bool = False
    #: the code of the rows that pass but deserve a look
    warning_code: str = ""
    suffixes: Mapping[Reason, str] = field(default_factory=lambda: SUFFIXES)

    @property
    def code(self) -> str:
        """The family code, which every code of the family refines (`cnpj.invalid`)."""
        return f"{self.prefix}.invalid"

    def code_of(self, reason: Reason) -> str:
        return f"{self.prefix}.{self.suffixes[reason]}"

    def codes(self) -> list[str]:
        """Every code this check can give an invalid row, in the order of its reasons."""
        return list(dict.fromkeys(self.code_of(reason) for reason in self.messages))

    def every_code(self) -> tuple[str, ...]:
        """What a caller may see of this check: the family code, the codes of its reasons and
        its warning (what a template check declares in its `codes`)."""
        return (self.code, *self.codes(), *filter(None, [self.warning_code]))


@dataclass(frozen=True)
class Result:
    code: np.ndarray
    formatted: pa.Array
    #: the cells as read (trimmed), to name an offending character, and what is no offence
    text: pa.Array | None = None
    punctuation: str = PUNCTUATION
    warned: np.ndarray | None = None
    suggestion: pa.Array | None = None


def verdict(values: pd.Series, result: Result, family: Family) -> Verdict:
    messages = family.messages
    pt = np.array([messages.get(r, ("", ""))[0] for r in Reason], dtype=object)
    en = np.array([messages.get(r, ("", ""))[1] for r in Reason], dtype=object)
    names = [family.code_of(r) if r in messages else "" for r in Reason]
    categories = list(dict.fromkeys(names))
    category = np.array([categories.index(name) for name in names], dtype=np.int8)
    reason, reason_en = pt[result.code], en[result.code]
    chars = np.flatnonzero(result.code == Reason.CHARS)
    if len(chars) and result.text is not None:  # the cost follows the findings
        named: dict[str, tuple[str, str] | None] = {}
        for row, text in zip(chars, result.text.take(pa.array(chars)).to_pylist(), strict=True):
            if text not in named:
                named[text] = not_allowed(text, family.alphanumeric, result.punctuation)
            if named[text] is not None:
                reason[row], reason_en[row] = named[text]
    suggestion = None
    if result.suggestion is not None:
        suggestion = _series(result.suggestion, values)
    return Verdict(
        invalid=result.code != Reason.OK,
        reason=reason,
        reason_en=reason_en,
        formatted=_series(result.formatted, values),
        warned=np.zeros(len(values), dtype=bool) if result.warned is None else result.warned,
        warning_code=family.warning_code,
        warning_suggestion=suggestion,
        codes=pd.Categorical.from_codes(category[result.code], categories=categories),
    )


def _series(text: pa.Array, like: pd.Series) -> pd.Series:
    strings = pd.arrays.ArrowStringArray(text.cast(pa.large_string()))
    return pd.Series(strings, index=like.index, name=like.name)
