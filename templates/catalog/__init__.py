"""The template catalog: one module per template, looked up by id or by sheet name."""

from retaguarda.templates.catalog import (
    contas_a_pagar,
    contas_a_receber,
    estoque_contagem,
    estoque_movimentos,
    extrato,
    folha,
    lancamentos,
    plano_de_contas,
)
from retaguarda.templates.model import Template

TEMPLATES: dict[str, Template] = {
    module.TEMPLATE.id: module.TEMPLATE
    for module in (
        plano_de_contas,
        lancamentos,
        contas_a_pagar,
        contas_a_receber,
        folha,
        estoque_movimentos,
        estoque_contagem,
        extrato,
    )
}

#: The templates of the company workbook (`empresa.xlsx`: every sheet a company keeps), in order.
COMPANY_WORKBOOK: tuple[str, ...] = tuple(TEMPLATES)


def get_template(template_id: str) -> Template:
    """The template with this id; KeyError names the known ids."""
    try:
        return TEMPLATES[template_id]
    except KeyError:
        known = ", ".join(TEMPLATES)
        raise KeyError(f"modelo desconhecido: {template_id!r} (conhecidos: {known})") from None
