"""Aging: the open bills to receive and to pay by how long they are overdue on `today`, per
counterparty, with totals.

From `contas_a_receber` and `contas_a_pagar` (Cliente/Fornecedor, CPF/CNPJ, Vencimento,
Valor, Recebido em/Pago em, Valor recebido/pago; what is open is `titles.open_titles`' rule).
Days overdue are `options.today` − Vencimento, never the machine's clock: a vencer (not due
yet, or due today), 1–30, 31–60, 61–90 and more than 90 days. A counterparty is one CPF/CNPJ
(its name the first one given), or one name where the CPF/CNPJ is empty. The period bounds
nothing here: what counts is what is open on `today`. With several teams the bills are
put together; a bill between two teams is each team's business with a third party as far as
these sheets say, so nothing is eliminated (a note says so).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from retaguarda.addin.reports import ledger
from retaguarda.addin.reports.ledger import brl, money
from retaguarda.addin.reports.model import (
    Books,
    Chart,
    Column,
    Period,
    Report,
    ReportOptions,
    Row,
    Section,
    Series,
)
from retaguarda.addin.reports.titles import PAYABLE, RECEIVABLE, OpenTitles, open_titles

#: key, label, and the first day overdue of each bucket
BUCKETS = (
    ("not_due", "A vencer", -(10**6)),
    ("d1_30", "1 a 30 dias", 1),
    ("d31_60", "31 a 60 dias", 31),
    ("d61_90", "61 a 90 dias", 61),
    ("over_90", "Mais de 90 dias", 91),
)
SIDES = (
    (RECEIVABLE, "receivable", "A receber", "Cliente"),
    (PAYABLE, "payable", "A pagar", "Fornecedor"),
)


def buckets_of(overdue_days: np.ndarray) -> np.ndarray:
    """Each bill's bucket (position in `BUCKETS`) from its days overdue."""
    edges = np.array([first for *_, first in BUCKETS[1:]])
    return np.searchsorted(edges, overdue_days, side="right")


def aging(books: Sequence[Books], period: Period, options: ReportOptions) -> Report:
    today = ledger.day64(options.today)
    sections, summary, notes = [], {}, []
    bucket_totals = {}
    for template_id, key, label, party in SIDES:
        titles = open_titles(books, template_id, options.today)
        overdue = (today - titles.due).astype(np.int64)
        bucket = buckets_of(overdue)
        rows, sums = _by_counterparty(titles, bucket)
        columns = (
            Column("counterparty", party, "text", 34),
            Column("tax_id", "CPF/CNPJ", "text", 20),
            *(Column(b, text) for b, text, _ in BUCKETS),
            Column("total", "Total"),
            Column("titles", "Títulos", "integer", 8),
        )
        totals = Row(
            {
                "counterparty": "Total",
                "tax_id": "",
                **{b: money(v) for (b, *_), v in zip(BUCKETS, sums, strict=True)},
                "total": money(sums.sum()),
                "titles": len(titles),
            },
            style="total",
        )
        sections.append(Section(key, f"Contas {label.lower()}", columns, tuple(rows), totals))
        bucket_totals[label] = sums
        summary[f"{key}_total"] = money(sums.sum())
        summary[f"{key}_overdue"] = money(sums[1:].sum())
        summary[f"{key}_titles"] = len(titles)
        for (b, *_), v in zip(BUCKETS, sums, strict=True):
            summary[f"{key}_{b}"] = money(v)
        if sums[1:].any():
            notes.append(f"Vencido {label.lower()}: {brl(money(sums[1:].sum()))}.")
        if titles.skipped:
            notes.append(
                f"{titles.skipped} título(s) {label.lower()} sem vencimento ou valor ficaram "
                "de fora."
            )
    notes.insert(0, f"Dias de atraso contados até {options.today.strftime('%d/%m/%Y')}.")
    if len(books) > 1:
        notes.append("Consolidado: os títulos das equipes somados; não há o que eliminar.")
    chart = Chart(
        "stacked_column",
        "Aging de contas a receber e a pagar",
        tuple(bucket_totals),
        tuple(
            Series(text, tuple(money(s[n]) for s in bucket_totals.values()))
            for n, (_, text, _) in enumerate(BUCKETS)
        ),
    )
    return Report(
        kind="aging",
        title="Aging de contas a receber e a pagar",
        period=period,
        scope=ledger.team_names(books),
        sections=tuple(sections),
        charts=(chart,),
        notes=tuple(notes),
        summary=summary,
    )


def _by_counterparty(titles: OpenTitles, bucket: np.ndarray) -> tuple[list[Row], np.ndarray]:
    """One row per counterparty, largest total first, and the totals per bucket."""
    keys = [t or p.casefold() for t, p in zip(titles.tax_id, titles.party, strict=True)]
    index: dict[str, int] = {}
    names: list[tuple[str, str]] = []
    for k, party, tax_id in zip(keys, titles.party, titles.tax_id, strict=True):
        if k not in index:
            index[k] = len(index)
            names.append((party, tax_id))
    group = np.array([index[k] for k in keys], dtype=np.intp)
    figures = np.zeros((len(index), len(BUCKETS)), np.int64)
    counts = np.zeros(len(index), np.int64)
    if len(titles):
        np.add.at(figures, (group, bucket), titles.cents)
        np.add.at(counts, group, 1)
    order = sorted(range(len(index)), key=lambda n: (-figures[n].sum(), names[n][0].casefold()))
    rows = [
        Row(
            {
                "counterparty": names[n][0],
                "tax_id": names[n][1],
                **{b: money(v) for (b, *_), v in zip(BUCKETS, figures[n], strict=True)},
                "total": money(figures[n].sum()),
                "titles": int(counts[n]),
            }
        )
        for n in order
    ]
    return rows, figures.sum(axis=0)
