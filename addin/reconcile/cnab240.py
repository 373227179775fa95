"""CNAB 240 "extrato para conciliação bancária" (FEBRABAN layout 240, statement service 04,
segment E), read from a table of its fields.

The Python CNAB libraries on PyPI are stale and cover billing (segments P/Q/T/U) rather than
statements, so the records are read here from `LAYOUT`: per record type, (field, first, last,
kind) with FEBRABAN's 1-based inclusive positions (layout 240 v10.x, "Extrato para Conciliação
Bancária": file header, batch header with the account and the opening balance, segment E
details, batch trailer with the closing balance, file trailer). Lines are read one at a time,
so a file's size costs nothing but its lines' few fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from retaguarda.addin.reconcile.model import Statement, lines_frame
from retaguarda.addin.reconcile.statement_issues import broken, prove, statement_issue
from retaguarda.templates.readers.errors import file_name

RECORD = 240
#: What a CNAB file may weigh: 25 MB is some 100,000 lines, read in 6 s and 280 MB here
#: (each line's fields are kept as Python objects until the frame is built); a month of a
#: busy account is a few thousand.
MAX_CNAB_BYTES = 25 * 1024 * 1024
#: kinds: "N" digits, "A" text, "D" a date DDMMAAAA (zeros: none), "V" an amount in cents
#: (digits, two implied decimals)
LAYOUT: dict[str, tuple[tuple[str, int, int, str], ...]] = {
    "0": (  # header de arquivo
        ("bank", 1, 3, "N"),
        ("batch", 4, 7, "N"),
        ("record", 8, 8, "N"),
        ("company", 73, 102, "A"),
        ("bank_name", 103, 132, "A"),
    ),
    "1": (  # header de lote: the account and the balance before the batch
        ("bank", 1, 3, "N"),
        ("batch", 4, 7, "N"),
        ("record", 8, 8, "N"),
        ("operation", 9, 9, "A"),
        ("service", 10, 11, "N"),
        ("agency", 53, 57, "N"),
        ("agency_digit", 58, 58, "A"),
        ("account", 59, 70, "N"),
        ("account_digit", 71, 71, "A"),
        ("opening_date", 143, 150, "D"),
        ("opening", 151, 168, "V"),
        ("opening_side", 169, 169, "A"),
        ("opening_status", 170, 170, "A"),
    ),
    "3": (  # detalhe, segmento E: one transaction
        ("bank", 1, 3, "N"),
        ("batch", 4, 7, "N"),
        ("record", 8, 8, "N"),
        ("sequence", 9, 13, "N"),
        ("segment", 14, 14, "A"),
        ("nature", 109, 111, "A"),
        ("complement", 114, 133, "A"),
        ("booked", 135, 142, "D"),
        ("posted", 143, 150, "D"),
        ("amount", 151, 168, "V"),
        ("side", 169, 169, "A"),
        ("category", 170, 172, "A"),
        ("history_code", 173, 176, "A"),
        ("history", 177, 201, "A"),
        ("document", 202, 240, "A"),
    ),
    "5": (  # trailer de lote: the balance after the batch
        ("bank", 1, 3, "N"),
        ("batch", 4, 7, "N"),
        ("record", 8, 8, "N"),
        ("closing_date", 143, 150, "D"),
        ("closing", 151, 168, "V"),
        ("closing_side", 169, 169, "A"),
        ("closing_status", 170, 170, "A"),
        ("records", 171, 176, "N"),
        ("debits", 177, 194, "V"),
        ("credits", 195, 212, "V"),
    ),
    "9": (  # trailer de arquivo
        ("bank", 1, 3, "N"),
        ("batch", 4, 7, "N"),
        ("record", 8, 8, "N"),
        ("batches", 18, 23, "N"),
        ("records", 24, 29, "N"),
    ),
}
_NAMES = {"0": "header de arquivo", "1": "header de lote", "3": "detalhe", "5": "trailer de lote"}
_NAMES["9"] = "trailer de arquivo"


@dataclass
class _Batch:
    header: dict[str, object]
    line: int
    lines: list[tuple[int, dict[str, object]]] = field(default_factory=list)
    trailer: dict[str, object] | None = None
    trailer_line: int = 0


def is_cnab240(head: bytes) -> bool:
    """Whether a file's first bytes are a CNAB 240 file header (a 240-character first line,
    record type 0 of batch 0000)."""
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    return len(first) == RECORD and first[:7].isdigit() and first[3:8] == b"00000"


def read_cnab240(path: Path) -> Statement:
    """The statement of the file's first account; `UnreadableFile` naming the line of a record
    of the wrong length or type, or of a field that does not read."""
    batches = _batches(path)
    if not batches:
        raise broken(
            path, 1, "não há nenhum lote de extrato", "there is no statement batch", kind="CNAB 240"
        )
    account = _account(batches[0].header)
    mine = [b for b in batches if _account(b.header) == account]
    name = file_name(path)
    details = [(line, record) for batch in mine for line, record in batch.lines]
    statement = Statement(
        lines=lines_frame(
            [f"{name}:{line}" for line, _ in details],
            [record["posted"] for _, record in details],
            [record["amount"] for _, record in details],
            [str(record["history"]) for _, record in details],
            [str(record["document"]) for _, record in details],
        ),
        opening=Decimal(_signed(batches[0].header, "opening")) / 100,
        closing=_closing(mine[-1]),
        bank=str(batches[0].header["bank"]),
        agency=_with_digit(batches[0].header, "agency"),
        account=account,
        source=name,
    )
    if len(mine) < len(batches):
        statement.warnings.append(
            statement_issue(
                "statement.several",
                path,
                count=len({_account(b.header) for b in batches}),
                account=account,
            )
        )
    prove(statement, path)
    return statement


def _batches(path: Path) -> list[_Batch]:
    batches: list[_Batch] = []
    current: _Batch | None = None
    with path.open("rb") as file:
        number = 0
        while raw := file.readline(RECORD + 3):
            number += 1
            text = _text(raw)
            if not text.strip(" \x1a"):  # a blank line, or DOS's end-of-file mark
                continue
            if len(text) != RECORD:
                raise broken(
                    path,
                    number,
                    f"a linha tem {len(text)} caracteres, e não {RECORD}",
                    f"the line has {len(text)} characters, not {RECORD}",
                    kind="CNAB 240",
                )
            record = _record(path, number, text)
            kind = text[7]
            if kind == "1":
                current = _Batch(record, number)
                batches.append(current)
            elif kind in "35" and current is None:
                raise broken(
                    path,
                    number,
                    f"{_NAMES[kind]} fora de um lote (falta o header de lote antes dele)",
                    f"a {_NAMES[kind]} record outside a batch (no batch header before it)",
                    kind="CNAB 240",
                )
            elif kind == "3" and current is not None:
                current.lines.append((number, record))
            elif kind == "5" and current is not None:
                current.trailer, current.trailer_line = record, number
                current = None
    if current is not None:
        raise broken(
            path,
            number,
            f"o arquivo acaba sem o trailer do lote aberto na linha {current.line} (está "
            "truncado?)",
            f"the file ends without the trailer of the batch opened on line {current.line} "
            "(truncated?)",
            kind="CNAB 240",
        )
    return batches


def _text(raw: bytes) -> str:
    """A line without its end; Latin-1 as FEBRABAN files are, unless it is UTF-8 with accents
    that makes exactly 240 characters (a file re-saved by an editor)."""
    raw = raw.rstrip(b"\r\n")
    if not raw.isascii():
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("latin-1")
        if len(text) == RECORD:
            return text
    return raw.decode("latin-1")


def _record(path: Path, number: int, text: str) -> dict[str, object]:
    kind = text[7]
    if kind not in LAYOUT:
        raise broken(
            path,
            number,
            f"tipo de registro “{kind}” desconhecido (posição 8: 0, 1, 3, 5 ou 9)",
            f"unknown record type “{kind}” (position 8: 0, 1, 3, 5 or 9)",
            kind="CNAB 240",
        )
    if kind == "3" and text[13] != "E":
        raise broken(
            path,
            number,
            f"segmento “{text[13]}” não é de extrato (posição 14: E)",
            f"segment “{text[13]}” is not a statement segment (position 14: E)",
            kind="CNAB 240",
        )
    record: dict[str, object] = {}
    for name, first, last, kind_of in LAYOUT[kind]:
        value = text[first - 1 : last]
        record[name] = _field(path, number, name, first, last, kind_of, value)
    if kind == "3":
        side = record["side"]
        if side not in ("D", "C"):
            raise broken(
                path,
                number,
                f"tipo de lançamento “{side}” (posição 169) não é D nem C",
                f"entry type “{side}” (position 169) is neither D nor C",
                kind="CNAB 240",
            )
        if record["posted"] is None:
            raise broken(
                path,
                number,
                "falta a data do lançamento (posições 143 a 150)",
                "the posting date is missing (positions 143 to 150)",
                kind="CNAB 240",
            )
        record["amount"] = -record["amount"] if side == "D" else record["amount"]  # type: ignore[operator]
    return record


def _field(
    path: Path, number: int, name: str, first: int, last: int, kind: str, value: str
) -> object:
    if kind == "A":
        return value.strip()
    if not value.isdigit():
        raise broken(
            path,
            number,
            f"“{value.strip()}” nas posições {first} a {last} ({name}) não é um número",
            f"“{value.strip()}” at positions {first} to {last} ({name}) is not a number",
            kind="CNAB 240",
        )
    if kind == "V":
        return int(value)
    if kind == "D":
        if set(value) == {"0"}:
            return None
        try:
            return date(int(value[4:]), int(value[2:4]), int(value[:2]))
        except ValueError:
            raise broken(
                path,
                number,
                f"“{value}” nas posições {first} a {last} não é uma data (DDMMAAAA)",
                f"“{value}” at positions {first} to {last} is not a date (DDMMYYYY)",
                kind="CNAB 240",
            ) from None
    return value


def _signed(record: dict[str, object], key: str) -> int:
    cents = int(record[key])  # type: ignore[call-overload]
    return -cents if record[f"{key}_side"] == "D" else cents


def _closing(batch: _Batch) -> Decimal | None:
    return None if batch.trailer is None else Decimal(_signed(batch.trailer, "closing")) / 100


def _account(header: dict[str, object]) -> str:
    return _with_digit(header, "account")


def _with_digit(header: dict[str, object], key: str) -> str:
    number = str(header[key]).lstrip("0") or "0"
    digit = str(header[f"{key}_digit"])
    return f"{number}-{digit}" if digit else number
