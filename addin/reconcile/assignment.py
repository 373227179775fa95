"""Choosing among scored candidate pairs all at once, so that no line takes a partner that a
better-placed line needed (a greedy first-come pass does exactly that).

The candidate graph falls apart into connected components. Most are one statement line and
one ledger line with one pair between them, or one line with several candidates (a star):
both are settled at once, vectorised. The others (the same amount several times on both
sides inside the window) are solved one by one with the Hungarian method
(`scipy.optimize.linear_sum_assignment`, maximising the total score); there are few of them
and they are small, so the Python loop runs over components, never over lines.

A chosen pair is automatic only when the choice is clear. In a small component that means
the best assignment without that pair scores at least MARGIN less (ERPNext abstains when the
top two candidates tie; this is the same rule said of a whole component). In a large one,
where solving once per pair would cost too much, it means both lines prefer each other over
any other candidate by MARGIN. Anything less clear is proposed as "sugerida".

Twins do not count as rivals: two lines on one side with the same amount, description and
document (a payment booked twice, a line the bank exported twice) are the same candidate to
a person, so picking the nearer one is no guess; the other stays unmatched, which is what
shows the duplicate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

#: how much better a choice must be than the next best to be taken without asking
MARGIN = 0.05
#: components up to this many lines a side get the exact "without this pair" test
EXACT_LIMIT = 40
#: larger components are solved this many statement lines at a time (a dense matrix each)
CHUNK = 1000


@dataclass
class Assignment:
    """The chosen pairs, as indices into the candidate arrays, and whether each is clear."""

    edges: np.ndarray
    automatic: np.ndarray
    contested: np.ndarray  # the pair had a rival: its weight was adjusted by `refine`


def assign(
    statement: np.ndarray,
    ledger: np.ndarray,
    weight: np.ndarray,
    refine: Callable[[np.ndarray], np.ndarray] | None = None,
    twins: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None,
) -> Assignment:
    """Pairs (statement[k], ledger[k]) with positive `weight[k]`, at most one pair per line,
    maximising the total weight.

    `refine(edges)` returns new weights for the pairs that have a rival (the description
    similarity tie-breaker, too costly to compute for every pair); `weight` is updated in
    place. `twins(edges)` returns, for those pairs, a class of their statement line and of
    their ledger line: lines of one class on one side are twins (see the module's note)."""
    if not len(statement):
        empty = np.empty(0, np.int64)
        return Assignment(empty, empty.astype(bool), empty.astype(bool))
    _, s_node = np.unique(statement, return_inverse=True)
    _, l_node = np.unique(ledger, return_inverse=True)
    alone = (np.bincount(s_node)[s_node] == 1) & (np.bincount(l_node)[l_node] == 1)
    picked = [np.flatnonzero(alone)]
    automatic = [np.ones(len(picked[0]), bool)]
    rest = np.flatnonzero(~alone)
    if len(rest):
        if refine is not None:
            weight[rest] = refine(rest)
        s_class, l_class = twins(rest) if twins is not None else (s_node[rest], l_node[rest])
        n = int(s_node.max()) + 1
        size = n + int(l_node.max()) + 1
        graph = coo_matrix(
            (np.ones(len(rest)), (s_node[rest], n + l_node[rest])), shape=(size, size)
        )
        _, labels = connected_components(graph, directed=False)
        component = labels[s_node[rest]]
        star_s = _one_per_component(component, s_node[rest])
        star_l = _one_per_component(component, l_node[rest]) & ~star_s
        for star, leaf in ((star_s, l_class), (star_l, s_class)):
            edges, clear = _stars(component[star], leaf[star], weight[rest][star])
            picked.append(rest[star][edges])
            automatic.append(clear)
        others = ~(star_s | star_l)
        rest, component = rest[others], component[others]
        s_class, l_class = s_class[others], l_class[others]
        order = np.argsort(component, kind="stable")
        cuts = np.flatnonzero(np.diff(component[order])) + 1
        for part in np.split(order, cuts) if len(order) else []:
            edges = rest[part]
            chosen, clear = _component(
                s_node[edges], l_node[edges], weight[edges], s_class[part], l_class[part]
            )
            picked.append(edges[chosen])
            automatic.append(clear)
    edges = np.concatenate(picked)
    contested = np.ones(len(edges), bool)
    contested[: len(picked[0])] = False
    return Assignment(edges, np.concatenate(automatic), contested)


def _one_per_component(component: np.ndarray, node: np.ndarray) -> np.ndarray:
    """For each edge: is its component's every edge on this same node (a star)?"""
    order = np.lexsort((node, component))
    c, v = component[order], node[order]
    change = np.ones(len(order), bool)
    change[1:] = (c[1:] != c[:-1]) | (v[1:] != v[:-1])
    distinct = np.bincount(c[change], minlength=int(component.max()) + 1)
    return distinct[component] == 1


def _stars(component: np.ndarray, leaf: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One line and its candidates: the best candidate, clear when no candidate of another
    class comes within MARGIN of it."""
    if not len(component):
        return np.empty(0, np.int64), np.empty(0, bool)
    order = np.lexsort((-w, component))
    first = np.ones(len(order), bool)
    first[1:] = component[order][1:] != component[order][:-1]
    best = order[first]
    best_of = np.zeros(int(component.max()) + 1, np.int64)
    best_of[component[best]] = best
    rival = np.zeros(int(component.max()) + 1)
    other = leaf != leaf[best_of[component]]
    np.maximum.at(rival, component[other], w[other])
    return best, w[best] - rival[component[best]] >= MARGIN - 1e-9


def _component(
    rows: np.ndarray, cols: np.ndarray, w: np.ndarray, row_class: np.ndarray, col_class: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """One component (its statement lines as rows, its ledger lines as columns): which of
    its edges are chosen and which of those are clear."""
    _, rows = np.unique(rows, return_inverse=True)
    _, cols = np.unique(cols, return_inverse=True)
    a, b = int(rows.max()) + 1, int(cols.max()) + 1
    if a <= EXACT_LIMIT and b <= EXACT_LIMIT:
        chosen = _solve(rows, cols, w, a, b)
        total = w[chosen].sum()
        clear = np.empty(len(chosen), bool)
        for i, edge in enumerate(chosen.tolist()):
            # without this pair nor any pair of its twins
            others = np.flatnonzero((row_class != row_class[edge]) | (col_class != col_class[edge]))
            best = w[others[_solve(rows[others], cols[others], w[others], a, b)]].sum()
            clear[i] = total - best >= MARGIN - 1e-9
        return chosen, clear
    taken = np.zeros(b, bool)
    parts = []
    for start in range(0, a, CHUNK):
        keep = np.flatnonzero((rows >= start) & (rows < start + CHUNK) & ~taken[cols])
        if not len(keep):
            continue
        _, local = np.unique(cols[keep], return_inverse=True)
        height = min(CHUNK, a - start)
        part = keep[_solve(rows[keep] - start, local, w[keep], height, int(local.max()) + 1)]
        taken[cols[part]] = True
        parts.append(part)
    chosen = np.concatenate(parts) if parts else np.empty(0, np.int64)
    rival = np.maximum(
        _best_other(rows, col_class, w, chosen), _best_other(cols, row_class, w, chosen)
    )
    return chosen, w[chosen] - rival >= MARGIN - 1e-9


def _solve(rows: np.ndarray, cols: np.ndarray, w: np.ndarray, a: int, b: int) -> np.ndarray:
    """The edges of a maximum-weight matching (a zero in the matrix is "no pair")."""
    matrix = np.zeros((a, b))
    matrix[rows, cols] = w
    index = np.full((a, b), -1, np.int64)
    index[rows, cols] = np.arange(len(rows))
    picked = index[linear_sum_assignment(matrix, maximize=True)]
    return picked[picked >= 0]


def _best_other(
    node: np.ndarray, other_class: np.ndarray, w: np.ndarray, chosen: np.ndarray
) -> np.ndarray:
    """For each chosen edge, the best weight at the same node towards a class other than
    the chosen partner's."""
    _, group = np.unique(node * (int(other_class.max()) + 1) + other_class, return_inverse=True)
    top = np.zeros(int(group.max()) + 1)
    np.maximum.at(top, group, w)
    group_node = np.zeros(len(top), np.int64)
    group_node[group] = node
    order = np.lexsort((-top, group_node))
    first = np.ones(len(order), bool)
    first[1:] = group_node[order][1:] != group_node[order][:-1]
    best_group = np.full(int(node.max()) + 1, -1, np.int64)
    best_group[group_node[order][first]] = order[first]
    second = np.zeros(int(node.max()) + 1)
    is_second = np.zeros(len(order), bool)
    is_second[1:] = first[:-1] & ~first[1:]
    second[group_node[order][is_second]] = top[order][is_second]
    mine, own = node[chosen], group[chosen]
    return np.where(best_group[mine] == own, second[mine], top[best_group[mine]])
