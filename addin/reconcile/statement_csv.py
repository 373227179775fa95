"""Banks' CSV (and spreadsheet) exports, read through a column mapping the user makes once.

Every bank exports its own columns: one amount column or a debit/credit pair, a balance or
not, dates as 05/03/2026 or 2026-03-05, decimal comma or dot. The user says once which column
is which (`CsvMapping`, or `guess_mapping` does it from the usual pt-BR headers), and the
mapping is saved as JSON (`save_mapping`: by default `retaguarda-extratos.json` next to the
statements, or a file the user names) keyed by the header row, so that next month's file
from the same bank is read without asking. The file itself is opened by the project's
readers (`templates.files.read_workbook`: encoding, separator and preamble sniffing, and every
safety bound), so a mapping works on a CSV, an .xlsx or a bank's HTML page alike.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from pathlib import Path

from retaguarda.addin.reconcile.model import Statement, lines_frame
from retaguarda.addin.reconcile.statement_issues import (
    brl,
    broken,
    fold,
    is_opening_row,
    prove,
    statement_issue,
    take_balance_row,
)
from retaguarda.templates.model import normalize_header
from retaguarda.templates.readers.errors import file_error, file_name
from retaguarda.templates.readers.raw_sheets import RawSheet, column_letter
from retaguarda.validators.fields.amounts import money
from retaguarda.validators.fields.dates import date_value

#: The mappings file looked for next to a statement.
MAPPINGS_FILE = "retaguarda-extratos.json"
#: Rows at the top of an export where its header row is looked for (banks put the account,
#: the period and a title above it).
SCAN_ROWS = 30

#: usual headers of each field in Brazilian banks' exports (as `normalize_header` gives them)
_GUESSES: dict[str, tuple[str, ...]] = {
    "date": ("data", "data lancamento", "data do lancamento", "data movimento", "dt", "date"),
    "description": (
        "historico",
        "descricao",
        "lancamento",
        "descricao do lancamento",
        "detalhe",
        "detalhes",
        "memo",
        "description",
    ),
    "amount": ("valor", "valor r", "valor rs", "r", "montante", "amount", "valor do lancamento"),
    "debit": ("debito", "debitos", "saida", "saidas", "valor debito", "debito r"),
    "credit": ("credito", "creditos", "entrada", "entradas", "valor credito", "credito r"),
    "document": (
        "documento",
        "doc",
        "docto",
        "dcto",
        "n documento",
        "no documento",
        "numero do documento",
        "n doc",
    ),
    "balance": ("saldo", "saldo r", "saldo rs", "balance"),
}
_FORMAT_PARTS = (("aaaa", "%Y"), ("yyyy", "%Y"), ("dd", "%d"), ("mm", "%m"), ("aa", "%y"))


@dataclass(frozen=True)
class CsvMapping:
    """Which header holds what. `description` may join several columns ("Histórico",
    "Complemento"); either `amount` or `debit`/`credit` is given (a debit column's numbers
    are money out whatever their sign). `date_format` is written as people write it
    ("dd/mm/aaaa", "aaaa-mm-dd"); "" reads day-first dates, ISO dates and Excel's dates."""

    date: str
    description: tuple[str, ...]
    amount: str = ""
    debit: str = ""
    credit: str = ""
    document: str = ""
    balance: str = ""
    date_format: str = ""
    decimal_comma: bool = True
    #: the bank or export this mapping is for, as the user names it
    name: str = ""
    #: every header of the row it was made on: what tells the same export next time
    headers: tuple[str, ...] = field(default=(), compare=False)

    def columns(self) -> dict[str, str]:
        """Each mapped field's header, description columns numbered."""
        named = {
            key: getattr(self, key)
            for key in ("date", "amount", "debit", "credit", "document", "balance")
            if getattr(self, key)
        }
        named |= {f"description{i}": header for i, header in enumerate(self.description)}
        return named

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["description"] = list(self.description)
        data["headers"] = list(self.headers)
        return data

    @classmethod
    def from_json(cls, data: dict[str, object]) -> CsvMapping:
        given = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        given["description"] = tuple(_texts(given.get("description", ())))
        given["headers"] = tuple(_texts(given.get("headers", ())))
        for key in ("date", "amount", "debit", "credit", "document", "balance", "date_format"):
            given[key] = str(given.get(key) or "")
        given["decimal_comma"] = bool(given.get("decimal_comma", True))
        given["name"] = str(given.get("name") or "")
        return cls(**given)  # type: ignore[arg-type]


def _texts(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list | tuple) else []


def guess_mapping(rows: list[list[object]]) -> CsvMapping | None:
    """A mapping from the usual pt-BR (and English) headers, for the common case: a header
    row among the first rows naming a date, a description and an amount (or a debit/credit
    pair); None when no row does."""
    for row in islice(rows, SCAN_ROWS):
        headers = [str(cell).strip() for cell in row]
        found: dict[str, str] = {}
        for header in headers:
            key = normalize_header(header)
            for name, usual in _GUESSES.items():
                if key in usual and name not in found:
                    found[name] = header
                    break
        has_amount = "amount" in found or ("debit" in found and "credit" in found)
        if "date" in found and "description" in found and has_amount:
            pair = "amount" not in found
            return CsvMapping(
                date=found["date"],
                description=(found["description"],),
                amount=found.get("amount", ""),
                debit=found["debit"] if pair else "",
                credit=found["credit"] if pair else "",
                document=found.get("document", ""),
                balance=found.get("balance", ""),
                headers=tuple(h for h in headers if h),
            )
    return None


def load_mappings(given: Path | None, statement: Path) -> list[CsvMapping]:
    """The mappings saved in `given` (a mappings file, a folder holding one, or a file of a
    single mapping) and next to the statement. The file the user named must be there and be
    one (a typo would otherwise read nothing); the one next to the statement is optional."""
    mappings: list[CsvMapping] = []
    if given is not None:
        place = given / MAPPINGS_FILE if given.is_dir() else given
        found = _mappings_in(place)
        if found is None:
            raise file_error(
                place,
                "file.unreadable",
                f"O mapeamento de colunas “{file_name(place)}” não existe ou não é um JSON de "
                "mapeamentos (veja docs/extratos.md).",
                f"The column mapping “{file_name(place)}” does not exist or is not a mappings "
                "JSON (see docs/extratos.md).",
            )
        mappings += found
    beside = statement.parent / MAPPINGS_FILE
    if beside.is_file() and (given is None or beside.resolve() != given.resolve()):
        mappings += _mappings_in(beside) or []
    return mappings


def _mappings_in(place: Path) -> list[CsvMapping] | None:
    """The mappings in one JSON file; None when it is missing, too big or not one."""
    try:
        if not place.is_file() or place.stat().st_size > 1_000_000:
            return None
        saved = json.loads(place.read_text(encoding="utf-8"))
        listed = saved.get("mappings", [saved] if "date" in saved else None)
        return None if listed is None else [CsvMapping.from_json(m) for m in listed]
    except (OSError, ValueError, TypeError, AttributeError):
        return None


def save_mapping(mapping: CsvMapping, where: Path) -> Path:
    """Keep `mapping` in the mappings file `where` (or in `where`/retaguarda-extratos.json
    for a folder), replacing one made on the same headers; the file's path. A file there that
    is not a mappings file is left alone (`UnreadableFile`)."""
    place = where / MAPPINGS_FILE if where.is_dir() else where
    saved = _mappings_in(place)
    if saved is None and place.exists():
        raise file_error(
            place,
            "file.unreadable",
            f"“{file_name(place)}” já existe e não é um JSON de mapeamentos: o mapeamento não "
            "foi gravado por cima dele.",
            f"“{file_name(place)}” already exists and is not a mappings JSON: the mapping was "
            "not written over it.",
        )
    kept = [m for m in saved or [] if _key(m.headers) != _key(mapping.headers)]
    data = {"version": 1, "mappings": [m.to_json() for m in [*kept, mapping]]}
    place.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return place


def _key(headers: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(normalize_header(h) for h in headers)


def find_mapping(mappings: list[CsvMapping], rows: list[list[object]]) -> CsvMapping | None:
    """The saved mapping whose columns a header row of `rows` has (the one made on exactly
    that header row first)."""
    heads = [_key(tuple(str(c) for c in row if str(c).strip())) for row in islice(rows, SCAN_ROWS)]
    for mapping in sorted(mappings, key=lambda m: _key(m.headers) not in heads):
        wanted = {normalize_header(h) for h in mapping.columns().values()}
        if any(wanted <= set(head) for head in heads):
            return mapping
    return None


def statement_from_sheet(
    path: Path, sheet: RawSheet, mapping: CsvMapping, *, kind: str = "csv"
) -> Statement:
    """The statement in one sheet of an export, read through `mapping`.

    A line is a row with a date and an amount; an empty row, or one with neither (a footer),
    is passed over; a row with only one of them, or one that cannot be read, is an error
    naming the line. "Saldo anterior" / "Saldo do dia" rows become the opening and closing
    balance, with a note, as in an OFX file. Refs are "<file>:<line>" for a CSV and
    "<Sheet>!<row>" (with the amount's cell) for a spreadsheet (`kind`: "xlsx", "html"...)."""
    if not mapping.date or not (mapping.amount or mapping.debit or mapping.credit):
        name = file_name(path)
        raise file_error(
            path,
            "file.no_template",
            f"O mapeamento de colunas usado para “{name}” precisa dizer a coluna da data e a "
            "do valor (ou as de débito e crédito); veja docs/extratos.md.",
            f"The column mapping used for “{name}” must name the date column and the amount "
            "column (or the debit and credit ones); see docs/extratos.md.",
        )
    csv = kind == "csv"
    kind = kind.upper()
    header_at, index = _header(path, sheet, mapping, kind)
    name = file_name(path)
    numbers = _line_numbers(path, sheet.rows) if csv else range(1, len(sheet.rows) + 1)
    lines: list[Row] = []
    balance_rows: list[BalanceRow] = []
    for at in range(header_at + 1, len(sheet.rows)):
        row = sheet.rows[at]
        cells = {key: _cell(row, column) for key, column in index.items()}
        description = " ".join(
            str(cells[k]).strip() for k in sorted(cells) if k.startswith("description")
        ).strip()
        line = numbers[at]
        amount = _amount(path, line, cells, mapping, kind)
        balance = _money(path, line, cells.get("balance"), mapping, kind)
        when = _date(cells["date"], mapping)
        said = fold(f"{cells['date']} {description}")
        if not isinstance(when, date) and said.startswith("TOTAL"):
            continue  # a totals row, without a date of its own, sums the lines: it is none
        if is_balance_label(description):
            balance_rows.append(
                (line, description, balance if balance is not None else amount, len(lines))
            )
            continue
        if amount is None and (when is None or isinstance(when, str)):
            continue  # an empty row, a title, a footer: no money in it
        if isinstance(when, str):
            raise broken(
                path, line, f"“{when}” não é uma data", f"“{when}” is not a date", kind=kind
            )
        if when is None or amount is None:
            missing = ("a data", "the date") if when is None else ("o valor", "the amount")
            raise broken(
                path,
                line,
                f"falta {missing[0]} do lançamento",
                f"the transaction has no {missing[1]}",
                kind=kind,
            )
        lines.append(
            (line, when, amount, description, str(cells.get("document", "")).strip(), balance)
        )
    refs = [f"{name}:{line}" if csv else f"{sheet.name}!{line}" for line, *_ in lines]
    cells = [
        "" if csv else f"{sheet.name}!{column_letter(_value_column(index, amount))}{line}"
        for line, _, amount, *_ in lines
    ]
    return statement_of_rows(path, lines, balance_rows, refs, cells, name)


def _line_numbers(path: Path, rows: list[list[object]]) -> list[int]:
    """The file line each CSV row starts on: a "sep=;" first line is not a row, and a quoted
    cell holding line breaks spans several lines."""
    with path.open("rb") as file:
        first = file.readline(64).lstrip(b"\xef\xbb\xbf").strip().lower()
    line = 2 if first.startswith(b"sep=") and len(first) == 5 else 1
    numbers = []
    for row in rows:
        numbers.append(line)
        line += 1 + sum(cell.count("\n") for cell in row if isinstance(cell, str))
    return numbers


def _value_column(index: dict[str, int], cents: int) -> int:
    """The column a line's amount was read from: the amount, or the credit or debit one."""
    if "amount" in index:
        return index["amount"]
    return index["credit"] if cents > 0 else index["debit"]


#: a statement line as read: (line or row, date, cents, description, document, balance in
#: cents after it or None)
Row = tuple[int, date, int, str, str, int | None]
#: a balance row: (line or row, its label, its balance in cents, how many lines came before)
BalanceRow = tuple[int, str, int | None, int]


def statement_of_rows(
    path: Path | str,
    lines: list[Row],
    balance_rows: list[BalanceRow],
    refs: list[str],
    cells: list[str],
    source: str,
) -> Statement:
    """A statement from rows read out of a table (a CSV, a bank's spreadsheet, the `extrato`
    sheet): the balance column, where there is one, gives the opening and the closing and
    points at the lines where it breaks (`_balance_column`); balance rows become balances with
    a note; then the proof. Exports listing the newest line first are read oldest first for
    balances."""
    statement = Statement(
        lines=lines_frame(
            refs,
            [when for _, when, *_ in lines],
            [amount for _, _, amount, *_ in lines],
            [text for *_, text, _, _ in lines],
            [doc for *_, doc, _ in lines],
            cells,
        ),
        source=source,
    )
    newest_first = len(lines) > 1 and lines[0][1] > lines[-1][1]
    ordered = lines[::-1] if newest_first else lines
    origin = _balance_column(path, statement, ordered)
    for line, label, amount, position in balance_rows:
        before = position == 0 if not newest_first else position == len(lines)
        after = position == len(lines) if not newest_first else position == 0
        taken = take_balance_row(
            statement,
            path,
            line,
            label,
            Decimal(amount or 0) / 100,
            opening=is_opening_row(label) and before and amount is not None,
            closing=after and amount is not None and statement.closing is None,
        )
        origin = taken or origin
    prove(statement, path, origin=origin)
    return statement


#: the running balance's breaks reported one by one; past these, the proof's gap says the rest
MAX_JUMPS = 5


def _balance_column(path: Path | str, statement: Statement, ordered: list[Row]) -> tuple[str, str]:
    """Opening and closing from a balance column, oldest line first, and each line whose
    balance is not the one before plus its amount (a missing or doubled line sits there).

    The opening is the first stated balance less the amounts up to it (exports giving only
    each day's last balance leave the others empty); the closing is the last line's."""
    balances = [balance for *_, balance in ordered]
    stated = [at for at, balance in enumerate(balances) if balance is not None]
    if not stated or balances[-1] is None:
        return ("", "")
    first = stated[0]
    running = balances[first] - sum(amount for _, _, amount, *_ in ordered[: first + 1])
    statement.opening = Decimal(running) / 100
    statement.closing = Decimal(balances[-1]) / 100
    jumps = 0
    for line, _, amount, _, _, balance in ordered:
        running += amount
        if balance is None:
            continue
        if balance != running and jumps < MAX_JUMPS:
            jumps += 1
            statement.warnings.append(
                statement_issue(
                    "statement.balance_jump",
                    path,
                    line,
                    balance=brl(Decimal(balance) / 100),
                    expected=brl(Decimal(running) / 100),
                    gap=brl(Decimal(abs(balance - running)) / 100),
                )
            )
        running = balance
    line = ordered[first][0]
    return (f"calculado do saldo da linha {line}", f"computed from the balance on line {line}")


def _header(
    path: Path, sheet: RawSheet, mapping: CsvMapping, kind: str
) -> tuple[int, dict[str, int]]:
    """The header row's index and each mapped field's column in it."""
    wanted = {key: normalize_header(header) for key, header in mapping.columns().items()}
    for at, row in enumerate(islice(sheet.rows, SCAN_ROWS)):
        positions = {
            normalize_header(str(cell)): i for i, cell in enumerate(row) if str(cell).strip()
        }
        if all(header in positions for header in wanted.values()):
            return at, {key: positions[header] for key, header in wanted.items()}
    missing = ", ".join(f"“{h}”" for h in mapping.columns().values())
    raise broken(
        path,
        1,
        f"nenhuma das primeiras {SCAN_ROWS} linhas tem as colunas {missing} do mapeamento",
        f"none of the first {SCAN_ROWS} lines has the mapping's columns {missing}",
        kind=kind,
    )


def _cell(row: list[object], column: int) -> object:
    return row[column] if column < len(row) else ""


def is_balance_label(text: str) -> bool:
    """A balance written as a row: "Saldo anterior", "SALDO DO DIA", "S A L D O"."""
    return text.lstrip()[:1] in ("S", "s") and fold(text).startswith("SALDO")


def _amount(
    path: Path, line: int, cells: dict[str, object], mapping: CsvMapping, kind: str
) -> int | None:
    if mapping.amount:
        return _money(path, line, cells["amount"], mapping, kind)
    debit = _money(path, line, cells.get("debit"), mapping, kind)
    credit = _money(path, line, cells.get("credit"), mapping, kind)
    if debit is None and credit is None:
        return None
    return abs(credit or 0) - abs(debit or 0)


def _money(path: Path, line: int, value: object, mapping: CsvMapping, kind: str) -> int | None:
    """Cents of a cell, its decimal separator as the mapping says."""
    if isinstance(value, str):
        value = value.replace("R$", "").strip()
        if not value:
            return None
        value = value.replace(".", "") if mapping.decimal_comma else value.replace(",", "")
        value = value.replace(",", ".") if mapping.decimal_comma else value
    try:
        amount = money(value)
    except ValueError as error:
        shown = str(value)[:30]
        raise broken(
            path, line, str(error).rstrip("."), f"“{shown}” is not an amount", kind=kind
        ) from None
    return None if amount is None else int(amount * 100)


def _date(value: object, mapping: CsvMapping) -> date | str | None:
    """The date of a cell; its text when it is none (a title or a footer line, or a mistake)."""
    try:
        if mapping.date_format and isinstance(value, str) and value.strip():
            return datetime.strptime(value.strip(), _strptime(mapping.date_format)).date()
        return date_value(value)
    except ValueError:
        return str(value).strip()[:30]


def _strptime(written: str) -> str:
    pattern = written.lower()
    for part, directive in _FORMAT_PARTS:
        pattern = pattern.replace(part, directive)
    return pattern
