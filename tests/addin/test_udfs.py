"""The functions typed in cells, called with what Excel hands them: text, floats, None, ranges."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest

from retaguarda.addin import udfs
from retaguarda.templates.catalog import TEMPLATES

CNPJ = "11.222.333/0001-81"
CPF = "529.982.247-25"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (CNPJ, True),
        ("11222333000181", True),
        (11222333000181.0, True),  # a number cell
        ("12.abc.345/01de-35", True),  # alphanumeric CNPJ, typed in lower case
        ("11.222.333/0001-82", False),
        ("11.111.111/1111-11", False),
        ("123", False),
        (None, False),
        (True, False),
    ],
)
def test_cnpj_valido(value, expected):
    assert udfs.RG_CNPJ_VALIDO(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (CPF, True),
        ("52998224725", True),
        (52998224725.0, True),
        (1234567890.0, True),  # 012.345.678-90, its leading zero dropped by Excel
        (1234567891.0, False),
        ("529.982.247-26", False),
        ("", False),
    ],
)
def test_cpf_valido(value, expected):
    assert udfs.RG_CPF_VALIDO(value) is expected


def test_a_number_cell_gets_its_leading_zeros_back():
    """Caixa's CNPJ 00.360.305/0001-04 typed as a number is 360305000104: zeros dropped."""
    assert udfs.RG_CNPJ_VALIDO(360305000104.0) is True
    assert udfs.RG_FORMATA_CNPJ(360305000104.0) == "00.360.305/0001-04"
    assert udfs.RG_CNPJ_VALIDO(360305000105.0) is False


@pytest.mark.parametrize(
    "value",
    [np.int64(52998224725), np.int32(1234567890), np.float64(52998224725.0)],
)
def test_numbers_of_any_type(value):
    """numpy scalars, as a caller holding a DataFrame passes them (012.345.678-90 padded)."""
    assert udfs.RG_CPF_VALIDO(value) is True


def test_a_huge_number_is_refused_in_portuguese():
    assert udfs.RG_CPF_VALIDO(Decimal("1E+5000")) is False
    assert udfs.RG_FORMATA_CPF(Decimal("1E+5000")) == (
        "Erro: “1E+5000” não é um CPF válido (confira os dígitos verificadores)."
    )
    assert udfs.RG_CPF_VALIDO(10**5000) is False


def test_a_decimal_is_a_number():
    assert udfs.RG_CPF_VALIDO(Decimal("52998224725")) is True
    assert udfs.RG_FORMATA_CPF(Decimal("1234567890")) == "012.345.678-90"


def test_a_number_exported_as_text_does_not_shift_its_digits():
    """Read as 274.785.951-70 (the ".0" taken for a digit) it would pass as another CPF."""
    assert udfs.RG_CPF_VALIDO("2747859517.0") is False
    assert udfs.RG_CPF_VALIDO(2747859517.0) is True  # 027.478.595-17


def test_dashes_pasted_from_word():
    assert udfs.RG_CPF_VALIDO("529\u2013982\u2013247\u201325") is True
    assert udfs.RG_FORMATA_CNPJ("11\u2009222\u2009333/0001\u201481") == CNPJ


def test_valor_of_a_decimal_keeps_every_cent():
    """18 significant digits: through a float the cents would change."""
    assert udfs.RG_VALOR(Decimal("1234567890123456.78")) == Decimal("1234567890123456.78")


def test_valor_of_bank_export_text():
    assert udfs.RG_VALOR("1.234,56-") == Decimal("-1234.56")
    assert udfs.RG_VALOR("150,00 D") == Decimal("-150.00")
    assert udfs.RG_VALOR("1\u202f234,56") == Decimal("1234.56")


def test_formata():
    assert udfs.RG_FORMATA_CNPJ("11222333000181") == CNPJ
    assert udfs.RG_FORMATA_CNPJ("12abc34501de35") == "12.ABC.345/01DE-35"
    assert udfs.RG_FORMATA_CPF(52998224725.0) == CPF
    assert udfs.RG_FORMATA_CPF(" 529.982.247-25 ") == CPF


def test_formata_refuses_what_is_not_valid_in_portuguese():
    assert udfs.RG_FORMATA_CNPJ("11222333000182") == (
        "Erro: “11222333000182” não é um CNPJ válido (confira os dígitos verificadores)."
    )
    assert udfs.RG_FORMATA_CPF("123").startswith("Erro: “123” não é um CPF válido")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("R$ 1.234,56", Decimal("1234.56")),
        ("1234,5", Decimal("1234.50")),
        ("(R$ 10,00)", Decimal("-10.00")),
        ("-R$ 0,05", Decimal("-0.05")),
        (1234.555, Decimal("1234.56")),  # rounded half-up to the cent
        (7, Decimal("7.00")),
        ("", None),
        (None, None),
    ],
)
def test_valor(value, expected):
    amount = udfs.RG_VALOR(value)
    assert amount == expected
    assert amount is None or isinstance(amount, Decimal)  # money never passes through float


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "Erro: “abc” não é um número válido (ex.: 1.234,56)."),
        ("R$ 1,2,3", "Erro: “R$ 1,2,3” não é um número válido (ex.: 1.234,56)."),
        (dt.date(2026, 3, 5), "Erro: “2026-03-05” não é um número."),
    ],
)
def test_valor_errors_are_readable_text(value, message):
    assert udfs.RG_VALOR(value) == message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("05/03/2026", dt.date(2026, 3, 5)),
        ("2026-03-05", dt.date(2026, 3, 5)),
        (46086.0, dt.date(2026, 3, 5)),  # Excel serial
        (dt.datetime(2026, 3, 5, 14, 30), dt.date(2026, 3, 5)),
        ("", None),
        (None, None),
    ],
)
def test_data(value, expected):
    assert udfs.RG_DATA(value) == expected


def test_data_errors_are_readable_text():
    assert udfs.RG_DATA("31/02/2026") == (
        "Erro: “31/02/2026” não é uma data válida; use dd/mm/aaaa."
    )
    assert udfs.RG_DATA("03/25/2026") == (
        "Erro: “03/25/2026” não é uma data válida; use dd/mm/aaaa. Seria 25/03/2026?"
    )
    assert udfs.RG_DATA(True) == "Erro: “True” não é uma data."


LEDGER = list(TEMPLATES["lancamentos"].headers)


def ledger_row(**values: object) -> list[object]:
    row: dict[str, object] = {
        "Data": "05/03/2026",
        "Documento": "NF 1",
        "Histórico": "Venda",
        "Conta débito": "1.1.01",
        "Conta crédito": "3.1.01",
        "Valor": "R$ 100,00",
    }
    row.update(values)
    return [row.get(header) for header in LEDGER]


def test_validar_spills_cell_code_and_message():
    rows = [
        LEDGER,
        ledger_row(),
        ledger_row(Data="31/02/2026"),
        ledger_row(Valor=None),
    ]
    spilled = udfs.RG_VALIDAR(rows, "lancamentos")
    assert spilled[0] == ["Célula", "Código", "Problema"]
    found = {(cell, code) for cell, code, _ in spilled[1:]}
    assert ("A3", "date.invalid") in found
    assert ("F4", "cell.required") in found
    assert all(len(row) == 3 for row in spilled)
    message = next(m for cell, code, m in spilled if cell == "A3")
    assert "31/02/2026" in message


def test_validar_numbers_cells_from_the_first_cell_of_the_range():
    rows = [LEDGER, ledger_row(Data="31/02/2026")]
    spilled = udfs.RG_VALIDAR(rows, "Lançamentos", "$C$5")
    assert ("C6", "date.invalid") in {(cell, code) for cell, code, _ in spilled[1:]}


def test_validar_without_the_chart_says_accounts_were_not_checked():
    spilled = udfs.RG_VALIDAR([LEDGER, ledger_row()], "lancamentos")
    assert [code for _, code, _ in spilled[1:]] == ["account.no_chart"]


def test_validar_applies_the_company_closed_period_as_the_validar_button_does(monkeypatch):
    rows = [
        LEDGER,
        ledger_row(Data="15/12/2025", Documento="NF-1"),
        ledger_row(Data="05/01/2026", Documento="NF-2"),
    ]
    monkeypatch.delenv("RETAGUARDA_CLOSED_UNTIL", raising=False)
    assert [code for _, code, _ in udfs.RG_VALIDAR(rows, "lancamentos")[1:]] == ["account.no_chart"]
    monkeypatch.setenv("RETAGUARDA_CLOSED_UNTIL", "2025-12-31")
    spilled = udfs.RG_VALIDAR(rows, "lancamentos")
    assert [(cell, code) for cell, code, _ in spilled[1:]] == [
        ("", "account.no_chart"),
        ("A2", "date.closed_period"),
    ]
    assert "31/12/2025" in spilled[2][2]


def test_validar_names_a_bad_setting(monkeypatch):
    monkeypatch.setenv("RETAGUARDA_CLOSED_UNTIL", "ontem")
    spilled = udfs.RG_VALIDAR([LEDGER, ledger_row()], "lancamentos")
    assert spilled.startswith("Erro: configuração inválida: RETAGUARDA_CLOSED_UNTIL='ontem'")


def test_validar_a_clean_table():
    header = list(TEMPLATES["plano_de_contas"].headers)
    rows = [header, ["1.1.01", "Caixa", "Ativo", "Devedora", "Sim"]]
    assert udfs.RG_VALIDAR(rows, "plano_de_contas") == [["Nenhuma pendência.", "", ""]]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([["a"]], "xpto"), "Erro: modelo desconhecido: “xpto” (conhecidos: plano_de_contas,"),
        (([["a", "b"], [1, 2]], "lancamentos"), "Erro: o cabeçalho de “Lançamentos” não foi"),
        (([LEDGER], "lancamentos", "5C"), "Erro: “5C” não é o endereço de uma célula"),
        ((None, "lancamentos"), "Erro: o cabeçalho de “Lançamentos” não foi encontrado"),
    ],
)
def test_validar_errors_are_readable_text(args, message):
    spilled = udfs.RG_VALIDAR(*args)
    assert isinstance(spilled, str)
    assert spilled.startswith(message)


def test_a_bug_shows_one_line_not_a_traceback(monkeypatch, caplog):
    def broken(rows, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(udfs, "read_table", broken)
    result = udfs.RG_VALIDAR([LEDGER], "lancamentos")
    assert result == "Erro inesperado em RG_VALIDAR; veja o registro (log) do servidor."
    assert "boom" in caplog.text


def test_every_function_is_declared_for_xlwings_with_its_prefix():
    declared = {name for name in dir(udfs) if hasattr(getattr(udfs, name), "__xlfunc__")}
    assert declared == {
        "RG_CNPJ_VALIDO",
        "RG_CPF_VALIDO",
        "RG_FORMATA_CNPJ",
        "RG_FORMATA_CPF",
        "RG_VALOR",
        "RG_DATA",
        "RG_VALIDAR",
        "RG_INSS",
        "RG_IRRF",
    }
    assert udfs.RG_VALIDAR.__xlfunc__["args"][0]["options"]["ndim"] == 2


def test_a_call_that_awaits_for_real_still_completes_on_the_loop():
    """The loop-free fast path falls back to the event loop, from the start, when needed."""
    import asyncio

    from retaguarda.addin import protocol

    started = []

    async def awaits() -> str:
        started.append(1)
        await asyncio.sleep(0)
        return "pronto"

    async def computes() -> str:
        return "direto"

    assert protocol._run_pure(computes) == "direto"
    assert protocol._run_pure(awaits) == "pronto"
    assert len(started) == 2  # run again from the start on the loop
