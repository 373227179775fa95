"""The bills still open on a given day, from `contas_a_pagar` and `contas_a_receber`, for the
aging and the cash flow's projection.

A bill is open by what is left of its Valor: all of it when Pago em / Recebido em is empty or
after the day; Valor − Valor pago (or nothing, when the value paid is empty: paid in full)
when it was settled on or before the day. A bill issued after the day is not open yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from retaguarda.addin.reports.model import Books

PAYABLE, RECEIVABLE = "contas_a_pagar", "contas_a_receber"


@dataclass
class OpenTitles:
    """One entry per open bill, in arrays: the team, the counterparty and its CPF/CNPJ, the
    due day and what is left to settle, in cents; `refs` points at the sheet row."""

    team: list[str]
    party: list[str]
    tax_id: list[str]
    due: np.ndarray  # datetime64[D]
    cents: np.ndarray  # int64, positive
    refs: list[str]
    #: rows without a due date or a value, left out
    skipped: int = 0

    def __len__(self) -> int:
        return len(self.cents)


def open_titles(books: Sequence[Books], template_id: str, today: date) -> OpenTitles:
    teams, parties, tax_ids, dues, cents, refs = [], [], [], [], [], []
    skipped = 0
    day = np.datetime64(today, "D")
    for one in books:
        for table in one.of(template_id):
            data = table.data
            value = data["valor"].to_numpy(dtype=np.int64, na_value=0)
            missing = data["valor"].isna().to_numpy() | data["vencimento"].isna().to_numpy()
            settled_on = _days(data, "liquidado_em")
            paid = (
                data["valor_liquidado"].to_numpy(dtype=np.int64, na_value=-1)
                if "valor_liquidado" in data
                else np.full(len(data), -1, np.int64)
            )
            settled = ~np.isnat(settled_on) & (settled_on <= day)
            left = np.where(settled, np.where(paid < 0, 0, value - paid), value)
            partial_undated = np.isnat(settled_on) & (paid >= 0)
            left = np.where(partial_undated, value - paid, left)
            issued = _days(data, "emissao")
            keep = ~missing & (left > 0) & (np.isnat(issued) | (issued <= day))
            skipped += int(missing.sum())
            where = np.flatnonzero(keep)
            teams += [one.team] * len(where)
            parties += _texts(data, "contraparte", where)
            tax_ids += _texts(data, "cpf_cnpj", where)
            dues.append(_days(data, "vencimento")[where])
            cents.append(left[where])
            refs += [f"{table.sheet}!{table.rows[i]}" for i in where]
    return OpenTitles(
        teams,
        parties,
        tax_ids,
        np.concatenate(dues) if dues else np.zeros(0, "datetime64[D]"),
        np.concatenate(cents) if cents else np.zeros(0, np.int64),
        refs,
        skipped,
    )


def _days(data: pd.DataFrame, key: str) -> np.ndarray:
    if key not in data:
        return np.full(len(data), np.datetime64("NaT"), "datetime64[D]")
    return data[key].to_numpy().astype("datetime64[D]")


def _texts(data: pd.DataFrame, key: str, where: np.ndarray) -> list[str]:
    if key not in data:
        return [""] * len(where)
    column = data[key].astype(object).to_numpy()[where]
    return ["" if pd.isna(v) else str(v).strip() for v in column]
