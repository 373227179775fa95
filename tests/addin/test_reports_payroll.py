"""The folha summary by competência, each row computed again by the payroll engine; the
figures worked out with the 2026 tables (INSS brackets 1.621,00 / 2.902,84 / 4.354,27 at 7,5%,
9%, 12%, 14%; IRRF with the Lei 15.270/2025 reduction)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

from conftest import table_of
from reports_company import OPTIONS

from retaguarda.addin.reports.books import books_of
from retaguarda.addin.reports.model import Period
from retaguarda.addin.reports.payroll import payroll

HEADERS = ["Competência", "Matrícula", "Nome", "CPF", "PIS", "Admissão", "Salário base"]
ROWS = [
    ["03/2026", "1", "Ana Souza", "529.982.247-25", "120.5422.954-0", "01/02/2024", "3.000,00"],
    ["03/2026", "2", "Bruno Lima", "111.444.777-35", "120.5422.954-0", "01/02/2024", "6.000,00"],
    ["04/2026", "1", "Ana Souza", "529.982.247-25", "120.5422.954-0", "01/02/2024", "3.000,00"],
    ["04/2026", "3", "Carla Dias", "", "", "01/04/2026", "2.000,00"],
    ["05/2026", "3", "Carla Dias", "", "", "01/04/2026", ""],
    ["06/2026", "3", "Carla Dias", "", "", "01/04/2026", "2.000,00"],
]  # fmt: skip
MARCH_APRIL = Period(date(2026, 3, 1), date(2026, 4, 30))


def books(team: str = "Matriz"):
    return books_of(team, [table_of("folha", *ROWS, headers=HEADERS)])


def test_payroll_by_month_to_the_cent():
    report = payroll([books()], MARCH_APRIL, OPTIONS)
    march, april = (r.values for r in report.main.rows)
    # Ana, 3.000: INSS 121,575 + (2.902,84 − 1.621) × 9% = 115,3656 + (3.000 − 2.902,84)
    # × 12% = 11,6592 → 248,5998 = 248,60; IRRF 0 (up to 5.000 is exempt from 2026);
    # FGTS 8% = 240,00; net 2.751,40.
    # Bruno, 6.000: INSS 641,51; IRRF (6.000 − 641,51) × 27,5% − 908,73 = 564,85475,
    # less the reduction 978,62 − 0,133145 × 6.000 = 179,75: 385,10; FGTS 480,00;
    # net 6.000 − 641,51 − 385,10 = 4.973,39.
    assert march == {
        "month": date(2026, 3, 1),
        "headcount": 2,
        "gross": D("9000.00"),
        "inss": D("890.11"),
        "irrf": D("385.10"),
        "fgts": D("720.00"),
        "net": D("7724.79"),  # 2.751,40 + 4.973,39
        "employer_cost": D("9720.00"),  # Simples Nacional: 9.000 + 720
    }
    # Carla, 2.000: INSS 121,575 + (2.000 − 1.621) × 9% = 34,11 → 155,685 = 155,69.
    assert (april["inss"], april["net"], april["headcount"]) == (
        D("404.29"), D("4595.71"), 2,  # 248,60 + 155,69; 2.751,40 + 1.844,31
    )  # fmt: skip
    totals = report.main.totals.values
    # three people over the two months; June is outside the period, May has no salary
    assert (totals["headcount"], totals["gross"], totals["employer_cost"]) == (
        3, D("14000.00"), D("15120.00"),
    )  # fmt: skip
    assert report.summary["months"] == 2
    assert any(n.startswith("1 linha(s) da folha") for n in report.notes)


def test_employer_inss_rate_and_teams_summed():
    report = payroll(
        [books("Matriz"), books("Filial")],
        Period(date(2026, 3, 1), date(2026, 3, 31)),
        replace(OPTIONS, employer_inss_rate=D("0.2")),
    )
    (march,) = report.main.rows
    # two teams with the same two people each: 2 × (9.000 + 720 + 20% of 9.000 = 1.800)
    assert march.values["employer_cost"] == D("23040.00")
    # the same CPFs in both teams count once
    assert march.values["headcount"] == 2
    assert report.scope == "Consolidado (Matriz, Filial)"
