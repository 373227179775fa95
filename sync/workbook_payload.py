"""What an xlwings client may send as a workbook, checked before xlwings reads it.

xlwings' remote engine trusts the payload's shape: a `"sheets"` that is a string, or a `"book"`
that is null, fails deep inside it with a TypeError, which would be our 500 for the client's
mistake. The shape is declared here once (pydantic) and a bad one is a 400 naming the field.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from retaguarda.addin.service import ProtocolError

#: what a cell of `values` may hold in xlwings' JSON: text, a number, a boolean, or empty
Cell = str | int | float | bool | None


class _Part(BaseModel):
    model_config = ConfigDict(extra="allow")


class _Book(_Part):
    name: str
    active_sheet_index: int


class _Sheet(_Part):
    name: str
    values: list[list[Cell]]
    pictures: list[Any]
    tables: list[Any]


class _Workbook(_Part):
    client: str
    version: str
    book: _Book
    names: list[Any]
    sheets: list[_Sheet]


def check_shape(payload: dict[str, Any]) -> None:
    """Raise a 400 `ProtocolError` naming the first field that is not as xlwings sends it."""
    try:
        _Workbook.model_validate(payload)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "corpo"
        raise ProtocolError(
            f"a pasta de trabalho enviada não pôde ser lida: o campo {where} não está no "
            "formato do xlwings."
        ) from None


def cell_count(block: object) -> int:
    """How many values the nested arrays of `block` hold (any depth; walked without recursion,
    so a deeply nested body cannot exhaust the stack)."""
    count = 0
    stack = [block]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        else:
            count += 1
    return count
