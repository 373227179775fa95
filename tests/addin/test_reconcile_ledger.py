"""The ledger side of a bank reconciliation, read from sheets as a user types them."""

from __future__ import annotations

from datetime import date

from retaguarda.addin.reconcile.ledger import ledger_lines, ledger_side
from retaguarda.templates.reader import read_sheets

CHART = [
    ["Código", "Conta", "Tipo", "Natureza", "Aceita lançamento"],
    ["1.1.01", "Caixa", "Ativo", "Devedora", "Sim"],
    ["1.1.02", "Bancos", "Ativo", "Devedora", "Não"],
    ["1.1.02.001", "Banco do Brasil", "Ativo", "Devedora", "Sim"],
    ["1.1.2", "Outra", "Ativo", "Devedora", "Sim"],
    ["1.1.20", "Outra ainda", "Ativo", "Devedora", "Sim"],
    ["2.1.01", "Fornecedores", "Passivo", "Credora", "Sim"],
    ["3.1.01", "Receita de vendas", "Receita", "Credora", "Sim"],
]
JOURNAL_HEADER = ["Data", "Documento", "Histórico", "Conta débito", "Conta crédito", "Valor"]
TITLES = [
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
CNPJ = "11.222.333/0001-81"
D = date(2026, 3, 1)


def tables(*sheets):
    return read_sheets([("Plano de contas", CHART), *sheets])


def journal(*rows):
    return ("Lançamentos", [JOURNAL_HEADER, *rows])


def payables(*rows, header=TITLES):
    return ("Contas a pagar", [header, *rows])


def receivables(*rows):
    header = ["Cliente", *TITLES[1:6], "Recebido em", "Valor recebido", *TITLES[8:]]
    return ("Contas a receber", [header, *rows])


def bill(doc, value, paid_on, paid, account, name="Fornecedor A"):
    return [name, CNPJ, doc, D, D, value, paid_on, paid, "PIX", "2.1.01", "", account]


def as_tuples(frame):
    return [
        (r.ref, r.date.date(), int(r.cents), r.cell, r.document)
        for r in frame.itertuples(index=False)
    ]


def test_journal_lines_debiting_come_in_and_crediting_go_out_on_that_exact_account():
    found = ledger_lines(
        tables(
            journal(
                [date(2026, 3, 2), "NF-1", "Venda", "1.1.02.001", "3.1.01", "1.000,00"],  # row 2
                [date(2026, 3, 3), "B-7", "Fornecedor", "2.1.01", "1.1.02.001", "250,50"],
                [date(2026, 3, 4), "", "Outra conta", "1.1.20", "3.1.01", "9,99"],
                [date(2026, 3, 4), "", "Outra conta", "1.1.2", "3.1.01", "8,88"],
                [date(2026, 3, 5), "", "Caixa", "1.1.01", "3.1.01", "7,77"],
            )
        ),
        "1.1.02.001",
    )
    assert as_tuples(found) == [
        ("Lançamentos!2", date(2026, 3, 2), 100000, "Lançamentos!F2", "NF-1"),
        ("Lançamentos!3", date(2026, 3, 3), -25050, "Lançamentos!F3", "B-7"),
    ]


def test_a_synthetic_account_takes_its_children_but_1_1_2_is_never_1_1_20():
    sheets = tables(
        journal(
            [date(2026, 3, 2), "", "Filho", "1.1.02.001", "3.1.01", "10,00"],
            [date(2026, 3, 2), "", "Pai", "1.1.02", "3.1.01", "20,00"],
            [date(2026, 3, 2), "", "Vinte", "1.1.20", "3.1.01", "30,00"],
            [date(2026, 3, 2), "", "Dois", "1.1.2", "3.1.01", "40,00"],
        )
    )
    assert ledger_lines(sheets, "1.1.02")["cents"].tolist() == [1000, 2000]
    assert ledger_lines(sheets, "1.1.2")["cents"].tolist() == [4000]
    assert ledger_lines(sheets, "1.1.20")["cents"].tolist() == [3000]


def test_a_transfer_inside_the_account_moves_nothing():
    found = ledger_lines(
        tables(journal([D, "", "Entre filhos", "1.1.02.001", "1.1.02", "5,00"])), "1.1.02"
    )
    assert found.empty


def test_settled_titles_through_the_account_paid_out_and_received_in():
    found = ledger_lines(
        tables(
            payables(
                bill("NF-10", "800,00", date(2026, 3, 10), "500,00", "1.1.02.001"),  # partial
                bill("NF-11", "120,00", date(2026, 3, 11), None, "1.1.02.001"),  # paid in full
                bill("NF-12", "99,00", None, None, "1.1.02.001"),  # still open
                bill("NF-13", "77,00", date(2026, 3, 12), "77,00", "1.1.01"),  # cash
            ),
            receivables(bill("R-1", "1.500,00", date(2026, 3, 15), "1.500,00", "1.1.02.001")),
        ),
        "1.1.02.001",
    )
    assert as_tuples(found) == [
        ("Contas a pagar!2", date(2026, 3, 10), -50000, "Contas a pagar!H2", "NF-10"),
        ("Contas a pagar!3", date(2026, 3, 11), -12000, "Contas a pagar!F3", "NF-11"),
        ("Contas a receber!2", date(2026, 3, 15), 150000, "Contas a receber!H2", "R-1"),
    ]
    assert found["description"].tolist() == ["Fornecedor A"] * 3


def test_a_bill_paid_and_booked_in_the_journal_counts_once_pair_by_pair():
    side = ledger_side(
        tables(
            journal([date(2026, 3, 9), "nf 77", "Pago NF 77", "2.1.01", "1.1.02.001", "300,00"]),
            payables(
                bill("NF-77", "300,00", date(2026, 3, 9), "300,00", "1.1.02.001"),
                bill("NF-77", "300,00", date(2026, 3, 20), "300,00", "1.1.02.001", "Outro"),
                bill("NF-78", "300,00", date(2026, 3, 21), "300,00", "1.1.02.001"),
            ),
        ),
        "1.1.02.001",
    )
    # the journal line stays; of the two NF-77 titles, one is the journal's twin
    assert side.lines["ref"].tolist() == ["Lançamentos!2", "Contas a pagar!3", "Contas a pagar!4"]
    assert side.booked_in_journal == ["Contas a pagar!2"]
    # 300 out once for the journal line, then the second NF-77 and NF-78
    assert int(side.lines["cents"].sum()) == -(30000 + 30000 + 30000)


def test_titles_without_the_settlement_column_are_left_out_with_a_warning():
    side = ledger_side(
        tables(
            payables(
                bill("NF-1", "10,00", date(2026, 3, 1), "10,00", "")[:11],
                bill("NF-2", "10,00", None, None, "")[:11],
                header=TITLES[:11],
            )
        ),
        "1.1.02",
    )
    assert side.lines.empty
    (warning,) = side.warnings
    assert warning.code == "reconcile.no_settlement_account"
    assert warning.sheet == "Contas a pagar"
    assert "“Contas a pagar” não tem a coluna “Conta de liquidação”: 1 título(s)" in (
        warning.message
    )


def test_rows_without_date_or_amount_are_counted_not_silently_dropped():
    side = ledger_side(
        tables(
            journal(
                [date(2026, 3, 2), "", "Ok", "1.1.02.001", "3.1.01", "1,00"],
                [date(2026, 3, 2), "", "Sem valor", "1.1.02.001", "3.1.01", ""],
                ["", "", "Sem data", "1.1.02.001", "3.1.01", "2,00"],
                ["", "", "Sem data, outra conta", "1.1.01", "3.1.01", "2,00"],
            )
        ),
        "1.1.02.001",
    )
    assert side.lines["ref"].tolist() == ["Lançamentos!2"]
    (warning,) = side.warnings
    assert warning.code == "reconcile.ledger_row_incomplete"
    assert warning.message.startswith("2 linha(s) de “Lançamentos” na conta 1.1.02.001")
    assert "(a primeira na linha 3)" in warning.message


def test_an_empty_ledger_an_unknown_account_and_hostile_text():
    nothing = ledger_side([], "1.1.02")
    assert nothing.lines.empty
    assert [w.code for w in nothing.warnings] == ["reconcile.no_ledger"]
    side = ledger_side(tables(journal()), "9.9")
    assert side.lines.empty
    assert [w.code for w in side.warnings] == ["reconcile.account_unknown"]
    hostile = '=HYPERLINK("http://x","{0}\x1b")'
    side = ledger_side(
        read_sheets(
            [
                ("Plano de contas", CHART),
                ("{0} Lanç\x07", [JOURNAL_HEADER, [D, hostile, hostile, "1.1.01", "3.1.01", "1"]]),
            ]
        ),
        "1.1.01",
    )
    # copied as data: making it inert is the sheet's writer's job
    assert side.lines["ref"].tolist() == ["{0} Lanç\x07!2"]
    assert side.lines["description"].tolist() == [hostile]
