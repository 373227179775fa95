"""An employee's month, the 13º and férias on worked examples (arithmetic written out), and the
calendar the DSR counts on."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest

from retaguarda.validators.payroll import (
    Employee,
    Holidays,
    compute_month,
    default_payment_date,
    national_holidays,
    taxes,
    thirteenth,
    vacation,
)
from retaguarda.validators.payroll.calendar import month_days


def test_national_holidays_with_good_friday_and_consciencia_negra():
    days = national_holidays(2026)
    assert date(2026, 4, 3) in days  # Easter is 5 April 2026
    assert date(2025, 4, 18) in national_holidays(2025)  # Easter 20 April 2025
    assert date(2026, 11, 20) in days
    assert date(2023, 11, 20) not in national_holidays(2023)  # a national holiday from 2024
    # April 2026: 30 days; Sundays 5, 12, 19, 26; Good Friday 3 and Tiradentes 21 (Tuesday)
    assert month_days(2026, 4) == (24, 6)
    # local holidays: São Paulo's 25 January is a Sunday in 2026 and counts once; 9 July
    # (Thursday) turns a business day into a rest day (July 2026: Sundays 5, 12, 19, 26)
    sp = Holidays(frozenset({date(2026, 1, 25), date(2026, 7, 9)}))
    assert month_days(2026, 1, sp) == month_days(2026, 1) == (26, 5)  # 1 January too
    assert month_days(2026, 7) == (27, 4)
    assert month_days(2026, 7, sp) == (26, 5)


def test_default_payment_date_is_the_fifth_business_day_of_the_next_month():
    # May 2025: 1 (Thursday) is Labour Day; 2, 3 (Saturday), 5, 6, 7
    assert default_payment_date(date(2025, 4, 1)) == date(2025, 5, 7)


def test_overtime_with_its_dsr():
    # March 2026: 31 days, Sundays 1, 8, 15, 22, 29 (Good Friday falls in April): 26 business
    # days, 5 rest days. Hourly 2.200 ÷ 220 = 10,00; 10 h × 1,5 × 10,00 = 150,00;
    # DSR 150,00 ÷ 26 × 5 = 28,846 → 28,85; gross 2.378,85
    slip = compute_month(Employee(date(2026, 3, 1), D("2200.00"), overtime_50=D(10)))
    assert slip.gross == D("2378.85")
    # INSS 121,575 + (2.378,85 − 1.621) × 9% = 68,2065 → 189,7815
    assert slip.inss == D("189.78")
    # IRRF: 2.378,85 − 607,20 = 1.771,65, exempt
    assert slip.irrf == D("0.00")
    assert slip.fgts == D("190.31")  # 2.378,85 × 8% = 190,308
    assert slip.net == D("2189.07")
    labels = [s.label for s in slip.steps]
    assert "DSR sobre horas extras: 150,00 ÷ 26 dias úteis × 5 domingos e feriados" in labels


def test_overtime_100_in_a_month_with_holidays():
    # April 2026: 24 business days, 6 Sundays and holidays; 8 h × 2 × 10,00 = 160,00;
    # DSR 160 ÷ 24 × 6 = 40,00
    slip = compute_month(Employee(date(2026, 4, 1), D("2200.00"), overtime_100=D(8)))
    assert slip.gross == D("2400.00")


def test_admission_in_the_middle_of_the_month():
    # admitted 16/03/2026: works the 16th to the 31st, 16 of March's 31 days;
    # 3.000 × 16 ÷ 31 = 1.548,387 → 1.548,39; INSS 1.548,39 × 7,5% = 116,129 → 116,13;
    # IRRF: simplified 607,20 → base 941,19, exempt; FGTS 1.548,39 × 8% = 123,871 → 123,87;
    # net 1.548,39 − 116,13 = 1.432,26
    slip = compute_month(Employee(date(2026, 3, 1), D("3000.00"), admission=date(2026, 3, 16)))
    assert (slip.gross, slip.inss, slip.irrf, slip.fgts, slip.net) == (
        D("1548.39"),
        D("116.13"),
        D("0.00"),
        D("123.87"),
        D("1432.26"),
    )
    with pytest.raises(ValueError, match="depois da competência"):
        compute_month(Employee(date(2026, 3, 1), D("3000.00"), admission=date(2026, 4, 1)))


def test_absences_cost_their_days_and_the_weeks_rest():
    # two days (one week's DSR): 3.000 ÷ 30 × (2 + 1) = 300,00; gross 2.700,00
    # INSS 121,575 + (2.700 − 1.621) × 9% = 97,11 → 218,685 → 218,69
    slip = compute_month(Employee(date(2026, 4, 1), D("3000.00"), absences=D(2)))
    assert slip.gross == D("2700.00")
    assert slip.inss == D("218.69")
    # the sheet's own count of lost rest days wins
    two_weeks = compute_month(
        Employee(date(2026, 4, 1), D("3000.00"), absences=D(2), rest_days_lost=2)
    )
    assert two_weeks.gross == D("2600.00")


def test_vale_transporte_is_six_percent_at_most_and_never_more_than_the_benefit():
    month = date(2026, 5, 1)
    # 6% × 3.000 = 180,00 < 250,00
    assert compute_month(Employee(month, D("3000.00"), vt_benefit=D("250.00"))).vt == D("180.00")
    assert compute_month(Employee(month, D("3000.00"), vt_benefit=D("120.00"))).vt == D("120.00")
    # without the benefit, the sheet's discount is what was discounted
    slip = compute_month(
        Employee(month, D("3000.00"), vt_discount=D("90.00"), other_discounts=D(10))
    )
    # net 3.000 − 248,60 (INSS) − 0 − 90 − 10
    assert (slip.vt, slip.net, slip.vt_cap) == (D("90.00"), D("2651.40"), D("180.00"))


def test_apprentice_fgts_and_the_employer_cost():
    slip = compute_month(Employee(date(2026, 5, 1), D("1000.00"), apprentice=True))
    assert slip.fgts == D("20.00")  # 2%
    assert slip.employer_cost == D("1020.00")  # Simples Nacional: no employer INSS
    lucro = compute_month(Employee(date(2026, 5, 1), D("1000.00")), employer_rate=D("0.2"))
    assert lucro.employer_cost == D("1000.00") + D("80.00") + D("200.00")


def test_april_2025_pay_paid_in_may_uses_the_new_table():
    # 3.000,00, INSS 253,41 (2025 table). April's pay is paid on 07/05/2025 (5th business day):
    # new table, simplified 607,20: 2.392,80, exempt. March's is paid in April: old table,
    # (3.000 − 564,80) × 7,5% − 169,44 = 13,20
    april = compute_month(Employee(date(2025, 4, 1), D("3000.00")))
    march = compute_month(Employee(date(2025, 3, 1), D("3000.00")))
    assert (april.inss, april.irrf, april.payment_date) == (
        D("253.41"),
        D("0.00"),
        date(2025, 5, 7),
    )
    assert (march.inss, march.irrf) == (D("253.41"), D("13.20"))
    # an explicit payment date decides instead
    late = compute_month(Employee(date(2025, 3, 1), D("3000.00"), payment_date=date(2025, 5, 2)))
    assert late.irrf == D("0.00")


def test_thirteenth_first_installment_has_no_deductions():
    slip = thirteenth(D("3000.00"), 2026, installment=1)
    assert (slip.gross, slip.inss, slip.irrf, slip.net, slip.fgts) == (
        D("1500.00"),
        D("0.00"),
        D("0.00"),
        D("1500.00"),
        D("120.00"),
    )


def test_thirteenth_second_installment():
    # 8.000,00, 2 dependents: INSS on the whole 921,51 (121,575 + 115,3656 + 174,1716 +
    # (8.000 − 4.354,27) × 14% = 510,4022); IRRF exclusive: 8.000 − 921,51 − 2 × 189,59 =
    # 6.699,31; × 27,5% − 908,73 = 933,58025; no reduction above 7.350;
    # net 8.000 − 4.000 (1st installment) − 921,51 − 933,58 = 2.144,91
    slip = thirteenth(D("8000.00"), 2026, installment=2, dependents=2)
    assert (slip.inss, slip.irrf, slip.net) == (D("921.51"), D("933.58"), D("2144.91"))
    assert slip.fgts == D("320.00")  # 8% of the 4.000,00 left
    # 3.000,00 for 12 months: INSS 248,60; simplified discount, exempt; 3.000 − 1.500 − 248,60
    small = thirteenth(D("3000.00"), 2026, installment=2)
    assert (small.inss, small.irrf, small.net) == (D("248.60"), D("0.00"), D("1251.40"))
    # 9 months: 6.000 × 9/12 = 4.500,00; first installment actually paid 2.000,00
    part = thirteenth(D("6000.00"), 2026, installment=2, months=9, first_installment=D(2000))
    # INSS 431,51; exempt (reduction); 4.500 − 2.000 − 431,51
    assert (part.gross, part.net) == (D("4500.00"), D("2068.49"))


def test_thirteenth_in_the_reduction_band_follows_the_documented_reading():
    # the reduction measured on the 13º itself (irrf.toml, reduction.exclusive): 6.000,00,
    # INSS 641,51: (6.000 − 641,51) × 27,5% − 908,73 = 564,85475; reduction 179,75
    assert thirteenth(D("6000.00"), 2026, installment=2).irrf == D("385.10")


def test_vacation_with_its_third():
    # 30 days of 3.000,00 + 1/3 = 4.000,00; INSS 368,60; IRRF: 4.000 − 607,20 → 22,5%...
    # (4.000 − 607,20) × 15% − 394,16 = 114,76, zeroed by the 2026 reduction (up to 5.000)
    slip = vacation(D("3000.00"), date(2026, 7, 6))
    assert (slip.gross, slip.inss, slip.irrf, slip.net, slip.fgts) == (
        D("4000.00"),
        D("368.60"),
        D("0.00"),
        D("3631.40"),
        D("320.00"),
    )
    assert slip.payment_date == date(2026, 7, 4)
    # 20 days of 6.000,00 in August 2025: 4.000 + 1.333,33 = 5.333,33; INSS (2025) 556,26
    # (113,85 + 114,8292 + 167,634 + (5.333,33 − 4.190,83) × 14% = 159,95 → 556,2632);
    # 556,26 < 607,20, so the simplified discount: (5.333,33 − 607,20) × 27,5% − 908,73 =
    # 390,95575; no reduction before 2026
    paid = vacation(D("6000.00"), date(2025, 8, 4), days=20)
    assert (paid.gross, paid.inss, paid.irrf) == (D("5333.33"), D("556.26"), D("390.96"))


def _switched_off(monkeypatch):
    """The 2026 table with both 13º switches of irrf.toml turned off."""
    real = taxes.irrf_table

    def table(day):
        t = real(day)
        if t.reduction is None:
            return t
        reduction = replace(t.reduction, exclusive=False)
        return replace(t, simplified_on_exclusive=False, reduction=reduction)

    monkeypatch.setattr(taxes, "irrf_table", table)


def test_the_13th_switches_reach_the_13th_and_not_the_ferias(monkeypatch):
    # Lei 9.250 art. 3º-A § 3º (Lei 15.270/2025) and IN RFB 1.500 art. 65-A § 3º (IN RFB
    # 2.299/2025): the reduction reaches the 13º (irrf.toml). A 13º of 5.000,00 in 2026:
    # INSS 501,51 (121,575 + 115,3656 + 174,1716 + (5.000 − 4.354,27) × 14% = 90,4022);
    # simplified 607,20 > 501,51: (5.000 − 607,20) × 22,5% − 675,49 = 312,89, reduced to 0.
    assert thirteenth(D("5000.00"), 2026, installment=2).irrf == D("0.00")
    # férias + 1/3 of 5.000,00 (3.750 + 1.250): the same arithmetic, 0,00
    assert vacation(D("3750.00"), date(2026, 7, 6)).irrf == D("0.00")
    _switched_off(monkeypatch)
    # without the switches: legal deductions only, (5.000 − 501,51) × 22,5% − 675,49 =
    # 336,67025 → 336,67, no reduction
    assert thirteenth(D("5000.00"), 2026, installment=2).irrf == D("336.67")
    # férias are monthly income withheld apart: the switches do not reach them
    assert vacation(D("3750.00"), date(2026, 7, 6)).irrf == D("0.00")
