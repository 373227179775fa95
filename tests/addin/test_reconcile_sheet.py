"""The "Conciliação" sheet: what a person reads, and the decisions read back from it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from reconcile_cases import LEDGER, M1, M2, M3, MATCHING, STATEMENT

from retaguarda.addin.reconcile.bank import explain, split_period
from retaguarda.addin.reconcile.model import Decision, Match, Matching, Status, lines_frame
from retaguarda.addin.reconcile.sheet import (
    HEADER,
    account_from_sheet,
    amounts_from_sheet,
    conciliation_sheet,
    decisions_from_sheet,
)

COL = {name: i for i, name in enumerate(HEADER)}


def reconciliation(statement=STATEMENT, ledger=LEDGER, matching=MATCHING, decisions=()):
    before, period, after = split_period(ledger, statement.lines, 3)
    return explain(
        "1.1.02",
        statement,
        period,
        matching,
        ledger_before=before,
        ledger_after_count=after,
        decisions=decisions,
    )


def rows_of(layout, match_id):
    return [r for r in layout.rows[layout.header_row :] if r[0] == match_id]


def summary(layout):
    """label -> value of the block above the header: two columns of them (A→D, E→I)."""
    found = {}
    for row in layout.rows[: layout.header_row - 1]:
        for label, value in ((row[0], row[COL["Decisão"]]), (row[4], row[COL["Valor extrato"]])):
            if label:
                found[label.strip()] = value
    return found


def test_the_summary_block_shows_balances_and_the_items_that_add_up_to_the_gap():
    layout = conciliation_sheet(reconciliation())
    found = summary(layout)
    assert found["Conta contábil"] == "1.1.02"
    assert found["Extrato"] == "extrato.ofx · banco 001 · agência 1234 · conta 56789-0"
    assert found["Período do extrato"] == "02/03/2026 a 12/03/2026"
    assert found["Saldo final do extrato"] == Decimal("341.60")
    assert found["Saldo do razão até o fim do extrato"] == Decimal("334.50")
    assert found["Diferença (saldo final do extrato − razão)"] == Decimal("7.10")
    parts = [
        found["saldo inicial do extrato − razão antes dele"],
        found["linhas do extrato sem lançamento (1)"],
        found["lançamentos sem linha no extrato (1), com sinal trocado"],
        found["diferenças a lançar (1)"],
        found["não explicado (o extrato não fecha)"],
    ]
    # 0 − 30 + 45 − 7,90 + 0 = 7,10
    assert parts == [Decimal(0), Decimal("-30"), Decimal("45"), Decimal("-7.90"), Decimal(0)]
    assert sum(parts) == Decimal("7.10")
    assert layout.rows[layout.header_row - 1] == list(HEADER)
    assert layout.header_row <= 12  # a frozen header leaves most of a screen to the rows
    assert {len(r) for r in layout.rows} == {len(HEADER)}


def test_pairs_show_both_sides_link_the_ledger_cells_and_list_what_is_left():
    layout = conciliation_sheet(reconciliation())
    (row,) = rows_of(layout, M2.id)[:1]
    assert row[COL["Status"]] == "sugerida"
    assert row[COL["Pontuação"]] == 0.7
    assert row[COL["Motivo"]] == "NF 1002 no histórico"
    assert row[COL["Data extrato"]] == date(2026, 3, 5)
    assert row[COL["Extrato"]] == "FITID:2"
    assert row[COL["Valor extrato"]] == Decimal("-120.50")
    assert row[COL["Razão"]] == "Contas a pagar!2"
    assert row[COL["Histórico no razão"]] == "Fornecedor A (1002)"
    number = layout.rows.index(row) + 1
    assert (f"K{number}", "'Contas a pagar'!H2", "Contas a pagar!2") in layout.links
    # the transfer with its fee, in the pairs and again among the differences to post
    fee_rows = rows_of(layout, M3.id)
    assert len(fee_rows) == 2
    assert {r[COL["Diferença"]] for r in fee_rows} == {Decimal("-7.90")}
    texts = [r[0] for r in layout.rows]
    left_s = layout.rows[texts.index("Linhas do extrato sem lançamento (1)") + 1]
    assert (left_s[COL["Extrato"]], left_s[COL["Valor extrato"]]) == ("FITID:3", Decimal("-30"))
    left_l = layout.rows[texts.index("Lançamentos sem linha no extrato (1)") + 1]
    assert (left_l[COL["Razão"]], left_l[COL["Valor razão"]]) == ("Lançamentos!5", Decimal("-45"))


def test_one_statement_line_for_several_ledger_lines_takes_a_row_each_with_its_id():
    group = Match(
        ("FITID:2",), ("Contas a pagar!2", "Lançamentos!5"), Status.SUGGESTED, 0.6, "lote", "group"
    )
    layout = conciliation_sheet(reconciliation(matching=Matching([group], [], [])))
    rows = rows_of(layout, group.id)
    assert len(rows) == 4  # in the pairs, and again among the differences to post
    rows = rows[:2]
    assert [r[COL["Razão"]] for r in rows] == ["Contas a pagar!2", "Lançamentos!5"]
    assert [r[COL["Extrato"]] for r in rows] == ["FITID:2", ""]
    # 120,50 + 45,00 booked, 120,50 on the statement
    assert rows[0][COL["Diferença"]] == Decimal("-120.50") - (
        Decimal("-120.50") + Decimal("-45.00")
    )


def decide(layout, answers):
    """The grid after a person typed `answers` (match id -> text) in the Decisão column."""
    grid = [list(r) for r in layout.rows]
    for row in grid:
        if row[0] in answers and row[COL["Status"]]:
            row[COL["Decisão"]] = answers[row[0]]
    return grid


def test_decisions_are_read_back_whatever_the_case_and_accents():
    layout = conciliation_sheet(reconciliation())
    grid = decide(layout, {M1.id: " Confirmar ", M2.id: "REJEITAR", M3.id: "talvez"})
    assert decisions_from_sheet(grid) == [
        Decision(M1.statement, M1.ledger, True),
        Decision(M2.statement, M2.ledger, False),
    ]
    grid = decide(layout, {M1.id: "confirmado", M2.id: "Rejeitado"})
    assert [d.confirmed for d in decisions_from_sheet(grid)] == [True, False]


def test_confirmed_and_rejected_pairs_are_written_again_so_they_outlive_the_next_run():
    confirmed = Match(M1.statement, M1.ledger, Status.CONFIRMED, 1.0, "confirmado", "decision")
    rejected = Decision(("FITID:3",), ("Lançamentos!5",), False)
    layout = conciliation_sheet(
        reconciliation(matching=Matching([confirmed, M2, M3], [], []), decisions=[rejected])
    )
    assert decisions_from_sheet(layout.rows) == [
        Decision(M1.statement, M1.ledger, True),
        rejected,
    ]


def test_a_mangled_sheet_never_crashes_and_yields_only_what_it_can_trust():
    layout = conciliation_sheet(reconciliation())
    grid = decide(layout, {M1.id: "confirmar", M2.id: "rejeitar", M3.id: "confirmar"})
    m2 = next(r for r in grid if r[0] == M2.id)
    m2[COL["Razão"]] = "Lançamentos!99"  # a reference edited: the ID no longer fits
    del grid[5:9]  # summary rows deleted
    grid.append([None, 3.5, date(2026, 1, 1)])
    grid.append([])
    grid.append(["C000000000000", "x", "y", "confirmar"])  # an ID of nothing
    grid.insert(0, [object(), None])
    assert decisions_from_sheet(grid) == [
        Decision(M1.statement, M1.ledger, True),
        Decision(M3.statement, M3.ledger, True),
    ]
    assert decisions_from_sheet([]) == []
    assert decisions_from_sheet([["lixo"], [1, 2, 3], None]) == []
    # the columns found by their header, wherever they were moved
    moved = [list(reversed(r)) for r in decide(layout, {M1.id: "confirmar"})]
    assert decisions_from_sheet(moved) == [Decision(M1.statement, M1.ledger, True)]


def test_the_account_is_read_back_from_its_cell():
    layout = conciliation_sheet(reconciliation())
    grid = [list(r) for r in layout.rows]
    assert account_from_sheet(grid) == "1.1.02"
    grid[1][COL["Decisão"]] = " 1.1.03 "
    assert account_from_sheet(grid) == "1.1.03"
    assert account_from_sheet([["conta contabil", None, "", 1.1]]) == "1.1"
    assert account_from_sheet([[None], []]) == ""


def test_user_text_is_written_inert():
    hostile = '=HYPERLINK("http://x";"{0}")'
    statement = type(STATEMENT)(
        **{
            **vars(STATEMENT),
            "lines": lines_frame(
                ref=["FITID:1"], date=[date(2026, 3, 2)], cents=[100], description=[hostile]
            ),
            "source": "+extrato\x1b.ofx",
        }
    )
    ledger = lines_frame(
        ref=["=Lanç!2"],
        date=[date(2026, 3, 2)],
        cents=[100],
        description=["@SUM(A1)"],
        cell=["=Lanç!F2"],
    )
    match = Match(("FITID:1",), ("=Lanç!2",), Status.AUTOMATIC, 1.0, "-" + hostile, "date_window")
    layout = conciliation_sheet(
        reconciliation(statement=statement, ledger=ledger, matching=Matching([match], [], []))
    )
    (row,) = rows_of(layout, match.id)
    assert row[COL["Descrição no extrato"]] == "'" + hostile
    assert row[COL["Motivo"]] == "'-" + hostile
    assert row[COL["Razão"]] == "'=Lanç!2"
    assert row[COL["Histórico no razão"]] == "'@SUM(A1)"
    assert summary(layout)["Extrato"].startswith("'+extrato␛.ofx")
    assert any(target == "'=Lanç'!F2" for _cell, target, _text in layout.links)
    # and the decision still finds its lines
    grid = decide(layout, {match.id: "confirmar"})
    assert decisions_from_sheet(grid) == [Decision(("FITID:1",), ("=Lanç!2",), True)]


def test_the_amounts_each_pair_showed_are_read_back_with_it():
    layout = conciliation_sheet(reconciliation())
    assert amounts_from_sheet(layout.rows) == {
        "FITID:1": 50000,
        "Lançamentos!3": 50000,
        "FITID:2": -12050,
        "Contas a pagar!2": -12050,
        "FITID:4": -100790,
        "Lançamentos!4": -100000,
    }
    # as a file gives them back: numbers as floats, other cells as None
    grid = [[float(v) if isinstance(v, Decimal) else (v or None) for v in r] for r in layout.rows]
    assert amounts_from_sheet(grid)["FITID:2"] == -12050
    assert amounts_from_sheet([["lixo"]]) == {}
