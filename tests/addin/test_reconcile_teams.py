"""Team vs team: the Matriz's transfer account against each filial's, opposite signs, inside a
date window; what only one side booked; how the transfer accounts are recognised."""

from __future__ import annotations

import pytest
from conftest import table_of

from retaguarda.addin.reconcile.intercompany import (
    TeamBooks,
    TransferAccountError,
    is_transfer_account,
    reconcile_teams,
    team_lines,
)
from retaguarda.addin.reconcile.model import MatchOptions

MATRIZ_CHART = [
    ["1.1.02", "Bancos conta movimento", "Ativo", "Devedora", "Sim"],
    ["1.1.07", "Transferências entre filiais", "Ativo", "Devedora", "Sim"],
    ["3.1.01", "Receita de vendas", "Receita", "Credora", "Sim"],
]
FILIAL_CHART = [
    ["1.1.02", "Bancos conta movimento", "Ativo", "Devedora", "Sim"],
    ["2.1.07", "Transferências da matriz", "Passivo", "Credora", "Sim"],
]


def entry(day: str, document: str, text: str, debit: str, credit: str, value: str) -> list[str]:
    return [day, document, text, debit, credit, value, "", "", ""]


MATRIZ = [
    entry("05/03/2026", "TR-1", "Transferência para Filial Rio", "1.1.07", "1.1.02", "10.000,00"),
    entry("06/03/2026", "NF-9", "Venda", "1.1.02", "3.1.01", "10.000,00"),  # not a transfer
    entry("10/03/2026", "TR-2", "Transferência para Filial SP", "1.1.07", "1.1.02", "5.000,00"),
    entry("20/03/2026", "TR-3", "Transferência para Filial SP", "1.1.07", "1.1.02", "2.500,00"),
    entry("25/03/2026", "TR-4", "Devolução da Filial Rio", "1.1.02", "1.1.07", "1.000,00"),
]
RIO = [
    entry("07/03/2026", "", "Recebido da Matriz", "1.1.02", "2.1.07", "10.000,00"),
    entry("24/03/2026", "", "Devolução à Matriz", "2.1.07", "1.1.02", "1.000,00"),
    entry("28/03/2026", "", "Recebido da Matriz", "1.1.02", "2.1.07", "800,00"),
]
SAO_PAULO = [
    entry("10/03/2026", "TR-2", "Recebido da Matriz", "1.1.02", "2.1.07", "5.000,00"),
    entry("30/03/2026", "", "Recebido da Matriz", "1.1.02", "2.1.07", "2.500,00"),
]


def team(name: str, chart, ledger, accounts: tuple[str, ...] = ()) -> TeamBooks:
    tables = [table_of("plano_de_contas", *chart), table_of("lancamentos", *ledger)]
    return TeamBooks(name, tables, accounts)


def books():
    return (
        team("Matriz", MATRIZ_CHART, MATRIZ),
        [team("Filial Rio", FILIAL_CHART, RIO), team("Filial SP", FILIAL_CHART, SAO_PAULO)],
    )


def pairs(result) -> set[tuple[tuple[str, ...], tuple[str, ...]]]:
    return {(m.statement, m.ledger) for m in result.matches}


def test_each_transfer_against_the_other_sides_and_what_only_one_booked():
    matriz, filiais = books()
    result = reconcile_teams(matriz, filiais)
    assert result.accounts == {
        "Matriz": ("1.1.07",),
        "Filial Rio": ("2.1.07",),
        "Filial SP": ("2.1.07",),
    }
    # 10.000,00 out on 05/03 arrives on 07/03 (2 days, inside ±3); 1.000,00 back on 24/03 is
    # booked by the Matriz on 25/03; the 06/03 sale of 10.000,00 is on no transfer account
    assert pairs(result) == {
        (("Matriz: Lançamentos!2",), ("Filial Rio: Lançamentos!2",)),
        (("Matriz: Lançamentos!4",), ("Filial SP: Lançamentos!2",)),
        (("Matriz: Lançamentos!6",), ("Filial Rio: Lançamentos!3",)),
    }
    # 2.500,00 sent on 20/03 and received on 30/03: 10 days apart, outside the window
    assert [(b.ref, b.cents) for b in result.only_matriz] == [("Matriz: Lançamentos!5", 250000)]
    assert sorted((b.ref, b.cents) for b in result.only_filial) == [
        ("Filial Rio: Lançamentos!4", -80000),
        ("Filial SP: Lançamentos!3", -250000),
    ]
    # Matriz: 10.000 + 5.000 + 2.500 − 1.000 = 16.500,00 sent, net;
    # filiais, turned around: Rio 10.000 − 1.000 + 800 = 9.800, SP 5.000 + 2.500 = 7.500,
    # 17.300,00 in all: the gap is 16.500 − 17.300 = −800,00
    summary = result.summary()
    assert (summary["matriz_balance"], summary["filiais_balance"], summary["gap"]) == (
        "16500.00",
        "17300.00",
        "-800.00",
    )
    assert not result.reconciled


def test_a_wider_window_pairs_the_late_arrival():
    matriz, filiais = books()
    result = reconcile_teams(matriz, filiais, MatchOptions(window_days=10))
    assert (("Matriz: Lançamentos!5",), ("Filial SP: Lançamentos!3",)) in pairs(result)
    assert result.only_matriz == []
    assert [b.ref for b in result.only_filial] == ["Filial Rio: Lançamentos!4"]


def test_the_sheet_rows_and_json():
    matriz, filiais = books()
    result = reconcile_teams(matriz, filiais)
    rows = result.rows()
    assert rows[0][:3] == ["Situação", "Lançamento(s) da Matriz", "Lançamento(s) da filial"]
    statuses = [r[0] for r in rows[1:]]
    assert statuses.count("conciliado") == 3
    assert statuses[3:] == ["só a Matriz lançou", "só Filial Rio lançou", "só Filial SP lançou"]
    data = result.to_json()
    assert data["only_matriz"][0]["amount"] == "2500.00"
    assert {m["difference"] for m in data["matches"]} == {"0.00"}


@pytest.mark.parametrize(
    ("name", "transfer"),
    [
        ("Transferências entre filiais", True),
        ("TRANSFERENCIAS DA MATRIZ", True),
        ("Transf. para lojas", True),
        ("Conta intercompany", True),
        ("Transferências bancárias", False),
        ("Filiais", False),
        ("Bancos conta movimento", False),
    ],
)
def test_which_account_names_are_transfer_accounts(name, transfer):
    assert is_transfer_account(name) is transfer


def test_an_account_given_wins_and_a_missing_one_is_explained():
    plain = [["1.1.02", "Bancos", "Ativo", "Devedora", "Sim"]]
    matriz = team("Matriz", plain, MATRIZ, accounts=("1.1.07",))
    rio = team("Filial Rio", FILIAL_CHART, RIO)
    assert len(reconcile_teams(matriz, [rio]).matches) == 2
    with pytest.raises(TransferAccountError, match="Plano de contas de Matriz não tem conta"):
        reconcile_teams(team("Matriz", plain, MATRIZ), [rio])
    no_chart = TeamBooks("Filial Rio", [table_of("lancamentos", *RIO)])
    with pytest.raises(TransferAccountError, match="Filial Rio não tem aba Plano de contas"):
        reconcile_teams(team("Matriz", MATRIZ_CHART, MATRIZ), [no_chart])


def test_empty_ledgers_and_hostile_text():
    hostile = "=cmd|' /C calc'!A0 {0}\x1b"
    matriz = team(
        "Matriz",
        MATRIZ_CHART,
        [entry("05/03/2026", "", hostile, "1.1.07", "1.1.02", "1,00")],
    )
    empty = team("Filial Rio", FILIAL_CHART, [])
    result = reconcile_teams(matriz, [empty])
    assert result.matches == []
    assert result.warnings == ["Filial Rio não tem lançamentos nas contas de transferência 2.1.07."]
    (row,) = result.rows()[1:]
    assert row[5] == "'=cmd|' /C calc'!A0 {0}\u241b"
    assert len(team_lines(empty, ("2.1.07",))) == 0


def test_a_chart_without_a_transfer_account_is_told_to_create_one():
    """A chart with no transfer account: the reconciliation says so instead of reporting every
    line as unmatched."""
    chart = [row for row in MATRIZ_CHART if row[0] != "1.1.07"]
    with pytest.raises(TransferAccountError, match="crie-a ou informe o código"):
        reconcile_teams(team("matriz", chart, MATRIZ[1:2]), [])
