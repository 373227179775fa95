"""Movimentações de estoque: entries, issues and adjustments per SKU and warehouse."""

from retaguarda.templates.catalog._columns import deposito, documento, sku
from retaguarda.templates.checks import PositiveWhen, RunningBalance
from retaguarda.templates.model import Column, Kind, Template

TEMPLATE = Template(
    id="estoque_movimentos",
    sheet="Movimentações de estoque",
    version="1.0",
    title="Movimentações de estoque",
    description="Cada linha move um produto num depósito: entrada, saída ou ajuste.",
    columns=(
        Column(
            "data",
            "Data",
            Kind.DATE,
            required=True,
            aliases=("Date",),
            not_future=True,
            closed_period=True,
            width=12,
            help="Data da movimentação (dd/mm/aaaa).",
        ),
        sku("Código do produto."),
        Column(
            "produto",
            "Produto",
            aliases=("Descrição", "Product", "Description"),
            width=32,
            help="Descrição do produto.",
        ),
        Column(
            "ncm",
            "NCM",
            Kind.NCM,
            aliases=("Código NCM",),
            width=12,
            help="NCM com 8 dígitos (0000.00.00).",
        ),
        Column(
            "tipo",
            "Tipo",
            Kind.CHOICE,
            required=True,
            choices=("Entrada", "Saída", "Ajuste"),
            aliases=("Movimento", "Type"),
            width=10,
            help="Entrada, Saída ou Ajuste (ajuste pode ser negativo).",
        ),
        Column(
            "quantidade",
            "Quantidade",
            Kind.QUANTITY,
            required=True,
            aliases=("Qtd", "Qtde", "Quantity"),
            width=12,
            help="Quantidade movimentada; positiva em entradas e saídas.",
        ),
        Column(
            "custo_unitario",
            "Custo unitário",
            Kind.UNIT_COST,
            positive=True,
            aliases=("Custo", "Custo unit.", "Unit cost"),
            width=14,
            help="Custo unitário em reais.",
        ),
        deposito("Depósito ou loja."),
        documento("Nota fiscal ou requisição."),
    ),
    checks=(
        RunningBalance(
            quantity="quantidade",
            kind="tipo",
            outgoing=("Saída",),
            date="data",
            sku="sku",
            warehouse="deposito",
        ),
        PositiveWhen("quantidade", kind="tipo", kinds=("Entrada", "Saída")),
    ),
)
