"""Identifiers of a fixed width checked by their digits (CPF, CNPJ, PIS, CEP, NCM, bank codes).

A cell is read either in its usual layout or as bare characters, straight out of the bytes
(most cells), or else through the general cleaning. Excel drops the leading zeros of a number
typed into a cell that is not formatted as text, so a value that becomes valid once padded with
zeros is flagged with the padded value as the suggestion (`Reason.ZEROS`), rather than as
merely too short.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from retaguarda.validators.identifiers.text import Text, matrix_strings, scatter
from retaguarda.validators.identifiers.verdict import Reason, Result


def mod11(total: int) -> int:
    rest = total % 11
    return 0 if rest < 2 else 11 - rest


def weighted(values: list[int], weights: tuple[int, ...]) -> int:
    return mod11(sum(map(operator.mul, values, weights)))


#: The check digit for a weighted sum: 11 - sum % 11, or 0 when that is 10 or 11.
DV_BY_SUM = np.array([0 if k % 11 < 2 else 11 - k % 11 for k in range(43 * 64)], dtype=np.int8)


def check_digits_match(matrix: np.ndarray, start: int, *weights: tuple[int, ...]) -> np.ndarray:
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
        expected = DV_BY_SUM[total - 48 * sum(w)]
        ok &= expected == matrix[:, start + k] - ord("0")
    return ok


def all_same(matrix: np.ndarray) -> np.ndarray:
    same = matrix[:, 0] == matrix[:, 1]
    rows = np.flatnonzero(same)
    same[rows] = (matrix[rows] == matrix[rows, :1]).all(axis=1)
    return same


def dv_codes(matrix: np.ndarray, ok: np.ndarray) -> np.ndarray:
    code = np.where(ok, Reason.OK, Reason.DV).astype(np.int8)
    code[all_same(matrix)] = Reason.SAME
    return code


def verify_two_digit_prefix(matrix: np.ndarray) -> np.ndarray:
    """CEPs start at 01000-000 and NCM chapters at 01: a leading "00" is a typo."""
    return np.where(
        (matrix[:, 0] == ord("0")) & (matrix[:, 1] == ord("0")), Reason.RANGE, Reason.OK
    )


@dataclass(frozen=True)
class Spec:
    width: int
    #: "#" takes the next character of the value; anything else is written as is.
    layout: str
    verify: Callable[[np.ndarray], np.ndarray]
    alphanumeric: bool = False
    #: whether fewer digits are fine (bank codes) rather than a sign of lost leading zeros.
    short_ok: bool = False


def format_matrix(matrix: np.ndarray, layout: str) -> pa.Array:
    out = np.empty((len(matrix), len(layout)), dtype=np.uint8)
    out[:, [i for i, c in enumerate(layout) if c == "#"]] = matrix
    for i, c in enumerate(layout):
        if c != "#":
            out[:, i] = ord(c)
    return matrix_strings(out)


def read_typed(text: Text, spec: Spec) -> tuple[np.ndarray, np.ndarray]:
    """The rows typed in the layout or as bare characters, as most cells are, and their
    characters; only the other rows need the costlier general cleaning."""
    shapes = dict.fromkeys((spec.layout, "#" * spec.width))
    typed = [text.typed(shape, spec.alphanumeric) for shape in shapes]
    return np.concatenate([rows for rows, _ in typed]), np.concatenate([c for _, c in typed])


def read_untyped(text: Text, *typed_rows: np.ndarray) -> tuple[np.ndarray, Text]:
    untyped = text.present.copy()
    for rows in typed_rows:
        untyped[rows] = False
    rows = np.flatnonzero(untyped)
    return rows, text.subset(rows)


def check_fixed(text: Text, spec: Spec, *, punctuated: bool = True) -> Result:
    typed_rows, typed = read_typed(text, spec)
    rows, other = read_untyped(text, typed_rows)
    found = check_read(len(text), spec, (typed_rows, typed), (rows, other), punctuated)
    return Result(found.code, found.formatted, text.trimmed)


def check_read(
    n: int,
    spec: Spec,
    typed: tuple[np.ndarray, np.ndarray],
    untyped: tuple[np.ndarray, Text],
    punctuated: bool,
) -> Result:
    """The check of `n` rows, of which `typed` were read in a shape and `untyped` are read by
    the general cleaning; the other rows are empty or none of this check's business."""
    (typed_rows, typed_chars), (rows, other) = typed, untyped
    ok = other.alphanumeric if spec.alphanumeric else other.digits
    exact = ok & (other.length == spec.width)
    # Only numbers lose leading zeros in Excel, so only they are padded.
    short = ok & other.digits & (other.length > 0) & (other.length < spec.width)
    code = np.zeros(n, dtype=np.int8)
    code[rows] = np.where(ok, Reason.LENGTH, Reason.CHARS)
    picked = np.flatnonzero(exact | short)
    candidates = np.concatenate([typed_rows, rows[picked]])
    matrix = np.concatenate([typed_chars, other.matrix(picked, spec.width)])
    padded = np.concatenate([np.zeros(len(typed_rows), dtype=bool), short[picked]])
    found = spec.verify(matrix)
    if not spec.short_ok:
        found = np.where(padded, np.where(found == Reason.OK, Reason.ZEROS, Reason.LENGTH), found)
    code[candidates] = found
    shown = found != Reason.LENGTH
    layout = spec.layout if punctuated else "#" * spec.width
    return Result(code, scatter(n, [(candidates[shown], format_matrix(matrix[shown], layout))]))
