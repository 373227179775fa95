"""One line on one side that several lines on the other add up to: a batch payment of several
bills, a deposit of several receipts, a bill paid in parts.

The several lines of a group carry one date: a batch is booked on one day, a bill's parts
go out on one day. That keeps the search small and the coincidences few (a subset of a
whole week's leftovers adds up to some amount by chance far more often than one of a day's).

The search is a bounded subset sum, done for every target line at once (meet in the middle).
For each target (a line left over by the one-to-one passes) and each day of its window, it
takes that day's leftover lines of the same sign and smaller than the target, the `NEAREST`
largest, split into two halves. Every subset of each half is summed (by doubling: 2⁵ sums
in 5 steps); a subset of the first half and one of the second that add up to the target
are found by sorted search on "target offset + sum", the same way the one-to-one
candidates are. So 10 candidates cost 2 × 2⁵ sums, never the 2¹⁰ subsets, and no Python
code runs per target.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np

from retaguarda.addin.reconcile.candidates import expand

#: candidate items per target and day: two halves of 5, 32 subset sums each
NEAREST = 10
#: at most this many subsets of one half tried against one of the other (equal amounts
#: repeat sums)
PARTNERS = 64
#: (line, day) units searched at once
BLOCK = 8192
#: the amount of a missing candidate: any subset holding one sums past every target
MISSING = 2**50


@dataclass
class Solutions:
    """Every subset found: target `target[k]` (an index into the target side) equals the sum
    of items `items[k]` (indices into the item side), all dated `apart[k]` days after it."""

    target: np.ndarray
    items: list[np.ndarray]
    apart: np.ndarray
    chance: np.ndarray  # about how many subsets would add up to the target by chance


def _subset_sums(amounts: np.ndarray) -> np.ndarray:
    """For each row, the sums of every subset of its columns: column `mask` holds the sum of
    the columns whose bits are set in `mask` (built by doubling, one column at a time)."""
    sums = np.zeros((len(amounts), 1), np.int64)
    for column in amounts.T:
        sums = np.concatenate([sums, sums + column[:, None]], axis=1)
    return sums


def search(
    t_cents: np.ndarray,
    t_day: np.ndarray,
    i_cents: np.ndarray,
    i_day: np.ndarray,
    window: int,
    max_group: int,
) -> Solutions:
    """Every set of 2 to `max_group` items, among each target's nearest, summing exactly to
    the target."""
    empty = Solutions(np.empty(0, np.int64), [], np.empty(0, np.int64), np.empty(0))
    if max_group < 2 or not len(t_cents) or not len(i_cents):
        return empty
    live = np.flatnonzero(i_cents != 0)
    i_cents, i_day = i_cents[live], i_day[live]
    if not len(live):
        return empty
    rows, near = _units(t_cents, t_day, i_cents, i_day, window)
    if not len(rows):
        return empty
    # units with few candidates get a smaller table (4 candidates: 2 × 4 sums, not 2 × 32)
    width = np.minimum(((near >= 0).sum(axis=1) + 1) // 2 * 2, NEAREST)
    found_row, found_mask = [], []
    for w in np.unique(width).tolist():
        every = np.flatnonzero(width == w)
        # in blocks: arrays that fit in a cache, not one of 30 million sums
        for units in np.array_split(every, -(-len(every) // BLOCK)):
            row, mask = _meet(
                np.abs(t_cents[rows[units]]),
                np.abs(i_cents[near[units, :w]]),
                near[units, :w] >= 0,
                max_group,
            )
            found_row.append(units[row])
            found_mask.append(mask)
    row, mask = np.concatenate(found_row), np.concatenate(found_mask)
    chosen = ((mask[:, None] >> np.arange(NEAREST)) & 1).astype(bool)
    target = rows[row]
    apart = i_day[near[row, 0]] - t_day[target]
    items = [live[near[r][c]] for r, c in zip(row.tolist(), chosen, strict=True)]
    # how many subsets were tried against how wide a range of sums, over all the target's
    # days: about the number of subsets that would hit the target by chance
    count = (near >= 0).sum(axis=1)
    tried = _subset_counts(NEAREST, max_group)[count]
    spread = np.where(near >= 0, np.abs(i_cents[near]), 0).sum(axis=1)
    chance = np.bincount(rows, tried / np.maximum(spread, 1), minlength=len(t_cents))
    return Solutions(target, items, apart, chance[target])


@cache
def _subset_counts(k: int, max_group: int) -> np.ndarray:
    """For 0..k candidates, how many subsets of 2 to `max_group` of them there are."""
    return np.array(
        [sum(math.comb(n, s) for s in range(2, min(n, max_group) + 1)) for n in range(k + 1)],
        float,
    )


def _meet(
    goal: np.ndarray, cents: np.ndarray, present: np.ndarray, max_group: int
) -> tuple[np.ndarray, np.ndarray]:
    """Meet in the middle: for each row, the subsets (as bit masks over its columns) of 2 to
    `max_group` present candidates adding up to `goal`."""
    half = cents.shape[1] // 2
    sizes = np.bitwise_count(np.arange(1 << half))
    amounts = np.where(present, cents, MISSING)
    # sums past the goal are all one value, goal + 1: sorted last, never a complement
    past = (goal + 1)[:, None]
    first = np.minimum(_subset_sums(amounts[:, :half]), past)
    second = np.minimum(_subset_sums(amounts[:, half:]), past)
    order = np.argsort(first, axis=1, kind="stable")
    ranked = np.take_along_axis(first, order, axis=1)
    # each row's sums, shifted past the previous row's goal, are sorted as one array; so are
    # the complements (goal - sum) of the other half's sums, taken from the largest down
    offset = np.concatenate([[0], np.cumsum(goal + 2)[:-1]])[:, None]
    keys = (offset + ranked).ravel()
    other = np.argsort(-second, axis=1, kind="stable")
    needles = offset + (past - 1) - np.take_along_axis(second, other, axis=1)
    wanted = np.flatnonzero((needles >= offset).ravel())
    needles = needles.ravel()[wanted]
    lo = np.searchsorted(keys, needles, "left")
    hi = np.minimum(np.searchsorted(keys, needles, "right"), lo + PARTNERS)
    a, b = expand(lo, hi)
    row = b // len(sizes)
    mask_a = order[row, b % len(sizes)]
    mask_b = other.ravel()[wanted[a]]
    size = sizes[mask_a] + sizes[mask_b]
    fits = (size >= 2) & (size <= max_group)
    return row[fits], mask_a[fits] | (mask_b[fits] << half)


def _units(
    t_cents: np.ndarray, t_day: np.ndarray, i_cents: np.ndarray, i_day: np.ndarray, window: int
) -> tuple[np.ndarray, np.ndarray]:
    """The (target, day) pairs worth a search: for each target and each day of its window,
    the day's items of the target's sign and smaller than it, the NEAREST largest of them
    (-1 where there are fewer), when there are at least two. Items are sorted by (sign, day,
    larger first), so those items are one range found by two sorted searches."""
    size = np.abs(i_cents)
    base = min(t_day.min(), i_day.min()) - window
    span = int(max(t_day.max(), i_day.max()) - base) + window + 1
    bucket = (i_cents > 0) * span + (i_day - base)
    top = int(size.max()) + 2
    key = bucket * top + (top - 1 - size)
    order = np.argsort(key, kind="stable")
    keys = key[order]
    ordered = size[order]
    total = np.concatenate([[0], np.cumsum(ordered)])
    # the targets in (day, larger first) order, so that every search below is sorted
    t_bucket = (t_cents > 0) * span + (t_day - base)
    t_size = np.abs(t_cents)
    by_day = np.lexsort((-t_size, t_bucket))
    t_bucket, t_size = t_bucket[by_day], t_size[by_day]
    targets, nears = [], []
    for offset in range(-window, window + 1):
        b = t_bucket + offset
        lo = np.searchsorted(keys, b * top + np.maximum(top - t_size, 0), "left")
        hi = np.searchsorted(keys, (b + 1) * top, "left")
        take = np.minimum(hi - lo, NEAREST)
        last = lo + take - 1
        # worth a search: two candidates at least, together reaching the target, the two
        # smallest not already past it
        worth = np.flatnonzero(
            (take >= 2)
            & (total[np.maximum(lo + take, 0)] - total[lo] >= t_size)
            & (ordered[np.maximum(last, 0)] + ordered[np.maximum(last - 1, 0)] <= t_size)
        )
        lo, take = lo[worth], take[worth]
        row, position = expand(lo, lo + take)
        near = np.full((len(worth), NEAREST), -1, np.int64)
        near[row, position - lo[row]] = order[position]
        targets.append(by_day[worth])
        nears.append(near)
    return np.concatenate(targets), np.concatenate(nears)
