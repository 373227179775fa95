"""The workbook port: the few operations the add-in's macros need from a spreadsheet.

The macros (validate and mark, clear the marks, reconcile, reports, payroll) are written once
against this protocol; each client gets an adapter (an xlwings book, an .xlsx file, a Google
Sheet). `Capabilities` says what the client at hand can show, because the remote clients of
xlwings apply only a subset of actions: a macro asks before it acts, so a client never receives
an action it cannot apply.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Capabilities:
    """What a client can show the user. Everything else the macros do works everywhere."""

    notes: bool = False  # a note (the yellow box) on a cell
    links: bool = True  # a hyperlink to a cell of the workbook
    colors: bool = True  # a fill colour on a cell
    clear_fill: bool = True  # remove a fill (else an unpainted cell is filled white)
    hidden_sheets: bool = False  # hide a sheet (the add-in's record of its marks)
    alerts: bool = False  # a message box


@dataclass(frozen=True)
class SheetValues:
    """A sheet's cells as a grid, and where the grid starts in the sheet (1-based)."""

    rows: Sequence[Sequence[object]]
    first_row: int = 1
    first_col: int = 1


class WorkbookPort(Protocol):
    """One open workbook. Cells are addressed as the user sees them: sheet name and "D17"."""

    @property
    def capabilities(self) -> Capabilities: ...

    def sheet_names(self) -> list[str]: ...

    def read(self, sheet: str) -> SheetValues: ...

    def write(self, sheet: str, cell: str, rows: Sequence[Sequence[object]]) -> None:
        """Write a block of values whose top-left corner is `cell`. Text is always written as
        text, never as a formula, whatever it starts with: the macros quote what they copy
        (`marks.inert`) and each adapter makes sure again, so no caller can get it wrong."""
        ...

    def replace_sheet(self, sheet: str, *, first: bool = False) -> None:
        """An empty sheet of this name: added, or cleared when it exists."""
        ...

    def delete_sheet(self, sheet: str) -> None: ...

    def paint(self, sheet: str, cell: str, color: str | None) -> None:
        """Fill a cell with `color` ("FFC7CE"), or remove the fill with None."""
        ...

    def has_note(self, sheet: str, cell: str) -> bool: ...

    def set_note(self, sheet: str, cell: str, text: str | None) -> None:
        """Put a note on a cell (replacing one), or remove it with None."""
        ...

    def link(self, sheet: str, cell: str, target: str, text: str) -> None:
        """Make `cell` a hyperlink to `target` ("'Lançamentos'!D17") showing `text`."""
        ...

    def hide_sheet(self, sheet: str) -> None: ...

    def alert(self, message: str, title: str) -> None: ...
