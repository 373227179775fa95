"""The mistakes planted in the sample workbooks, team by team: each one changes a clean cell
and records the cell and the issue code validation must report there (`planted.json`).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from retaguarda.templates.sample_books import Sheet
from retaguarda.templates.sample_parties import LAST_DAY, PRODUCTS, WAREHOUSES

#: the closing date the planted `date.closed_period` mistakes are relative to
CLOSED_UNTIL = date(2025, 12, 31)


@dataclass(frozen=True)
class Plant:
    template_id: str
    row: int  # 0-based data row
    key: str
    code: str


def _set(
    sheets: dict[str, Sheet],
    plants: list[Plant],
    template_id: str,
    row: int,
    key: str,
    value: object,
    *codes: str,
) -> None:
    sheet = sheets[template_id]
    sheet.rows[row][sheet.index(key)] = value
    plants.extend(Plant(template_id, row, key, code) for code in codes)


def _open_bill(sheets: dict[str, Sheet], template_id: str, start: int) -> int:
    """The first bill from `start` that is not settled (so planting touches nothing else)."""
    sheet = sheets[template_id]
    paid = sheet.index("liquidado_em")
    return next(i for i in range(start, len(sheet.rows)) if sheet.rows[i][paid] is None)


def _settled_bill(sheets: dict[str, Sheet], template_id: str, start: int) -> int:
    sheet = sheets[template_id]
    paid = sheet.index("liquidado_em")
    return next(i for i in range(start, len(sheet.rows)) if sheet.rows[i][paid] is not None)


def _overpay(
    sheets: dict[str, Sheet],
    p: list[Plant],
    template_id: str,
    start: int,
    extra: Decimal,
    code: str,
) -> None:
    """Settle a bill for more than it is worth: paid `extra` above its value."""
    bill = _settled_bill(sheets, template_id, start)
    sheet = sheets[template_id]
    due = sheet.rows[bill][sheet.index("valor")]
    _set(sheets, p, template_id, bill, "valor_liquidado", due + extra, code)


def _plant_matriz(sheets: dict[str, Sheet], rng: random.Random) -> list[Plant]:
    p: list[Plant] = []
    _set(sheets, p, "lancamentos", 10, "valor", "1.234,5O", "number.invalid")  # letter O
    _set(sheets, p, "lancamentos", 20, "conta_debito", "1.1.99", "account.unknown")
    _set(sheets, p, "lancamentos", 30, "conta_credito", "1.1", "account.not_postable")
    lc = sheets["lancamentos"]
    row = lc.rows[40]
    row[lc.index("conta_credito")] = row[lc.index("conta_debito")]
    p.append(Plant("lancamentos", 40, "conta_credito", "ledger.same_account"))
    _set(sheets, p, "lancamentos", 50, "data", "31/02/2026", "date.invalid")
    _set(sheets, p, "lancamentos", 60, "historico", None, "cell.required")
    _set(sheets, p, "lancamentos", 70, "data", date(2062, 3, 15), "date.future")  # 2026 typo
    _set(sheets, p, "lancamentos", 80, "data", date(2025, 12, 19), "date.closed_period")
    _set(sheets, p, "lancamentos", 90, "cpf_cnpj", "12.345.678/0001-00", "cpf_cnpj.check_digit")
    # the same invoice posted twice
    first = lc.rows[100]
    lc.rows[101] = list(first)
    p.append(Plant("lancamentos", 101, "documento", "row.duplicate"))
    _overpay(sheets, p, "contas_a_pagar", 5, Decimal("100.00"), "payable.overpaid")
    _set(
        sheets,
        p,
        "contas_a_pagar",
        _open_bill(sheets, "contas_a_pagar", 15),
        "cpf_cnpj",
        "11.111.111/1111-11",
        "cpf_cnpj.repeated_digits",
    )
    _set(sheets, p, "folha", 3, "cpf", "123.456.789-00", "cpf.check_digit")
    _set(sheets, p, "folha", 7, "pis", "120.12345.67-0", "pis.check_digit")
    # an INSS a cent off what the payroll engine computes for its row (the net left as it was)
    folha = sheets["folha"]
    inss = folha.rows[13][folha.index("inss")] + Decimal("0.01")
    _set(sheets, p, "folha", 13, "inss", inss, "payroll.inss_mismatch")
    _set(sheets, p, "estoque_movimentos", 5, "ncm", "8471.30", "ncm.length")
    return p


def _plant_sao_paulo(sheets: dict[str, Sheet], rng: random.Random) -> list[Plant]:
    p: list[Plant] = []
    _set(sheets, p, "lancamentos", 12, "valor", Decimal("-350.00"), "number.negative")
    _set(sheets, p, "lancamentos", 25, "data", "5/3/26", "date.ambiguous")
    _set(sheets, p, "lancamentos", 35, "valor", "1.234", "number.ambiguous")
    _set(sheets, p, "plano_de_contas", 9, "tipo", "Ativos", "choice.invalid")  # 1.2
    _overpay(sheets, p, "contas_a_receber", 10, Decimal("0.01"), "receivable.overpaid")
    _set(
        sheets,
        p,
        "contas_a_receber",
        _open_bill(sheets, "contas_a_receber", 20),
        "vencimento",
        "30/13/2026",
        "date.invalid",
    )
    _set(sheets, p, "folha", 2, "chave_pix", "joao@", "pix.email")
    _set(sheets, p, "folha", 5, "banco", "9999", "bank.length")
    _set(sheets, p, "folha", 9, "salario_base", "dois mil", "number.invalid")
    # a count for a SKU that never moved
    counts = sheets["estoque_contagem"]
    counts.rows.append([LAST_DAY, "CAF-250", WAREHOUSES[0], Decimal(12), "Rafaela Castro Pinto"])
    p.append(Plant("estoque_contagem", len(counts.rows) - 1, "sku", "stock.unknown_sku"))
    # an outgoing movement: one whose type no longer reads cannot leave a balance short
    moves = sheets["estoque_movimentos"]
    outgoing = next(i for i in range(8, len(moves.rows)) if moves.rows[i][4] == "Saída")
    _set(sheets, p, "estoque_movimentos", outgoing, "tipo", "Devolução", "choice.invalid")
    return p


def _plant_rio(sheets: dict[str, Sheet], rng: random.Random) -> list[Plant]:
    p: list[Plant] = []
    _set(
        sheets,
        p,
        "contas_a_pagar",
        _open_bill(sheets, "contas_a_pagar", 3),
        "cpf_cnpj",
        "12.ABC.345/01DE-34",
        "cpf_cnpj.check_digit",
    )  # alphanumeric CNPJ, wrong check digit
    _set(
        sheets,
        p,
        "contas_a_pagar",
        _open_bill(sheets, "contas_a_pagar", 12),
        "emissao",
        None,
        "cell.required",
    )
    _set(
        sheets,
        p,
        "contas_a_pagar",
        _open_bill(sheets, "contas_a_pagar", 25),
        "conta",
        "2.1.9",
        "account.unknown",
    )
    _set(sheets, p, "lancamentos", 44, "data", "2026-13-01", "date.invalid")
    _set(sheets, p, "extrato", 17, "data", date(2027, 1, 3), "date.future")
    _set(sheets, p, "folha", 4, "competencia", "13/2026", "date.invalid")
    _set(sheets, p, "folha", 11, "cpf", "111.111.111-11", "cpf.repeated_digits")
    # an issue of more than the warehouse holds: sell the whole balance plus one
    _plant_negative_stock(sheets, p)
    return p


def _plant_negative_stock(sheets: dict[str, Sheet], p: list[Plant]) -> None:
    moves = sheets["estoque_movimentos"]
    sku, warehouse = PRODUCTS[2][0], WAREHOUSES[1]
    balance = Decimal(0)
    for i, row in enumerate(moves.rows):
        if row[1] != sku or row[7] != warehouse:
            continue
        sign = -1 if row[4] == "Saída" else 1
        if row[4] == "Saída" and balance > 10:
            row[5] = balance + 5
            p.append(Plant("estoque_movimentos", i, "quantidade", "stock.negative"))
            return
        balance += sign * row[5]
    raise AssertionError("no outgoing movement to plant a negative balance at")


PLANTERS: dict[str, Callable[[dict[str, Sheet], random.Random], list[Plant]]] = {
    "matriz": _plant_matriz,
    "filial_sao_paulo": _plant_sao_paulo,
    "filial_rio": _plant_rio,
}
