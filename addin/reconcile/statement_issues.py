"""What every statement reader tells the user: the warnings a `Statement` carries (their codes
and messages), the balance proof they all run, and the error naming the line where a file is
broken.

Their codes and messages are in the catalogue (`validators.codes`, `statement.*`).
"""

from __future__ import annotations

import re
import stat
import unicodedata
from decimal import Decimal
from pathlib import Path

from retaguarda.addin.reconcile.model import Statement
from retaguarda.templates.readers.errors import UnreadableFile, file_error, file_name
from retaguarda.templates.readers.raw_sheets import CONTROL
from retaguarda.validators.fields.formatting import format_brl
from retaguarda.validators.issues import Issue, make_issue

MiB = 1024 * 1024
#: A statement file larger than this is refused before it is read: a year of a busy account
#: in OFX is a few megabytes.
MAX_STATEMENT_BYTES = 100 * MiB


def statement_issue(
    code: str, path: Path | str, line: int | None = None, **fields: object
) -> Issue:
    """A warning about the statement file at `path` (its name stands where a sheet would), or
    about the sheet named `path`."""
    name = file_name(path) if isinstance(path, Path) else CONTROL.sub("", path)
    issue = make_issue(code, sheet=name, row=line, line=line or "", **fields)
    return issue.placed(file=name) if isinstance(path, Path) else issue


def brl(amount: Decimal) -> str:
    """R$ 1.234,56, as the messages show money."""
    return format_brl(int((amount * 100).to_integral_value()))


def prove(statement: Statement, path: Path | str, *, origin: tuple[str, str] = ("", "")) -> None:
    """Add to `statement.warnings` what the balances say: nothing when opening + lines =
    closing, the gap in reais when not, and why there is no proof when a balance is missing.

    `origin` names where the opening balance came from when the format has no field for it
    (pt, en: the "Saldo anterior" row of an OFX file); the warning then says so."""
    total = Decimal(int(statement.lines["cents"].sum())) / 100
    if statement.closing is None:
        statement.warnings.append(
            statement_issue(
                "statement.unproven",
                path,
                what="O extrato não informa o saldo final",
                what_en="The statement states no closing balance",
            )
        )
        return
    if statement.opening is None:
        implied = statement.closing - total
        statement.warnings.append(
            statement_issue(
                "statement.unproven",
                path,
                what="O extrato não informa o saldo inicial",
                what_en="The statement states no opening balance",
                hint=(
                    f" Para fechar, o saldo inicial teria de ser {brl(implied)}; confira no "
                    "extrato do banco (um saldo calculado assim não prova nada)."
                ),
                hint_en=(
                    f" To add up, the opening balance would have to be {brl(implied)}; check "
                    "it on the bank's statement (a balance computed that way proves nothing)."
                ),
            )
        )
        return
    gap = statement.gap()
    if gap:
        computed = statement.opening + total
        statement.warnings.append(
            statement_issue(
                "statement.unbalanced",
                path,
                origin=f" ({origin[0]})" if origin[0] else "",
                origin_en=f" ({origin[1]})" if origin[1] else "",
                closing=brl(statement.closing),
                computed=brl(computed),
                gap=brl(abs(gap)),
            )
        )


def check_file(path: Path, max_bytes: int = MAX_STATEMENT_BYTES) -> int:
    """The file's size, or the catalogue's error for a file that is missing, not a file, empty
    or too large (the same codes `templates.files.read_workbook` gives)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise file_error(path, "file.missing") from None
    except OSError:
        raise file_error(path, "file.unreadable") from None
    if not stat.S_ISREG(info.st_mode):
        raise file_error(path, "file.not_a_file")
    if info.st_size == 0:
        raise file_error(path, "file.empty")
    if info.st_size > max_bytes:
        raise file_error(
            path, "file.too_large", size=-(-info.st_size // MiB), limit=max_bytes // MiB
        )
    return info.st_size


def broken(path: Path, line: int, what: str, what_en: str, *, kind: str) -> UnreadableFile:
    """The error for a file broken at `line`: one sentence naming the file, the line and what
    is wrong there (`kind` says what the file was read as: "OFX", "CNAB 240")."""
    name = file_name(path)
    return file_error(
        path,
        "file.corrupt",
        f"O arquivo “{name}” não pôde ser lido como extrato {kind}: linha {line}: {what}.",
        f"File “{name}” could not be read as a {kind} statement: line {line}: {what_en}.",
    )


def fold(text: str) -> str:
    """Upper case, no accents, no spaces: "Saldo  do Dia" and "S A L D O" read alike."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"\s+", "", plain).upper()


def is_opening_row(label: str) -> bool:
    """A balance row that states the balance before the statement ("Saldo anterior")."""
    return fold(label).startswith(("SALDOANTERIOR", "SALDOINICIAL"))


def take_balance_row(
    statement: Statement,
    path: Path,
    line: int,
    label: str,
    amount: Decimal,
    *,
    opening: bool,
    closing: bool,
) -> tuple[str, str] | None:
    """A balance row written as a transaction becomes the statement's opening balance
    (`opening`) or its closing one (`closing`), or is left out; a warning says which, since
    it is never counted as a movement. Returns where the opening came from (pt, en), when this
    row is it, for `prove`."""
    origin = None
    if opening:
        statement.opening = amount
        fate = ("tomada como saldo inicial", "taken as the opening balance")
        origin = (f"da linha “{label}”, linha {line}", f"from the “{label}” row, line {line}")
    elif closing:
        statement.closing = amount
        fate = ("tomada como saldo final", "taken as the closing balance")
    else:
        fate = ("deixada de fora", "left out")
    statement.warnings.append(
        statement_issue(
            "statement.balance_row",
            path,
            line,
            value=label,
            amount=brl(amount),
            fate=fate[0],
            fate_en=fate[1],
        )
    )
    return origin
