"""=RG_INSS and =RG_IRRF called with what Excel hands them: floats, text money, dates, serials.

Every expected figure is worked out here by hand from the published tables (INSS: Portaria
Interministerial MPS/MF nº 13/2026 and the 2025 one; IRRF: Lei 15.191/2025 and the table before
it, the Lei 15.270/2025 reduction), and the 6.000,00 example is the Receita's own ("Exemplos de
aplicação da Lei 15.270/2025").
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest

from retaguarda.addin import udfs

CENT = Decimal("0.01")


def half_up(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def test_inss_2026_sums_the_brackets_and_rounds_once():
    """3.000,00 in 2026: 1.621,00 × 7,5% + (2.902,84 − 1.621,00) × 9% + (3.000,00 − 2.902,84)
    × 12% = 121,575 + 115,3656 + 11,6592 = 248,5998 → 248,60 (each bracket rounded on its own
    would give 121,58 + 115,37 + 11,66 = 248,61)."""
    exact = Decimal("121.575") + Decimal("115.3656") + Decimal("11.6592")
    assert exact == Decimal("248.5998")
    assert half_up(exact) == Decimal("248.60")
    assert udfs.RG_INSS(3000.0, "03/2026") == Decimal("248.60")
    assert udfs.RG_INSS("R$ 3.000,00", dt.datetime(2026, 3, 1)) == Decimal("248.60")
    assert udfs.RG_INSS(3000, 46082.0) == Decimal("248.60")  # 01/03/2026 as Excel's serial


def test_inss_2025_uses_that_year_s_table():
    """3.000,00 in 03/2025: 1.518,00 × 7,5% + (2.793,88 − 1.518,00) × 9% + (3.000,00 −
    2.793,88) × 12% = 113,85 + 114,8292 + 24,7344 = 253,4136 → 253,41."""
    exact = Decimal("113.85") + Decimal("114.8292") + Decimal("24.7344")
    assert half_up(exact) == Decimal("253.41")
    assert udfs.RG_INSS(3000.0, "03/2025") == Decimal("253.41")


def test_inss_stops_at_the_ceiling():
    """Above 8.475,55 (2026): 121,575 + 115,3656 + (4.354,27 − 2.902,84) × 12% + (8.475,55 −
    4.354,27) × 14% = 121,575 + 115,3656 + 174,1716 + 576,9792 = 988,0914 → 988,09."""
    exact = Decimal("121.575") + Decimal("115.3656") + Decimal("174.1716") + Decimal("576.9792")
    assert half_up(exact) == Decimal("988.09")
    assert udfs.RG_INSS(10000.0, "03/2026") == Decimal("988.09")
    assert udfs.RG_INSS(8475.55, "03/2026") == Decimal("988.09")


def test_irrf_receita_example_with_the_2026_reduction():
    """Receita's example: 6.000,00 with INSS 649,60 (paid in 02/2026). INSS 649,60 beats the
    simplified 607,20; base 6.000,00 − 649,60 = 5.350,40; table 5.350,40 × 27,5% − 908,73 =
    1.471,36 − 908,73 = 562,63; reduction 978,62 − 0,133145 × 6.000,00 = 978,62 − 798,87 =
    179,75; IRRF 562,63 − 179,75 = 382,88."""
    table = half_up(Decimal("5350.40") * Decimal("0.275") - Decimal("908.73"))
    reduction = Decimal("978.62") - Decimal("0.133145") * 6000
    assert (table, reduction) == (Decimal("562.63"), Decimal("179.75"))
    assert udfs.RG_IRRF(6000.0, 0, "01/2026", 649.60) == Decimal("382.88")


def test_irrf_2026_is_zero_up_to_5000():
    assert udfs.RG_IRRF(5000.0, 0, "03/2026", 0) == Decimal("0.00")
    assert udfs.RG_IRRF("R$ 4.999,99", 0, "03/2026") == Decimal("0.00")


def test_irrf_above_7350_has_no_reduction():
    """8.000,00 with INSS 988,09: base 7.011,91 × 27,5% − 908,73 = 1.928,27525 − 908,73 =
    1.019,54525 → 1.019,55."""
    assert half_up(Decimal("7011.91") * Decimal("0.275") - Decimal("908.73")) == Decimal("1019.55")
    assert udfs.RG_IRRF(8000.0, 0, "03/2026", 988.09) == Decimal("1019.55")


def test_irrf_dependents_against_the_simplified_discount():
    """06/2025 (paid in 07/2025, the table since May), 4.000,00 with INSS 400,00.
    Two dependents: 400,00 + 2 × 189,59 = 779,18 > 607,20, base 3.220,82 × 15% − 394,16 =
    483,123 − 394,16 = 88,963 → 88,96. None: 400,00 < 607,20, base 3.392,80 × 15% − 394,16 =
    508,92 − 394,16 = 114,76."""
    assert udfs.RG_IRRF(4000.0, 2.0, "06/2025", 400.0) == Decimal("88.96")
    assert udfs.RG_IRRF(4000.0, 0, "06/2025", 400.0) == Decimal("114.76")


def test_irrf_follows_the_payment_month_after_the_competencia():
    """3.000,00, no INSS given: the 2025 INSS on it (253,41) is less than the simplified
    discount, which is deducted. Competência 03/2025 is paid in April, still the old table:
    base 3.000,00 − 564,80 = 2.435,20 × 7,5% − 169,44 = 182,64 − 169,44 = 13,20. Competência
    04/2025 is paid in May, the new table: 3.000,00 − 607,20 = 2.392,80, exempt (≤ 2.428,80)."""
    assert udfs.RG_IRRF(3000.0, 0, "03/2025") == Decimal("13.20")
    assert udfs.RG_IRRF(3000.0, 0, "04/2025") == Decimal("0.00")


def test_irrf_without_the_inss_deducts_the_employees_inss_on_the_income():
    """6.000,00 in 03/2026, INSS not given: the 2026 INSS on 6.000,00 is 1.621,00 × 7,5% +
    (2.902,84 − 1.621,00) × 9% + (4.354,27 − 2.902,84) × 12% + (6.000,00 − 4.354,27) × 14% =
    121,575 + 115,3656 + 174,1716 + 230,4022 = 641,5144 → 641,51; base 6.000,00 − 641,51 =
    5.358,49 × 27,5% − 908,73 = 564,85475; reduction 978,62 − 0,133145 × 6.000 = 179,75;
    IRRF 564,85475 − 179,75 = 385,10475 → 385,10. With 0 as the INSS, none is deducted."""
    assert udfs.RG_IRRF(6000.0, 0, "03/2026") == Decimal("385.10")
    assert udfs.RG_IRRF(6000.0, 0, "03/2026", 0) == udfs.RG_IRRF(6000.0, 0, "03/2026", "0,00")
    assert udfs.RG_IRRF(6000.0, 0, "03/2026", 0) > Decimal("385.10")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: udfs.RG_INSS(3000.0, "abc"), "Erro: “abc” não é uma competência"),
        (lambda: udfs.RG_INSS(3000.0, None), "Erro: informe a competência"),
        (lambda: udfs.RG_INSS(None, "03/2026"), "Erro: informe o valor de salário"),
        (lambda: udfs.RG_INSS(-1.0, "03/2026"), "Erro: salário não pode ser negativo"),
        (lambda: udfs.RG_INSS(3000.0, "01/2020"), "Erro: Não há tabela de INSS para 01/01/2020"),
        (lambda: udfs.RG_IRRF(3000.0, 1.5, "03/2026"), "Erro: dependentes: “1.5” não é"),
        (lambda: udfs.RG_IRRF(3000.0, "dois", "03/2026"), "Erro: “dois” não é um número"),
    ],
)
def test_errors_are_readable_text(call, message):
    result = call()
    assert isinstance(result, str)
    assert result.startswith(message)


def test_both_are_declared_for_xlwings():
    assert udfs.RG_INSS.__xlfunc__["name"] == "RG_INSS"
    assert [a["name"] for a in udfs.RG_IRRF.__xlfunc__["args"]] == [
        "rendimentos",
        "dependentes",
        "competencia",
        "inss",
    ]
