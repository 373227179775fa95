"""What a rendered template tells its user about each column, by the column's kind: the
cell's number format, the help text of its input message and note, and the data-validation
rule Excel checks before Retaguarda does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from retaguarda.templates.catalog import plano_de_contas as chart
from retaguarda.templates.model import Column, Kind, Template

#: The workbook name the account dropdowns list; it points at the chart's code column.
ACCOUNTS_NAME = "rg_contas"

MONEY_FORMAT = "[$R$-416] #,##0.00;-[$R$-416] #,##0.00"
NUMBER_FORMATS: dict[Kind, str] = {
    Kind.MONEY: MONEY_FORMAT,
    Kind.UNIT_COST: "[$R$-416] #,##0.0000;-[$R$-416] #,##0.0000",
    Kind.QUANTITY: "#,##0.0##",
    Kind.INTEGER: "#,##0",
    Kind.DATE: "dd/mm/yyyy",
    Kind.MONTH: "mm/yyyy",
}
TEXT_FORMAT = "@"
NUMERIC_KINDS = frozenset({Kind.MONEY, Kind.UNIT_COST, Kind.QUANTITY, Kind.INTEGER})
DATE_KINDS = frozenset({Kind.DATE, Kind.MONTH})

ACCEPTED: dict[Kind, str] = {
    Kind.TEXT: "Texto livre.",
    Kind.MONEY: "Valor em reais, até 2 casas decimais (1.234,56).",
    Kind.UNIT_COST: "Valor em reais, até 4 casas decimais (12,3456).",
    Kind.QUANTITY: "Número, até 3 casas decimais (10,5).",
    Kind.INTEGER: "Número inteiro.",
    Kind.DATE: "Data dd/mm/aaaa.",
    Kind.MONTH: "Mês mm/aaaa (por exemplo 03/2026).",
    Kind.ACCOUNT: "Código de uma conta da aba “Plano de contas” que aceita lançamento (lista).",
    Kind.CPF: "CPF, 11 dígitos, com ou sem pontuação (000.000.000-00).",
    Kind.CNPJ: "CNPJ, 14 caracteres (numérico ou alfanumérico), com ou sem pontuação.",
    Kind.CPF_CNPJ: "CPF (11 dígitos) ou CNPJ (14 caracteres), com ou sem pontuação.",
    Kind.PIS: "PIS/PASEP/NIT, 11 dígitos (000.00000.00-0).",
    Kind.CEP: "CEP, 8 dígitos (00000-000).",
    Kind.NCM: "NCM, 8 dígitos (0000.00.00).",
    Kind.PIX: "CPF, CNPJ, e-mail, celular (+55DDDNÚMERO) ou chave aleatória.",
    Kind.BANK: "Código COMPE do banco, 3 dígitos (001, 237, 341...).",
}


def validation(template: Template, column: Column) -> dict[str, Any]:
    """The data-validation rule of a column: what Excel can check before Retaguarda does."""
    rule: dict[str, Any] = {
        "input_title": column.header[:32],
        "input_message": note(column)[:255],
    }
    kind = column.kind
    if kind is Kind.CHOICE:
        choices = ", ".join(column.choices)
        rule |= {
            "validate": "list",
            "source": list(column.choices),
            "error_title": "Valor fora da lista",
            "error_message": f"{column.header}: escolha um destes valores: {choices}."[:255],
        }
    elif kind is Kind.ACCOUNT and template is not chart.TEMPLATE:
        rule |= {
            "validate": "list",
            "source": f"={ACCOUNTS_NAME}",
            # A warning, not a stop: the account may be about to be added to the chart.
            "error_type": "warning",
            "error_title": "Conta fora do plano",
            "error_message": (
                f"{column.header}: esta conta não está na aba “{chart.TEMPLATE.sheet}”. "
                "Confira o código ou cadastre a conta no plano."
            ),
        }
    elif kind in DATE_KINDS:
        example = "mm/aaaa (por exemplo 03/2026)" if kind is Kind.MONTH else "dd/mm/aaaa"
        rule |= {
            "validate": "date",
            "criteria": "between",
            "minimum": dt.date(1900, 1, 1),
            "maximum": dt.date(2100, 12, 31),
            "error_title": "Data inválida",
            "error_message": (
                f"{column.header}: digite uma data entre 1900 e 2100, no formato {example}."
            ),
        }
    elif kind in NUMERIC_KINDS:
        whole = kind is Kind.INTEGER
        what = "um número inteiro" if whole else "um número"
        bounds: dict[str, Any] = (
            {"criteria": ">=", "value": 0}
            if column.positive
            else {"criteria": "between", "minimum": -1e15, "maximum": 1e15}
        )
        rule |= {
            "validate": "integer" if whole else "decimal",
            **bounds,
            "error_title": "Número inválido",
            "error_message": (
                f"{column.header}: digite {what}"
                + (" maior ou igual a zero." if column.positive else ".")
            ),
        }
    else:
        rule["validate"] = "any"
    return rule


def note(column: Column) -> str:
    """What a user needs at the cell: the help line, whether it is required, what fits."""
    need = "Obrigatório." if column.required else "Opcional."
    return f"{column.help} {need} {accepted(column)}".strip()


def accepted(column: Column) -> str:
    if column.kind is Kind.CHOICE:
        *first, last = column.choices
        listed = f"{', '.join(first)} ou {last}" if first else last
        text = f"Um destes: {listed}."
    elif column.kind is Kind.ACCOUNT and column.key == "codigo":
        text = "Código único da conta, como 1.1.01 (texto)."
    else:
        text = ACCEPTED[column.kind]
    if column.positive:
        text += " Não pode ser negativo."
    if column.not_future:
        text += " Não pode ser futura."
    if column.closed_period:
        text += " Não pode cair em período já fechado."
    return text
