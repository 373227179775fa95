"""INSS and IRRF on worked examples, the arithmetic written out; Receita's published examples
for Lei 15.270/2025 ("Exemplos de aplicação da Lei 15.270/2025", FACTS.md) to the cent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from retaguarda.validators.payroll import NoTable, inss, irrf, minimum_wage
from retaguarda.validators.payroll.taxes import irrf_steps

JAN_2026, MAR_2025 = date(2026, 1, 1), date(2025, 3, 1)
PAID_2026 = date(2026, 2, 6)


@pytest.mark.parametrize(
    ("salary", "expected"),
    [
        # 1st bracket: 1.500,00 × 7,5% = 112,50
        ("1500.00", "112.50"),
        # 2nd: 1.621,00 × 7,5% = 121,575; (2.500,00 − 1.621,00) × 9% = 79,11 → 200,685
        ("2500.00", "200.69"),
        # 3rd: 121,575 + (2.902,84 − 1.621,00) × 9% = 115,3656; (4.000 − 2.902,84) × 12%
        # = 131,6592 → 368,5998
        ("4000.00", "368.60"),
        # 4th: 121,575 + 115,3656 + 174,1716 + (6.000 − 4.354,27) × 14% = 230,4022 → 641,5144
        ("6000.00", "641.51"),
        # the ceiling: ... + (8.475,55 − 4.354,27) × 14% = 576,9792 → 988,0914
        ("8475.55", "988.09"),
        ("12000.00", "988.09"),
    ],
)
def test_inss_2026_bracket_by_bracket(salary, expected):
    assert inss(D(salary), JAN_2026) == D(expected)


def test_inss_is_the_exact_sum_rounded_once():
    # 2025: 1.518 × 7,5% = 113,85; (2.793,88 − 1.518) × 9% = 114,8292;
    # (4.190,83 − 2.793,88) × 12% = 167,634; (6.000 − 4.190,83) × 14% = 253,2838 → 649,5970:
    # 649,60, where rounding each bracket first (113,85 + 114,83 + 167,63 + 253,28) gives 649,59
    assert inss(D("6000.00"), MAR_2025) == D("649.60")
    # the 2025 ceiling 8.157,41: ... + 3.966,58 × 14% = 555,3212 → 951,6344
    assert inss(D("9000.00"), MAR_2025) == D("951.63")


def test_decimal_not_float():
    # 1.621 × 0,075 = 121,575 → 121,58 (a binary float gives 121,57)
    assert inss(D("1621.00"), JAN_2026) == D("121.58")


def test_receita_examples_for_lei_15270():
    # 5.000,00: tax is zero
    assert irrf(D("5000.00"), 0, PAID_2026, inss(D("5000.00"), JAN_2026)) == D("0.00")
    # 6.000,00 with INSS 649,60: (6.000 − 649,60) × 27,5% − 908,73 = 562,63;
    # reduction 978,62 − 0,133145 × 6.000 = 179,75; IRRF 382,88
    value, steps = irrf_steps(D("6000.00"), 0, PAID_2026, D("649.60"))
    assert value == D("382.88")
    assert [s.value for s in steps if s.label.startswith(("IRRF pela", "Redução"))] == [
        D("562.63"),
        D("179.75"),
    ]
    # 7.607,20 (INSS 874,61 on the 2025 table: 113,85 + 114,8292 + 167,634 + 478,2918):
    # (7.607,20 − 874,61) × 27,5% − 908,73 = 942,73225, and no reduction above 7.350,00
    assert irrf(D("7607.20"), 0, PAID_2026, D("874.61")) == D("942.73")


def test_irrf_2026_exempt_reduced_and_unreduced():
    # exempt: 2.000,00 − 607,20 (simplified) = 1.392,80, below 2.428,80
    assert irrf(D("2000.00"), 0, PAID_2026, D("150.00")) == D("0.00")
    # reduced to zero: 4.500,00, INSS 431,51 (121,575 + 115,3656 + 174,1716 + 20,4022):
    # (4.500 − 607,20) × 22,5% − 675,49 = 200,39; income up to 5.000,00 → zero
    assert irrf(D("4500.00"), 0, PAID_2026, inss(D("4500.00"), JAN_2026)) == D("0.00")
    # partly reduced: 6.500,00, INSS 711,51 (… + (6.500 − 4.354,27) × 14% = 300,4022):
    # (6.500 − 711,51) × 27,5% − 908,73 = 683,10475 → 683,10;
    # reduction 978,62 − 0,133145 × 6.500 = 113,1775 → 113,18; IRRF 569,92
    assert inss(D("6500.00"), JAN_2026) == D("711.51")
    assert irrf(D("6500.00"), 0, PAID_2026, D("711.51")) == D("569.92")
    # unreduced: 8.000,00, INSS 921,51: (8.000 − 921,51) × 27,5% − 908,73 = 1.037,85475
    assert irrf(D("8000.00"), 0, PAID_2026, D("921.51")) == D("1037.85")


def test_dependents_against_the_simplified_discount():
    paid = date(2025, 6, 5)  # the table in force since May 2025, no reduction yet
    # INSS 373,41 (2025: 113,85 + 114,8292 + (4.000 − 2.793,88) × 12% = 144,7344)
    assert inss(D("4000.00"), date(2025, 5, 1)) == D("373.41")
    # no dependents: 373,41 < 607,20, so the simplified discount:
    # (4.000 − 607,20) × 15% − 394,16 = 114,76
    assert irrf(D("4000.00"), 0, paid, D("373.41")) == D("114.76")
    # two dependents: 373,41 + 2 × 189,59 = 752,59 > 607,20, so the legal deductions:
    # (4.000 − 752,59) × 15% − 394,16 = 92,9515
    assert irrf(D("4000.00"), 2, paid, D("373.41")) == D("92.95")


def test_irrf_follows_the_payment_date():
    # 3.000,00 with INSS 253,41 (2025: 113,85 + 114,8292 + 206,12 × 12%)
    # paid in April 2025 (old table, simplified 564,80): (3.000 − 564,80) × 7,5% − 169,44
    assert irrf(D("3000.00"), 0, date(2025, 4, 7), D("253.41")) == D("13.20")
    # paid in May 2025 (new table, simplified 607,20): 2.392,80, exempt up to 2.428,80
    assert irrf(D("3000.00"), 0, date(2025, 5, 7), D("253.41")) == D("0.00")


def test_the_tax_is_never_negative_and_the_published_deduction_is_used():
    # 27,5% bracket: the published 908,73, not the 908,7385 the brackets imply
    # (10.000 − 988,09) × 27,5% − 908,73 = 1.569,54525 → 1.569,55
    assert irrf(D("10000.00"), 0, date(2025, 6, 5), D("988.09")) == D("1569.55")
    assert irrf(D("0.00"), 3, PAID_2026) == D("0.00")


def test_minimum_wage():
    assert minimum_wage(date(2025, 7, 1)) == D("1518.00")
    assert minimum_wage(date(2026, 1, 1)) == D("1621.00")


def test_a_date_before_the_first_table_is_an_error_not_a_guess():
    with pytest.raises(NoTable, match="INSS"):
        inss(D("3000.00"), date(2024, 12, 1))
    with pytest.raises(NoTable, match="IRRF"):
        irrf(D("3000.00"), 0, date(2023, 5, 5))
