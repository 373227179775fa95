"""Bank statements and ledgers made up with their answer known, to measure the matcher.

`generate(n, seed)` books about `n` movements of a busy account (`PER_DAY` lines a day, so a
bigger `n` covers more days rather than crowding them), each with one kind of the noise real
statements have (`KINDS`), and writes down which lines belong together (`Synthetic.truth`).
`evaluate` scores any set of matches against that: the quality test, the benchmark and the
demo all use these two. Everything is drawn from one seeded numpy generator, vectorised, so
the same seed gives the same lines and a million lines take seconds.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from retaguarda.addin.reconcile.model import MatchOptions, lines_frame

#: the noise kinds, each with its share of the events. "clean" has none; "unmatched" lines
#: are on one side only (a bank fee never booked, a cheque not yet cleared) and must stay so.
KINDS = {
    "clean": 0.40,
    "date_shift": 0.25,
    "description": 0.10,
    "fee": 0.05,
    "split": 0.03,
    "batch": 0.03,
    "reversal": 0.04,
    "duplicate": 0.04,
    "unmatched": 0.06,
}
PER_DAY = 100
START = np.datetime64("2026-01-01", "D")
#: the fees the generator takes, and the tolerance that covers them
FEES = np.array([150, 250, 350, 500, 890, 1250])
OPTIONS = MatchOptions(window_days=3, max_group=6, fee_cents=1500, fee_fraction=Decimal(0))
#: share of amounts that are round (R$ 100,00, R$ 1.500,00): where same-amount rivals come from
ROUND_SHARE = 0.05
ROUND = np.array([5000, 10000, 15000, 20000, 25000, 50000, 100000, 150000, 200000, 500000])

FIRST = [
    "João",
    "Maria",
    "José",
    "Ana",
    "Antônio",
    "Francisca",
    "Carlos",
    "Conceição",
    "Paulo",
    "Adriana",
    "Lucas",
    "Juliana",
    "Luís",
    "Márcia",
    "Pedro",
    "Fernanda",
    "Marcos",
    "Patrícia",
    "Rafael",
    "Aline",
    "Sebastião",
    "Letícia",
    "Gabriel",
    "Cláudia",
    "André",
    "Simone",
    "Fábio",
    "Vânia",
    "Sérgio",
    "Débora",
]
LAST = [
    "Silva",
    "Santos",
    "Oliveira",
    "Souza",
    "Rodrigues",
    "Ferreira",
    "Alves",
    "Pereira",
    "Lima",
    "Gomes",
    "Ribeiro",
    "Carvalho",
    "Araújo",
    "Gonçalves",
    "Melo",
    "Barbosa",
    "Conceição",
    "Falcão",
    "Magalhães",
    "Brandão",
]
TRADES = [
    "Distribuidora",
    "Comércio",
    "Transportes",
    "Papelaria",
    "Metalúrgica",
    "Serviços",
    "Construtora",
    "Farmácia",
]
OUT = np.array(["PIX ENVIADO", "PAG BOLETO", "TED ENVIADA", "PAGTO"])
IN = np.array(["PIX RECEBIDO", "TED RECEBIDA", "DEP DINHEIRO", "LIQ COBRANCA"])


def _names() -> tuple[np.ndarray, np.ndarray]:
    """Counterparties as the ledger writes them and as a bank prints them (upper case, no
    accents)."""
    people = [f"{f} {a} {b}" for f in FIRST for a in LAST for b in LAST if a != b]
    firms = [f"{t} {a} Ltda" for t in TRADES for a in LAST]
    written = np.array(people + firms, dtype=object)
    printed = np.array(
        [
            unicodedata.normalize("NFKD", n).encode("ascii", "ignore").decode().upper()
            for n in written
        ],
        dtype=object,
    )
    return written, printed


@dataclass
class Synthetic:
    """A statement and a ledger with their answer.

    `*_group[i]` is the truth group of line i (-1: it must stay unmatched); a group needs
    `need_statement[g]` statement lines and `need_ledger[g]` ledger lines among those
    labelled g (a duplicated line is labelled like its original: either one is right);
    `*_kind[i]` and `group_kind[g]` index `KINDS`."""

    statement: pd.DataFrame
    ledger: pd.DataFrame
    statement_group: np.ndarray
    ledger_group: np.ndarray
    statement_kind: np.ndarray
    ledger_kind: np.ndarray
    group_kind: np.ndarray
    need_statement: np.ndarray
    need_ledger: np.ndarray
    options: MatchOptions = OPTIONS


class _Book:
    """Lines being generated, both sides, in columns."""

    def __init__(self, rng: np.random.Generator, days: int) -> None:
        self.rng, self.days = rng, days
        self.written, self.printed = _names()
        self.sides = {"s": [], "l": []}
        self.groups: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # kind, need s, l
        self.next_group = 0

    def new_groups(self, k: int, kind: int, need_s: int | np.ndarray, need_l: int | np.ndarray):
        ids = np.arange(self.next_group, self.next_group + k)
        self.next_group += k
        need_s = np.broadcast_to(need_s, k)
        need_l = np.broadcast_to(need_l, k)
        self.groups.append((np.full(k, kind), np.asarray(need_s), np.asarray(need_l)))
        return ids

    def add(
        self,
        side: str,
        day: np.ndarray,
        cents: np.ndarray,
        description: np.ndarray,
        document: np.ndarray | str,
        group: np.ndarray | int,
        kind: int,
    ) -> None:
        k = len(day)
        self.sides[side].append(
            pd.DataFrame(
                {
                    "day": np.asarray(day, np.int64),
                    "cents": np.asarray(cents, np.int64),
                    "description": np.asarray(description, dtype=object),
                    "document": np.broadcast_to(np.asarray(document, dtype=object), k),
                    "group": np.broadcast_to(np.asarray(group, np.int64), k),
                    "kind": np.full(k, kind),
                }
            )
        )

    # -- drawing -----------------------------------------------------------------------

    def day(self, k: int) -> np.ndarray:
        return self.rng.integers(0, self.days, k)

    def amount(self, k: int) -> np.ndarray:
        """Positive cents: log-uniform R$ 10 – R$ 50.000, some round."""
        cents = np.exp(self.rng.uniform(np.log(1000), np.log(5_000_000), k)).astype(np.int64)
        round_ = self.rng.random(k) < ROUND_SHARE
        cents[round_] = self.rng.choice(ROUND, round_.sum())
        return cents

    def sign(self, k: int) -> np.ndarray:
        return np.where(self.rng.random(k) < 0.65, -1, 1)

    def who(self, k: int) -> np.ndarray:
        return self.rng.integers(0, len(self.written), k)

    def bank_text(self, sign: np.ndarray, who: np.ndarray) -> np.ndarray:
        prefix = np.where(sign < 0, self.rng.choice(OUT, len(sign)), self.rng.choice(IN, len(sign)))
        return pd.Series(prefix, dtype=object).str.cat(self.printed[who], sep=" ").to_numpy()

    def book_text(self, sign: np.ndarray, who: np.ndarray) -> np.ndarray:
        verb = np.where(sign < 0, "Pagamento", "Recebimento")
        return pd.Series(verb, dtype=object).str.cat(self.written[who], sep=" ").to_numpy()

    def documents(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """A ledger document ("NF 48213") for half the lines, and whether the bank prints it."""
        has = self.rng.random(k) < 0.5
        number = self.rng.integers(1000, 999_999, k).astype(str).astype(object)
        document = np.where(has, "NF " + number, "")
        printed = has & (self.rng.random(k) < 0.6)
        return document, np.where(printed, " NF " + number, "")


def generate(n: int, seed: int = 0) -> Synthetic:
    """About `n` statement lines and as many ledger lines, with their truth."""
    rng = np.random.default_rng(seed)
    book = _Book(rng, max(1, -(-n // PER_DAY)))
    shares = np.array(list(KINDS.values()))
    lines_per_event = np.array([1, 1, 1, 1, 3, 1, 2, 1.5, 0.5])
    events = rng.multinomial(int(n / (shares * lines_per_event).sum()), shares)
    for kind, count in zip(KINDS, events.tolist(), strict=True):
        if count:
            _MAKERS[kind](book, list(KINDS).index(kind), count)
    return _finish(book)


def _one_to_one(book: _Book, kind: int, k: int, shift: np.ndarray, fee: np.ndarray | int = 0):
    """k movements booked once on each side; the bank's date `shift` days later, its amount
    `fee` lower (a fee taken from it)."""
    day, cents, sign, who = book.day(k), book.amount(k), book.sign(k), book.who(k)
    group = book.new_groups(k, kind, 1, 1)
    document, printed = book.documents(k)
    text = book.bank_text(sign, who) + printed
    book.add("l", day, sign * cents, book.book_text(sign, who), document, group, kind)
    return day + shift, sign * cents - fee, text, group, sign, who


def _clean(book: _Book, kind: int, k: int) -> None:
    day, cents, text, group, _, _ = _one_to_one(book, kind, k, 0)
    book.add("s", day, cents, text, "", group, kind)


def _date_shift(book: _Book, kind: int, k: int) -> None:
    shift = book.rng.choice([1, 1, 1, 1, 2, 2, 3, -1, -2], k)
    day, cents, text, group, _, _ = _one_to_one(book, kind, k, shift)
    book.add("s", day, cents, text, "", group, kind)


def _description(book: _Book, kind: int, k: int) -> None:
    """The bank's text differs: the name cut short, only a surname, or no name at all."""
    shift = book.rng.choice([0, 0, 1], k)
    day, cents, _, group, sign, who = _one_to_one(book, kind, k, shift)
    name = pd.Series(book.printed[who], dtype=object)
    style = book.rng.integers(0, 3, k)
    cut = name.str.slice(0, 10).to_numpy()
    surname = name.str.split(" ").str[-1].to_numpy()
    prefix = np.where(sign < 0, "PIX ENVIADO", "PIX RECEBIDO")
    text = np.where(style == 0, cut, np.where(style == 1, surname, "CPF ***.***.***-**"))
    book.add("s", day, cents, pd.Series(prefix).str.cat(text, sep=" ").to_numpy(), "", group, kind)


def _fee(book: _Book, kind: int, k: int) -> None:
    fee = book.rng.choice(FEES, k)
    day, cents, text, group, _, _ = _one_to_one(book, kind, k, book.rng.choice([0, 1], k), fee)
    book.add("s", day, cents, text, "", group, kind)


def _split(book: _Book, kind: int, k: int) -> None:
    """One bill paid in 2–4 transfers (a PIX limit) on one day, the bill's or the next."""
    parts = book.rng.integers(2, 5, k)
    day, who = book.day(k), book.who(k)
    cents = book.amount(k) * parts  # each part about the size of a normal payment
    sign = -np.ones(k, np.int64)
    group = book.new_groups(k, kind, parts, 1)
    document, _ = book.documents(k)
    book.add("l", day, sign * cents, book.book_text(sign, who), document, group, kind)
    owner = np.repeat(np.arange(k), parts)
    weights = book.rng.uniform(0.2, 1.0, len(owner))
    total = np.bincount(owner, weights)[owner]
    piece = np.floor(cents[owner] * weights / total).astype(np.int64)
    last = np.cumsum(parts) - 1
    piece[last] += cents - np.bincount(owner, piece, minlength=k).astype(np.int64)
    shift = book.rng.choice([0, 0, 1], k)
    text = book.bank_text(sign[owner], who[owner])
    book.add("s", (day + shift)[owner], -piece, text, "", group[owner], kind)


def _batch(book: _Book, kind: int, k: int) -> None:
    """Several bills paid (or receipts deposited) in one bank line, all booked on one day."""
    items = book.rng.integers(2, 7, k)
    day, sign = book.day(k), book.sign(k)
    group = book.new_groups(k, kind, 1, items)
    owner = np.repeat(np.arange(k), items)
    cents = book.amount(len(owner))
    who = book.who(len(owner))
    document, _ = book.documents(len(owner))
    shift = book.rng.choice([0, 0, 1], k)
    book.add(
        "l",
        day[owner] - shift[owner],
        sign[owner] * cents,
        book.book_text(sign[owner], who),
        document,
        group[owner],
        kind,
    )
    total = np.bincount(owner, cents, minlength=k).astype(np.int64)
    text = np.where(sign < 0, "PAG LOTE FORNECEDORES", "DEP CHEQUES LOTE")
    book.add("s", day, sign * total, text, "", group, kind)


def _reversal(book: _Book, kind: int, k: int) -> None:
    """A payment and its reversal on the statement; the ledger books both (then each pairs
    with its own) or neither (then both must stay unmatched)."""
    day, cents, who = book.day(k), book.amount(k), book.who(k)
    back = day + book.rng.integers(0, 3, k)
    booked = book.rng.random(k) < 0.6
    out = np.full(k, -1)
    back_group = np.full(k, -1)
    b = int(booked.sum())
    out[booked] = book.new_groups(b, kind, 1, 1)
    back_group[booked] = book.new_groups(b, kind, 1, 1)
    minus = -np.ones(k, np.int64)
    book.add("s", day, -cents, book.bank_text(minus, who), "", out, kind)
    text = pd.Series("ESTORNO " + book.printed[who], dtype=object).to_numpy()
    book.add("s", back, cents, text, "", back_group, kind)
    w = who[booked]
    book.add(
        "l", day[booked], -cents[booked], book.book_text(minus[booked], w), "", out[booked], kind
    )
    estorno = pd.Series("Estorno " + book.written[w], dtype=object).to_numpy()
    book.add("l", back[booked], cents[booked], estorno, "", back_group[booked], kind)


def _duplicate(book: _Book, kind: int, k: int) -> None:
    """A line twice on one side: the ledger booked it again 1–3 days later, or the bank's
    export repeated it. Either copy is a right match; the other must stay unmatched."""
    day, cents, text, group, sign, who = _one_to_one(book, kind, k, 0)
    in_ledger = book.rng.random(k) < 0.5
    book.add("s", day, cents, text, "", group, kind)
    again = ~in_ledger
    book.add("s", day[again], cents[again], text[again], "", group[again], kind)
    later = day[in_ledger] + book.rng.integers(1, 4, int(in_ledger.sum()))
    copy_text = book.book_text(sign[in_ledger], who[in_ledger])
    book.add("l", later, cents[in_ledger], copy_text, "", group[in_ledger], kind)


def _unmatched(book: _Book, kind: int, k: int) -> None:
    """Bank fees and interest never booked; cheques booked but not yet cleared."""
    on_bank = book.rng.random(k) < 0.5
    b = int(on_bank.sum())
    fee = book.rng.random(b) < 0.7
    cents = np.where(fee, -book.rng.integers(500, 9000, b), book.rng.integers(1, 30000, b))
    text = np.where(fee, "TARIFA PACOTE SERVICOS", "RENDIMENTO APLICACAO")
    book.add("s", book.day(b), cents, text, "", -1, kind)
    c = k - b
    number = book.rng.integers(100, 99999, c).astype(str).astype(object)
    text = "Cheque " + number + " a compensar"
    book.add("l", book.day(c), -book.amount(c), text, "CH " + number, -1, kind)


_MAKERS = {
    "clean": _clean,
    "date_shift": _date_shift,
    "description": _description,
    "fee": _fee,
    "split": _split,
    "batch": _batch,
    "reversal": _reversal,
    "duplicate": _duplicate,
    "unmatched": _unmatched,
}


def _finish(book: _Book) -> Synthetic:
    kinds, need_s, need_l = (np.concatenate(x) for x in zip(*book.groups, strict=True))
    frames = {}
    for side, prefix in (("s", "extrato.csv:"), ("l", "Lançamentos!")):
        part = pd.concat(book.sides[side], ignore_index=True)
        part = part.sample(frac=1, random_state=book.rng.integers(2**31)).sort_values(
            "day", kind="stable", ignore_index=True
        )
        first_row = 2
        refs = [f"{prefix}{first_row + i}" for i in range(len(part))]
        cells = [f"Lançamentos!F{first_row + i}" for i in range(len(part))] if side == "l" else None
        frame = lines_frame(
            refs,
            START + part["day"].to_numpy().astype("timedelta64[D]"),
            part["cents"].to_numpy(),
            part["description"].tolist(),
            part["document"].tolist(),
            cells,
        )
        frames[side] = (frame, part["group"].to_numpy(), part["kind"].to_numpy())
    (statement, s_group, s_kind), (ledger, l_group, l_kind) = frames["s"], frames["l"]
    return Synthetic(statement, ledger, s_group, l_group, s_kind, l_kind, kinds, need_s, need_l)


def same_amount_same_date(
    statement: pd.DataFrame, ledger: pd.DataFrame
) -> list[tuple[tuple[str], tuple[str]]]:
    """The plain baseline a spreadsheet lookup gives: the k-th line of an (amount, date) on
    the statement with the k-th of the same (amount, date) in the ledger."""
    keys = ["cents", "date"]
    s = statement[["ref", *keys]].assign(k=statement.groupby(keys).cumcount())
    g = ledger[["ref", *keys]].assign(k=ledger.groupby(keys).cumcount())
    both = s.merge(g, on=[*keys, "k"], suffixes=("_s", "_l"))
    return list(zip(zip(both["ref_s"]), zip(both["ref_l"]), strict=True))


@dataclass
class Quality:
    """Precision and recall of automatic matches, for one noise kind or overall."""

    kind: str
    proposed: int  # automatic matches attributed to this kind
    correct: int
    groups: int  # truth groups of this kind
    found: int

    @property
    def precision(self) -> float:
        return self.correct / self.proposed if self.proposed else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.groups if self.groups else 1.0


def evaluate(
    synthetic: Synthetic, matches: Iterable[tuple[Sequence[str], Sequence[str]]]
) -> list[Quality]:
    """Each kind's quality and then the overall one ("total"). A match is correct when its
    statement lines and its ledger lines are exactly a truth group's (a duplicate standing
    for its original); a wrong match counts against the kind of its first line."""
    matches_list = list(matches)
    rows = [(k, "s", ref) for k, (st, _) in enumerate(matches_list) for ref in st]
    rows += [(k, "l", ref) for k, (_, le) in enumerate(matches_list) for ref in le]
    names = list(KINDS)
    count = len(matches_list)
    if count:
        frame = pd.DataFrame(rows, columns=["match", "side", "ref"])
        on_s = frame["side"] == "s"
        group = np.empty(len(frame), np.int64)
        kind = np.empty(len(frame), np.int64)
        for side, mask, lines, groups_, kinds_ in (
            ("s", on_s, synthetic.statement, synthetic.statement_group, synthetic.statement_kind),
            ("l", ~on_s, synthetic.ledger, synthetic.ledger_group, synthetic.ledger_kind),
        ):
            at = pd.Index(lines["ref"]).get_indexer(frame.loc[mask, "ref"])
            if (at < 0).any():
                raise ValueError(f"unknown {side} line in a match")
            group[mask.to_numpy()] = groups_[at]
            kind[mask.to_numpy()] = kinds_[at]
        frame["group"], frame["kind"], frame["on_s"] = group, kind, on_s
        by = frame.groupby("match")
        low, high = by["group"].min().to_numpy(), by["group"].max().to_numpy()
        n_s = by["on_s"].sum().to_numpy()
        n_l = (by["on_s"].count() - by["on_s"].sum()).to_numpy()
        first_kind = by["kind"].first().to_numpy()
        g = np.maximum(low, 0)
        ok = (
            (low == high)
            & (low >= 0)
            & (n_s == synthetic.need_statement[g])
            & (n_l == synthetic.need_ledger[g])
        )
        match_kind = np.where(low >= 0, synthetic.group_kind[g], first_kind)
        found_groups = np.unique(low[ok])
    else:
        ok = np.zeros(0, bool)
        match_kind = np.zeros(0, np.int64)
        found_groups = np.zeros(0, np.int64)
    out = []
    found_kind = synthetic.group_kind[found_groups]
    for code, name in enumerate(names):
        out.append(
            Quality(
                name,
                int((match_kind == code).sum()),
                int((ok & (match_kind == code)).sum()),
                int((synthetic.group_kind == code).sum()),
                int((found_kind == code).sum()),
            )
        )
    out.append(Quality("total", count, int(ok.sum()), len(synthetic.group_kind), len(found_groups)))
    return out
