"""Each rule on a small sheet typed the way a user types it: which cells it flags, and what it
says. Headers are on row 1, so the first data row is sheet row 2 (column letters are the
template's: A Data, B Documento, C Histórico, D Conta débito, E Conta crédito, F Valor...)."""

from __future__ import annotations

from datetime import date

import pandas as pd
from conftest import CHART, table_of

from retaguarda.validators import rules


def ledger(*rows: list[object]):
    return table_of("lancamentos", *rows)


def found(issues) -> list[tuple[str, str]]:
    return [(i.cell, i.code) for i in issues]


def test_required_flags_the_empty_cells_only():
    table = ledger(
        ["05/03/2026", "1", "Venda", "1.1.01", "3.1.01", "10,00"],
        ["05/03/2026", "2", "", "1.1.01", "3.1.01", "10,00"],
        ["05/03/2026", "3", None, "1.1.01", "3.1.01", "10,00"],
        ["05/03/2026", "4", "  ", "1.1.01", "3.1.01", "10,00"],
    )
    issues = rules.required(table, "historico")
    assert found(issues) == [
        ("C3", "cell.required"),
        ("C4", "cell.required"),
        ("C5", "cell.required"),
    ]
    assert issues[0].message == "Histórico: campo obrigatório está vazio."


def test_required_leaves_a_value_that_failed_to_parse_to_its_own_issue():
    table = ledger(["05/03/2026", "1", "Venda", "1.1.01", "3.1.01", "dez reais"])
    assert rules.required(table, "valor") == []


def test_negative_amounts():
    table = ledger(
        ["05/03/2026", "1", "a", "1.1.01", "3.1.01", "-5,00"],
        ["05/03/2026", "2", "b", "1.1.01", "3.1.01", "0"],
        ["05/03/2026", "3", "c", "1.1.01", "3.1.01", ""],
        ["05/03/2026", "4", "d", "1.1.01", "3.1.01", "(1.234,56)"],
        ["05/03/2026", "5", "e", "1.1.01", "3.1.01", "-0,01"],
    )
    issues = rules.negative(table, "valor")
    assert found(issues) == [
        ("F2", "number.negative"),
        ("F5", "number.negative"),
        ("F6", "number.negative"),
    ]
    assert issues[0].message == "Valor: o valor -5,00 não pode ser negativo."
    assert issues[1].value == "(1.234,56)"  # shown as typed


def test_future_dates_are_those_after_today():
    table = ledger(
        ["24/11/2026", "1", "a", "1.1.01", "3.1.01", "1"],
        ["25/11/2026", "2", "b", "1.1.01", "3.1.01", "1"],
        ["26/11/2026", "3", "c", "1.1.01", "3.1.01", "1"],
        ["15/03/2062", "4", "d", "1.1.01", "3.1.01", "1"],
        ["", "5", "e", "1.1.01", "3.1.01", "1"],
    )
    issues = rules.future(table, "data", date(2026, 11, 25))
    assert found(issues) == [("A4", "date.future"), ("A5", "date.future")]
    assert issues[0].message == "Data: a data 26/11/2026 está no futuro (hoje é 25/11/2026)."
    assert issues[0].message_en == (
        "Data: the date 26/11/2026 is in the future (today is 25/11/2026)."
    )


def test_closed_period_includes_its_last_day():
    table = ledger(
        ["30/12/2025", "1", "a", "1.1.01", "3.1.01", "1"],
        ["31/12/2025", "2", "b", "1.1.01", "3.1.01", "1"],
        ["01/01/2026", "3", "c", "1.1.01", "3.1.01", "1"],
    )
    issues = rules.closed_period(table, "data", date(2025, 12, 31))
    assert found(issues) == [("A2", "date.closed_period"), ("A3", "date.closed_period")]
    assert issues[1].message == (
        "Data: a data 31/12/2025 cai em período já fechado (fechado até 31/12/2025)."
    )
    assert rules.closed_period(table, "data", None) == []


def test_cpf_with_a_wrong_check_digit_gets_no_suggestion():
    # 529.982.247-25 is valid: 5·10+2·9+9·8+9·7+8·6+2·5+2·4+4·3+7·2 = 295, 295 mod 11 = 9,
    # first digit 11-9 = 2; then with weights 11..2 over 5299822472: 347 mod 11 = 6, 11-6 = 5.
    table = table_of(
        "folha",
        ["03/2026", "7", "Ana", "529.982.247-25"],
        ["03/2026", "8", "Bia", "529.982.247-26"],
    )
    issues = rules.identifier(table, "cpf", "cpf")
    assert found(issues) == [("D3", "cpf.check_digit")]
    assert issues[0].suggestion == ""  # only a reformatting of the same wrong number
    assert issues[0].message.startswith("CPF: “529.982.247-26” não é um CPF válido (")


def test_cpf_that_lost_its_leading_zeros_suggests_them_back():
    # 001.234.567-97: 0·10+0·9+1·8+2·7+3·6+4·5+5·4+6·3+7·2 = 112, 112 mod 11 = 2, 11-2 = 9;
    # 0·11+0·10+1·9+2·8+3·7+4·6+5·5+6·4+7·3+9·2 = 158, 158 mod 11 = 4, 11-4 = 7.
    # Typed in a cell formatted as number, Excel keeps 123456797.
    table = table_of("folha", ["03/2026", "7", "Ana", "123456797"])
    (issue,) = rules.identifier(table, "cpf", "cpf")
    assert (issue.cell, issue.code, issue.suggestion) == ("D2", "cpf.lost_zeros", "001.234.567-97")


def test_cnpj_column_accepts_the_published_examples():
    # 11.222.333/0001-81 is the example in most CNPJ references (weights 5432 9876 5432 over
    # 112223330001: 102 mod 11 = 3, 11-3 = 8; then 6543 2987 6543 2 over ...8: 120 mod 11 = 10,
    # 11-10 = 1); 12.ABC.345/01DE-35 is the Receita Federal's example of the alphanumeric CNPJ
    # (IN RFB 2.229/2024). A wrong last digit and an empty cell (not this rule's business) follow.
    table = ledger(
        ["05/03/2026", "1", "a", "1.1.01", "3.1.01", "1", "", "11.222.333/0001-81"],
        ["05/03/2026", "2", "b", "1.1.01", "3.1.01", "1", "", "12.ABC.345/01DE-35"],
        ["05/03/2026", "3", "c", "1.1.01", "3.1.01", "1", "", "11.222.333/0001-82"],
        ["05/03/2026", "4", "d", "1.1.01", "3.1.01", "1", "", ""],
    )
    issues = rules.identifier(table, "cpf_cnpj", "cpf_cnpj")
    assert found(issues) == [("H4", "cpf_cnpj.check_digit")]


def test_duplicates_point_at_the_first_row():
    table = ledger(
        ["05/03/2026", "NF 10", "a", "1.1.01", "3.1.01", "100,00"],
        ["05/03/2026", "NF 11", "b", "1.1.01", "3.1.01", "100,00"],
        ["06/03/2026", "NF 10", "c", "1.1.01", "3.1.01", "100,00"],
        ["07/03/2026", "NF 10", "d", "1.1.01", "3.1.01", "100,01"],
        ["08/03/2026", "NF 10", "e", "1.1.01", "3.1.01", "100,00"],
    )
    issues = rules.duplicates(table, ["documento", "valor"])
    assert found(issues) == [("B4", "row.duplicate"), ("B6", "row.duplicate")]
    assert (
        issues[0].message
        == "Documento: lançamento repetido; igual ao da linha 2 (Documento, Valor)."
    )
    assert (
        issues[1].message
        == "Documento: lançamento repetido; igual ao da linha 2 (Documento, Valor)."
    )


def test_rows_without_the_first_key_are_not_duplicates():
    table = ledger(
        ["05/03/2026", "", "a", "1.1.01", "3.1.01", "100,00"],
        ["05/03/2026", "", "b", "1.1.01", "3.1.01", "100,00"],
    )
    assert rules.duplicates(table, ["documento", "valor"]) == []


def test_duplicates_on_every_column_of_a_few_hundred_distinct_rows():
    """Nine keys of 300 distinct values each: more combinations than an int64 holds."""
    start = date(2025, 1, 1).toordinal()
    rows = [
        [
            date.fromordinal(start + n).strftime("%d/%m/%Y"),
            f"NF {n}",
            f"h{n}",
            f"d{n}",
            f"c{n}",
            f"{n},00",
            f"cc{n}",
            f"x{n}",
            f"o{n}",
        ]
        for n in range(300)
    ]
    rows.append(list(rows[249]))  # sheet row 302 repeats sheet row 251
    rows.append([*rows[249][:8], "other"])  # differs in the last key only
    table = ledger(*rows)
    (issue,) = rules.duplicates(table, list(table.data.columns))
    assert issue.cell == "A302"
    assert "igual ao da linha 251 " in issue.message


def test_debit_and_credit_on_the_same_account():
    table = ledger(
        ["05/03/2026", "1", "a", "1.1.01", "1.1.01", "1"],
        ["05/03/2026", "2", "b", "1.1.01", "3.1.01", "1"],
        ["05/03/2026", "3", "c", "", "", "1"],
    )
    (issue,) = rules.same_account(table, "conta_debito", "conta_credito")
    assert (issue.cell, issue.code) == ("E2", "ledger.same_account")
    assert issue.message == "Conta crédito: débito e crédito na mesma conta (1.1.01)."


def test_paid_above_due():
    payables = table_of(
        "contas_a_pagar",
        ["Ana", "", "1", "01/03/2026", "10/03/2026", "100,00", "10/03/2026", "150,00"],
        ["Bia", "", "2", "01/03/2026", "10/03/2026", "100,00", "10/03/2026", "100,00"],
        ["Caio", "", "3", "01/03/2026", "10/03/2026", "100,00", "10/03/2026", "100,01"],
        ["Davi", "", "4", "01/03/2026", "10/03/2026", "100,00", "", ""],
    )
    issues = rules.overpaid(payables, "valor", "valor_liquidado", "payable.overpaid")
    assert found(issues) == [("H2", "payable.overpaid"), ("H4", "payable.overpaid")]
    assert issues[0].message == "Valor pago: pago 150,00, mais que o valor devido R$ 100,00."
    assert issues[1].message_en == "Valor pago: paid 100,01, more than the amount due R$ 100,00."


def test_accounts_not_in_the_chart_or_not_accepting_postings():
    chart = table_of("plano_de_contas", *CHART)
    codes = chart.data["codigo"]
    postable = chart.data["aceita_lancamento"].map({"Sim": True, "Não": False})
    table = ledger(
        ["05/03/2026", "1", "a", "1.1.01", "3.1.01", "1"],
        ["05/03/2026", "2", "b", "9.9.99", "3.1.01", "1"],
        ["05/03/2026", "3", "c", "1.1.01", "1", "1"],
        ["05/03/2026", "4", "d", "", "3.1.01", "1"],
    )
    issues = rules.accounts(table, ["conta_debito", "conta_credito"], codes, postable)
    assert found(issues) == [("D3", "account.unknown"), ("E4", "account.not_postable")]
    assert issues[0].message == "Conta débito: a conta “9.9.99” não existe no Plano de contas."
    assert issues[1].message == ("Conta crédito: a conta “1” é sintética (não aceita lançamento).")
    assert issues[1].message_en == (
        "Conta crédito: account “1” is a summary account (does not accept postings)."
    )


def movements(*rows: list[object]):
    """Data, SKU, Produto, NCM, Tipo, Quantidade, Custo, Depósito: the letters A to H."""
    table = table_of("estoque_movimentos", *rows)
    outgoing = (table.data["tipo"] == "Saída").fillna(False)
    quantity = table.data["quantidade"]
    return table, quantity.where(~outgoing, -quantity)


def test_stock_goes_negative_on_the_movement_that_crosses_zero():
    table, delta = movements(
        ["02/03/2026", "P1", "", "", "Entrada", "10", "", "CD"],
        ["05/03/2026", "P1", "", "", "Saída", "4", "", "CD"],
        ["06/03/2026", "P1", "", "", "Saída", "8,5", "", "CD"],  # 10 - 4 - 8,5 = -2,5
        ["07/03/2026", "P1", "", "", "Saída", "1", "", "CD"],  # still negative: not again
        ["06/03/2026", "P1", "", "", "Saída", "3", "", "Loja"],  # another warehouse
        ["03/03/2026", "P2", "", "", "Entrada", "1", "", "CD"],
    )
    issues = rules.stock_negative(
        table, at="quantidade", date="data", sku="sku", warehouse="deposito", delta=delta, places=3
    )
    assert found(issues) == [("F4", "stock.negative"), ("F6", "stock.negative")]
    assert issues[0].message == (
        "Quantidade: o saldo de P1 em CD fica negativo (-2,5) com este movimento."
    )
    assert issues[1].message == (
        "Quantidade: o saldo de P1 em Loja fica negativo (-3) com este movimento."
    )


def test_stock_is_followed_in_date_order_not_sheet_order():
    table, delta = movements(
        ["10/03/2026", "P1", "", "", "Saída", "5", "", "CD"],  # typed first, happens last
        ["01/03/2026", "P1", "", "", "Entrada", "5", "", "CD"],
        ["05/03/2026", "P1", "", "", "Saída", "6", "", "CD"],  # 5 - 6 = -1: here
    )
    issues = rules.stock_negative(
        table, at="quantidade", date="data", sku="sku", warehouse="deposito", delta=delta, places=3
    )
    assert found(issues) == [("F4", "stock.negative")]
    assert "fica negativo (-1)" in issues[0].message


def test_counted_skus_that_never_moved():
    counts = table_of(
        "estoque_contagem",
        ["31/03/2026", "P1", "CD", "3"],
        ["31/03/2026", "P9", "CD", "1"],
        ["31/03/2026", "", "CD", "1"],
    )
    (issue,) = rules.unknown_values(
        counts, "sku", pd.Series(["P1", "P2", None]), "stock.unknown_sku"
    )
    assert (issue.cell, issue.code) == ("B3", "stock.unknown_sku")
    assert issue.message == "SKU: o SKU “P9” foi contado mas não tem nenhuma movimentação."
