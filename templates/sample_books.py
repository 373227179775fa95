"""The clean rows of every sample sheet: ledger, payables and receivables, stock movements and
counts (and the payroll, from `sample_payroll`; October at the bank and the statement, from
`sample_bank`), before any mistake is planted in them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.catalog.plano_de_contas import STARTER_CHART
from retaguarda.templates.sample_parties import (
    CENT,
    CUSTOMERS,
    FIRST_DAY,
    LAST_DAY,
    PEOPLE,
    PRODUCTS,
    SUPPLIERS,
    WAREHOUSES,
    random_cnpj,
    random_cpf,
    random_day,
    random_money,
)
from retaguarda.templates.sample_payroll import payroll_rows


@dataclass
class Sheet:
    """The rows of one template sheet, as Python values in the template's column order."""

    template_id: str
    rows: list[list[object]] = field(default_factory=list)

    def index(self, key: str) -> int:
        return TEMPLATES[self.template_id].keys.index(key)


def clean_sheets(rng: random.Random) -> dict[str, Sheet]:
    suppliers = [
        (name, random_cnpj(rng, alphanumeric=i % 5 == 4)) for i, name in enumerate(SUPPLIERS)
    ]
    customers = [(name, random_cnpj(rng)) for name in CUSTOMERS] + [
        (name, random_cpf(rng)) for name in PEOPLE[:4]
    ]
    sheets = {t: Sheet(t) for t in TEMPLATES}
    sheets["plano_de_contas"].rows = [list(row) for row in STARTER_CHART]
    sheets["lancamentos"].rows = ledger_rows(rng, suppliers, customers)
    sheets["contas_a_pagar"].rows = bill_rows(rng, suppliers, "AP", ("2.1.01",))
    sheets["contas_a_receber"].rows = bill_rows(rng, customers, "AR", ("1.1.04",))
    sheets["folha"].rows = payroll_rows(rng)
    movements = movement_rows(rng)
    sheets["estoque_movimentos"].rows = movements
    sheets["estoque_contagem"].rows = count_rows(rng, movements)
    return sheets


#: the journal's random lines end here: October, the month the sample statements cover, is
#: written by `sample_bank`, and nothing sits in the statement's date window (three days
#: before its first day) without a statement line
BOOKS_BEFORE = date(2026, 9, 25)

LEDGER_OPERATIONS = (
    ("Venda de mercadorias conforme NF", "1.1.04", "3.1.01", 300, 9000, "customer"),
    ("Recebimento de cliente", "1.1.02", "1.1.04", 300, 9000, "customer"),
    ("Compra de mercadorias conforme NF", "1.1.05", "2.1.01", 500, 15000, "supplier"),
    ("Pagamento a fornecedor", "2.1.01", "1.1.02", 500, 15000, "supplier"),
    ("Aluguel do mês", "4.1.03", "1.1.02", 4500, 6500, "supplier"),
    ("Conta de energia elétrica", "4.1.04", "1.1.02", 600, 1800, "supplier"),
    ("Tarifa bancária", "4.1.05", "1.1.02", 20, 120, None),
    ("Salários do mês", "4.1.01", "2.1.02", 30000, 60000, None),
    ("Suprimento de caixa", "1.1.01", "1.1.02", 200, 1500, None),
    ("Rendimento de aplicação financeira", "1.1.03", "3.2.01", 50, 900, None),
)


def ledger_rows(rng: random.Random, suppliers: list, customers: list) -> list[list[object]]:
    rows = []
    for n in range(300):
        text, debit, credit, low, high, party = rng.choice(LEDGER_OPERATIONS)
        counterpart = ""
        if party == "customer":
            name, counterpart = rng.choice(customers)
            text = f"{text} {rng.randrange(1000, 99999)} - {name}"
        elif party == "supplier":
            name, counterpart = rng.choice(suppliers)
            text = f"{text} - {name}"
        rows.append(
            [
                random_day(rng, FIRST_DAY, BOOKS_BEFORE),
                f"LC-{n + 1:05d}",
                text,
                debit,
                credit,
                random_money(rng, low, high),
                rng.choice(("Comercial", "Administrativo", "Logística", None)),
                counterpart or None,
                None,
            ]
        )
    rows.sort(key=lambda r: r[0])
    return rows


def bill_rows(
    rng: random.Random, parties: list, prefix: str, accounts: tuple[str, ...]
) -> list[list[object]]:
    rows = []
    for n in range(120):
        name, tax_id = rng.choice(parties)
        issued = random_day(rng, FIRST_DAY, LAST_DAY - timedelta(days=40))
        due = issued + timedelta(days=rng.choice((14, 28, 30, 45)))
        value = random_money(rng, 150, 12000)
        settled = due + timedelta(days=rng.randrange(-5, 4))
        paid = settled <= LAST_DAY and rng.random() < 0.7
        partial = paid and rng.random() < 0.1
        rows.append(
            [
                name,
                tax_id,
                f"{prefix}-{rng.randrange(10, 99)}{n + 1:04d}",
                issued,
                due,
                value,
                settled if paid else None,
                (value * Decimal("0.5")).quantize(CENT) if partial else (value if paid else None),
                rng.choice(("PIX", "Boleto", "TED")) if paid else None,
                accounts[0],
                rng.choice(("Comercial", "Administrativo", None)),
                None,  # conta_liquidacao: `sample_bank` names the bank for the settled ones
            ]
        )
    return rows


def movement_rows(rng: random.Random) -> list[list[object]]:
    rows = []
    for sku, product, ncm, cost in PRODUCTS:
        for warehouse in WAREHOUSES:
            balance = Decimal(0)
            when = FIRST_DAY + timedelta(days=rng.randrange(0, 20))
            for step in range(10):
                if step == 0 or balance < 20 or rng.random() < 0.3:
                    kind, quantity = "Entrada", Decimal(rng.randrange(40, 200))
                    balance += quantity
                elif rng.random() < 0.1:
                    quantity = Decimal(-rng.randrange(1, 3))
                    kind = "Ajuste"
                    balance += quantity
                else:
                    kind, quantity = "Saída", Decimal(rng.randrange(1, int(balance) // 2 + 1))
                    balance -= quantity
                rows.append(
                    [
                        when,
                        sku,
                        product,
                        ncm,
                        kind,
                        quantity,
                        cost if kind == "Entrada" else None,
                        warehouse,
                        f"NF-{rng.randrange(100000, 999999)}" if kind != "Ajuste" else "INV-AJ",
                    ]
                )
                when = min(when + timedelta(days=rng.randrange(5, 30)), LAST_DAY)
    rows.sort(key=lambda r: r[0])
    return rows


def count_rows(rng: random.Random, movements: list[list[object]]) -> list[list[object]]:
    balances: dict[tuple[str, str], Decimal] = {}
    for row in movements:
        sign = -1 if row[4] == "Saída" else 1
        key = (str(row[1]), str(row[7]))
        balances[key] = balances.get(key, Decimal(0)) + sign * Decimal(str(row[5]))
    counter = rng.choice(PEOPLE)
    return [
        [LAST_DAY, sku, warehouse, max(quantity - rng.choice((0, 0, 0, 1)), Decimal(0)), counter]
        for (sku, warehouse), quantity in sorted(balances.items())
    ]
