"""Reports built by hand for the renderers' tests: the renderers know no report by name, so
these are laid out as any report would be, with figures whose sums are written out here."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from retaguarda.addin.reports.model import Chart, Column, Period, Report, Row, Section, Series

Q1 = Period(date(2026, 1, 1), date(2026, 3, 31))
#: a name copied from a user's chart of accounts that a spreadsheet would run as a formula
HOSTILE = '=HYPERLINK("http://x.example","clique")'

BALANCETE_COLUMNS = (
    Column("account", "Conta", "text", 12),
    Column("name", "Nome", "text", 30),
    Column("opening", "Saldo inicial"),
    Column("debit", "Débitos"),
    Column("credit", "Créditos"),
    Column("closing", "Saldo final"),
)


def _account(code: str, name: str, level: int, *amounts: str, style: str = "normal") -> Row:
    opening, debit, credit, closing = (D(a) for a in amounts)
    assert opening + debit - credit == closing, code  # a debit balance: opening + D - C
    values = {"account": code, "name": name, "opening": opening, "debit": debit}
    values |= {"credit": credit, "closing": closing}
    return Row(values, level=level, style=style)  # type: ignore[arg-type]


def balancete() -> Report:
    """Caixa 1.000,00 + 250,50 − 100,00 = 1.150,50; Bancos 5.000,00 + 3.000,00 − 1.234,50 =
    6.765,50; their group 1.1 sums them (6.000,00; 3.250,50; 1.334,50; 7.916,00). Receita
    (credit-natured, shown negative) 0 + 0 − 3.250,50 = −3.250,50 and Aluguel 0 + 1.334,50 −
    0 = 1.334,50. Debits 250,50 + 3.000,00 + 1.334,50 = 4.585,00 = credits 100,00 + 1.234,50
    + 3.250,50 = 4.585,00."""
    rows = (
        _account(
            "1.1",
            "Ativo circulante",
            1,
            "6000.00",
            "3250.50",
            "1334.50",
            "7916.00",
            style="subtotal",
        ),
        _account("1.1.01", "Caixa", 2, "1000.00", "250.50", "100.00", "1150.50"),
        _account("1.1.02", "Bancos", 2, "5000.00", "3000.00", "1234.50", "6765.50"),
        _account("3.1.01", HOSTILE, 2, "0.00", "0.00", "3250.50", "-3250.50"),
        _account("4.1.03", "Aluguel", 2, "0.00", "1334.50", "0.00", "1334.50"),
    )
    totals = Row({"name": "Total", "debit": D("4585.00"), "credit": D("4585.00")}, style="total")
    monthly = Section(
        "by_month",
        "Movimento por mês",
        (
            Column("month", "Mês", "month", 10),
            Column("debit", "Débitos"),
            Column("share", "Participação", "percent", 12),
            Column("entries", "Lançamentos", "integer", 12),
        ),
        (
            Row(
                {
                    "month": date(2026, 1, 1),
                    "debit": D("1500.00"),
                    "share": D("0.3271"),
                    "entries": 1204,
                }
            ),
            Row(
                {
                    "month": date(2026, 2, 1),
                    "debit": D("1585.00"),
                    "share": D("0.3457"),
                    "entries": 7,
                }
            ),
            Row(
                {
                    "month": date(2026, 3, 1),
                    "debit": D("1500.00"),
                    "share": D("0.3272"),
                    "entries": 5,
                }
            ),
        ),
        Row(
            {"month": "Total", "debit": D("4585.00"), "share": D("1"), "entries": 1216},
            style="total",
        ),
    )
    chart = Chart(
        "column",
        "Débitos e saldo por mês",
        ("01/2026", "02/2026", "03/2026"),
        (
            Series("Débitos", (D("1500.00"), D("1585.00"), D("1500.00"))),
            Series("Saldo", (D("6500.00"), D("7200.00"), D("7916.00")), kind="line"),
        ),
    )
    return Report(
        kind="balancete",
        title="Balancete de verificação",
        period=Q1,
        scope="Consolidado (Matriz, Filial Rio)",
        sections=(Section("rows", "Contas", BALANCETE_COLUMNS, rows, totals), monthly),
        charts=(chart,),
        notes=("Débitos e créditos conferem: R$ 4.585,00 de cada lado.",),
        summary={"debits": D("4585.00"), "balanced": True, "first_negative_day": None},
    )


def estoque() -> Report:
    """Two items: 12,5 un at R$ 8,00 = R$ 100,00 and 3 kg at R$ 33,333 ≈ R$ 100,00 (rounded
    by the report); a pie of the value and a stacked chart by depósito."""
    columns = (
        Column("sku", "SKU", "text", 10),
        Column("quantity", "Quantidade", "quantity", 12),
        Column("value", "Valor"),
        Column("last", "Último movimento", "date", 14),
    )
    rows = (
        Row({"sku": "A-1", "quantity": D("12.5"), "value": D("100.00"), "last": date(2026, 3, 5)}),
        Row({"sku": "B-2", "quantity": D("3"), "value": D("100.00"), "last": date(2025, 11, 30)}),
    )
    return Report(
        kind="estoque",
        title="Posição de estoque",
        period=Period(date(2026, 3, 1), date(2026, 3, 31)),
        scope="Matriz",
        sections=(
            Section(
                "rows",
                "Itens",
                columns,
                rows,
                Row({"sku": "Total", "value": D("200.00")}, style="total"),
            ),
        ),
        charts=(
            Chart(
                "pie",
                "Valor por SKU",
                ("A-1", "B-2"),
                (Series("Valor", (D("100.00"), D("100.00"))),),
            ),
            Chart(
                "stacked_column",
                "Valor por depósito",
                ("Central", "Loja"),
                (Series("A-1", (D("60.00"), D("40.00"))), Series("B-2", (D("100.00"), D("0.00")))),
            ),
            Chart(
                "bar", "Giro", ("A-1", "B-2"), (Series("Giro", (D("2.5"), D("0.4"))),), unit="vezes"
            ),
        ),
    )
