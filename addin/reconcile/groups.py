"""One line on one side that several lines on the other add up to: a batch payment of several
bills, a deposit of several receipts, a bill paid in parts.

The search is a bounded subset sum, done for every target line at once. Each target (a line
left over by the one-to-one passes) looks at its `NEAREST` nearest leftover lines of the same
sign, inside the date window and smaller than itself. Every subset of at most half the group
size is summed (a fixed table of index combinations, gathered in one numpy operation); two
halves that add up to the target are found by sorted search on "target offset + sum", the
same way the one-to-one candidates are. So a 6-item group costs the subsets of 3, never the
2¹² subsets of all candidates, and no Python code runs per target.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import combinations

import numpy as np

from retaguarda.addin.reconcile.candidates import expand

#: candidate items per target; 12 gives 299 half-subsets of up to 3 items each
NEAREST = 12
#: at most this many half-subsets tried against one half (equal amounts repeat sums)
PARTNERS = 64


@dataclass
class Solutions:
    """Every subset found: target `target[k]` (an index into the target side) equals the sum
    of items `items[k]` (indices into the item side); `widest[k]` is the largest distance in
    days between the target and any of its items."""

    target: np.ndarray
    items: list[np.ndarray]
    widest: np.ndarray


@cache
def _halves(k: int, most: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every subset of range(k) with at most `most` members: their members (padded with k, a
    column of zeros), their bit masks and their sizes. The empty subset is one of them, so a
    whole group may sit in one half."""
    subsets = [c for size in range(most + 1) for c in combinations(range(k), size)]
    members = np.full((len(subsets), max(most, 1)), k, np.int64)
    for row, subset in enumerate(subsets):
        members[row, : len(subset)] = subset
    masks = np.array([sum(1 << i for i in c) for c in subsets], np.int64)
    sizes = np.array([len(c) for c in subsets], np.int64)
    return members, masks, sizes


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
    empty = Solutions(np.empty(0, np.int64), [], np.empty(0, np.int64))
    if max_group < 2 or not len(t_cents) or not len(i_cents):
        return empty
    near, count = _nearest(t_cents, t_day, i_cents, i_day, window)
    rows = np.flatnonzero(count >= 2)
    if not len(rows):
        return empty
    near = near[rows]
    goal = np.abs(t_cents[rows])
    members, masks, sizes = _halves(NEAREST, (max_group + 1) // 2)
    padded = np.concatenate([near, np.full((len(rows), 1), -1)], axis=1)
    amounts = np.where(padded >= 0, np.abs(i_cents[padded]), 0)
    sums = amounts[:, members].sum(axis=2)
    usable = (padded[:, members] >= 0).sum(axis=2) == (members < NEAREST).sum(axis=1)
    usable &= sums <= goal[:, None]
    which, half = np.nonzero(usable)
    offset = np.concatenate([[0], np.cumsum(goal + 1)[:-1]])
    key = offset[which] + sums[which, half]
    order = np.argsort(key, kind="stable")
    keys = key[order]
    wanted = offset[which] + goal[which] - sums[which, half]
    lo = np.searchsorted(keys, wanted, "left")
    hi = np.minimum(np.searchsorted(keys, wanted, "right"), lo + PARTNERS)
    a, position = expand(lo, hi)
    b = order[position]
    mask_a, mask_b = masks[half[a]], masks[half[b]]
    size = sizes[half[a]] + sizes[half[b]]
    fits = ((mask_a & mask_b) == 0) & (mask_a < mask_b) & (size >= 2) & (size <= max_group)
    found = np.unique(which[a[fits]] * (1 << NEAREST) + (mask_a[fits] | mask_b[fits]))
    which, mask = found >> NEAREST, found & ((1 << NEAREST) - 1)
    chosen = ((mask[:, None] >> np.arange(NEAREST)) & 1).astype(bool)
    items = [near[w][c] for w, c in zip(which.tolist(), chosen, strict=True)]
    target = rows[which]
    widest = np.array(
        [
            int(np.abs(i_day[it] - t_day[t]).max())
            for t, it in zip(target.tolist(), items, strict=True)
        ],
        np.int64,
    )
    return Solutions(target, items, widest)


def _nearest(
    t_cents: np.ndarray, t_day: np.ndarray, i_cents: np.ndarray, i_day: np.ndarray, window: int
) -> tuple[np.ndarray, np.ndarray]:
    """For each target, its NEAREST candidate items (by date, then the larger first), -1
    where there are fewer, and how many there are."""
    base = min(t_day.min(), i_day.min()) - window
    span = int(max(t_day.max(), i_day.max()) - base) + window + 1
    i_key = (i_cents > 0) * span + (i_day - base)
    order = np.argsort(i_key, kind="stable")
    keys = i_key[order]
    t_key = (t_cents > 0) * span + (t_day - base)
    lo = np.searchsorted(keys, t_key - window, "left")
    hi = np.searchsorted(keys, t_key + window, "right")
    row, position = expand(lo, hi)
    item = order[position]
    size = np.abs(i_cents[item])
    keep = (
        (size > 0)
        & (size < np.abs(t_cents[row]))
        & (np.sign(i_cents[item]) == np.sign(t_cents[row]))
    )
    row, item, size = row[keep], item[keep], size[keep]
    ranked = np.lexsort((item, -size, np.abs(i_day[item] - t_day[row]), row))
    row, item = row[ranked], item[ranked]
    starts = np.searchsorted(row, np.arange(len(t_cents)))
    rank = np.arange(len(row)) - starts[row]
    keep = rank < NEAREST
    near = np.full((len(t_cents), NEAREST), -1, np.int64)
    near[row[keep], rank[keep]] = item[keep]
    return near, np.minimum(np.bincount(row, minlength=len(t_cents)), NEAREST)
