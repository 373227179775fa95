"""The teams' books read from workbook files: one `Books` per file, named after the file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from retaguarda.addin.reports.model import Books
from retaguarda.templates.files import read_workbook
from retaguarda.templates.reader import read_tables
from retaguarda.templates.table import Table


def read_books(paths: Sequence[Path]) -> list[Books]:
    """One `Books` per file, its team the file's name without the extension, numbered when
    two files share one (a "lancamentos.xlsx" in each team's folder). An unreadable file
    raises `templates.files.UnreadableFile`, whose message says why in Portuguese."""
    return [
        books_of(name, read_tables(read_workbook(path)))
        for name, path in zip(team_names(paths), paths, strict=True)
    ]


def books_of(team: str, tables: Sequence[Table]) -> Books:
    """A team's tables grouped by template id, in workbook order."""
    grouped: dict[str, list[Table]] = {}
    for table in tables:
        grouped.setdefault(table.template.id, []).append(table)
    return Books(team, {key: tuple(found) for key, found in grouped.items()})


def team_names(paths: Sequence[Path]) -> list[str]:
    names: list[str] = []
    for path in paths:
        name, n = path.stem, 1
        while name in names:
            n += 1
            name = f"{path.stem} ({n})"
        names.append(name)
    return names
