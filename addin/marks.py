"""What the add-in puts into a sheet for a report: cell colours, notes, the Pendências sheet.

Computed once here, as plain data, and applied by each workbook adapter (.xlsx file now;
xlwings and Google Sheets later), so every client marks the same cells the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retaguarda.validators.issues import Issue, Severity, cell_address
from retaguarda.validators.report import Report

#: fill colours (RGB hex): Excel's own "bad" red and "neutral" amber
FILL = {Severity.ERROR: "FFC7CE", Severity.WARNING: "FFEB9C"}
#: what makes a spreadsheet read text as a formula (OWASP adds tab and carriage return)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: xlsxwriter's options that write a string as the string it is: never a formula, a number or
#: a link guessed from its text
XLSXWRITER_AS_IS = {
    "strings_to_numbers": False,
    "strings_to_formulas": False,
    "strings_to_urls": False,
}
#: the Pendências sheet's column widths, in characters, where a client can set them
PENDING_WIDTHS = (22, 9, 7, 20, 70, 24, 60)
#: Excel keeps at most this many hyperlinks in one worksheet
MAX_LINKS = 65_530
#: characters a sheet or a terminal must not receive: C0 controls but tab, line feed and
#: carriage return (XML 1.0 refuses them; ESC starts terminal escape sequences), DEL, C1
#: controls (U+009B is a terminal's CSI too), and the bidirectional overrides that make text
#: read in another order than it is stored
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class CellMark:
    sheet: str
    cell: str
    fill: str
    note: str


def cell_marks(issues: list[Issue]) -> list[CellMark]:
    """One mark per offending cell: the worst severity's colour, every message in the note."""
    grouped: dict[tuple[str, str], list[Issue]] = {}
    for issue in issues:
        if issue.cell:
            grouped.setdefault((issue.sheet, issue.cell), []).append(issue)
    marks = []
    for (sheet, cell), found in grouped.items():
        worst = (
            Severity.ERROR if any(i.severity == Severity.ERROR for i in found) else Severity.WARNING
        )
        lines = []
        for issue in found:
            line = f"• {issue.message}"
            if issue.suggestion:
                line += f" Sugestão: {issue.suggestion}"
            lines.append(line)
        note = visible("Retaguarda:\n" + "\n".join(lines))
        marks.append(CellMark(sheet, cell, FILL[worst], note))
    return marks


PENDING_HEADER = ("Aba", "Célula", "Tipo", "Código", "Problema", "Sugestão", "Problem (en)")


def pending_rows(report: Report) -> list[tuple[list[object], str]]:
    """The rows of the Pendências sheet with, for each, the address its link points at.

    Grouped by sheet: a heading row per sheet with its counts, then one row per issue.
    Values copied from the user's cells are made inert (see `inert`).
    """
    out: list[tuple[list[object], str]] = []
    for (_file, sheet), issues in report.by_sheet().items():
        errors = sum(1 for i in issues if i.severity == Severity.ERROR)
        heading = f"{sheet}: {errors} erro(s), {len(issues) - errors} aviso(s)"
        out.append(([inert(heading), "", "", "", "", "", ""], ""))
        for issue in issues:
            severity = "erro" if issue.severity == Severity.ERROR else "aviso"
            row = [
                inert(issue.sheet),
                inert(issue.cell),
                severity,
                issue.code,
                inert(issue.message),
                inert(issue.suggestion),
                inert(issue.message_en),
            ]
            target = cell_address(issue.sheet, issue.cell, always_quote=True) if issue.cell else ""
            out.append((row, target))
    return out


def inert(text: str) -> str:
    """Text that a spreadsheet will never run as a formula (OWASP CSV injection), with no
    control character a file cannot hold or a client would act on (see `visible`)."""
    text = visible(text)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def visible(text: str) -> str:
    """`text` with each control character shown, not obeyed: C0 controls and DEL as their
    Unicode pictures (ESC as "␛"), the others as U+FFFD. The user sees that something odd was
    in the cell, where it was, and nothing reaches a terminal or a file that acts on it."""
    return CONTROL.sub(_picture, text) if CONTROL.search(text) else text


def _picture(found: re.Match[str]) -> str:
    code = ord(found.group())
    if code < 0x20:
        return chr(0x2400 + code)
    return "\u2421" if code == 0x7F else "\ufffd"
