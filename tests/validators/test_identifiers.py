"""Brazilian identifiers: real examples for each check, and the vectorized checks held to the
same answers as the scalar functions on a generated batch.

Valid values come from outside the code under test: the Receita's published examples, real
registrations (Banco do Brasil, Caixa, Bradesco), and check digits worked out in comments or
by `receita_digit` below, the Receita's rule written out again for the test.
"""

from __future__ import annotations

import random
import string

import numpy as np
import pandas as pd
import pytest

from retaguarda.validators.identifiers import (
    check_bank,
    check_cep,
    check_cnpj,
    check_cpf,
    check_cpf_cnpj,
    check_ncm,
    check_pis,
    check_pix,
    cnpj_check_digits,
    cpf_check_digits,
    format_cnpj,
    format_cpf,
    is_cnpj,
    is_cpf,
    is_pis,
    is_pix,
    pis_check_digit,
)


def receita_digit(chars: str, weights: tuple[int, ...]) -> str:
    """One check digit by the Receita's rule: each character's value (its ASCII code minus 48,
    so "7" is 7 and "A" is 17) times its weight, summed; r = sum % 11; 0 if r < 2 else 11 - r."""
    total = sum((ord(c) - 48) * w for c, w in zip(chars, weights, strict=True))
    return "0" if total % 11 < 2 else str(11 - total % 11)


def with_cpf_digits(base: str) -> str:
    first = base + receita_digit(base, (10, 9, 8, 7, 6, 5, 4, 3, 2))
    return first + receita_digit(first, (11, 10, 9, 8, 7, 6, 5, 4, 3, 2))


def with_cnpj_digits(base: str) -> str:
    first = base + receita_digit(base, (5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2))
    return first + receita_digit(first, (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2))


def with_pis_digit(base: str) -> str:
    return base + receita_digit(base, (3, 2, 9, 8, 7, 6, 5, 4, 3, 2))


def test_the_written_out_rule_gives_the_published_examples():
    assert with_cpf_digits("529982247") == "52998224725"
    assert with_cnpj_digits("112223330001") == "11222333000181"
    assert with_cnpj_digits("12ABC34501DE") == "12ABC34501DE35"  # IN RFB 2.229/2024's example
    assert with_cnpj_digits("000000000001") == "00000000000191"  # Banco do Brasil
    assert with_pis_digit("1703325950") == "17033259504"


NA = None  # `formatted` is missing: the value cannot be spelled in the canonical layout
CHECKS = [
    check_cpf,
    check_cnpj,
    check_cpf_cnpj,
    check_pis,
    check_cep,
    check_ncm,
    check_pix,
    check_bank,
]


def verdict_of(check, value: str) -> tuple[bool, str, str | None]:
    verdict = check(pd.Series([value], dtype="str"))
    formatted = verdict.formatted.iloc[0]
    return bool(verdict.invalid[0]), verdict.reason[0], None if pd.isna(formatted) else formatted


def assert_valid(check, value: str, formatted: str) -> None:
    assert verdict_of(check, value) == (False, "", formatted)


# --- CPF -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "formatted"),
    [
        ("529.982.247-25", "529.982.247-25"),
        ("52998224725", "529.982.247-25"),
        ("111.444.777-35", "111.444.777-35"),
        ("123.456.789-09", "123.456.789-09"),
        ("012.345.678-90", "012.345.678-90"),
        (" 529 982 247 25 ", "529.982.247-25"),
        ("529\xa0982\xa0247-25", "529.982.247-25"),  # non-breaking spaces pasted from the web
        ("529.982.247.25", "529.982.247-25"),
        ("529/982/247-25", "529.982.247-25"),
    ],
)
def test_cpf_valid(value, formatted):
    assert_valid(check_cpf, value, formatted)
    assert is_cpf(value)


@pytest.mark.parametrize(
    ("value", "reason", "formatted"),
    [
        ("529.982.247-24", "dígitos verificadores não conferem", "529.982.247-24"),
        ("529.982.247-52", "dígitos verificadores não conferem", "529.982.247-52"),
        ("111.111.111-11", "todos os dígitos iguais", "111.111.111-11"),
        ("00000000000", "todos os dígitos iguais", "000.000.000-00"),
        ("529982247", "deve ter 11 dígitos", NA),
        ("529.982.247-255", "deve ter 11 dígitos", NA),
        ("...", "deve ter 11 dígitos", NA),
        ("529.982.247-2X", "contém “X”, que não é um dígito", NA),
        ("CPF 529.982.247-25", "contém “C”, que não é um dígito", NA),
        # typed as a number, Excel dropped the leading zero of 012.345.678-90
        ("1234567890", "faltam zeros à esquerda", "012.345.678-90"),
        ("123456797", "faltam zeros à esquerda", "001.234.567-97"),
    ],
)
def test_cpf_invalid(value, reason, formatted):
    assert verdict_of(check_cpf, value) == (True, reason, formatted)
    assert not is_cpf(value)


def test_cpf_reasons_in_english():
    values = pd.Series(["529.982.247-24", "111.111.111-11", "1234", "12a", "1234567890"])
    assert list(check_cpf(values).reason_en) == [
        "check digits do not match",
        "all digits are the same",
        "must have 11 digits",
        "contains “a”, which is not a digit",
        "leading zeros are missing",
    ]


# --- CNPJ ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "formatted"),
    [
        # the example of the Receita Federal for the alphanumeric CNPJ (IN RFB 2.229/2024)
        ("12.ABC.345/01DE-35", "12.ABC.345/01DE-35"),
        ("12.abc.345/01de-35", "12.ABC.345/01DE-35"),
        ("12ABC34501DE35", "12.ABC.345/01DE-35"),
        ("12abc34501de35", "12.ABC.345/01DE-35"),
        ("11.222.333/0001-81", "11.222.333/0001-81"),
        ("11222333000181", "11.222.333/0001-81"),
        ("33.000.167/0001-01", "33.000.167/0001-01"),
        ("00.000.000/0001-91", "00.000.000/0001-91"),
        (" 60.746.948/0001-12 ", "60.746.948/0001-12"),
    ],
)
def test_cnpj_valid(value, formatted):
    assert_valid(check_cnpj, value, formatted)
    assert is_cnpj(value)


@pytest.mark.parametrize(
    ("value", "reason", "formatted"),
    [
        ("12.ABC.345/01DE-36", "dígitos verificadores não conferem", "12.ABC.345/01DE-36"),
        ("12.abc.345/01de-53", "dígitos verificadores não conferem", "12.ABC.345/01DE-53"),
        ("11.222.333/0001-80", "dígitos verificadores não conferem", "11.222.333/0001-80"),
        (
            "12.ABC.345/01DE-3A",
            "os 2 últimos caracteres (dígitos verificadores) devem ser números",
            "12.ABC.345/01DE-3A",
        ),
        ("00.000.000/0000-00", "todos os dígitos iguais", "00.000.000/0000-00"),
        ("1122233300018", "deve ter 14 caracteres", NA),
        ("12.ABC.345/01DE", "deve ter 14 caracteres", NA),
        (
            "12.ABC.345/01DÉ-35",
            "contém “É” (U+00C9 LATIN CAPITAL LETTER E WITH ACUTE), que não é letra nem dígito",
            NA,
        ),
        ("12.ABC.345_01DE-35", "contém “_”, que não é letra nem dígito", NA),
        (
            "12.ıbc.345/01de-35",
            "contém “ı” (U+0131 LATIN SMALL LETTER DOTLESS I), que não é letra nem dígito",
            NA,
        ),
        # Banco do Brasil and Caixa, typed as numbers
        ("191", "faltam zeros à esquerda", "00.000.000/0001-91"),
        ("360305000104", "faltam zeros à esquerda", "00.360.305/0001-04"),
    ],
)
def test_cnpj_invalid(value, reason, formatted):
    assert verdict_of(check_cnpj, value) == (True, reason, formatted)
    assert not is_cnpj(value)


def test_alphanumeric_cnpj_is_not_padded():
    """Excel keeps text as typed, so a short value with letters did not lose zeros."""
    assert verdict_of(check_cnpj, "ABC34501DE35") == (True, "deve ter 14 caracteres", NA)


# --- CPF or CNPJ -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "invalid", "reason", "formatted"),
    [
        ("529.982.247-25", False, "", "529.982.247-25"),
        ("12.abc.345/01de-35", False, "", "12.ABC.345/01DE-35"),
        ("11222333000181", False, "", "11.222.333/0001-81"),
        ("529.982.247-24", True, "dígitos verificadores não conferem", "529.982.247-24"),
        ("11.222.333/0001-80", True, "dígitos verificadores não conferem", "11.222.333/0001-80"),
        ("1234567890", True, "faltam zeros à esquerda", "012.345.678-90"),
        ("360305000104", True, "faltam zeros à esquerda", "00.360.305/0001-04"),
        ("1234567890123", True, "deve ter 11 dígitos (CPF) ou 14 caracteres (CNPJ)", NA),
        ("12ABC", True, "deve ter 11 dígitos (CPF) ou 14 caracteres (CNPJ)", NA),
        ("12#", True, "contém “#”, que não é letra nem dígito", NA),
    ],
)
def test_cpf_cnpj(value, invalid, reason, formatted):
    assert verdict_of(check_cpf_cnpj, value) == (invalid, reason, formatted)


def test_cpf_cnpj_reads_eleven_digits_as_a_cpf():
    """Even when the 11 digits, padded to 14, would make a valid CNPJ.

    00.012.345/6789-78: weights 5 4 3 2 9 8 7 6 5 4 3 2 over 0 0 0 1 2 3 4 5 6 7 8 9 sum to
    2 + 18 + 24 + 28 + 30 + 30 + 28 + 24 + 18 = 202, 202 % 11 = 4, digit 7; weights
    6 5 4 3 2 9 8 7 6 5 4 3 2 over 0 0 0 1 2 3 4 5 6 7 8 9 7 sum to
    3 + 4 + 27 + 32 + 35 + 36 + 35 + 32 + 27 + 14 = 245, 245 % 11 = 3, digit 8.
    As a CPF, 123.456.789 takes 09, not 78.
    """
    value = "12345678978"
    assert is_cnpj("000" + value)
    assert not is_cpf(value)
    assert verdict_of(check_cpf_cnpj, value)[:2] == (True, "dígitos verificadores não conferem")


# --- PIS, CEP, NCM, bank ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "invalid", "reason", "formatted"),
    [
        ("170.33259.50-4", False, "", "170.33259.50-4"),
        ("17033259504", False, "", "170.33259.50-4"),
        ("012.34567.89-7", False, "", "012.34567.89-7"),
        ("170.33259.50-5", True, "dígito verificador não confere", "170.33259.50-5"),
        ("111.11111.11-1", True, "todos os dígitos iguais", "111.11111.11-1"),
        ("1234567897", True, "faltam zeros à esquerda", "012.34567.89-7"),
        ("1703325950", True, "deve ter 11 dígitos", NA),
        ("170.3325X.50-4", True, "contém “X”, que não é um dígito", NA),
    ],
)
def test_pis(value, invalid, reason, formatted):
    assert verdict_of(check_pis, value) == (invalid, reason, formatted)
    assert is_pis(value) is not invalid


@pytest.mark.parametrize(
    ("value", "invalid", "reason", "formatted"),
    [
        ("01310-100", False, "", "01310-100"),
        ("01310100", False, "", "01310-100"),
        ("70040-010", False, "", "70040-010"),
        ("1310100", True, "faltam zeros à esquerda", "01310-100"),
        ("00000-000", True, "não existe CEP começando com 00", "00000-000"),
        ("0131010", True, "deve ter 8 dígitos", NA),  # padding gives 00131010: no such CEP
        ("01310-1000", True, "deve ter 8 dígitos", NA),
        ("01310-10A", True, "contém “A”, que não é um dígito", NA),
    ],
)
def test_cep(value, invalid, reason, formatted):
    assert verdict_of(check_cep, value) == (invalid, reason, formatted)


@pytest.mark.parametrize(
    ("value", "invalid", "reason", "formatted"),
    [
        ("8471.30.12", False, "", "8471.30.12"),
        ("84713012", False, "", "8471.30.12"),
        ("0101.21.00", False, "", "0101.21.00"),
        ("1012100", True, "faltam zeros à esquerda", "0101.21.00"),
        ("00000000", True, "não existe o capítulo 00", "0000.00.00"),
        ("8471.30", True, "deve ter 8 dígitos", NA),
        ("8471.30.1X", True, "contém “X”, que não é um dígito", NA),
    ],
)
def test_ncm(value, invalid, reason, formatted):
    assert verdict_of(check_ncm, value) == (invalid, reason, formatted)


@pytest.mark.parametrize(
    ("value", "invalid", "reason", "formatted"),
    [
        ("1", False, "", "001"),
        ("001", False, "", "001"),
        ("33", False, "", "033"),
        (" 237 ", False, "", "237"),
        ("000", True, "o código 000 não existe", "000"),
        ("0", True, "o código 000 não existe", "000"),
        ("1234", True, "deve ter de 1 a 3 dígitos", NA),
        ("34A", True, "contém “A”, que não é um dígito", NA),
    ],
)
def test_bank(value, invalid, reason, formatted):
    assert verdict_of(check_bank, value) == (invalid, reason, formatted)


# --- PIX -------------------------------------------------------------------------------------

BAD_PHONE = "telefone inválido: +55, DDD e número (celular: 9 dígitos começando com 9)"
NOT_A_KEY = "não é CPF, CNPJ, e-mail, telefone (+55) nem chave aleatória"


@pytest.mark.parametrize(
    ("value", "formatted"),
    [
        ("529.982.247-25", "52998224725"),
        ("52998224725", "52998224725"),
        ("11.222.333/0001-81", "11222333000181"),
        ("12.abc.345/01de-35", "12ABC34501DE35"),
        ("Fulano.Silva@Empresa.com.br", "fulano.silva@empresa.com.br"),
        ("pagamentos+fornecedores@empresa-x.com", "pagamentos+fornecedores@empresa-x.com"),
        ("a" * 62 + "@empresa.com.br", "a" * 62 + "@empresa.com.br"),  # 77 characters
        ("+55 (11) 98765-4321", "+5511987654321"),
        ("+5511987654321", "+5511987654321"),
        ("+55 61 3456-7890", "+556134567890"),
        ("123E4567-E89B-12D3-A456-426614174000", "123e4567-e89b-12d3-a456-426614174000"),
    ],
)
def test_pix_valid(value, formatted):
    assert_valid(check_pix, value, formatted)
    assert is_pix(value)


@pytest.mark.parametrize(
    ("value", "reason", "formatted"),
    [
        ("529.982.247-24", "dígitos verificadores do CPF/CNPJ não conferem", "52998224724"),
        ("00000000000", "CPF/CNPJ com todos os dígitos iguais", "00000000000"),
        ("1234567890", "CPF/CNPJ sem os zeros à esquerda", "01234567890"),
        ("fulano@empresa", "e-mail inválido", NA),
        ("fulano silva@empresa.com.br", "e-mail inválido", NA),
        ("a" * 63 + "@empresa.com.br", "e-mail com mais de 77 caracteres", NA),
        ("(11) 98765-4321", "telefone sem o +55", "+5511987654321"),
        ("55 11 98765-4321", "telefone sem o +55", "+5511987654321"),
        ("11987654321", "não é um CPF válido; se for telefone, falta o +55", "+5511987654321"),
        ("+1 415 555 2671", "só telefones do Brasil (+55)", NA),
        ("+55 11 8765-4321", BAD_PHONE, NA),  # a mobile without its ninth digit
        ("+55 20 98765-4321", BAD_PHONE, NA),  # no such DDD
        ("+55 11 98765-432", BAD_PHONE, NA),
        (
            "123e4567e89b12d3a456426614174000",
            "chave aleatória sem os hífens",
            "123e4567-e89b-12d3-a456-426614174000",
        ),
        ("123e4567-e89b-12d3-a456-42661417400g", NOT_A_KEY, NA),
        ("ver contrato", NOT_A_KEY, NA),
        ("+55 11 9876X-4321", NOT_A_KEY, NA),
    ],
)
def test_pix_invalid(value, reason, formatted):
    assert verdict_of(check_pix, value) == (True, reason, formatted)
    assert not is_pix(value)


# --- the column as a whole -------------------------------------------------------------------


@pytest.mark.parametrize("check", CHECKS)
@pytest.mark.parametrize("dtype", ["str", "string", object])
def test_empty_cells_are_not_flagged(check, dtype):
    values = pd.Series([None, "", "   ", "\xa0", np.nan], dtype=dtype)
    verdict = check(values)
    assert not verdict.invalid.any()
    assert list(verdict.reason) == [""] * 5
    assert verdict.formatted.isna().all()


@pytest.mark.parametrize("check", CHECKS)
def test_an_empty_column(check):
    verdict = check(pd.Series([], dtype="str"))
    assert len(verdict.invalid) == len(verdict.reason) == len(verdict.formatted) == 0


def test_verdict_follows_the_column():
    values = pd.Series(["52998224725", None, "111"], index=[17, 18, 19], name="cpf", dtype=object)
    verdict = check_cpf(values)
    assert verdict.invalid.tolist() == [False, False, True]
    assert verdict.formatted.index.tolist() == [17, 18, 19]
    assert verdict.formatted.name == "cpf"
    assert verdict.formatted.tolist()[0] == "529.982.247-25"
    assert verdict.formatted.isna().tolist() == [False, True, True]


def test_sliced_and_concatenated_columns():
    """Arrow arrays that start at an offset, or come in several chunks."""
    values = pd.Series(["x", "529.982.247-25", "12.ABC.345/01DE-35", "1"], dtype="str")
    verdict = check_cpf_cnpj(values.iloc[1:3])
    assert verdict.invalid.tolist() == [False, False]
    assert verdict.formatted.tolist() == ["529.982.247-25", "12.ABC.345/01DE-35"]
    verdict = check_cpf_cnpj(pd.concat([values.iloc[2:], values.iloc[:2]], ignore_index=True))
    assert verdict.invalid.tolist() == [False, True, True, False]
    assert verdict.formatted.tolist()[::3] == ["12.ABC.345/01DE-35", "529.982.247-25"]


# --- scalar API ------------------------------------------------------------------------------


def test_scalar_functions():
    # 5 2 9 9 8 2 2 4 7 times 10..2: 50+18+72+63+48+10+8+12+14 = 295, 295 % 11 = 9, 11-9 = 2;
    # 5 2 9 9 8 2 2 4 7 2 times 11..2: 55+20+81+72+56+12+10+16+21+4 = 347, 347 % 11 = 6, 5
    assert cpf_check_digits("529982247") == "25"
    # the Receita's example of the alphanumeric CNPJ (IN RFB 2.229/2024): 12.ABC.345/01DE-35
    assert cnpj_check_digits("12ABC34501DE") == "35"
    assert cnpj_check_digits("12abc34501de") == "35"
    # 1 1 2 2 2 3 3 3 0 0 0 1 times 5 4 3 2 9 8 7 6 5 4 3 2: 5+4+6+4+18+24+21+18+0+0+0+2 = 102,
    # 102 % 11 = 3, 8; then with the 8, times 6 5 4 3 2 9 8 7 6 5 4 3 2:
    # 6+5+8+6+4+27+24+21+0+0+0+3+16 = 120, 120 % 11 = 10, 1
    assert cnpj_check_digits("112223330001") == "81"
    # 1 7 0 3 3 2 5 9 5 0 times 3 2 9 8 7 6 5 4 3 2: 3+14+0+24+21+12+25+36+15+0 = 150,
    # 150 % 11 = 7, 11 - 7 = 4
    assert pis_check_digit("1703325950") == "4"
    assert format_cpf("52998224725") == "529.982.247-25"
    assert format_cpf(" 529.982.247-25") == "529.982.247-25"
    assert format_cnpj("12abc34501de35") == "12.ABC.345/01DE-35"
    assert format_cnpj("11222333000181") == "11.222.333/0001-81"
    assert not is_cpf("")
    assert not is_cnpj("")
    assert not is_pix("")


@pytest.mark.parametrize(
    ("function", "value"),
    [
        (format_cpf, "5299822472"),
        (format_cpf, "529982247ab"),
        (format_cnpj, "12ABC34501DE3X"),
        (format_cnpj, "1122233300018"),
        (cpf_check_digits, "52998224"),
        (cpf_check_digits, "52998224a"),
        (cnpj_check_digits, "12ABC34501D"),
        (cnpj_check_digits, "12ABC34501D-"),
        (pis_check_digit, "17033259"),
    ],
)
def test_scalar_functions_reject_malformed_input(function, value):
    with pytest.raises(ValueError, match="has"):
        function(value)


# --- vectorized and scalar agree -------------------------------------------------------------

WHITESPACE = "\t\n\v\f\r \xa0"


def _generated(seed: int, n: int) -> list[str | None]:
    """A mix of what people type: valid values of every kind, near misses, junk."""
    rnd = random.Random(seed)
    digits = string.digits
    alnum = string.digits + string.ascii_uppercase

    def number(k: int) -> str:
        return "".join(rnd.choice(digits) for _ in range(k))

    def cpf(zeros: int = 0) -> str:
        return with_cpf_digits("0" * zeros + number(9 - zeros))

    def cnpj(zeros: int = 0) -> str:
        if zeros or rnd.random() < 0.6:
            return with_cnpj_digits("0" * zeros + number(12 - zeros))
        return with_cnpj_digits("".join(rnd.choice(alnum) for _ in range(12)))

    def pis(zeros: int = 0) -> str:
        return with_pis_digit("0" * zeros + number(10 - zeros))

    def punctuate(value: str) -> str:
        out = []
        for char in value:
            if rnd.random() < 0.15:
                out.append(rnd.choice(".-/ \xa0"))
            out.append(char)
        return "".join(out)

    def mutate(value: str) -> str:
        i = rnd.randrange(len(value))
        return value[:i] + rnd.choice(alnum + "éı@#+") + value[i + 1 :]

    def phone() -> str:
        ddd = rnd.choice(["11", "21", "61", "20", "99", "55"])
        subscriber = rnd.choice(["9", "3", "8"]) + number(rnd.choice([7, 8]))
        prefix = rnd.choice(["+55 ", "+55", "55 ", "", "+1 ", "+ 55"])
        return prefix + rnd.choice([f"({ddd}) ", f"{ddd} ", ddd]) + subscriber

    def evp() -> str:
        hexa = "".join(rnd.choice("0123456789abcdefABCDEF") for _ in range(32))
        parts = [hexa[:8], hexa[8:12], hexa[12:16], hexa[16:20], hexa[20:]]
        return "-".join(parts) if rnd.random() < 0.8 else hexa

    makers = [
        cpf,
        lambda: format_cpf(cpf()),
        cnpj,
        lambda: format_cnpj(cnpj()),
        lambda: format_cnpj(cnpj()).lower(),
        pis,
        lambda: punctuate(rnd.choice([cpf, cnpj, pis])()),
        lambda: mutate(rnd.choice([cpf, cnpj, pis])()),
        # typed into a cell not formatted as text, the number lost its leading zeros
        lambda: rnd.choice([cpf, cnpj, pis])(rnd.randint(1, 3)).lstrip("0"),
        lambda: "0" + cpf()[:10],
        lambda: "00" + cnpj()[:12],
        lambda: rnd.choice(digits) * rnd.choice([8, 10, 11, 14]),
        lambda: number(rnd.randrange(0, 17)),
        lambda: "".join(rnd.choice(alnum + ".-/ ") for _ in range(rnd.randrange(1, 20))),
        lambda: rnd.choice(WHITESPACE) + cpf() + rnd.choice(WHITESPACE),
        phone,
        evp,
        lambda: (
            f"{rnd.choice(['ana', 'Jo.Silva', 'x' * 70, 'a b'])}@"
            + rnd.choice(["empresa.com.br", "EMPRESA.COM", "empresa", "-x.com"])
        ),
        lambda: None,
        lambda: rnd.choice(["", " ", "\xa0"]),
    ]
    return [rnd.choice(makers)() for _ in range(n)]


@pytest.fixture(scope="module")
def generated() -> pd.Series:
    return pd.Series(_generated(seed=20260701, n=5000), dtype="str")


def _present(value: object) -> bool:
    return isinstance(value, str) and value.strip(WHITESPACE) != ""


@pytest.mark.parametrize(
    ("check", "is_valid"),
    [
        (check_cpf, is_cpf),
        (check_cnpj, is_cnpj),
        (check_pis, is_pis),
        (check_pix, is_pix),
        (check_cpf_cnpj, lambda v: is_cpf(v) or is_cnpj(v)),
    ],
)
def test_vectorized_and_scalar_agree(generated, check, is_valid):
    verdict = check(generated)
    expected = [_present(v) and not is_valid(v) for v in generated.tolist()]
    disagree = [
        v for v, got, want in zip(generated, verdict.invalid, expected, strict=True) if got != want
    ]
    assert disagree == []
    assert 0.1 < np.mean(expected) < 0.95  # the batch holds both valid and invalid values


def test_generated_batch_formats_like_the_scalar_functions(generated):
    values = generated.tolist()
    for check, is_valid, format_ in [
        (check_cpf, is_cpf, format_cpf),
        (check_cnpj, is_cnpj, format_cnpj),
    ]:
        formatted = check(generated).formatted.tolist()
        pairs = [
            (f, format_(v))
            for v, f in zip(values, formatted, strict=True)
            if _present(v) and is_valid(v)
        ]
        assert pairs
        assert all(got == want for got, want in pairs)
