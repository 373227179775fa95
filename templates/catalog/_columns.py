"""Columns several templates share, declared once: the same header, aliases and type wherever
they appear, only whether they are required and their help line differ."""

from retaguarda.templates.model import Column, Kind

#: every header people give a document number: "Doc", "NF", "Nota fiscal", ...
_DOCUMENT_ALIASES = (
    "Doc",
    "Nº documento",
    "Número do documento",
    "Nota fiscal",
    "NF",
    "Document",
    "Invoice",
)
_CPF_CNPJ_ALIASES = ("CNPJ/CPF", "CPF ou CNPJ", "CNPJ", "Documento fiscal", "Tax ID")


def documento(help: str, *, required: bool = False) -> Column:
    """The number of the invoice, receipt or slip behind a row."""
    return Column(
        "documento",
        "Documento",
        required=required,
        aliases=_DOCUMENT_ALIASES,
        width=14,
        help=help,
    )


def cpf_cnpj(help: str, *, required: bool = False) -> Column:
    """The counterpart's CPF or CNPJ (numeric or the 2026 alphanumeric one)."""
    return Column(
        "cpf_cnpj",
        "CPF/CNPJ",
        Kind.CPF_CNPJ,
        required=required,
        aliases=_CPF_CNPJ_ALIASES,
        width=20,
        help=help,
    )


def centro_de_custo() -> Column:
    return Column(
        "centro_de_custo",
        "Centro de custo",
        aliases=("CC", "Centro custo", "Cost center"),
        width=16,
        help="Centro de custo, se houver.",
    )


def valor(help: str, *, positive: bool = True) -> Column:
    """An amount in reais; `positive` unless the sign carries meaning (a statement's debits)."""
    return Column(
        "valor",
        "Valor",
        Kind.MONEY,
        required=True,
        positive=positive,
        aliases=("Valor (R$)", "Valor do título", "Amount", "Value"),
        width=16,
        help=help,
    )


def sku(help: str) -> Column:
    return Column(
        "sku",
        "SKU",
        required=True,
        aliases=("Código do produto", "Código", "Item"),
        width=14,
        help=help,
    )


def deposito(help: str) -> Column:
    return Column(
        "deposito",
        "Depósito",
        required=True,
        aliases=("Almoxarifado", "Warehouse"),
        width=16,
        help=help,
    )
