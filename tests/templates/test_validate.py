"""Each rule, on a small table: the right code, at the right cell, with a useful message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from conftest import TODAY, table_of

from retaguarda.templates.checks import Duplicates
from retaguarda.templates.model import Column, Kind, Template
from retaguarda.templates.reader import read_table
from retaguarda.templates.validate import Options, validate_tables
from retaguarda.validators.codes import Code
from retaguarda.validators.issues import issues_from_mask

OPTIONS = Options(today=TODAY, closed_until=date(2025, 12, 31))


def found(*tables, options=OPTIONS):
    return [(i.sheet, i.cell, i.code) for i in validate_tables(list(tables), options)]


def ledger_row(**overrides):
    row = {
        "Data": "05/03/2026",
        "Documento": "NF-1",
        "Histórico": "Venda",
        "Conta débito": "1.1.02",
        "Conta crédito": "3.1.01",
        "Valor": "R$ 1.234,56",
        "Centro de custo": "",
        "CPF/CNPJ": "11.222.333/0001-81",
        "Observações": "",
    }
    row.update(overrides)
    return list(row.values())


def test_a_clean_ledger_has_no_issue(chart):
    ledger = table_of("lancamentos", ledger_row(), ledger_row(Documento="NF-2"))
    assert found(chart, ledger) == []


def test_ledger_rules_point_at_the_offending_cell(chart):
    ledger = table_of(
        "lancamentos",
        ledger_row(),  # row 2
        ledger_row(**{"Conta débito": "9.9.99"}),  # row 3
        ledger_row(**{"Conta crédito": "1"}),  # row 4: synthetic account
        ledger_row(**{"Conta crédito": "1.1.02"}),  # row 5: same account
        ledger_row(Valor="-10,00", Documento="NF-5"),  # row 6
        ledger_row(Data="01/12/2025", Documento="NF-6"),  # row 7: closed period
        ledger_row(Data="01/12/2027", Documento="NF-7"),  # row 8: future
        ledger_row(Histórico="", Documento="NF-8"),  # row 9
        ledger_row(**{"CPF/CNPJ": "11.222.333/0001-80"}, Documento="NF-9"),  # row 10
        ledger_row(Valor="abc", Documento="NF-10"),  # row 11
        ledger_row(Data="31/02/2026", Documento="NF-11"),  # row 12
    )
    assert found(chart, ledger) == [
        ("Lançamentos", "B3", "row.duplicate"),
        ("Lançamentos", "D3", "account.unknown"),
        ("Lançamentos", "B4", "row.duplicate"),
        ("Lançamentos", "E4", "account.not_postable"),
        ("Lançamentos", "B5", "row.duplicate"),
        ("Lançamentos", "E5", "ledger.same_account"),
        ("Lançamentos", "F6", "number.negative"),
        ("Lançamentos", "A7", "date.closed_period"),
        ("Lançamentos", "A8", "date.future"),
        ("Lançamentos", "C9", "cell.required"),
        ("Lançamentos", "H10", "cpf_cnpj.check_digit"),
        ("Lançamentos", "F11", "number.invalid"),
        ("Lançamentos", "A12", "date.invalid"),
    ]


def test_messages_are_portuguese_first_and_carry_the_value(chart):
    ledger = table_of("lancamentos", ledger_row(**{"Conta débito": "9.9.99"}))
    (issue,) = validate_tables([chart, ledger], OPTIONS)
    assert issue.message == "Conta débito: a conta “9.9.99” não existe no Plano de contas."
    assert issue.message_en == "Conta débito: account “9.9.99” is not in the chart of accounts."
    assert issue.value == "9.9.99"
    assert issue.column == "Conta débito"
    assert issue.address == "Lançamentos!D2"


def test_duplicate_points_at_the_first_row(chart):
    ledger = table_of("lancamentos", ledger_row(), ledger_row(), ledger_row())
    issues = [i for i in validate_tables([chart, ledger], OPTIONS) if i.code == "row.duplicate"]
    assert [i.cell for i in issues] == ["B3", "B4"]
    assert all("linha 2" in i.message for i in issues)


def test_without_a_chart_accounts_are_not_checked_and_the_user_is_told():
    ledger = table_of("lancamentos", ledger_row(**{"Conta débito": "9.9.99"}))
    assert found(ledger) == [("Lançamentos", "", "account.no_chart")]
    assert "“Lançamentos”" in validate_tables([ledger], OPTIONS)[0].message


def test_cnpj_suggestion_restores_the_zero_excel_dropped(chart):
    ledger = table_of("lancamentos", ledger_row(**{"CPF/CNPJ": "1222333000128"}))
    issues = validate_tables([chart, ledger], OPTIONS)
    assert [(i.code, i.suggestion) for i in issues] == [
        ("cpf_cnpj.lost_zeros", "01.222.333/0001-28")
    ]


def test_a_numeric_cell_gets_its_leading_zeros_back(chart):
    # Excel stores a CNPJ typed as a number without its leading zero: that is not the user's
    # mistake, so it is read back as the 14-digit CNPJ it was.
    ledger = table_of("lancamentos", ledger_row(**{"CPF/CNPJ": 1222333000128.0}))
    assert found(chart, ledger) == []
    assert ledger.data["cpf_cnpj"][0] == "01222333000128"


def test_bills_overpaid():
    chart = table_of("plano_de_contas", ["2.1.01", "Fornecedores", "Passivo", "Credora", "Sim"])
    base = ["Papelaria Central", "11.222.333/0001-81", "NF 10", "02/03/2026", "02/04/2026"]
    bills = table_of(
        "contas_a_pagar",
        [*base, "100,00", "02/04/2026", "100,01", "PIX", "2.1.01", ""],
        [*base[:2], "NF 11", *base[3:], "100,00", "02/04/2026", "100,00", "pix", "2.1.01", ""],
    )
    issues = validate_tables([chart, bills], OPTIONS)
    assert [(i.cell, i.code) for i in issues] == [("H2", "payable.overpaid")]
    assert "R$ 100,00" in issues[0].message


def test_stock_negative_is_reported_at_the_movement_that_crosses_zero():
    moves = table_of(
        "estoque_movimentos",
        ["01/03/2026", "CAF", "Café", "0901.21.00", "Entrada", "10", "14,90", "Central", ""],
        ["05/03/2026", "CAF", "Café", "0901.21.00", "Saída", "8", "", "Central", ""],
        ["06/03/2026", "CAF", "Café", "0901.21.00", "Saída", "3", "", "Central", ""],  # -1
        ["07/03/2026", "CAF", "Café", "0901.21.00", "Saída", "1", "", "Central", ""],  # still <0
        ["02/03/2026", "CAF", "Café", "0901.21.00", "Saída", "1", "", "Loja", ""],  # other place
        ["08/03/2026", "CAF", "Café", "0901.21.00", "Ajuste", "-1", "", "Central", ""],
        ["09/03/2026", "CAF", "Café", "0901.21", "saida", "-2", "", "Central", ""],
    )
    assert found(moves) == [
        ("Movimentações de estoque", "F4", "stock.negative"),
        ("Movimentações de estoque", "F6", "stock.negative"),
        ("Movimentações de estoque", "D8", "ncm.length"),
        ("Movimentações de estoque", "F8", "number.negative"),
    ]


def test_a_count_for_a_sku_that_never_moved():
    moves = table_of(
        "estoque_movimentos",
        ["01/03/2026", "CAF", "Café", "0901.21.00", "Entrada", "10", "14,90", "Central", ""],
    )
    counts = table_of(
        "estoque_contagem",
        ["31/03/2026", "CAF", "Central", "10", "Ana"],
        ["31/03/2026", "CHA", "Central", "2", "Ana"],
    )
    assert found(moves, counts) == [("Contagem de estoque", "B3", "stock.unknown_sku")]


def test_choices_are_matched_without_accents_or_case():
    chart = table_of(
        "plano_de_contas",
        ["1", "Ativo", "ATIVO", "devedora", "nao"],
        ["2", "Passivo", "Passivos", "Credora", "Sim"],
    )
    assert found(chart) == [("Plano de contas", "C3", "choice.invalid")]
    assert chart.data["aceita_lancamento"][0] == "Não"


def test_a_missing_required_column_is_one_issue_for_the_sheet(chart):
    headers = [h for h in table_of("lancamentos").template.headers if h != "Histórico"]
    row = ledger_row()
    del row[2]
    ledger = table_of("lancamentos", row, headers=headers)
    assert found(chart, ledger) == [("Lançamentos", "", "column.missing")]
    (issue,) = validate_tables([chart, ledger], OPTIONS)
    assert issue.message == (
        "A coluna obrigatória “Histórico” não foi encontrada no cabeçalho de “Lançamentos”."
    )


def test_payroll_identifiers():
    row = [
        "03/2026",
        "1001",
        "Ana",
        "529.982.247-25",
        "120.12345.67-2",
        "Vendedora",
        "01/02/2020",
        "2.400,00",
        "",
        "",
        "",
        "0",
        "",
        "",
        "",
        "",
        "",
        "",
        "341",
        "1234",
        "12345-6",
        "ana@exemplo.com.br",
    ]
    bad = list(row)
    bad[1], bad[3], bad[4] = "1002", "529.982.247-24", "120.12345.67-3"
    bad[18], bad[21] = "9999", "ana@"
    payroll = table_of("folha", row, bad)
    assert [(c, code) for _, c, code in found(payroll)] == [
        ("D3", "cpf.check_digit"),
        ("E3", "pis.check_digit"),
        ("S3", "bank.length"),
        ("V3", "pix.email"),
    ]


# -- a template and a check added here, without touching the engine ----------------------


@dataclass(frozen=True)
class AtMost:
    """A table check written for this test: an amount above a limit, in cents."""

    column: str
    limit: int
    codes: ClassVar[tuple[str, ...]] = ("expense.over_limit",)
    SPEC: ClassVar[Code] = Code(
        "warning",
        "{column}: {value} passa do limite de {limit} por despesa.",
        "{column}: {value} is over the limit of {limit} per expense.",
    )

    def run(self, table, context):
        over = (table.data[self.column] > self.limit).fillna(False).to_numpy()
        return issues_from_mask(
            "expense.over_limit",
            table,
            self.column,
            over,
            spec=self.SPEC,
            params={"limit": "R$ 500,00"},
        )


TRAVEL = Template(
    id="despesas_viagem",
    sheet="Despesas de viagem",
    version="1.0",
    title="Despesas de viagem",
    description="Uma linha por despesa.",
    columns=(
        Column("data", "Data", Kind.DATE, required=True, not_future=True),
        Column("documento", "Documento"),
        Column("valor", "Valor", Kind.MONEY, required=True, positive=True),
    ),
    checks=(AtMost("valor", limit=500_00), Duplicates(("documento", "valor"))),
)


def test_a_new_template_with_a_new_check_runs_in_the_same_engine():
    rows = [
        ["Data", "Documento", "Valor"],
        ["02/03/2026", "R-1", "120,00"],  # row 2: fine
        ["03/03/2026", "R-2", "612,40"],  # row 3: over the limit
        ["04/03/2026", "R-1", "120,00"],  # row 4: same receipt again
        ["05/03/2027", "R-4", "-5,00"],  # row 5: future, negative
    ]
    table = read_table(rows, sheet="Viagem SP", template=TRAVEL)
    issues = validate_tables([table], OPTIONS)
    assert [(i.cell, i.code, str(i.severity)) for i in issues] == [
        ("C3", "expense.over_limit", "warning"),
        ("B4", "row.duplicate", "warning"),
        ("A5", "date.future", "error"),
        ("C5", "number.negative", "error"),
    ]
    assert issues[0].message == "Valor: 612,40 passa do limite de R$ 500,00 por despesa."
    # and the caller's choice of codes applies to it as to any other
    only = validate_tables([table], Options(today=TODAY, select=("expense",)))
    assert [i.cell for i in only] == ["C3"]
