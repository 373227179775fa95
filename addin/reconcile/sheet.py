"""The "Conciliação" sheet: what a bank reconciliation shows a person, and what they answer.

One grid, the same wherever it goes (the open workbook through the port, a standalone .xlsx):
a summary block on top (the account, which a person may change there, the balances and the
items that explain their difference, the warnings), then one header row and sections below it:
the matched pairs, the differences to post, the rejected pairs, the statement lines without a
ledger line and the ledger lines without a statement line.

A person answers in the "Decisão" column ("confirmar" or "rejeitar", any case, with or without
accents). Every row of a match carries its ID (`model.match_id`: the same lines give the same
id on every run) and its lines' references, so the next run reads the decisions back even
after rows were sorted; a row whose ID does not fit its references was edited beyond trust
and is ignored, as is anything else that is not a match row. Rejections are written again in
their own section, so they outlive every rerun as confirmations do.

Everything copied from the user's data (descriptions, sheet names in references, the reasons
that quote them) is made inert (`marks.inert`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pandas as pd

from retaguarda.addin.marks import FORMULA_PREFIXES, inert
from retaguarda.addin.reconcile.bank import Reconciliation
from retaguarda.addin.reconcile.model import Decision, Match, Status, match_id
from retaguarda.templates.model import RECONCILIATION_SHEET
from retaguarda.validators.issues import cell_address

SHEET = RECONCILIATION_SHEET
TITLE = "Conciliação bancária"
ACCOUNT_LABEL = "Conta contábil"
HEADER = (
    "ID",
    "Status",
    "Pontuação",
    "Decisão",
    "Motivo",
    "Data extrato",
    "Extrato",
    "Descrição no extrato",
    "Valor extrato",
    "Data razão",
    "Razão",
    "Histórico no razão",
    "Valor razão",
    "Diferença",
)
WIDTH = len(HEADER)
#: summary values sit in this column, under their label in column A
VALUE = HEADER.index("Decisão")
#: the summary's second column of labels and values (the gap and what explains it)
_RIGHT_LABEL, _RIGHT_VALUE = HEADER.index("Motivo"), HEADER.index("Valor extrato")
CONFIRM, REJECT = "confirmar", "rejeitar"
NO_BALANCE = "não informado"
_ID = re.compile(r"C[0-9A-F]{12}")
_COL = {name: i for i, name in enumerate(HEADER)}


@dataclass
class SheetLayout:
    """The grid (every row `WIDTH` long), the 1-based row of its header, its links as
    (cell, target, text) and the 1-based rows that head a section (shown bold)."""

    rows: list[list[object]]
    header_row: int = 0
    links: list[tuple[str, str, str]] = field(default_factory=list)
    headings: list[int] = field(default_factory=list)


def conciliation_sheet(rec: Reconciliation) -> SheetLayout:
    """The "Conciliação" sheet of a reconciliation."""
    out = SheetLayout(_summary(rec))
    out.rows.append(_row())
    out.rows.append(list(HEADER))
    out.header_row = len(out.rows)
    statement = _Side(rec.statement_lines)
    ledger = _Side(rec.ledger_lines)
    matching = rec.matching
    _heading(
        out,
        f"Pares conciliados ({len(matching.matches)}): escreva “{CONFIRM}” ou “{REJECT}” na "
        "coluna Decisão e rode a conciliação de novo.",
    )
    differences = rec.differences
    for match, difference in zip(matching.matches, differences, strict=True):
        decision = CONFIRM if match.status is Status.CONFIRMED else ""
        _pair(out, match, statement, ledger, difference, decision)
    posted = [(m, d) for m, d in zip(matching.matches, differences, strict=True) if d]
    _heading(out, f"Diferenças a lançar ({len(posted)}): tarifas e outras diferenças aceitas.")
    for match, difference in posted:
        _pair(out, match, statement, ledger, difference, "")
    _heading(out, f"Pares rejeitados ({len(rec.rejected)}): não serão propostos de novo.")
    for decision in rec.rejected:
        rejected = Match(decision.statement, decision.ledger, Status.SUGGESTED, 0.0, "", "")
        _pair(out, rejected, statement, ledger, None, REJECT, status="rejeitada")
    _heading(out, f"Linhas do extrato sem lançamento ({len(matching.unmatched_statement)})")
    for ref in matching.unmatched_statement:
        row = _row()
        _statement_cells(out, row, statement.line(ref))
        out.rows.append(row)
    _heading(out, f"Lançamentos sem linha no extrato ({len(matching.unmatched_ledger)})")
    for ref in matching.unmatched_ledger:
        row = _row()
        _ledger_cells(out, row, ledger.line(ref))
        out.rows.append(row)
    if rec.warnings:
        _heading(out, f"Avisos ({len(rec.warnings)})")
        out.rows += [_row(inert(w.message)) for w in rec.warnings]
    return out


def account_sheet(message: str, account: str = "") -> SheetLayout:
    """The sheet that asks for the account when none could be chosen: the title, the
    "Conta contábil" cell to fill in, and why it is asked."""
    rows = [_row(TITLE), _row(ACCOUNT_LABEL, value=account), _row(inert(message))]
    return SheetLayout(rows)


def account_from_sheet(values: Sequence[Sequence[object]]) -> str:
    """The account a person wrote next to "Conta contábil" in a previous sheet ("" if none)."""
    for row in list(values)[:20]:
        cells = list(row or ())
        if cells and _plain_word(cells[0]) == _plain_word(ACCOUNT_LABEL):
            for value in cells[1:]:
                if value is not None and str(value).strip():
                    return _plain(value).strip()
    return ""


def decisions_from_sheet(values: Sequence[Sequence[object]]) -> list[Decision]:
    """The decisions written in a previous "Conciliação" sheet: each match's ID, its lines'
    references and the first "confirmar"/"rejeitar" found among its rows. Rows that are not
    a match's, and matches whose references no longer give their ID, are ignored."""
    grid = [list(row or ()) for row in values]
    found = _header(grid)
    if found is None:
        return []
    start, columns = found
    groups: dict[str, tuple[list[str], list[str], list[bool]]] = {}
    for row in grid[start + 1 :]:
        key = _at(row, columns["id"])
        if not _ID.fullmatch(key):
            continue
        statement, ledger, said = groups.setdefault(key, ([], [], []))
        if ref := _at(row, columns["extrato"]):
            statement.append(ref)
        if ref := _at(row, columns["razao"]):
            ledger.append(ref)
        text = _at(row, columns["decisao"])
        answer = _answer(text) if text else None
        if answer is not None:
            said.append(answer)
    decisions = []
    for key, (statement, ledger, said) in groups.items():
        s, l_ = tuple(dict.fromkeys(statement)), tuple(dict.fromkeys(ledger))
        if said and s and l_ and match_id(s, l_) == key:
            decisions.append(Decision(s, l_, said[0]))
    return decisions


def amounts_from_sheet(values: Sequence[Sequence[object]]) -> dict[str, int]:
    """The amount, in cents, that a previous sheet showed for each line of its pairs: a
    decision holds only while its lines still carry the amounts the person saw (a row
    inserted above a ledger line, or next month's statement pasted over this one, gives the
    same reference to another line)."""
    grid = [list(row or ()) for row in values]
    found = _header(grid)
    if found is None:
        return {}
    start, columns = found
    seen: dict[str, int] = {}
    for row in grid[start + 1 :]:
        if not _ID.fullmatch(_at(row, columns["id"])):
            continue
        for side, amount in (("extrato", "valor extrato"), ("razao", "valor razao")):
            ref = _at(row, columns[side])
            at = columns.get(amount, len(row))
            value = row[at] if at < len(row) else None
            if ref and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                seen.setdefault(ref, round(Decimal(str(value)) * 100))
    return seen


def _summary(rec: Reconciliation) -> list[list[object]]:
    s = rec.summary
    st = rec.statement
    bank = " · ".join(
        part
        for part in (
            st.source,
            f"banco {st.bank}" if st.bank else "",
            f"agência {st.agency}" if st.agency else "",
            f"conta {st.account}" if st.account else "",
        )
        if part
    )
    period = (
        f"{s.first_day:%d/%m/%Y} a {s.last_day:%d/%m/%Y}" if s.first_day and s.last_day else "—"
    )

    def money(value: Decimal | None) -> object:
        return NO_BALANCE if value is None else value

    left = [
        (ACCOUNT_LABEL, inert(rec.account)),
        ("Extrato", inert(bank or "—")),
        ("Período do extrato", period),
        ("Saldo inicial do extrato", money(s.opening)),
        ("Movimento do extrato", s.statement_total),
        ("Saldo final do extrato", money(s.closing)),
        ("Saldo do razão antes do extrato", s.ledger_before),
        ("Saldo do razão até o fim do extrato", s.ledger_balance),
    ]
    notes = f"Pares: {s.matches} ({s.confirmed} confirmado(s), {s.suggested} sugerido(s))"
    if s.ledger_after_count:
        notes += f"; {s.ledger_after_count} lançamento(s) depois do extrato ficaram fora"
    if rec.booked_in_journal:
        notes += (
            f"; {len(rec.booked_in_journal)} título(s) já lançado(s) nos Lançamentos "
            "contaram uma vez só"
        )
    if rec.warnings:
        notes += f"; {len(rec.warnings)} aviso(s) no fim da aba"
    right = [
        ("Diferença (saldo final do extrato − razão)", money(s.gap)),
        ("  saldo inicial do extrato − razão antes dele", money(s.opening_difference)),
        (
            f"  linhas do extrato sem lançamento ({s.unmatched_statement_count})",
            s.unmatched_statement,
        ),
        (
            f"  lançamentos sem linha no extrato ({s.unmatched_ledger_count}), com sinal trocado",
            -s.unmatched_ledger,
        ),
        (f"  diferenças a lançar ({s.differences_count})", s.differences),
        ("  não explicado (o extrato não fecha)", money(s.unexplained)),
        (notes + ".", ""),
    ]
    title = _row(TITLE)
    title[_RIGHT_LABEL] = "A diferença, explicada (as parcelas somam a diferença):"
    rows = [title]
    for i, (label, value) in enumerate(left):
        row = _row(label, value=value)
        if i < len(right):
            row[_RIGHT_LABEL], row[_RIGHT_VALUE] = right[i]
        rows.append(row)
    return rows


def _pair(
    out: SheetLayout,
    match: Match,
    statement: _Side,
    ledger: _Side,
    difference: Decimal | None,
    decision: str,
    *,
    status: str = "",
) -> None:
    """A match's rows: one per line of its longer side, each with the match's ID."""
    for i in range(max(len(match.statement), len(match.ledger), 1)):
        row = _row()
        row[_COL["ID"]] = match.id
        if i == 0:
            row[_COL["Status"]] = status or str(match.status)
            row[_COL["Pontuação"]] = round(float(match.score), 2) if not status else ""
            row[_COL["Decisão"]] = decision
            row[_COL["Motivo"]] = inert(match.reason)
            row[_COL["Diferença"]] = "" if difference is None else difference
        if i < len(match.statement):
            ref = match.statement[i]
            _statement_cells(out, row, statement.line(ref))
        if i < len(match.ledger):
            ref = match.ledger[i]
            _ledger_cells(out, row, ledger.line(ref))
        out.rows.append(row)


def _statement_cells(out: SheetLayout, row: list[object], line: _Line) -> None:
    _side(out, row, line, "Data extrato", "Extrato", "Descrição no extrato", "Valor extrato")


def _ledger_cells(out: SheetLayout, row: list[object], line: _Line) -> None:
    _side(out, row, line, "Data razão", "Razão", "Histórico no razão", "Valor razão")


def _side(
    out: SheetLayout, row: list[object], line: _Line, day: str, ref: str, text: str, value: str
) -> None:
    if line.date is not None:
        row[_COL[day]] = line.date
    row[_COL[ref]] = inert(line.ref)
    description = line.description
    if line.document and line.document not in description:
        description = f"{description} ({line.document})" if description else line.document
    row[_COL[text]] = inert(description)
    if line.amount is not None:
        row[_COL[value]] = line.amount
    cell = line.cell
    if "!" in cell:
        sheet, _, address = cell.rpartition("!")
        target = cell_address(sheet, address, always_quote=True)
        here = f"{_letter(_COL[ref])}{len(out.rows) + 1}"
        out.links.append((here, target, str(row[_COL[ref]])))


def _heading(out: SheetLayout, text: str) -> None:
    out.rows.append(_row())
    out.rows.append(_row(text))
    out.headings.append(len(out.rows))


def _row(label: str = "", *, value: object = "") -> list[object]:
    row: list[object] = [""] * WIDTH
    row[0] = label
    if value != "":
        row[VALUE] = value
    return row


@dataclass(frozen=True)
class _Line:
    ref: str
    date: date | None = None
    amount: Decimal | None = None
    description: str = ""
    document: str = ""
    cell: str = ""


class _Side:
    """One side's lines by reference, as plain Python values: a sheet of 100,000 pairs is
    built in seconds, where a pandas row per line took most of a minute."""

    def __init__(self, lines: pd.DataFrame) -> None:
        self._refs = lines["ref"].tolist()
        self._index = {ref: i for i, ref in enumerate(self._refs)}
        # numpy's days convert to datetime.date (NaT to None) in one call
        self._dates = lines["date"].to_numpy().astype("datetime64[D]").tolist()
        self._cents = lines["cents"].tolist()
        self._text = lines["description"].fillna("").tolist()
        self._documents = lines["document"].fillna("").tolist()
        self._cells = lines["cell"].fillna("").tolist()

    def line(self, ref: str) -> _Line:
        i = self._index.get(ref)
        if i is None:  # a line the matcher named that this side does not hold
            return _Line(ref)
        return _Line(
            ref,
            self._dates[i],
            Decimal(int(self._cents[i])).scaleb(-2),
            str(self._text[i]),
            str(self._documents[i]),
            str(self._cells[i]),
        )


def _letter(index: int) -> str:
    return chr(ord("A") + index)


def _header(grid: list[list[object]]) -> tuple[int, dict[str, int]] | None:
    """The header row (the first with the ID, Decisão, Extrato and Razão columns, wherever
    they were moved) and where each of the sheet's columns is in it."""
    wanted = {"id", "decisao", "extrato", "razao"}
    for number, row in enumerate(grid):
        names = {_plain_word(v): i for i, v in reversed(list(enumerate(row)))}
        if wanted <= set(names):
            return number, names
    return None


def _at(row: list[object], index: int) -> str:
    if index >= len(row) or row[index] is None:
        return ""
    return _plain(row[index]).strip()


def _answer(text: str) -> bool | None:
    word = _plain_word(text)
    if word.startswith("confirm"):
        return True
    if word.startswith(("rejeit", "reject", "recus")):
        return False
    return None


def _plain(value: object) -> str:
    """Undo `inert` on a value read back: Excel drops the quote, an .xlsx file keeps it."""
    text = str(value)
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def _plain_word(value: object) -> str:
    """Accent-, case- and space-insensitive: "Decisão", " DECISAO " and "decisão" are one."""
    decomposed = unicodedata.normalize("NFKD", str(value if value is not None else ""))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().strip()
