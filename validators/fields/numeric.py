"""Number columns: amounts and quantities as integers scaled by 10**places, rounded half-up.

Money typed as text never goes through binary float: its digits are read straight out of the
Arrow buffers.
"""

from __future__ import annotations

import contextlib

import numpy as np
import pandas as pd
import pyarrow as pa

from retaguarda.validators.arrays import matches
from retaguarda.validators.fields.amounts import (
    INT64_MAX,
    decimal_scaled,
    float_scaled,
    text_scaled,
)
from retaguarda.validators.fields.bytegrid import by_distinct, byte_grid
from retaguarda.validators.fields.cells import Cells, split
from retaguarda.validators.fields.formatting import POW10, format_scaled
from retaguarda.validators.fields.grammar import NUMBER_PATTERN
from retaguarda.validators.fields.parsed import Parsed, text_series

#: Below this, a scaled float's rounding interval holds at most one decimal with one more
#: place than wanted, so float arithmetic recovers its shortest repr (see `_float_numbers`).
_FLOAT_EXACT = float(2**48)


def parse_decimal(cells: pd.Series | Cells, places: int) -> Parsed:
    """Read amounts and quantities as integers scaled by 10**places, rounded half-up.

    A float cell is rounded as Excel shows it (the shortest repr of the float: 1.005 is
    R$ 1,01, not the 1,00 its binary value would round to); text is read exactly.
    """
    return _parse_number(cells, places, whole=False)


def parse_integer(cells: pd.Series | Cells) -> Parsed:
    """Read whole numbers; a fraction other than zero ("3,5") is invalid, not rounded."""
    return _parse_number(cells, 0, whole=True)


def _parse_number(cells: pd.Series, places: int, whole: bool) -> Parsed:
    col = split(cells)
    n = col.n
    scaled = np.zeros(n, dtype=np.int64)
    ok, invalid, ambiguous, rounded = (np.zeros(n, dtype=bool) for _ in range(4))
    at, text = col.texts()
    if len(at):
        scaled[at], ok[at], ambiguous[at], rounded[at] = _text_numbers(text, places, whole)
        invalid[at] = ~ok[at]
    at, number = col.numbers()
    if len(at):
        scaled[at], ok[at] = _float_numbers(number, places, whole)
        invalid[at] = ~ok[at]
    for i, exact in zip(*col.exacts(), strict=True):  # Decimals, from programs: rare
        ok[i], invalid[i] = False, True
        with contextlib.suppress(ValueError):
            reading, rounded[i] = decimal_scaled(exact, places, whole)
            invalid[i] = False
            if reading is not None:
                scaled[i], ok[i] = reading, True
    invalid[col.elsewhere()] = True
    at, _ = col.whens()
    invalid[at] = True
    scaled *= ok
    values = pd.Series(pd.arrays.IntegerArray(scaled, ~ok), index=col.index)
    shown = text_series(format_scaled(scaled, ok, places, currency=places == 2), col.index)
    return Parsed(values, invalid, ambiguous, shown, rounded & ok)


def _text_numbers(
    text: pa.Array, places: int, whole: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(scaled, ok, ambiguous, rounded) of stripped, non-empty text."""
    return by_distinct(text, lambda distinct: _read_numbers(distinct, places, whole))


def _read_numbers(
    text: pa.Array, places: int, whole: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Mirrors `text_scaled`, reading every cell's digits and separators at once."""
    n = len(text)
    if n == 0:
        nothing = np.zeros(0, dtype=bool)
        return np.zeros(0, dtype=np.int64), nothing, nothing, nothing
    fits = matches(text, NUMBER_PATTERN)
    ok = fits.copy()
    grid, lengths = byte_grid(text)
    width = len(grid)
    # One pass over the byte positions, left to right, in small integers.
    ndigits, dots, commas, ahead, after = (np.zeros(n, dtype=np.uint8) for _ in range(5))
    negative, seen_sep, seen_digit, lead_zero = (np.zeros(n, dtype=bool) for _ in range(4))
    value = np.zeros(n, dtype=np.int64)
    block = np.zeros(n, dtype=np.int32)  # the digits of the last (up to nine) positions...
    count = np.zeros(n, dtype=np.uint8)  # ...and how many there are
    for c in range(width):
        byte = grid[c]
        digit = byte - 48
        is_digit = digit < 10
        is_dot = byte == 46
        is_comma = byte == 44
        is_sep = is_dot | is_comma
        ndigits += is_digit
        dots += is_dot
        commas += is_comma
        negative |= (byte == 45) | (byte == 40) | (byte == 68) | (byte == 100)  # - ( D d
        ahead += is_digit & ~seen_sep
        seen_sep |= is_sep
        after += is_digit
        after *= ~is_sep
        lead_zero |= ~seen_digit & (byte == 48)
        seen_digit |= is_digit
        block *= is_digit * np.uint8(9) + np.uint8(1)  # times 10 for a digit
        block += digit * is_digit
        count += is_digit
        if c % 9 == 8 or c == width - 1:
            value *= POW10[count]
            value += block
            block[:] = 0
            count[:] = 0

    # The same rules as `text_scaled`, for every cell at once.
    single_dot = (dots == 1) & (commas == 0)
    single_comma = (commas == 1) & (dots == 0)
    groupable = (after == 3) & (ahead >= 1) & (ahead <= 3) & ~lead_zero
    decimal = ((dots > 0) & (commas > 0)) | single_comma | (single_dot & ~groupable)
    fraction = after * decimal
    if whole:
        ambiguous = np.zeros(n, dtype=bool)
    else:
        ambiguous = fits & ((single_dot & groupable) | (single_comma & groupable & (places < 3)))

    # Scale to `places`: usually a multiplication; more decimals than that round half-up.
    grow = fraction <= places
    shift = np.uint8(places) - np.minimum(fraction, np.uint8(places))
    scaled = value * POW10[shift]
    risky = np.flatnonzero(ndigits + shift > 18)
    overflow = np.zeros(n, dtype=bool)
    overflow[risky] = value[risky] > INT64_MAX // POW10[shift[risky]]
    ok &= ~overflow
    cut = np.flatnonzero(~grow)
    unit = POW10[np.minimum(fraction[cut] - places, 18)]
    kept, rest = np.divmod(value[cut], unit)
    scaled[cut] = kept + (2 * rest >= unit)
    rounded = np.zeros(n, dtype=bool)
    rounded[cut] = rest != 0
    if whole:
        ok[cut] &= rest == 0
    np.negative(scaled, out=scaled, where=negative)
    # Beyond int64 arithmetic or the grid: read those few cells exactly, one at a time.
    for i in np.flatnonzero(fits & ((ndigits > 18) | (lengths > width))):
        try:
            scaled[i], ambiguous[i], rounded[i] = text_scaled(text[i].as_py(), places, whole)
            ok[i] = True
        except ValueError:
            ok[i] = False
    scaled *= ok
    return scaled, ok, ambiguous & ok, rounded & ok & ~whole


def _float_numbers(number: np.ndarray, places: int, whole: bool) -> tuple[np.ndarray, np.ndarray]:
    """(scaled, ok) for float cells, rounded half-up from their shortest repr.

    The decimal Excel shows for a float is (to 15 digits) its shortest repr; rounding that
    decimal half-up gives r with h(r - 1) <= |x| < h(r), h(k) = (k + 1/2) / 10**places. Below
    `_FLOAT_EXACT` a float's rounding interval holds at most one decimal with places + 1
    digits, so comparing |x| with the nearest float to h(k) (one correctly rounded division)
    decides the tie exactly: 1.005 is the float nearest to 1.005, so it rounds up.
    """
    finite = np.isfinite(number)
    size = np.abs(np.where(finite, number, 0.0))
    if whole:
        ok = finite & (np.floor(size) == size) & (size < 2.0**63)
        scaled = np.where(ok, number, 0.0).astype(np.int64)
        return scaled, ok
    unit = 10.0**places
    scaled_up = size * unit
    near = finite & (scaled_up < _FLOAT_EXACT)
    guess = np.floor(np.where(near, scaled_up, 0.0) + 0.5)
    guess += size >= (2 * guess + 1) / (2 * unit)
    guess -= size < (2 * guess - 1) / (2 * unit)
    scaled = np.where(number < 0, -guess, guess).astype(np.int64)
    ok = near.copy()
    for i in np.flatnonzero(finite & ~near):
        try:
            scaled[i] = float_scaled(float(number[i]), places, whole)
            ok[i] = True
        except ValueError:
            pass
    return np.where(ok, scaled, 0), ok
