"""Choosing among scored candidate pairs all at once, so that no line takes a partner that a
better-placed line needed (a greedy first-come pass does exactly that).

The candidate graph falls apart into connected components. Most are one statement line and
one ledger line with one pair between them: taken at once, vectorised. The others (the same
amount several times inside the window) are solved one by one with the Hungarian method
(`scipy.optimize.linear_sum_assignment`, maximising the total score); there are few of them
and they are small, so the Python loop runs over components, never over lines.

A chosen pair is automatic only when the choice is clear. In a small component that means
the best assignment without that pair scores at least MARGIN less (ERPNext abstains when the
top two candidates tie; this is the same rule said of a whole component). In a large one,
where solving once per pair would cost too much, it means both lines prefer each other over
any other candidate by MARGIN. Anything less clear is proposed as "sugerida".
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
    contested: np.ndarray  # the pair had a rival: its score was adjusted by `refine`


def assign(
    statement: np.ndarray,
    ledger: np.ndarray,
    weight: np.ndarray,
    refine: Callable[[np.ndarray], np.ndarray] | None = None,
) -> Assignment:
    """Pairs (statement[k], ledger[k]) with positive `weight[k]`, at most one pair per line,
    maximising the total weight. `refine(edges)` may adjust the weights of pairs that have a
    rival (the description similarity tie-breaker, too costly to compute for every pair); it
    returns the new weights of those edges, and `weight` is updated in place."""
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
        n = int(s_node.max()) + 1
        size = n + int(l_node.max()) + 1
        graph = coo_matrix(
            (np.ones(len(rest)), (s_node[rest], n + l_node[rest])), shape=(size, size)
        )
        _, labels = connected_components(graph, directed=False)
        component = labels[s_node[rest]]
        order = np.argsort(component, kind="stable")
        rest = rest[order]
        for edges in np.split(rest, np.flatnonzero(np.diff(component[order])) + 1):
            chosen, clear = _component(s_node[edges], l_node[edges], weight[edges])
            picked.append(edges[chosen])
            automatic.append(clear)
    edges = np.concatenate(picked)
    contested = np.ones(len(edges), bool)
    contested[: len(picked[0])] = False
    return Assignment(edges, np.concatenate(automatic), contested)


def _component(rows: np.ndarray, cols: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One component (its statement lines as rows, its ledger lines as columns): which of
    its edges are chosen and which of those are clear."""
    _, rows = np.unique(rows, return_inverse=True)
    _, cols = np.unique(cols, return_inverse=True)
    a, b = int(rows.max()) + 1, int(cols.max()) + 1
    if a <= EXACT_LIMIT and b <= EXACT_LIMIT:
        chosen = _solve(rows, cols, w, a, b)
        return chosen, _unique_optimum(rows, cols, w, a, b, chosen)
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
    return chosen, _dominant(rows, cols, w, chosen)


def _solve(rows: np.ndarray, cols: np.ndarray, w: np.ndarray, a: int, b: int) -> np.ndarray:
    """The edges of a maximum-weight matching (a zero in the matrix is "no pair")."""
    matrix = np.zeros((a, b))
    matrix[rows, cols] = w
    index = np.full((a, b), -1, np.int64)
    index[rows, cols] = np.arange(len(rows))
    picked = index[linear_sum_assignment(matrix, maximize=True)]
    return picked[picked >= 0]


def _unique_optimum(
    rows: np.ndarray, cols: np.ndarray, w: np.ndarray, a: int, b: int, chosen: np.ndarray
) -> np.ndarray:
    """For each chosen edge: does every assignment without it score at least MARGIN less?"""
    total = w[chosen].sum()
    clear = np.empty(len(chosen), bool)
    for i, edge in enumerate(chosen.tolist()):
        others = np.flatnonzero(np.arange(len(rows)) != edge)
        best = w[others[_solve(rows[others], cols[others], w[others], a, b)]].sum()
        clear[i] = total - best >= MARGIN - 1e-9
    return clear


def _dominant(rows: np.ndarray, cols: np.ndarray, w: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """For each chosen edge: do both its lines prefer it over any other by MARGIN?"""
    rival = np.maximum(_best_other(rows, w, chosen), _best_other(cols, w, chosen))
    return w[chosen] - rival >= MARGIN - 1e-9


def _best_other(node: np.ndarray, w: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """For each chosen edge, the best weight among the other edges at the same node."""
    order = np.lexsort((-w, node))
    first = np.ones(len(order), bool)
    first[1:] = node[order][1:] != node[order][:-1]
    best_edge = np.full(int(node.max()) + 1, -1, np.int64)
    best_edge[node[order][first]] = order[first]
    second = np.zeros(int(node.max()) + 1)
    is_second = np.zeros(len(order), bool)
    is_second[1:] = first[:-1] & ~first[1:]
    second[node[order][is_second]] = w[order][is_second]
    mine = node[chosen]
    return np.where(best_edge[mine] == chosen, second[mine], w[best_edge[mine]])
