"""The payroll tables as data: each with its act, chosen by date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from retaguarda.validators.payroll.tables import (
    fgts_table,
    fgts_tables,
    inss_table,
    inss_tables,
    irrf_table,
    irrf_tables,
    minimum_wage_table,
    minimum_wages,
)


def test_every_table_cites_its_act_and_holds_decimals():
    for tables in (inss_tables(), irrf_tables(), fgts_tables(), minimum_wages()):
        assert all(t.source for t in tables)
        dates = [t.effective_from for t in tables]
        assert dates == sorted(dates)
    for t in inss_tables():
        assert all(isinstance(b.up_to, D) and isinstance(b.rate, D) for b in t.brackets)


def test_each_table_by_its_date():
    assert inss_table(date(2025, 12, 1)).ceiling == D("8157.41")
    assert inss_table(date(2026, 1, 1)).source.startswith("Portaria Interministerial MPS/MF nº 13")
    assert irrf_table(date(2025, 4, 30)).simplified_discount == D("564.80")
    assert irrf_table(date(2025, 5, 1)).simplified_discount == D("607.20")
    assert irrf_table(date(2025, 12, 31)).reduction is None
    reduction = irrf_table(date(2026, 1, 1)).reduction
    assert reduction is not None
    assert (reduction.zero_up_to, reduction.up_to, reduction.constant, reduction.factor) == (
        D("5000.00"),
        D("7350.00"),
        D("978.62"),
        D("0.133145"),
    )
    assert (fgts_table(date(2026, 3, 1)).rate, fgts_table(date(2026, 3, 1)).apprentice_rate) == (
        D("0.08"),
        D("0.02"),
    )
    assert minimum_wage_table(date(2026, 2, 1)).source == "Decreto nº 12.797/2025"
