"""Which ledger account a statement belongs to, when nobody said.

A person says it best (the CLI's `--account`, the "Conta contábil" cell of the Conciliação
sheet). Failing that, the Plano de contas decides when it can do so without guessing: the one
postable account whose name holds the statement's account number ("Banco do Brasil c/c
12345-6" for a statement of account 12345-6), else the one postable account whose name says
it is a bank ("Bancos conta movimento" in the starter chart); assets only, so "Tarifas
bancárias" and "Juros de bancos" never are. Anything else is no answer, and
the caller asks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from retaguarda.addin.reconcile.model import Statement
from retaguarda.templates.model import normalize_header
from retaguarda.templates.table import Table

#: digits of an account number that are enough to tell it from another in a name
MIN_DIGITS = 4


def guess_account(tables: Iterable[Table], statement: Statement) -> tuple[str, list[str]]:
    """(the account, []) when the chart names exactly one; ("", the candidates) otherwise."""
    chart = next((t for t in tables if t.template.id == "plano_de_contas"), None)
    if chart is None:
        return "", []
    data = chart.data
    # a bank account is an asset that accepts postings
    postable = (
        data["aceita_lancamento"].fillna("Sim").ne("Não")
        & data["tipo"].fillna("Ativo").eq("Ativo")
        & data["codigo"].notna()
    )
    accounts = [
        (str(code).strip(), str(name) if name is not None else "")
        for code, name in zip(
            data["codigo"][postable], data["conta"][postable].fillna(""), strict=True
        )
    ]
    number = re.sub(r"\D", "", statement.account or "")
    if len(number) >= MIN_DIGITS:
        named = [code for code, name in accounts if number in re.sub(r"\D", "", name)]
        if len(named) == 1:
            return named[0], []
    banks = [code for code, name in accounts if "banco" in normalize_header(name)]
    if len(banks) == 1:
        return banks[0], []
    return "", banks
