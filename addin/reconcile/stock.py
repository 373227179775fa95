"""Stock count vs book: what was counted against what the movements say should be there.

The book balance of a SKU in a depósito on the count date is every movement of it up to and
including that day, with the signs `estoque_movimentos` gives its `Tipo` choices: an Entrada
adds, a Saída subtracts, an Ajuste adds its own signed quantity (the template has no
Transferência: a transfer is a Saída in one depósito and an Entrada in the other). A
difference is valued at the moving weighted average cost on that day: each Entrada (or
positive Ajuste) that carries a Custo unitário averages into the stock on hand, kept to the
template's four places, and a Saída leaves it as it is. Everything is Decimal; the value is
rounded half up to the cent. The differences come back as Ajuste rows in
`estoque_movimentos`' own column order, so finance can paste them under the movements.
"""

from __future__ import annotations

import bisect
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from retaguarda.addin.marks import inert
from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.model import normalize_header
from retaguarda.templates.table import Table
from retaguarda.validators.fields.formatting import format_brl, format_date_br

MOVEMENTS = TEMPLATES["estoque_movimentos"]
COUNTS = TEMPLATES["estoque_contagem"]
#: the average unit cost keeps the places of the template's Custo unitário
COST_PLACES = Decimal("0.0001")
CENT = Decimal("0.01")
ADJUSTMENT = "Ajuste"
SHEET_HEADER = (
    "Linha da contagem",
    "Data",
    "SKU",
    "Depósito",
    "Quantidade contada",
    "Saldo dos movimentos",
    "Diferença",
    "Custo médio",
    "Valor da diferença",
    "Situação",
    "Motivo",
)
STATUS_PT = {"ok": "confere", "surplus": "sobra", "shortage": "falta"}


@dataclass(frozen=True)
class CountResult:
    """One counted SKU in one depósito on one day, against its book balance."""

    ref: str  # "Contagem de estoque!5"
    cell: str  # the counted quantity's cell
    day: date
    sku: str
    warehouse: str
    counted: Decimal
    book: Decimal
    average_cost: Decimal | None  # None when nothing with a cost ever came in
    movements: int  # how many movements make up `book`

    @property
    def difference(self) -> Decimal:
        return self.counted - self.book

    @property
    def value(self) -> Decimal | None:
        if self.average_cost is None:
            return None
        return (self.difference * self.average_cost).quantize(CENT, ROUND_HALF_UP)

    @property
    def status(self) -> str:
        if self.difference == 0:
            return "ok"
        return "surplus" if self.difference > 0 else "shortage"

    @property
    def reason(self) -> str:
        parts = []
        if self.movements == 0:
            parts.append("nenhuma movimentação deste SKU neste depósito até a data da contagem")
        if self.book < 0:
            parts.append(
                f"saldo dos movimentos negativo ({_quantity(self.book)}): há saídas sem a "
                "entrada correspondente"
            )
        if self.status == "ok":
            parts.append("a contagem confere com o saldo dos movimentos")
        else:
            word = "sobra" if self.status == "surplus" else "falta"
            parts.append(f"{word} de {_quantity(abs(self.difference))}")
            if self.value is None:
                parts.append("sem custo médio: nenhuma entrada com custo unitário")
            else:
                parts.append(
                    f"{_quantity(self.difference)} × custo médio {_cost(self.average_cost)} = "
                    f"{format_brl(int(self.value * 100))}"
                )
        return "; ".join(parts) + "."


@dataclass
class StockReconciliation:
    counts: list[CountResult]
    #: Ajuste rows in `estoque_movimentos` column order, one per difference
    adjustments: list[list[object]]
    #: what was left out and why, in Portuguese
    warnings: list[str] = field(default_factory=list)

    @property
    def differences(self) -> list[CountResult]:
        return [c for c in self.counts if c.status != "ok"]

    @property
    def reconciled(self) -> bool:
        return not self.differences

    def summary(self) -> dict[str, object]:
        valued = [c.value for c in self.differences if c.value is not None]
        return {
            "counted": len(self.counts),
            "differences": len(self.differences),
            "without_cost": sum(1 for c in self.differences if c.value is None),
            "surplus_value": str(sum((v for v in valued if v > 0), Decimal("0.00"))),
            "shortage_value": str(sum((v for v in valued if v < 0), Decimal("0.00"))),
            "net_value": str(sum(valued, Decimal("0.00"))),
        }

    def to_json(self) -> dict[str, object]:
        return {
            "counts": [
                {
                    "ref": c.ref,
                    "cell": c.cell,
                    "date": c.day.isoformat(),
                    "sku": c.sku,
                    "warehouse": c.warehouse,
                    "counted": str(c.counted),
                    "book": str(c.book),
                    "difference": str(c.difference),
                    "average_cost": None if c.average_cost is None else str(c.average_cost),
                    "value": None if c.value is None else str(c.value),
                    "status": c.status,
                    "reason": c.reason,
                }
                for c in self.counts
            ],
            "adjustments": [
                {key: _json_value(value) for key, value in zip(MOVEMENTS.keys, row, strict=True)}
                for row in self.adjustments
            ],
            "summary": self.summary(),
            "warnings": list(self.warnings),
        }

    def rows(self) -> list[list[object]]:
        """The comparison as a sheet: header first, every copied text inert."""
        out: list[list[object]] = [list(SHEET_HEADER)]
        for c in self.counts:
            out.append(
                [
                    inert(c.ref),
                    c.day,
                    inert(c.sku),
                    inert(c.warehouse),
                    c.counted,
                    c.book,
                    c.difference,
                    c.average_cost,
                    c.value,
                    STATUS_PT[c.status],
                    inert(c.reason),
                ]
            )
        return out

    def adjustment_rows(self) -> list[list[object]]:
        """The proposed Ajuste movements under `estoque_movimentos`' own pt-BR headers."""
        return [list(MOVEMENTS.headers)] + [
            [inert(v) if isinstance(v, str) else v for v in row] for row in self.adjustments
        ]


@dataclass(frozen=True)
class _State:
    """A SKU's standing in a depósito after one of its movements."""

    day: date
    balance: Decimal
    average_cost: Decimal | None
    count: int


def reconcile_stock(movements: Table | None, counts: Table) -> StockReconciliation:
    """Each counted line against the book balance of its SKU and depósito on its day.

    SKUs and depósitos are compared as `normalize_header` sees them ("Loja  centro" is "Loja
    Centro"); rows missing a date, SKU, depósito, tipo or quantity are left out and named in
    `warnings`. `movements` may be None: every count then has no movement behind it.
    """
    warnings: list[str] = []
    history, products = _histories(movements, warnings) if movements is not None else ({}, {})
    data = counts.data
    skipped: list[str] = []
    results: list[CountResult] = []
    adjustments: list[list[object]] = []
    quantities = counts.decimals("quantidade_contada")
    letter = counts.letter("quantidade_contada")
    columns = zip(
        counts.rows, _column(data, "data"), _column(data, "sku"), _column(data, "deposito"),
        quantities, strict=True,
    )  # fmt: skip
    for row, day, sku, warehouse, counted in columns:
        if day is None or sku is None or warehouse is None or counted is None:
            skipped.append(str(row))
            continue
        when = pd.Timestamp(day).date()
        key = (_folded(sku), _folded(warehouse))
        days, states = history.get(key, ([], []))
        at = bisect.bisect_right(days, when) - 1
        state = states[at] if at >= 0 else _State(when, Decimal("0.000"), None, 0)
        result = CountResult(
            ref=f"{counts.sheet}!{row}",
            cell=f"{counts.sheet}!{letter}{row}",
            day=when,
            sku=str(sku),
            warehouse=str(warehouse),
            counted=counted,
            book=state.balance,
            average_cost=state.average_cost,
            movements=state.count,
        )
        results.append(result)
        if result.status != "ok":
            product, ncm = products.get(key, (None, None))
            adjustments.append(
                [
                    when,
                    result.sku,
                    product,
                    ncm,
                    ADJUSTMENT,
                    result.difference,
                    result.average_cost,
                    result.warehouse,
                    f"Contagem {format_date_br(when)}",
                ]
            )
    if skipped:
        warnings.insert(
            0,
            f"{len(skipped)} linha(s) da aba {counts.sheet} sem data, SKU, depósito ou "
            f"quantidade contada ficaram de fora (linha(s) {_listed(skipped)}).",
        )
    return StockReconciliation(results, adjustments, warnings)


def _histories(
    table: Table, warnings: list[str]
) -> tuple[
    dict[tuple[str, str], tuple[list[date], list[_State]]],
    dict[tuple[str, str], tuple[object, object]],
]:
    """Each SKU and depósito's standing after each of its movements, in date order (rows of
    one day in sheet order) with those days apart for a search, and the product name and NCM
    its last movement gave."""
    data = table.data
    costs = table.decimals("custo_unitario") if table.has("custo_unitario") else None
    grouped: dict[tuple[str, str], list[tuple[date, int, str, Decimal, Decimal | None]]]
    grouped = defaultdict(list)
    products: dict[tuple[str, str], tuple[object, object]] = {}
    skipped: list[str] = []
    columns = zip(
        table.rows, _column(data, "data"), _column(data, "sku"), _column(data, "deposito"),
        _column(data, "tipo"), table.decimals("quantidade"), costs or [None] * len(table),
        _column(data, "produto"), _column(data, "ncm"), strict=True,
    )  # fmt: skip
    for i, (row, day, sku, warehouse, kind, quantity, cost, product, ncm) in enumerate(columns):
        if None in (day, sku, warehouse, kind, quantity):
            skipped.append(str(row))
            continue
        key = (_folded(sku), _folded(warehouse))
        grouped[key].append((pd.Timestamp(day).date(), i, str(kind), quantity, cost))
        previous = products.get(key, (None, None))
        products[key] = (product or previous[0], ncm or previous[1])
    if skipped:
        warnings.append(
            f"{len(skipped)} movimentação(ões) da aba {table.sheet} sem data, SKU, depósito, "
            f"tipo ou quantidade ficaram de fora do saldo (linha(s) {_listed(skipped)})."
        )
    walked = {key: _walk(sorted(moves)) for key, moves in grouped.items()}
    return {key: ([s.day for s in states], states) for key, states in walked.items()}, products


def _walk(moves: list[tuple[date, int, str, Decimal, Decimal | None]]) -> list[_State]:
    balance, average, states = Decimal("0.000"), None, []
    for n, (day, _i, kind, quantity, cost) in enumerate(moves, start=1):
        delta = -quantity if kind == "Saída" else quantity
        if delta > 0 and cost is not None:
            if average is None or balance <= 0:
                average = cost
            else:
                total = balance * average + delta * cost
                average = (total / (balance + delta)).quantize(COST_PLACES, ROUND_HALF_UP)
        balance += delta
        states.append(_State(day, balance, average, n))
    return states


def _column(data: pd.DataFrame, key: str) -> list[object]:
    """A column as Python values, None for an empty cell (or for a column the sheet lacks)."""
    if key not in data:
        return [None] * len(data)
    return [None if pd.isna(v) else v for v in data[key].astype(object)]


@functools.lru_cache(maxsize=4096)
def _folded(text: object) -> str:
    return normalize_header(str(text))


def _listed(rows: list[str], most: int = 10) -> str:
    shown = ", ".join(rows[:most])
    return shown + (f" e mais {len(rows) - most}" if len(rows) > most else "")


def _quantity(value: Decimal) -> str:
    """3 → "3", 2.500 → "2,5", -1234 → "-1.234": how a person writes a quantity."""
    scaled = int(value.scaleb(3).to_integral_value())
    sign = "-" if scaled < 0 else ""
    whole, fraction = divmod(abs(scaled), 1000)
    text = f"{whole:,}".replace(",", ".")
    decimals = str(fraction).rjust(3, "0").rstrip("0")
    return sign + text + ("," + decimals if decimals else "")


def _cost(value: Decimal) -> str:
    return format_brl(int(value.scaleb(4)), 4)


def _json_value(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
