"""Brazilian identifiers: CPF, CNPJ (numeric and alphanumeric), PIS, CEP, NCM, PIX keys, banks.

Two faces of the same rules. The `check_*` functions take a whole column and work on the bytes
of its Arrow buffers with numpy, because a consolidated sheet can hold a million rows and a loop
per row would take seconds; each returns a `Verdict` (which rows are wrong, why, and the value
the user probably meant). The `is_*`, `format_*` and `*_check_digits` functions are plain Python
for spreadsheet functions, which are called once per cell, and for the sample-data generator.
A test holds the two faces to the same answers.

Input is what people type: punctuation (". - /" and spaces, also the non-breaking space that
Excel and web pages paste) is ignored, letters are upper-cased (the alphanumeric CNPJ of IN RFB
2.229/2024 may be typed in lower case). Excel drops the leading zeros of a number typed into a
cell that is not formatted as text, so a value that becomes valid once padded with zeros is
flagged with the padded value as the suggestion, rather than as merely too short.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from enum import IntEnum
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: What `strip()` means here: ASCII whitespace and the non-breaking space.
_WHITESPACE = "\t\n\v\f\r \xa0"
#: Typed between the characters of an identifier for readability; never part of its value.
_PUNCTUATION = _WHITESPACE + "./-"
#: Typed in a phone number: "+55 (11) 98765-4321".
_PHONE_PUNCTUATION = _WHITESPACE + "().-"

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

_CPF_WEIGHTS = (np.arange(10, 1, -1), np.arange(11, 1, -1))
_CNPJ_WEIGHTS = (
    np.array([5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]),
    np.array([6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]),
)
_PIS_WEIGHTS = np.array([3, 2, 9, 8, 7, 6, 5, 4, 3, 2])


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
_BANK_MESSAGES = {
    **_COMMON,
    _R.LENGTH: ("deve ter de 1 a 3 dígitos", "must have 1 to 3 digits"),
    _R.RANGE: ("o código 000 não existe", "there is no code 000"),
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

_CLEAN_TABLE = str.maketrans(
    {**dict.fromkeys(map(ord, _PUNCTUATION)), **{c: c - 32 for c in range(ord("a"), ord("z") + 1)}}
)
_PHONE_TABLE = str.maketrans(dict.fromkeys(map(ord, _PHONE_PUNCTUATION)))
_CNPJ_RE = re.compile("[0-9A-Z]{12}[0-9]{2}")
_CNPJ_BASE_RE = re.compile("[0-9A-Z]{12}")
_EMAIL_RE = re.compile(_EMAIL)
_EVP_RE = re.compile(_EVP)
_PHONE_RE = re.compile(r"\+55" + _NATIONAL)


def _clean(s: str) -> str:
    return s.translate(_CLEAN_TABLE)


def _is_digits(s: str, length: int) -> bool:
    return len(s) == length and s.isascii() and s.isdigit()


def _mod11(total: int) -> int:
    rest = total % 11
    return 0 if rest < 2 else 11 - rest


def _weighted(values: list[int], weights: np.ndarray) -> int:
    return _mod11(sum(v * int(w) for v, w in zip(values, weights, strict=True)))


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
    base = first12.upper()
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


def _byte_set(chars: str) -> np.ndarray:
    table = np.zeros(256, dtype=bool)
    table[[ord(c) for c in chars if c.isascii()]] = True
    return table


_WHITESPACE_BYTES = _byte_set(_WHITESPACE)
_PUNCTUATION_BYTES = _byte_set(_PUNCTUATION)
_PHONE_PUNCTUATION_BYTES = _byte_set(_PHONE_PUNCTUATION)
_DIGIT_BYTES = _byte_set("0123456789")
_ALNUM_BYTES = _byte_set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")


class _Buffers:
    """The offsets and bytes of an Arrow string array, rebased to start at byte 0."""

    def __init__(self, array: pa.Array) -> None:
        if not pa.types.is_large_string(array.type):
            array = array.cast(pa.large_string())
        offsets = np.frombuffer(array.buffers()[1], dtype=np.int64)
        offsets = offsets[array.offset : array.offset + len(array) + 1]
        data = array.buffers()[2]
        data = np.frombuffer(data, dtype=np.uint8) if data is not None else np.empty(0, np.uint8)
        self.array = array
        self.offsets = offsets - offsets[0]
        self.data = data[offsets[0] : offsets[-1]]

    def count(self, flags: np.ndarray) -> np.ndarray:
        """How many bytes of each string are flagged."""
        running = np.concatenate(([0], np.cumsum(flags, dtype=np.int64)))
        return running[self.offsets[1:]] - running[self.offsets[:-1]]

    def flagged(self, table: np.ndarray) -> np.ndarray:
        """Bytes in `table`, and both bytes of a UTF-8 non-breaking space when `table` has
        whitespace (a byte-wise test is exact because UTF-8 never reuses ASCII bytes)."""
        flags = table[self.data]
        if table[ord(" ")]:
            nbsp = (self.data[:-1] == 0xC2) & (self.data[1:] == 0xA0)
            flags[:-1] |= nbsp
            flags[1:] |= nbsp
        return flags

    def without(self, table: np.ndarray, *, upper: bool = False) -> pa.Array:
        """The strings with the bytes in `table` removed, optionally ASCII-upper-cased."""
        keep = ~self.flagged(table)
        data = self.data[keep]
        if upper:
            data = np.where((data >= ord("a")) & (data <= ord("z")), data - 32, data)
        running = np.concatenate(([0], np.cumsum(keep, dtype=np.int64)))
        validity = pa.array(self.array.is_valid().to_numpy(zero_copy_only=False)).buffers()[1]
        return pa.Array.from_buffers(
            pa.large_string(),
            len(self.array),
            [validity, pa.py_buffer(running[self.offsets]), pa.py_buffer(data.astype(np.uint8))],
        )


class _Text:
    """A column ready for the checks: present cells, and their characters cleaned of
    punctuation and upper-cased, with the byte-level facts every check needs."""

    def __init__(self, raw: pa.Array) -> None:
        self.raw = raw
        buffers = _Buffers(raw)
        visible = buffers.count(~buffers.flagged(_WHITESPACE_BYTES)) > 0
        self.present = visible & raw.is_valid().to_numpy(zero_copy_only=False)
        self.clean = _Buffers(buffers.without(_PUNCTUATION_BYTES, upper=True))
        self.length = np.diff(self.clean.offsets)

    @classmethod
    def of(cls, values: pd.Series) -> _Text:
        if getattr(values.dtype, "storage", None) != "pyarrow":
            values = values.astype(pd.StringDtype("pyarrow"))
        array = pa.array(values.array)
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        return cls(array)

    def __len__(self) -> int:
        return len(self.present)

    @cached_property
    def digits(self) -> np.ndarray:
        return self.clean.count(~_DIGIT_BYTES[self.clean.data]) == 0

    @cached_property
    def alphanumeric(self) -> np.ndarray:
        return self.clean.count(~_ALNUM_BYTES[self.clean.data]) == 0

    @cached_property
    def trimmed(self) -> pa.Array:
        return pc.utf8_trim(self.raw, characters=_WHITESPACE)

    def matrix(self, rows: np.ndarray, width: int) -> np.ndarray:
        """The cleaned bytes of `rows` (ASCII, at most `width` long), left-padded with "0"."""
        picked = pc.utf8_lpad(self.clean.array.take(pa.array(rows)), width=width, padding="0")
        return _Buffers(picked).data.reshape(len(rows), width)


@dataclass(frozen=True)
class _Result:
    code: np.ndarray
    formatted: pa.Array


def _strings(matrix: np.ndarray) -> pa.Array:
    rows, width = matrix.shape
    offsets = np.arange(0, (rows + 1) * width, width, dtype=np.int64)[: rows + 1]
    data = pa.py_buffer(np.ascontiguousarray(matrix, dtype=np.uint8))
    return pa.Array.from_buffers(pa.large_string(), rows, [None, pa.py_buffer(offsets), data])


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
    values = pa.concat_arrays([values.cast(pa.large_string()) for _, values in pieces])
    return values.take(pa.array(where, mask=where < 0))


def _bools(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return pc.fill_null(array, False).to_numpy(zero_copy_only=False)


def _matches(array: pa.Array, pattern: str) -> np.ndarray:
    return _bools(pc.match_substring_regex(array, f"^(?:{pattern})$"))


# --- fixed-width identifiers ---------------------------------------------------------------


def _check_digit(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    rest = (values[:, : len(weights)] @ weights) % 11
    return np.where(rest < 2, 0, 11 - rest)


def _all_same(matrix: np.ndarray) -> np.ndarray:
    return (matrix == matrix[:, :1]).all(axis=1)


def _verify_cpf(matrix: np.ndarray) -> np.ndarray:
    values = matrix.astype(np.int64) - 48
    ok = (_check_digit(values, _CPF_WEIGHTS[0]) == values[:, 9]) & (
        _check_digit(values, _CPF_WEIGHTS[1]) == values[:, 10]
    )
    return np.select([_all_same(matrix), ~ok], [_R.SAME, _R.DV], _R.OK)


def _verify_cnpj(matrix: np.ndarray) -> np.ndarray:
    values = matrix.astype(np.int64) - 48
    ok = (_check_digit(values, _CNPJ_WEIGHTS[0]) == values[:, 12]) & (
        _check_digit(values, _CNPJ_WEIGHTS[1]) == values[:, 13]
    )
    numeric_dv = (matrix[:, 12:] <= ord("9")).all(axis=1)
    return np.select([~numeric_dv, _all_same(matrix), ~ok], [_R.DV_CHARS, _R.SAME, _R.DV], _R.OK)


def _verify_pis(matrix: np.ndarray) -> np.ndarray:
    values = matrix.astype(np.int64) - 48
    ok = _check_digit(values, _PIS_WEIGHTS) == values[:, 10]
    return np.select([_all_same(matrix), ~ok], [_R.SAME, _R.DV], _R.OK)


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


def _check_fixed(text: _Text, spec: _Spec) -> _Result:
    allowed = text.alphanumeric if spec.alphanumeric else text.digits
    ok = text.present & allowed
    exact = ok & (text.length == spec.width)
    # Only numbers lose leading zeros in Excel, so only they are padded.
    short = ok & text.digits & (text.length > 0) & (text.length < spec.width)
    code = np.where(text.present, np.where(ok, _R.LENGTH, _R.CHARS), _R.OK).astype(np.int8)
    rows = np.flatnonzero(exact | short)
    matrix = text.matrix(rows, spec.width)
    found = spec.verify(matrix)
    if not spec.short_ok:
        found = np.where(short[rows], np.where(found == _R.OK, _R.ZEROS, _R.LENGTH), found)
    code[rows] = found
    shown = found != _R.LENGTH
    pieces = [(rows[shown], _format(matrix[shown], spec.layout))]
    return _Result(code, _scatter(len(text), pieces))


def _check_cpf_cnpj(text: _Text, cpf: _Spec = _CPF, cnpj: _Spec = _CNPJ) -> _Result:
    as_cpf, as_cnpj = _check_fixed(text, cpf), _check_fixed(text, cnpj)
    # 11 digits is a CPF, 14 characters a CNPJ; a shorter number is whichever it becomes once
    # its lost zeros are put back, the CPF first.
    use_cnpj = (
        ~text.digits
        | (text.length >= 12)
        | ((as_cpf.code != _R.ZEROS) & (as_cnpj.code == _R.ZEROS))
    )
    return _Result(
        np.where(use_cnpj, as_cnpj.code, as_cpf.code).astype(np.int8),
        pc.if_else(pa.array(use_cnpj), as_cnpj.formatted, as_cpf.formatted),
    )


# --- PIX -------------------------------------------------------------------------------------

#: A PIX key of the CPF/CNPJ kind is written without punctuation.
_CPF_KEY = replace(_CPF, layout="#" * 11)
_CNPJ_KEY = replace(_CNPJ, layout="#" * 14)
_WITHOUT_COUNTRY = (r"^\+?55([0-9]{10,11})$", r"\1")


def _with_country(national: pa.Array) -> pa.Array:
    text = pa.large_string()
    return pc.binary_join_element_wise(
        pa.scalar("+55", text), national.cast(text), pa.scalar("", text)
    )


def _pix_phone(raw: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """Keys that look like phones ("+…" or "(…"): +55, a DDD in use and a subscriber number."""
    number = _Buffers(raw).without(_PHONE_PUNCTUATION_BYTES)
    national = pc.replace_substring_regex(number, *_WITHOUT_COUNTRY)
    fine = _matches(national, _NATIONAL)
    plus = _bools(pc.starts_with(number, "+"))
    code = np.select(
        [
            fine & plus,
            fine,
            ~_matches(number, r"\+?[0-9]+"),
            plus & ~_bools(pc.starts_with(number, "+55")),
        ],
        [_R.OK, _R.PHONE_PREFIX, _R.NOT_A_KEY, _R.PHONE_COUNTRY],
        _R.PHONE_NUMBER,
    )
    suggestion = _scatter(
        len(raw), [(np.flatnonzero(fine), _with_country(national.filter(pa.array(fine))))]
    )
    return code, suggestion


def _pix_identifier(raw: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """Keys that are neither e-mails, random keys nor phones: a CPF or a CNPJ, or else a phone
    typed without +55 (the commonest slip) when the digits make one."""
    text = _Text(raw)
    found = _check_cpf_cnpj(text, _CPF_KEY, _CNPJ_KEY)
    code = np.where(np.isin(found.code, [_R.LENGTH, _R.CHARS]), _R.NOT_A_KEY, found.code)
    maybe_phone = np.flatnonzero(
        ~np.isin(found.code, [_R.OK, _R.ZEROS])
        & text.digits
        & (text.length >= 10)
        & (text.length <= 13)
    )
    national = pc.replace_substring_regex(
        text.clean.array.take(pa.array(maybe_phone)), *_WITHOUT_COUNTRY
    )
    fine = _matches(national, _NATIONAL)
    phones = maybe_phone[fine]
    code[phones] = np.where(text.length[phones] <= 11, _R.CPF_OR_PHONE, _R.PHONE_PREFIX)
    is_phone = np.zeros(len(raw), dtype=bool)
    is_phone[phones] = True
    suggestion = _scatter(len(raw), [(phones, _with_country(national.filter(pa.array(fine))))])
    return code, pc.if_else(pa.array(is_phone), suggestion, found.formatted)


def _check_pix(text: _Text) -> _Result:
    raw, n = text.trimmed, len(text)
    code = np.zeros(n, dtype=np.int8)
    pieces: list[tuple[np.ndarray, pa.Array]] = []
    left = text.present.copy()

    def claim(rows: np.ndarray) -> pa.Array:
        left[rows] = False
        return raw.take(pa.array(rows))

    rows = np.flatnonzero(left & _bools(pc.match_substring(raw, "@")))
    keys = claim(rows)
    fine = _matches(keys, _EMAIL)
    too_long = pc.utf8_length(keys).to_numpy(zero_copy_only=False) > _EMAIL_MAX
    code[rows] = np.select([~fine, too_long], [_R.EMAIL, _R.EMAIL_LONG], _R.OK)
    shown = fine & ~too_long
    pieces.append((rows[shown], pc.ascii_lower(keys.filter(pa.array(shown)))))

    length = pc.binary_length(raw).to_numpy(zero_copy_only=False)
    for size, pattern, verdict in ((36, _EVP, _R.OK), (32, _HEX32, _R.EVP_HYPHENS)):
        candidates = np.flatnonzero(left & (length == size))
        rows = candidates[_matches(raw.take(pa.array(candidates)), pattern)]
        canonical = pc.replace_substring_regex(
            claim(rows), r"^(.{8})-?(.{4})-?(.{4})-?(.{4})-?(.{12})$", r"\1-\2-\3-\4-\5"
        )
        code[rows] = verdict
        pieces.append((rows, pc.ascii_lower(canonical)))

    phone_like = _bools(pc.starts_with(raw, "+")) | _bools(pc.match_substring(raw, "("))
    groups = ((left & phone_like, _pix_phone), (left & ~phone_like, _pix_identifier))
    for mask, check in groups:
        rows = np.flatnonzero(mask)
        code[rows], formatted = check(claim(rows))
        pieces.append((rows, formatted))
    return _Result(code, _scatter(n, pieces))


# --- vectorized API --------------------------------------------------------------------------


def _verdict(values: pd.Series, result: _Result, messages: _Messages) -> Verdict:
    pt = np.array([messages.get(r, ("", ""))[0] for r in _R], dtype=object)
    en = np.array([messages.get(r, ("", ""))[1] for r in _R], dtype=object)
    formatted = pd.arrays.ArrowStringArray(result.formatted.cast(pa.large_string()))
    return Verdict(
        invalid=result.code != _R.OK,
        reason=pt[result.code],
        reason_en=en[result.code],
        formatted=pd.Series(formatted, index=values.index, name=values.name),
    )


def check_cpf(values: pd.Series) -> Verdict:
    return _verdict(values, _check_fixed(_Text.of(values), _CPF), _CPF_MESSAGES)


def check_cnpj(values: pd.Series) -> Verdict:
    """Numeric and alphanumeric CNPJs alike: a numeric one is an alphanumeric one whose
    characters happen to be digits, under the same check-digit rule."""
    return _verdict(values, _check_fixed(_Text.of(values), _CNPJ), _CNPJ_MESSAGES)


def check_cpf_cnpj(values: pd.Series) -> Verdict:
    """For columns that take either (a supplier, a customer): 11 digits are checked as a CPF,
    14 characters as a CNPJ."""
    return _verdict(values, _check_cpf_cnpj(_Text.of(values)), _CPF_CNPJ_MESSAGES)


def check_pis(values: pd.Series) -> Verdict:
    return _verdict(values, _check_fixed(_Text.of(values), _PIS), _PIS_MESSAGES)


def check_cep(values: pd.Series) -> Verdict:
    return _verdict(values, _check_fixed(_Text.of(values), _CEP), _CEP_MESSAGES)


def check_ncm(values: pd.Series) -> Verdict:
    return _verdict(values, _check_fixed(_Text.of(values), _NCM), _NCM_MESSAGES)


def check_bank(values: pd.Series) -> Verdict:
    """COMPE codes are written with 3 digits, but "1" for Banco do Brasil is common and clear,
    so a shorter code is valid and only its spelling is corrected."""
    return _verdict(values, _check_fixed(_Text.of(values), _BANK), _BANK_MESSAGES)


def check_pix(values: pd.Series) -> Verdict:
    """A key is read by its shape: with "@" an e-mail; 8-4-4-4-12 hex digits a random key;
    starting with "+" or holding "(" a phone; otherwise a CPF or a CNPJ. `formatted` is the key
    as the DICT stores it: e-mails and random keys in lower case, "+5511987654321", CPFs and
    CNPJs without punctuation."""
    return _verdict(values, _check_pix(_Text.of(values)), _PIX_MESSAGES)
