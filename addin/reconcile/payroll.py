"""Payroll vs payments: each employee's Líquido of a month against the debits on the statement.

A statement line is an employee's payment by what it carries: the employee's CPF or PIX key in
its description (the surest), the name (accent- and case-insensitive, rapidfuzz's partial ratio
so that a bank's truncated "PIX ENVIADO VINICIUS AZEVEDO C" still counts), and the amount.
Pairs are scored and assigned globally (scipy's `linear_sum_assignment`), so one employee's
line is never taken by another who happens to have the same Líquido. A line whose description
names nobody is paired by amount alone, and says so.

Only debits inside the pay window are looked at: by default from the 21st of the competência
to the 10th of the following month (CLT art. 459 §1 has salaries paid by the fifth business day
of the following month; some companies pay on the last days of the month itself).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from scipy.optimize import linear_sum_assignment

from retaguarda.addin.marks import inert
from retaguarda.templates.model import normalize_header
from retaguarda.templates.table import Table
from retaguarda.validators.fields.formatting import format_brl, format_date_br

#: a partial ratio at or above this says the name is in the description
NAME_THRESHOLD = 85
#: words of a debit that is not a payment to a person (never paired by amount alone)
NOT_SALARY = frozenset(
    {"boleto", "tarifa", "darf", "gps", "gru", "das", "fgts", "imposto", "tributo", "convenio"}
)
#: words of a debit that is a payment to an employee even when it names nobody
SALARY = frozenset(
    {"salario", "salarios", "folha", "holerite", "ordenado", "remuneracao", "ferias", "rescisao"}
)
_CPF = re.compile(r"(?<!\d)(\d{3})\.?(\d{3})\.?(\d{3})-?(\d{2})(?!\d)")
STATUS_PT = {
    "paid": "pago",
    "different_amount": "pago com valor diferente",
    "paid_twice": "pago em duplicidade",
    "not_paid": "não pago",
    "no_net_pay": "sem líquido na folha",
}
SHEET_HEADER = (
    "Linha da folha",
    "Matrícula",
    "Nome",
    "Líquido",
    "Pago",
    "Diferença",
    "Situação",
    "Linha(s) do extrato",
    "Motivo",
)


@dataclass(frozen=True)
class EmployeePayment:
    """One employee's Líquido of the month and what the statement shows was paid."""

    ref: str  # "Folha de pagamento!7"
    cell: str  # the Líquido cell
    registration: str
    name: str
    net_cents: int | None
    status: str  # a key of STATUS_PT
    statement: tuple[str, ...]  # the statement lines paying it
    paid_cents: int  # their total, as a positive amount
    reason: str

    @property
    def difference_cents(self) -> int | None:
        """paid − Líquido: positive when more was paid than the payroll says."""
        if self.net_cents is None or not self.statement:
            return None
        return self.paid_cents - self.net_cents


@dataclass(frozen=True)
class UnmatchedDebit:
    """A salary-like statement debit no employee of the month explains."""

    ref: str
    day: date
    cents: int
    description: str
    reason: str


@dataclass
class PayrollReconciliation:
    month: date
    window: tuple[date, date]
    employees: list[EmployeePayment]
    unmatched: list[UnmatchedDebit]
    warnings: list[str] = field(default_factory=list)

    @property
    def reconciled(self) -> bool:
        return not self.unmatched and all(e.status == "paid" for e in self.employees)

    def summary(self) -> dict[str, object]:
        counts = {status: 0 for status in STATUS_PT}
        for employee in self.employees:
            counts[employee.status] += 1
        net = sum(e.net_cents or 0 for e in self.employees)
        paid = sum(e.paid_cents for e in self.employees)
        return {
            "month": self.month.strftime("%m/%Y"),
            "window": [self.window[0].isoformat(), self.window[1].isoformat()],
            "employees": len(self.employees),
            **counts,
            "unmatched_statement": len(self.unmatched),
            "net_total": _decimal(net),
            "paid_total": _decimal(paid),
            "unmatched_total": _decimal(-sum(u.cents for u in self.unmatched)),
        }

    def to_json(self) -> dict[str, object]:
        return {
            "employees": [
                {
                    "ref": e.ref,
                    "cell": e.cell,
                    "registration": e.registration,
                    "name": e.name,
                    "net": None if e.net_cents is None else _decimal(e.net_cents),
                    "paid": _decimal(e.paid_cents),
                    "difference": (
                        None if e.difference_cents is None else _decimal(e.difference_cents)
                    ),
                    "status": e.status,
                    "statement": list(e.statement),
                    "reason": e.reason,
                }
                for e in self.employees
            ],
            "unmatched_statement": [
                {
                    "ref": u.ref,
                    "date": u.day.isoformat(),
                    "amount": _decimal(u.cents),
                    "description": u.description,
                    "reason": u.reason,
                }
                for u in self.unmatched
            ],
            "summary": self.summary(),
            "warnings": list(self.warnings),
        }

    def rows(self) -> list[list[object]]:
        """The comparison as a sheet: one row per employee, then the debits nobody explains."""
        out: list[list[object]] = [list(SHEET_HEADER)]
        for e in self.employees:
            out.append(
                [
                    inert(e.ref),
                    inert(e.registration),
                    inert(e.name),
                    _money(e.net_cents),
                    _money(e.paid_cents) if e.statement else None,
                    _money(e.difference_cents),
                    STATUS_PT[e.status],
                    inert(", ".join(e.statement)),
                    inert(e.reason),
                ]
            )
        for u in self.unmatched:
            out.append(
                [
                    "",
                    "",
                    inert(u.description),
                    None,
                    _money(-u.cents),
                    None,
                    "débito sem empregado",
                    inert(u.ref),
                    inert(u.reason),
                ]
            )
        return out


def pay_window(month: date) -> tuple[date, date]:
    """The days a competência's salaries are looked for: its 21st to the next month's 10th."""
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return date(month.year, month.month, 21), following + timedelta(days=9)


def payroll_months(payroll: Table) -> list[date]:
    """The competências the sheet holds, oldest first."""
    found = payroll.data["competencia"].dropna()
    return sorted({pd.Timestamp(v).date().replace(day=1) for v in found})


def reconcile_payroll(
    payroll: Table,
    statement: pd.DataFrame,
    month: date | None = None,
    window: tuple[date, date] | None = None,
) -> PayrollReconciliation:
    """The employees of `month` (the latest competência when None) against the debits of the
    `statement` lines (a `model.lines_frame`) inside `window` (see `pay_window`)."""
    months = payroll_months(payroll)
    month = (month or (months[-1] if months else date(1900, 1, 1))).replace(day=1)
    window = window or pay_window(month)
    employees = _employees(payroll, month)
    warnings = []
    if not employees:
        shown = ", ".join(m.strftime("%m/%Y") for m in months) or "nenhuma"
        warnings.append(
            f"A folha não tem nenhuma linha na competência {month:%m/%Y} "
            f"(competências na folha: {shown})."
        )
    debits = _debits(statement, window)
    scores, evidence = _scores(employees, debits)
    paired: dict[int, int] = {}
    if scores.size:
        rows, cols = linear_sum_assignment(scores, maximize=True)
        paired = {int(r): int(c) for r, c in zip(rows, cols, strict=True) if scores[r, c] > 0}
    taken = set(paired.values())
    extra: dict[int, list[int]] = {}
    for j in range(len(debits)):
        if j in taken:
            continue
        named = [i for i in paired if evidence[i][j] and evidence[i][j][0] != "amount"]
        if len(named) == 1:
            extra.setdefault(named[0], []).append(j)
            taken.add(j)
    results = [
        _result(e, debits, paired.get(i), extra.get(i, []), evidence[i], window)
        for i, e in enumerate(employees)
    ]
    unmatched = [
        UnmatchedDebit(
            ref=debits[j]["ref"],
            day=debits[j]["date"],
            cents=debits[j]["cents"],
            description=debits[j]["description"],
            reason="débito com cara de salário (“salário” ou “folha” ou um CPF na descrição, ou "
            "o nome ou o líquido de um empregado) que nenhum empregado do mês explica",
        )
        for j in range(len(debits))
        if j not in taken and _salary_like(debits[j], any(e[j] for e in evidence))
    ]
    return PayrollReconciliation(month, window, results, unmatched, warnings)


def _employees(payroll: Table, month: date) -> list[dict[str, object]]:
    data = payroll.data
    net = payroll.data["liquido"] if payroll.has("liquido") else None
    letter = payroll.letter("liquido") or payroll.letter("nome")
    out = []
    for i, row in enumerate(payroll.rows):
        competence = data["competencia"].iat[i]
        if pd.isna(competence) or pd.Timestamp(competence).date().replace(day=1) != month:
            continue
        cents = None if net is None or pd.isna(net.iat[i]) or net.iat[i] <= 0 else int(net.iat[i])
        out.append(
            {
                "ref": f"{payroll.sheet}!{row}",
                "cell": f"{payroll.sheet}!{letter}{row}",
                "registration": _text(data, "matricula", i),
                "name": _text(data, "nome", i),
                "folded": normalize_header(_text(data, "nome", i)),
                "cpf": re.sub(r"\D", "", _text(data, "cpf", i)),
                "pix": _pix_forms(_text(data, "chave_pix", i)),
                "cents": cents,
            }
        )
    return out


def _debits(statement: pd.DataFrame, window: tuple[date, date]) -> list[dict[str, object]]:
    if statement.empty:
        return []
    days = statement["date"].dt.date
    inside = (statement["cents"] < 0) & (days >= window[0]) & (days <= window[1])
    out = []
    for ref, day, cents, description, document in zip(
        statement["ref"][inside],
        days[inside],
        statement["cents"][inside],
        statement["description"][inside].fillna(""),
        statement["document"][inside].fillna(""),
        strict=True,
    ):
        text = f"{description} {document}"
        out.append(
            {
                "ref": str(ref),
                "date": day,
                "cents": int(cents),
                "description": str(description),
                "folded": normalize_header(text),
                "casefolded": text.casefold(),
                "cpfs": {"".join(m.groups()) for m in _CPF.finditer(text)},
                "digits": _digit_runs(text),
            }
        )
    return out


def _pix_forms(key: str) -> tuple[str, ...]:
    """How a PIX key may appear in a description: as typed (case-folded), and its digits when
    it is a CPF or a phone (a statement writes "+5519..." as "19..." or "5519...")."""
    key = key.strip()
    if not key:
        return ()
    if "@" in key or re.fullmatch(r"[0-9a-fA-F-]{36}", key):
        return (key.casefold(),)
    digits = re.sub(r"\D", "", key)
    if key.startswith("+55") and len(digits) >= 12:
        return (digits[2:],)
    return (digits,) if len(digits) >= 10 else ()


def _scores(
    employees: list[dict[str, object]], debits: list[dict[str, object]]
) -> tuple[np.ndarray, list[list[tuple[str, ...]]]]:
    """The score of each (employee, debit) pair and what it rests on ((), or the evidence:
    "cpf", "pix", "name" and "amount"). Identity weighs 3 (CPF or PIX) or 2 (name), the same
    amount 2, and the name's similarity breaks ties (< 0.1). A pair resting on the amount
    alone is dropped when the line names another employee or pays a bill."""
    shape = (len(employees), len(debits))
    if not all(shape):
        return np.zeros(shape), [[() for _ in debits] for _ in employees]
    similarity = process.cdist(
        [e["folded"] for e in employees],
        [d["folded"] for d in debits],
        scorer=fuzz.partial_ratio,
        workers=-1,
    )
    similarity[[not e["folded"] for e in employees], :] = 0
    name = similarity >= NAME_THRESHOLD
    nets = np.array([-1 if e["cents"] is None else e["cents"] for e in employees])
    amount = nets[:, None] == -np.array([d["cents"] for d in debits])[None, :]
    cpf = np.zeros(shape, dtype=bool)
    pix = np.zeros(shape, dtype=bool)
    for i, e in enumerate(employees):
        for j, d in enumerate(debits):
            cpf[i, j] = bool(e["cpf"]) and e["cpf"] in d["cpfs"]
            pix[i, j] = any(_pix_in(form, d) for form in e["pix"])
    named = cpf | pix | name
    bills = np.array([not _may_be_salary(d) for d in debits])
    amount_only = amount & ~named & (named.any(axis=0) | bills)[None, :]
    amount &= ~amount_only
    identity = np.where(cpf | pix, 3, np.where(name, 2, 0))
    scores = np.where(named | amount, identity + 2 * amount + similarity / 1000, 0.0)
    kinds = (("cpf", cpf), ("pix", pix), ("name", name), ("amount", amount))
    evidence = [
        [tuple(k for k, m in kinds if m[i, j]) for j in range(shape[1])] for i in range(shape[0])
    ]
    return scores, evidence


def _pix_in(form: str, debit: dict[str, object]) -> bool:
    if form.isdigit():
        return any(form in run for run in debit["digits"])
    return form in debit["casefolded"]


def _digit_runs(text: str) -> list[str]:
    """The numbers in `text` with their punctuation taken out ("(19) 96054-6739" is
    "19960546739"), for CPFs and phones written however the bank writes them."""
    joined = re.sub(r"(?<=\d)[\s.\-/()]+(?=\d)", "", re.sub(r"[()]", " ", text))
    return re.findall(r"\d+", joined)


def _may_be_salary(debit: dict[str, object]) -> bool:
    return not (set(debit["folded"].split()) & NOT_SALARY)


def _salary_like(debit: dict[str, object], paired_with_someone: bool) -> bool:
    words = set(debit["folded"].split())
    return _may_be_salary(debit) and (
        paired_with_someone or bool(words & SALARY) or bool(debit["cpfs"])
    )


def _result(
    employee: dict[str, object],
    debits: list[dict[str, object]],
    paired: int | None,
    extra: list[int],
    evidence: list[tuple[str, ...]],
    window: tuple[date, date],
) -> EmployeePayment:
    net = employee["cents"]
    lines = ([paired] if paired is not None else []) + extra
    paid = -sum(debits[j]["cents"] for j in lines)
    refs = tuple(debits[j]["ref"] for j in lines)

    def made(status: str, reason: str) -> EmployeePayment:
        return EmployeePayment(
            ref=employee["ref"],
            cell=employee["cell"],
            registration=employee["registration"],
            name=employee["name"],
            net_cents=net,
            status=status,
            statement=refs,
            paid_cents=paid,
            reason=reason,
        )

    if paired is None:
        if net is None:
            return made("no_net_pay", "a folha não traz o líquido deste empregado no mês")
        return made(
            "not_paid",
            f"nenhum débito entre {format_date_br(window[0])} e {format_date_br(window[1])} "
            "com o nome, o CPF, a chave PIX ou o valor do líquido",
        )
    why = _why(evidence[paired], debits[paired])
    if net is None:
        return made("no_net_pay", f"a folha não traz o líquido; pago {format_brl(paid)}: {why}")
    if extra:
        listed = ", ".join(refs)
        return made(
            "paid_twice",
            f"{len(refs)} pagamentos ({listed}) somando {format_brl(paid)} para um líquido de "
            f"{format_brl(net)}: {why}",
        )
    if paid != net:
        return made(
            "different_amount",
            f"pago {format_brl(paid)}, líquido {format_brl(net)}, diferença de "
            f"{format_brl(paid - net)}: {why}",
        )
    return made("paid", why)


def _why(found: tuple[str, ...], debit: dict[str, object]) -> str:
    said = {
        "cpf": "CPF na descrição",
        "pix": "chave PIX na descrição",
        "name": "nome na descrição",
        "amount": "mesmo valor",
    }
    parts = [said[f] for f in ("amount", "cpf", "pix", "name") if f in found]
    if found == ("amount",):
        parts.append("a descrição não identifica o empregado: confira")
    return ", ".join(parts) + f", em {format_date_br(debit['date'])}"


def _text(data: pd.DataFrame, key: str, i: int) -> str:
    if key not in data:
        return ""
    value = data[key].iat[i]
    return "" if pd.isna(value) else str(value)


def _decimal(cents: int) -> str:
    return str(Decimal(int(cents)).scaleb(-2))


def _money(cents: int | None) -> Decimal | None:
    return None if cents is None else Decimal(int(cents)).scaleb(-2)
