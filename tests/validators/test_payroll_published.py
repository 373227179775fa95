"""The payroll engine on worked examples published by others, each with its source and the
arithmetic written out, so that a reader can check the expected figure without the engine.

Receita Federal, "Exemplos de Aplicação da Lei 15.270/2025" (the page was first published at
https://www.gov.br/receitafederal/pt-br/assuntos/meu-imposto-de-renda/tabelas/exemplos-de-aplicacao-da-lei-15-191-2025
and is now at .../exemplos-de-aplicacao-da-lei-15-270-2025): salaries paid on 02/01/2026,
the competência December 2025 (its INSS is the 2025 table, the IRRF the 2026 one: regime de
caixa). Examples 1 and 2 are read from the page; 4 and 5 as the page gives them, quoted in
public payroll code that reproduces them (incomes 6.000,00 and 7.607,20, bases 5.350,40 and
7.000,00, "se utiliza nessa tabela de redução o valor do SALÁRIO (R$ 7.607,20), e NÃO o da
BASE DE CÁLCULO").
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from retaguarda.validators.payroll import Employee, Payslip, compute_month, irrf, vacation
from retaguarda.validators.payroll.calendar import month_days

PAID = date(2026, 1, 2)
DECEMBER_2025 = date(2025, 12, 1)


def _receita(salary: str) -> Payslip:
    return compute_month(Employee(DECEMBER_2025, D(salary), payment_date=PAID))


def test_receita_example_1_joao_zero_bracket():
    # João, 3.036,00. INSS (2025 table, the competência's): 1.518 × 7,5% = 113,85;
    # (2.793,88 − 1.518) × 9% = 114,8292; (3.036 − 2.793,88) × 12% = 29,0544 → 257,7336
    # → 257,73, as the page says. The simplified discount 607,20 > 257,73, so the base is
    # 3.036,00 − 607,20 = 2.428,80 (the page prints 2.428,00, a slip: 1st bracket either way)
    # → 0% → IRRF 0,00.
    slip = _receita("3036.00")
    assert slip.inss == D("257.73")
    assert slip.irrf == D("0.00")


def test_receita_example_2_jose_reduced_to_zero():
    # José, 4.000,00. INSS 2025: 113,85 + 114,8292 + (4.000 − 2.793,88) × 12% = 144,7344
    # → 373,4136 → 373,41 (the page's figure). Simplified 607,20 > 373,41: base 3.392,80;
    # 3.392,80 × 15% − 394,16 = 114,76 (the page's table tax); income ≤ 5.000,00, so the
    # reduction takes it to zero.
    slip = _receita("4000.00")
    assert slip.inss == D("373.41")
    assert slip.irrf == D("0.00")
    table_tax = next(s.value for s in slip.steps if s.label.startswith("IRRF pela tabela"))
    assert table_tax == D("114.76")


def test_receita_example_4_rita_legal_deduction_and_partial_reduction():
    # Rita, 6.000,00, INSS 649,60 (legal deduction, larger than the simplified 607,20):
    # base 5.350,40; 5.350,40 × 27,5% − 908,73 = 1.471,36 − 908,73 = 562,63;
    # reduction 978,62 − 0,133145 × 6.000,00 = 978,62 − 798,87 = 179,75 (on the income,
    # not on the base); IRRF 562,63 − 179,75 = 382,88.
    assert irrf(D("6000.00"), 0, PAID, D("649.60")) == D("382.88")
    # INSS on 6.000,00 with the 2025 table: 113,85 + 114,8292 + (4.190,83 − 2.793,88) × 12%
    # = 167,634 + (6.000 − 4.190,83) × 14% = 253,2838 → 649,597 → 649,60, the page's figure.
    assert _receita("6000.00").inss == D("649.60")


def test_receita_example_5_above_7350_no_reduction_though_the_base_is_below():
    # 7.607,20 with no legal deduction: simplified 607,20 → base 7.000,00 (below 7.350,00);
    # 7.000,00 × 27,5% − 908,73 = 1.925,00 − 908,73 = 1.016,27. The income 7.607,20 is above
    # 7.350,00, so no reduction: the page measures the reduction on the salary, not the base.
    assert irrf(D("7607.20"), 0, PAID) == D("1016.27")


def test_dsr_on_overtime_liderconcontabilidade_september_2017():
    # "DSR sobre horas extras: entenda o que é e como é realizado o cálculo", Lider Con
    # Contabilidade (https://liderconcontabilidade.com.br/blog/03/10/2017/dsr-sobre-horas-
    # extras-entenda-o-que-e-e-como-e-realizado-o-calculo/): overtime 1.000,00 in 09/2017,
    # 25 business days (Saturdays count), 4 Sundays + 1 holiday (7 de setembro) = 5;
    # DSR = 1.000 ÷ 25 × 5 = 200,00.
    assert month_days(2017, 9) == (25, 5)


def test_dsr_on_overtime_the_published_method_in_september_2026():
    # The same method on a month with the same calendar shape and tables in force:
    # 09/2026 has Sundays 6, 13, 20, 27 and 7 de setembro on a Monday → 5 rest days, 25
    # business days. 2.200,00 ÷ 220 h = 10,00 an hour; 50 h at 100% = 10 × 2 × 50 = 1.000,00;
    # DSR = 1.000,00 ÷ 25 × 5 = 200,00; remuneration 2.200 + 1.000 + 200 = 3.400,00.
    slip = compute_month(Employee(date(2026, 9, 1), D("2200.00"), overtime_100=D(50)))
    dsr = next(s.value for s in slip.steps if s.label.startswith("DSR sobre horas extras"))
    assert dsr == D("200.00")
    assert slip.gross == D("3400.00")


def test_ferias_28_days_contabeis_forum():
    # "Cálculo férias com IRRF", Contábeis forum (https://www.contabeis.com.br/forum/
    # departamento-pessoal-e-rh/130021/calculo-ferias-com-irrfonte): salary 2.981,00,
    # 28 days of férias: 2.981 ÷ 30 × 28 = 2.782,2667 → 2.782,27; 1/3: 2.782,27 ÷ 3 =
    # 927,4233 → 927,42; férias + 1/3 = 3.709,69 (the post's FGTS base for the month).
    # The post's INSS and IRRF use 2017's tables, which the engine does not hold.
    slip = vacation(D("2981.00"), date(2025, 3, 3), days=28)
    assert [s.value for s in slip.steps[:3]] == [D("2782.27"), D("927.42"), D("3709.69")]


def test_ferias_30_days_with_insalubridade_scribd_exercise_a():
    # "Exemplos de cálculo de férias" (exercícios resolvidos, https://pt.scribd.com/document/
    # 721894449/3-Exemplo-Exercicios-de-Ferias-Resolvidos-EaD), exercise a: remuneration
    # 2.000,00 + insalubridade 264,00 = 2.264,00; 30 days; 1/3 = 2.264 ÷ 3 = 754,6667 →
    # 754,67; bruto 3.018,67. (Its INSS and IRRF use the 05/2023 tables.)
    slip = vacation(D("2264.00"), date(2025, 6, 2))
    assert [s.value for s in slip.steps[:3]] == [D("2264.00"), D("754.67"), D("3018.67")]


def test_ferias_20_days_scribd_exercise_b_rounds_the_daily_rate_the_engine_does_not():
    # Same source, exercise b: 2.432,00, 20 days. The exercise prints 1.621,40: it rounds
    # the daily rate first (2.432 ÷ 30 = 81,0667 → 81,07; 81,07 × 20 = 1.621,40). No act
    # fixes an intermediate rounding and the proportion is 2.432 × 20 ÷ 30 = 1.621,3333 →
    # 1.621,33; rounding the day first drifts up to 0,15 over 30 days. The engine keeps the
    # exact proportion: 1.621,33; 1/3 = 540,4433 → 540,44; bruto 2.161,77 (the exercise's
    # 540,47 and 2.161,87 follow from its 1.621,40).
    slip = vacation(D("2432.00"), date(2025, 6, 2), days=20)
    assert [s.value for s in slip.steps[:3]] == [D("1621.33"), D("540.44"), D("2161.77")]


def test_admission_february_resposta_org():
    # resposta.org, "salário proporcional" (https://resposta.org/pergunta/30865901): Bruno,
    # admitted 10 February of a common year (28 days), salary 1.820,00; he works 19 days;
    # 1.820 ÷ 28 × 19 = 65 × 19 = 1.235,00. (10/02/2026: February 2026 has 28 days.)
    slip = compute_month(Employee(date(2026, 2, 1), D("1820.00"), admission=date(2026, 2, 10)))
    assert slip.gross == D("1235.00")


def test_admission_in_a_31_day_month_classificados():
    # "Quanto vou receber se comecei a trabalhar no meio do mês"
    # (https://classificados.com.pt/quanto-vou-receber-se-comecei-a-trabalhar-no-meio-do-mes):
    # admitted on the 10th of a 31-day month, salary 3.100,00: 22 days (10 to 31),
    # 3.100 ÷ 31 × 22 = 100 × 22 = 2.200,00. A commercial month of 30 would pay 21 days,
    # 2.170,00, a day worked short. The same page's 30-day month, admitted on the 15th:
    # 3.000 ÷ 30 × 16 = 1.600,00.
    march = compute_month(Employee(date(2026, 3, 1), D("3100.00"), admission=date(2026, 3, 10)))
    april = compute_month(Employee(date(2026, 4, 1), D("3000.00"), admission=date(2026, 4, 15)))
    assert (march.gross, april.gross) == (D("2200.00"), D("1600.00"))
