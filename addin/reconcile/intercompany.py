"""Team vs team: the Matriz's transfers to its filiais against the filiais' transfers from it.

Each side books a transfer on its own transfer account: the Matriz debits it when money goes to
a filial (an amount the filial owes back), the filial credits its own when the money arrives,
and the other way round when money goes back. From each account's point of view the two
bookings carry opposite signs, so the filiais' lines are turned around and the two sides go to
the bank matcher (`match.match_lines`) as a statement and a ledger would: same amount within a
date window, a document number in common, one transfer booked in parts on the other side.
Whatever is left on one side is what only that team booked.

A transfer account is recognised in each team's Plano de contas by its name: an account that
accepts entries and whose name speaks of transfers between the teams ("Transferências entre
filiais", "Transferências para filiais", "Transferências da matriz", or "intercompany"), every
such account of a team taken together; or given by its code (`TeamBooks.accounts`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd

from retaguarda.addin.marks import inert
from retaguarda.addin.reconcile.match import match_lines
from retaguarda.addin.reconcile.model import Match, MatchOptions, lines_frame
from retaguarda.templates.model import normalize_header
from retaguarda.templates.table import Table

#: first letters of the words that, after a transfer word, make an account a team transfer one
TEAM_WORDS = ("filia", "matriz", "equipe", "unidade", "loja")
SHEET_HEADER = (
    "Situação",
    "Lançamento(s) da Matriz",
    "Lançamento(s) da filial",
    "Data",
    "Valor (Matriz)",
    "Histórico",
    "Motivo",
)


class TransferAccountError(ValueError):
    """No transfer account could be told for a team; the message says what to do, in
    Portuguese."""


@dataclass(frozen=True)
class TeamBooks:
    """One team's tables, its name as the results show it, and the transfer accounts to
    read (empty: recognised from its Plano de contas)."""

    name: str
    tables: Sequence[Table]
    accounts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Booked:
    """A transfer line only one side booked, signed from its own account's point of view."""

    team: str
    ref: str
    day: str
    cents: int
    description: str
    document: str


@dataclass
class TeamsReconciliation:
    matriz: str
    accounts: dict[str, tuple[str, ...]]
    matches: list[Match]
    only_matriz: list[Booked]
    only_filial: list[Booked]
    #: every line of both sides by its ref, for the sheet's matched rows
    booked: dict[str, Booked]
    #: the Matriz's balance on its transfer accounts, and each filial's, turned around
    balances: dict[str, int]
    warnings: list[str] = field(default_factory=list)

    @property
    def reconciled(self) -> bool:
        return not self.only_matriz and not self.only_filial and not self.differences

    @property
    def differences(self) -> list[Match]:
        return [m for m in self.matches if m.difference_cents]

    def summary(self) -> dict[str, object]:
        filiais = sum(v for k, v in self.balances.items() if k != self.matriz)
        return {
            "matriz": self.matriz,
            "accounts": {team: list(codes) for team, codes in self.accounts.items()},
            "matches": len(self.matches),
            "only_matriz": len(self.only_matriz),
            "only_filial": len(self.only_filial),
            "matriz_balance": _decimal(self.balances.get(self.matriz, 0)),
            "filiais_balance": _decimal(filiais),
            "gap": _decimal(self.balances.get(self.matriz, 0) - filiais),
        }

    def to_json(self) -> dict[str, object]:
        return {
            "matches": [
                {
                    "id": m.id,
                    "matriz": list(m.statement),
                    "filial": list(m.ledger),
                    "status": str(m.status),
                    "score": round(m.score, 3),
                    "difference": _decimal(m.difference_cents),
                    "reason": m.reason,
                }
                for m in self.matches
            ],
            "only_matriz": [_booked_json(b) for b in self.only_matriz],
            "only_filial": [_booked_json(b) for b in self.only_filial],
            "summary": self.summary(),
            "warnings": list(self.warnings),
        }

    def rows(self) -> list[list[object]]:
        """The comparison as a sheet: header first, matched pairs, then each side's leftovers."""
        out: list[list[object]] = [list(SHEET_HEADER)]
        for m in self.matches:
            first = self.booked[m.statement[0]]
            out.append(
                [
                    "conciliado" if not m.difference_cents else "conciliado com diferença",
                    inert(", ".join(m.statement)),
                    inert(", ".join(m.ledger)),
                    pd.Timestamp(first.day).date(),
                    Decimal(sum(self.booked[r].cents for r in m.statement)).scaleb(-2),
                    inert(first.description),
                    inert(m.reason),
                ]
            )
        for b in self.only_matriz:
            out.append(_booked_row(b, "só a Matriz lançou", matriz=True))
        for b in self.only_filial:
            out.append(_booked_row(b, f"só {b.team} lançou", matriz=False))
        return out


def transfer_accounts(team: TeamBooks) -> tuple[str, ...]:
    """The team's transfer accounts: those given, or those its Plano de contas names so."""
    if team.accounts:
        return team.accounts
    chart = next((t for t in team.tables if t.template.id == "plano_de_contas"), None)
    if chart is None:
        raise TransferAccountError(
            f"{team.name} não tem aba Plano de contas para achar a conta de transferências "
            "entre filiais: informe o código da conta (--matriz-account / --filial-account)."
        )
    data = chart.data
    found = []
    for code, name, postable in zip(
        data["codigo"], data["conta"], data["aceita_lancamento"], strict=True
    ):
        if pd.isna(code) or pd.isna(name) or (not pd.isna(postable) and postable != "Sim"):
            continue
        if is_transfer_account(str(name)):
            found.append(str(code).strip())
    if not found:
        raise TransferAccountError(
            f"O Plano de contas de {team.name} não tem conta de transferências entre filiais "
            "(uma conta analítica com “Transferências entre filiais” ou “Transferências da "
            "matriz” no nome): crie-a ou informe o código (--matriz-account / "
            "--filial-account)."
        )
    return tuple(found)


def is_transfer_account(name: str) -> bool:
    """Whether an account's name says it holds the transfers between the teams."""
    words = normalize_header(name).split()
    if any(w.startswith("intercompan") for w in words):
        return True
    transfer = next((n for n, w in enumerate(words) if w.startswith("transf")), None)
    return transfer is not None and any(w.startswith(TEAM_WORDS) for w in words[transfer + 1 :])


def team_lines(team: TeamBooks, accounts: Sequence[str]) -> pd.DataFrame:
    """Every journal line on the team's transfer accounts, as `Lines`: debits positive,
    credits negative; refs carry the team's name ("Filial Rio: Lançamentos!17")."""
    refs, days, cents, texts, documents, cells = [], [], [], [], [], []
    wanted = {a.strip() for a in accounts}
    for table in team.tables:
        if table.template.id != "lancamentos":
            continue
        data = table.data
        letter = table.letter("valor")
        for i, row in enumerate(table.rows):
            value, day = data["valor"].iat[i], data["data"].iat[i]
            if pd.isna(value) or pd.isna(day):
                continue
            debit = _code(data["conta_debito"].iat[i]) in wanted
            credit = _code(data["conta_credito"].iat[i]) in wanted
            if debit == credit:
                continue
            refs.append(f"{team.name}: {table.sheet}!{row}")
            days.append(day)
            cents.append(int(value) if debit else -int(value))
            texts.append(_text(data, "historico", i))
            documents.append(_text(data, "documento", i))
            cells.append(f"{table.sheet}!{letter}{row}")
    return lines_frame(refs, days, cents, texts, documents, cells, team=[team.name] * len(refs))


def reconcile_teams(
    matriz: TeamBooks,
    filiais: Sequence[TeamBooks],
    options: MatchOptions | None = None,
) -> TeamsReconciliation:
    """The Matriz's transfer lines against every filial's, turned around, matched as a bank
    statement against its ledger; `TransferAccountError` when an account cannot be told."""
    options = options or MatchOptions()
    accounts = {matriz.name: transfer_accounts(matriz)}
    for filial in filiais:
        accounts[filial.name] = transfer_accounts(filial)
    own = team_lines(matriz, accounts[matriz.name])
    theirs = [team_lines(f, accounts[f.name]) for f in filiais]
    others = pd.concat(theirs, ignore_index=True) if theirs else own.iloc[0:0].copy()
    balances = {matriz.name: int(own["cents"].sum())}
    for filial, lines in zip(filiais, theirs, strict=True):
        balances[filial.name] = -int(lines["cents"].sum())
    turned = others.copy()
    turned["cents"] = -turned["cents"]
    matching = match_lines(own, turned, options)
    warnings = []
    for filial, lines in zip(filiais, theirs, strict=True):
        if lines.empty:
            warnings.append(
                f"{filial.name} não tem lançamentos nas contas de transferência "
                f"{', '.join(accounts[filial.name])}."
            )
    booked = {b.ref: b for b in _booked(own) + _booked(others)}
    return TeamsReconciliation(
        matriz=matriz.name,
        accounts=accounts,
        matches=matching.matches,
        only_matriz=sorted((booked[r] for r in matching.unmatched_statement), key=_order),
        only_filial=sorted(
            (booked[r] for r in matching.unmatched_ledger),
            key=lambda b: (list(accounts).index(b.team), *_order(b)),
        ),
        booked=booked,
        balances=balances,
        warnings=warnings,
    )


def _booked(chosen: pd.DataFrame) -> list[Booked]:
    return [
        Booked(
            team=str(team),
            ref=str(ref),
            day=pd.Timestamp(day).date().isoformat(),
            cents=int(cents),
            description=str(text),
            document=str(document),
        )
        for team, ref, day, cents, text, document in zip(
            chosen["team"],
            chosen["ref"],
            chosen["date"],
            chosen["cents"],
            chosen["description"],
            chosen["document"],
            strict=True,
        )
    ]


def _order(b: Booked) -> tuple[str, str]:
    return b.day, b.ref


def _booked_json(b: Booked) -> dict[str, object]:
    return {
        "team": b.team,
        "ref": b.ref,
        "date": b.day,
        "amount": _decimal(b.cents),
        "description": b.description,
        "document": b.document,
    }


def _booked_row(b: Booked, status: str, *, matriz: bool) -> list[object]:
    return [
        inert(status),
        inert(b.ref) if matriz else "",
        "" if matriz else inert(b.ref),
        pd.Timestamp(b.day).date(),
        Decimal(b.cents if matriz else -b.cents).scaleb(-2),
        inert(b.description),
        "lançamento sem par do outro lado na janela de datas",
    ]


def _code(value: object) -> str:
    return "" if pd.isna(value) else str(value).strip()


def _text(data: pd.DataFrame, key: str, i: int) -> str:
    if key not in data:
        return ""
    value = data[key].iat[i]
    return "" if pd.isna(value) else str(value)


def _decimal(cents: int) -> str:
    return str(Decimal(int(cents)).scaleb(-2))
