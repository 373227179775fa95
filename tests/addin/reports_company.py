"""A small company's books for the report tests: the starter chart plus a deductions account,
a February that opens the books, a March worked out by hand in the tests, and one entry in
April that no March report may count."""

from __future__ import annotations

from datetime import date

from conftest import table_of

from retaguarda.addin.reports.books import books_of
from retaguarda.addin.reports.model import Books, Period, ReportOptions
from retaguarda.templates.catalog.plano_de_contas import STARTER_CHART

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))
TODAY = date(2026, 3, 31)
OPTIONS = ReportOptions(today=TODAY)

CHART = [
    *(list(row) for row in STARTER_CHART),
    ["3.1.09", "Impostos sobre vendas", "Receita", "Devedora", "Sim"],
]

# data, documento, histórico, débito, crédito, valor
JOURNAL = [
    ["02/02/2026", "C-1", "Integralização de capital", "1.1.02", "2.3.01", "20.000,00"],
    ["10/02/2026", "NF-0", "Venda de fevereiro", "1.1.04", "3.1.01", "5.000,00"],
    ["20/02/2026", "R-0", "Recebimento", "1.1.02", "1.1.04", "5.000,00"],
    ["02/03/2026", "NF-100", "Compra de mercadorias", "1.1.05", "2.1.01", "6.000,00"],
    ["05/03/2026", "NF-1", "Venda", "1.1.04", "3.1.01", "8.000,00"],
    ["05/03/2026", "NF-1", "Baixa do estoque vendido", "4.2.01", "1.1.05", "3.600,00"],
    ["06/03/2026", "NF-1", "Impostos sobre a venda", "3.1.09", "2.1.04", "640,00"],
    ["10/03/2026", "AL-3", "Aluguel de março", "4.1.03", "1.1.02", "2.500,00"],
    ["15/03/2026", "NF-100", "Pagamento a fornecedor", "2.1.01", "1.1.02", "4.000,00"],
    ["20/03/2026", "NF-1", "Recebimento parcial", "1.1.02", "1.1.04", "3.000,00"],
    ["25/03/2026", "TAR", "Tarifa bancária", "4.1.05", "1.1.02", "45,90"],
    ["28/03/2026", "REND", "Rendimento da conta", "1.1.02", "3.2.01", "12,35"],
    ["31/03/2026", "FOL-3", "Salários de março", "4.1.01", "2.1.02", "4.200,00"],
    ["31/03/2026", "SQ-1", "Saque para o caixa", "1.1.01", "1.1.02", "300,00"],
    ["31/03/2026", "TR-1", "Transferência para a filial", "1.1.07", "1.1.02", "1.000,00"],
    ["02/04/2026", "NF-9", "Venda de abril", "1.1.04", "3.1.01", "999,99"],
]

# fornecedor, CPF/CNPJ, documento, emissão, vencimento, valor, pago em, valor pago, forma,
# conta, centro de custo, conta de liquidação
PAYABLES = [
    ["Distribuidora Alfa", "11.444.777/0001-61", "NF-100", "02/03/2026", "15/03/2026",
     "6.000,00", "15/03/2026", "4.000,00", "TED", "2.1.01", "", "1.1.02"],
    ["Imobiliária Centro", "04.252.011/0001-10", "AL-4", "25/03/2026", "10/04/2026",
     "2.500,00", "", "", "", "2.1.01", "", ""],
    ["Gráfica Beta", "33.000.167/0001-01", "NF-50", "10/12/2025", "20/12/2025",
     "150,00", "", "", "", "2.1.01", "", ""],
    ["Papelaria Lápis", "60.746.948/0001-12", "NF-60", "01/02/2026", "15/02/2026",
     "80,00", "15/02/2026", "80,00", "PIX", "2.1.01", "", "1.1.02"],
]  # fmt: skip
# cliente, ... the same columns
RECEIVABLES = [
    ["Mercado Bom", "11.222.333/0001-81", "NF-1", "05/03/2026", "04/04/2026",
     "8.000,00", "20/03/2026", "3.000,00", "PIX", "1.1.04", "", "1.1.02"],
    ["Padaria Sol", "45.997.418/0001-53", "NF-2", "10/01/2026", "25/01/2026",
     "1.200,00", "", "", "", "1.1.04", "", ""],
    ["Hotel Mar", "07.526.557/0001-00", "NF-3", "01/02/2026", "28/02/2026",
     "700,00", "", "", "", "1.1.04", "", ""],
    ["Mercado Bom", "11.222.333/0001-81", "NF-4", "20/03/2026", "30/03/2026",
     "450,00", "", "", "", "1.1.04", "", ""],
    ["Escola Aprender", "19.131.243/0001-97", "NF-5", "25/03/2026", "15/05/2026",
     "900,00", "", "", "", "1.1.04", "", ""],
]  # fmt: skip

PRODUCT = "Café 500 g"
# data, sku, produto, ncm, tipo, quantidade, custo unitário, depósito, documento
MOVEMENTS = [
    ["02/10/2025", "ARR-1", "Arroz 5 kg", "1006.30.11", "Entrada", "8", "20,00", "Loja", "NF-8"],
    ["01/03/2026", "CAF-500", PRODUCT, "0901.21.00", "Entrada", "10", "12,50", "Central", "NF-1"],
    ["05/03/2026", "CAF-500", PRODUCT, "0901.21.00", "Entrada", "30", "14,00", "Central", "NF-2"],
    ["10/03/2026", "CAF-500", PRODUCT, "0901.21.00", "Saída", "15", "", "Central", "NF-3"],
    ["12/03/2026", "CAF-500", PRODUCT, "0901.21.00", "Ajuste", "-2", "", "Central", "INV"],
    ["20/03/2026", "CAF-500", PRODUCT, "0901.21.00", "Entrada", "7", "15,1234", "Central", "NF-4"],
    ["25/03/2026", "CAF-500", PRODUCT, "0901.21.00", "Saída", "5", "", "Central", "NF-5"],
    ["03/04/2026", "CAF-500", PRODUCT, "0901.21.00", "Saída", "1", "", "Central", "NF-6"],
]  # fmt: skip


def journal_rows(rows: list[list[str]]) -> list[list[str]]:
    """Journal rows with the optional columns (centro de custo, CPF/CNPJ, observações)
    empty."""
    return [[*row, "", "", ""] for row in rows]


def company(name: str = "Matriz", journal: list[list[str]] | None = None) -> Books:
    return books_of(
        name,
        [
            table_of("plano_de_contas", *CHART),
            table_of("lancamentos", *journal_rows(JOURNAL if journal is None else journal)),
            table_of("contas_a_pagar", *PAYABLES),
            table_of("contas_a_receber", *RECEIVABLES),
            table_of("estoque_movimentos", *MOVEMENTS),
        ],
    )
