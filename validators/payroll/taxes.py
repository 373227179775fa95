"""INSS and IRRF as the acts and Receita's published examples compute them, with their steps.

INSS is the exact sum of the brackets, rounded half-up once at the end (6.000,00 in 2026 gives
649,60; rounding each bracket would give 649,59). IRRF is base × rate − the published
deduction, rounded half-up, then less the Lei 15.270/2025 reduction (from January 2026),
which is measured on the taxable income, not on the base; at exactly 5.000,00 the "tax is
zero" branch applies. Both reproduce Receita's "Exemplos de aplicação da Lei 15.270/2025"
to the cent (5.000,00 → 0; 6.000,00 with INSS 649,60 → 382,88; 7.607,20 → no reduction).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from retaguarda.validators.payroll.model import Step
from retaguarda.validators.payroll.tables import inss_table, irrf_table

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def brl(value: Decimal) -> str:
    """2902.84 → "2.902,84" (a whole number of reais keeps its ",00")."""
    text = f"{money(value):,.2f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def number(value: Decimal) -> str:
    """A quantity or factor as written in pt-BR, without trailing zeros (1,5; 0,133145)."""
    text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def percent(rate: Decimal) -> str:
    return f"{number(rate * 100)}%"


def inss_steps(salary: Decimal, competencia: date) -> tuple[Decimal, list[Step]]:
    table = inss_table(competencia)
    steps: list[Step] = []
    total, lower = Decimal(0), Decimal(0)
    for n, bracket in enumerate(table.brackets, 1):
        if salary <= lower:
            break
        upper = min(salary, bracket.up_to)
        part = (upper - lower) * bracket.rate
        span = brl(upper) if lower == 0 else f"({brl(upper)} − {brl(lower)})"
        steps.append(Step(f"INSS {n}ª faixa: {span} × {percent(bracket.rate)}", part, table.source))
        total += part
        lower = bracket.up_to
    value = money(total)
    label = "INSS: soma das faixas, arredondada ao centavo"
    if salary > table.ceiling:
        label += f" (salário acima do teto de {brl(table.ceiling)})"
    steps.append(Step(label, value, table.source))
    return value, steps


def irrf_steps(
    income: Decimal,
    dependents: int,
    payment_date: date,
    inss: Decimal = ZERO,
    *,
    exclusive: bool = False,
    apart: bool = False,
) -> tuple[Decimal, list[Step]]:
    """IRRF on `income` (the month's taxable income) paid on `payment_date`.

    `exclusive` for the 13º salário, taxed exclusively at source (Lei nº 7.713/1988, art. 26):
    whether the simplified discount and the Lei 15.270 reduction reach it is a switch of the
    data file. `apart` for férias: withheld apart from the month's other income (RIR/2018,
    art. 682) but still income subject to the monthly incidence and the annual adjustment, so
    the monthly rules apply to it unconditionally; only the label changes."""
    table = irrf_table(payment_date)
    what = (
        "13º salário, tributação exclusiva"
        if exclusive
        else "férias, em separado dos demais rendimentos do mês"
        if apart
        else "mensal"
    )
    steps = [Step(f"IRRF ({what}): rendimentos tributáveis", income, table.source)]
    legal = inss + table.dependent_deduction * dependents
    simplified = not exclusive or table.simplified_on_exclusive
    if simplified and table.simplified_discount > legal:
        deductions = table.simplified_discount
        label = (
            f"Desconto simplificado {brl(deductions)} (maior que INSS {brl(inss)}"
            f" + {dependents} × {brl(table.dependent_deduction)} por dependente)"
        )
    else:
        deductions = legal
        label = (
            f"Deduções legais: INSS {brl(inss)} + {dependents} × {brl(table.dependent_deduction)}"
        )
    steps.append(Step(label, deductions, table.source))
    base = max(income - deductions, Decimal(0))
    steps.append(Step(f"Base do IRRF: {brl(income)} − {brl(deductions)}", base))
    bracket = next(b for b in table.brackets if b.up_to is None or base <= b.up_to)
    tax = max(money(base * bracket.rate - bracket.deduction), ZERO)
    steps.append(
        Step(
            f"IRRF pela tabela: {brl(base)} × {percent(bracket.rate)} − {brl(bracket.deduction)}",
            tax,
            table.source,
        )
    )
    r = table.reduction
    reduction = ZERO
    if r is not None and (r.exclusive or not exclusive):
        if income <= r.zero_up_to:
            reduction = min(tax, r.max)
            label = f"Redução: rendimentos até {brl(r.zero_up_to)}, imposto zerado"
        elif income <= r.up_to:
            reduction = min(tax, money(r.constant - r.factor * income))
            label = f"Redução: {brl(r.constant)} − {number(r.factor)} × {brl(income)}"
        else:
            label = f"Redução: nenhuma, rendimentos acima de {brl(r.up_to)}"
        if reduction == tax and tax and income > r.zero_up_to:
            label += " (limitada ao imposto)"
        steps.append(Step(label, reduction, r.source))
    value = tax - reduction
    steps.append(Step("IRRF a reter", value, table.source))
    return value, steps
