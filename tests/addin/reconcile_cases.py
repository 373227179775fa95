"""A small bank reconciliation built by hand, shared by the reconciliation tests: a statement
of four lines, the ledger lines of the same account, and the matching a person would make.

Statement (opening R$ 1.000,00): +500,00 (PIX), −120,50 (NF 1002), −30,00 (a fee nobody booked),
−1.007,90 (a transfer whose R$ 7,90 fee was not booked); closing 1.000 + 500 − 120,50 − 30 −
1.007,90 = R$ 341,60.
Ledger on 1.1.02: +1.000,00 on 01/02 (before the statement), +500,00, −120,50 (a paid bill),
−1.000,00, −45,00 (a cheque not yet cleared), +10,00 on 01/05 (after the statement).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from retaguarda.addin.reconcile.model import Match, Matching, Statement, Status, lines_frame

STATEMENT = Statement(
    lines=lines_frame(
        ref=["FITID:1", "FITID:2", "FITID:3", "FITID:4"],
        date=[date(2026, 3, 2), date(2026, 3, 5), date(2026, 3, 10), date(2026, 3, 12)],
        cents=[50000, -12050, -3000, -100790],
        description=["PIX RECEBIDO CLIENTE X", "PAGTO BOLETO", "TARIFA PACOTE", "TED ENVIADA"],
        document=["", "1002", "", ""],
    ),
    opening=Decimal("1000.00"),
    closing=Decimal("341.60"),
    bank="001",
    agency="1234",
    account="56789-0",
    source="extrato.ofx",
)

LEDGER = lines_frame(
    ref=[
        "Lançamentos!2",
        "Lançamentos!3",
        "Contas a pagar!2",
        "Lançamentos!4",
        "Lançamentos!5",
        "Lançamentos!6",
    ],
    date=[
        date(2026, 2, 1),
        date(2026, 3, 2),
        date(2026, 3, 4),
        date(2026, 3, 11),
        date(2026, 3, 14),
        date(2026, 5, 1),
    ],
    cents=[100000, 50000, -12050, -100000, -4500, 1000],
    description=["Saldo", "Venda", "Fornecedor A", "Transferência", "Cheque 77", "Depois"],
    document=["", "NF-1", "1002", "", "CH-77", ""],
    cell=[
        "Lançamentos!F2",
        "Lançamentos!F3",
        "Contas a pagar!H2",
        "Lançamentos!F4",
        "Lançamentos!F5",
        "Lançamentos!F6",
    ],
)

M1 = Match(("FITID:1",), ("Lançamentos!3",), Status.AUTOMATIC, 0.98, "mesmo valor", "date_window")
M2 = Match(
    ("FITID:2",), ("Contas a pagar!2",), Status.SUGGESTED, 0.7, "NF 1002 no histórico", "reference"
)
M3 = Match(
    ("FITID:4",),
    ("Lançamentos!4",),
    Status.AUTOMATIC,
    0.9,
    "diferença de R$ 7,90",
    "tolerance",
    difference_cents=-790,
)
MATCHING = Matching([M1, M2, M3], ["FITID:3"], ["Lançamentos!5"])
