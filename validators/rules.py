"""Vectorized rules over a located table: each takes whole columns and returns issues.

A rule computes a boolean mask over every row at once (pandas/numpy) and only the flagged
rows become `Issue`s (see `issues_from_mask`). Rules name columns by key, so they know
nothing of templates; `templates.validate` says which rule runs on which columns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import numpy as np
import pandas as pd

from retaguarda.validators import identifiers
from retaguarda.validators.fields import format_brl, format_date_br, format_decimal_br
from retaguarda.validators.issues import Issue, Located, issues_from_mask

#: identifier check and family code for each identifier kind (by the kind's value).
IDENTIFIER_CHECKS = {
    "cpf": (identifiers.check_cpf, identifiers.FAMILIES["cpf"].code),
    "cnpj": (identifiers.check_cnpj, identifiers.FAMILIES["cnpj"].code),
    "cpf_cnpj": (identifiers.check_cpf_cnpj, identifiers.FAMILIES["cpf_cnpj"].code),
    "pis": (identifiers.check_pis, identifiers.FAMILIES["pis"].code),
    "cep": (identifiers.check_cep, identifiers.FAMILIES["cep"].code),
    "ncm": (identifiers.check_ncm, identifiers.FAMILIES["ncm"].code),
    "pix": (identifiers.check_pix, identifiers.FAMILIES["pix"].code),
    "bank": (identifiers.check_bank, identifiers.FAMILIES["bank"].code),
    "agency": (identifiers.check_agency, identifiers.FAMILIES["agency"].code),
    "bank_account": (identifiers.check_bank_account, identifiers.FAMILIES["bank_account"].code),
}


def required(table: Located, key: str) -> list[Issue]:
    """Empty cells of a required column (cells that failed to parse are reported as such)."""
    empty = table.raw[key].isna().to_numpy()
    return issues_from_mask("cell.required", table, key, empty)


def identifier(table: Located, key: str, kind: str) -> list[Issue]:
    check, code = IDENTIFIER_CHECKS[kind]
    values = table.data[key]
    verdict = check(values)
    # a suggestion only where it changes something (the zeros Excel dropped), not a mere
    # reformatting of the same wrong number; compared on the flagged rows only
    flagged = np.flatnonzero(verdict.invalid)
    suggestion = np.full(len(values), "", dtype=object)
    formatted = verdict.formatted.iloc[flagged]
    changed = (_bare(formatted) != _bare(values.iloc[flagged])).fillna(False).to_numpy(bool)
    suggestion[flagged[changed]] = formatted[changed].tolist()
    issues = issues_from_mask(
        code,
        table,
        key,
        verdict.invalid,
        suggestion=suggestion,
        params={"reason": verdict.reason, "reason_en": verdict.reason_en},
        codes=verdict.codes,
    )
    warned = verdict.warned
    if warned is not None and verdict.warning_code == "cpf_cnpj.ambiguous" and warned.any():
        # both readings exist only where zeros were lost and put back (a number cell): eleven
        # digits typed as text, leading zero included, are a CPF. Compared on the few warned
        # rows only: a regex over the whole column costs more than the check itself.
        rows = np.flatnonzero(warned)
        typed, read = _bare(table.raw[key].iloc[rows]), _bare(values.iloc[rows])
        warned = warned.copy()
        warned[rows] = (typed != read).fillna(False).to_numpy(bool)
    if warned is not None and warned.any():
        issues += issues_from_mask(
            verdict.warning_code,
            table,
            key,
            warned,
            suggestion=verdict.warning_suggestion,
            params={"formatted": verdict.formatted},
        )
    return issues


def _bare(values: pd.Series) -> pd.Series:
    return values.astype("str").str.replace(r"[\s./-]", "", regex=True).str.upper()


def negative(table: Located, key: str) -> list[Issue]:
    return issues_from_mask("number.negative", table, key, (table.data[key] < 0).fillna(False))


def future(table: Located, key: str, today: date) -> list[Issue]:
    mask = (table.data[key] > pd.Timestamp(today)).fillna(False)
    return issues_from_mask(
        "date.future", table, key, mask, params={"today": format_date_br(today)}
    )


def closed_period(table: Located, key: str, closed_until: date | None) -> list[Issue]:
    if closed_until is None:
        return []
    mask = (table.data[key] <= pd.Timestamp(closed_until)).fillna(False)
    return issues_from_mask(
        "date.closed_period",
        table,
        key,
        mask,
        params={"closed_until": format_date_br(closed_until)},
    )


def duplicates(table: Located, keys: Sequence[str]) -> list[Issue]:
    """Rows equal to an earlier row on every key, the first key being present.

    Reported on the later rows, pointing at the first one, so that deleting the flagged rows
    leaves one of each. Keys are compared one at a time, cheapest first, and after each only
    the rows that still share their values with another row go on: hashing a million distinct
    document numbers costs 0.3 s, hashing the few rows whose amount and party repeat nothing.
    Each key column is factorized and its codes folded into one integer per row.
    """
    present = table.data[keys[0]].notna().to_numpy()
    where = np.flatnonzero(present)
    combined = np.zeros(where.size, dtype=np.int64)
    for key in sorted(keys, key=lambda k: _hashing_cost(table.data[k].iloc[where[:1000]])):
        if where.size == 0:
            return []
        codes, uniques = pd.factorize(table.data[key].iloc[where], use_na_sentinel=False)
        if combined.max() >= 2**62 // (len(uniques) + 1):  # renumber before it could overflow
            combined = pd.factorize(combined)[0].astype(np.int64)
        combined = combined * (len(uniques) + 1) + codes
        if combined.max() >= 4 * combined.size:  # keep the codes small enough to count
            combined = pd.factorize(combined)[0].astype(np.int64)
        shared = np.bincount(combined)[combined] > 1
        where, combined = where[shared], combined[shared]
    if where.size == 0:
        return []
    _, first, group = np.unique(combined, return_index=True, return_inverse=True)
    first_of_row = first[group]
    later = first_of_row != np.arange(where.size)
    mask = np.zeros(len(present), dtype=bool)
    mask[where[later]] = True
    first_row = np.zeros(len(present), dtype=np.int64)
    first_row[where] = table.rows[where][first_of_row]
    headers = ", ".join(table.header(k) for k in keys)
    return issues_from_mask(
        "row.duplicate", table, keys[0], mask, params={"first_row": first_row, "key": headers}
    )


def _hashing_cost(sample: pd.Series) -> tuple[bool, int]:
    """How dear a column is to factorize, from a sample: text costs more than numbers, and
    many distinct values more than few."""
    return pd.api.types.is_string_dtype(sample.dtype), sample.nunique(dropna=False)


def same_account(
    table: Located, debit: str, credit: str, code: str = "ledger.same_account"
) -> list[Issue]:
    """Rows whose two columns hold the same value, reported at the second."""
    a, b = table.data[debit], table.data[credit]
    mask = (a == b).fillna(False).to_numpy()
    return issues_from_mask(code, table, credit, mask)


def overpaid(table: Located, due: str, paid: str, code: str) -> list[Issue]:
    """`paid` above `due`: both in cents, so the comparison is exact."""
    mask = (table.data[paid] > table.data[due]).fillna(False).to_numpy()
    if not mask.any():
        return []
    return issues_from_mask(
        code, table, paid, mask, params={"due": _formatted_at(mask, table.data[due], format_brl)}
    )


def accounts(
    table: Located, keys: Sequence[str], codes: pd.Series, postable: pd.Series
) -> list[Issue]:
    """Account codes not in the chart, or in it but synthetic (not accepting postings)."""
    known = set(codes.dropna())
    synthetic = set(codes[~postable.fillna(True).astype(bool)].dropna())
    issues: list[Issue] = []
    for key in keys:
        values = table.data[key]
        present = values.notna().to_numpy()
        unknown = present & ~values.isin(known).to_numpy()
        closed = present & values.isin(synthetic).to_numpy()
        issues += issues_from_mask("account.unknown", table, key, unknown)
        issues += issues_from_mask("account.not_postable", table, key, closed)
    return issues


def stock_negative(
    table: Located,
    *,
    at: str,
    date: str,
    sku: str,
    warehouse: str,
    delta: pd.Series,
    places: int,
) -> list[Issue]:
    """The movement that takes a SKU's running balance in a warehouse below zero.

    Movements are ordered by date, then by their order in the sheet; only the crossing from
    zero or above to below zero is reported, not every later movement while it stays negative.
    """
    frame = pd.DataFrame(
        {
            "date": table.data[date],
            "sku": table.data[sku],
            "warehouse": table.data[warehouse],
            "delta": delta.fillna(0).astype("int64"),
            "order": np.arange(len(delta)),
        }
    ).dropna(subset=["date", "sku", "warehouse"])
    if frame.empty:
        return []
    frame = frame.sort_values(["sku", "warehouse", "date", "order"], kind="stable")
    balance = frame.groupby(["sku", "warehouse"], sort=False)["delta"].cumsum()
    before = balance - frame["delta"]
    crossing = ((balance < 0) & (before >= 0)).to_numpy()
    mask = np.zeros(len(delta), dtype=bool)
    balances = pd.Series(0, index=range(len(delta)), dtype="int64")
    positions = frame["order"].to_numpy()
    mask[positions[crossing]] = True
    balances.iloc[positions] = balance.to_numpy()
    return issues_from_mask(
        "stock.negative",
        table,
        at,
        mask,
        params={
            "sku": table.data[sku],
            "warehouse": table.data[warehouse],
            "balance": _formatted_at(mask, balances, lambda v: format_decimal_br(v, places)),
        },
    )


def unknown_values(table: Located, key: str, known: pd.Series, code: str) -> list[Issue]:
    """Filled cells whose value is not among `known` (another table's column)."""
    values = table.data[key]
    mask = (values.notna() & ~values.isin(set(known.dropna()))).to_numpy()
    return issues_from_mask(code, table, key, mask)


def _formatted_at(mask: np.ndarray, values: pd.Series, fmt: Callable[[int], str]) -> np.ndarray:
    """Format `values` for the flagged rows only: the cost follows the findings."""
    out = np.full(len(mask), "", dtype=object)
    for position in np.flatnonzero(mask):
        value = values.iloc[position]
        out[position] = "" if pd.isna(value) else fmt(int(value))
    return out
