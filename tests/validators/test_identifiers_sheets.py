"""Identifier edges as a user meets them: a sheet typed and validated, issues at their cells."""

from __future__ import annotations

from datetime import date

from conftest import TODAY, table_of

from retaguarda.templates.validate import Options, validate_tables

OPTIONS = Options(today=TODAY, closed_until=date(2025, 12, 31))


def ledger(cpf_cnpj: object) -> list[object]:
    return [
        "05/03/2026",
        "NF-1",
        "Venda",
        "1.1.02",
        "3.1.01",
        "R$ 1.234,56",
        "",
        cpf_cnpj,
        "",
    ]


def test_the_number_191_is_read_as_a_cpf_and_warned_that_it_is_also_banco_do_brasil(chart):
    """A number cell lost its zeros: CPF 000.000.001-91 or CNPJ 00.000.000/0001-91?"""
    sheet = table_of("lancamentos", ledger(191.0))
    (issue,) = validate_tables([chart, sheet], OPTIONS)
    assert (issue.code, issue.severity, issue.cell) == ("cpf_cnpj.ambiguous", "warning", "H2")
    assert issue.suggestion == "00.000.000/0001-91"
    assert "000.000.001-91" in issue.message
    assert "00.000.000/0001-91" in issue.message


def test_a_cpf_typed_as_text_with_its_leading_zeros_is_no_cnpj(chart):
    """Eleven digits typed as text lost no zeros: 000.000.001-91 is a CPF, though the same
    digits with three more zeros make Banco do Brasil's CNPJ."""
    sheet = table_of("lancamentos", ledger("00000000191"))
    assert validate_tables([chart, sheet], OPTIONS) == []


def test_a_cpf_pasted_from_word_passes(chart):
    sheet = table_of("lancamentos", ledger("529\u2013982\u2013247\u201325"))
    assert validate_tables([chart, sheet], OPTIONS) == []


def payroll(bank: str) -> list[object]:
    row = ["03/2026", "1001", "Ana", "529.982.247-25", "120.12345.67-2", "Vendedora"]
    row += ["01/02/2020", "2.400,00", "", "", "", "0", "", "", "", "", "", ""]
    return [*row, bank, "1234", "12345-6", "ana@exemplo.com.br"]


def test_bank_codes_in_a_payroll_sheet():
    sheet = table_of(
        "folha",
        payroll("341-7"),  # row 2: Itaú with its check digit (3*4 + 4*3 + 1*2 = 26 -> 7)
        payroll("341-8"),  # row 3: wrong check digit
        payroll("999"),  # row 4: no such institution
        payroll("1"),  # row 5: Banco do Brasil
    )
    found = [
        (i.cell, i.code, i.severity, i.suggestion)
        for i in validate_tables([sheet], OPTIONS)
        if i.code.startswith("bank")
    ]
    assert found == [
        ("S3", "bank.check_digit", "error", "341-7"),
        ("S4", "bank.unknown", "warning", ""),
    ]


def test_a_number_with_a_fraction_in_an_identifier_column_keeps_its_digits_apart():
    """The number 52998224.725 is not CPF 529.982.247-25 (its dot is no punctuation), nor is
    1310.1 (a CEP typed "01310.100" into an English Excel) CEP 13101: the comma the sheet
    shows is named instead."""
    row = payroll("341")
    row[3] = 52998224.725
    (issue,) = validate_tables([table_of("folha", row)], OPTIONS)
    assert (issue.cell, issue.code) == ("D2", "cpf.character")
    assert "“,”" in issue.message
