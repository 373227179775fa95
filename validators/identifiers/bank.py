"""Bank codes (COMPE, with the check digit boletos print), agências and contas."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from retaguarda.validators.identifiers.fixed import Spec, check_fixed
from retaguarda.validators.identifiers.text import (
    DASHES,
    WHITESPACE,
    Text,
    clean,
    contains,
    is_digits,
    large,
    matches,
    matrix_strings,
    scatter,
    strip_chars,
    utf8_bytes,
)
from retaguarda.validators.identifiers.verdict import (
    CHARS,
    SUFFIXES,
    Family,
    Reason,
    Result,
    Verdict,
    verdict,
)

FAMILY = Family(
    "bank",
    {
        Reason.LENGTH: ("deve ter de 1 a 3 dígitos", "must have 1 to 3 digits"),
        **CHARS,
        Reason.RANGE: ("o código 000 não existe", "there is no code 000"),
        Reason.BANK_DV: ("dígito verificador não confere", "check digit does not match"),
    },
    warning_code="bank.unknown",
)
#: agência and conta are checked for their shape only, so a wrong length is a wrong format
_FORMAT = {**SUFFIXES, Reason.LENGTH: "format"}
AGENCY_FAMILY = Family(
    "agency",
    {
        Reason.LENGTH: (
            "deve ter de 1 a 4 dígitos, e o dígito verificador depois de um hífen",
            "must have 1 to 4 digits, and the check digit after a hyphen",
        ),
        **CHARS,
    },
    suffixes=_FORMAT,
)
ACCOUNT_FAMILY = Family(
    "bank_account",
    {
        Reason.LENGTH: (
            "só dígitos, e o dígito verificador depois de um hífen",
            "digits only, and the check digit after a hyphen",
        ),
        **CHARS,
    },
    suffixes=_FORMAT,
)


def _verify_bank(matrix: np.ndarray) -> np.ndarray:
    return np.where((matrix == ord("0")).all(axis=1), Reason.RANGE, Reason.OK)


BANK = Spec(3, "###", _verify_bank, short_ok=True)

#: A COMPE code and the check digit boletos print after it ("341-7", Sicredi's "748-X").
_BANK_WITH_DV = "(?P<code>[0-9]{1,3})[-" + DASHES + "](?P<dv>[0-9Xx])"
_BANK_LIST = Path(__file__).parents[1] / "data" / "bancos_str.json"


@cache
def _banks() -> dict[str, str]:
    """COMPE code → short name, from the Banco Central's list of STR participants (source and
    date in the file); read once, the first time a bank code is checked."""
    listed = json.loads(_BANK_LIST.read_text(encoding="utf-8"))
    return {code: name for code, _ispb, name in listed["banks"]}


def _bank_check_digits(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(written, also accepted) check digits of 3-digit codes, as ASCII: modulo 11 with weights
    4, 3, 2; 11 is written 0, and 10 either X (Sicredi, 748-X) or 0 (Caixa, 104-0), as each
    bank prints it."""
    total = (matrix.astype(np.int16) - ord("0")) @ np.array([4, 3, 2], dtype=np.int16)
    digit = 11 - total % 11
    written = np.where(digit == 10, ord("X"), np.where(digit == 11, ord("0"), digit + ord("0")))
    return written.astype(np.uint8), np.where(digit == 10, ord("0"), written).astype(np.uint8)


def _check_bank(text: Text) -> Result:
    # "341-7" is 3 to 8 bytes long (a dash from Word takes 3) and has a dash: only such
    # cells go through the pattern
    dashed = contains(text.trimmed, "-") | (utf8_bytes(text.trimmed) == 0xE2).any()
    dashed = np.flatnonzero(dashed & (text.size >= 3) & (text.size <= 8))
    with_dv = dashed[matches(text.trimmed.take(pa.array(dashed)), _BANK_WITH_DV)]
    dv = None
    if len(with_dv):
        parts = pc.extract_regex(text.trimmed.take(pa.array(with_dv)), f"^{_BANK_WITH_DV}$")
        where = np.arange(len(text))
        where[with_dv] = len(text) + np.arange(len(with_dv))
        text = Text(pa.concat_arrays([text.trimmed, parts.field("code")]).take(pa.array(where)))
        dv = utf8_bytes(pc.ascii_upper(parts.field("dv")))
    found = check_fixed(text, BANK)
    code, formatted = found.code, found.formatted
    if dv is not None:
        rows = with_dv[code[with_dv] == Reason.OK]
        matrix = text.matrix(rows, 3)
        given = dv[code[with_dv] == Reason.OK]
        written, also = _bank_check_digits(matrix)
        wrong = (given != written) & (given != also)
        code[rows[wrong]] = Reason.BANK_DV
        spelled = np.concatenate(
            [matrix, np.full((len(rows), 1), ord("-")), np.where(wrong, written, given)[:, None]],
            axis=1,
        ).astype(np.uint8)
        spelled_rows = np.zeros(len(text), dtype=bool)
        spelled_rows[rows] = True
        formatted = pc.if_else(
            pa.array(spelled_rows), scatter(len(text), [(rows, matrix_strings(spelled))]), formatted
        )
    valid = (code == Reason.OK) & text.present
    return Result(code, formatted, text.trimmed, warned=_unlisted(formatted, valid))


def _unlisted(formatted: pa.Array, valid: np.ndarray) -> np.ndarray:
    """Valid codes ("341", "341-7") that the Banco Central's list does not have, by a look-up
    table of the 1,000 possible codes on the first three bytes of each."""
    unlisted = np.zeros(len(valid), dtype=bool)
    rows = np.flatnonzero(valid)
    if len(rows) == 0:
        return unlisted
    formatted = large(formatted)
    offsets = np.frombuffer(formatted.buffers()[1], dtype=np.int64)[formatted.offset :]
    start = offsets[rows] - offsets[0]
    data = utf8_bytes(formatted)
    digits = [data[start + k].astype(np.int64) - ord("0") for k in range(3)]
    unlisted[rows] = ~_listed()[digits[0] * 100 + digits[1] * 10 + digits[2]]
    return unlisted


@cache
def _listed() -> np.ndarray:
    listed = np.zeros(1000, dtype=bool)
    listed[[int(code) for code in _banks()]] = True
    return listed


#: Agência: up to 4 digits, then maybe its check digit; conta: digits, then maybe its check
#: digit. X stands for a check digit of ten. Each bank computes its own digits (modulo 10 or
#: 11, weights of its own), so the format is all that can be checked for every bank.
_AGENCY = "[0-9]{1,4}(?:-[0-9Xx])?"
_ACCOUNT = "[0-9]{1,20}(?:-[0-9Xx])?"


def _ascii_dashes(array: pa.Array) -> pa.Array:
    """Word's and PDFs' dashes as "-" (all of them start with the byte 0xE2 in UTF-8)."""
    if (utf8_bytes(array) == 0xE2).any():
        for dash in DASHES:
            array = pc.replace_substring(array, dash, "-")
    return array


def _check_format(text: Text, pattern: str, ignored: str) -> Result:
    """Cells that fit `pattern` once the `ignored` characters are dropped; the others are
    wrongly shaped, or hold a character that has no place there at all (named)."""
    shape = _ascii_dashes(strip_chars(text.trimmed, ignored))
    wrong = text.present & ~matches(shape, pattern)
    chars = wrong & ~matches(text.trimmed, f"[0-9Xx{ignored}{DASHES}\\-]*")
    code = np.where(chars, Reason.CHARS, np.where(wrong, Reason.LENGTH, Reason.OK)).astype(np.int8)
    formatted = pc.if_else(pa.array(text.present & ~wrong), pc.ascii_upper(shape), None)
    return Result(code, formatted, text.trimmed, punctuation=ignored + DASHES + "-Xx")


def check_bank(values: pd.Series) -> Verdict:
    """COMPE codes are written with 3 digits, but "1" for Banco do Brasil is common and clear,
    so a shorter code is valid and only its spelling is corrected. Boletos print the code with
    its check digit ("341-7"), which is accepted and verified. A code missing from the Banco
    Central's list is warned (`bank.unknown`), not refused: the list shipped here is a snapshot
    and institutions join it every few weeks."""
    return verdict(values, _check_bank(Text.of(values)), FAMILY)


def check_agency(values: pd.Series) -> Verdict:
    """A bank branch: 1 to 4 digits, maybe "-" and its check digit ("1234-5", "3064-X")."""
    return verdict(values, _check_format(Text.of(values), _AGENCY, WHITESPACE), AGENCY_FAMILY)


def check_bank_account(values: pd.Series) -> Verdict:
    """A bank account: digits (dots between them allowed), maybe "-" and its check digit."""
    found = _check_format(Text.of(values), _ACCOUNT, WHITESPACE + ".")
    return verdict(values, found, ACCOUNT_FAMILY)


def bank_name(code: str) -> str | None:
    """The Banco Central's short name of a COMPE code ("341" or "1"); None if not listed."""
    digits = clean(code)
    return _banks().get(digits.zfill(3)) if is_digits(digits, len(digits)) else None
