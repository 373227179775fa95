"""Contas a pagar: bills owed to suppliers, and when and how much was paid."""

from retaguarda.templates.catalog._accounts_payable_receivable import titles_columns
from retaguarda.templates.checks import Accounts, Duplicates, NotAbove
from retaguarda.templates.model import Template

TEMPLATE = Template(
    id="contas_a_pagar",
    sheet="Contas a pagar",
    version="1.0",
    title="Contas a pagar",
    description="Um título a pagar por linha: fornecedor, documento, vencimento e pagamento.",
    columns=titles_columns(
        "Fornecedor", "Supplier", "Pago em", "Valor pago", "Forma de pagamento", "pagamento"
    ),
    checks=(
        Accounts(),
        NotAbove("valor_liquidado", limit="valor", code="payable.overpaid"),
        Duplicates(("documento", "cpf_cnpj", "valor")),
    ),
)
