"""Why a match was made, in the words a person checking it would use.

The texts are short, Portuguese, and built from a few parts ("mesmo valor", "1 dia depois",
"NF 1002 no histórico") so that the same kind of match always reads the same way and a
"sugerida" one says why it was not taken automatically.
"""

from __future__ import annotations

import numpy as np

from retaguarda.validators.fields.formatting import format_brl

CONFIRMED = "confirmada por uma pessoa"
#: added to a proposal that another candidate could explain as well
RIVAL = "há outro candidato quase tão provável: confira"
#: added to a group whose lines are further apart in date than a batch clears
FAR = "datas distantes para um lote: confira"


def apart(days: int) -> str:
    """How the statement's date stands to the ledger's: "1 dia depois", "mesma data"."""
    if days == 0:
        return "mesma data"
    word = "dia" if abs(days) == 1 else "dias"
    return f"{abs(days)} {word} {'depois' if days > 0 else 'antes'}"


def exact(days: np.ndarray, reference: list[str | None], similar: np.ndarray) -> list[str]:
    """One-to-one matches of the same amount: the dates, the document number found, and the
    description when it is what told two candidates apart."""
    texts = {int(d): f"mesmo valor, {apart(int(d))}" for d in np.unique(days)}
    out = []
    for d, ref, sim in zip(days.tolist(), reference, similar.tolist(), strict=True):
        text = texts[d]
        if ref:
            text += f", {ref}"
        if sim:
            text += ", histórico parecido"
        out.append(text)
    return out


def reference(document: str, in_description: bool) -> str:
    """Where the ledger's document number was found on the statement line."""
    label = document.strip()
    if not any(c.isalpha() for c in label):
        label = f"documento {label}"
    return f"{label} no histórico" if in_description else f"{label} no documento do extrato"


def tolerance(difference_cents: int, days: int, alike: bool) -> str:
    """A near amount: the difference to post, presumably a bank fee."""
    text = f"diferença de {format_brl(abs(difference_cents))} (tarifa?), {apart(days)}"
    return text + (", histórico parecido" if alike else ", histórico diferente")


def group(statement_lines: int, ledger_lines: int, days: int) -> str:
    """Several lines on one side adding up to one line on the other (all of one date)."""
    if ledger_lines > 1:
        return f"lote de {ledger_lines} títulos, soma igual, {apart(days)}"
    return f"pago em {statement_lines} partes no extrato, soma igual, {apart(days)}"


def suggested(text: str) -> str:
    return f"{text}; {RIVAL}"
