"""Payroll vs payments: each employee's Líquido of a month against the debits on the statement.

A statement line is an employee's payment by what it carries: the employee's CPF or PIX key in
its description (the surest), the name (accent- and case-insensitive, whole or cut short at
the end as a bank's "PIX ENVIADO VINICIUS AZEVEDO C" is, rapidfuzz's partial ratio for the
rest), and the amount. Pairs are scored and assigned globally (scipy's
`linear_sum_assignment`), so one employee's line is never taken by another who happens to have
the same Líquido. A line paired by its amount alone says so.

Only debits inside the pay window are looked at: by default from the 21st of the competência
to the 10th of the following month (CLT art. 459 §1 has salaries paid by the fifth business day
of the following month; some companies pay on the last days of the month itself).
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
from rapidfuzz import fuzz
from scipy.optimize import linear_sum_assignment

from retaguarda.addin.marks import inert
from retaguarda.templates.model import normalize_header
from retaguarda.templates.table import Table
from retaguarda.validators.fields.formatting import format_brl, format_date_br

#: a partial ratio at or above this says the name is in the description
NAME_THRESHOLD = 85
#: a name cut short at the end of a description counts from this many letters on
TRUNCATED = 12
#: words of a debit that is not a payment to a person (never paired by amount alone)
NOT_SALARY = frozenset(
    {"boleto", "tarifa", "darf", "gps", "gru", "das", "fgts", "imposto", "tributo", "convenio"}
)
#: words of a debit that is a payment to an employee even when it names nobody
SALARY = frozenset(
    {"salario", "salarios", "folha", "holerite", "ordenado", "remuneracao", "ferias", "rescisao"}
)
#: e-mails and random (EVP) keys as a description may carry them
_TEXT_KEY = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
    r"[0-9a-fA-F]{12}"
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
    if not months:
        warnings.append(f"A aba {payroll.sheet} não tem nenhuma linha com competência.")
    elif not employees:
        shown = ", ".join(m.strftime("%m/%Y") for m in months)
        warnings.append(
            f"A folha não tem nenhuma linha na competência {month:%m/%Y} "
            f"(competências na folha: {shown})."
        )
    debits = _debits(statement, window)
    evidence = _evidence(employees, debits)
    paired = _assign(evidence)
    taken = set(paired.values())
    by_debit: dict[int, list[int]] = defaultdict(list)
    for i, j in evidence:
        by_debit[j].append(i)
    extra: dict[int, list[int]] = defaultdict(list)
    for j in sorted(by_debit):
        named = [i for i in by_debit[j] if i in paired and evidence[i, j][0] != "amount"]
        if j not in taken and len(named) == 1:
            extra[named[0]].append(j)
            taken.add(j)
    results = [
        _result(e, debits, paired.get(i), extra[i], evidence.get((i, paired.get(i, -1))), window)
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
        if j not in taken and _salary_like(debits[j], j in by_debit)
    ]
    return PayrollReconciliation(month, window, results, unmatched, warnings)


def _employees(payroll: Table, month: date) -> list[dict[str, object]]:
    data = payroll.data
    competence = data["competencia"].dt.to_period("M")
    chosen = (competence == pd.Period(month, "M")).fillna(False).to_numpy()
    letter = payroll.letter("liquido") or payroll.letter("nome")
    net = data["liquido"] if payroll.has("liquido") else pd.Series(pd.NA, index=data.index)
    columns = {key: _texts(data, key, chosen) for key in ("matricula", "nome", "cpf", "chave_pix")}
    out = []
    for n, (row, cents) in enumerate(zip(payroll.rows[chosen], net[chosen], strict=True)):
        name = columns["nome"][n]
        out.append(
            {
                "ref": f"{payroll.sheet}!{row}",
                "cell": f"{payroll.sheet}!{letter}{row}",
                "registration": columns["matricula"][n],
                "name": name,
                "folded": normalize_header(name),
                "cpf": re.sub(r"\D", "", columns["cpf"][n]),
                "pix": _pix_forms(columns["chave_pix"][n]),
                "cents": None if pd.isna(cents) or cents <= 0 else int(cents),
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
                "keys": _keys(text),
            }
        )
    return out


def _pix_forms(key: str) -> tuple[str, ...]:
    """How a PIX key may appear in a description: as typed (case-folded), and its digits when
    it is a CPF or a phone (a statement writes "+5519..." as "19..." or "5519...")."""
    key = key.strip()
    if not key:
        return ()
    if _TEXT_KEY.fullmatch(key):
        return (key.casefold(),)
    digits = re.sub(r"\D", "", key)
    if key.startswith("+55") and len(digits) >= 12:
        return (digits[2:],)
    return (digits,) if len(digits) >= 10 else ()


def _evidence(
    employees: list[dict[str, object]], debits: list[dict[str, object]]
) -> dict[tuple[int, int], tuple[str, ...]]:
    """What ties each (employee, debit) pair that anything ties: "cpf", "pix", "name",
    "amount", in that order. Found through indexes (CPF, PIX key, name words, amount), never
    by trying every pair: a company's payroll against a month of statement lines. A pair
    resting on the amount alone is dropped when the line pays a bill."""
    found: dict[tuple[int, int], set[str]] = defaultdict(set)
    indexes: dict[str, dict[object, list[int]]] = {
        k: defaultdict(list) for k in ("cpf", "pix", "word", "cents")
    }
    for i, e in enumerate(employees):
        if e["cpf"]:
            indexes["cpf"][e["cpf"]].append(i)
        for form in e["pix"]:
            indexes["pix"][form].append(i)
        for pair in _word_pairs(e["folded"].split(), ends=True):
            indexes["word"][pair].append(i)
        if e["cents"] is not None:
            indexes["cents"][e["cents"]].append(i)
    for j, d in enumerate(debits):
        for cpf in d["cpfs"]:
            for i in indexes["cpf"].get(cpf, ()):
                found[i, j].add("cpf")
        for key in d["keys"]:
            for i in indexes["pix"].get(key, ()):
                found[i, j].add("pix")
        pairs = _word_pairs(d["folded"].split(), ends=False)
        near = {i for pair in pairs for i in indexes["word"].get(pair, ())}
        for i in near:
            if _named(employees[i]["folded"], d["folded"]):
                found[i, j].add("name")
        for i in indexes["cents"].get(-d["cents"], ()):
            found[i, j].add("amount")
    order = ("cpf", "pix", "name", "amount")
    return {
        (i, j): tuple(k for k in order if k in kinds)
        for (i, j), kinds in found.items()
        if kinds != {"amount"} or _may_be_salary(debits[j])
    }


def _word_pairs(words: list[str], *, ends: bool) -> set[str]:
    """Two words in a row: a name's first two and last two (`ends`), or every such pair of a
    description. A name is looked for only in the descriptions that share one of them, so that
    a thousand Marias are not each compared with every line."""
    if len(words) < 2:
        return set(words)
    if ends:
        return {f"{words[0]} {words[1]}", f"{words[-2]} {words[-1]}"}
    return {f"{a} {b}" for a, b in itertools.pairwise(words)} | set(words)


def _named(name: str, text: str) -> bool:
    """Whether the (folded) `text` names the employee: the whole name, the name cut short at
    the end of the text as banks cut it (at least `TRUNCATED` letters of it), or a name
    rapidfuzz finds close enough (a letter dropped, a word abbreviated)."""
    if not name:
        return False
    at = text.find(name.split()[0])
    while at >= 0:
        rest = text[at:]
        if rest.startswith(name) or (len(rest) >= TRUNCATED and name.startswith(rest)):
            return True
        at = text.find(name.split()[0], at + 1)
    return fuzz.partial_ratio(name, text) >= NAME_THRESHOLD


def _assign(evidence: dict[tuple[int, int], tuple[str, ...]]) -> dict[int, int]:
    """Employee → debit, the pairs with the highest total score, each side used once: CPF or
    PIX weigh 3, the name 2, the same amount 2 beside them and 1 alone (a line that names
    someone else goes to them first). Solved optimally (scipy's `linear_sum_assignment`) in
    each connected group of pairs, which stays small."""
    parent: dict[object, object] = {}

    def root(node: object) -> object:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for i, j in evidence:
        parent[root(("e", i))] = root(("d", j))
    groups: dict[object, list[tuple[int, int]]] = defaultdict(list)
    for i, j in evidence:
        groups[root(("e", i))].append((i, j))
    paired: dict[int, int] = {}
    for pairs in groups.values():
        rows = sorted({i for i, _ in pairs})
        cols = sorted({j for _, j in pairs})
        at_row = {i: n for n, i in enumerate(rows)}
        at_col = {j: n for n, j in enumerate(cols)}
        scores = np.zeros((len(rows), len(cols)))
        for i, j in pairs:
            kinds = evidence[i, j]
            identity = 3 if "cpf" in kinds or "pix" in kinds else (2 if "name" in kinds else 0)
            amount = ("amount" in kinds) * (2 if identity else 1)
            scores[at_row[i], at_col[j]] = identity + amount
        for r, c in zip(*linear_sum_assignment(scores, maximize=True), strict=True):
            if scores[r, c] > 0:
                paired[rows[r]] = cols[c]
    return paired


def _keys(text: str) -> set[str]:
    """What in `text` may be a PIX key, in the forms `_pix_forms` gives: e-mails and random
    keys case-folded, and each number with its punctuation taken out ("(19) 96054-6739" is
    "19960546739"), also without a country code 55 in front."""
    keys = {m.casefold() for m in _TEXT_KEY.findall(text)}
    joined = re.sub(r"(?<=\d)[\s.\-/()]+(?=\d)", "", re.sub(r"[()]", " ", text))
    for run in re.findall(r"\d{10,}", joined):
        keys.update({run, run[-11:], run[-10:]})
        if run.startswith("55"):
            keys.add(run[2:])
    return keys


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
    evidence: tuple[str, ...] | None,
    window: tuple[date, date],
) -> EmployeePayment:
    """The employee's standing; `evidence` is what ties it to the `paired` debit."""
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
    why = _why(evidence or (), debits[paired])
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


def _texts(data: pd.DataFrame, key: str, chosen: np.ndarray) -> list[str]:
    if key not in data:
        return [""] * int(chosen.sum())
    return [str(v) for v in data[key][chosen].fillna("")]


def _decimal(cents: int) -> str:
    return str(Decimal(int(cents)).scaleb(-2))


def _money(cents: int | None) -> Decimal | None:
    return None if cents is None else Decimal(int(cents)).scaleb(-2)
