"""Functions typed in cells: `=RG_CNPJ_VALIDO(A2)`, `=RG_VALOR("R$ 1.234,56")`, `=RG_VALIDAR(...)`.

The same module serves desktop Excel (open-source xlwings: the add-in's "UDF Modules" setting
names `retaguarda.addin.udfs`) and Excel on the web (xlwings Server protocol: `sync` hands this
module to `custom_functions_meta` / `custom_functions_call`). The `RG_` prefix keeps the names
clear of Excel's own functions and of other add-ins'.

A sheet may call these thousands of times per recalculation, so everything a call needs (the
template lookup, the compiled patterns in `validators`) is built once at import, and each call
is a plain function call on one value. A cell never shows a traceback: a value that cannot be
read gives its reason in Portuguese as the cell's text ("Erro: ..."), and a bug gives one line
naming the function, with the details in the log.

Parameters are annotated `Any` on purpose: xlwings turns annotations into converters, and only
`Any` lets a cell's value through unchanged (text, number, date or empty).
"""

# no `from __future__ import annotations`: xlwings reads these annotations on every call, and
# string annotations would be compiled again each time
import functools
import logging
import math
import numbers
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, ParamSpec, TypeVar

import numpy as np
import pandas as pd
import xlwings as xw

from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.files import column_number
from retaguarda.templates.model import Template, normalize_header
from retaguarda.templates.reader import read_table
from retaguarda.templates.settings import SettingsError, company_options
from retaguarda.templates.validate import validate_tables
from retaguarda.validators import payroll
from retaguarda.validators.fields import date_value, money, parse_month
from retaguarda.validators.identifiers import format_cnpj, format_cpf, is_cnpj, is_cpf
from retaguarda.validators.payroll import NoTable, default_payment_date

logger = logging.getLogger(__name__)

#: header of the list `RG_VALIDAR` spills
ISSUE_HEADER = ("Célula", "Código", "Problema")
NO_ISSUES = "Nenhuma pendência."

#: a template by its id ("lancamentos") or its sheet name ("Lançamentos"), written any way
_TEMPLATES: dict[str, Template] = {
    normalize_header(name): template
    for template in TEMPLATES.values()
    for name in (template.id, template.sheet)
}
_KNOWN = ", ".join(TEMPLATES)

P = ParamSpec("P")
R = TypeVar("R")


def _in_cell(function: Callable[P, R]) -> Callable[P, R | str]:
    """Turns a failure into text for the cell: a ValueError's own message, else one line."""

    @functools.wraps(function)
    def call(*args: P.args, **kwargs: P.kwargs) -> R | str:
        try:
            return function(*args, **kwargs)
        except (ValueError, NoTable) as error:
            return f"Erro: {error}"
        except Exception:
            logger.exception("%s falhou", function.__name__)
            return f"Erro inesperado em {function.__name__}; veja o registro (log) do servidor."

    return call


def _identifier(value: Any, digits: int) -> str:
    """The text of an identifier cell. A number cell has lost its leading zeros (Excel drops
    them unless the cell is formatted as text), so its digits are padded back; a number is
    any of Python's, numpy's or a Decimal, as a caller holding a DataFrame passes them."""
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return str(value)
    fraction = isinstance(value, numbers.Real | Decimal) and not isinstance(value, numbers.Integral)
    if fraction and math.isfinite(value) and abs(value) < _HUGE and value == int(value):
        value = int(value)
    if isinstance(value, numbers.Integral):
        return str(int(value)).zfill(digits) if abs(value) < _HUGE else "número gigante"
    return str(value)


#: No identifier is this long; bigger numbers are shown as they print (1E+5000), not written
#: out digit by digit (Python refuses past 4,300 digits).
_HUGE = 10**40


@xw.func
@_in_cell
def RG_CNPJ_VALIDO(valor: Any) -> Any:
    """VERDADEIRO se o valor é um CNPJ válido (numérico ou alfanumérico), com ou sem pontuação."""
    return is_cnpj(_identifier(valor, 14))


@xw.func
@_in_cell
def RG_CPF_VALIDO(valor: Any) -> Any:
    """VERDADEIRO se o valor é um CPF válido, com ou sem pontuação."""
    return is_cpf(_identifier(valor, 11))


@xw.func
@_in_cell
def RG_FORMATA_CNPJ(valor: Any) -> Any:
    """O CNPJ escrito como 12.345.678/0001-95; erro se não for um CNPJ válido."""
    text = _identifier(valor, 14)
    if not is_cnpj(text):
        raise ValueError(f"“{text}” não é um CNPJ válido (confira os dígitos verificadores).")
    return format_cnpj(text)


@xw.func
@_in_cell
def RG_FORMATA_CPF(valor: Any) -> Any:
    """O CPF escrito como 123.456.789-09; erro se não for um CPF válido."""
    text = _identifier(valor, 11)
    if not is_cpf(text):
        raise ValueError(f"“{text}” não é um CPF válido (confira os dígitos verificadores).")
    return format_cpf(text)


@xw.func
@_in_cell
def RG_VALOR(valor: Any) -> Any:
    """O número de um valor em reais escrito como texto ("R$ 1.234,56" → 1234,56).

    A `Decimal` to the cent: desktop Excel receives it as a currency value; the Server
    protocol turns it into a JSON number only on the wire (`protocol.call_function`).
    """
    return money(valor)


@xw.func
@_in_cell
def RG_DATA(valor: Any) -> Any:
    """A data de um texto dd/mm/aaaa, aaaa-mm-dd ou de um número de série do Excel."""
    return date_value(valor)


@xw.func
@xw.arg("intervalo", ndim=2)
@_in_cell
def RG_VALIDAR(intervalo: Any, modelo: Any, primeira_celula: Any = "A1") -> Any:
    """Lista as pendências do intervalo (com o cabeçalho) conferido como o modelo dado.

    `primeira_celula` é o endereço do canto superior esquerdo do intervalo (padrão A1), para
    que as células listadas sejam as da planilha. O período fechado e a data de hoje são os da
    empresa (RETAGUARDA_CLOSED_UNTIL, RETAGUARDA_TODAY), como no botão Validar.
    """
    template = _TEMPLATES.get(normalize_header(str(modelo or "")))
    if template is None:
        raise ValueError(f"modelo desconhecido: “{modelo}” (conhecidos: {_KNOWN}).")
    first_row, first_col = _cell_position(str(primeira_celula or "A1"))
    rows = [list(row) for row in intervalo or []]
    table = read_table(
        rows, sheet=template.sheet, template=template, first_row=first_row, first_col=first_col
    )
    if table is None:
        raise ValueError(f"o cabeçalho de “{template.sheet}” não foi encontrado no intervalo.")
    try:  # the company's closed period and today, as the Validar button applies them
        options = company_options()
    except SettingsError as error:
        raise ValueError(str(error)) from None
    issues = validate_tables([table], options)
    if not issues:
        return [[NO_ISSUES, "", ""]]
    return [list(ISSUE_HEADER)] + [
        [issue.cell, issue.code, _with_suggestion(issue.message, issue.suggestion)]
        for issue in issues
    ]


@xw.func
@_in_cell
def RG_INSS(salario: Any, competencia: Any) -> Any:
    """O INSS do empregado sobre o salário de contribuição, pela tabela da competência
    (alíquotas progressivas por faixa, até o teto). Ex.: =RG_INSS(3000; "03/2026") → 248,60."""
    return payroll.inss(_amount(salario, "salário"), _competencia(competencia))


@xw.func
@_in_cell
def RG_IRRF(rendimentos: Any, dependentes: Any, competencia: Any, inss: Any = None) -> Any:
    """O IRRF mensal dos rendimentos tributáveis da competência, pago no mês seguinte (a tabela
    é a da data de pagamento): deduções legais (INSS e dependentes) ou o desconto simplificado,
    o que for melhor para o empregado, e a redução da Lei 15.270/2025 a partir de 2026. Sem o
    INSS, deduz o do empregado sobre os rendimentos (tabela da competência); 0: nenhum."""
    month = _competencia(competencia)
    income = _amount(rendimentos, "rendimentos")
    given = inss is not None and inss != ""
    deduction = _amount(inss, "INSS") if given else payroll.inss(income, month)
    return payroll.irrf(
        income,
        _dependents(dependentes),
        default_payment_date(month),
        deduction,
    )


def _amount(value: Any, what: str) -> Decimal:
    amount = money(value)
    if amount is None:
        raise ValueError(f"informe o valor de {what}.")
    if amount < 0:
        raise ValueError(f"{what} não pode ser negativo ({amount}).")
    return amount


def _dependents(value: Any) -> int:
    if value is None or value == "":
        return 0
    number = money(value)  # a cell's number, or text typed as one
    if number is None or number < 0 or number != int(number):
        raise ValueError(f"dependentes: “{value}” não é um número inteiro de 0 para cima.")
    return int(number)


def _competencia(value: Any) -> date:
    """The competência's first day, from a date, an Excel serial or text like 03/2026; the
    engine's tables say when they start (`NoTable`), in Portuguese."""
    if value is None or value == "":
        raise ValueError("informe a competência (mm/aaaa).")
    parsed = parse_month(pd.Series([value], dtype=object))
    first = parsed.values.iloc[0]
    if parsed.invalid[0] or pd.isna(first):
        raise ValueError(f"“{value}” não é uma competência; use mm/aaaa (03/2026).")
    return pd.Timestamp(first).date()


def _with_suggestion(message: str, suggestion: str) -> str:
    return f"{message} Sugestão: {suggestion}" if suggestion else message


def _cell_position(address: str) -> tuple[int, int]:
    """(row, column), 1-based, of an address like "C5" or "$C$5"."""
    text = address.replace("$", "").strip().upper()
    letters = text.rstrip("0123456789")
    digits = text[len(letters) :]
    if not letters or not letters.isalpha() or not letters.isascii() or not digits:
        raise ValueError(f"“{address}” não é o endereço de uma célula (ex.: A1).")
    return int(digits), column_number(letters)
