"""Columns that take a CPF or a CNPJ (a supplier, a customer): each cell is read as whichever
it is, and bare digits that make both are warned (`cpf_cnpj.ambiguous`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from retaguarda.validators.identifiers.cnpj import CNPJ, verify_cnpj
from retaguarda.validators.identifiers.cpf import CPF
from retaguarda.validators.identifiers.fixed import (
    check_read,
    format_matrix,
    read_typed,
    read_untyped,
)
from retaguarda.validators.identifiers.text import Text, bools, scatter
from retaguarda.validators.identifiers.verdict import (
    ALPHANUMERIC,
    CHECK_DIGITS,
    ZEROS,
    Family,
    Reason,
    Result,
    Verdict,
    verdict,
)

LENGTH = {
    Reason.LENGTH: (
        "deve ter 11 dígitos (CPF) ou 14 caracteres (CNPJ)",
        "must have 11 digits (CPF) or 14 characters (CNPJ)",
    ),
}
FAMILY = Family(
    "cpf_cnpj",
    {**LENGTH, **ALPHANUMERIC, **ZEROS, **CHECK_DIGITS},
    alphanumeric=True,
    warning_code="cpf_cnpj.ambiguous",
)


def check_cpf_cnpj(values: pd.Series) -> Verdict:
    """For columns that take either (a supplier, a customer): 11 digits are checked as a CPF,
    14 characters as a CNPJ; bare digits that make both are warned (`cpf_cnpj.ambiguous`)."""
    return verdict(values, check_either(Text.of(values)), FAMILY)


def check_either(text: Text, *, punctuated: bool = True) -> Result:
    cpf_typed, cnpj_typed = read_typed(text, CPF), read_typed(text, CNPJ)
    untyped = read_untyped(text, cpf_typed[0], cnpj_typed[0])
    as_cpf = check_read(len(text), CPF, cpf_typed, untyped, punctuated)
    as_cnpj = check_read(len(text), CNPJ, cnpj_typed, untyped, punctuated)
    # 11 digits is a CPF and 14 characters a CNPJ (the codes that only a value of the right
    # length gets tell which); a shorter number is whichever it becomes once its lost zeros
    # are put back, the CPF first; anything with letters is read as a CNPJ.
    cpf_length = np.isin(as_cpf.code, [Reason.OK, Reason.SAME, Reason.DV])
    cnpj_length = np.isin(as_cnpj.code, [Reason.OK, Reason.SAME, Reason.DV, Reason.DV_CHARS])
    use_cnpj = np.zeros(len(text), dtype=bool)
    use_cnpj[untyped[0]] = True
    use_cnpj &= cnpj_length | (
        ~cpf_length
        & (
            ((as_cnpj.code == Reason.ZEROS) & (as_cpf.code != Reason.ZEROS))
            | (as_cpf.code == Reason.CHARS)
        )
    )
    use_cnpj[cnpj_typed[0]] = True
    code = np.where(use_cnpj, as_cnpj.code, as_cpf.code).astype(np.int8)
    warned, suggestion = _cnpj_too(text, (code == Reason.OK) & ~use_cnpj)
    return Result(
        code,
        pc.if_else(pa.array(use_cnpj), as_cnpj.formatted, as_cpf.formatted),
        text.trimmed,
        warned=warned,
        suggestion=suggestion,
    )


def _cnpj_too(text: Text, cpf: np.ndarray) -> tuple[np.ndarray, pa.Array]:
    """Valid CPFs typed as bare digits with leading zeros that are also a valid CNPJ once three
    more zeros are put back: the number 191 is CPF 000.000.001-91 and Banco do Brasil's CNPJ
    00.000.000/0001-91. Both readings lost zeros, so only the user can tell."""
    maybe = cpf & (text.size == 11)
    maybe[maybe] = bools(pc.starts_with(text.trimmed.filter(pa.array(maybe)), "0"))
    rows = np.flatnonzero(maybe)
    matrix = text.subset(rows).matrix(np.arange(len(rows)), CNPJ.width)
    both = verify_cnpj(matrix) == Reason.OK
    warned = np.zeros(len(text), dtype=bool)
    warned[rows[both]] = True
    return warned, scatter(len(text), [(rows[both], format_matrix(matrix[both], CNPJ.layout))])
