"""Findings as data: one `Issue` per offending cell, with a stable code and a position.

A rule never raises on bad data; it returns a boolean mask over the rows of a table, and
`issues_from_mask` turns the few flagged rows into `Issue`s that point at the cell the user
sees (sheet, "F17"), in Portuguese first and English second.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any, Protocol

import numpy as np
import pandas as pd

from retaguarda.validators.codes import CODES, Code, family_of, render, render_rows


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(slots=True, unsafe_hash=True)
class Issue:
    """One finding. `cell` is the coordinate the user sees ("F17"); `row` its row number.

    A value: never changed once made (`placed` makes a moved copy). Not a frozen dataclass
    only because a frozen one's `__init__` costs 7 µs to a plain one's 0.8 µs, and a big
    sheet has a hundred thousand findings.
    """

    code: str
    severity: Severity
    sheet: str
    cell: str
    column: str
    value: str
    message: str
    message_en: str
    suggestion: str = ""
    row: int | None = None
    file: str = ""

    def to_dict(self, names: Sequence[str] | None = None) -> dict[str, Any]:
        """The finding as JSON-ready data: every field, or those `names` (in that order)."""
        # Every field is a plain value: `dataclasses.asdict` would deep-copy each one, 0.1 ms
        # an issue (3.7 s for a journal's 35,000 findings).
        data = {name: getattr(self, name) for name in names or _FIELD_NAMES}
        if "severity" in data:
            data["severity"] = str(self.severity)
        return data

    def placed(self, *, file: str | None = None, sheet: str | None = None) -> Issue:
        """The same finding in another file or under another sheet name; built directly, as
        `dataclasses.replace` costs 12 µs an issue."""
        return Issue(
            self.code,
            self.severity,
            self.sheet if sheet is None else sheet,
            self.cell,
            self.column,
            self.value,
            self.message,
            self.message_en,
            self.suggestion,
            self.row,
            self.file if file is None else file,
        )

    @property
    def family(self) -> str:
        """The broader code this one refines ("cnpj.invalid" for "cnpj.check_digit"), or the
        code itself: what a caller filtering by the older code selects (`code_matches`)."""
        return family_of(self.code)

    @property
    def address(self) -> str:
        """`Lançamentos!F17`, quoted as Excel does when the sheet name needs it."""
        return cell_address(self.sheet, self.cell)


_FIELD_NAMES = tuple(field.name for field in fields(Issue))


def cell_address(sheet: str, cell: str, *, always_quote: bool = False) -> str:
    """The address as Excel writes it; links quote the sheet name always, which is safe."""
    if not cell:
        return sheet
    return f"{sheet_reference(sheet, always_quote=always_quote)}!{cell}"


def sheet_reference(sheet: str, *, always_quote: bool = False) -> str:
    """A sheet name as a reference writes it (Excel's and Google's A1 notation): quoted, with
    inner apostrophes doubled, unless it is a plain name (or `always_quote`)."""
    plain = sheet.replace("_", "").isalnum() and not sheet[0].isdigit() and not always_quote
    return sheet if plain else "'" + sheet.replace("'", "''") + "'"


class Located(Protocol):
    """What a rule needs to know about a table to point at its cells.

    `templates.Table` is the implementation; the protocol keeps validators free of it.
    """

    sheet: str
    data: pd.DataFrame
    raw: pd.DataFrame
    rows: np.ndarray

    def letter(self, key: str) -> str: ...

    def header(self, key: str) -> str: ...


def make_issue(
    code: str,
    *,
    sheet: str,
    cell: str = "",
    column: str = "",
    value: object = "",
    suggestion: str = "",
    row: int | None = None,
    spec: Code | None = None,
    **params: object,
) -> Issue:
    """Build one issue; its messages are rendered as `issues_from_mask` renders them. `spec`
    defines a code the catalogue does not hold (a check of a template added elsewhere)."""
    spec = spec or CODES[code]
    text = _display(value)
    fields = {"sheet": sheet, "column": column, "value": text, "suggestion": suggestion}
    fields |= {name: _display(given) for name, given in params.items()}
    return Issue(
        code=code,
        severity=Severity(spec.severity),
        sheet=sheet,
        cell=cell,
        column=column,
        value=text,
        message=render(spec.pt, fields),
        message_en=render(spec.en, fields),
        suggestion=suggestion,
        row=row,
    )


def issues_from_mask(
    code: str,
    table: Located,
    key: str,
    mask: np.ndarray | pd.Series,
    *,
    suggestion: Sequence[object] | pd.Series | None = None,
    params: Mapping[str, Sequence[object] | pd.Series | object] | None = None,
    codes: Sequence[str] | np.ndarray | pd.Categorical | None = None,
    spec: Code | None = None,
) -> list[Issue]:
    """Turn a boolean mask over `table`'s rows into issues at column `key`.

    Per-row `suggestion` and `params` are indexed like the table; only flagged rows are read,
    and the messages of all of them are rendered at once, column-wise, so the cost follows
    the number of findings, not the size of the table. Per-row `codes` give a flagged row a
    code that says why (`cnpj.check_digit`) instead of `code`; a row whose code is "" keeps
    `code`. `spec` defines `code` when the catalogue does not (a check of a template added
    outside this package: its code and messages travel with it).
    """
    positions = np.flatnonzero(np.asarray(mask, dtype=bool))
    if positions.size == 0:
        return []
    header = table.header(key)
    sheet = table.sheet
    rows = table.rows[positions]
    cells = table.letter(key) + rows.astype(str).astype(object)
    values = _pick(table.raw.get(key), positions)
    suggestions = _pick(suggestion, positions)
    fields: dict[str, np.ndarray | str] = {
        "sheet": sheet,
        "column": header,
        "value": values,
        "suggestion": suggestions,
    }
    for name, given in (params or {}).items():
        if isinstance(given, pd.Series | np.ndarray | list | tuple):
            fields[name] = _pick(given, positions)
        else:
            fields[name] = _display(given)
    named, pt, en, severity = _messages(code, codes, positions, fields, spec)
    return [
        Issue(code, severity, sheet, cell, header, value, message, message_en, hint, row)
        for code, severity, cell, value, message, message_en, hint, row in zip(
            named.tolist(),
            severity.tolist(),
            cells.tolist(),
            values.tolist(),
            pt.tolist(),
            en.tolist(),
            suggestions.tolist(),
            rows.tolist(),
            strict=True,
        )
    ]


def _messages(
    code: str,
    codes: Sequence[str] | np.ndarray | pd.Categorical | None,
    positions: np.ndarray,
    fields: Mapping[str, np.ndarray | str],
    spec: Code | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The code, messages and severity of each flagged row, rendered a code at a time."""
    named = np.full(positions.size, code, dtype=object)
    if codes is not None:
        if not isinstance(codes, np.ndarray | pd.Categorical):
            codes = np.asarray(codes, dtype=object)
        given = np.asarray(codes[positions], dtype=object)  # the flagged rows only
        named = np.where((given == "") | pd.isna(given), named, given)
    pt, en = np.empty(positions.size, dtype=object), np.empty(positions.size, dtype=object)
    severity = np.empty(positions.size, dtype=object)
    distinct = list(dict.fromkeys(named.tolist()))
    for one in distinct:
        found = spec if spec is not None and one == code else CODES[one]
        at = np.flatnonzero(named == one) if len(distinct) > 1 else np.s_[:]
        picked = {name: v if isinstance(v, str) else v[at] for name, v in fields.items()}
        pt[at] = render_rows(found.pt, picked, len(pt[at]))
        en[at] = render_rows(found.en, picked, len(en[at]))
        severity[at] = Severity(found.severity)
    return named, pt, en, severity


def _pick(values: object, positions: np.ndarray) -> np.ndarray:
    """The flagged rows only, as text ("" for empty): never convert a whole column."""
    if values is None:
        return np.full(len(positions), "", dtype=object)
    if isinstance(values, pd.Series):
        picked = values.iloc[positions]
    elif isinstance(values, np.ndarray):  # picked before conversion: a row per finding
        picked = pd.Series(values[positions].astype(object), dtype=object)
    else:
        picked = pd.Series(np.asarray(values, dtype=object)[positions], dtype=object)
    text = picked.astype(object).where(picked.notna(), "")
    if isinstance(picked.dtype, pd.StringDtype):  # text already: no look at each value
        return text.to_numpy(dtype=object)
    return np.array([v if isinstance(v, str) else _display(v) for v in text], dtype=object)


def _display(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)
