"""An employee's month, the 13º salário and férias, each as a payslip with its memória de
cálculo.

Money is rounded to the cent at each figure a payslip shows (salary, each overtime line, the
DSR, each discount), half-up, and the taxes are computed on those rounded figures, as a payroll
is printed and paid.
"""

from __future__ import annotations

import calendar as _calendar
import math
from datetime import date, timedelta
from decimal import Decimal

from retaguarda.validators.payroll.calendar import (
    Holidays,
    business_day,
    month_days,
    next_month,
    sundays,
)
from retaguarda.validators.payroll.model import Employee, Payslip, Step
from retaguarda.validators.payroll.tables import fgts_table, minimum_wage_table
from retaguarda.validators.payroll.taxes import ZERO, brl, inss_steps, irrf_steps, money, number

VT_RATE = Decimal("0.06")
VT_SOURCE = "Lei nº 7.418/1985, art. 4º, parágrafo único; Decreto nº 10.854/2021, art. 112"
COMMERCIAL_MONTH = 30
ADMISSION_SOURCE = "CLT art. 64, parágrafo único"


def minimum_wage(competencia: date) -> Decimal:
    return minimum_wage_table(competencia).value


def default_payment_date(competencia: date, holidays: Holidays | None = None) -> date:
    """The 5th business day of the month after the competência (CLT art. 459 § 1º)."""
    after = next_month(competencia)
    return business_day(after.year, after.month, 5, holidays)


def _fgts(amount: Decimal, competencia: date, apprentice: bool) -> tuple[Decimal, Step]:
    table = fgts_table(competencia)
    rate = table.apprentice_rate if apprentice else table.rate
    who = " (aprendiz)" if apprentice else ""
    value = money(amount * rate)
    return value, Step(f"FGTS{who}: {brl(amount)} × {number(rate * 100)}%", value, table.source)


def _employer_inss(gross: Decimal, rate: Decimal) -> tuple[Decimal, list[Step]]:
    if not rate:
        return ZERO, []
    value = money(gross * rate)
    return value, [Step(f"INSS patronal: {brl(gross)} × {number(rate * 100)}%", value)]


def compute_month(
    employee: Employee,
    *,
    holidays: Holidays | None = None,
    employer_rate: Decimal = Decimal(0),
) -> Payslip:
    """The month's payslip. `employer_rate` is the employer's INSS rate (20% plus RAT/terceiros
    under Lucro Real or Presumido; 0 under the Simples Nacional, the default).

    In the month of admission the salary is the days worked over the month's own days
    (admitted 16/03: 16 of 31; 10/02: 19 of 28), not over a commercial month of 30: with 30,
    a 31-day month loses a day worked and February pays days that do not exist (admitted on
    28/02, 3 days for 1). CLT art. 64, parágrafo único, takes the month's real days when they
    are fewer than 30. A day of absence is still a 30th of the salary.

    Raises ValueError when the admission falls after the competência.
    """
    e = employee
    c = e.competencia
    steps: list[Step] = []
    salary = e.salary
    daily = salary / COMMERCIAL_MONTH
    if e.admission and (e.admission.year, e.admission.month) > (c.year, c.month):
        raise ValueError(f"admissão em {e.admission:%d/%m/%Y}, depois da competência {c:%m/%Y}")
    if (
        e.admission
        and (e.admission.year, e.admission.month) == (c.year, c.month)
        and e.admission.day > 1
    ):
        length = _calendar.monthrange(c.year, c.month)[1]
        days = length + 1 - e.admission.day
        base = money(salary * days / length)
        steps.append(
            Step(
                f"Salário proporcional: {brl(salary)} ÷ {length} × {days} dias"
                f" (admissão em {e.admission:%d/%m/%Y}, dias do mês trabalhados)",
                base,
                ADMISSION_SOURCE,
            )
        )
    else:
        base = money(salary)
        steps.append(Step("Salário base", base))
    gross = base
    if e.absences:
        lost = e.rest_days_lost
        if lost is None:
            lost = min(math.ceil(e.absences / 6), sundays(c.year, c.month))
        absence = money(daily * e.absences)
        steps.append(Step(f"Faltas: {brl(salary)} ÷ 30 × {number(e.absences)} dias", -absence))
        gross -= absence
        if lost:
            rest = money(daily * lost)
            steps.append(
                Step(f"DSR perdido pelas faltas: {brl(salary)} ÷ 30 × {lost} dia(s)", -rest)
            )
            gross -= rest
    overtime = ZERO
    hours = e.monthly_hours
    for amount, factor, pct in (
        (e.overtime_50, Decimal("1.5"), "50"),
        (e.overtime_100, Decimal(2), "100"),
    ):
        if amount:
            value = money(salary / hours * factor * amount)
            steps.append(
                Step(
                    f"Horas extras {pct}%: {brl(salary)} ÷ {number(hours)} h × {number(factor)}"
                    f" × {number(amount)} h",
                    value,
                )
            )
            overtime += value
    if overtime:
        business, rest_days = month_days(c.year, c.month, holidays)
        dsr = money(overtime / business * rest_days)
        steps.append(
            Step(
                f"DSR sobre horas extras: {brl(overtime)} ÷ {business} dias úteis"
                f" × {rest_days} domingos e feriados",
                dsr,
                "Lei nº 605/1949, art. 7º",
            )
        )
        gross += overtime + dsr
    gross = max(gross, ZERO)
    steps.append(Step("Remuneração bruta (base de INSS, IRRF e FGTS)", gross))

    vt_cap = money(base * VT_RATE)
    if e.vt_benefit is not None:
        vt = min(vt_cap, money(e.vt_benefit))
        steps.append(
            Step(
                f"Vale-transporte: o menor entre 6% × {brl(base)} = {brl(vt_cap)}"
                f" e o benefício {brl(e.vt_benefit)}",
                vt,
                VT_SOURCE,
            )
        )
    elif e.vt_discount is not None:
        vt = money(e.vt_discount)
        steps.append(Step("Vale-transporte (valor da planilha)", vt, VT_SOURCE))
    else:
        vt = ZERO
    other = money(e.other_discounts)
    if other:
        steps.append(Step("Outros descontos", other))

    inss, more = inss_steps(gross, c)
    steps += more
    paid = e.payment_date or default_payment_date(c, holidays)
    steps.append(Step(f"Data de pagamento (tabela do IRRF): {paid:%d/%m/%Y}", None))
    irrf, more = irrf_steps(gross, e.dependents, paid, inss)
    steps += more
    fgts, step = _fgts(gross, c, e.apprentice)
    steps.append(step)
    net = gross - inss - irrf - vt - other
    steps.append(
        Step(
            f"Líquido: {brl(gross)} − INSS {brl(inss)} − IRRF {brl(irrf)}"
            f" − VT {brl(vt)} − outros {brl(other)}",
            net,
        )
    )
    employer_inss, more = _employer_inss(gross, employer_rate)
    steps += more
    return Payslip(
        gross=gross,
        inss=inss,
        irrf=irrf,
        fgts=fgts,
        net=net,
        employer_cost=gross + fgts + employer_inss,
        vt=vt,
        other_discounts=other,
        steps=tuple(steps),
        employer_inss=employer_inss,
        vt_cap=vt_cap,
        payment_date=paid,
    )


def thirteenth(
    salary: Decimal,
    year: int,
    *,
    installment: int,
    months: int = 12,
    dependents: int = 0,
    payment_date: date | None = None,
    first_installment: Decimal | None = None,
    apprentice: bool = False,
    employer_rate: Decimal = Decimal(0),
) -> Payslip:
    """The 13º salário (Lei 4.090/1962, Lei 4.749/1965): `months` avos of `salary`.

    Installment 1 (by 30 November, the default `payment_date`): half, without INSS or IRRF;
    FGTS on it. Installment 2 (by 20 December): INSS on the whole 13º (December's table, apart
    from the month's salary), IRRF on the whole taxed exclusively at source, less the first
    installment (`first_installment`, by default half the whole); FGTS on what is left.
    """
    if installment not in (1, 2):
        raise ValueError("installment must be 1 or 2")
    if not 0 <= months <= 12:
        raise ValueError("months must be between 0 and 12")
    whole = money(salary * months / 12)
    steps = [Step(f"13º salário: {brl(salary)} × {months}/12", whole, "Lei nº 4.090/1962")]
    if installment == 1:
        first = money(whole / 2)
        steps.append(
            Step("1ª parcela: metade, sem INSS nem IRRF", first, "Lei nº 4.749/1965, art. 2º")
        )
        fgts, step = _fgts(first, date(year, 11, 1), apprentice)
        steps.append(step)
        return Payslip(
            gross=first,
            inss=ZERO,
            irrf=ZERO,
            fgts=fgts,
            net=first,
            employer_cost=first + fgts,
            vt=ZERO,
            other_discounts=ZERO,
            steps=tuple(steps),
            payment_date=payment_date or date(year, 11, 30),
        )
    first = money(whole / 2) if first_installment is None else money(first_installment)
    december = date(year, 12, 1)
    inss, more = inss_steps(whole, december)
    steps += more
    paid = payment_date or date(year, 12, 20)
    irrf, more = irrf_steps(whole, dependents, paid, inss, exclusive=True)
    steps += more
    steps.append(Step("1ª parcela já paga", -first))
    rest = whole - first
    fgts, step = _fgts(rest, december, apprentice)
    steps.append(step)
    net = rest - inss - irrf
    steps.append(
        Step(
            f"2ª parcela líquida: {brl(whole)} − {brl(first)}"
            f" − INSS {brl(inss)} − IRRF {brl(irrf)}",
            net,
        )
    )
    employer_inss, more = _employer_inss(whole, employer_rate)
    steps += more
    return Payslip(
        gross=whole,
        inss=inss,
        irrf=irrf,
        fgts=fgts,
        net=net,
        employer_cost=rest + fgts + employer_inss,
        vt=ZERO,
        other_discounts=ZERO,
        steps=tuple(steps),
        employer_inss=employer_inss,
        payment_date=paid,
    )


def vacation(
    salary: Decimal,
    start: date,
    *,
    days: int = 30,
    dependents: int = 0,
    payment_date: date | None = None,
    apprentice: bool = False,
    employer_rate: Decimal = Decimal(0),
) -> Payslip:
    """Férias gozadas + 1/3 (CF art. 7º XVII): `days` of `salary` over a commercial month.

    Paid two days before `start` by default (CLT art. 145), and that date picks the IRRF
    table; IRRF is computed on the férias alone (withheld apart from the month's salary, with
    the monthly rules: the simplified discount and the Lei 15.270 reduction on the férias +
    1/3; the data file's switches for the 13º do not reach them). INSS uses the table of
    `start`'s month, on the férias alone: in that month's payroll the férias join the month's
    salary under one ceiling, which this payslip does not know.
    """
    pay = money(salary / COMMERCIAL_MONTH * days)
    third = money(pay / 3)
    gross = pay + third
    steps = [
        Step(f"Férias: {brl(salary)} ÷ 30 × {days} dias", pay, "CLT art. 142"),
        Step(f"1/3 constitucional: {brl(pay)} ÷ 3", third, "Constituição, art. 7º, XVII"),
        Step("Férias + 1/3", gross),
    ]
    competencia = start.replace(day=1)
    inss, more = inss_steps(gross, competencia)
    steps += more
    paid = payment_date or start - timedelta(days=2)
    irrf, more = irrf_steps(gross, dependents, paid, inss, apart=True)
    steps += more
    fgts, step = _fgts(gross, competencia, apprentice)
    steps.append(step)
    net = gross - inss - irrf
    steps.append(Step(f"Férias líquidas: {brl(gross)} − INSS {brl(inss)} − IRRF {brl(irrf)}", net))
    employer_inss, more = _employer_inss(gross, employer_rate)
    steps += more
    return Payslip(
        gross=gross,
        inss=inss,
        irrf=irrf,
        fgts=fgts,
        net=net,
        employer_cost=gross + fgts + employer_inss,
        vt=ZERO,
        other_discounts=ZERO,
        steps=tuple(steps),
        employer_inss=employer_inss,
        payment_date=paid,
    )
