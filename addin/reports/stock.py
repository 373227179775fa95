"""Estoque: per SKU and depósito, the quantity and value on the period's last day at the
moving weighted average cost, the period's movements, the turnover, and the items that have
not moved for `options.stale_days` days.

From `estoque_movimentos` (Data, SKU, Produto, Tipo, Quantidade, Custo unitário, Depósito),
read as the stock reconciliation reads it (`addin.reconcile.stock`): an Entrada adds, a Saída
subtracts, an Ajuste adds its own signed quantity; an Entrada or positive Ajuste with a Custo
unitário averages into the stock on hand (four places, half up; when the stock on hand is zero
or less its cost is the new average), and whatever leaves is valued at the average of that
moment. Values are rounded half up to the cent. SKUs and depósitos are compared as
`normalize_header` folds them; rows of one day keep their sheet order.

The turnover is the period's cost of what left (Saídas and negative Ajustes) over the average of
the opening and closing values. An item is stale when it has stock and its last movement is
more than `stale_days` days before `options.today`. With several teams their movements are
walked together per SKU and depósito (a transfer between teams is a Saída in one and an
Entrada in the other, so the position is right; the movement summary counts both sides).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from retaguarda.addin.reports import ledger
from retaguarda.addin.reports.ledger import brl
from retaguarda.addin.reports.model import (
    Books,
    Chart,
    Column,
    Period,
    Report,
    ReportOptions,
    Row,
    Section,
    Series,
)
from retaguarda.templates.model import normalize_header

COST_PLACES = Decimal("0.0001")
CENT = Decimal("0.01")
ZERO_QTY = Decimal("0.000")
ZERO = Decimal("0.00")


@dataclass
class Item:
    """One SKU in one depósito, walked through its movements."""

    sku: str
    product: str
    warehouse: str
    quantity: Decimal = ZERO_QTY
    average: Decimal | None = None
    last_day: date | None = None
    opening_quantity: Decimal = ZERO_QTY
    opening_value: Decimal = ZERO
    #: the period's quantities and values
    entries: Decimal = ZERO_QTY
    entries_value: Decimal = ZERO
    issues: Decimal = ZERO_QTY
    issues_cost: Decimal = ZERO
    adjustments: Decimal = ZERO_QTY
    moved_in_period: bool = False

    @property
    def value(self) -> Decimal:
        return _value(self.quantity, self.average)

    @property
    def turnover(self) -> Decimal | None:
        average_stock = (self.opening_value + self.value) / 2
        if average_stock <= 0:
            return None
        return (self.issues_cost / average_stock).quantize(CENT, ROUND_HALF_UP)


def _value(quantity: Decimal, average: Decimal | None) -> Decimal:
    if average is None:
        return ZERO
    return (quantity * average).quantize(CENT, ROUND_HALF_UP)


def walk(books: Sequence[Books], period: Period) -> tuple[dict[tuple[str, str], Item], int]:
    """Every SKU and depósito after its movements up to the period's end; and how many rows
    lacked a date, SKU, depósito, tipo or quantity."""
    moves: dict[tuple[str, str], list[tuple[date, int, str, Decimal, Decimal | None]]]
    moves = defaultdict(list)
    items: dict[tuple[str, str], Item] = {}
    skipped, order = 0, 0
    for one in books:
        for table in one.of("estoque_movimentos"):
            data = table.data
            costs = (
                table.decimals("custo_unitario")
                if table.has("custo_unitario")
                else [None] * len(table)
            )
            for day, sku, product, warehouse, kind, quantity, cost in zip(
                _column(data, "data"), _column(data, "sku"), _column(data, "produto"),
                _column(data, "deposito"), _column(data, "tipo"), table.decimals("quantidade"),
                costs, strict=True,
            ):  # fmt: skip
                order += 1
                if None in (day, sku, warehouse, kind, quantity):
                    skipped += 1
                    continue
                when = pd.Timestamp(day).date()
                if when > period.end:
                    continue
                key = (normalize_header(str(sku)), normalize_header(str(warehouse)))
                if key not in items:
                    items[key] = Item(str(sku).strip(), "", str(warehouse).strip())
                if product:
                    items[key].product = str(product).strip()
                moves[key].append((when, order, str(kind), quantity, cost))
    for key, found in moves.items():
        _walk(items[key], sorted(found), period)
    return items, skipped


def _walk(
    item: Item, moves: list[tuple[date, int, str, Decimal, Decimal | None]], period: Period
) -> None:
    opened = False
    for day, _order, kind, quantity, cost in moves:
        if day >= period.start and not opened:
            item.opening_quantity, item.opening_value = item.quantity, item.value
            opened = True
        within = day >= period.start
        delta = -quantity if kind == "Saída" else quantity
        if delta > 0 and cost is not None:
            if item.average is None or item.quantity <= 0:
                item.average = cost
            else:
                total = item.quantity * item.average + delta * cost
                item.average = (total / (item.quantity + delta)).quantize(
                    COST_PLACES, ROUND_HALF_UP
                )
        if within:
            item.moved_in_period = True
            if kind == "Entrada":
                item.entries += delta
                item.entries_value += _value(delta, cost if cost is not None else item.average)
            elif kind == "Saída":
                item.issues += quantity
                item.issues_cost += _value(quantity, item.average)
            else:
                item.adjustments += delta
                if delta < 0:
                    item.issues_cost += _value(-delta, item.average)
        item.quantity += delta
        item.last_day = day
    if not opened:
        item.opening_quantity, item.opening_value = item.quantity, item.value


def stock(books: Sequence[Books], period: Period, options: ReportOptions) -> Report:
    items, skipped = walk(books, period)
    ordered = sorted(items.values(), key=lambda i: (i.sku.casefold(), i.warehouse.casefold()))
    held = [i for i in ordered if i.quantity != 0 or i.moved_in_period]
    position = tuple(
        Row(
            {
                "sku": i.sku,
                "product": i.product,
                "warehouse": i.warehouse,
                "quantity": i.quantity,
                "average_cost": i.average,
                "value": i.value,
                "last_movement": i.last_day,
            }
        )
        for i in held
    )
    total_value = sum((i.value for i in held), ZERO)
    moved = [i for i in ordered if i.moved_in_period]
    movement_rows = tuple(
        Row(
            {
                "sku": i.sku,
                "warehouse": i.warehouse,
                "opening": i.opening_quantity,
                "entries": i.entries,
                "issues": i.issues,
                "adjustments": i.adjustments,
                "closing": i.quantity,
                "entries_value": i.entries_value,
                "issues_cost": i.issues_cost,
                "turnover": i.turnover,
            }
        )
        for i in moved
    )
    cutoff = date.fromordinal(options.today.toordinal() - options.stale_days)
    stale = [i for i in held if i.quantity > 0 and i.last_day is not None and i.last_day < cutoff]
    stale_rows = tuple(
        Row(
            {
                "sku": i.sku,
                "product": i.product,
                "warehouse": i.warehouse,
                "quantity": i.quantity,
                "value": i.value,
                "last_movement": i.last_day,
                "days": (options.today - i.last_day).days if i.last_day else None,
            }
        )
        for i in stale
    )
    opening_value = sum((i.opening_value for i in ordered), ZERO)
    issues_cost = sum((i.issues_cost for i in ordered), ZERO)
    average_stock = (opening_value + total_value) / 2
    turnover = (
        (issues_cost / average_stock).quantize(CENT, ROUND_HALF_UP) if average_stock > 0 else None
    )
    stale_value = sum((i.value for i in stale), ZERO)
    by_warehouse: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for i in held:
        by_warehouse[i.warehouse] += i.value
    sections = (
        Section(
            "rows",
            "Posição do estoque",
            (
                Column("sku", "SKU", "text", 14),
                Column("product", "Produto", "text", 30),
                Column("warehouse", "Depósito", "text", 16),
                Column("quantity", "Quantidade", "quantity", 12),
                Column("average_cost", "Custo médio", "money", 14),
                Column("value", "Valor"),
                Column("last_movement", "Última movimentação", "date", 14),
            ),
            position,
            Row({"sku": "Total", "value": total_value}, style="total"),
        ),
        Section(
            "movements",
            "Movimentação no período",
            (
                Column("sku", "SKU", "text", 14),
                Column("warehouse", "Depósito", "text", 16),
                Column("opening", "Saldo inicial", "quantity", 12),
                Column("entries", "Entradas", "quantity", 12),
                Column("issues", "Saídas", "quantity", 12),
                Column("adjustments", "Ajustes", "quantity", 12),
                Column("closing", "Saldo final", "quantity", 12),
                Column("entries_value", "Valor das entradas"),
                Column("issues_cost", "Custo das saídas"),
                Column("turnover", "Giro", "quantity", 8),
            ),
            movement_rows,
            Row(
                {
                    "sku": "Total",
                    "entries_value": sum((i.entries_value for i in moved), ZERO),
                    "issues_cost": issues_cost,
                    "turnover": turnover,
                },
                style="total",
            ),
        ),
        Section(
            "stale",
            f"Itens sem movimentação há mais de {options.stale_days} dias",
            (
                Column("sku", "SKU", "text", 14),
                Column("product", "Produto", "text", 30),
                Column("warehouse", "Depósito", "text", 16),
                Column("quantity", "Quantidade", "quantity", 12),
                Column("value", "Valor"),
                Column("last_movement", "Última movimentação", "date", 14),
                Column("days", "Dias parado", "integer", 10),
            ),
            stale_rows,
            Row({"sku": "Total", "value": stale_value}, style="total"),
        ),
    )
    notes = [
        f"Valor do estoque em {period.end.strftime('%d/%m/%Y')}: {brl(total_value)}, ao custo "
        "médio ponderado móvel.",
        "Giro: custo das saídas do período ÷ média do valor inicial e final.",
    ]
    if stale:
        notes.append(
            f"{len(stale)} item(ns) parado(s) há mais de {options.stale_days} dias, "
            f"{brl(stale_value)}."
        )
    negative = [i for i in held if i.quantity < 0]
    if negative:
        notes.append(
            f"{len(negative)} item(ns) com saldo negativo: há saídas sem a entrada correspondente."
        )
    if skipped:
        notes.append(
            f"{skipped} movimentação(ões) sem data, SKU, depósito, tipo ou quantidade ficaram "
            "de fora."
        )
    if len(books) > 1:
        notes.append(
            "Consolidado: as movimentações das equipes somadas por SKU e depósito; uma "
            "transferência entre equipes aparece como saída numa e entrada na outra."
        )
    chart = Chart(
        "bar",
        "Valor em estoque por depósito",
        tuple(by_warehouse),
        (Series("Valor", tuple(by_warehouse.values())),),
    )
    return Report(
        kind="estoque",
        title="Posição e movimentação do estoque",
        period=period,
        scope=ledger.team_names(books),
        sections=sections,
        charts=(chart,),
        notes=tuple(notes),
        summary={
            "items": len(held),
            "skus": len({i.sku.casefold() for i in held}),
            "total_value": total_value,
            "opening_value": opening_value,
            "entries_value": sum((i.entries_value for i in moved), ZERO),
            "issues_cost": issues_cost,
            "turnover": turnover,
            "stale_items": len(stale),
            "stale_value": stale_value,
        },
    )


def _column(data: pd.DataFrame, key: str) -> list[object]:
    if key not in data:
        return [None] * len(data)
    return [None if pd.isna(v) else v for v in data[key].astype(object)]
