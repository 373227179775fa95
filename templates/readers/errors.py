"""`UnreadableFile` and the sentences it carries, shared by every reader, with the cell budget
of a workbook whose overdraft is one of them (DESIGN.md, "Unreadable input is a clear error").
"""

from __future__ import annotations

from pathlib import Path

from retaguarda.templates.readers.raw_sheets import CONTROL, column_letter
from retaguarda.validators.codes import messages


class UnreadableFile(Exception):
    """A file that cannot be read as sheets; `message` is the sentence the user reads.

    `code` is stable and English (`file.encrypted`, `file.sheet_too_large`...), for programs;
    every one is in the catalogue of `validators.codes`, with its messages.
    """

    def __init__(
        self,
        message: str,
        message_en: str,
        *,
        path: Path | str | None = None,
        code: str = "file.unreadable",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.message_en = message_en
        self.path = Path(path) if path is not None else None
        self.code = code

    def __str__(self) -> str:
        return self.message


# File and sheet names are the user's data: they go into messages as values, never as a
# template, so "{0}" in a name is shown as typed (`validators.codes.render`).


def file_error(
    path: Path, code: str, pt: str | None = None, en: str | None = None, **fields: object
) -> UnreadableFile:
    """The error `code` (a `file.*` code of `validators.codes`) about `path`, with the
    catalogue's messages, {file} and `fields` filled in; or a reader's more precise sentence
    (`pt`, `en`) under the same code."""
    if pt is None or en is None:
        pt, en = messages(code, file=file_name(path), **fields)
    return UnreadableFile(pt, en, path=path, code=code)


def thousands(number: int) -> str:
    """12.345.678, as numbers are written in Brazil."""
    return f"{number:,}".replace(",", ".")


def file_name(path: Path) -> str:
    return CONTROL.sub("", path.name or str(path))


def unreadable(path: Path) -> UnreadableFile:
    return file_error(path, "file.unreadable")


def corrupt(path: Path, what: str = "planilha", what_en: str = "a spreadsheet") -> UnreadableFile:
    return file_error(path, "file.corrupt", what=what, what_en=what_en)


def encrypted(path: Path) -> UnreadableFile:
    return file_error(path, "file.encrypted")


def not_spreadsheet(path: Path, what: str, what_en: str) -> UnreadableFile:
    return file_error(path, "file.not_spreadsheet", what=what, what_en=what_en)


def unsupported(path: Path, what: str, what_en: str) -> UnreadableFile:
    return file_error(path, "file.unsupported", what=what, what_en=what_en)


def bomb(path: Path) -> UnreadableFile:
    return file_error(path, "file.zip_bomb")


def too_large(path: Path, sheet: str, rows: int, cols: int) -> UnreadableFile:
    return file_error(
        path,
        "file.sheet_too_large",
        sheet=CONTROL.sub("", sheet),
        cell=f"{column_letter(cols - 1)}{rows}",
        count=thousands(rows * cols),
        count_en=f"{rows * cols:,}",
    )


def _workbook_too_large(path: Path, sheet: str, cells: int, limit: int) -> UnreadableFile:
    return file_error(
        path,
        "file.workbook_too_large",
        sheet=CONTROL.sub("", sheet),
        count=thousands(cells),
        count_en=f"{cells:,}",
        limit=thousands(limit),
        limit_en=f"{limit:,}",
    )


class Budget:
    """The cells that all the sheets of one workbook may take in memory, spent sheet by sheet:
    calamine builds each sheet's grid in turn and Python keeps them all."""

    def __init__(self, path: Path, limit: int) -> None:
        self.path, self.limit, self.spent = path, limit, 0

    def check(self, sheet: str, rows: int, cols: int) -> None:
        """Raise if a sheet reaching (rows, cols) would not fit in what is left."""
        if rows * cols > self.limit:
            raise too_large(self.path, sheet, rows, cols)
        if self.spent + rows * cols > self.limit:
            raise _workbook_too_large(self.path, sheet, self.spent + rows * cols, self.limit)

    def spend(self, sheet: str, rows: int, cols: int) -> None:
        self.check(sheet, rows, cols)
        self.spent += rows * cols
