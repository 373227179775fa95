"""The ledger side of a bank reconciliation: every movement the books record on one account.

Three sheets say money went through a bank account: the journal (`lancamentos`), debiting the
account (money in) or crediting it (money out), and the payables and receivables lists, whose
settled titles name the account they were paid from or received in ("Conta de liquidação").

Rules, as docs/conciliacao.md tells finance:
* Account codes are compared as typed, exactly: 1.1.2 is 1.1.2, never 1.1.20 nor 1.1.02. A
  synthetic account takes in its children (1.1.02 covers 1.1.02.001 and 1.1.02.1): its balance
  is theirs, as the chart's hierarchy says.
* A title paid and also booked in the journal counts once: when a settled title and a journal
  line on the account carry the same document number and the same signed amount, the journal
  line stays (it is the posting an accountant reads) and the title goes, pair by pair (two
  such titles and one journal line leave one title).
* A row on the account without a date or an amount cannot be placed: it is left out, and a
  warning counts it. Validation reports the row itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from retaguarda.addin.reconcile.model import LINE_COLUMNS, lines_frame
from retaguarda.templates.table import Table
from retaguarda.validators.issues import Issue, make_issue

JOURNAL = "lancamentos"
PAYABLES = "contas_a_pagar"
RECEIVABLES = "contas_a_receber"
CHART = "plano_de_contas"
SETTLEMENT = "conta_liquidacao"


@dataclass
class LedgerSide:
    """The ledger's lines on the account, what was left out and why."""

    lines: pd.DataFrame
    warnings: list[Issue] = field(default_factory=list)
    #: refs of the titles left out because the journal books the same payment
    booked_in_journal: list[str] = field(default_factory=list)


def ledger_lines(tables: Iterable[Table], account: str) -> pd.DataFrame:
    """Every movement on `account`: the `Lines` of the ledger side (see `ledger_side`)."""
    return ledger_side(tables, account).lines


def ledger_side(tables: Iterable[Table], account: str) -> LedgerSide:
    """The ledger's movements on `account`, in workbook order, with the warnings a person
    should read before trusting the reconciliation."""
    account = str(account).strip()
    tables = list(tables)
    warnings: list[Issue] = []
    journal: list[pd.DataFrame] = []
    titles: list[pd.DataFrame] = []
    for table in tables:
        kind = table.template.id
        if kind == JOURNAL:
            frame, skipped = _journal(table, account)
            journal.append(frame)
        elif kind in (PAYABLES, RECEIVABLES):
            if not table.has(SETTLEMENT):
                settled = int(table.data["liquidado_em"].notna().sum())
                if settled:
                    warnings.append(_warning("reconcile.no_settlement_account", table, settled))
                continue
            frame, skipped = _titles(table, account)
            titles.append(frame)
        else:
            continue
        if len(skipped):
            warnings.append(
                _warning(
                    "reconcile.ledger_row_incomplete",
                    table,
                    len(skipped),
                    account=account,
                    first_row=int(skipped[0]),
                )
            )
    if not any(t.template.id in (JOURNAL, PAYABLES, RECEIVABLES) for t in tables):
        warnings.append(make_issue("reconcile.no_ledger", sheet=""))
    warnings += _unknown_account(tables, account)
    booked = pd.concat(journal) if journal else _empty()
    settled = pd.concat(titles) if titles else _empty()
    settled, dropped = _without_journal_twins(settled, booked)
    parts = [f for f in (booked, settled) if len(f)]
    lines = pd.concat(parts, ignore_index=True) if parts else _empty()
    return LedgerSide(lines[list(LINE_COLUMNS)], warnings, dropped)


def on_account(codes: pd.Series, account: str) -> np.ndarray:
    """Which codes are `account` or one of its children (1.1.02 → 1.1.02.001), compared as
    typed: 1.1.2 never takes 1.1.20."""
    text = codes.astype("string").str.strip()
    return (text.eq(account) | text.str.startswith(account + ".")).fillna(False).to_numpy(bool)


def _journal(table: Table, account: str) -> tuple[pd.DataFrame, np.ndarray]:
    data = table.data
    debit = on_account(data["conta_debito"], account)
    credit = on_account(data["conta_credito"], account)
    moving = debit ^ credit  # both sides on the account: nothing moved
    return _lines(
        table,
        moving,
        sign=np.where(debit, 1, -1),
        cents=data["valor"],
        date=data["data"],
        description=data["historico"],
        letters=np.full(len(table), table.letter("valor"), dtype=object),
    )


def _titles(table: Table, account: str) -> tuple[pd.DataFrame, np.ndarray]:
    data = table.data
    # settled: a date or an amount paid; one without the other is incomplete, and said
    settled = (data["liquidado_em"].notna() | data["valor_liquidado"].notna()).to_numpy(bool)
    chosen = on_account(data[SETTLEMENT], account) & settled
    paid = data["valor_liquidado"]
    letters = np.where(
        paid.notna().to_numpy(bool) & table.has("valor_liquidado"),
        table.letter("valor_liquidado"),
        table.letter("valor"),
    ).astype(object)
    sign = -1 if table.template.id == PAYABLES else 1
    return _lines(
        table,
        chosen,
        sign=np.full(len(table), sign),
        cents=paid.fillna(data["valor"]),
        date=data["liquidado_em"],
        description=data["contraparte"],
        letters=letters,
    )


def _lines(
    table: Table,
    chosen: np.ndarray,
    *,
    sign: np.ndarray,
    cents: pd.Series,
    date: pd.Series,
    description: pd.Series,
    letters: np.ndarray,
) -> tuple[pd.DataFrame, np.ndarray]:
    """The chosen rows as `Lines`, and the sheet rows of those that lack a date or amount."""
    whole = cents.notna().to_numpy(bool) & date.notna().to_numpy(bool)
    keep = chosen & whole
    rows = table.rows[keep]
    sheet = table.sheet
    frame = lines_frame(
        ref=[f"{sheet}!{r}" for r in rows],
        date=date[keep].to_numpy(),
        cents=(cents[keep].astype("int64").to_numpy() * sign[keep]),
        description=_text(description[keep]),
        document=_text(table.data["documento"][keep]),
        cell=[f"{sheet}!{letter}{r}" for letter, r in zip(letters[keep], rows, strict=True)],
    )
    return frame, table.rows[chosen & ~whole]


def _without_journal_twins(
    titles: pd.DataFrame, journal: pd.DataFrame
) -> tuple[pd.DataFrame, list[str]]:
    """The titles the journal does not book already (same document, same signed amount),
    matched pair by pair."""
    if not len(titles) or not len(journal):
        return titles, []
    key_t = _document_key(titles["document"]) + "\x1f" + titles["cents"].astype(str)
    key_j = _document_key(journal["document"]) + "\x1f" + journal["cents"].astype(str)
    has_document = _document_key(titles["document"]).ne("").to_numpy(bool)
    booked = key_j.value_counts()
    rank = key_t.groupby(key_t).cumcount()
    twin = has_document & (rank < key_t.map(booked).fillna(0)).to_numpy(bool)
    return titles[~twin], titles["ref"][twin].tolist()


def _document_key(documents: pd.Series) -> pd.Series:
    """NF-1002, nf 1002 and NF1002 are one document."""
    return documents.astype("string").fillna("").str.casefold().str.replace(r"\W+", "", regex=True)


def _unknown_account(tables: list[Table], account: str) -> list[Issue]:
    chart = next((t for t in tables if t.template.id == CHART), None)
    if chart is None or not account:
        return []
    if on_account(chart.data["codigo"], account).any():
        return []
    return [_warning("reconcile.account_unknown", chart, 0, account=account)]


def _warning(code: str, table: Table, count: int, **fields: object) -> Issue:
    return make_issue(code, sheet=table.sheet, count=count, **fields)


def _text(values: pd.Series) -> list[str]:
    return values.astype("string").fillna("").tolist()


def _empty() -> pd.DataFrame:
    return lines_frame(ref=[], date=[], cents=[])
