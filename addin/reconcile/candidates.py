"""Which statement line could be which ledger line, found by sorted search, never n×m.

Every pass of the matcher starts from candidate pairs: arrays of (statement index, ledger
index) that share an amount and fall inside a date window, or share an amount and a document
number, or differ by no more than a tolerated fee. Each search sorts one side once and looks
every line of the other side up with `np.searchsorted`, so 100,000 lines cost a few sorts,
not 10¹⁰ comparisons, and no Python code runs per line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: at most this many partners looked at for one line in one pass (the nearest in date or
#: amount): a hundred lines of R$ 100,00 on one day would otherwise make 10,000 pairs
CAP = 64

#: a reference number is trusted this far apart in days (a cheque cleared weeks later still
#: carries its number), further than the plain amount-and-date window
REFERENCE_DAYS = 31

#: document numbers shorter than this (after leading zeros) are too common to mean anything:
#: "05" is a day of the month in a bank's description as often as it is a document
MIN_REFERENCE_DIGITS = 3


@dataclass
class Pairs:
    """Candidate pairs: statement line `statement[k]` with ledger line `ledger[k]`."""

    statement: np.ndarray
    ledger: np.ndarray

    @classmethod
    def empty(cls) -> Pairs:
        return cls(np.empty(0, np.int64), np.empty(0, np.int64))


def days(dates: pd.Series) -> np.ndarray:
    """Dates as whole days since 1970, the unit every window is measured in."""
    return dates.to_numpy().astype("datetime64[D]").astype(np.int64)


def expand(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ranges [lo[i], hi[i]): every (i, position) pair, without a loop."""
    counts = np.maximum(hi - lo, 0)
    rows = np.repeat(np.arange(len(lo), dtype=np.int64), counts)
    starts = np.repeat(lo - (np.cumsum(counts) - counts), counts)
    return rows, starts + np.arange(int(counts.sum()), dtype=np.int64)


def capped(lo: np.ndarray, hi: np.ndarray, centre: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ranges cut to at most CAP entries around `centre` (the nearest ones kept)."""
    lo2 = np.clip(centre - CAP // 2, lo, None)
    hi2 = np.minimum(hi, lo2 + CAP)
    lo2 = np.clip(hi2 - CAP, lo, None)
    return lo2, hi2


def amount_ranks(*cents: np.ndarray) -> list[np.ndarray]:
    """Amounts replaced by their rank among all amounts on both sides: equal amounts get
    equal ranks, and a rank times a day span fits in int64 where cents times days may not."""
    _, rank = np.unique(np.concatenate(cents), return_inverse=True)
    return np.split(rank.astype(np.int64), np.cumsum([len(c) for c in cents])[:-1])


def search_sorted(keys: np.ndarray, *needles: tuple[np.ndarray, str]) -> list[np.ndarray]:
    """`np.searchsorted(keys, needle, side)` for each (needle, side), the needles looked up in
    the order of the first: a binary search is many times faster when the needles come
    sorted (each starts where the last ended, in cache), and the needles of one search are
    the same lines shifted by a window."""
    order = np.argsort(needles[0][0], kind="stable")
    found = []
    for needle, side in needles:
        out = np.empty(len(needle), np.int64)
        out[order] = np.searchsorted(keys, needle[order], side)
        found.append(out)
    return found


def same_amount(
    s_rank: np.ndarray, s_day: np.ndarray, l_rank: np.ndarray, l_day: np.ndarray, window: int
) -> Pairs:
    """Pairs with the same amount (same rank) and dates at most `window` days apart."""
    if not len(s_rank) or not len(l_rank):
        return Pairs.empty()
    base = min(s_day.min(), l_day.min()) - window
    span = int(max(s_day.max(), l_day.max()) - base) + window + 1
    l_key = l_rank * span + (l_day - base)
    order = np.argsort(l_key, kind="stable")
    keys = l_key[order]
    s_key = s_rank * span + (s_day - base)
    lo, hi, centre = search_sorted(
        keys, (s_key - window, "left"), (s_key + window, "right"), (s_key, "left")
    )
    lo, hi = capped(lo, hi, centre)
    rows, positions = expand(lo, hi)
    return Pairs(rows, order[positions])


def _digits(text: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Only the digits, leading zeros dropped: "NF 001.002" → "1002"."""
    return pc.utf8_ltrim(pc.replace_substring_regex(text, r"\D+", ""), "0")


def _runs(text: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, pa.Array]:
    """Every run of digits in each text, leading zeros dropped, with the row it came from."""
    lists = pc.split_pattern_regex(text, r"\D+")
    if isinstance(lists, pa.ChunkedArray):
        lists = lists.combine_chunks()
    rows = pc.list_parent_indices(lists).to_numpy().astype(np.int64)
    return rows, pc.utf8_ltrim(pc.list_flatten(lists), "0")


def reference_tokens(description: pd.Series, document: pd.Series) -> tuple[np.ndarray, pa.Array]:
    """Where a statement line may carry a ledger document's number: each digit run of its
    description, and all the digits of its own document field."""
    desc_rows, desc_tokens = _runs(pa.array(description.fillna("")))
    doc_tokens = _digits(pa.array(document.fillna("")))
    rows = np.concatenate([desc_rows, np.arange(len(document), dtype=np.int64)])
    tokens = pa.concat_arrays(
        [desc_tokens.cast(pa.large_string()), doc_tokens.cast(pa.large_string())]
    )
    return rows, tokens


def ledger_numbers(document: pd.Series) -> pa.Array:
    """A ledger line's document as the number a bank would print: its digits."""
    return _digits(pa.array(document.fillna(""))).cast(pa.large_string())


def same_reference(
    s_rank: np.ndarray,
    s_day: np.ndarray,
    s_description: pd.Series,
    s_document: pd.Series,
    l_rank: np.ndarray,
    l_day: np.ndarray,
    l_document: pd.Series,
    window: int,
) -> Pairs:
    """Pairs with the same amount whose ledger document number appears in the statement
    line (its description or its document), dates at most `max(window, REFERENCE_DAYS)`
    apart."""
    if not len(s_rank) or not len(l_rank):
        return Pairs.empty()
    numbers = ledger_numbers(l_document)
    l_keep = np.flatnonzero(
        pc.utf8_length(numbers).to_numpy(zero_copy_only=False) >= MIN_REFERENCE_DIGITS
    )
    if not len(l_keep):
        return Pairs.empty()
    s_rows, tokens = reference_tokens(s_description, s_document)
    s_keep = pc.utf8_length(tokens).to_numpy(zero_copy_only=False) >= MIN_REFERENCE_DIGITS
    s_rows = s_rows[s_keep]
    tokens = tokens.filter(pa.array(s_keep))
    codes, uniques = pd.factorize(
        np.concatenate(
            [
                tokens.to_numpy(zero_copy_only=False),
                numbers.take(pa.array(l_keep)).to_numpy(zero_copy_only=False),
            ]
        )
    )
    width = len(uniques) + 1
    s_key = s_rank[s_rows] * width + codes[: len(s_rows)]
    l_key = l_rank[l_keep] * width + codes[len(s_rows) :]
    order = np.argsort(l_key, kind="stable")
    keys = l_key[order]
    lo, hi = search_sorted(keys, (s_key, "left"), (s_key, "right"))
    lo, hi = capped(lo, hi, lo)
    rows, positions = expand(lo, hi)
    s = s_rows[rows]
    ledger = l_keep[order[positions]]
    near = np.abs(s_day[s] - l_day[ledger]) <= max(window, REFERENCE_DAYS)
    key = np.unique(s[near] * len(l_rank) + ledger[near])
    return Pairs(key // len(l_rank), key % len(l_rank))


def within_tolerance(
    s_cents: np.ndarray,
    s_day: np.ndarray,
    l_cents: np.ndarray,
    l_day: np.ndarray,
    tolerance: np.ndarray,
    window: int,
) -> Pairs:
    """Pairs of the same sign whose amounts differ by at most `tolerance[i]` (per statement
    line) and whose dates are at most `window` days apart. Searched by amount, the nearest
    CAP amounts kept, then filtered by date: it runs on what the exact passes left over."""
    if not len(s_cents) or not len(l_cents):
        return Pairs.empty()
    order = np.argsort(l_cents, kind="stable")
    keys = l_cents[order]
    centre, lo, hi = search_sorted(
        keys, (s_cents, "left"), (s_cents - tolerance, "left"), (s_cents + tolerance, "right")
    )
    lo, hi = capped(lo, hi, centre)
    rows, positions = expand(lo, hi)
    ledger = order[positions]
    keep = (np.abs(s_day[rows] - l_day[ledger]) <= window) & (
        np.sign(s_cents[rows]) == np.sign(l_cents[ledger])
    )
    return Pairs(rows[keep], ledger[keep])
