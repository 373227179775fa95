"""Stock count vs book: balances on the count day, differences valued at the moving average
cost (the arithmetic written out), and the Ajuste rows to paste under the movements."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from conftest import table_of

from retaguarda.addin.reconcile.stock import reconcile_stock
from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.files import read_workbook
from retaguarda.templates.reader import read_tables

SAMPLES = Path(__file__).resolve().parents[2] / "workbooks" / "samples"

PRODUCT, NCM = "Café 500 g", "0901.21.00"
# data, sku, produto, ncm, tipo, quantidade, custo unitário, depósito, documento
MOVEMENTS = [
    ["01/03/2026", "CAF-500", PRODUCT, NCM, "Entrada", "10", "12,50", "Central", "NF-1"],
    ["05/03/2026", "CAF-500", PRODUCT, NCM, "Entrada", "30", "14,00", "Central", "NF-2"],
    ["10/03/2026", "CAF-500", PRODUCT, NCM, "Saída", "15", "", "Central", "NF-3"],
    ["12/03/2026", "CAF-500", PRODUCT, NCM, "Ajuste", "-2", "", "Central", "INV"],
    ["20/03/2026", "CAF-500", PRODUCT, NCM, "Entrada", "7", "15,1234", "Central", "NF-4"],
    ["25/03/2026", "CAF-500", PRODUCT, NCM, "Saída", "5", "", "Central", "NF-5"],
    ["01/03/2026", "BIS-200", "Biscoito", "1905.31.00", "Entrada", "5", "2,00", "Loja", "NF-6"],
    ["02/03/2026", "BIS-200", "Biscoito", "1905.31.00", "Saída", "8", "", "Loja", "NF-7"],
]  # fmt: skip


def movements(*extra: list[object]):
    return table_of("estoque_movimentos", *MOVEMENTS, *extra)


def test_the_balance_on_the_count_day_and_the_moving_average_cost():
    counts = table_of(
        "estoque_contagem",
        ["11/03/2026", "CAF-500", "Central", "26", "Ana"],
        ["20/03/2026", "CAF-500", "central", "27", "Ana"],
    )
    result = reconcile_stock(movements(), counts)
    first, second = result.counts
    # 11/03: 10 + 30 − 15 = 25 on hand; the 12/03 Ajuste is after the count.
    # Average after the second Entrada: (10 × 12,50 + 30 × 14,00) / 40 = 545 / 40 = 13,6250.
    assert (first.book, first.average_cost) == (Decimal("25.000"), Decimal("13.6250"))
    # Counted 26: +1 × 13,6250 = 13,625 → half up to the cent 13,63.
    assert (first.difference, first.value, first.status) == (
        Decimal("1.000"),
        Decimal("13.63"),
        "surplus",
    )
    # 20/03, the Entrada of that day included: 25 − 2 + 7 = 30 on hand;
    # average (23 × 13,6250 + 7 × 15,1234) / 30 = (313,375 + 105,8638) / 30 = 419,2388 / 30
    # = 13,97462666… → 13,9746.
    assert (second.book, second.average_cost) == (Decimal("30.000"), Decimal("13.9746"))
    # Counted 27: −3 × 13,9746 = −41,9238 → −41,92. "central" is the same depósito.
    assert (second.difference, second.value, second.status) == (
        Decimal("-3.000"),
        Decimal("-41.92"),
        "shortage",
    )
    assert "falta de 3" in second.reason
    assert result.summary() == {
        "counted": 2,
        "differences": 2,
        "without_cost": 0,
        "surplus_value": "13.63",
        "shortage_value": "-41.92",
        "net_value": "-28.29",
    }
    assert not result.reconciled


def test_the_adjustments_are_movement_rows_in_the_templates_order():
    counts = table_of("estoque_contagem", ["20/03/2026", "CAF-500", "Central", "27", "Ana"])
    result = reconcile_stock(movements(), counts)
    header, row = result.adjustment_rows()
    assert header == list(TEMPLATES["estoque_movimentos"].headers)
    assert row == [
        date(2026, 3, 20),
        "CAF-500",
        "Café 500 g",
        "0901.21.00",
        "Ajuste",
        Decimal("-3.000"),
        Decimal("13.9746"),
        "Central",
        "Contagem 20/03/2026",
    ]
    # pasted under the movements, the Ajuste brings the book to the count
    pasted = movements(["20/03/2026", "CAF-500", "", "", "Ajuste", "-3", "13,9746", "Central", ""])
    again = reconcile_stock(pasted, counts)
    assert again.reconciled
    assert again.adjustments == []
    assert result.to_json()["adjustments"][0]["quantidade"] == "-3.000"


def test_negative_book_stock_and_a_sku_that_never_moved():
    counts = table_of(
        "estoque_contagem",
        ["20/03/2026", "BIS-200", "Loja", "0", "Ana"],
        ["20/03/2026", "NOVO-1", "Central", "4", "Ana"],
    )
    negative, unknown = reconcile_stock(movements(), counts).counts
    # 5 in, 8 out: −3 on the books; counted 0 is 3 more than the books, at 2,0000 = 6,00
    assert (negative.book, negative.difference, negative.value) == (
        Decimal("-3.000"),
        Decimal("3.000"),
        Decimal("6.00"),
    )
    assert "negativo (-3)" in negative.reason
    assert (unknown.book, unknown.movements, unknown.average_cost, unknown.value) == (
        Decimal("0.000"),
        0,
        None,
        None,
    )
    assert "nenhuma movimentação" in unknown.reason
    assert "sem custo médio" in unknown.reason
    assert reconcile_stock(movements(), counts).adjustments[1][6] is None


def test_empty_sheets_and_no_movements_sheet():
    empty = reconcile_stock(table_of("estoque_movimentos"), table_of("estoque_contagem"))
    assert empty.counts == []
    assert empty.reconciled
    assert empty.summary()["net_value"] == "0.00"
    counts = table_of("estoque_contagem", ["20/03/2026", "CAF-500", "Central", "1", "Ana"])
    (alone,) = reconcile_stock(None, counts).counts
    assert (alone.book, alone.difference) == (Decimal("0.000"), Decimal("1.000"))


def test_rows_left_out_are_named_and_user_text_stays_inert():
    hostile = '=HYPERLINK("http://x")\x1b{0}'
    counts = table_of(
        "estoque_contagem",
        ["20/03/2026", hostile, "Central", "2", "Ana"],
        ["", "CAF-500", "Central", "2", "Ana"],
    )
    broken = ["", "CAF-500", "", "", "Entrada", "5", "1,00", "Central", ""]
    result = reconcile_stock(movements(broken), counts)
    assert [w.split(" (")[0] for w in result.warnings] == [
        "1 linha(s) da aba Contagem de estoque sem data, SKU, depósito ou quantidade contada "
        "ficaram de fora",
        "1 movimentação(ões) da aba Movimentações de estoque sem data, SKU, depósito, tipo ou "
        "quantidade ficaram de fora do saldo",
    ]
    assert "(linha(s) 3)" in result.warnings[0]
    assert "(linha(s) 10)" in result.warnings[1]
    sku_cell = result.rows()[1][2]
    assert sku_cell == '\'=HYPERLINK("http://x")\u241b{0}'
    assert result.adjustment_rows()[1][1] == sku_cell


def test_the_sample_workbooks():
    """The samples' counts are the books less 0 or 1 unit; São Paulo counts a SKU that never
    moved and has a movement with an unknown Tipo; Rio has a planted negative balance."""
    results = {}
    for name in ("matriz", "filial_sao_paulo", "filial_rio"):
        tables = {t.template.id: t for t in read_tables(read_workbook(SAMPLES / f"{name}.xlsx"))}
        results[name] = reconcile_stock(tables["estoque_movimentos"], tables["estoque_contagem"])
    matriz = results["matriz"]
    assert {c.difference for c in matriz.counts} == {Decimal("0.000"), Decimal("-1.000")}
    for count in matriz.differences:
        assert count.value == (-count.average_cost).quantize(Decimal("0.01"))
    assert matriz.warnings == []
    never = [c for c in results["filial_sao_paulo"].counts if c.movements == 0]
    assert [(c.sku, c.counted, c.value) for c in never] == [("CAF-250", Decimal("12.000"), None)]
    assert "Movimentações de estoque" in results["filial_sao_paulo"].warnings[0]
    assert any(c.book < c.counted - 1 for c in results["filial_rio"].counts)
