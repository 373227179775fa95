"""Plano de contas: the chart of accounts every ledger sheet is checked against."""

from retaguarda.templates.checks import Duplicates
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
    checks=(Duplicates(("codigo",)),),
)

#: A standard starter chart for a small Brazilian company (comércio e serviços), written into
#: every rendered "Plano de contas" sheet so that the account dropdowns of the ledger sheets
#: have something to offer on day one; the company edits it to match its accountant's chart.
#: Synthetic (grouping) accounts do not accept postings.
STARTER_CHART: tuple[tuple[str, str, str, str, str], ...] = (
    ("1", "Ativo", "Ativo", "Devedora", "Não"),
    ("1.1", "Ativo circulante", "Ativo", "Devedora", "Não"),
    ("1.1.01", "Caixa", "Ativo", "Devedora", "Sim"),
    ("1.1.02", "Bancos conta movimento", "Ativo", "Devedora", "Sim"),
    ("1.1.03", "Aplicações financeiras", "Ativo", "Devedora", "Sim"),
    ("1.1.04", "Clientes", "Ativo", "Devedora", "Sim"),
    ("1.1.05", "Estoque de mercadorias", "Ativo", "Devedora", "Sim"),
    ("1.1.06", "Impostos a recuperar", "Ativo", "Devedora", "Sim"),
    ("1.2", "Ativo não circulante", "Ativo", "Devedora", "Não"),
    ("1.2.01", "Imobilizado", "Ativo", "Devedora", "Sim"),
    ("2", "Passivo", "Passivo", "Credora", "Não"),
    ("2.1", "Passivo circulante", "Passivo", "Credora", "Não"),
    ("2.1.01", "Fornecedores", "Passivo", "Credora", "Sim"),
    ("2.1.02", "Salários a pagar", "Passivo", "Credora", "Sim"),
    ("2.1.03", "Encargos sociais a recolher", "Passivo", "Credora", "Sim"),
    ("2.1.04", "Impostos a recolher", "Passivo", "Credora", "Sim"),
    ("2.1.05", "Empréstimos e financiamentos", "Passivo", "Credora", "Sim"),
    ("2.3", "Patrimônio líquido", "Patrimônio líquido", "Credora", "Não"),
    ("2.3.01", "Capital social", "Patrimônio líquido", "Credora", "Sim"),
    ("2.3.02", "Lucros ou prejuízos acumulados", "Patrimônio líquido", "Credora", "Sim"),
    ("3", "Receitas", "Receita", "Credora", "Não"),
    ("3.1", "Receita operacional", "Receita", "Credora", "Não"),
    ("3.1.01", "Receita de vendas", "Receita", "Credora", "Sim"),
    ("3.1.02", "Receita de serviços", "Receita", "Credora", "Sim"),
    ("3.2", "Receitas financeiras", "Receita", "Credora", "Não"),
    ("3.2.01", "Juros e rendimentos recebidos", "Receita", "Credora", "Sim"),
    ("4", "Custos e despesas", "Despesa", "Devedora", "Não"),
    ("4.1", "Despesas operacionais", "Despesa", "Devedora", "Não"),
    ("4.1.01", "Despesas com pessoal", "Despesa", "Devedora", "Sim"),
    ("4.1.02", "Encargos sociais", "Despesa", "Devedora", "Sim"),
    ("4.1.03", "Aluguel", "Despesa", "Devedora", "Sim"),
    ("4.1.04", "Energia, água e telefone", "Despesa", "Devedora", "Sim"),
    ("4.1.05", "Tarifas bancárias", "Despesa", "Devedora", "Sim"),
    ("4.2", "Custos", "Despesa", "Devedora", "Não"),
    ("4.2.01", "Custo das mercadorias vendidas", "Despesa", "Devedora", "Sim"),
)
