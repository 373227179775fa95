"""reconcile_bank: the statement against the ledger of one account, and what explains the gap."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from reconcile_cases import LEDGER, M3, MATCHING, STATEMENT

from retaguarda.addin.reconcile.bank import explain, reconcile_bank, split_period
from retaguarda.addin.reconcile.model import Decision, Status
from retaguarda.addin.reconcile.sheet import (
    amounts_from_sheet,
    conciliation_sheet,
    decisions_from_sheet,
)
from retaguarda.addin.reconcile.statements import statement_from_table
from retaguarda.templates.reader import read_sheets


def case():
    before, period, after = split_period(LEDGER, STATEMENT.lines, 3)
    return explain(
        "1.1.02", STATEMENT, period, MATCHING, ledger_before=before, ledger_after_count=after
    )


def test_the_period_is_the_statements_widened_by_the_window():
    before, period, after = split_period(LEDGER, STATEMENT.lines, 3)
    # statement from 02/03 to 12/03, ±3 days: 27/02 to 15/03
    assert before == 100000  # the opening entry of 01/02
    assert period["ref"].tolist() == [
        "Lançamentos!3",
        "Contas a pagar!2",
        "Lançamentos!4",
        "Lançamentos!5",
    ]
    assert after == 1  # 01/05 belongs to a later statement
    # an empty statement has no period: everything is matched against
    empty = STATEMENT.lines.iloc[0:0]
    before, period, after = split_period(LEDGER, empty, 3)
    assert (before, len(period), after) == (0, 6, 0)


def test_the_summary_explains_the_gap_item_by_item():
    s = case().summary
    assert (s.opening, s.closing) == (Decimal("1000.00"), Decimal("341.60"))
    assert s.statement_total == Decimal("500.00") - Decimal("120.50") - Decimal("30.00") - Decimal(
        "1007.90"
    )
    assert s.ledger_before == Decimal("1000.00")
    # 1.000 + 500 − 120,50 − 1.000 − 45
    assert s.ledger_balance == Decimal("334.50")
    assert s.gap == Decimal("341.60") - Decimal("334.50") == Decimal("7.10")
    assert s.opening_difference == Decimal("0.00")
    assert (s.unmatched_statement, s.unmatched_statement_count) == (Decimal("-30.00"), 1)
    assert (s.unmatched_ledger, s.unmatched_ledger_count) == (Decimal("-45.00"), 1)
    # the transfer: −1.007,90 on the statement, −1.000,00 in the ledger
    assert (s.differences, s.differences_count) == (Decimal("-7.90"), 1)
    # 0 + (−30) − (−45) + (−7,90) = 7,10: all of the gap
    assert s.unexplained == Decimal("0.00")
    assert (s.matches, s.confirmed, s.suggested, s.ledger_after_count) == (3, 0, 1, 1)
    assert case().difference(M3) == Decimal("-7.90")
    assert not case().complete


def test_a_statement_that_does_not_add_up_leaves_its_gap_unexplained():
    broken = type(STATEMENT)(**{**vars(STATEMENT), "closing": Decimal("351.60")})
    before, period, _ = split_period(LEDGER, broken.lines, 3)
    s = explain("1.1.02", broken, period, MATCHING, ledger_before=before).summary
    assert s.gap == Decimal("17.10")
    assert s.unexplained == Decimal("10.00") == broken.gap()


def test_without_balances_the_items_are_still_listed():
    bare = type(STATEMENT)(**{**vars(STATEMENT), "opening": None, "closing": None})
    s = explain("1.1.02", bare, LEDGER.iloc[1:5], MATCHING).summary
    assert (s.gap, s.opening_difference, s.unexplained) == (None, None, None)
    assert s.unmatched_statement == Decimal("-30.00")


def test_rejections_about_lines_that_still_exist_are_carried_forward():
    kept = Decision(("FITID:3",), ("Lançamentos!5",), False)
    gone = Decision(("FITID:9",), ("Lançamentos!5",), False)
    confirmed = Decision(("FITID:1",), ("Lançamentos!3",), True)
    before, period, _ = split_period(LEDGER, STATEMENT.lines, 3)
    rec = explain(
        "1.1.02",
        STATEMENT,
        period,
        MATCHING,
        ledger_before=before,
        decisions=[kept, gone, confirmed, kept],
    )
    assert rec.rejected == [kept]


# ---- end to end: sheets as a person fills them, the real matcher, decisions through the sheet

CHART = [
    ["Código", "Conta", "Tipo", "Natureza", "Aceita lançamento"],
    ["1.1.02", "Bancos", "Ativo", "Devedora", "Sim"],
    ["2.1.01", "Fornecedores", "Passivo", "Credora", "Sim"],
    ["2.3.01", "Capital social", "Patrimônio líquido", "Credora", "Sim"],
    ["3.1.01", "Receita de vendas", "Receita", "Credora", "Sim"],
    ["4.1.05", "Tarifas bancárias", "Despesa", "Devedora", "Sim"],
]
JOURNAL = ["Data", "Documento", "Histórico", "Conta débito", "Conta crédito", "Valor"]
BILLS = [
    "Fornecedor",
    "CPF/CNPJ",
    "Documento",
    "Emissão",
    "Vencimento",
    "Valor",
    "Pago em",
    "Valor pago",
    "Forma de pagamento",
    "Conta",
    "Centro de custo",
    "Conta de liquidação",
]
EXTRATO = [
    ["Data", "Descrição", "Documento", "Valor", "Saldo"],
    [date(2026, 3, 2), "PIX RECEBIDO JOAO", "", "500,00", "1.500,00"],
    [date(2026, 3, 5), "PAGTO BOLETO NF 1002", "1002", "-120,50", "1.379,50"],
    [date(2026, 3, 10), "TARIFA PACOTE", "", "-30,00", "1.349,50"],
]
FIRST_JOURNAL = [
    [date(2026, 2, 1), "", "Capital inicial", "1.1.02", "2.3.01", "1.000,00"],
    [date(2026, 3, 2), "V-1", "Venda João", "1.1.02", "3.1.01", "500,00"],
    [date(2026, 3, 11), "CH-77", "Cheque 77", "2.1.01", "1.1.02", "45,00"],
]
PAID = [
    [
        "Fornecedor A",
        "11.222.333/0001-81",
        "NF 1002",
        date(2026, 2, 20),
        date(2026, 3, 5),
        "120,50",
        date(2026, 3, 5),
        "120,50",
        "Boleto",
        "2.1.01",
        "",
        "1.1.02",
    ]
]


def workbook(journal_rows):
    return read_sheets(
        [
            ("Plano de contas", CHART),
            ("Extrato bancário", EXTRATO),
            ("Lançamentos", [JOURNAL, *journal_rows]),
            ("Contas a pagar", [BILLS, *PAID]),
        ]
    )


def run(tables, decisions=()):
    extrato = next(t for t in tables if t.template.id == "extrato")
    return reconcile_bank(statement_from_table(extrato), tables, "1.1.02", decisions=decisions)


def pair(rec, statement_ref):
    return next((m for m in rec.matching.matches if statement_ref in m.statement), None)


def test_a_rerun_after_new_entries_keeps_what_a_person_confirmed_or_rejected():
    first = run(workbook(FIRST_JOURNAL))
    sale = pair(first, "Extrato bancário!2")
    bill = pair(first, "Extrato bancário!3")
    assert sale.ledger == ("Lançamentos!3",)
    assert bill.ledger == ("Contas a pagar!2",)
    assert first.matching.unmatched_statement == ["Extrato bancário!4"]  # the fee
    assert first.matching.unmatched_ledger == ["Lançamentos!4"]  # the cheque
    assert first.summary.opening == Decimal("1000.00")  # 1.500,00 − 500,00
    assert first.summary.ledger_before == Decimal("1000.00")

    # the person confirms the sale, rejects the bill's pair, and books the fee
    grid = [list(r) for r in conciliation_sheet(first).rows]
    for row in grid:
        if row[0] == sale.id and row[1]:
            row[3] = "Confirmar"
        if row[0] == bill.id and row[1]:
            row[3] = "rejeitar"
    fee = [date(2026, 3, 10), "", "Tarifa do pacote", "4.1.05", "1.1.02", "30,00"]
    second = run(workbook([*FIRST_JOURNAL, fee]), decisions_from_sheet(grid))
    kept = pair(second, "Extrato bancário!2")
    assert (kept.id, kept.status) == (sale.id, Status.CONFIRMED)
    assert pair(second, "Extrato bancário!3") is None  # rejected: not proposed again
    assert pair(second, "Extrato bancário!4").ledger == ("Lançamentos!5",)  # the fee, booked
    assert set(second.matching.unmatched_ledger) == {"Lançamentos!4", "Contas a pagar!2"}
    # 1.349,50 − (1.000 + 500 − 45 − 30 − 120,50) = 45,00, all of it explained by the lines
    # left unmatched: −120,50 on the statement, less −45 − 120,50 in the ledger
    s = second.summary
    assert s.gap == Decimal("1349.50") - Decimal("1304.50") == Decimal("45.00")
    assert s.unmatched_statement == Decimal("-120.50")
    assert s.unmatched_ledger == Decimal("-165.50")
    assert s.unexplained == Decimal("0.00")

    # a third run reads the second sheet: both decisions are still there
    third = run(
        workbook([*FIRST_JOURNAL, fee]),
        decisions_from_sheet(conciliation_sheet(second).rows),
    )
    assert pair(third, "Extrato bancário!2").status is Status.CONFIRMED
    assert pair(third, "Extrato bancário!3") is None


def test_an_empty_ledger_and_an_account_with_no_movement_leave_every_line_unmatched():
    tables = read_sheets([("Plano de contas", CHART), ("Extrato bancário", EXTRATO)])
    rec = run(tables)
    assert rec.matching.matches == []
    assert len(rec.matching.unmatched_statement) == 3
    assert rec.summary.ledger_balance == Decimal("0.00")
    assert rec.summary.gap == Decimal("1349.50")
    assert not rec.complete
    quiet = reconcile_bank(rec.statement, workbook(FIRST_JOURNAL), "4.1.05")
    assert quiet.ledger_lines.empty
    assert quiet.summary.unexplained == Decimal("0.00")


def test_everything_matched_is_complete():
    journal = [
        *FIRST_JOURNAL[:2],
        [date(2026, 3, 5), "NF 1002", "Boleto", "2.1.01", "1.1.02", "120,50"],
        [date(2026, 3, 10), "", "Tarifa", "4.1.05", "1.1.02", "30,00"],
    ]
    rec = run(workbook(journal))
    # the bill is in the journal too (same document and amount): it counts once
    assert rec.booked_in_journal == ["Contas a pagar!2"]
    assert rec.complete, (rec.matching, rec.summary)


def test_a_decision_about_a_line_that_now_holds_another_amount_is_dropped_and_said():
    first = run(workbook(FIRST_JOURNAL))
    sale = pair(first, "Extrato bancário!2")
    layout = conciliation_sheet(first)
    grid = [list(r) for r in layout.rows]
    for row in grid:
        if row[0] == sale.id and row[1]:
            row[3] = "confirmar"
    # two lines inserted at the top of Lançamentos: "Lançamentos!3" is now another line
    inserted = [
        [date(2026, 3, 3), "V-7", "Venda Pedro", "1.1.02", "3.1.01", "70,00"],
        [date(2026, 3, 4), "V-8", "Venda Ana", "1.1.02", "3.1.01", "90,00"],
    ]
    tables = workbook([*inserted, *FIRST_JOURNAL])
    statement = statement_from_table(next(t for t in tables if t.template.id == "extrato"))
    decisions = decisions_from_sheet(grid)
    # without the amounts the sheet showed, the old decision would pin the sale's statement
    # line to Ana's 90,00
    blind = reconcile_bank(statement, tables, "1.1.02", decisions=decisions)
    assert pair(blind, "Extrato bancário!2").ledger == ("Lançamentos!3",)
    assert pair(blind, "Extrato bancário!2").status is Status.CONFIRMED
    careful = reconcile_bank(
        statement, tables, "1.1.02", decisions=decisions, seen=amounts_from_sheet(grid)
    )
    found = pair(careful, "Extrato bancário!2")
    assert found.ledger == ("Lançamentos!5",)  # the sale of 500,00, two rows down
    assert found.status is not Status.CONFIRMED
    (stale,) = [w for w in careful.warnings if w.code == "reconcile.decision_stale"]
    assert stale.message.startswith("1 decisão(ões) da conciliação anterior não valem mais")
