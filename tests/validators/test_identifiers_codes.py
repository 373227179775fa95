"""Each identifier failure gets the code of its reason (`cnpj.check_digit`), under the family
code it used to get (`cnpj.invalid`), which still selects them all."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import table_of

from retaguarda.validators import rules
from retaguarda.validators.codes import CODES, code_matches, select_codes
from retaguarda.validators.identifiers import (
    FAMILIES,
    check_agency,
    check_bank,
    check_bank_account,
    check_cep,
    check_cnpj,
    check_cpf,
    check_cpf_cnpj,
    check_ncm,
    check_pis,
    check_pix,
)

#: (check, value as typed, the code it gets); every reason of every check, written out.
EXAMPLES = {
    "cpf": (
        check_cpf,
        [
            ("529.982.247-251", "cpf.length"),
            ("529.982.247-2O", "cpf.character"),  # the letter O
            # 001.234.567-97 typed into a number cell: Excel keeps 123456797
            ("123456797", "cpf.lost_zeros"),
            ("111.111.111-11", "cpf.repeated_digits"),
            ("529.982.247-26", "cpf.check_digit"),  # 529.982.247-25 is valid
        ],
    ),
    "cnpj": (
        check_cnpj,
        [
            ("11.222.333/0001-811", "cnpj.length"),
            ("11.222.333/0001-8!", "cnpj.character"),
            ("1222333000128", "cnpj.lost_zeros"),  # 01.222.333/0001-28
            ("11.111.111/1111-11", "cnpj.repeated_digits"),
            ("11.222.333/0001-82", "cnpj.check_digit"),  # 11.222.333/0001-81 is valid
            ("12.ABC.345/01DE-3A", "cnpj.check_digit_letter"),
        ],
    ),
    "cpf_cnpj": (
        check_cpf_cnpj,
        [
            ("1234567890123456", "cpf_cnpj.length"),
            ("529.982.247-2!", "cpf_cnpj.character"),
            ("1222333000128", "cpf_cnpj.lost_zeros"),
            ("11.111.111/1111-11", "cpf_cnpj.repeated_digits"),
            ("529.982.247-26", "cpf_cnpj.check_digit"),
            ("12.ABC.345/01DE-3A", "cpf_cnpj.check_digit_letter"),
        ],
    ),
    "pis": (
        check_pis,
        [
            ("120.12345.67-21", "pis.length"),
            ("120.12345.6A-2", "pis.character"),
            # 012.34567.89-7: 3·0+2·1+9·2+8·3+7·4+6·5+5·6+4·7+3·8+2·9 = 202, 202 mod 11 = 4,
            # 11 - 4 = 7; typed into a number cell it is 1234567897
            ("1234567897", "pis.lost_zeros"),
            ("111.11111.11-1", "pis.repeated_digits"),
            ("120.12345.67-3", "pis.check_digit"),  # 120.12345.67-2 is valid
        ],
    ),
    "cep": (
        check_cep,
        [
            ("01310-1000", "cep.length"),
            ("01310-10O", "cep.character"),
            ("1310100", "cep.lost_zeros"),  # 01310-100, Avenida Paulista
            ("00310-100", "cep.range"),
        ],
    ),
    "ncm": (
        check_ncm,
        [
            ("8471.30.123", "ncm.length"),
            ("8471.3O.12", "ncm.character"),
            ("1012100", "ncm.lost_zeros"),  # 0101.21.00, horses
            ("0012.10.00", "ncm.range"),
        ],
    ),
    "bank": (
        check_bank,
        [
            ("9999", "bank.length"),
            ("34A", "bank.character"),
            ("000", "bank.range"),
            ("341-8", "bank.check_digit"),  # Itaú is 341-7
        ],
    ),
    "agency": (check_agency, [("12345", "agency.format"), ("12/34", "agency.character")]),
    "bank_account": (
        check_bank_account,
        [("12345-67", "bank_account.format"), ("12345/6", "bank_account.character")],
    ),
    "pix": (
        check_pix,
        [
            ("abc", "pix.not_a_key"),
            ("123456797", "pix.lost_zeros"),
            ("111.111.111-11", "pix.repeated_digits"),
            ("529.982.247-26", "pix.check_digit"),
            ("12.ABC.345/01DE-3A", "pix.check_digit_letter"),
            ("joao@", "pix.email"),
            ("a" * 70 + "@exemplo.com.br", "pix.email_length"),
            ("123e4567e89b12d3a456426614174000", "pix.random_key_hyphens"),
            ("+1 212 555 0100", "pix.phone_country"),
            ("+55 (00) 98765-4321", "pix.phone_number"),
            ("(11) 98765-4321", "pix.phone_prefix"),
            ("11987654321", "pix.cpf_or_phone"),
        ],
    ),
}


@pytest.mark.parametrize("kind", EXAMPLES)
def test_each_reason_has_its_own_code(kind):
    check, examples = EXAMPLES[kind]
    verdict = check(pd.Series([value for value, _ in examples] + ["", None]))
    assert verdict.codes.tolist() == [code for _, code in examples] + ["", ""]
    assert verdict.invalid.tolist() == [True] * len(examples) + [False, False]


@pytest.mark.parametrize("kind", EXAMPLES)
def test_the_catalogue_holds_each_reason_under_its_family(kind):
    """Every code of a check is in the catalogue, under the family code it replaced, and every
    code the catalogue lists in that family is one the examples above reach."""
    family = FAMILIES[kind]
    reached = {code for _, code in EXAMPLES[kind][1]}
    listed = {code for code, spec in CODES.items() if spec.family == f"{kind}.invalid"}
    assert reached == listed == set(family.codes())
    assert f"{kind}.invalid" in CODES
    assert set(family.every_code()) <= set(CODES)
    assert family.every_code()[: len(reached) + 1] == (f"{kind}.invalid", *family.codes())
    for code in reached:
        assert CODES[code].severity == CODES[f"{kind}.invalid"].severity == "error"


def test_selecting_the_old_code_still_finds_every_cnpj_failure():
    rows = [
        ["05/03/2026", str(n), "x", "1.1.01", "3.1.01", "1", "", value]
        for n, (value, _) in enumerate(EXAMPLES["cnpj"][1], start=1)
    ]
    rows.append(["05/03/2026", "99", "x", "1.1.01", "3.1.01", "1", "", "11.222.333/0001-81"])
    issues = rules.identifier(table_of("lancamentos", *rows), "cpf_cnpj", "cnpj")
    assert [(i.cell, i.code) for i in issues] == [
        ("H2", "cnpj.length"),
        ("H3", "cnpj.character"),
        ("H4", "cnpj.lost_zeros"),
        ("H5", "cnpj.repeated_digits"),
        ("H6", "cnpj.check_digit"),
        ("H7", "cnpj.check_digit_letter"),
    ]
    assert {i.family for i in issues} == {"cnpj.invalid"}
    kept = select_codes([i.code for i in issues], select=["cnpj.invalid"])
    assert kept == [i.code for i in issues]
    assert select_codes([i.code for i in issues], ignore=["cnpj.invalid"]) == []
    assert all(code_matches(i.code, "cnpj") for i in issues)


def test_the_message_still_says_why_in_words():
    table = table_of(
        "lancamentos", ["05/03/2026", "1", "x", "1.1.01", "3.1.01", "1", "", "11.222.333/0001-82"]
    )
    (issue,) = rules.identifier(table, "cpf_cnpj", "cnpj")
    assert issue.message == (
        "CPF/CNPJ: “11.222.333/0001-82” não é um CNPJ válido (dígitos verificadores não conferem)."
    )
    assert issue.message_en == (
        "CPF/CNPJ: “11.222.333/0001-82” is not a valid CNPJ (check digits do not match)."
    )
    assert issue.severity == "error"
