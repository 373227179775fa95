"""Lançamentos: the journal, one double-entry posting per row."""

from retaguarda.templates.catalog._columns import centro_de_custo, cpf_cnpj, documento, valor
from retaguarda.templates.checks import Accounts, Different, Duplicates
from retaguarda.templates.model import Column, Kind, Template

TEMPLATE = Template(
    id="lancamentos",
    sheet="Lançamentos",
    version="1.0",
    title="Lançamentos contábeis",
    description="Cada linha é um lançamento: débito numa conta, crédito em outra, mesmo valor.",
    columns=(
        Column(
            "data",
            "Data",
            Kind.DATE,
            required=True,
            aliases=("Data do lançamento", "Dt", "Date"),
            not_future=True,
            closed_period=True,
            width=12,
            help="Data do lançamento (dd/mm/aaaa); não pode cair em período fechado.",
        ),
        documento("Número da nota, recibo ou boleto."),
        Column(
            "historico",
            "Histórico",
            required=True,
            aliases=("Descrição", "Description", "Memo"),
            width=40,
            help="O que aconteceu, em poucas palavras.",
        ),
        Column(
            "conta_debito",
            "Conta débito",
            Kind.ACCOUNT,
            required=True,
            aliases=("Débito", "Conta de débito", "Debit", "Debit account"),
            width=14,
            help="Código da conta debitada (do Plano de contas).",
        ),
        Column(
            "conta_credito",
            "Conta crédito",
            Kind.ACCOUNT,
            required=True,
            aliases=("Crédito", "Conta de crédito", "Credit", "Credit account"),
            width=14,
            help="Código da conta creditada (do Plano de contas), diferente da de débito.",
        ),
        valor("Valor em reais, positivo (R$ 1.234,56)."),
        centro_de_custo(),
        cpf_cnpj("CPF ou CNPJ da contraparte, se houver."),
        Column(
            "observacoes",
            "Observações",
            aliases=("Obs", "Observação", "Notes"),
            width=30,
            help="Qualquer observação.",
        ),
    ),
    checks=(
        Accounts(),
        Different("conta_debito", "conta_credito", code="ledger.same_account"),
        Duplicates(("documento", "cpf_cnpj", "valor")),
    ),
)
