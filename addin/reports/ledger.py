"""The journal as arrays, and the chart of accounts it posts to, for the accounting reports.

A `lancamentos` row is one posting: its Valor debited to Conta débito and credited to Conta
crédito. The reports never loop over rows: each table's account columns are factorized once
(a few hundred distinct codes for a million rows), the codes mapped to one index shared by
every table and team, and the sums made with `np.add.at` on integer cents (exact; `bincount`
would sum in floats). Rolling an account up to its synthetic parents then costs one step per
distinct account, not per line.

Balances are debit-positive throughout: an asset's normal balance is positive, a liability's
or a revenue's negative; the reports turn them around where a person expects a positive
figure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd

from retaguarda.addin.reconcile.intercompany import is_transfer_account
from retaguarda.addin.reports.model import Books, Period
from retaguarda.validators.fields.formatting import format_brl

CENT = Decimal("0.01")
KINDS = ("Ativo", "Passivo", "Patrimônio líquido", "Receita", "Despesa")
#: the kind an account outside the Plano de contas is taken to be, by its first segment, as
#: in the starter chart (2.3 is patrimônio líquido there; any other 2 is a liability)
FIRST_SEGMENT_KIND = {"1": "Ativo", "2": "Passivo", "3": "Receita", "4": "Despesa"}


def money(cents: int | np.integer) -> Decimal:
    return (Decimal(int(cents)) * CENT).quantize(CENT)


def brl(amount: Decimal) -> str:
    """R$ 1.234,56, for the notes."""
    return format_brl(int(amount * 100))


def code_key(code: str) -> tuple[tuple[int, object], ...]:
    """Sorts "1.1.2" before "1.1.10" and "1.10": numeric segments as numbers."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in code.split("."))


@dataclass(frozen=True)
class Account:
    code: str
    name: str
    #: Ativo, Passivo, Patrimônio líquido, Receita or Despesa ("" if unknown)
    kind: str
    #: Devedora or Credora ("" if unknown)
    nature: str
    postable: bool
    #: not in any team's Plano de contas: only the journal names it
    unlisted: bool = False


@dataclass
class Accounts:
    """The Plano de contas: every account by code, and each one's parents in it."""

    by_code: dict[str, Account] = field(default_factory=dict)

    def get(self, code: str) -> Account:
        found = self.by_code.get(code)
        if found is not None:
            return found
        kind = next((self.by_code[p].kind for p in self.parents(code)), "")
        if not kind:
            first = code.split(".")[0]
            kind = FIRST_SEGMENT_KIND.get(first, "")
            if code.startswith("2.3"):
                kind = "Patrimônio líquido"
        nature = "Devedora" if kind in ("Ativo", "Despesa") else "Credora" if kind else ""
        return Account(code, "(conta fora do Plano de contas)", kind, nature, True, True)

    def parents(self, code: str) -> list[str]:
        """The accounts of the chart above `code` by its dotted prefix, nearest first."""
        parts = code.split(".")
        return [
            p for p in (".".join(parts[:n]) for n in range(len(parts) - 1, 0, -1))
            if p in self.by_code
        ]  # fmt: skip

    def chain(self, code: str) -> list[Account]:
        """The account and its parents, nearest first."""
        return [self.get(code), *(self.by_code[p] for p in self.parents(code))]

    def transfer_codes(self) -> set[str]:
        return {a.code for a in self.by_code.values() if a.postable and is_transfer_account(a.name)}


def accounts_of(books: Sequence[Books]) -> Accounts:
    """Every team's Plano de contas in one; where two teams name a code, the first wins."""
    found: dict[str, Account] = {}
    for one in books:
        for table in one.of("plano_de_contas"):
            data = table.data
            for code, name, kind, nature, postable in zip(
                _texts(data, "codigo"), _texts(data, "conta"), _texts(data, "tipo"),
                _texts(data, "natureza"), _texts(data, "aceita_lancamento"), strict=True,
            ):  # fmt: skip
                if code and code not in found:
                    found[code] = Account(code, name, kind, nature, postable != "Não")
    return Accounts(dict(sorted(found.items(), key=lambda item: code_key(item[0]))))


def _texts(data: pd.DataFrame, key: str) -> list[str]:
    if key not in data:
        return [""] * len(data)
    return ["" if pd.isna(v) else str(v).strip() for v in data[key].astype(object)]


@dataclass
class Journal:
    """Every usable posting of one team: day, debit and credit account (indexes into
    `codes`), and the amount in cents; rows without a date, an account or a value are left
    out and counted in `skipped`."""

    codes: list[str]
    day: np.ndarray  # datetime64[D]
    debit: np.ndarray  # intp
    credit: np.ndarray  # intp
    cents: np.ndarray  # int64, positive as the sheet gives it
    skipped: int = 0

    def __len__(self) -> int:
        return len(self.cents)


def journal(books: Books, index: dict[str, int] | None = None) -> Journal:
    """The team's `lancamentos` tables as one `Journal`. `index` (code → position) is shared
    between teams so that their arrays can be summed; new codes are added to it."""
    index = {} if index is None else index
    days, debits, credits, cents = [], [], [], []
    skipped = 0
    for table in books.of("lancamentos"):
        data = table.data
        debit = _account_indexes(data["conta_debito"], index)
        credit = _account_indexes(data["conta_credito"], index)
        value = data["valor"]
        day = data["data"]
        good = ~(value.isna().to_numpy() | day.isna().to_numpy()) & (debit >= 0) & (credit >= 0)
        skipped += int(len(good) - good.sum())
        days.append(day.to_numpy()[good].astype("datetime64[D]"))
        debits.append(debit[good])
        credits.append(credit[good])
        cents.append(value.to_numpy(dtype=np.int64, na_value=0)[good])
    codes = sorted(index, key=index.__getitem__)
    if not days:
        empty = np.zeros(0, dtype=np.intp)
        return Journal(codes, np.zeros(0, "datetime64[D]"), empty, empty, np.zeros(0, np.int64))
    return Journal(
        codes,
        np.concatenate(days),
        np.concatenate(debits),
        np.concatenate(credits),
        np.concatenate(cents),
        skipped,
    )


def _account_indexes(column: pd.Series, index: dict[str, int]) -> np.ndarray:
    """Each row's account as a position in `index` (-1 when empty): the column factorized,
    then only its distinct codes stripped and looked up."""
    positions, uniques = pd.factorize(column, use_na_sentinel=True)
    mapped = np.empty(len(uniques) + 1, dtype=np.intp)
    mapped[-1] = -1
    for n, raw in enumerate(uniques):
        code = str(raw).strip()
        mapped[n] = index.setdefault(code, len(index)) if code else -1
    return mapped[positions]


def journals(books: Sequence[Books]) -> tuple[list[str], list[Journal]]:
    """Each team's journal over one shared list of codes."""
    index: dict[str, int] = {}
    found = [journal(one, index) for one in books]
    codes = sorted(index, key=index.__getitem__)
    for one in found:
        one.codes = codes
    return codes, found


def day64(day: date) -> np.datetime64:
    return np.datetime64(day, "D")


@dataclass
class Turnover:
    """Per account (positions in `codes`): the balance before the period, and the debits and
    credits within it, in cents."""

    codes: list[str]
    opening: np.ndarray
    debit: np.ndarray
    credit: np.ndarray

    @property
    def closing(self) -> np.ndarray:
        return self.opening + self.debit - self.credit

    def __add__(self, other: Turnover) -> Turnover:
        return Turnover(
            self.codes,
            self.opening + other.opening,
            self.debit + other.debit,
            self.credit + other.credit,
        )


def turnover(book: Journal, period: Period) -> Turnover:
    n = len(book.codes)
    before = book.day < day64(period.start)
    within = ~before & (book.day <= day64(period.end))
    opening = np.zeros(n, np.int64)
    np.add.at(opening, book.debit[before], book.cents[before])
    np.subtract.at(opening, book.credit[before], book.cents[before])
    debit = np.zeros(n, np.int64)
    np.add.at(debit, book.debit[within], book.cents[within])
    credit = np.zeros(n, np.int64)
    np.add.at(credit, book.credit[within], book.cents[within])
    return Turnover(list(book.codes), opening, debit, credit)


def months_of(period: Period) -> list[np.datetime64]:
    first = np.datetime64(period.start, "M")
    last = np.datetime64(period.end, "M")
    return list(np.arange(first, last + 1))


def monthly_net(book: Journal, start: date, end: date) -> tuple[list[np.datetime64], np.ndarray]:
    """Debits minus credits per account and month from `start` to `end`: an
    (accounts × months) matrix of cents."""
    months = months_of(Period(start, end))
    n, m = len(book.codes), len(months)
    within = (book.day >= day64(start)) & (book.day <= day64(end))
    month = (book.day[within].astype("datetime64[M]") - months[0]).astype(np.intp)
    cents = book.cents[within]
    flat = np.zeros(n * m, np.int64)
    np.add.at(flat, book.debit[within] * m + month, cents)
    np.subtract.at(flat, book.credit[within] * m + month, cents)
    return months, flat.reshape(n, m)


def rolled_up(
    codes: Sequence[str], values: np.ndarray, accounts: Accounts
) -> dict[str, np.ndarray]:
    """Each account's figures (rows of `values`) added to itself and to every parent it has
    in the chart: the synthetic accounts' totals. Accounts whose figures are all zero, with
    none below them moving, are left out."""
    totals: dict[str, np.ndarray] = {}
    for n, code in enumerate(codes):
        row = values[n]
        if not row.any():
            continue
        for target in (code, *accounts.parents(code)):
            if target in totals:
                totals[target] = totals[target] + row
            else:
                totals[target] = row.copy()
    return dict(sorted(totals.items(), key=lambda item: code_key(item[0])))


def level(code: str, accounts: Accounts) -> int:
    """How deep the account sits under the chart's accounts above it."""
    return len(accounts.parents(code))


def team_names(books: Sequence[Books]) -> str:
    """The scope line: one team's name, or "Consolidado (A, B)"."""
    if len(books) == 1:
        return books[0].team
    return f"Consolidado ({', '.join(b.team for b in books)})"


def month_label(month: np.datetime64) -> str:
    year, number = str(month).split("-")
    return f"{number}/{year}"


def month_key(month: np.datetime64) -> str:
    return str(month)


def skipped_note(journals: Iterable[Journal]) -> str | None:
    skipped = sum(j.skipped for j in journals)
    if not skipped:
        return None
    return (
        f"{skipped} lançamento(s) sem data, conta ou valor ficaram de fora; valide a aba "
        "Lançamentos para vê-los."
    )
