"""Agência and conta as people type them: digits, with or without the check digit after a
hyphen (an X where the bank's digit is ten). Each bank computes its own check digit, so only
the format is checked."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from conftest import TODAY, table_of

from retaguarda.templates.validate import Options, validate_tables
from retaguarda.validators.identifiers import check_agency, check_bank_account


def verdict_of(check, value: object) -> tuple[bool, str]:
    verdict = check(pd.Series([value], dtype=object))
    return bool(verdict.invalid[0]), verdict.reason[0]


@pytest.mark.parametrize("value", ["1234", "0001", "1", "1234-5", "1234-X", "3064-x", 123.0])
def test_agency_accepted(value):
    assert verdict_of(check_agency, value) == (False, "")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("12345", "deve ter de 1 a 4 dígitos, e o dígito verificador depois de um hífen"),
        ("1234-56", "deve ter de 1 a 4 dígitos, e o dígito verificador depois de um hífen"),
        ("12-34", "deve ter de 1 a 4 dígitos, e o dígito verificador depois de um hífen"),
        ("Ag 1234", "contém “A”, que não é um dígito"),
        ("12\u06603", "contém “\u0660” (U+0660 ARABIC-INDIC DIGIT ZERO), que não é um dígito"),
    ],
)
def test_agency_refused(value, reason):
    assert verdict_of(check_agency, value) == (True, reason)


@pytest.mark.parametrize(
    "value",
    ["12345-6", "123456", "0012345-X", "12.345-6", "1234567890123-4", "98765\u20130", 12345.0],
)
def test_account_accepted(value):
    assert verdict_of(check_bank_account, value) == (False, "")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("12345-67", "só dígitos, e o dígito verificador depois de um hífen"),
        ("-6", "só dígitos, e o dígito verificador depois de um hífen"),
        ("CC 12345-6", "contém “C”, que não é um dígito"),
        ("12345/6", "contém “/”, que não é um dígito"),
    ],
)
def test_account_refused(value, reason):
    assert verdict_of(check_bank_account, value) == (True, reason)


def test_agency_and_account_in_a_payroll_sheet():
    def row(employee: str, agency: str, account: str) -> list[object]:
        cells = ["03/2026", employee, "Ana", "529.982.247-25", "120.12345.67-2", "Vendedora"]
        cells += ["01/02/2020", "2.400,00", "", "", "", "0", "", "", "", "", "", ""]
        return [*cells, "341", agency, account, "ana@exemplo.com.br"]

    sheet = table_of("folha", row("1001", "1234", "12345-6"), row("1002", "12345", "12345-67"))
    issues = validate_tables([sheet], Options(today=TODAY, closed_until=date(2025, 12, 31)))
    assert [(i.cell, i.code) for i in issues] == [
        ("T3", "agency.format"),
        ("U3", "bank_account.format"),
    ]
    assert issues[0].message.startswith("Agência: “12345” não é uma agência válida")
