"""Contagem de estoque: what was physically counted, per SKU and warehouse."""

from retaguarda.templates.catalog._columns import deposito, sku
from retaguarda.templates.checks import Duplicates, KnownIn
from retaguarda.templates.model import Column, Kind, Template

TEMPLATE = Template(
    id="estoque_contagem",
    sheet="Contagem de estoque",
    version="1.0",
    title="Contagem de estoque",
    description="O inventário físico: a quantidade contada de cada produto em cada depósito.",
    columns=(
        Column(
            "data",
            "Data",
            Kind.DATE,
            required=True,
            aliases=("Data da contagem", "Date"),
            not_future=True,
            width=12,
            help="Data da contagem (dd/mm/aaaa).",
        ),
        sku("Código do produto, como nas movimentações."),
        deposito("Depósito contado."),
        Column(
            "quantidade_contada",
            "Quantidade contada",
            Kind.QUANTITY,
            required=True,
            positive=True,
            aliases=("Quantidade", "Qtd contada", "Counted", "Quantity"),
            width=14,
            help="Quantidade encontrada na contagem.",
        ),
        Column(
            "responsavel",
            "Responsável",
            aliases=("Contador", "Conferente", "Counted by"),
            width=22,
            help="Quem contou.",
        ),
    ),
    checks=(
        KnownIn("sku", template="estoque_movimentos", other="sku", code="stock.unknown_sku"),
        Duplicates(("sku", "deposito", "data")),
    ),
)
