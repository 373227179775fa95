"""Contas a receber: bills customers owe, and when and how much was received."""

from retaguarda.templates.catalog._accounts_payable_receivable import titles_columns
from retaguarda.templates.checks import Accounts, Duplicates, NotAbove
from retaguarda.templates.model import Template

TEMPLATE = Template(
    id="contas_a_receber",
    sheet="Contas a receber",
    version="1.0",
    title="Contas a receber",
    description="Um título a receber por linha: cliente, documento, vencimento e recebimento.",
    columns=titles_columns(
        "Cliente",
        "Customer",
        "Recebido em",
        "Valor recebido",
        "Forma de recebimento",
        "recebimento",
    ),
    checks=(
        Accounts(),
        NotAbove("valor_liquidado", limit="valor", code="receivable.overpaid"),
        Duplicates(("documento", "cpf_cnpj", "valor")),
    ),
)
