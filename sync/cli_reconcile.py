"""`retaguarda reconcile`: the reconciliations, one subcommand each, each in a module of its
own and imported only when it runs (as the top-level commands are)."""

from __future__ import annotations

import click

from retaguarda.sync.cli import LazyGroup

#: subcommand -> where it is defined, and the first line of its help
SUBCOMMANDS = {
    "bank": (
        "retaguarda.sync.cli_reconcile_bank:bank",
        "Extrato bancário (OFX, CNAB 240, CSV ou planilha) contra o razão de uma conta.",
    ),
    "payroll": (
        "retaguarda.sync.cli_reconcile_others:payroll",
        "Líquido da folha contra os pagamentos no extrato.",
    ),
    "stock": (
        "retaguarda.sync.cli_reconcile_others:stock",
        "Contagem de estoque contra o saldo dos movimentos.",
    ),
    "teams": (
        "retaguarda.sync.cli_reconcile_others:teams",
        "Transferências entre equipes (matriz e filiais), lado contra lado.",
    ),
}


@click.group("reconcile", cls=LazyGroup, lazy=SUBCOMMANDS)
def reconcile_group() -> None:
    """Conciliações: extrato x razão, folha x pagamentos, contagem x estoque, equipe x equipe."""
