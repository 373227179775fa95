"""The reconciliations on the checked-in sample workbooks find exactly the story the samples
were written to tell, as `planted.json` records it: every statement line paired with the
ledger rows it came from, the unbooked fees, the uncleared cheque, the deposit and the batch
payment as groups; the salary paid short and the one not paid; the transfer only the Matriz
booked; the stock counts that differ from the book."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from retaguarda.addin.reconcile.bank import reconcile_bank
from retaguarda.addin.reconcile.intercompany import TeamBooks, reconcile_teams
from retaguarda.addin.reconcile.payroll import reconcile_payroll
from retaguarda.addin.reconcile.statements import read_statement, statement_from_table
from retaguarda.addin.reconcile.stock import reconcile_stock
from retaguarda.templates.files import read_workbook
from retaguarda.templates.reader import read_tables

SAMPLES = Path(__file__).parents[2] / "workbooks" / "samples"
TRUTH = json.loads((SAMPLES / "planted.json").read_text(encoding="utf-8"))["reconciliation"]
FILES = ("matriz.xlsx", "filial_sao_paulo.xlsx", "filial_rio.xlsx")


def tables(name: str) -> list:
    return read_tables(read_workbook(SAMPLES / name))


def found(matching) -> tuple[set, set, set]:
    pairs = {(frozenset(m.statement), frozenset(m.ledger)) for m in matching.matches}
    return pairs, set(matching.unmatched_statement), set(matching.unmatched_ledger)


def recorded(truth: dict, statement_ref=lambda ref: ref) -> tuple[set, set, set]:
    pairs = {
        (frozenset(map(statement_ref, p["statement"])), frozenset(p["ledger"]))
        for p in truth["pairs"]
    }
    return (
        pairs,
        {statement_ref(ref) for ref in truth["unmatched_statement"]},
        set(truth["unmatched_ledger"]),
    )


@pytest.mark.parametrize("name", FILES)
def test_the_bank_reconciliation_of_each_team_finds_what_was_recorded(name):
    books = tables(name)
    extrato = next(t for t in books if t.template.id == "extrato")
    truth = TRUTH[name]["bank"]
    result = reconcile_bank(statement_from_table(extrato), books, truth["account"])
    assert found(result.matching) == recorded(truth)
    assert result.summary.unexplained == 0  # the statement's own balances add up


def test_the_matriz_story_has_every_kind_of_noise():
    truth = TRUTH["matriz.xlsx"]["bank"]
    sizes = sorted(len(p["ledger"]) for p in truth["pairs"])
    assert sizes.count(3) == 2  # the deposit of three receipts, the batch of three bills
    assert len(truth["unmatched_statement"]) == 2  # the unbooked fee, the unidentified PIX
    assert len(truth["unmatched_ledger"]) == 1  # the cheque not yet cleared
    # 8 receipts + 3 payments + rent, energy, fee + 6 transfers + 14 salaries + 2 groups
    journal_pairs = [p for p in truth["pairs"] if p["ledger"][0].startswith("Lançamentos")]
    assert len(journal_pairs) == 8 + 3 + 3 + 6 + 14 + 2


def test_the_matriz_ofx_export_reconciles_like_its_statement_sheet():
    """The OFX file is the same statement as the bank exports it: FITID n is sheet row n + 1,
    and its "SALDO ANTERIOR" row gives the opening balance."""
    statement = read_statement(SAMPLES / "extrato_matriz.ofx")
    truth = TRUTH["matriz.xlsx"]["bank"]
    result = reconcile_bank(statement, tables("matriz.xlsx"), truth["account"])

    def fitid(ref: str) -> str:
        return f"FITID:{int(ref.split('!')[1]) - 1:06d}"

    assert found(result.matching) == recorded(truth, fitid)
    assert result.summary.unexplained == 0
    sheet = next(t for t in tables("matriz.xlsx") if t.template.id == "extrato")
    assert statement.opening is not None
    assert statement.opening == statement_from_table(sheet).opening
    assert statement.closing == statement_from_table(sheet).closing


def test_the_payroll_reconciliation_finds_the_short_and_the_missing_salary():
    truth = TRUTH["matriz.xlsx"]["payroll"]
    books = {t.template.id: t for t in tables("matriz.xlsx")}
    month, year = map(int, truth["month"].split("/"))
    statement = read_statement(SAMPLES / "extrato_matriz.ofx")
    result = reconcile_payroll(books["folha"], statement.lines, date(year, month, 1))
    by_status: dict[str, set[str]] = {}
    for employee in result.employees:
        by_status.setdefault(employee.status, set()).add(employee.name)
    assert by_status.keys() == {"paid", "different_amount", "not_paid"}
    assert by_status["different_amount"] == {e["nome"] for e in truth["paid_short"]}
    assert by_status["not_paid"] == {e["nome"] for e in truth["not_paid"]}
    assert len(by_status["paid"]) == 15 - 1 - 1
    (short,) = [e for e in result.employees if e.status == "different_amount"]
    assert short.difference_cents == -15000  # R$ 150,00 short
    assert result.unmatched == []


def test_the_teams_reconciliation_finds_the_transfer_only_the_matriz_booked():
    result = reconcile_teams(
        TeamBooks("matriz", tables("matriz.xlsx")),
        [TeamBooks(n.removesuffix(".xlsx"), tables(n)) for n in FILES[1:]],
    )
    only = [f"{b.team}: {b.ref.split(': ')[-1]}" for b in result.only_matriz]
    assert only == [f"matriz: {ref}" for ref in TRUTH["matriz.xlsx"]["teams"]["only_this_team"]]
    assert result.only_filial == []
    assert len(result.matches) == 3 + 3 - 1  # three transfers to each filial, less Rio's last
    assert result.differences == []


@pytest.mark.parametrize("name", FILES)
def test_the_stock_count_differences_are_the_ones_recorded(name):
    """The counts a stockkeeper got wrong by one, São Paulo's count of a SKU that never
    moved, and the movements planted wrong (a type that does not read, an outgoing quantity
    above the balance) each show as the difference worked out by hand."""
    books = {t.template.id: t for t in tables(name)}
    result = reconcile_stock(books["estoque_movimentos"], books["estoque_contagem"])
    differences = {
        (c.sku, c.warehouse, c.counted - c.book) for c in result.counts if c.counted != c.book
    }
    recorded = {(d["sku"], d["deposito"], Decimal(d["diferenca"])) for d in TRUTH[name]["stock"]}
    assert differences == recorded
    assert recorded  # every team has at least one
