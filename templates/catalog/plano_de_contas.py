"""Plano de contas: the chart of accounts every ledger sheet is checked against."""

from retaguarda.templates.model import Column, Kind, Template

TEMPLATE = Template(
    id="plano_de_contas",
    sheet="Plano de contas",
    version="1.0",
    title="Plano de contas",
    description="As contas contábeis da empresa; os lançamentos só aceitam estas contas.",
    columns=(
        Column(
            "codigo",
            "Código",
            Kind.ACCOUNT,
            required=True,
            aliases=("Cod", "Código da conta", "Conta contábil", "Code", "Account code"),
            width=12,
            help="Código da conta, como 1.1.01 (sem repetir).",
        ),
        Column(
            "conta",
            "Conta",
            required=True,
            aliases=("Nome da conta", "Descrição", "Account", "Account name"),
            width=36,
            help="Nome da conta.",
        ),
        Column(
            "tipo",
            "Tipo",
            Kind.CHOICE,
            required=True,
            choices=("Ativo", "Passivo", "Patrimônio líquido", "Receita", "Despesa"),
            aliases=("Grupo", "Type"),
            width=20,
            help="Ativo, Passivo, Patrimônio líquido, Receita ou Despesa.",
        ),
        Column(
            "natureza",
            "Natureza",
            Kind.CHOICE,
            required=True,
            choices=("Devedora", "Credora"),
            aliases=("Nature", "Normal balance"),
            width=12,
            help="Devedora ou Credora.",
        ),
        Column(
            "aceita_lancamento",
            "Aceita lançamento",
            Kind.CHOICE,
            required=True,
            choices=("Sim", "Não"),
            aliases=("Analítica", "Aceita lançamentos", "Postable", "Accepts postings"),
            width=18,
            help="Sim para contas analíticas; Não para contas sintéticas (totalizadoras).",
        ),
    ),
    duplicate_key=("codigo",),
)
