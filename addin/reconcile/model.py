"""What a reconciliation works on and what it gives back, shared by every module of it.

Both sides of a reconciliation are `Lines`: a pandas DataFrame with one movement per row,
money as integer cents signed from the bank account's point of view (money in positive,
money out negative), so that a statement line and the ledger line that books it carry the
same number. Vectorised code works on the columns; nothing here creates a Python object per
line.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

import numpy as np
import pandas as pd

from retaguarda.validators.issues import Issue

#: the columns every `Lines` frame has, in this order; a producer may add more after them
#: (a CPF/CNPJ or PIX key for payroll, a counterparty name)
LINE_COLUMNS = ("ref", "date", "cents", "description", "document", "cell")


def lines_frame(
    ref: Sequence[str],
    date: Sequence[object],
    cents: Sequence[int],
    description: Sequence[str] | None = None,
    document: Sequence[str] | None = None,
    cell: Sequence[str] | None = None,
    **extra: Sequence[object],
) -> pd.DataFrame:
    """A `Lines` frame with the columns' types fixed.

    * `ref`: how a person finds the line, unique on its side: an OFX line by its FITID
      (`"FITID:20260305001"`; a repeated FITID gets `#2`, `#3` after it, never merged), a CNAB
      or CSV line by its line number (`"extrato.csv:17"`), a sheet line as `"Sheet!row"`
      (`"Lançamentos!17"`).
    * `date`: the movement's date (`datetime64[s]`, no time of day).
    * `cents`: int64, money in positive, money out negative.
    * `description`, `document`: text, "" when the line has none.
    * `cell`: the cell a link should open (`"Lançamentos!F17"`), "" for lines read from a file.
    """
    n = len(ref)
    frame = pd.DataFrame(
        {
            "ref": pd.array(list(ref), dtype="string"),
            "date": pd.to_datetime(pd.Series(list(date)), errors="raise").dt.normalize(),
            "cents": np.asarray(cents, dtype=np.int64),
            "description": pd.array(
                list(description) if description is not None else [""] * n, dtype="string"
            ),
            "document": pd.array(
                list(document) if document is not None else [""] * n, dtype="string"
            ),
            "cell": pd.array(list(cell) if cell is not None else [""] * n, dtype="string"),
        }
    )
    frame["date"] = frame["date"].astype("datetime64[s]")
    for name, values in extra.items():
        frame[name] = list(values)
    return frame


@dataclass
class Statement:
    """A bank statement, whatever file it came from, and what its own balances say.

    `opening` + the sum of the lines = `closing` when the file is whole; `gap()` says by how
    much it is not, and the reader puts a warning in `warnings` when it is not."""

    lines: pd.DataFrame
    opening: Decimal | None = None
    closing: Decimal | None = None
    bank: str = ""
    agency: str = ""
    account: str = ""
    source: str = ""
    warnings: list[Issue] = field(default_factory=list)

    def gap(self) -> Decimal | None:
        """closing − (opening + lines), or None when the file gives no balances."""
        if self.opening is None or self.closing is None:
            return None
        total = Decimal(int(self.lines["cents"].sum())) / 100
        return self.closing - (self.opening + total)


class Status(StrEnum):
    """A match's standing. A person's word ("confirmada") outlives every rerun."""

    AUTOMATIC = "automática"
    SUGGESTED = "sugerida"
    CONFIRMED = "confirmada"


@dataclass(frozen=True)
class Match:
    """Some statement lines booked by some ledger lines (1:1, 1:n, n:1).

    `difference_cents` = statement total − ledger total: zero, or a tolerated difference (a
    bank fee) to post. `rule` is a stable English code of the pass that found it
    (`reference`, `date_window`, `group`, `tolerance`, `similarity`, `decision`); `reason`
    says why in Portuguese ("mesmo valor, 1 dia depois, NF 1002 no histórico")."""

    statement: tuple[str, ...]
    ledger: tuple[str, ...]
    status: Status
    score: float
    reason: str
    rule: str
    difference_cents: int = 0

    @property
    def id(self) -> str:
        return match_id(self.statement, self.ledger)


def match_id(statement: Sequence[str], ledger: Sequence[str]) -> str:
    """A match's stable id: the same lines on both sides give the same id on every run, so a
    person's decision written next to it in the "Conciliação" sheet is found again."""
    key = "\x1f".join(sorted(statement)) + "\x1e" + "\x1f".join(sorted(ledger))
    return "C" + hashlib.blake2b(key.encode(), digest_size=6).hexdigest().upper()


@dataclass(frozen=True)
class Decision:
    """What a person said about a proposed match: confirmed (kept on every rerun as long as
    its lines still exist) or rejected (never proposed again with the same lines)."""

    statement: tuple[str, ...]
    ledger: tuple[str, ...]
    confirmed: bool

    @property
    def id(self) -> str:
        return match_id(self.statement, self.ledger)


@dataclass(frozen=True)
class MatchOptions:
    """How far the matcher may go. Money in cents; the relative tolerance is a fraction."""

    window_days: int = 3
    max_group: int = 6
    fee_cents: int = 0  # absolute tolerance (a bank fee up to this much)
    fee_fraction: Decimal = Decimal(0)  # relative tolerance, of the statement amount


@dataclass
class Matching:
    """The matcher's answer: the matches, and every line on each side that none explains."""

    matches: list[Match]
    unmatched_statement: list[str]
    unmatched_ledger: list[str]
