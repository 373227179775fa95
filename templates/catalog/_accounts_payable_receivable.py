"""The columns that contas a pagar and contas a receber share, named for each side."""

from retaguarda.templates.catalog._columns import centro_de_custo, cpf_cnpj, documento, valor
from retaguarda.templates.model import Column, Kind


def titles_columns(
    party: str, party_en: str, settled_on: str, settled_value: str, method: str, verb: str
) -> tuple[Column, ...]:
    """Columns of a list of bills: the counterpart, the bill, and how it was settled."""
    payable = verb == "pagamento"
    done = "pago" if payable else "recebido"
    return (
        Column(
            "contraparte",
            party,
            required=True,
            aliases=("Nome", "Razão social", party_en, "Name"),
            width=32,
            help=f"Nome do {party.lower()}.",
        ),
        cpf_cnpj("CPF ou CNPJ (numérico ou alfanumérico), com ou sem pontuação.", required=True),
        documento("Número da nota fiscal, boleto ou fatura.", required=True),
        Column(
            "emissao",
            "Emissão",
            Kind.DATE,
            required=True,
            aliases=("Data de emissão", "Data emissão", "Issue date", "Issued"),
            not_future=True,
            width=12,
            help="Data de emissão do documento (dd/mm/aaaa).",
        ),
        Column(
            "vencimento",
            "Vencimento",
            Kind.DATE,
            required=True,
            aliases=("Data de vencimento", "Vencto", "Due date", "Due"),
            width=12,
            help="Data de vencimento (pode ser futura).",
        ),
        valor("Valor do título em reais."),
        Column(
            "liquidado_em",
            settled_on,
            Kind.DATE,
            aliases=(f"Data de {verb}", f"Data {verb}", "Paid on" if payable else "Received on"),
            not_future=True,
            closed_period=True,
            width=12,
            help=f"Data em que foi {done}; vazio se em aberto.",
        ),
        Column(
            "valor_liquidado",
            settled_value,
            Kind.MONEY,
            positive=True,
            aliases=("Paid amount" if payable else "Received amount",),
            width=16,
            help=f"Quanto foi {done}; não pode passar do valor.",
        ),
        Column(
            "forma",
            method,
            Kind.CHOICE,
            choices=("PIX", "Boleto", "TED", "Dinheiro", "Cartão", "Débito automático", "Cheque"),
            aliases=("Forma", "Meio de pagamento", "Payment method"),
            width=18,
            help="PIX, Boleto, TED, Dinheiro, Cartão, Débito automático ou Cheque.",
        ),
        Column(
            "conta",
            "Conta",
            Kind.ACCOUNT,
            required=True,
            aliases=("Conta contábil", "Account"),
            width=12,
            help="Conta do Plano de contas em que o título é registrado.",
        ),
        centro_de_custo(),
        # Last, after every column a sample or an older sheet fills by position: optional,
        # so a sheet without it still reads; the bank reconciliation needs it to know which
        # bank account a settled title moved (`addin.reconcile.ledger`).
        Column(
            "conta_liquidacao",
            "Conta de liquidação",
            Kind.ACCOUNT,
            aliases=(
                "Conta bancária",
                "Banco/Caixa",
                "Conta de pagamento" if payable else "Conta de recebimento",
                "Paid from" if payable else "Received in",
                "Settlement account",
            ),
            width=14,
            help=f"Conta do Plano de contas (banco ou caixa) pela qual foi {done}.",
        ),
    )
