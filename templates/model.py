"""How a template is declared: its columns (type, pt-BR header, aliases) and its rules.

A template is data, like a pandera model: the reader uses the headers and aliases to find the
columns, the typing step uses `kind`, the renderer uses formats and dropdowns, and the
validation step runs `rules`. Nothing here reads or writes a file.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from retaguarda.templates.checks import ColumnCheck, TableCheck


class Kind(StrEnum):
    """The type of a column; decides how a cell is parsed and which identifier check runs."""

    TEXT = "text"
    MONEY = "money"  # Decimal with 2 places; integer cents in the typed frame
    UNIT_COST = "unit_cost"  # Decimal with 4 places (custo unitário)
    QUANTITY = "quantity"  # Decimal with 3 places
    INTEGER = "integer"
    DATE = "date"
    MONTH = "month"  # competência: mm/aaaa
    CHOICE = "choice"
    ACCOUNT = "account"  # a code of the "Plano de contas"
    CPF = "cpf"
    CNPJ = "cnpj"
    CPF_CNPJ = "cpf_cnpj"
    PIS = "pis"
    CEP = "cep"
    NCM = "ncm"
    PIX = "pix"
    BANK = "bank"


#: The header of the hidden column that holds each row's identity (every template has it, last).
#: The sync service fills it in, so a row keeps its identity when the sheet is sorted or a
#: row is inserted above it; people never type in it.
ROW_ID_HEADER = "ID"

#: The hidden sheet of a rendered workbook that records which template each sheet follows.
META_SHEET = "_retaguarda"

#: The sheets the add-in writes into a workbook (the list of findings, its hidden record of
#: the cells it marked, a message where the client has no message box, the reconciliation):
#: never templates.
PENDING_SHEET = "Pendências"
MARKS_SHEET = "_retaguarda_marcas"
MESSAGE_SHEET = "Retaguarda"
RECONCILIATION_SHEET = "Conciliação"
#: the Calcular folha macro's arithmetic, one block per employee (`addin.payroll_sheet`)
MEMORY_SHEET = "Memória de cálculo"
#: the Relatórios macro's sheets, one per report (`addin.reports.workbook`)
REPORT_SHEETS = (
    "Rel. Balancete",
    "Rel. DRE",
    "Rel. Balanço patrimonial",
    "Rel. Fluxo de caixa",
    "Rel. Aging",
    "Rel. Folha",
    "Rel. Estoque",
)
OWN_SHEETS = frozenset(
    {PENDING_SHEET, MARKS_SHEET, MESSAGE_SHEET, RECONCILIATION_SHEET, MEMORY_SHEET, *REPORT_SHEETS}
)

#: Decimal places of the scaled integers that hold numeric kinds in the typed frame.
SCALE: dict[Kind, int] = {Kind.MONEY: 2, Kind.UNIT_COST: 4, Kind.QUANTITY: 3, Kind.INTEGER: 0}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: Kind = Kind.TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    positive: bool = False  # number.negative when below zero
    not_future: bool = False  # date.future when after today
    closed_period: bool = False  # date.closed_period when on or before the closing date
    width: float = 14
    help: str = ""  # one line of the "Instruções" sheet, in Portuguese
    #: checks beyond those the kind and the flags above imply (`checks.column_checks`)
    checks: tuple[ColumnCheck, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every header that selects this column, normalized for matching."""
        return tuple(dict.fromkeys(normalize_header(n) for n in (self.header, *self.aliases)))


@dataclass(frozen=True)
class Template:
    id: str
    sheet: str
    version: str
    title: str
    description: str
    columns: tuple[Column, ...]
    #: checks over whole rows or across tables (`templates.checks`: duplicates, accounts
    #: against the chart...), run in this order after the column checks
    checks: tuple[TableCheck, ...] = field(default_factory=tuple)

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)


def normalize_header(text: str) -> str:
    """Accent-, case-, punctuation- and space-insensitive form of a header ("Conta Débito ")."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    kept = "".join(ch if ch.isalnum() or ch == "%" else " " for ch in plain.casefold())
    return " ".join(kept.split())
