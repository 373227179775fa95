"""PIX keys, read by their shape: an e-mail, a random key (EVP), a phone (+55) or a CPF/CNPJ."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from retaguarda.validators.identifiers.cnpj import is_cnpj
from retaguarda.validators.identifiers.cpf import is_cpf
from retaguarda.validators.identifiers.cpf_cnpj import check_either
from retaguarda.validators.identifiers.fixed import format_matrix
from retaguarda.validators.identifiers.text import (
    DASHES,
    WHITESPACE,
    Text,
    bools,
    contains,
    lengths,
    matches,
    scatter,
    strip_chars,
    utf8_bytes,
)
from retaguarda.validators.identifiers.verdict import Family, Reason, Result, Verdict, verdict

#: Typed in a phone number: "+55 (11) 98765-4321".
_PHONE_PUNCTUATION = WHITESPACE + "().-" + DASHES
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

FAMILY = Family(
    "pix",
    {
        Reason.NOT_A_KEY: (
            "não é CPF, CNPJ, e-mail, telefone (+55) nem chave aleatória",
            "not a CPF, CNPJ, e-mail, phone (+55) or random key",
        ),
        Reason.ZEROS: ("CPF/CNPJ sem os zeros à esquerda", "CPF/CNPJ without its leading zeros"),
        Reason.SAME: ("CPF/CNPJ com todos os dígitos iguais", "CPF/CNPJ with all digits the same"),
        Reason.DV: (
            "dígitos verificadores do CPF/CNPJ não conferem",
            "the CPF/CNPJ check digits do not match",
        ),
        Reason.DV_CHARS: (
            "os 2 últimos caracteres do CNPJ devem ser números",
            "the last 2 characters of the CNPJ must be numbers",
        ),
        Reason.EMAIL: ("e-mail inválido", "invalid e-mail"),
        Reason.EMAIL_LONG: (
            f"e-mail com mais de {_EMAIL_MAX} caracteres",
            f"e-mail longer than {_EMAIL_MAX} characters",
        ),
        Reason.EVP_HYPHENS: ("chave aleatória sem os hífens", "random key without its hyphens"),
        Reason.PHONE_COUNTRY: (
            "só telefones do Brasil (+55)",
            "only Brazilian phone numbers (+55)",
        ),
        Reason.PHONE_NUMBER: (
            "telefone inválido: +55, DDD e número (celular: 9 dígitos começando com 9)",
            "invalid phone: +55, area code and number (mobile: 9 digits starting with 9)",
        ),
        Reason.PHONE_PREFIX: ("telefone sem o +55", "phone number without +55"),
        Reason.CPF_OR_PHONE: (
            "não é um CPF válido; se for telefone, falta o +55",
            "not a valid CPF; if it is a phone number, +55 is missing",
        ),
    },
)


_PHONE_TABLE = str.maketrans(dict.fromkeys(map(ord, _PHONE_PUNCTUATION)))


_EMAIL_RE = re.compile(_EMAIL)
_EVP_RE = re.compile(_EVP)
_PHONE_RE = re.compile(r"\+55" + _NATIONAL)


def is_pix(s: str) -> bool:
    """Whether `s` is a PIX key, by the same dispatch as `check_pix` (see there)."""
    t = s.strip(WHITESPACE)
    if "@" in t:
        return len(t) <= _EMAIL_MAX and _EMAIL_RE.fullmatch(t) is not None
    if _EVP_RE.fullmatch(t):
        return True
    if t.startswith("+") or "(" in t:
        return _PHONE_RE.fullmatch(t.translate(_PHONE_TABLE)) is not None
    return is_cpf(t) or is_cnpj(t)


# --- PIX -------------------------------------------------------------------------------------


def _national(number: pa.Array) -> pa.Array:
    """`number` without its country code: "+55" then 10 or 11 characters, or "55" then 10 or
    11 (a regex would say this in one line, at ten times the cost)."""
    size = lengths(number)
    for prefix in ("+55", "55"):
        cut = bools(pc.starts_with(number, prefix))
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
    number = strip_chars(raw, _PHONE_PUNCTUATION)
    national = _national(number)
    fine = matches(national, _NATIONAL)
    plus = bools(pc.starts_with(number, "+"))
    code = np.where(fine, np.where(plus, Reason.OK, Reason.PHONE_PREFIX), Reason.PHONE_NUMBER)
    wrong = np.flatnonzero(~fine)
    wrong_number = number.take(pa.array(wrong))
    unsigned = pc.if_else(
        pa.array(plus[wrong]), pc.utf8_slice_codeunits(wrong_number, 1), wrong_number
    )
    code[wrong[plus[wrong] & ~bools(pc.starts_with(wrong_number, "+55"))]] = Reason.PHONE_COUNTRY
    code[wrong[~bools(pc.ascii_is_decimal(unsigned))]] = Reason.NOT_A_KEY
    suggestion = scatter(
        len(raw), [(np.flatnonzero(fine), _with_country(national.filter(pa.array(fine))))]
    )
    return code, suggestion


def _pix_identifier(raw: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """Keys that are neither e-mails, random keys nor phones: a CPF or a CNPJ, or else a phone
    typed without +55 (the commonest slip) when the digits make one."""
    text = Text(raw)
    found = check_either(text, punctuated=False)
    code = np.where(
        np.isin(found.code, [Reason.LENGTH, Reason.CHARS]), Reason.NOT_A_KEY, found.code
    )
    unread = np.flatnonzero(~np.isin(found.code, [Reason.OK, Reason.ZEROS]))
    other = text.subset(unread)
    maybe = np.flatnonzero(other.digits & (other.length >= 10) & (other.length <= 13))
    national = _national(other.clean.take(pa.array(maybe)))
    fine = matches(national, _NATIONAL)
    phones = unread[maybe[fine]]
    code[phones] = np.where(
        other.length[maybe[fine]] <= 11, Reason.CPF_OR_PHONE, Reason.PHONE_PREFIX
    )
    is_phone = np.zeros(len(raw), dtype=bool)
    is_phone[phones] = True
    suggestion = scatter(len(raw), [(phones, _with_country(national.filter(pa.array(fine))))])
    return code, pc.if_else(pa.array(is_phone), suggestion, found.formatted)


def _check_pix(text: Text) -> Result:
    """Each cell is claimed by the first kind of key its shape fits (see `check_pix`)."""
    raw, n = text.trimmed, len(text)
    code = np.zeros(n, dtype=np.int8)
    pieces: list[tuple[np.ndarray, pa.Array]] = []
    left = text.present.copy()

    def claim(rows: np.ndarray) -> pa.Array:
        left[rows] = False
        return raw.take(pa.array(rows))

    rows = np.flatnonzero(left & contains(raw, "@"))
    keys = claim(rows)
    fine = matches(keys, _EMAIL)
    too_long = pc.utf8_length(keys).to_numpy(zero_copy_only=False) > _EMAIL_MAX
    code[rows] = np.select([~fine, too_long], [Reason.EMAIL, Reason.EMAIL_LONG], Reason.OK)
    shown = fine & ~too_long
    pieces.append((rows[shown], pc.ascii_lower(keys.filter(pa.array(shown)))))

    def matching(size: int, pattern: str) -> np.ndarray:
        candidates = np.flatnonzero(left & (text.size == size))
        return candidates[matches(raw.take(pa.array(candidates)), pattern)]

    rows = matching(len(_EVP_LAYOUT), _EVP)
    pieces.append((rows, pc.ascii_lower(claim(rows))))
    rows = matching(32, _HEX32)
    hexa = utf8_bytes(claim(rows)).reshape(len(rows), 32)
    code[rows] = Reason.EVP_HYPHENS
    pieces.append((rows, pc.ascii_lower(format_matrix(hexa, _EVP_LAYOUT))))

    phone_like = bools(pc.starts_with(raw, "+")) | contains(raw, "(")
    groups = ((left & phone_like, _pix_phone), (left & ~phone_like, _pix_identifier))
    for mask, check in groups:
        rows = np.flatnonzero(mask)
        code[rows], formatted = check(claim(rows))
        pieces.append((rows, formatted))
    return Result(code, scatter(n, pieces))


def check_pix(values: pd.Series) -> Verdict:
    """A key is read by its shape: with "@" an e-mail; 8-4-4-4-12 hex digits a random key;
    starting with "+" or holding "(" a phone; otherwise a CPF or a CNPJ. `formatted` is the key
    as the DICT stores it: e-mails and random keys in lower case, "+5511987654321", CPFs and
    CNPJs without punctuation."""
    return verdict(values, _check_pix(Text.of(values)), FAMILY)
