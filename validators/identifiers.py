"""Brazilian identifiers: CPF, CNPJ (numeric and alphanumeric), PIS, CEP, NCM, PIX keys, banks.

Two faces of the same rules. The `check_*` functions take a whole column and work on the bytes
of its Arrow buffers with numpy, because a consolidated sheet can hold a million rows and a loop
per row would take seconds; each returns a `Verdict` (which rows are wrong, why, and the value
the user probably meant). The `is_*`, `format_*` and `*_check_digits` functions are plain Python
for spreadsheet functions, which are called once per cell, and for the sample-data generator.
A test holds the two faces to the same answers.

Input is what people type: punctuation (". - /" and spaces, also the dashes and spaces that
Word, PDFs and web pages paste) is ignored, letters are upper-cased (the alphanumeric CNPJ of
IN RFB 2.229/2024 may be typed in lower case). Digits of other scripts (Arabic-Indic, fullwidth)
are refused, naming the character, since nobody means them. Excel drops the leading zeros of a
number typed into a cell that is not formatted as text, so a value that becomes valid once
padded with zeros is flagged with the padded value as the suggestion, rather than as merely too
short; and a number exported as text by another program ("2747859517.0") is that number, its
".0" no digit of the identifier.
"""

from __future__ import annotations

import json
import operator
import re
import string
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import IntEnum
from functools import cache, cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from retaguarda.validators import fields

#: Spaces other programs put in numbers: no-break (Excel, web pages), the typographic spaces
#: U+2000 to U+200A (thin, figure...), narrow no-break (PDFs), zero width, and the BOM.
_SPACES = "\xa0" + "".join(map(chr, range(0x2000, 0x200C))) + "\u202f\u205f\u3000\ufeff"
#: Word's autocorrect and PDFs turn "-" into these: hyphen, non-breaking hyphen, figure dash,
#: en dash, em dash, horizontal bar, minus sign.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
#: What `strip()` means here: ASCII whitespace and the spaces above.
_WHITESPACE = "\t\n\v\f\r " + _SPACES
#: Typed between the characters of an identifier for readability; never part of its value.
_PUNCTUATION = _WHITESPACE + "./-" + _DASHES
#: Typed in a phone number: "+55 (11) 98765-4321".
_PHONE_PUNCTUATION = _WHITESPACE + "().-" + _DASHES
#: A number written by a program that prints floats ("2747859517.0") or two decimals in the
#: Brazilian way ("2747859517,00"). Not ".00": a CPF's check digits may be 00, typed after a
#: dot ("123456789.00").
_ZERO_FRACTION = "([0-9]+)(?:[.,]0|,00)"

#: Area codes (DDD) in use, from ANATEL's numbering plan.
_DDD = "1[1-9]|2[12478]|3[1-578]|4[1-9]|5[1345]|6[1-9]|7[134579]|8[1-9]|9[1-9]"
#: DDD then the subscriber number: mobiles have 9 digits starting with 9, landlines 8 digits
#: starting with 2 to 5 (an 8-digit mobile is one that lacks the ninth digit added in 2016).
_NATIONAL = "(?:" + _DDD + ")(?:9[0-9]{8}|[2-5][0-9]{7})"
#: The syntax of the DICT (the Central Bank's directory of PIX keys), with upper case allowed
#: and at least one dot in the domain.
_EMAIL = (
    r"[A-Za-z0-9.!#$&'*+/=?^_`{|}~-]+@"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"
)
_EMAIL_MAX = 77
_EVP = "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"
_HEX32 = "[0-9A-Fa-f]{32}"
_EVP_LAYOUT = "########-####-####-####-############"

_CPF_WEIGHTS = (tuple(range(10, 1, -1)), tuple(range(11, 1, -1)))
_CNPJ_WEIGHTS = ((5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2), (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2))
_PIS_WEIGHTS = (3, 2, 9, 8, 7, 6, 5, 4, 3, 2)


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


class _R(IntEnum):
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


_Messages = Mapping[_R, tuple[str, str]]

_COMMON: _Messages = {
    _R.CHARS: ("contém caracteres que não são dígitos", "contains characters that are not digits"),
    _R.ZEROS: ("faltam zeros à esquerda", "leading zeros are missing"),
    _R.SAME: ("todos os dígitos iguais", "all digits are the same"),
    _R.DV: ("dígitos verificadores não conferem", "check digits do not match"),
}
_ALPHANUMERIC: _Messages = {
    _R.CHARS: (
        "contém caracteres que não são letras nem dígitos",
        "contains characters other than letters and digits",
    ),
    _R.DV_CHARS: (
        "os 2 últimos caracteres (dígitos verificadores) devem ser números",
        "the last 2 characters (check digits) must be numbers",
    ),
}
_CPF_MESSAGES = {**_COMMON, _R.LENGTH: ("deve ter 11 dígitos", "must have 11 digits")}
_CNPJ_MESSAGES = {
    **_COMMON,
    **_ALPHANUMERIC,
    _R.LENGTH: ("deve ter 14 caracteres", "must have 14 characters"),
}
_CPF_CNPJ_MESSAGES = {
    **_COMMON,
    **_ALPHANUMERIC,
    _R.LENGTH: (
        "deve ter 11 dígitos (CPF) ou 14 caracteres (CNPJ)",
        "must have 11 digits (CPF) or 14 characters (CNPJ)",
    ),
}
_PIS_MESSAGES = {
    **_CPF_MESSAGES,
    _R.DV: ("dígito verificador não confere", "check digit does not match"),
}
_CEP_MESSAGES = {
    **_COMMON,
    _R.LENGTH: ("deve ter 8 dígitos", "must have 8 digits"),
    _R.RANGE: ("não existe CEP começando com 00", "no CEP starts with 00"),
}
_NCM_MESSAGES = {
    **_COMMON,
    _R.LENGTH: ("deve ter 8 dígitos", "must have 8 digits"),
    _R.RANGE: ("não existe o capítulo 00", "there is no chapter 00"),
}
_AGENCY_MESSAGES = {
    _R.LENGTH: (
        "deve ter de 1 a 4 dígitos, e o dígito verificador depois de um hífen",
        "must have 1 to 4 digits, and the check digit after a hyphen",
    ),
}
_ACCOUNT_MESSAGES = {
    _R.LENGTH: (
        "só dígitos, e o dígito verificador depois de um hífen",
        "digits only, and the check digit after a hyphen",
    ),
}
_BANK_MESSAGES = {
    **_COMMON,
    _R.LENGTH: ("deve ter de 1 a 3 dígitos", "must have 1 to 3 digits"),
    _R.RANGE: ("o código 000 não existe", "there is no code 000"),
    _R.BANK_DV: ("dígito verificador não confere", "check digit does not match"),
}
_PIX_MESSAGES: _Messages = {
    _R.NOT_A_KEY: (
        "não é CPF, CNPJ, e-mail, telefone (+55) nem chave aleatória",
        "not a CPF, CNPJ, e-mail, phone (+55) or random key",
    ),
    _R.ZEROS: ("CPF/CNPJ sem os zeros à esquerda", "CPF/CNPJ without its leading zeros"),
    _R.SAME: ("CPF/CNPJ com todos os dígitos iguais", "CPF/CNPJ with all digits the same"),
    _R.DV: (
        "dígitos verificadores do CPF/CNPJ não conferem",
        "the CPF/CNPJ check digits do not match",
    ),
    _R.DV_CHARS: (
        "os 2 últimos caracteres do CNPJ devem ser números",
        "the last 2 characters of the CNPJ must be numbers",
    ),
    _R.EMAIL: ("e-mail inválido", "invalid e-mail"),
    _R.EMAIL_LONG: (
        f"e-mail com mais de {_EMAIL_MAX} caracteres",
        f"e-mail longer than {_EMAIL_MAX} characters",
    ),
    _R.EVP_HYPHENS: ("chave aleatória sem os hífens", "random key without its hyphens"),
    _R.PHONE_COUNTRY: ("só telefones do Brasil (+55)", "only Brazilian phone numbers (+55)"),
    _R.PHONE_NUMBER: (
        "telefone inválido: +55, DDD e número (celular: 9 dígitos começando com 9)",
        "invalid phone: +55, area code and number (mobile: 9 digits starting with 9)",
    ),
    _R.PHONE_PREFIX: ("telefone sem o +55", "phone number without +55"),
    _R.CPF_OR_PHONE: (
        "não é um CPF válido; se for telefone, falta o +55",
        "not a valid CPF; if it is a phone number, +55 is missing",
    ),
}


# --- scalar API ----------------------------------------------------------------------------

#: Upper case for ASCII letters only, as Arrow's `ascii_upper`: str.upper() would turn "ı"
#: into "I" and let it into an alphanumeric CNPJ.
_UPPER_TABLE = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)
_CLEAN_TABLE = {**_UPPER_TABLE, **str.maketrans(dict.fromkeys(map(ord, _PUNCTUATION)))}
_PHONE_TABLE = str.maketrans(dict.fromkeys(map(ord, _PHONE_PUNCTUATION)))
_CNPJ_RE = re.compile("[0-9A-Z]{12}[0-9]{2}")
_CNPJ_BASE_RE = re.compile("[0-9A-Z]{12}")
_EMAIL_RE = re.compile(_EMAIL)
_EVP_RE = re.compile(_EVP)
_PHONE_RE = re.compile(r"\+55" + _NATIONAL)


_ZERO_FRACTION_RE = re.compile(_ZERO_FRACTION)


def _clean(s: str) -> str:
    t = s.strip(_WHITESPACE)
    number = _ZERO_FRACTION_RE.fullmatch(t)
    return (number.group(1) if number else t).translate(_CLEAN_TABLE)


def _is_digits(s: str, length: int) -> bool:
    return len(s) == length and s.isascii() and s.isdigit()


def _mod11(total: int) -> int:
    rest = total % 11
    return 0 if rest < 2 else 11 - rest


def _weighted(values: list[int], weights: tuple[int, ...]) -> int:
    return _mod11(sum(map(operator.mul, values, weights)))


def cpf_check_digits(first9: str) -> str:
    """The two check digits that make a valid CPF of `first9` (for generating sample data)."""
    if not _is_digits(first9, 9):
        raise ValueError(f"the base of a CPF has 9 digits, got {first9!r}")
    values = [int(c) for c in first9]
    values.append(_weighted(values, _CPF_WEIGHTS[0]))
    values.append(_weighted(values, _CPF_WEIGHTS[1]))
    return f"{values[9]}{values[10]}"


def cnpj_check_digits(first12: str) -> str:
    """The two check digits of a CNPJ whose first 12 characters are `first12` (0-9, A-Z)."""
    base = first12.translate(_UPPER_TABLE)
    if not _CNPJ_BASE_RE.fullmatch(base):
        raise ValueError(f"the base of a CNPJ has 12 characters 0-9 or A-Z, got {first12!r}")
    values = [ord(c) - 48 for c in base]
    values.append(_weighted(values, _CNPJ_WEIGHTS[0]))
    values.append(_weighted(values, _CNPJ_WEIGHTS[1]))
    return f"{values[12]}{values[13]}"


def pis_check_digit(first10: str) -> str:
    """The check digit of a PIS/PASEP/NIT whose first 10 digits are `first10`."""
    if not _is_digits(first10, 10):
        raise ValueError(f"the base of a PIS has 10 digits, got {first10!r}")
    return str(_weighted([int(c) for c in first10], _PIS_WEIGHTS))


def is_cpf(s: str) -> bool:
    d = _clean(s)
    return _is_digits(d, 11) and d != d[0] * 11 and cpf_check_digits(d[:9]) == d[9:]


def is_cnpj(s: str) -> bool:
    c = _clean(s)
    return (
        _CNPJ_RE.fullmatch(c) is not None and c != c[0] * 14 and cnpj_check_digits(c[:12]) == c[12:]
    )


def is_pis(s: str) -> bool:
    d = _clean(s)
    return _is_digits(d, 11) and d != d[0] * 11 and pis_check_digit(d[:10]) == d[10]


def is_pix(s: str) -> bool:
    """Whether `s` is a PIX key, by the same dispatch as `check_pix` (see there)."""
    t = s.strip(_WHITESPACE)
    if "@" in t:
        return len(t) <= _EMAIL_MAX and _EMAIL_RE.fullmatch(t) is not None
    if _EVP_RE.fullmatch(t):
        return True
    if t.startswith("+") or "(" in t:
        return _PHONE_RE.fullmatch(t.translate(_PHONE_TABLE)) is not None
    return is_cpf(t) or is_cnpj(t)


def format_cpf(s: str) -> str:
    d = _clean(s)
    if not _is_digits(d, 11):
        raise ValueError(f"a CPF has 11 digits, got {s!r}")
    return f"{d[:3]}.{d[3:6]}.{d[6:9]}-{d[9:]}"


def format_cnpj(s: str) -> str:
    c = _clean(s)
    if not _CNPJ_RE.fullmatch(c):
        raise ValueError(f"a CNPJ has 12 characters 0-9 or A-Z and 2 digits, got {s!r}")
    return f"{c[:2]}.{c[2:5]}.{c[5:8]}/{c[8:12]}-{c[12:]}"


# --- vectorized machinery ------------------------------------------------------------------


def _large(array: pa.Array) -> pa.Array:
    return array if pa.types.is_large_string(array.type) else array.cast(pa.large_string())


def _data(array: pa.Array) -> np.ndarray:
    """The bytes of the strings of a large_string `array`, end to end."""
    buffers = array.buffers()
    if buffers[2] is None:
        return np.empty(0, dtype=np.uint8)
    offsets = np.frombuffer(buffers[1], dtype=np.int64)
    first, last = offsets[array.offset], offsets[array.offset + len(array)]
    return np.frombuffer(buffers[2], dtype=np.uint8)[first:last]


def _bools(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return pc.fill_null(array, False).to_numpy(zero_copy_only=False)


def _lengths(array: pa.Array) -> np.ndarray:
    return pc.fill_null(pc.binary_length(array), 0).to_numpy(zero_copy_only=False)


def _contains(array: pa.Array, char: str) -> np.ndarray:
    if not (_data(array) == ord(char)).any():
        return np.zeros(len(array), dtype=bool)
    return _bools(pc.match_substring(array, char))


def _matches(array: pa.Array, pattern: str) -> np.ndarray:
    return _bools(pc.match_substring_regex(array, f"^(?:{pattern})$"))


def _strip(array: pa.Array, chars: str) -> pa.Array:
    """`array` without the characters `chars`.

    Arrow's regex replace is ten times slower than its plain replace, so each character is
    replaced on its own, and only when its first byte is in the data at all (which bytes are
    is counted once: the dashes and spaces of other scripts are many, and rare).
    """
    present = np.bincount(_data(array), minlength=256) > 0
    for char in chars:
        if present[char.encode()[0]]:
            array = pc.replace_substring(array, char, "")
    return array


class _Text:
    """A column ready for the checks: which cells are present, and (computed when asked for)
    their characters cleaned of punctuation and ASCII-upper-cased, as `_clean` does."""

    def __init__(self, raw: pa.Array) -> None:
        self.trimmed = _without_zero_fraction(pc.utf8_trim(_large(raw), characters=_WHITESPACE))
        self.size = _lengths(self.trimmed)
        self.present = self.size > 0

    @classmethod
    def of(cls, values: pd.Series) -> _Text:
        if not pd.api.types.is_string_dtype(values):
            values = _as_text(values)
        if getattr(values.dtype, "storage", None) != "pyarrow":
            values = values.astype(pd.StringDtype("pyarrow"))
        array = pa.array(values.array)
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        return cls(array)

    def __len__(self) -> int:
        return len(self.present)

    def subset(self, rows: np.ndarray) -> _Text:
        return _Text(self.trimmed.take(pa.array(rows)))

    @cached_property
    def clean(self) -> pa.Array:
        return pc.ascii_upper(_strip(self.trimmed, _PUNCTUATION))

    @cached_property
    def length(self) -> np.ndarray:
        return _lengths(self.clean)

    @cached_property
    def digits(self) -> np.ndarray:
        return _bools(pc.ascii_is_decimal(self.clean)) | (self.length == 0)

    @cached_property
    def alphanumeric(self) -> np.ndarray:
        return _bools(pc.ascii_is_alnum(self.clean)) | (self.length == 0)

    def matrix(self, rows: np.ndarray, width: int) -> np.ndarray:
        """The cleaned bytes of `rows` (ASCII, at most `width` long), left-padded with "0"."""
        picked = pc.ascii_lpad(self.clean.take(pa.array(rows)), width=width, padding="0")
        return _data(picked).reshape(len(rows), width)

    def typed(self, shape: str, alphanumeric: bool) -> tuple[np.ndarray, np.ndarray]:
        """The rows typed exactly in `shape` ("#" for a character, anything else as is), and
        their characters: read straight out of the bytes, without the general cleaning."""
        rows = np.flatnonzero(self.size == len(shape))
        picked = self.trimmed if len(rows) == len(self) else self.trimmed.take(pa.array(rows))
        raw = _data(picked).reshape(len(rows), len(shape))
        ok = np.ones(len(rows), dtype=bool)
        for i, c in enumerate(shape):
            if c != "#":
                ok &= raw[:, i] == ord(c)
        chars = raw[:, [i for i, c in enumerate(shape) if c == "#"]]
        digits = (chars - ord("0")).max(axis=1, initial=0) < 10
        if alphanumeric:
            # Letters are rare (new CNPJs only), so only the rows with non-digits are looked at.
            others = np.flatnonzero(ok & ~digits)
            some = chars[others]
            some = np.where((some >= ord("a")) & (some <= ord("z")), some - 32, some)
            value = some - ord("0")
            digits[others] = ((value < 10) | (value - (ord("A") - ord("0")) < 26)).all(axis=1)
            chars[others] = some
        ok &= digits
        return rows[ok], chars[ok]


def _as_text(values: pd.Series) -> pd.Series:
    """Cells that are not all text, as the user sees them: the float 1.0 is "1" (bank 001, not
    the "10" its printed form would clean to), and 1.5 is "1,5", refused rather than read as
    15."""
    cells = fields.split(values)
    text = fields.to_text(cells)
    at, number = cells.numbers()
    fraction = at[np.floor(number) != number]
    if len(fraction):
        text.iloc[fraction] = text.iloc[fraction].str.replace(".", ",", regex=False)
    return text


def _without_zero_fraction(text: pa.Array) -> pa.Array:
    """Cells such as "2747859517.0" as the number they are ("2747859517"). They are found by
    their last bytes first, so that a column without any costs a few vector comparisons."""
    buffers = text.buffers()
    if len(text) == 0 or buffers[2] is None or buffers[2].size == 0:
        return text
    offsets = np.frombuffer(buffers[1], dtype=np.int64)[text.offset : text.offset + len(text) + 1]
    data = np.frombuffer(buffers[2], dtype=np.uint8)
    end = offsets[1:]
    rows = np.flatnonzero(np.diff(offsets) >= 3)
    rows = rows[data[end[rows] - 1] == ord("0")]
    before = data[end[rows] - 2]
    separator = (before == ord(".")) | (before == ord(","))
    deeper = np.flatnonzero(before == ord("0"))
    deeper = deeper[np.diff(offsets)[rows[deeper]] >= 4]
    separator[deeper] = data[end[rows[deeper]] - 3] == ord(",")
    rows = rows[separator]
    if len(rows) == 0:
        return text
    number = pc.replace_substring_regex(text.take(pa.array(rows)), f"^{_ZERO_FRACTION}$", r"\1")
    where = np.arange(len(text))
    where[rows] = len(text) + np.arange(len(rows))
    return pa.concat_arrays([text, number]).take(pa.array(where))


def _not_allowed(text: str, alphanumeric: bool, punctuation: str) -> tuple[str, str] | None:
    """The reason (pt, en) naming the first character that is neither punctuation nor allowed:
    "٣" looks like a digit and is not one of 0-9, so the message says which character it is."""
    what = ("letra nem dígito", "neither a letter nor a digit")
    if not alphanumeric:
        what = ("um dígito", "a digit")
    for char in text:
        if char in string.digits or (alphanumeric and char in string.ascii_letters):
            continue
        if char in punctuation:
            continue
        code = f"U+{ord(char):04X} {unicodedata.name(char, '')}".rstrip()
        if char.isascii() and char.isprintable():
            pt = en = f"“{char}”"
        elif char.isprintable():
            pt = en = f"“{char}” ({code})"
        else:  # a control character: named, never copied into a message
            pt, en = f"o caractere {code}", f"the character {code}"
        return f"contém {pt}, que não é {what[0]}", f"contains {en}, which is not {what[1]}"
    return None


@dataclass(frozen=True)
class _Result:
    code: np.ndarray
    formatted: pa.Array
    #: the cells as read (trimmed), to name an offending character, and what is no offence
    text: pa.Array | None = None
    punctuation: str = _PUNCTUATION
    warned: np.ndarray | None = None
    suggestion: pa.Array | None = None


def _strings(matrix: np.ndarray) -> pa.Array:
    rows, width = matrix.shape
    offsets = pa.py_buffer(np.arange(rows + 1, dtype=np.int64) * width)
    data = pa.py_buffer(np.ascontiguousarray(matrix, dtype=np.uint8))
    return pa.Array.from_buffers(pa.large_string(), rows, [None, offsets, data])


def _scatter(n: int, pieces: list[tuple[np.ndarray, pa.Array]]) -> pa.Array:
    """One array of `n` strings from pieces for disjoint rows; null elsewhere."""
    pieces = [(rows, values) for rows, values in pieces if len(rows)]
    if not pieces:
        return pa.nulls(n, pa.large_string())
    where = np.full(n, -1, dtype=np.int64)
    start = 0
    for rows, _ in pieces:
        where[rows] = np.arange(start, start + len(rows))
        start += len(rows)
    values = pa.concat_arrays([_large(values) for _, values in pieces])
    return values.take(pa.array(where, mask=where < 0))


# --- fixed-width identifiers ---------------------------------------------------------------


#: The check digit for a weighted sum: 11 - sum % 11, or 0 when that is 10 or 11.
_DV_BY_SUM = np.array([0 if k % 11 < 2 else 11 - k % 11 for k in range(43 * 64)], dtype=np.int8)


def _check_digits_match(matrix: np.ndarray, start: int, *weights: tuple[int, ...]) -> np.ndarray:
    """Whether the characters from `start` on are the check digits of those before them, one
    per set of weights, over character values (ASCII code - 48, so "A" is 17).

    Sums column by column in int16 (they stay below 43 * 64): as fast as a BLAS product on
    such narrow matrices, and without BLAS threads that stall when the machine is busy.
    """
    ok = np.ones(len(matrix), dtype=bool)
    for k, w in enumerate(weights):
        total = np.zeros(len(matrix), dtype=np.int16)
        for j, weight in enumerate(w):
            total += matrix[:, j] * np.int16(weight)
        expected = _DV_BY_SUM[total - 48 * sum(w)]
        ok &= expected == matrix[:, start + k] - ord("0")
    return ok


def _all_same(matrix: np.ndarray) -> np.ndarray:
    same = matrix[:, 0] == matrix[:, 1]
    rows = np.flatnonzero(same)
    same[rows] = (matrix[rows] == matrix[rows, :1]).all(axis=1)
    return same


def _dv_codes(matrix: np.ndarray, ok: np.ndarray) -> np.ndarray:
    code = np.where(ok, _R.OK, _R.DV).astype(np.int8)
    code[_all_same(matrix)] = _R.SAME
    return code


def _verify_cpf(matrix: np.ndarray) -> np.ndarray:
    return _dv_codes(matrix, _check_digits_match(matrix, 9, *_CPF_WEIGHTS))


def _verify_cnpj(matrix: np.ndarray) -> np.ndarray:
    code = _dv_codes(matrix, _check_digits_match(matrix, 12, *_CNPJ_WEIGHTS))
    code[(matrix[:, 12:] > ord("9")).any(axis=1)] = _R.DV_CHARS
    return code


def _verify_pis(matrix: np.ndarray) -> np.ndarray:
    return _dv_codes(matrix, _check_digits_match(matrix, 10, _PIS_WEIGHTS))


def _verify_two_digit_prefix(matrix: np.ndarray) -> np.ndarray:
    """CEPs start at 01000-000 and NCM chapters at 01: a leading "00" is a typo."""
    return np.where((matrix[:, 0] == ord("0")) & (matrix[:, 1] == ord("0")), _R.RANGE, _R.OK)


def _verify_bank(matrix: np.ndarray) -> np.ndarray:
    return np.where((matrix == ord("0")).all(axis=1), _R.RANGE, _R.OK)


@dataclass(frozen=True)
class _Spec:
    width: int
    #: "#" takes the next character of the value; anything else is written as is.
    layout: str
    verify: Callable[[np.ndarray], np.ndarray]
    alphanumeric: bool = False
    #: whether fewer digits are fine (bank codes) rather than a sign of lost leading zeros.
    short_ok: bool = False


_CPF = _Spec(11, "###.###.###-##", _verify_cpf)
_CNPJ = _Spec(14, "##.###.###/####-##", _verify_cnpj, alphanumeric=True)
_PIS = _Spec(11, "###.#####.##-#", _verify_pis)
_CEP = _Spec(8, "#####-###", _verify_two_digit_prefix)
_NCM = _Spec(8, "####.##.##", _verify_two_digit_prefix)
_BANK = _Spec(3, "###", _verify_bank, short_ok=True)


def _format(matrix: np.ndarray, layout: str) -> pa.Array:
    out = np.empty((len(matrix), len(layout)), dtype=np.uint8)
    out[:, [i for i, c in enumerate(layout) if c == "#"]] = matrix
    for i, c in enumerate(layout):
        if c != "#":
            out[:, i] = ord(c)
    return _strings(out)


def _typed(text: _Text, spec: _Spec) -> tuple[np.ndarray, np.ndarray]:
    """The rows typed in the layout or as bare characters, as most cells are, and their
    characters; only the other rows need the costlier general cleaning."""
    shapes = dict.fromkeys((spec.layout, "#" * spec.width))
    typed = [text.typed(shape, spec.alphanumeric) for shape in shapes]
    return np.concatenate([rows for rows, _ in typed]), np.concatenate([c for _, c in typed])


def _untyped(text: _Text, *typed_rows: np.ndarray) -> tuple[np.ndarray, _Text]:
    untyped = text.present.copy()
    for rows in typed_rows:
        untyped[rows] = False
    rows = np.flatnonzero(untyped)
    return rows, text.subset(rows)


def _check_fixed(text: _Text, spec: _Spec, *, punctuated: bool = True) -> _Result:
    typed_rows, typed = _typed(text, spec)
    rows, other = _untyped(text, typed_rows)
    found = _check_read(len(text), spec, (typed_rows, typed), (rows, other), punctuated)
    return _Result(found.code, found.formatted, text.trimmed)


def _check_read(
    n: int,
    spec: _Spec,
    typed: tuple[np.ndarray, np.ndarray],
    untyped: tuple[np.ndarray, _Text],
    punctuated: bool,
) -> _Result:
    """The check of `n` rows, of which `typed` were read in a shape and `untyped` are read by
    the general cleaning; the other rows are empty or none of this check's business."""
    (typed_rows, typed_chars), (rows, other) = typed, untyped
    ok = other.alphanumeric if spec.alphanumeric else other.digits
    exact = ok & (other.length == spec.width)
    # Only numbers lose leading zeros in Excel, so only they are padded.
    short = ok & other.digits & (other.length > 0) & (other.length < spec.width)
    code = np.zeros(n, dtype=np.int8)
    code[rows] = np.where(ok, _R.LENGTH, _R.CHARS)
    picked = np.flatnonzero(exact | short)
    candidates = np.concatenate([typed_rows, rows[picked]])
    matrix = np.concatenate([typed_chars, other.matrix(picked, spec.width)])
    padded = np.concatenate([np.zeros(len(typed_rows), dtype=bool), short[picked]])
    found = spec.verify(matrix)
    if not spec.short_ok:
        found = np.where(padded, np.where(found == _R.OK, _R.ZEROS, _R.LENGTH), found)
    code[candidates] = found
    shown = found != _R.LENGTH
    layout = spec.layout if punctuated else "#" * spec.width
    return _Result(code, _scatter(n, [(candidates[shown], _format(matrix[shown], layout))]))


def _check_cpf_cnpj(text: _Text, *, punctuated: bool = True) -> _Result:
    cpf_typed, cnpj_typed = _typed(text, _CPF), _typed(text, _CNPJ)
    untyped = _untyped(text, cpf_typed[0], cnpj_typed[0])
    as_cpf = _check_read(len(text), _CPF, cpf_typed, untyped, punctuated)
    as_cnpj = _check_read(len(text), _CNPJ, cnpj_typed, untyped, punctuated)
    # 11 digits is a CPF and 14 characters a CNPJ (the codes that only a value of the right
    # length gets tell which); a shorter number is whichever it becomes once its lost zeros
    # are put back, the CPF first; anything with letters is read as a CNPJ.
    cpf_length = np.isin(as_cpf.code, [_R.OK, _R.SAME, _R.DV])
    cnpj_length = np.isin(as_cnpj.code, [_R.OK, _R.SAME, _R.DV, _R.DV_CHARS])
    use_cnpj = np.zeros(len(text), dtype=bool)
    use_cnpj[untyped[0]] = True
    use_cnpj &= cnpj_length | (
        ~cpf_length
        & (((as_cnpj.code == _R.ZEROS) & (as_cpf.code != _R.ZEROS)) | (as_cpf.code == _R.CHARS))
    )
    use_cnpj[cnpj_typed[0]] = True
    code = np.where(use_cnpj, as_cnpj.code, as_cpf.code).astype(np.int8)
    warned, suggestion = _cnpj_too(text, (code == _R.OK) & ~use_cnpj)
    return _Result(
        code,
        pc.if_else(pa.array(use_cnpj), as_cnpj.formatted, as_cpf.formatted),
        text.trimmed,
        warned=warned,
        suggestion=suggestion,
    )


def _cnpj_too(text: _Text, cpf: np.ndarray) -> tuple[np.ndarray, pa.Array]:
    """Valid CPFs typed as bare digits with leading zeros that are also a valid CNPJ once three
    more zeros are put back: the number 191 is CPF 000.000.001-91 and Banco do Brasil's CNPJ
    00.000.000/0001-91. Both readings lost zeros, so only the user can tell."""
    maybe = cpf & (text.size == 11)
    maybe[maybe] = _bools(pc.starts_with(text.trimmed.filter(pa.array(maybe)), "0"))
    rows = np.flatnonzero(maybe)
    matrix = text.subset(rows).matrix(np.arange(len(rows)), _CNPJ.width)
    both = _verify_cnpj(matrix) == _R.OK
    warned = np.zeros(len(text), dtype=bool)
    warned[rows[both]] = True
    return warned, _scatter(len(text), [(rows[both], _format(matrix[both], _CNPJ.layout))])


# --- bank codes ------------------------------------------------------------------------------

#: A COMPE code and the check digit boletos print after it ("341-7", Sicredi's "748-X").
_BANK_WITH_DV = "(?P<code>[0-9]{1,3})[-" + _DASHES + "](?P<dv>[0-9Xx])"
_BANK_LIST = Path(__file__).with_name("data") / "bancos_str.json"


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


def _check_bank(text: _Text) -> _Result:
    # "341-7" is 3 to 8 bytes long (a dash from Word takes 3) and has a dash: only such
    # cells go through the pattern
    dashed = _contains(text.trimmed, "-") | (_data(text.trimmed) == 0xE2).any()
    dashed = np.flatnonzero(dashed & (text.size >= 3) & (text.size <= 8))
    with_dv = dashed[_matches(text.trimmed.take(pa.array(dashed)), _BANK_WITH_DV)]
    dv = None
    if len(with_dv):
        parts = pc.extract_regex(text.trimmed.take(pa.array(with_dv)), f"^{_BANK_WITH_DV}$")
        where = np.arange(len(text))
        where[with_dv] = len(text) + np.arange(len(with_dv))
        text = _Text(pa.concat_arrays([text.trimmed, parts.field("code")]).take(pa.array(where)))
        dv = _data(pc.ascii_upper(parts.field("dv")))
    found = _check_fixed(text, _BANK)
    code, formatted = found.code, found.formatted
    if dv is not None:
        rows = with_dv[code[with_dv] == _R.OK]
        matrix = text.matrix(rows, 3)
        given = dv[code[with_dv] == _R.OK]
        written, also = _bank_check_digits(matrix)
        wrong = (given != written) & (given != also)
        code[rows[wrong]] = _R.BANK_DV
        spelled = np.concatenate(
            [matrix, np.full((len(rows), 1), ord("-")), np.where(wrong, written, given)[:, None]],
            axis=1,
        ).astype(np.uint8)
        spelled_rows = np.zeros(len(text), dtype=bool)
        spelled_rows[rows] = True
        formatted = pc.if_else(
            pa.array(spelled_rows), _scatter(len(text), [(rows, _strings(spelled))]), formatted
        )
    valid = (code == _R.OK) & text.present
    return _Result(code, formatted, text.trimmed, warned=_unlisted(formatted, valid))


def _unlisted(formatted: pa.Array, valid: np.ndarray) -> np.ndarray:
    """Valid codes ("341", "341-7") that the Banco Central's list does not have, by a look-up
    table of the 1,000 possible codes on the first three bytes of each."""
    unlisted = np.zeros(len(valid), dtype=bool)
    rows = np.flatnonzero(valid)
    if len(rows) == 0:
        return unlisted
    formatted = _large(formatted)
    offsets = np.frombuffer(formatted.buffers()[1], dtype=np.int64)[formatted.offset :]
    start = offsets[rows] - offsets[0]
    data = _data(formatted)
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
    if (_data(array) == 0xE2).any():
        for dash in _DASHES:
            array = pc.replace_substring(array, dash, "-")
    return array


def _check_format(text: _Text, pattern: str, ignored: str) -> _Result:
    """Cells that fit `pattern` once the `ignored` characters are dropped; the others are
    wrongly shaped, or hold a character that has no place there at all (named)."""
    shape = _ascii_dashes(_strip(text.trimmed, ignored))
    wrong = text.present & ~_matches(shape, pattern)
    chars = wrong & ~_matches(text.trimmed, f"[0-9Xx{ignored}{_DASHES}\\-]*")
    code = np.where(chars, _R.CHARS, np.where(wrong, _R.LENGTH, _R.OK)).astype(np.int8)
    formatted = pc.if_else(pa.array(text.present & ~wrong), pc.ascii_upper(shape), None)
    return _Result(code, formatted, text.trimmed, punctuation=ignored + _DASHES + "-Xx")


# --- PIX -------------------------------------------------------------------------------------


def _national(number: pa.Array) -> pa.Array:
    """`number` without its country code: "+55" then 10 or 11 characters, or "55" then 10 or
    11 (a regex would say this in one line, at ten times the cost)."""
    size = _lengths(number)
    for prefix in ("+55", "55"):
        cut = _bools(pc.starts_with(number, prefix))
        cut &= (size == len(prefix) + 10) | (size == len(prefix) + 11)
        if cut.any():
            rest = pc.utf8_slice_codeunits(number, len(prefix))
            number = pc.if_else(pa.array(cut), rest, number)
            size = np.where(cut, size - len(prefix), size)
    return number


def _with_country(national: pa.Array) -> pa.Array:
    text = pa.large_string()
    return pc.binary_join_element_wise(
        pa.scalar("+55", text), national.cast(text), pa.scalar("", text)
    )


def _pix_phone(raw: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """Keys that look like phones ("+…" or "(…"): +55, a DDD in use and a subscriber number."""
    number = _strip(raw, _PHONE_PUNCTUATION)
    national = _national(number)
    fine = _matches(national, _NATIONAL)
    plus = _bools(pc.starts_with(number, "+"))
    code = np.where(fine, np.where(plus, _R.OK, _R.PHONE_PREFIX), _R.PHONE_NUMBER)
    wrong = np.flatnonzero(~fine)
    wrong_number = number.take(pa.array(wrong))
    unsigned = pc.if_else(
        pa.array(plus[wrong]), pc.utf8_slice_codeunits(wrong_number, 1), wrong_number
    )
    code[wrong[plus[wrong] & ~_bools(pc.starts_with(wrong_number, "+55"))]] = _R.PHONE_COUNTRY
    code[wrong[~_bools(pc.ascii_is_decimal(unsigned))]] = _R.NOT_A_KEY
    suggestion = _scatter(
        len(raw), [(np.flatnonzero(fine), _with_country(national.filter(pa.array(fine))))]
    )
    return code, suggestion


def _pix_identifier(raw: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """Keys that are neither e-mails, random keys nor phones: a CPF or a CNPJ, or else a phone
    typed without +55 (the commonest slip) when the digits make one."""
    text = _Text(raw)
    found = _check_cpf_cnpj(text, punctuated=False)
    code = np.where(np.isin(found.code, [_R.LENGTH, _R.CHARS]), _R.NOT_A_KEY, found.code)
    unread = np.flatnonzero(~np.isin(found.code, [_R.OK, _R.ZEROS]))
    other = text.subset(unread)
    maybe = np.flatnonzero(other.digits & (other.length >= 10) & (other.length <= 13))
    national = _national(other.clean.take(pa.array(maybe)))
    fine = _matches(national, _NATIONAL)
    phones = unread[maybe[fine]]
    code[phones] = np.where(other.length[maybe[fine]] <= 11, _R.CPF_OR_PHONE, _R.PHONE_PREFIX)
    is_phone = np.zeros(len(raw), dtype=bool)
    is_phone[phones] = True
    suggestion = _scatter(len(raw), [(phones, _with_country(national.filter(pa.array(fine))))])
    return code, pc.if_else(pa.array(is_phone), suggestion, found.formatted)


def _check_pix(text: _Text) -> _Result:
    """Each cell is claimed by the first kind of key its shape fits (see `check_pix`)."""
    raw, n = text.trimmed, len(text)
    code = np.zeros(n, dtype=np.int8)
    pieces: list[tuple[np.ndarray, pa.Array]] = []
    left = text.present.copy()

    def claim(rows: np.ndarray) -> pa.Array:
        left[rows] = False
        return raw.take(pa.array(rows))

    rows = np.flatnonzero(left & _contains(raw, "@"))
    keys = claim(rows)
    fine = _matches(keys, _EMAIL)
    too_long = pc.utf8_length(keys).to_numpy(zero_copy_only=False) > _EMAIL_MAX
    code[rows] = np.select([~fine, too_long], [_R.EMAIL, _R.EMAIL_LONG], _R.OK)
    shown = fine & ~too_long
    pieces.append((rows[shown], pc.ascii_lower(keys.filter(pa.array(shown)))))

    def matching(size: int, pattern: str) -> np.ndarray:
        candidates = np.flatnonzero(left & (text.size == size))
        return candidates[_matches(raw.take(pa.array(candidates)), pattern)]

    rows = matching(len(_EVP_LAYOUT), _EVP)
    pieces.append((rows, pc.ascii_lower(claim(rows))))
    rows = matching(32, _HEX32)
    hexa = _data(claim(rows)).reshape(len(rows), 32)
    code[rows] = _R.EVP_HYPHENS
    pieces.append((rows, pc.ascii_lower(_format(hexa, _EVP_LAYOUT))))

    phone_like = _bools(pc.starts_with(raw, "+")) | _contains(raw, "(")
    groups = ((left & phone_like, _pix_phone), (left & ~phone_like, _pix_identifier))
    for mask, check in groups:
        rows = np.flatnonzero(mask)
        code[rows], formatted = check(claim(rows))
        pieces.append((rows, formatted))
    return _Result(code, _scatter(n, pieces))


# --- vectorized API --------------------------------------------------------------------------


def _verdict(
    values: pd.Series,
    result: _Result,
    messages: _Messages,
    *,
    alphanumeric: bool = False,
    warning_code: str = "",
) -> Verdict:
    pt = np.array([messages.get(r, ("", ""))[0] for r in _R], dtype=object)
    en = np.array([messages.get(r, ("", ""))[1] for r in _R], dtype=object)
    reason, reason_en = pt[result.code], en[result.code]
    chars = np.flatnonzero(result.code == _R.CHARS)
    if len(chars) and result.text is not None:  # the cost follows the findings
        named: dict[str, tuple[str, str] | None] = {}
        for row, text in zip(chars, result.text.take(pa.array(chars)).to_pylist(), strict=True):
            if text not in named:
                named[text] = _not_allowed(text, alphanumeric, result.punctuation)
            if named[text] is not None:
                reason[row], reason_en[row] = named[text]
    suggestion = None
    if result.suggestion is not None:
        suggestion = _series(result.suggestion, values)
    return Verdict(
        invalid=result.code != _R.OK,
        reason=reason,
        reason_en=reason_en,
        formatted=_series(result.formatted, values),
        warned=np.zeros(len(values), dtype=bool) if result.warned is None else result.warned,
        warning_code=warning_code,
        warning_suggestion=suggestion,
    )


def _series(text: pa.Array, like: pd.Series) -> pd.Series:
    strings = pd.arrays.ArrowStringArray(text.cast(pa.large_string()))
    return pd.Series(strings, index=like.index, name=like.name)


def check_cpf(values: pd.Series) -> Verdict:
    return _verdict(values, _check_fixed(_Text.of(values), _CPF), _CPF_MESSAGES)


def check_cnpj(values: pd.Series) -> Verdict:
    """Numeric and alphanumeric CNPJs alike: a numeric one is an alphanumeric one whose
    characters happen to be digits, under the same check-digit rule."""
    found = _check_fixed(_Text.of(values), _CNPJ)
    return _verdict(values, found, _CNPJ_MESSAGES, alphanumeric=True)


def check_cpf_cnpj(values: pd.Series) -> Verdict:
    """For columns that take either (a supplier, a customer): 11 digits are checked as a CPF,
    14 characters as a CNPJ; bare digits that make both are warned (`cpf_cnpj.ambiguous`)."""
    found = _check_cpf_cnpj(_Text.of(values))
    return _verdict(
        values,
        found,
        _CPF_CNPJ_MESSAGES,
        alphanumeric=True,
        warning_code="cpf_cnpj.ambiguous",
    )


def check_pis(values: pd.Series) -> Verdict:
    return _verdict(values, _check_fixed(_Text.of(values), _PIS), _PIS_MESSAGES)


def check_cep(values: pd.Series) -> Verdict:
    return _verdict(values, _check_fixed(_Text.of(values), _CEP), _CEP_MESSAGES)


def check_ncm(values: pd.Series) -> Verdict:
    return _verdict(values, _check_fixed(_Text.of(values), _NCM), _NCM_MESSAGES)


def check_bank(values: pd.Series) -> Verdict:
    """COMPE codes are written with 3 digits, but "1" for Banco do Brasil is common and clear,
    so a shorter code is valid and only its spelling is corrected. Boletos print the code with
    its check digit ("341-7"), which is accepted and verified. A code missing from the Banco
    Central's list is warned (`bank.unknown`), not refused: the list shipped here is a snapshot
    and institutions join it every few weeks."""
    return _verdict(
        values, _check_bank(_Text.of(values)), _BANK_MESSAGES, warning_code="bank.unknown"
    )


def check_agency(values: pd.Series) -> Verdict:
    """A bank branch: 1 to 4 digits, maybe "-" and its check digit ("1234-5", "3064-X")."""
    found = _check_format(_Text.of(values), _AGENCY, _WHITESPACE)
    return _verdict(values, found, _AGENCY_MESSAGES)


def check_bank_account(values: pd.Series) -> Verdict:
    """A bank account: digits (dots between them allowed), maybe "-" and its check digit."""
    found = _check_format(_Text.of(values), _ACCOUNT, _WHITESPACE + ".")
    return _verdict(values, found, _ACCOUNT_MESSAGES)


def bank_name(code: str) -> str | None:
    """The Banco Central's short name of a COMPE code ("341" or "1"); None if not listed."""
    digits = _clean(code)
    return _banks().get(digits.zfill(3)) if _is_digits(digits, len(digits)) else None


def check_pix(values: pd.Series) -> Verdict:
    """A key is read by its shape: with "@" an e-mail; 8-4-4-4-12 hex digits a random key;
    starting with "+" or holding "(" a phone; otherwise a CPF or a CNPJ. `formatted` is the key
    as the DICT stores it: e-mails and random keys in lower case, "+5511987654321", CPFs and
    CNPJs without punctuation."""
    return _verdict(values, _check_pix(_Text.of(values)), _PIX_MESSAGES)
