"""The xlwings adapter of the workbook port: desktop Excel, and the xlwings Server clients.

One `xw.Book` either way: a desktop workbook (open-source xlwings, Windows/macOS) or a remote
one built from a client's request (`xw.Book(json=payload)`, xlwings PRO: free for
noncommercial use, a paid licence otherwise), whose writes become the actions of the response.
The remote clients differ in what they can apply, so the capabilities come from the payload's
`client`; what each one implements was read from the clients xlwings 0.37.8 ships
(`xlwings/addin/Remote.bas` for VBA, `xlwings/js/xlwings.ts` for Office Scripts,
`xlwings/js/xlwings.js` for Google Apps Script) and from xlwings' Office.js client.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

import xlwings as xw

from retaguarda.addin.marks import inert, visible
from retaguarda.addin.port import Capabilities, SheetValues

#: desktop Excel can do everything the macros ask
DESKTOP = Capabilities(notes=True, hidden_sheets=True, alerts=True)
#: the remote clients, by the `client` of their payload. VBA, Office Scripts and Apps Script
#: apply about 40 action kinds: no notes (`addNote`), no `setSheetVisibility`, and their
#: `setRangeColor` fails on "no fill" (Apps Script resets it). Office Scripts' `alert` throws,
#: Office.js' needs a dialog page the service may not serve: both get a message sheet.
#: Apps Script links are URLs, not cell references: the Pendências sheet goes without them.
CLIENTS = {
    "Office.js": Capabilities(notes=True, hidden_sheets=True),
    "VBA": Capabilities(clear_fill=False, alerts=True),
    "Microsoft Office Scripts": Capabilities(clear_fill=False),
    "Google Apps Script": Capabilities(links=False, alerts=True),
}
#: the most careful guess for a client this module does not know
UNKNOWN_CLIENT = Capabilities(clear_fill=False)
#: what a cell whose fill cannot be removed is painted with instead
NO_FILL = "FFFFFF"


class ExcelWorkbook:
    """The workbook port over an `xw.Book`; nothing here knows about templates or issues."""

    def __init__(self, book: xw.Book) -> None:
        self.book = book
        self._caps = capabilities(book)
        self._notes: dict[str, dict[str, Any]] = {}

    @property
    def capabilities(self) -> Capabilities:
        return self._caps

    def sheet_names(self) -> list[str]:
        return [sheet.name for sheet in self.book.sheets]

    def read(self, sheet: str) -> SheetValues:
        used = self.book.sheets[sheet].used_range
        rows = used.options(ndim=2, empty="").value
        if not rows or not rows[0]:
            return SheetValues([])
        return SheetValues(rows, used.row, used.column)

    def write(self, sheet: str, cell: str, rows: Sequence[Sequence[object]]) -> None:
        if rows:
            # Excel runs text that starts with "=" as a formula unless it is quoted
            # and a cell holds a double: money (Decimal) is handed over as one, as the remote
            # clients' protocol does (`protocol.py`)
            block = [[_cell(v) for v in row] for row in rows]
            self.book.sheets[sheet].range(cell).value = block

    def replace_sheet(self, sheet: str, *, first: bool = False) -> None:
        sheets = self.book.sheets
        if sheet in self.sheet_names():
            sheets[sheet].clear()
        elif first:
            sheets.add(sheet, before=sheets[0])
        else:
            sheets.add(sheet, after=sheets[len(sheets) - 1])

    def delete_sheet(self, sheet: str) -> None:
        self.book.sheets[sheet].delete()

    def paint(self, sheet: str, cell: str, color: str | None) -> None:
        if color is None and not self._caps.clear_fill:
            color = NO_FILL
        self.book.sheets[sheet].range(cell).color = f"#{color}" if color else None

    def has_note(self, sheet: str, cell: str) -> bool:
        return cell in self._notes_of(sheet)

    def set_note(self, sheet: str, cell: str, text: str | None) -> None:
        notes = self._notes_of(sheet)
        note = notes.get(cell)
        if text is None:
            if note is not None:
                note.delete()
                del notes[cell]
        elif note is not None:
            note.text = visible(text)
        else:
            # past `Range.add_note`'s own "already noted?" check, a search of every note of
            # the sheet per call: `notes` already says this cell has none
            target = self.book.sheets[sheet].range(cell)
            notes[cell] = xw.main.Note(impl=target.impl.add_note(visible(text)))

    def _notes_of(self, sheet: str) -> dict[str, Any]:
        """The sheet's notes by cell, read once: `Range.note` searches them all every time,
        which made marking 800 cells take seconds."""
        if sheet not in self._notes:
            found = self.book.sheets[sheet].notes if self._caps.notes else []
            self._notes[sheet] = {_note_cell(n): n for n in found}
        return self._notes[sheet]

    def link(self, sheet: str, cell: str, target: str, text: str) -> None:
        # every argument a string: the clients call toString() on each
        self.book.sheets[sheet].range(cell).add_hyperlink(f"#{target}", text, "Ir para a célula")

    def hide_sheet(self, sheet: str) -> None:
        self.book.sheets[sheet].visible = False

    def alert(self, message: str, title: str) -> None:
        self.book.app.alert(message, title=title)


def _note_cell(note: Any) -> str:
    """ "D17" for a note; the remote engine knows it only from the payload, on its own Range."""
    try:
        address = note.location.address
    except NotImplementedError:
        address = note.impl.range.address
    return address.replace("$", "")


def capabilities(book: xw.Book) -> Capabilities:
    """What the client behind `book` can apply: by the payload's `client`, else desktop."""
    payload = book.api if isinstance(book.api, dict) else None
    if payload is None or "client" not in payload:
        return DESKTOP
    caps = CLIENTS.get(payload["client"], UNKNOWN_CLIENT)
    if caps.notes and not _payload_has_notes(payload):
        caps = replace(caps, notes=False)
    return caps


def _payload_has_notes(payload: dict) -> bool:
    """Office.js sends a sheet's notes (ExcelApi 1.18) under `notes`; without it, no notes."""
    return all(
        "notes" in sheet and sheet.get("notes_supported") is not False
        for sheet in payload.get("sheets", [])
    )


def _cell(value: object) -> object:
    if isinstance(value, str):
        return inert(value)
    return float(value) if isinstance(value, Decimal) else value
