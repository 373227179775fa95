"""`UnreadableFile` and the sentences it carries, shared by every reader, with the cell budget
of a workbook whose overdraft is one of them (DESIGN.md, "Unreadable input is a clear error").
"""

from __future__ import annotations

from pathlib import Path

from retaguarda.templates.raw_sheets import CONTROL, column_letter


class UnreadableFile(Exception):
    """A file that cannot be read as sheets; `message` is the sentence the user reads.

    `code` is stable and English (`file.encrypted`, `file.sheet_too_large`...), for programs.
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


# File and sheet names are the user's data: they go into messages as values (f-strings),
# never as a template, so "{0}" in a name is shown as typed.


def file_error(path: Path, code: str, pt: str, en: str) -> UnreadableFile:
    return UnreadableFile(pt, en, path=path, code=code)


def thousands(number: int) -> str:
    """12.345.678, as numbers are written in Brazil."""
    return f"{number:,}".replace(",", ".")


def file_name(path: Path) -> str:
    return CONTROL.sub("", path.name or str(path))


def unreadable(path: Path) -> UnreadableFile:
    name = file_name(path)
    return file_error(
        path,
        "file.unreadable",
        f"Não foi possível abrir o arquivo “{name}” (sem permissão de leitura?).",
        f"Could not open file “{name}” (no read permission?).",
    )


def corrupt(path: Path, what: str = "planilha", what_en: str = "a spreadsheet") -> UnreadableFile:
    name = file_name(path)
    return file_error(
        path,
        "file.corrupt",
        f"O arquivo “{name}” está corrompido ou incompleto e não pôde ser lido como {what}.",
        f"File “{name}” is corrupt or truncated and could not be read as {what_en}.",
    )


def encrypted(path: Path) -> UnreadableFile:
    name = file_name(path)
    return file_error(
        path,
        "file.encrypted",
        f"O arquivo “{name}” está protegido por senha; tire a senha no Excel e envie de novo.",
        f"File “{name}” is password-protected; remove the password in Excel and send it again.",
    )


def not_spreadsheet(path: Path, what: str, what_en: str) -> UnreadableFile:
    name = file_name(path)
    return file_error(
        path,
        "file.not_spreadsheet",
        f"O arquivo “{name}” não é uma planilha (parece ser {what}).",
        f"File “{name}” is not a spreadsheet (it looks like {what_en}).",
    )


def unsupported(path: Path, what: str, what_en: str) -> UnreadableFile:
    name = file_name(path)
    return file_error(
        path,
        "file.unsupported",
        f"O arquivo “{name}” está no formato {what}, que não é lido aqui; salve-o como .xlsx.",
        f"File “{name}” is in the {what_en} format, which is not read here; save it as .xlsx.",
    )


def bomb(path: Path) -> UnreadableFile:
    name = file_name(path)
    return file_error(
        path,
        "file.zip_bomb",
        f"O arquivo “{name}” foi recusado por segurança: descompactado, ele cresce de forma "
        "anormal (bomba de compactação).",
        f"File “{name}” was refused for safety: it inflates abnormally when unpacked (zip bomb).",
    )


def too_large(path: Path, sheet: str, rows: int, cols: int) -> UnreadableFile:
    name, cell, sheet = file_name(path), f"{column_letter(cols - 1)}{rows}", CONTROL.sub("", sheet)
    count = thousands(rows * cols)
    return file_error(
        path,
        "file.sheet_too_large",
        f"A planilha “{sheet}” do arquivo “{name}” é grande demais: vai até a célula {cell} "
        f"({count} células); apague o que estiver perdido abaixo ou à direita dos dados.",
        f"Sheet “{sheet}” of file “{name}” is too large: it reaches cell {cell} "
        f"({rows * cols:,} cells); delete whatever is left below or right of the data.",
    )


def _workbook_too_large(path: Path, sheet: str, cells: int, limit: int) -> UnreadableFile:
    name, count, most = file_name(path), thousands(cells), thousands(limit)
    sheet = CONTROL.sub("", sheet)
    return file_error(
        path,
        "file.workbook_too_large",
        f"O arquivo “{name}” é grande demais: somadas, as suas abas passam do limite de {most} "
        f"células (até a aba “{sheet}” já são {count}); apague as abas que não forem "
        "necessárias ou o que estiver perdido longe dos dados.",
        f"File “{name}” is too large: its sheets add up to more than the limit of {limit:,} "
        f"cells ({cells:,} up to sheet “{sheet}”); delete the sheets that are not needed, or "
        "whatever is left far from the data.",
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
