"""Payroll vs payments: each employee's Líquido against the statement's debits, by name, CPF,
PIX key and amount, assigned globally; what was paid, paid differently, twice, or not at all."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
from conftest import table_of

from retaguarda.addin.reconcile.model import lines_frame
from retaguarda.addin.reconcile.payroll import pay_window, reconcile_payroll
from retaguarda.templates.files import read_workbook
from retaguarda.templates.reader import read_tables

SAMPLES = Path(__file__).resolve().parents[2] / "workbooks" / "samples"


def employee(number: str, name: str, cpf: str, net: str, pix: str = "", month: str = "08/2026"):
    """A folha row with what the reconciliation reads; the rest plausible."""
    head = [month, number, name, cpf, "174.56387.67-0", "", "01/02/2020", "3.000,00"]
    return [*head, *[""] * 9, net, "341", "1234", "12345-6", pix]


FOLHA = [
    employee("1001", "Vinícius Azevedo Cunha", "824.812.825-31", "5.274,67"),
    employee("1002", "Ana Paula Ferreira", "577.665.165-43", "4.233,42", "ana.1@exemplo.com.br"),
    employee("1003", "Rafaela Castro Pinto", "038.362.860-17", "2.284,22", "+5519960546739"),
    employee("1004", "Carla Regina Oliveira", "956.592.103-50", "1.500,00"),
    employee("1005", "Diego Martins Costa", "710.493.731-54", "1.900,00"),
    employee("1006", "Eduarda Lima Santos", "575.385.591-16", "1.900,00"),
    employee("1007", "Felipe Augusto Rocha", "210.979.252-34", "3.210,55"),
    employee("1008", "Henrique Batista Gomes", "374.152.283-08", "700,00"),
    employee("1001", "Vinícius Azevedo Cunha", "824.812.825-31", "5.000,00", month="07/2026"),
]

# the statement: ref, date, cents, description
STATEMENT = [
    ("Extrato!2", "2026-09-04", -527467, "PIX ENVIADO VINICIUS AZEVEDO C"),  # truncated name
    ("Extrato!3", "2026-09-04", -423342, "PIX ENVIADO ana.1@exemplo.com.br"),  # PIX key
    ("Extrato!4", "2026-09-05", -200000, "TED 341 CPF 038.362.860-17"),  # CPF, less paid
    ("Extrato!5", "2026-09-05", -150000, "PIX ENVIADO CARLA REGINA OLIVEIRA"),
    ("Extrato!6", "2026-09-08", -150000, "PIX ENVIADO CARLA REGINA OLIVEIRA"),  # twice
    ("Extrato!7", "2026-09-04", -190000, "PIX ENVIADO EDUARDA LIMA SANTOS"),  # same net as
    ("Extrato!8", "2026-09-04", -190000, "TED DIEGO MARTINS COSTA"),  # Diego's: first comes hers
    ("Extrato!9", "2026-09-05", -321055, "PAGAMENTO FOLHA"),  # names nobody: Felipe's net
    ("Extrato!10", "2026-09-05", -70000, "PAGAMENTO BOLETO ENERGIA SUL"),  # Henrique's net
    ("Extrato!11", "2026-09-06", -99999, "SALARIO MARIA DESCONHECIDA"),  # nobody's
    ("Extrato!12", "2026-09-15", -70000, "PIX ENVIADO HENRIQUE BATISTA GOMES"),  # too late
    ("Extrato!13", "2026-09-05", 70000, "PIX RECEBIDO HENRIQUE BATISTA GOMES"),  # a credit
    ("Extrato!14", "2026-09-05", -45000, "TED ENVIADA PAPELARIA CENTRAL LTDA"),  # a supplier
]


def statement(rows=STATEMENT) -> pd.DataFrame:
    refs, days, cents, texts = zip(*rows, strict=True) if rows else ((), (), (), ())
    return lines_frame(refs, days, cents, texts)


def by_name(result):
    return {e.name: e for e in result.employees}


def test_each_employee_paid_paid_differently_twice_or_not():
    result = reconcile_payroll(table_of("folha", *FOLHA), statement(), date(2026, 8, 1))
    assert result.window == (date(2026, 8, 21), date(2026, 9, 10))
    found = {
        name: (e.status, e.statement, e.paid_cents, e.difference_cents)
        for name, e in by_name(result).items()
    }
    assert found == {
        "Vinícius Azevedo Cunha": ("paid", ("Extrato!2",), 527467, 0),
        "Ana Paula Ferreira": ("paid", ("Extrato!3",), 423342, 0),
        # 2.000,00 paid − 2.284,22 net = −284,22
        "Rafaela Castro Pinto": ("different_amount", ("Extrato!4",), 200000, -28422),
        # 1.500,00 + 1.500,00 = 3.000,00 paid for 1.500,00: 1.500,00 too much
        "Carla Regina Oliveira": ("paid_twice", ("Extrato!5", "Extrato!6"), 300000, 150000),
        # same net, each paired with the line that names them, not the first one found
        "Diego Martins Costa": ("paid", ("Extrato!8",), 190000, 0),
        "Eduarda Lima Santos": ("paid", ("Extrato!7",), 190000, 0),
        "Felipe Augusto Rocha": ("paid", ("Extrato!9",), 321055, 0),
        # a bill of the same amount is no salary, and 15/09 is past the window
        "Henrique Batista Gomes": ("not_paid", (), 0, None),
    }
    assert [(u.ref, u.cents) for u in result.unmatched] == [("Extrato!11", -99999)]
    assert not result.reconciled


def test_reasons_say_why_in_portuguese():
    result = by_name(reconcile_payroll(table_of("folha", *FOLHA), statement(), date(2026, 8, 1)))
    assert (
        result["Vinícius Azevedo Cunha"].reason == "mesmo valor, nome na descrição, em 04/09/2026"
    )
    assert result["Ana Paula Ferreira"].reason == (
        "mesmo valor, chave PIX na descrição, em 04/09/2026"
    )
    assert result["Rafaela Castro Pinto"].reason == (
        "pago R$ 2.000,00, líquido R$ 2.284,22, diferença de -R$ 284,22: CPF na descrição, "
        "em 05/09/2026"
    )
    assert "não identifica o empregado" in result["Felipe Augusto Rocha"].reason
    assert result["Henrique Batista Gomes"].reason == (
        "nenhum débito entre 21/08/2026 e 10/09/2026 com o nome, o CPF, a chave PIX ou o valor "
        "do líquido"
    )


def test_the_latest_month_by_default_and_a_phone_pix_key():
    phone = [("Extrato!2", "2026-09-05", -228422, "PIX 5519960546739")]
    result = reconcile_payroll(table_of("folha", *FOLHA), statement(phone))
    assert result.month == date(2026, 8, 1)
    assert by_name(result)["Rafaela Castro Pinto"].status == "paid"
    july = reconcile_payroll(table_of("folha", *FOLHA), statement(phone), date(2026, 7, 1))
    assert [e.name for e in july.employees] == ["Vinícius Azevedo Cunha"]
    assert july.window == pay_window(date(2026, 7, 1)) == (date(2026, 7, 21), date(2026, 8, 10))


def test_a_month_with_no_payroll_an_empty_statement_and_an_empty_sheet():
    none = reconcile_payroll(table_of("folha", *FOLHA), statement(), date(2026, 9, 1))
    assert none.employees == []
    assert none.warnings == [
        "A folha não tem nenhuma linha na competência 09/2026 (competências na folha: "
        "07/2026, 08/2026)."
    ]
    nothing = reconcile_payroll(table_of("folha", *FOLHA), statement(()), date(2026, 8, 1))
    assert {e.status for e in nothing.employees} == {"not_paid"}
    assert nothing.summary()["not_paid"] == 8
    empty = reconcile_payroll(table_of("folha"), statement())
    assert empty.employees == []
    assert empty.warnings == ["A aba Folha de pagamento não tem nenhuma linha com competência."]


def test_user_text_is_inert_and_amounts_are_decimal_strings():
    hostile = "=1+{0}\x1b Zé"
    folha = table_of("folha", employee("9", hostile, "824.812.825-31", "10,00"))
    lines = statement([("Extrato!2", "2026-09-01", -1000, "SALARIO =cmd|' /C calc'!A0")])
    result = reconcile_payroll(folha, lines)
    header, row = result.rows()
    assert header[0] == "Linha da folha"
    assert row[2] == "'=1+{0}\u241b Zé"
    assert row[3] == Decimal("10.00")
    data = result.to_json()
    assert data["employees"][0]["net"] == "10.00"
    assert data["summary"]["paid_total"] == "10.00"


def test_the_sample_payroll_against_a_statement_built_from_it():
    """The Matriz's August payroll paid by PIX with the names as a bank truncates them, on
    top of the sample statement (whose supplier TEDs are no salaries): one employee left out,
    one paid R$ 10,00 less."""
    tables = {t.template.id: t for t in read_tables(read_workbook(SAMPLES / "matriz.xlsx"))}
    folha, extrato = tables["folha"], tables["extrato"]
    august = folha.data[folha.data["competencia"] == pd.Timestamp(2026, 8, 1)]
    names, nets = list(august["nome"]), [int(v) for v in august["liquido"]]
    paid = [
        (f"Pagamentos!{n}", "2026-09-05", -net + (1000 if n == 1 else 0), f"PIX {name[:22]}")
        for n, (name, net) in enumerate(zip(names, nets, strict=True))
        if n != 0
    ]
    data = extrato.data
    bank = [
        (f"{extrato.sheet}!{row}", day, int(cents), text)
        for row, day, cents, text in zip(
            extrato.rows, data["data"], data["valor"], data["descricao"], strict=True
        )
        if not pd.isna(cents)
    ]
    result = reconcile_payroll(folha, statement(paid + bank), date(2026, 8, 1))
    statuses = [e.status for e in result.employees]
    assert statuses[:2] == ["not_paid", "different_amount"]
    assert set(statuses[2:]) == {"paid"}
    assert result.employees[1].difference_cents == -1000
    assert result.unmatched == []


def test_names_cut_short_alike_are_told_apart_by_the_amount():
    """Banks cut names at a fixed width: two Marianas look the same on the statement, and
    each line goes to the one whose Líquido it carries (name and amount: 2 + 2 = 4 points
    against 2 for the name alone)."""
    folha = table_of(
        "folha",
        employee("1", "Mariana Teixeira Almeida Monteiro", "824.812.825-31", "5.057,43"),
        employee("2", "Mariana Teixeira Almeida Mendes", "577.665.165-43", "3.000,00"),
    )
    lines = statement(
        [
            ("Extrato!2", "2026-09-05", -300000, "PIX ENVIADO MARIANA TEIXEIRA ALMEI"),
            ("Extrato!3", "2026-09-05", -505743, "PIX ENVIADO MARIANA TEIXEIRA ALMEI"),
        ]
    )
    monteiro, mendes = reconcile_payroll(folha, lines).employees
    assert (monteiro.status, monteiro.statement) == ("paid", ("Extrato!3",))
    assert (mendes.status, mendes.statement) == ("paid", ("Extrato!2",))
    assert monteiro.reason == "mesmo valor, nome na descrição, em 05/09/2026"


def test_a_row_without_liquido():
    folha = table_of(
        "folha",
        employee("1", "Ana Paula Ferreira", "577.665.165-43", ""),
        employee("2", "Bruno Henrique Souza", "824.812.825-31", ""),
    )
    lines = statement([("Extrato!2", "2026-09-05", -150000, "PIX ENVIADO ANA PAULA FERREIRA")])
    ana, bruno = reconcile_payroll(folha, lines).employees
    assert (ana.status, ana.paid_cents, ana.difference_cents) == ("no_net_pay", 150000, None)
    assert ana.reason.startswith("a folha não traz o líquido; pago R$ 1.500,00: nome na descrição")
    assert (bruno.status, bruno.statement) == ("no_net_pay", ())
