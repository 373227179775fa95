"""One number cell at a time: `money` for spreadsheet functions typed in a cell, and the
reference reading the vectorized number parser (`numeric`) is tested against and falls back
on for the few cells it cannot read in bulk."""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import numpy as np
import pandas as pd

from retaguarda.validators.fields.grammar import DIGIT_RUN, NUMBER_RE

INT64_MAX = int(np.iinfo(np.int64).max)
#: More digits than any amount that fits int64 with its decimals (and fewer than the 4,300
#: beyond which Python refuses to read a number): such text is too big, not a number to read.
_MAX_DIGITS = 40
#: How much of a cell a message quotes.
_QUOTED = 40


def to_decimal(scaled: int, places: int) -> Decimal:
    """Scaled integer back to an exact Decimal with `places` places (123456, 2 → 1234.56)."""
    return Decimal(int(scaled)).scaleb(-places)


def money(value: object) -> Decimal | None:
    """A cell's amount in reais, rounded half-up to the cent; None for an empty cell.

    Raises ValueError, in Portuguese, for anything that is not an amount.
    """
    scaled, _ = _scaled(value, 2, whole=False)
    return None if scaled is None else to_decimal(scaled, 2)


def _scaled(value: object, places: int, whole: bool) -> tuple[int | None, bool]:
    """(scaled, ambiguous) of one cell; None for an empty cell; ValueError if unreadable."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None, False
    if isinstance(value, bool | np.bool_ | dt.date | dt.time | np.datetime64):
        raise ValueError(f"“{quoted(value)}” não é um número.")
    if isinstance(value, int | np.integer):
        return _in_range(int(value) * 10**places, int(value)), False
    if isinstance(value, Decimal):
        return decimal_scaled(value, places, whole)[0], False
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return None, False
        return float_scaled(float(value), places, whole), False
    text = str(value).strip()
    return (None, False) if not text else text_scaled(text, places, whole)[:2]


def text_scaled(text: str, places: int, whole: bool) -> tuple[int, bool, bool]:
    """(scaled, ambiguous, rounded): the reference reading of a number typed as text;
    `numeric._read_numbers` does it in bulk.

    A separator is the decimal one when it is the last of two kinds ("1.234,56",
    "1,234.56"), the only comma ("1234,56"), or the only dot ("1234.56", "1.5") except in
    "1.234": one to three digits (not starting with 0), a dot, three digits. pt-BR writes
    1234 that way and an English export 1.234, so the pt-BR reading is kept and flagged. So
    is "1,234" read as 1,234 when it must be rounded to fewer places (money): an English
    export may have meant 1234.
    """
    if NUMBER_RE.match(text) is None:
        raise ValueError(f"“{quoted(text)}” não é um número válido (ex.: 1.234,56).")
    negative = "-" in text or "(" in text or text[-1] in "Dd"
    digits = "".join(DIGIT_RUN.findall(text))
    dots, commas = text.count("."), text.count(",")
    fraction, ambiguous = 0, False
    if dots or commas:
        last = max(text.rfind("."), text.rfind(","))
        first = min(i for i in (text.find("."), text.find(",")) if i >= 0)
        after = len("".join(DIGIT_RUN.findall(text[last + 1 :])))
        ahead = len("".join(DIGIT_RUN.findall(text[:first])))
        groupable = after == 3 and 1 <= ahead <= 3 and digits[0] != "0"
        if dots and commas:
            fraction = after
        elif commas == 1:
            fraction, ambiguous = after, groupable and places < 3
        elif dots == 1:
            fraction, ambiguous = (0, True) if groupable else (after, False)
    significant = digits.lstrip("0") or "0"
    if len(significant) > _MAX_DIGITS:
        raise ValueError(f"“{quoted(text)}” é grande demais.")
    value, rest = int(significant), 0
    if fraction <= places:
        scaled = value * 10 ** (places - fraction)
    else:
        unit = 10 ** (fraction - places)
        scaled, rest = divmod(value, unit)
        if whole and rest:
            raise ValueError(f"“{quoted(text)}” não é um número inteiro.")
        scaled += 2 * rest >= unit
    scaled = _in_range(-scaled if negative else scaled, text)
    return scaled, ambiguous and not whole, rest != 0


def float_scaled(number: float, places: int, whole: bool) -> int:
    """The reference rounding of a float cell: half-up from its shortest repr."""
    if not math.isfinite(number):
        raise ValueError(f"“{quoted(number)}” não é um número válido.")
    scaled, _ = decimal_scaled(Decimal(repr(number)), places, whole)
    return scaled


def decimal_scaled(exact: Decimal, places: int, whole: bool) -> tuple[int | None, bool]:
    """(scaled, rounded) of an exact decimal, half-up; None for NaN (an empty cell)."""
    if exact.is_nan():
        return None, False
    if not exact.is_finite():
        raise ValueError(f"“{quoted(exact)}” não é um número válido.")
    if abs(exact) >= 10**19:
        raise ValueError(f"“{quoted(exact)}” é grande demais.")
    if whole and exact != exact.to_integral_value():
        raise ValueError(f"“{quoted(exact)}” não é um número inteiro.")
    try:
        scaled = exact.scaleb(places).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    except InvalidOperation as error:
        raise ValueError(f"“{quoted(exact)}” é grande demais.") from error
    return _in_range(int(scaled), str(exact)), scaled != exact.scaleb(places)


def quoted(value: object) -> str:
    """A cell as a message quotes it: long ones cut short, so that a sentence stays one (and
    an int through Decimal: str() refuses one of more than 4,300 digits)."""
    text = format(Decimal(value), "f") if type(value) is int else str(value)
    return text if len(text) <= _QUOTED else text[: _QUOTED - 1] + "…"


def _in_range(scaled: int, shown: object) -> int:
    if abs(scaled) > INT64_MAX:
        raise ValueError(f"“{quoted(shown)}” é grande demais.")
    return scaled
