"""Extrato bancário: a bank statement as the bank exported it, one line per movement."""

from retaguarda.templates.catalog._columns import documento, valor
from retaguarda.templates.checks import Duplicates, Identifier
from retaguarda.templates.model import Column, Kind, Template

TEMPLATE = Template(
    id="extrato",
    sheet="Extrato bancário",
    version="1.0",
    title="Extrato bancário",
    description="As linhas do extrato: créditos positivos, débitos negativos, saldo após cada uma.",
    columns=(
        Column(
            "data",
            "Data",
            Kind.DATE,
            required=True,
            aliases=("Data do movimento", "Date"),
            not_future=True,
            width=12,
            help="Data do movimento (dd/mm/aaaa).",
        ),
        Column(
            "descricao",
            "Descrição",
            required=True,
            aliases=("Histórico", "Lançamento", "Description", "Memo"),
            width=36,
            help="Descrição como veio do banco.",
        ),
        documento("Número do documento, se houver."),
        valor("Crédito positivo, débito negativo.", positive=False),
        Column(
            "saldo",
            "Saldo",
            Kind.MONEY,
            aliases=("Saldo (R$)", "Balance"),
            width=16,
            help="Saldo após o movimento, se o banco informa.",
        ),
        Column(
            "banco",
            "Banco",
            Kind.BANK,
            aliases=("Bank",),
            width=8,
            help="Código do banco (3 dígitos).",
        ),
        Column(
            "conta",
            "Conta",
            aliases=("Conta corrente", "Account"),
            width=14,
            help="Conta corrente.",
            checks=(Identifier("bank_account"),),
        ),
    ),
    checks=(Duplicates(("documento", "data", "valor", "descricao")),),
)
