"""Findings as data: one `Issue` per offending cell, with a stable code and a position.

A rule never raises on bad data; it returns a boolean mask over the rows of a table, and
`issues_from_mask` turns the few flagged rows into `Issue`s that point at the cell the user
sees (sheet, "F17"), in Portuguese first and English second.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any, Protocol

import numpy as np
import pandas as pd

from retaguarda.validators.codes import CODES


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Issue:
    """One finding. `cell` is the coordinate the user sees ("F17"); `row` its row number."""

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

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = str(self.severity)
        return data

    @property
    def address(self) -> str:
        """`Lançamentos!F17`, quoted as Excel does when the sheet name needs it."""
        return cell_address(self.sheet, self.cell)


def cell_address(sheet: str, cell: str, *, always_quote: bool = False) -> str:
    """The address as Excel writes it; links quote the sheet name always, which is safe."""
    if not cell:
        return sheet
    plain = sheet.replace("_", "").isalnum() and not sheet[0].isdigit() and not always_quote
    name = sheet if plain else "'" + sheet.replace("'", "''") + "'"
    return f"{name}!{cell}"


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
    **params: object,
) -> Issue:
    """Build one issue, rendering its messages from the code's templates."""
    spec = CODES[code]
    fields = {"column": column, "value": value, "suggestion": suggestion, **params}
    return Issue(
        code=code,
        severity=Severity(spec.severity),
        sheet=sheet,
        cell=cell,
        column=column,
        value="" if value is None else str(value),
        message=spec.render_pt(fields),
        message_en=spec.render_en(fields),
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
) -> list[Issue]:
    """Turn a boolean mask over `table`'s rows into issues at column `key`.

    Per-row `suggestion` and `params` are indexed like the table; only flagged rows are read,
    so the cost is proportional to the number of findings, not to the size of the table.
    """
    flags = np.asarray(mask, dtype=bool)
    positions = np.flatnonzero(flags)
    if positions.size == 0:
        return []
    letter = table.letter(key)
    header = table.header(key)
    raw = table.raw[key].to_numpy(dtype=object)[positions] if key in table.raw else None
    rows = table.rows[positions]
    picked_suggestions = _pick(suggestion, positions)
    picked_params = {name: _pick(values, positions) for name, values in (params or {}).items()}
    issues = []
    for i in range(positions.size):
        value = raw[i] if raw is not None else ""
        row = int(rows[i])
        extra = {name: values[i] for name, values in picked_params.items()}
        issues.append(
            make_issue(
                code,
                sheet=table.sheet,
                cell=f"{letter}{row}",
                column=header,
                value=_display(value),
                suggestion=_display(picked_suggestions[i]),
                row=row,
                **extra,
            )
        )
    return issues


def _pick(values: object, positions: np.ndarray) -> list[object]:
    if values is None:
        return [""] * len(positions)
    if isinstance(values, pd.Series):
        return list(values.to_numpy(dtype=object)[positions])
    if isinstance(values, np.ndarray | list | tuple):
        return list(np.asarray(values, dtype=object)[positions])
    return [values] * len(positions)


def _display(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)
