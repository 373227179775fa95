"""Any bank statement a user hands us, as a `Statement`: an OFX file, a CNAB 240 statement, a
bank's CSV (or spreadsheet) export with its column mapping, or the `extrato` template sheet.

The format is told by the content, never by the name alone: banks' HTML pages saved as .ofx
and workbooks renamed .csv are common. What is no statement fails with the project's
`UnreadableFile` (one sentence in Portuguese, exit code 2 in the CLI).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from retaguarda.addin.reconcile.cnab240 import MAX_CNAB_BYTES, is_cnab240, read_cnab240
from retaguarda.addin.reconcile.model import Statement
from retaguarda.addin.reconcile.ofx import MAX_OFX_BYTES, is_ofx, read_ofx
from retaguarda.addin.reconcile.statement_csv import (
    BalanceRow,
    CsvMapping,
    Row,
    find_mapping,
    guess_mapping,
    is_balance_label,
    load_mappings,
    statement_from_sheet,
    statement_of_rows,
)
from retaguarda.addin.reconcile.statement_issues import check_file
from retaguarda.templates.files import read_workbook
from retaguarda.templates.reader import read_tables
from retaguarda.templates.readers.errors import file_error, file_name
from retaguarda.templates.table import Table

#: Bytes read to tell the format.
_HEAD = 4096


def read_statement(path: Path | str, *, csv_mapping: CsvMapping | Path | None = None) -> Statement:
    """The statement in the file at `path`, whatever its format.

    `csv_mapping` says which columns of a bank's CSV or spreadsheet export hold what: a
    `CsvMapping`, or the JSON file where mappings were saved (`statement_csv.save_mapping`).
    Without one, a mappings file next to the statement is looked in, then the `extrato`
    template, then the headers are guessed from their usual names."""
    path = Path(path)
    size = check_file(path)
    try:
        with path.open("rb") as file:
            head = file.read(_HEAD)
    except OSError:
        raise file_error(path, "file.unreadable") from None
    if is_ofx(head):
        _bound(path, size, MAX_OFX_BYTES)
        return read_ofx(path, path.read_bytes())
    if is_cnab240(head):
        _bound(path, size, MAX_CNAB_BYTES)
        return read_cnab240(path)
    return _tabular(path, csv_mapping)


def _bound(path: Path, size: int, limit: int) -> None:
    if size > limit:
        raise file_error(path, "file.too_large", size=-(-size // 2**20), limit=limit // 2**20)


def _tabular(path: Path, csv_mapping: CsvMapping | Path | None) -> Statement:
    workbook = read_workbook(path)
    sheets = [sheet for sheet in workbook.sheets if sheet.rows]
    mapping = csv_mapping if isinstance(csv_mapping, CsvMapping) else None
    saved = load_mappings(Path(csv_mapping) if isinstance(csv_mapping, str | Path) else None, path)
    for sheet in sheets:
        found = mapping or find_mapping(saved, sheet.rows)
        if found is not None:
            return statement_from_sheet(path, sheet, found, kind=workbook.kind)
    # A CSV is a bank's export even when its headers look like the template's; a workbook
    # with the template's sheet was filled in by a person.
    if workbook.kind != "csv":
        for table in read_tables(workbook):
            if table.template.id == "extrato":
                return statement_from_table(table)
    for sheet in sheets:
        guessed = guess_mapping(sheet.rows)
        if guessed is not None:
            return statement_from_sheet(path, sheet, guessed, kind=workbook.kind)
    name = file_name(path)
    raise file_error(
        path,
        "file.no_template",
        f"O arquivo “{name}” não é um extrato reconhecido (OFX, CNAB 240, a aba “Extrato "
        "bancário” ou um CSV com colunas de data, histórico e valor); mapeie as colunas dele "
        "(veja docs/extratos.md).",
        f"File “{name}” is not a recognised statement (OFX, CNAB 240, the “Extrato bancário” "
        "sheet, or a CSV with date, description and amount columns); map its columns (see "
        "docs/extratos.md).",
    )


def statement_from_table(table: Table) -> Statement:
    """The statement an `extrato` template sheet holds: a line per row with a date and an
    amount, `ref` "Sheet!row" and `cell` the amount's cell ("Extrato bancário!D7"). The
    "Saldo" column, where filled, gives the opening and closing balances and the proof, as a
    bank's export does; "Saldo anterior" rows become balances with a note. Rows whose cells do
    not read are not lines: the reading's issues travel in `warnings`, pointing at them."""
    data, sheet, size = table.data, table.sheet, len(table)
    lines: list[Row] = []
    balance_rows: list[BalanceRow] = []
    columns = zip(
        table.rows.tolist(),
        data["data"].tolist(),
        data["valor"].tolist(),
        _texts(data, "descricao", size),
        _texts(data, "documento", size),
        data["saldo"].tolist() if table.has("saldo") else [None] * size,
        strict=True,
    )
    for row, when, amount, text, document, balance in columns:
        amount = None if pd.isna(amount) else int(amount)
        balance = None if balance is None or pd.isna(balance) else int(balance)
        if is_balance_label(text):
            balance_rows.append((row, text, balance if balance is not None else amount, len(lines)))
        elif amount is not None and not pd.isna(when):
            lines.append((row, when.date(), amount, text, document, balance))
    letter = table.letter("valor")
    statement = statement_of_rows(
        sheet,
        lines,
        balance_rows,
        [f"{sheet}!{row}" for row, *_ in lines],
        [f"{sheet}!{letter}{row}" for row, *_ in lines],
        sheet,
    )
    statement.bank = _first(data, "banco") if table.has("banco") else ""
    statement.account = _first(data, "conta") if table.has("conta") else ""
    statement.warnings = [*table.issues, *statement.warnings]
    return statement


def _texts(data: pd.DataFrame, key: str, size: int) -> list[str]:
    if key not in data:
        return [""] * size
    return data[key].fillna("").astype(str).str.strip().tolist()


def _first(data: pd.DataFrame, key: str) -> str:
    given = data[key].dropna()
    return str(given.iloc[0]) if len(given) else ""
