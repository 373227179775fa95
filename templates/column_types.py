"""The typing step: raw cells of a template sheet → a typed `Table`.

Every cell that cannot be converted becomes an issue of its column's kind (`date.invalid`,
`number.invalid`, `choice.invalid`) and stays <NA> in `data`, never a silent NaN; what the user
typed stays in `raw` for the message.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from retaguarda.templates import parallel
from retaguarda.templates.model import SCALE, Column, Kind, Template
from retaguarda.templates.table import Table
from retaguarda.validators import fields, identifiers
from retaguarda.validators.issues import Issue, Located, issues_from_mask, make_issue

#: Identifier kinds whose digits Excel drops the leading zeros of when typed as a number.
_WIDTH = {Kind.CPF: 11, Kind.CNPJ: 14, Kind.PIS: 11, Kind.CEP: 8, Kind.NCM: 8, Kind.BANK: 3}


def type_table(
    template: Template,
    *,
    sheet: str,
    cells: dict[str, pd.Series],
    rows: np.ndarray,
    letters: dict[str, str],
    header_row: int,
) -> Table:
    """Convert each column found in the sheet; columns left out are all <NA>."""
    index = pd.RangeIndex(len(rows))
    raw: dict[str, pd.Series] = {}
    data: dict[str, pd.Series] = {}
    table = Table(
        template=template,
        sheet=sheet,
        data=pd.DataFrame(index=index),
        raw=pd.DataFrame(index=index),
        rows=np.asarray(rows, dtype=np.int64),
        letters=dict(letters),
        header_row=header_row,
    )
    # amounts first: the longest to type, they would otherwise end last on one thread
    found = sorted(
        (column for column in template.columns if column.key in cells),
        key=lambda column: column.kind not in SCALE,
    )
    typed = dict(
        zip(
            (column.key for column in found),
            parallel.each(
                lambda column: _type_column(column, cells[column.key]), found, rows=len(rows)
            ),
            strict=True,
        )
    )
    pending: list[tuple[Column, fields.Parsed]] = []
    for column in template.columns:
        if column.key not in typed:
            raw[column.key] = pd.Series(pd.NA, index=index, dtype="str")
            data[column.key] = _empty(column, index)
            if column.required:
                table.issues.append(make_issue("column.missing", sheet=sheet, column=column.header))
            continue
        raw[column.key], data[column.key], parsed = typed[column.key]
        if parsed is not None:
            pending.append((column, parsed))
    table.raw = pd.DataFrame(raw, index=index)
    table.data = pd.DataFrame(data, index=index)
    for column, parsed in pending:
        table.issues.extend(_parse_issues(table, column, parsed))
    return table


def _type_column(
    column: Column, cells: pd.Series
) -> tuple[pd.Series, pd.Series, fields.Parsed | None]:
    """One column's text as typed, its values, and what parsing it found (None for text)."""
    column_cells = fields.split(cells.reset_index(drop=True))
    numbers = _number_cells(column_cells)
    text = fields.to_text(column_cells)
    values, parsed = _convert(column, column_cells, text, numbers)
    if parsed is not None and column.kind in SCALE and numbers.any():
        # a number cell reads in messages as the sheet shows it (R$ 1.066,82), not 1066.82
        text = text.where(~numbers, parsed.shown)
    return text, values, parsed


def _empty(column: Column, index: pd.RangeIndex) -> pd.Series:
    if column.kind in SCALE:
        return pd.Series(pd.NA, index=index, dtype="Int64")
    if column.kind in (Kind.DATE, Kind.MONTH):
        return pd.Series(pd.NaT, index=index, dtype="datetime64[s]")
    return pd.Series(pd.NA, index=index, dtype="str")


def _number_cells(cells: fields.Cells) -> np.ndarray:
    """Which cells hold a number (not a text that looks like one)."""
    numbers = np.zeros(cells.n, dtype=bool)
    numbers[cells.numbers()[0]] = True
    return numbers


def _convert(
    column: Column, cells: fields.Cells, text: pd.Series, numbers: np.ndarray
) -> tuple[pd.Series, fields.Parsed | None]:
    kind = column.kind
    if kind is Kind.INTEGER:
        parsed = fields.parse_integer(cells)
    elif kind in SCALE:
        parsed = fields.parse_decimal(cells, SCALE[kind])
    elif kind is Kind.DATE:
        parsed = fields.parse_date(cells)
    elif kind is Kind.MONTH:
        parsed = fields.parse_month(cells)
    elif kind is Kind.CHOICE:
        parsed = fields.parse_choice(cells, column.choices)
    else:
        return _identifier_text(kind, text, numbers), None
    return parsed.values, parsed


def _identifier_text(kind: Kind, text: pd.Series, numeric: np.ndarray) -> pd.Series:
    """Text as typed; numbers typed into identifier columns get their lost zeros back."""
    if (kind not in _WIDTH and kind is not Kind.CPF_CNPJ) or not numeric.any():
        return text
    # a number with a fraction is no identifier: shown as the sheet shows it (52998224,725),
    # its dot not dropped as punctuation into another, valid, identifier
    fraction = numeric & text.str.contains(".", regex=False).fillna(False).to_numpy(bool)
    if fraction.any():
        text = text.where(~fraction, text.str.replace(".", ",", regex=False))
        numeric = numeric & ~fraction
    numbers = text[numeric]
    if kind is Kind.CPF_CNPJ:
        as_cpf = numbers.str.zfill(11)
        cpf_ok = ~identifiers.check_cpf(as_cpf).invalid & (numbers.str.len() <= 11).to_numpy()
        padded = as_cpf.where(cpf_ok, numbers.str.zfill(14))
    else:
        padded = numbers.str.zfill(_WIDTH[kind])
    fixed = text.copy()
    fixed[padded.index] = padded
    return fixed


def _parse_issues(table: Located, column: Column, parsed: fields.Parsed) -> list[Issue]:
    if column.kind is Kind.CHOICE:
        return issues_from_mask(
            "choice.invalid",
            table,
            column.key,
            parsed.invalid,
            params={"choices": ", ".join(column.choices)},
        )
    family = "date" if column.kind in (Kind.DATE, Kind.MONTH) else "number"
    expected = {"expected": "mm/aaaa", "expected_en": "mm/yyyy"}
    if column.kind is Kind.DATE:
        expected = {"expected": "dd/mm/aaaa", "expected_en": "dd/mm/yyyy"}
    issues = issues_from_mask(
        f"{family}.invalid",
        table,
        column.key,
        parsed.invalid,
        suggestion=parsed.shown,
        params=expected,
    ) + issues_from_mask(
        f"{family}.ambiguous", table, column.key, parsed.ambiguous, suggestion=parsed.shown
    )
    return issues + issues_from_mask(
        "number.rounded", table, column.key, parsed.rounded, suggestion=parsed.shown
    )
