"""Writing numbers and dates the Brazilian way: one at a time for spreadsheet functions, and
in bulk for the suggestions of a whole column, where every string is laid out in a byte grid
whose byte positions are each one vector (zero bytes standing for nothing), then packed."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyarrow as pa

POW10 = np.array([10**i for i in range(19)], dtype=np.int64)


TWO = np.array([b"%02d" % i for i in range(100)], dtype="S2")
_FOUR = np.array([b"%04d" % i for i in range(10000)], dtype="S4")
#: _THREE_COLUMNS[k][g]: the k-th of the three digits of g (0..999), as an ASCII byte.
_THREE_COLUMNS = np.array([[ord(f"{g:03d}"[k]) for g in range(1000)] for k in range(3)], np.uint8)


def from_rows(rows: np.ndarray, lengths: np.ndarray | None, valid: np.ndarray) -> pa.Array:
    """A string array from a (cells, width) byte array: each row's non-zero bytes, in order,
    or the whole row when `lengths` is None; null where not valid."""
    n, width = rows.shape
    if lengths is None:
        lengths = np.full(n, width, dtype=np.int64)
        data = rows.ravel() if valid.all() else rows[valid].ravel()
    else:
        rows[~valid] = 0
        data = rows[rows != 0]
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.where(valid, lengths, 0), out=offsets[1:])
    nulls = int(n - np.count_nonzero(valid))
    bitmap = pa.py_buffer(np.packbits(valid, bitorder="little")) if nulls else None
    buffers = [bitmap, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(data))]
    return pa.Array.from_buffers(pa.large_string(), n, buffers, null_count=nulls)


def date_rows(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    rows = np.empty(len(y), dtype=[("d", "S2"), ("a", "S1"), ("m", "S2"), ("b", "S1"), ("y", "S4")])
    rows["d"] = TWO[np.clip(d, 0, 99)]
    rows["a"] = rows["b"] = b"/"
    rows["m"] = TWO[np.clip(m, 0, 99)]
    rows["y"] = _FOUR[np.clip(y, 0, 9999)]
    return rows.view(np.uint8).reshape(len(y), 10)


def date_strings(y: np.ndarray, m: np.ndarray, d: np.ndarray, valid: np.ndarray) -> pa.Array:
    return from_rows(date_rows(y, m, d), None, valid)


def month_strings(y: np.ndarray, m: np.ndarray, valid: np.ndarray) -> pa.Array:
    rows = np.empty(len(y), dtype=[("m", "S2"), ("a", "S1"), ("y", "S4")])
    rows["m"] = TWO[np.clip(m, 0, 99)]
    rows["a"] = b"/"
    rows["y"] = _FOUR[np.clip(y, 0, 9999)]
    return from_rows(rows.view(np.uint8).reshape(len(y), 7), None, valid)


def format_scaled(scaled: np.ndarray, valid: np.ndarray, places: int, currency: bool) -> pa.Array:
    """Vectorized `format_brl` (currency) or `format_decimal_br` (trailing zeros trimmed)."""
    n = len(scaled)
    value = scaled * valid
    negative = value < 0
    whole, fraction = np.divmod(np.abs(value), 10**places)
    digits = np.maximum(np.searchsorted(POW10, whole, side="right"), 1).astype(np.uint8)
    groups = (digits + 2) // 3
    most = int(groups.max()) if n else 1
    prefix = b"R$ " if currency else b""
    width = 1 + len(prefix) + 4 * most - 1 + (places + 1 if places else 0)
    grid = np.zeros((width, n), dtype=np.uint8)  # grid[c] is byte c of every string
    grid[0] = negative * np.uint8(ord("-"))
    for j, byte in enumerate(prefix):
        grid[1 + j] = byte
    c = width
    kept = np.full(n, places, dtype=np.uint8)  # digits after the comma
    if places:
        if places <= 4:
            decimals = _FOUR[fraction].view(np.uint8).reshape(n, 4)[:, 4 - places :].T
        else:
            decimals = np.array([(fraction // 10**j) % 10 + 48 for j in range(places)][::-1])
        zeros = np.ones(n, dtype=bool)  # only zeros so far, from the right
        for j in range(places - 1, -1, -1):
            c -= 1
            grid[c] = decimals[j]
            if not currency:
                zeros &= decimals[j] == 48
                kept -= zeros
                grid[c] *= ~zeros
        c -= 1
        grid[c] = (kept > 0) * np.uint8(ord(","))
    rest = whole
    for g in range(most):
        rest, group = np.divmod(rest, 1000)
        for k in range(3):
            c -= 1
            grid[c] = _THREE_COLUMNS[2 - k][group]
            grid[c] *= digits > 3 * g + k
        if g < most - 1:
            c -= 1
            grid[c] = (groups > g + 1) * np.uint8(ord("."))
    lengths = negative + len(prefix) + digits + groups - 1 + np.where(kept > 0, kept + 1, 0)
    return from_rows(np.ascontiguousarray(grid.T), lengths, valid)


# --------------------------------------------------------------------------------------------
# Scalar formatting and parsing: for spreadsheet functions typed in a cell, one value at a
# time, and the reference the vectorized readers are tested against.


def format_brl(scaled: int, places: int = 2) -> str:
    """Scaled integer as Brazilian currency: 123456 → "R$ 1.234,56", -5 → "-R$ 0,05"."""
    sign = "-" if scaled < 0 else ""
    return f"{sign}R$ {_grouped(abs(int(scaled)), places, trim=False)}"


def format_decimal_br(scaled: int, places: int) -> str:
    """Scaled integer as a Brazilian decimal without trailing zeros (1234500, 3 → "1.234,5")."""
    sign = "-" if scaled < 0 else ""
    return sign + _grouped(abs(int(scaled)), places, trim=True)


def _grouped(value: int, places: int, trim: bool) -> str:
    whole, fraction = divmod(value, 10**places)
    text = f"{whole:,}".replace(",", ".")
    if places:
        decimals = str(fraction).rjust(places, "0")
        decimals = decimals.rstrip("0") if trim else decimals
        if decimals:
            text += "," + decimals
    return text


def format_date_br(value: object) -> str:
    """A date as Brazil writes it, "05/03/2026"; "" for a missing one."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
