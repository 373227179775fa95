"""Matching a bank statement against the ledger: which lines book which, how sure, and why.

The passes run in order of confidence, each on what the ones before left over:

1. a person's confirmed decisions (kept as long as their lines exist);
2. one to one, the same amount: with the ledger's document number on the statement line
   (up to `candidates.REFERENCE_DAYS` apart), or inside the date window;
3. one to several and several to one: a subset of up to `max_group` lines adding up to one
   line on the other side, inside the window (the doubtful ones are suggested only after
   pass 4, with the lines it left);
4. one to one within the tolerated fee (`fee_cents` + `fee_fraction` of the statement
   amount), the difference flagged to be posted.

Description similarity is never a reason on its own: it only lowers the score of a pair that
has a rival, so that of two candidates with the same amount the one that reads alike wins.
Each pass scores its candidates and assigns them globally (`assignment`); a pair that is not
clearly the best is proposed "sugerida" rather than taken. A rejected decision's exact lines
are never proposed together again.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process, utils

from retaguarda.addin.reconcile import candidates, groups, reasons
from retaguarda.addin.reconcile.assignment import MARGIN, assign
from retaguarda.addin.reconcile.model import (
    LINE_COLUMNS,
    Decision,
    Match,
    Matching,
    MatchOptions,
    Status,
)

#: the score of each kind of match before its penalties; their order is the passes' order
REFERENCE_SCORE = 0.97
WINDOW_SCORE = 0.90
GROUP_SCORE = 0.85
TOLERANCE_SCORE = 0.75
#: lost per day between the two dates (a reference number loses less: it already says which)
DAY_PENALTY = 0.02
REFERENCE_DAY_PENALTY = 0.005
#: lost per extra line in a group, and by a pair whose descriptions have nothing in common
GROUP_ITEM_PENALTY = 0.01
SIMILARITY_WEIGHT = 0.2
#: a near amount has less to go on: there the description weighs more, the size of the
#: difference a little (a fee is any amount up to the tolerance)
FEE_SIMILARITY_WEIGHT = 0.4
FEE_DIFFERENCE_PENALTY = 0.05
#: descriptions this similar (rapidfuzz's token set ratio, over 100) are said to read alike
SIMILAR = 0.6
#: a sum that this many subsets would hit by chance is no evidence (small amounts, many
#: candidates): not proposed
COINCIDENCE = 0.1
#: how many times the group search looks again near the days that lost lines to a group
GROUP_ROUNDS = 3
#: a group further than this many days from its single line is only suggested
GROUP_DAYS = 1
#: never below this, so that every candidate stays a candidate (zero means "no pair")
FLOOR = 0.05


@contextmanager
def _no_collection() -> Iterator[None]:
    """Python's cycle collector paused while a million matches are made: none of them is
    in a cycle, and each collection would walk all the objects made before (quadratic)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class _Found:
    """The matches made so far, each with its first statement line's position (the order a
    person reads them in: the statement's)."""

    def __init__(self) -> None:
        self.positions: list[np.ndarray] = []
        self.matches: list[Match] = []

    def add(self, position: int, match: Match) -> None:
        self.positions.append(np.array([position]))
        self.matches.append(match)

    def extend(self, positions: np.ndarray, matches: list[Match]) -> None:
        self.positions.append(positions)
        self.matches.extend(matches)

    def in_statement_order(self) -> list[Match]:
        if not self.matches:
            return []
        order = np.argsort(np.concatenate(self.positions), kind="stable")
        return [self.matches[i] for i in order.tolist()]


@dataclass
class _Side:
    """One side's columns as arrays, and which of its lines are still free."""

    frame: pd.DataFrame
    refs: np.ndarray
    cents: np.ndarray
    day: np.ndarray
    free: np.ndarray

    @classmethod
    def of(cls, frame: pd.DataFrame, name: str) -> _Side:
        missing = [c for c in LINE_COLUMNS if c not in frame.columns]
        if missing:
            raise ValueError(f"As linhas do {name} não têm as colunas: {', '.join(missing)}.")
        refs = frame["ref"].astype(str).to_numpy(dtype=object)
        repeated = frame["ref"][frame["ref"].duplicated()]
        if len(repeated):
            raise ValueError(
                f"Referência repetida nas linhas do {name}: {repeated.iloc[0]} "
                "(cada linha precisa de uma referência só sua)."
            )
        for column, what in (("date", "data"), ("cents", "valor")):
            missing = frame["ref"][frame[column].isna()]
            if len(missing):
                raise ValueError(f"Linha sem {what} no {name}: {missing.iloc[0]}.")
        cents = frame["cents"].to_numpy(dtype=np.int64)
        day = candidates.days(frame["date"])
        return cls(frame, refs, cents, day, np.ones(len(frame), bool))


def match_lines(
    statement: pd.DataFrame,
    ledger: pd.DataFrame,
    options: MatchOptions = MatchOptions(),  # noqa: B008 (frozen)
    decisions: Sequence[Decision] = (),
) -> Matching:
    """Match a statement's lines against the ledger's (both `Lines` frames, see `model`)."""
    _check(options)
    bank, book = _Side.of(statement, "extrato"), _Side.of(ledger, "razão")
    found = _Found()
    with _no_collection():
        rejected = _confirm(bank, book, decisions, found)
        rank_s, rank_l = candidates.amount_ranks(bank.cents, book.cents)
        _one_to_one(bank, book, rank_s, rank_l, options, rejected, found)
        doubtful = _groups(bank, book, options, rejected, found)
        _tolerance(bank, book, options, rejected, found)
        _suggest_groups(bank, book, doubtful, found)
        return Matching(
            matches=found.in_statement_order(),
            unmatched_statement=bank.refs[bank.free].tolist(),
            unmatched_ledger=book.refs[book.free].tolist(),
        )


def _check(options: MatchOptions) -> None:
    """Options a person typed (in the sheet or on the command line) that make no sense."""
    wrong = [
        text
        for bad, text in (
            (options.window_days < 0, f"janela de {options.window_days} dias"),
            (options.max_group < 1, f"grupos de até {options.max_group} linhas"),
            (options.fee_cents < 0, f"tarifa de {options.fee_cents} centavos"),
            (options.fee_fraction < 0, f"tarifa de {options.fee_fraction} do valor"),
        )
        if bad
    ]
    if wrong:
        raise ValueError(f"Opções de conciliação inválidas: {'; '.join(wrong)}.")


def _confirm(
    bank: _Side,
    book: _Side,
    decisions: Sequence[Decision],
    found: _Found,
) -> set[tuple[frozenset[str], frozenset[str]]]:
    """Confirmed decisions whose lines are all there and free become matches; the rejected
    ones come back as the line sets never to propose again."""
    s_index, l_index = pd.Index(bank.refs), pd.Index(book.refs)
    rejected = set()
    for decision in decisions:
        if not decision.confirmed:
            rejected.add((frozenset(decision.statement), frozenset(decision.ledger)))
            continue
        si = s_index.get_indexer(list(decision.statement))
        li = l_index.get_indexer(list(decision.ledger))
        if not len(si) + len(li) or (si < 0).any() or (li < 0).any():
            continue
        if not (bank.free[si].all() and book.free[li].all()):
            continue
        bank.free[si] = book.free[li] = False
        found.add(
            int(si.min()) if len(si) else len(bank.refs),
            Match(
                statement=tuple(decision.statement),
                ledger=tuple(decision.ledger),
                status=Status.CONFIRMED,
                score=1.0,
                reason=reasons.CONFIRMED,
                rule="decision",
                difference_cents=int(bank.cents[si].sum() - book.cents[li].sum()),
            ),
        )
    return rejected


def _without_rejected(
    s_idx: np.ndarray,
    l_idx: np.ndarray,
    bank: _Side,
    book: _Side,
    rejected: set,
) -> np.ndarray:
    """A mask of the one-to-one pairs no person rejected."""
    pairs = [(st, le) for st, le in rejected if len(st) == 1 and len(le) == 1]
    keep = np.ones(len(s_idx), bool)
    if not pairs:
        return keep
    si = pd.Index(bank.refs).get_indexer([next(iter(st)) for st, _ in pairs])
    li = pd.Index(book.refs).get_indexer([next(iter(le)) for _, le in pairs])
    known = (si >= 0) & (li >= 0)
    banned = si[known] * len(book.refs) + li[known]
    return ~np.isin(s_idx * len(book.refs) + l_idx, banned)


def _plain(texts: pd.Series) -> list[str]:
    """Descriptions compared as a person reads them: no accents, no case, no punctuation."""
    array = pa.array(texts.fillna(""), type=pa.large_string())
    array = pc.replace_substring_regex(pc.utf8_normalize(array, "NFKD"), r"\p{Mn}", "")
    return [utils.default_process(t) for t in array.to_pylist()]


def _similarity(bank: _Side, book: _Side, s_idx: np.ndarray, l_idx: np.ndarray) -> np.ndarray:
    """Description similarity in [0, 1] of the pairs (s_idx[k], l_idx[k])."""
    if not len(s_idx):
        return np.empty(0)
    us, s_pos = np.unique(s_idx, return_inverse=True)
    ul, l_pos = np.unique(l_idx, return_inverse=True)
    s_text = _plain(bank.frame["description"].iloc[us])
    l_text = _plain(book.frame["description"].iloc[ul])
    scores = process.cpdist(
        [s_text[i] for i in s_pos], [l_text[i] for i in l_pos], scorer=fuzz.token_set_ratio
    )
    return np.asarray(scores, dtype=float) / 100


def _twins(side: _Side, idx: np.ndarray) -> np.ndarray:
    """A class per line: lines with the same amount, description and document share one."""
    unique, back = np.unique(idx, return_inverse=True)
    part = side.frame.iloc[unique]
    columns = ["cents", "description", "document"]
    return part.groupby(columns, sort=False, dropna=False).ngroup().to_numpy()[back]


def _assign_pairs(
    bank: _Side,
    book: _Side,
    s_idx: np.ndarray,
    l_idx: np.ndarray,
    score: np.ndarray,
    everywhere: bool = False,
    similarity_weight: float = SIMILARITY_WEIGHT,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The global assignment of scored pairs, description similarity settling rivals (or
    weighing on every pair, `everywhere`). Returns the chosen pairs, their weights, whether
    each is automatic and each one's similarity."""
    similarity = np.zeros(len(s_idx))

    def refine(edges: np.ndarray) -> np.ndarray:
        similarity[edges] = _similarity(bank, book, s_idx[edges], l_idx[edges])
        return np.maximum(score[edges] - similarity_weight * (1 - similarity[edges]), FLOOR)

    def twins(edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return _twins(bank, s_idx[edges]), _twins(book, l_idx[edges])

    weight = score.copy()
    if everywhere and len(s_idx):
        weight = refine(np.arange(len(s_idx)))
    chosen = assign(s_idx, l_idx, weight, None if everywhere else refine, twins)
    edges = chosen.edges
    return edges, weight[edges], chosen.automatic, similarity[edges]


def _one_to_one(
    bank: _Side,
    book: _Side,
    rank_s: np.ndarray,
    rank_l: np.ndarray,
    options: MatchOptions,
    rejected: set,
    found: _Found,
) -> None:
    fs, fl = np.flatnonzero(bank.free), np.flatnonzero(book.free)
    window = candidates.same_amount(
        rank_s[fs], bank.day[fs], rank_l[fl], book.day[fl], options.window_days
    )
    ref = candidates.same_reference(
        rank_s[fs],
        bank.day[fs],
        bank.frame["description"].iloc[fs],
        bank.frame["document"].iloc[fs],
        rank_l[fl],
        book.day[fl],
        book.frame["document"].iloc[fl],
        options.window_days,
    )
    m = len(fl)
    key = np.concatenate([window.statement * m + window.ledger, ref.statement * m + ref.ledger])
    is_ref = np.concatenate(
        [np.zeros(len(window.statement), bool), np.ones(len(ref.statement), bool)]
    )
    order = np.lexsort((~is_ref, key))
    key, is_ref = key[order], is_ref[order]
    first = np.ones(len(key), bool)
    first[1:] = key[1:] != key[:-1]
    key, is_ref = key[first], is_ref[first]
    s_idx, l_idx = fs[key // max(m, 1)], fl[key % max(m, 1)]
    keep = _without_rejected(s_idx, l_idx, bank, book, rejected)
    s_idx, l_idx, is_ref = s_idx[keep], l_idx[keep], is_ref[keep]
    apart = bank.day[s_idx] - book.day[l_idx]
    score = np.where(
        is_ref,
        REFERENCE_SCORE - REFERENCE_DAY_PENALTY * np.abs(apart),
        WINDOW_SCORE - DAY_PENALTY * np.abs(apart),
    )
    score = np.maximum(score, FLOOR)
    edges, weight, automatic, similarity = _assign_pairs(bank, book, s_idx, l_idx, score)
    s_idx, l_idx, is_ref, apart = s_idx[edges], l_idx[edges], is_ref[edges], apart[edges]
    # a pair that reads alike and had a rival: the description helped decide (unless the
    # document number already did)
    told = automatic & (similarity >= SIMILAR) & ~is_ref
    bank.free[s_idx] = book.free[l_idx] = False
    labels: list[str | None] = [None] * len(edges)
    where = np.flatnonzero(is_ref)
    if len(where):
        numbers = candidates.ledger_numbers(book.frame["document"].iloc[l_idx[where]])
        own = candidates.ledger_numbers(bank.frame["document"].iloc[s_idx[where]])
        in_document = pc.equal(numbers, own).to_numpy(zero_copy_only=False)
        documents = book.frame["document"].iloc[l_idx[where]].tolist()
        for k, doc, in_doc in zip(where.tolist(), documents, in_document.tolist(), strict=True):
            labels[k] = reasons.reference(doc, not in_doc)
    texts = reasons.exact(apart, labels, told)
    rules = np.where(is_ref, "reference", np.where(told, "similarity", "date_window"))
    _emit(found, bank, book, s_idx, l_idx, weight, automatic, texts, rules.tolist())


def _emit(
    found: _Found,
    bank: _Side,
    book: _Side,
    s_idx: np.ndarray,
    l_idx: np.ndarray,
    score: np.ndarray,
    automatic: np.ndarray,
    texts: list[str],
    rules: list[str],
) -> None:
    """One-to-one matches into `found` (a suggested one says why it was not taken)."""
    clear = automatic.tolist()
    texts = [t if a else reasons.suggested(t) for t, a in zip(texts, clear, strict=True)]
    status = [Status.AUTOMATIC if a else Status.SUGGESTED for a in clear]
    matches = list(
        map(
            Match,
            zip(bank.refs[s_idx].tolist()),
            zip(book.refs[l_idx].tolist()),
            status,
            np.round(np.clip(score, 0, 1), 4).tolist(),
            texts,
            rules,
            (bank.cents[s_idx] - book.cents[l_idx]).tolist(),
        )
    )
    found.extend(s_idx, matches)


def _groups(
    bank: _Side,
    book: _Side,
    options: MatchOptions,
    rejected: set,
    found: _Found,
) -> list[tuple[float, np.ndarray, np.ndarray, str]]:
    """Batches (one statement line, several ledger lines) first, then parts (several
    statement lines, one ledger line) among what the batches left. Each is searched again,
    up to GROUP_ROUNDS times, for the lines near a day that lost lines to a group: two
    batches booked on one day crowd each other out of the candidates until one is found.
    Returns the doubtful groups, to be suggested after the fee pass."""
    window, most = options.window_days, options.max_group
    later: list[tuple[float, np.ndarray, np.ndarray, str]] = []
    for one, many, batch in ((bank, book, True), (book, bank, False)):
        targets = np.flatnonzero(one.free)
        for _ in range(GROUP_ROUNDS):
            items = np.flatnonzero(many.free)
            if not len(targets) or not len(items):
                break
            solutions = groups.search(
                one.cents[targets],
                one.day[targets],
                many.cents[items],
                many.day[items],
                window,
                most,
            )
            proposals = [
                (targets[[t]], items[i], -apart, chance)
                if batch
                else (items[i], targets[[t]], apart, chance)
                for t, i, apart, chance in zip(
                    solutions.target.tolist(),
                    solutions.items,
                    solutions.apart.tolist(),
                    solutions.chance.tolist(),
                    strict=True,
                )
            ]
            taken_s, taken_l = _take_groups(bank, book, proposals, rejected, found, later)
            taken = taken_l if batch else taken_s
            if not len(taken):
                break
            targets = _near_days(one, many, taken, window)
    return later


def _near_days(one: _Side, many: _Side, taken: np.ndarray, window: int) -> np.ndarray:
    """The free lines of `one` within `window` days of a day (of their sign) on which lines
    of `many` were just taken."""
    lost = np.unique((many.cents[taken] > 0) * (1 << 40) + many.day[taken])
    free = np.flatnonzero(one.free)
    key = (one.cents[free] > 0) * (1 << 40) + one.day[free]
    near = np.zeros(len(free), bool)
    for offset in range(-window, window + 1):
        near |= np.isin(key + offset, lost)
    return free[near]


def _take_groups(
    bank: _Side,
    book: _Side,
    proposals: list[tuple[np.ndarray, np.ndarray, int, float]],
    rejected: set,
    found: _Found,
    later: list[tuple[float, np.ndarray, np.ndarray, str]],
) -> tuple[np.ndarray, np.ndarray]:
    """The best proposals that share no line are taken, and the lines they took on each
    side returned. One with a rival within MARGIN (another subset for the same line, or one
    sharing a line with it), or dated more than GROUP_DAYS from its single line (a batch
    clears the same day or the next), is only a suggestion: it goes to `later`, to be made
    after the fee pass if its lines are still free, so that a doubtful sum takes no line a
    fee needed. One that chance alone would explain is not proposed at all."""
    scored = []
    for si, li, apart, chance in proposals:
        key = (frozenset(bank.refs[si].tolist()), frozenset(book.refs[li].tolist()))
        if key in rejected or chance > COINCIDENCE:
            continue
        size = len(si) + len(li)
        score = GROUP_SCORE - DAY_PENALTY * abs(apart) - GROUP_ITEM_PENALTY * (size - 3)
        scored.append((max(score, FLOOR), si, li, apart))
    scored.sort(key=lambda p: -p[0])
    taken: list[list] = []
    owner_s: dict[int, int] = {}
    owner_l: dict[int, int] = {}
    for score, si, li, apart in scored:
        rivals = {owner_s[i] for i in si.tolist() if i in owner_s}
        rivals |= {owner_l[i] for i in li.tolist() if i in owner_l}
        if rivals:
            for r in rivals:
                if taken[r][0] - score < MARGIN:
                    taken[r][4] = reasons.RIVAL
            continue
        for i in si.tolist():
            owner_s[i] = len(taken)
        for i in li.tolist():
            owner_l[i] = len(taken)
        taken.append([score, si, li, apart, "" if abs(apart) <= GROUP_DAYS else reasons.FAR])
    clear = [p for p in taken if not p[4]]
    later.extend(
        (score, si, li, reasons.group(len(si), len(li), apart) + f"; {why}")
        for score, si, li, apart, why in taken
        if why
    )
    for score, si, li, apart, _ in clear:
        _add_group(bank, book, found, score, si, li, reasons.group(len(si), len(li), apart), True)
    if not clear:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate([p[1] for p in clear]), np.concatenate([p[2] for p in clear])


def _add_group(
    bank: _Side,
    book: _Side,
    found: _Found,
    score: float,
    si: np.ndarray,
    li: np.ndarray,
    text: str,
    clear: bool,
) -> None:
    bank.free[si] = book.free[li] = False
    found.add(
        int(si.min()),
        Match(
            statement=tuple(bank.refs[np.sort(si)].tolist()),
            ledger=tuple(book.refs[np.sort(li)].tolist()),
            status=Status.AUTOMATIC if clear else Status.SUGGESTED,
            score=round(min(score, 1.0), 4),
            reason=text,
            rule="group",
            difference_cents=int(bank.cents[si].sum() - book.cents[li].sum()),
        ),
    )


def _suggest_groups(
    bank: _Side, book: _Side, later: list[tuple[float, np.ndarray, np.ndarray, str]], found: _Found
) -> None:
    """The doubtful groups, best first, whose lines nothing else took."""
    for score, si, li, text in sorted(later, key=lambda p: -p[0]):
        if bank.free[si].all() and book.free[li].all():
            _add_group(bank, book, found, score, si, li, text, False)


def _tolerance(
    bank: _Side,
    book: _Side,
    options: MatchOptions,
    rejected: set,
    found: _Found,
) -> None:
    """Near amounts: a bank fee taken from a payment or a receipt."""
    numerator, denominator = options.fee_fraction.as_integer_ratio()
    if options.fee_cents <= 0 and numerator <= 0:
        return
    fs, fl = np.flatnonzero(bank.free), np.flatnonzero(book.free)
    allowed = options.fee_cents + np.abs(bank.cents[fs]) * numerator // denominator
    pairs = candidates.within_tolerance(
        bank.cents[fs], bank.day[fs], book.cents[fl], book.day[fl], allowed, options.window_days
    )
    s_idx, l_idx = fs[pairs.statement], fl[pairs.ledger]
    keep = _without_rejected(s_idx, l_idx, bank, book, rejected)
    s_idx, l_idx, allowed = s_idx[keep], l_idx[keep], allowed[pairs.statement][keep]
    apart = bank.day[s_idx] - book.day[l_idx]
    difference = bank.cents[s_idx] - book.cents[l_idx]
    score = (
        TOLERANCE_SCORE
        - DAY_PENALTY * np.abs(apart)
        - FEE_DIFFERENCE_PENALTY * np.abs(difference) / np.maximum(allowed, 1)
    )
    score = np.maximum(score, FLOOR)
    edges, weight, automatic, similarity = _assign_pairs(
        bank, book, s_idx, l_idx, score, everywhere=True, similarity_weight=FEE_SIMILARITY_WEIGHT
    )
    # a near amount alone is a coincidence as often as a fee: the description must agree
    alike = similarity >= SIMILAR
    automatic &= alike
    s_idx, l_idx = s_idx[edges], l_idx[edges]
    bank.free[s_idx] = book.free[l_idx] = False
    texts = [
        reasons.tolerance(d, a, same)
        for d, a, same in zip(
            difference[edges].tolist(), apart[edges].tolist(), alike.tolist(), strict=True
        )
    ]
    _emit(found, bank, book, s_idx, l_idx, weight, automatic, texts, ["tolerance"] * len(edges))
