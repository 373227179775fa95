"""The matcher on small hand-written statements and ledgers: each pass, the global choice
where a greedy one would steal, ties left to a person, fees, decisions, and odd inputs.

Amounts are signed cents from the account's side (money out negative); every expected value
is written out here, not read back from the code."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from retaguarda.addin.reconcile.match import match_lines
from retaguarda.addin.reconcile.model import (
    Decision,
    Match,
    Matching,
    MatchOptions,
    Status,
    lines_frame,
)


def lines(prefix: str, *rows: tuple) -> pd.DataFrame:
    """A `Lines` frame from (date, cents[, description[, document]]) rows, refs prefix1.."""
    full = [(*row, "", "")[:4] for row in rows]
    return lines_frame(
        [f"{prefix}{i}" for i in range(1, len(rows) + 1)],
        [r[0] for r in full],
        [r[1] for r in full],
        [r[2] for r in full],
        [r[3] for r in full],
    )


def pairs(result: Matching) -> dict[tuple[tuple[str, ...], tuple[str, ...]], Match]:
    return {(m.statement, m.ledger): m for m in result.matches}


def only(result: Matching) -> Match:
    assert len(result.matches) == 1, result.matches
    return result.matches[0]


# -- pass 1: the same amount and the ledger's document number on the statement line -------


def test_the_document_number_in_the_description_picks_the_partner() -> None:
    statement = lines("s", ("2026-03-10", -123456, "PAG BOLETO NF 001002 FORNECEDOR"))
    ledger = lines(
        "l",
        ("2026-03-10", -123456, "Fornecedor A", "NF 999"),
        ("2026-03-09", -123456, "Fornecedor B", "NF 1002"),
    )
    match = only(match_lines(statement, ledger))
    assert (match.statement, match.ledger) == (("s1",), ("l2",))
    assert match.status is Status.AUTOMATIC
    assert match.rule == "reference"
    assert match.reason == "mesmo valor, 1 dia depois, NF 1002 no histórico"


def test_a_document_number_is_trusted_beyond_the_date_window() -> None:
    # a cheque cleared 12 days after it was booked: too far for the amount alone
    statement = lines("s", ("2026-03-22", -50000, "CHEQUE COMPENSADO", "000457"))
    ledger = lines("l", ("2026-03-10", -50000, "Aluguel", "CH 457"))
    match = only(match_lines(statement, ledger))
    assert match.rule == "reference"
    assert match.reason == "mesmo valor, 12 dias depois, CH 457 no documento do extrato"
    assert match.status is Status.AUTOMATIC


# -- pass 2: the same amount inside the date window ---------------------------------------


def test_same_amount_inside_the_window_is_automatic_outside_it_is_not() -> None:
    statement = lines("s", ("2026-03-05", -8990, "PIX ENVIADO"), ("2026-03-20", 4500, "TED"))
    ledger = lines("l", ("2026-03-04", -8990, "Internet"), ("2026-03-16", 4500, "Recebimento"))
    result = match_lines(statement, ledger)
    match = only(result)
    assert (match.statement, match.ledger) == (("s1",), ("l1",))
    assert match.reason == "mesmo valor, 1 dia depois"
    assert match.rule == "date_window"
    assert match.status is Status.AUTOMATIC
    assert 0 < match.score <= 1
    # 4 days apart: outside the default ±3 days, inside ±5
    assert (result.unmatched_statement, result.unmatched_ledger) == (["s2"], ["l2"])
    wider = match_lines(statement, ledger, MatchOptions(window_days=5))
    assert pairs(wider)[("s2",), ("l2",)].reason == "mesmo valor, 4 dias depois"


def test_a_payment_never_matches_a_receipt_of_the_same_size() -> None:
    statement = lines("s", ("2026-03-05", -20000), ("2026-03-06", 20000, "ESTORNO"))
    ledger = lines("l", ("2026-03-05", 20000))
    result = match_lines(statement, ledger)
    assert list(pairs(result)) == [(("s2",), ("l1",))]
    assert result.unmatched_statement == ["s1"]


def test_the_global_choice_beats_a_greedy_one() -> None:
    # s1 is 1 day from l1 and 2 days from l2; s2 can only be l1 (l2 is 6 days away).
    # Greedy in statement order: s1 takes l1, its nearest, and s2 is left with nothing.
    # Globally: s1-l2 and s2-l1, both clear (nothing else explains s2).
    statement = lines("s", ("2026-03-10", -30000, "PIX"), ("2026-03-14", -30000, "PIX"))
    ledger = lines(
        "l", ("2026-03-11", -30000, "Pagamento", "A"), ("2026-03-08", -30000, "Pagamento", "B")
    )
    result = match_lines(statement, ledger)
    assert set(pairs(result)) == {(("s1",), ("l2",)), (("s2",), ("l1",))}
    assert all(m.status is Status.AUTOMATIC for m in result.matches)
    assert result.unmatched_statement == result.unmatched_ledger == []


def test_a_tie_between_the_two_best_candidates_is_only_suggested() -> None:
    # one day before and one day after: nothing tells them apart
    statement = lines("s", ("2026-03-10", -15000, "PIX ENVIADO"))
    ledger = lines(
        "l", ("2026-03-09", -15000, "Pagamento", "A"), ("2026-03-11", -15000, "Pagamento", "B")
    )
    result = match_lines(statement, ledger)
    match = only(result)
    assert match.status is Status.SUGGESTED
    assert match.reason.startswith("mesmo valor, 1 dia ")
    assert "outro candidato" in match.reason
    assert len(result.unmatched_ledger) == 1


def test_the_description_breaks_a_tie_but_never_matches_alone() -> None:
    statement = lines("s", ("2026-03-10", -15000, "PIX ENVIADO JOAO DA SILVA"))
    ledger = lines(
        "l",
        ("2026-03-10", -15000, "Pagamento Maria Souza"),
        ("2026-03-10", -15000, "Pagamento João da Silva"),
        ("2026-03-10", -15100, "Pagamento João da Silva"),
    )
    match = only(match_lines(statement, ledger))
    assert match.ledger == ("l2",)
    assert match.status is Status.AUTOMATIC
    assert match.reason == "mesmo valor, mesma data, histórico parecido"
    assert match.rule == "similarity"


def test_twin_lines_are_no_rivals_the_copy_stays_unmatched() -> None:
    # the bank exported the same line twice: either copy is the payment, the other is the
    # duplicate a person must look at
    row = ("2026-03-10", -7000, "TARIFA DOC")
    result = match_lines(lines("s", row, row), lines("l", ("2026-03-10", -7000, "Tarifa")))
    match = only(result)
    assert match.status is Status.AUTOMATIC
    assert len(result.unmatched_statement) == 1


# -- pass 3: several lines to one ---------------------------------------------------------


def test_a_batch_payment_of_three_bills() -> None:
    # 1.000,00 + 250,50 + 49,50 = 1.300,00 paid in one debit the next day
    statement = lines("s", ("2026-03-11", -130000, "PAG LOTE FORNECEDORES"))
    ledger = lines(
        "l",
        ("2026-03-10", -100000, "Fornecedor A"),
        ("2026-03-10", -25050, "Fornecedor B"),
        ("2026-03-10", -4950, "Fornecedor C"),
        ("2026-03-10", -7777, "Fornecedor D"),
    )
    result = match_lines(statement, ledger)
    match = only(result)
    assert (match.statement, match.ledger) == (("s1",), ("l1", "l2", "l3"))
    assert match.rule == "group"
    assert match.status is Status.AUTOMATIC
    assert match.reason == "lote de 3 títulos, soma igual, 1 dia depois"
    assert match.difference_cents == 0
    assert result.unmatched_ledger == ["l4"]


def test_a_bill_paid_in_two_transfers() -> None:
    # 5.000,00 = 3.000,00 + 2.000,00 (a PIX limit)
    statement = lines(
        "s", ("2026-03-10", -300000, "PIX ENVIADO ACME"), ("2026-03-10", -200000, "PIX ACME")
    )
    ledger = lines("l", ("2026-03-10", -500000, "Acme Ltda", "NF 5521"))
    match = only(match_lines(statement, ledger))
    assert (match.statement, match.ledger) == (("s1", "s2"), ("l1",))
    assert match.reason == "pago em 2 partes no extrato, soma igual, mesma data"
    assert match.status is Status.AUTOMATIC


def six_and_seven() -> tuple[pd.DataFrame, pd.DataFrame]:
    """A deposit of six receipts and one of seven, on different days."""
    six = [111111, 222222, 333333, 444444, 555555, 666666]  # sum 2.333.331
    seven = [101, 2020, 30303, 404040, 5050505, 60606060, 7070]  # sum 66.100.099
    statement = lines(
        "s", ("2026-03-10", sum(six), "DEP CHEQUES"), ("2026-03-20", sum(seven), "DEP CHEQUES")
    )
    ledger = lines("l", *[("2026-03-10", c) for c in six], *[("2026-03-20", c) for c in seven])
    return statement, ledger


def test_a_group_of_six_is_found_one_of_seven_is_not() -> None:
    assert 111111 + 222222 + 333333 + 444444 + 555555 + 666666 == 2333331
    statement, ledger = six_and_seven()
    result = match_lines(statement, ledger)
    match = only(result)
    assert (match.statement, match.ledger) == (("s1",), ("l1", "l2", "l3", "l4", "l5", "l6"))
    assert match.reason == "lote de 6 títulos, soma igual, mesma data"
    assert result.unmatched_statement == ["s2"]
    assert result.unmatched_ledger == [f"l{i}" for i in range(7, 14)]


def test_max_group_bounds_the_search() -> None:
    statement, ledger = six_and_seven()
    result = match_lines(statement, ledger, MatchOptions(max_group=5))
    assert result.matches == []


# -- pass 4: a near amount, the difference to post ----------------------------------------


def test_a_bank_fee_is_a_difference_to_post() -> None:
    # the bank took R$ 2,50 from a R$ 1.000,00 receipt
    statement = lines("s", ("2026-03-10", 99750, "LIQ COBRANCA CLIENTE XPTO"))
    ledger = lines("l", ("2026-03-10", 100000, "Recebimento Cliente XPTO"))
    assert match_lines(statement, ledger).matches == []  # no tolerance by default
    match = only(match_lines(statement, ledger, MatchOptions(fee_cents=500)))
    assert match.rule == "tolerance"
    assert match.difference_cents == 99750 - 100000
    assert match.reason == "diferença de R$ 2,50 (tarifa?), mesma data, histórico parecido"
    assert match.status is Status.AUTOMATIC


def test_a_relative_tolerance_and_brazilian_money_in_the_reason() -> None:
    # 1% of R$ 150.000,00 is R$ 1.500,00: a difference of R$ 1.234,56 is inside it
    statement = lines("s", ("2026-03-10", -15000000, "TED FORNECEDOR ALFA"))
    ledger = lines("l", ("2026-03-09", -14876544, "Pagamento Fornecedor Alfa"))
    options = MatchOptions(fee_fraction=Decimal("0.01"))
    match = only(match_lines(statement, ledger, options))
    assert match.difference_cents == -15000000 + 14876544 == -123456
    assert match.reason.startswith("diferença de R$ 1.234,56 (tarifa?), 1 dia depois")


def test_a_near_amount_with_an_unrelated_description_is_only_suggested() -> None:
    statement = lines("s", ("2026-03-10", -5250, "TARIFA PACOTE SERVICOS"))
    ledger = lines("l", ("2026-03-10", -5000, "Cheque 123 a compensar"))
    match = only(match_lines(statement, ledger, MatchOptions(fee_cents=500)))
    assert match.status is Status.SUGGESTED
    assert "histórico diferente" in match.reason


# -- decisions: what a person said outlives every rerun -----------------------------------


def test_a_confirmed_decision_is_kept_and_its_lines_leave_the_pool() -> None:
    statement = lines("s", ("2026-03-10", -10000), ("2026-03-12", -10000))
    ledger = lines("l", ("2026-03-10", -10000), ("2026-03-20", -9000))
    # the person paired s1 with l2 (a difference of R$ 10,00 they accept)
    decisions = [Decision(("s1",), ("l2",), confirmed=True)]
    result = match_lines(statement, ledger, decisions=decisions)
    confirmed = pairs(result)[("s1",), ("l2",)]
    assert confirmed.status is Status.CONFIRMED
    assert confirmed.rule == "decision"
    assert confirmed.score == 1.0
    assert confirmed.difference_cents == -10000 + 9000
    assert confirmed.id == Decision(("s1",), ("l2",), True).id
    # l1 is free again for s2, two days away
    assert pairs(result)[("s2",), ("l1",)].status is Status.AUTOMATIC


def test_a_confirmed_decision_whose_line_is_gone_is_dropped() -> None:
    statement = lines("s", ("2026-03-10", -10000))
    ledger = lines("l", ("2026-03-10", -10000))
    decisions = [Decision(("s1",), ("l9",), confirmed=True)]
    match = only(match_lines(statement, ledger, decisions=decisions))
    assert (match.ledger, match.status) == (("l1",), Status.AUTOMATIC)


def test_a_rejected_pair_is_never_proposed_again_its_lines_still_match_others() -> None:
    statement = lines("s", ("2026-03-10", -10000))
    ledger = lines("l", ("2026-03-10", -10000, "", "A"), ("2026-03-12", -10000, "", "B"))
    before = only(match_lines(statement, ledger))
    assert before.ledger == ("l1",)
    rejected = [Decision(("s1",), ("l1",), confirmed=False)]
    after = only(match_lines(statement, ledger, decisions=rejected))
    assert after.ledger == ("l2",)
    assert after.status is Status.AUTOMATIC


def test_a_rejected_group_is_not_proposed_again() -> None:
    statement = lines("s", ("2026-03-11", -130000, "PAG LOTE"))
    ledger = lines("l", ("2026-03-10", -100000), ("2026-03-10", -25050), ("2026-03-10", -4950))
    rejected = [Decision(("s1",), ("l3", "l1", "l2"), confirmed=False)]
    result = match_lines(statement, ledger, decisions=rejected)
    assert result.matches == []
    assert result.unmatched_statement == ["s1"]


# -- odd inputs ---------------------------------------------------------------------------


def test_empty_sides() -> None:
    empty = lines("s")
    assert match_lines(empty, lines("l")) == Matching([], [], [])
    one = lines("l", ("2026-03-10", -100))
    assert match_lines(empty, one) == Matching([], [], ["l1"])
    assert match_lines(lines("s", ("2026-03-10", -100)), lines("l")) == Matching([], ["s1"], [])


def test_matches_come_in_statement_order_every_line_accounted_for_once() -> None:
    statement = lines(
        "s", ("2026-03-01", -100), ("2026-03-02", -200), ("2026-03-03", -300), ("2026-03-04", 9)
    )
    ledger = lines("l", ("2026-03-03", -300), ("2026-03-01", -100), ("2026-03-02", -200))
    result = match_lines(statement, ledger)
    assert [m.statement for m in result.matches] == [("s1",), ("s2",), ("s3",)]
    assert [m.ledger for m in result.matches] == [("l2",), ("l3",), ("l1",)]
    assert result.unmatched_statement == ["s4"]


def test_bad_input_is_a_clear_portuguese_error() -> None:
    statement = lines("s", ("2026-03-10", -100))
    with pytest.raises(ValueError, match="não têm as colunas: cents"):
        match_lines(statement.drop(columns="cents"), lines("l"))
    undated = statement.assign(date=pd.Series([pd.NaT], dtype="datetime64[s]"))
    with pytest.raises(ValueError, match="Linha sem data no extrato: s1"):
        match_lines(undated, lines("l"))
    with pytest.raises(ValueError, match="inválidas: janela de -1 dias"):
        match_lines(statement, lines("l"), MatchOptions(window_days=-1))
    twice = pd.concat([statement, statement], ignore_index=True)
    with pytest.raises(ValueError, match="Referência repetida nas linhas do extrato: s1"):
        match_lines(twice, lines("l"))
