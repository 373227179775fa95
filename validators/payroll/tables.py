"""The payroll tax tables, read from `validators/data/payroll/*.toml` and chosen by date.

The figures are data, each table with the date it took effect and the act it comes from, so
that a new year's table is a new entry in a file, not a code change. INSS, FGTS and the
minimum wage follow the competência; IRRF follows the payment date (regime de caixa). A date
before a file's first table raises `NoTable` instead of guessing with the nearest one.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

DATA = Path(__file__).parents[1] / "data" / "payroll"


class NoTable(LookupError):
    """No table in force at that date (before the first one the data files hold)."""


@dataclass(frozen=True)
class InssBracket:
    up_to: Decimal
    rate: Decimal


@dataclass(frozen=True)
class InssTable:
    effective_from: date
    source: str
    brackets: tuple[InssBracket, ...]

    @property
    def ceiling(self) -> Decimal:
        return self.brackets[-1].up_to


@dataclass(frozen=True)
class IrrfBracket:
    up_to: Decimal | None
    rate: Decimal
    deduction: Decimal


@dataclass(frozen=True)
class Reduction:
    """Lei 15.270/2025: subtracted from the table's tax, measured on the taxable income."""

    zero_up_to: Decimal
    max: Decimal
    up_to: Decimal
    constant: Decimal
    factor: Decimal
    exclusive: bool
    source: str


@dataclass(frozen=True)
class IrrfTable:
    effective_from: date
    source: str
    dependent_deduction: Decimal
    simplified_discount: Decimal
    simplified_on_exclusive: bool
    brackets: tuple[IrrfBracket, ...]
    reduction: Reduction | None = None


@dataclass(frozen=True)
class FgtsTable:
    effective_from: date
    source: str
    rate: Decimal
    apprentice_rate: Decimal


@dataclass(frozen=True)
class MinimumWage:
    effective_from: date
    source: str
    value: Decimal


_T = TypeVar("_T", InssTable, IrrfTable, FgtsTable, MinimumWage)


def _read(name: str) -> list[dict[str, Any]]:
    with (DATA / f"{name}.toml").open("rb") as f:
        tables = tomllib.load(f, parse_float=Decimal)["table"]
    return sorted(tables, key=lambda t: t["effective_from"])


@cache
def inss_tables() -> tuple[InssTable, ...]:
    return tuple(
        InssTable(
            t["effective_from"],
            t["source"],
            tuple(InssBracket(Decimal(b["up_to"]), Decimal(b["rate"])) for b in t["brackets"]),
        )
        for t in _read("inss")
    )


@cache
def irrf_tables() -> tuple[IrrfTable, ...]:
    out = []
    for t in _read("irrf"):
        r = t.get("reduction")
        out.append(
            IrrfTable(
                t["effective_from"],
                t["source"],
                Decimal(t["dependent_deduction"]),
                Decimal(t["simplified_discount"]),
                bool(t.get("simplified_on_exclusive", False)),
                tuple(
                    IrrfBracket(
                        None if b.get("up_to") is None else Decimal(b["up_to"]),
                        Decimal(b["rate"]),
                        Decimal(b["deduction"]),
                    )
                    for b in t["brackets"]
                ),
                None
                if r is None
                else Reduction(
                    Decimal(r["zero_up_to"]),
                    Decimal(r["max"]),
                    Decimal(r["up_to"]),
                    Decimal(r["constant"]),
                    Decimal(r["factor"]),
                    bool(r["exclusive"]),
                    r["source"],
                ),
            )
        )
    return tuple(out)


@cache
def fgts_tables() -> tuple[FgtsTable, ...]:
    return tuple(
        FgtsTable(
            t["effective_from"],
            t["source"],
            Decimal(t["rate"]),
            Decimal(t["apprentice_rate"]),
        )
        for t in _read("fgts")
    )


@cache
def minimum_wages() -> tuple[MinimumWage, ...]:
    return tuple(
        MinimumWage(t["effective_from"], t["source"], Decimal(t["value"]))
        for t in _read("salario_minimo")
    )


def _in_force(tables: tuple[_T, ...], when: date, what: str) -> _T:
    current = None
    for table in tables:
        if table.effective_from <= when:
            current = table
    if current is None:
        first = tables[0].effective_from.strftime("%d/%m/%Y")
        raise NoTable(
            f"Não há tabela de {what} para {when.strftime('%d/%m/%Y')}: a primeira vale desde "
            f"{first} (no {what} table for {when.isoformat()})."
        )
    return current


def inss_table(competencia: date) -> InssTable:
    return _in_force(inss_tables(), competencia, "INSS")


def irrf_table(payment_date: date) -> IrrfTable:
    return _in_force(irrf_tables(), payment_date, "IRRF")


def fgts_table(competencia: date) -> FgtsTable:
    return _in_force(fgts_tables(), competencia, "FGTS")


def minimum_wage_table(competencia: date) -> MinimumWage:
    return _in_force(minimum_wages(), competencia, "salário mínimo")
