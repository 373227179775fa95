"""The folha's payroll check, through the template's validation: what the sheet says against
the figures worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from conftest import table_of

from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.checks import Options
from retaguarda.templates.payroll_rows import compute_table, employees
from retaguarda.templates.validate import validate_tables

HEADERS = [
    "Competência",
    "Matrícula",
    "Nome",
    "CPF",
    "PIS",
    "Admissão",
    "Salário base",
    "Horas extras 50%",
    "Dependentes",
    "Vale-transporte",
    "INSS",
    "IRRF",
    "FGTS",
    "Líquido",
    "Data de pagamento",
    "Vale-transporte (benefício)",
    "Aprendiz",
]
OPTIONS = Options(today=date(2026, 11, 25))


def row(**cells: str) -> list[str]:
    """Ana, 3.000,00 in 05/2026: INSS 248,60 (121,575 + 115,3656 + 11,6592), IRRF 0
    (3.000 − 607,20 = 2.392,80, exempt), FGTS 240,00, VT 180,00 (6%): net 3.000 − 248,60 − 180
    = 2.571,40."""
    values = {
        "Competência": "05/2026",
        "Matrícula": "1001",
        "Nome": "Ana Paula Ferreira",
        "CPF": "577.665.165-43",
        "PIS": "174.56387.67-0",
        "Admissão": "01/02/2020",
        "Salário base": "3.000,00",
        "Dependentes": "0",
        "Vale-transporte": "180,00",
        "INSS": "248,60",
        "IRRF": "0,00",
        "FGTS": "240,00",
        "Líquido": "2.571,40",
    } | cells
    return [values.get(h, "") for h in HEADERS]


def payroll_issues(*rows: list[str], options: Options = OPTIONS) -> list[tuple[str, str, str]]:
    table = table_of("folha", *rows, headers=HEADERS)
    return [
        (i.cell, i.code, i.suggestion)
        for i in validate_tables([table], options)
        if i.code.startswith("payroll.")
    ]


def test_the_folha_declares_the_payroll_codes():
    codes = {c for check in TEMPLATES["folha"].checks for c in check.codes}
    assert {
        "payroll.inss_mismatch",
        "payroll.irrf_mismatch",
        "payroll.fgts_mismatch",
        "payroll.net_mismatch",
        "payroll.below_minimum_wage",
        "payroll.vt_over_cap",
    } <= codes


def test_a_right_row_has_no_payroll_issue():
    assert payroll_issues(row()) == []


def test_a_cent_off_is_flagged_with_the_computed_value():
    assert payroll_issues(row(INSS="248,59", **{"Líquido": "2.571,41"})) == [
        ("K2", "payroll.inss_mismatch", "248,60"),
        ("N2", "payroll.net_mismatch", "2.571,40"),
    ]
    assert payroll_issues(row(FGTS="240,01")) == [("M2", "payroll.fgts_mismatch", "240,00")]


def test_irrf_with_the_2026_reduction_and_its_payment_date():
    # 6.500,00 in 05/2026: INSS 711,51; (6.500 − 711,51) × 27,5% − 908,73 = 683,10;
    # reduction 978,62 − 0,133145 × 6.500 = 113,18; IRRF 569,92; FGTS 520,00;
    # VT 390,00 (6%); net 6.500 − 711,51 − 569,92 − 390 = 4.828,57
    good = row(
        **{
            "Salário base": "6.500,00",
            "Vale-transporte": "390,00",
            "INSS": "711,51",
            "IRRF": "569,92",
            "FGTS": "520,00",
            "Líquido": "4.828,57",
        }
    )
    assert payroll_issues(good) == []
    # the sheet used the table without the reduction
    no_reduction = list(good)
    no_reduction[HEADERS.index("IRRF")] = "683,10"
    assert payroll_issues(no_reduction) == [("L2", "payroll.irrf_mismatch", "569,92")]
    # paid in December 2025 (a Data de pagamento before the reduction): 683,10 is right, and
    # the net 6.500 − 711,51 − 683,10 − 390 = 4.715,39
    early = list(no_reduction)
    early[HEADERS.index("Data de pagamento")] = "30/12/2025"
    early[HEADERS.index("Líquido")] = "4.715,39"
    assert payroll_issues(early) == []


def test_below_minimum_wage_and_vt_over_cap():
    # 1.500,00 < 1.621,00 (2026); INSS 112,50, FGTS 120,00; VT 100 > 6% × 1.500 = 90,00
    low = row(
        **{
            "Salário base": "1.500,00",
            "Vale-transporte": "100,00",
            "INSS": "112,50",
            "FGTS": "120,00",
            "Líquido": "1.287,50",
        }
    )
    assert payroll_issues(low) == [
        ("G2", "payroll.below_minimum_wage", "1.621,00"),
        ("J2", "payroll.vt_over_cap", "90,00"),
    ]
    # with the benefit given, never more than it: 6% allows 180,00, the benefit is 150,00; the
    # net is then 3.000 − 248,60 − 150 = 2.601,40
    capped = row(**{"Vale-transporte (benefício)": "150,00"})
    assert payroll_issues(capped) == [
        ("J2", "payroll.vt_over_cap", "150,00"),
        ("N2", "payroll.net_mismatch", "2.601,40"),
    ]


def test_apprentice_fgts_is_two_percent():
    # 3.000 × 2% = 60,00
    assert payroll_issues(row(Aprendiz="Sim", FGTS="60,00")) == []
    assert payroll_issues(row(Aprendiz="Sim")) == [("M2", "payroll.fgts_mismatch", "60,00")]


def test_rows_that_cannot_be_computed_are_left_to_the_cell_checks():
    unreadable = row(**{"Salário base": "dois mil", "INSS": "1,00"})
    no_month = row(**{"Competência": "", "INSS": "1,00"})
    too_early = row(**{"Competência": "05/2020", "Admissão": "01/02/2020", "INSS": "1,00"})
    table = table_of("folha", unreadable, no_month, too_early, row(), headers=HEADERS)
    assert [r for r, _ in employees(table)] == [5]
    assert payroll_issues(unreadable, no_month, too_early) == []


def test_compute_table_gives_each_row_its_payslip_and_memoria():
    table = table_of("folha", row(), row(**{"Salário base": "6.500,00"}), headers=HEADERS)
    first, second = compute_table(table)
    assert (first.sheet, first.row, first.cpf, first.name) == (
        "Folha de pagamento",
        2,
        "577.665.165-43",
        "Ana Paula Ferreira",
    )
    assert (first.payslip.inss, second.payslip.irrf) == (Decimal("248.60"), Decimal("569.92"))
    assert "INSS 2ª faixa: (2.902,84 − 1.621,00) × 9%" in [s.label for s in first.payslip.steps]


def test_the_companys_local_holidays_count_in_the_dsr_on_overtime():
    """2.200,00 in 03/2026 with 10 overtime hours at 50% (150,00). March 2026: 26 business
    days, 5 Sundays, no national holiday: DSR 150,00 ÷ 26 × 5 = 28,85, gross 2.378,85, INSS
    121,575 + (2.378,85 − 1.621,00) × 9% = 121,575 + 68,2065 = 189,78. With São José (19/03)
    as the company's local holiday: DSR 150,00 ÷ 25 × 6 = 36,00, gross 2.386,00, INSS
    121,575 + 765,00 × 9% = 190,425 → 190,43, which the sheet says."""
    sheet = row(
        **{
            "Competência": "03/2026",
            "Salário base": "2.200,00",
            "Horas extras 50%": "10",
            "Vale-transporte": "",
            "INSS": "190,43",
            "FGTS": "",
            "Líquido": "",
        }
    )
    assert payroll_issues(sheet) == [("K2", "payroll.inss_mismatch", "189,78")]
    local = Options(today=date(2026, 11, 25), local_holidays=frozenset({date(2026, 3, 19)}))
    assert payroll_issues(sheet, options=local) == []
