"""Brazilian identifiers: CPF, CNPJ (numeric and alphanumeric), PIS, CEP, NCM, PIX keys, banks.

Two faces of the same rules. The `check_*` functions take a whole column and work on the bytes
of its Arrow buffers with numpy, because a consolidated sheet can hold a million rows and a loop
per row would take seconds; each returns a `Verdict` (which rows are wrong, why, with the issue
code that says so, and the value the user probably meant). The `is_*`, `format_*` and
`*_check_digits` functions are plain Python for spreadsheet functions, which are called once per
cell, and for the sample-data generator. A test holds the two faces to the same answers.

Input is what people type (see `text`); digits of other scripts (Arabic-Indic, fullwidth) are
refused, naming the character, since nobody means them.
"""

from retaguarda.validators.identifiers.bank import (
    ACCOUNT_FAMILY,
    AGENCY_FAMILY,
    bank_name,
    check_agency,
    check_bank,
    check_bank_account,
)
from retaguarda.validators.identifiers.bank import FAMILY as _BANK
from retaguarda.validators.identifiers.cep import FAMILY as _CEP
from retaguarda.validators.identifiers.cep import check_cep
from retaguarda.validators.identifiers.cnpj import FAMILY as _CNPJ
from retaguarda.validators.identifiers.cnpj import (
    check_cnpj,
    cnpj_check_digits,
    format_cnpj,
    is_cnpj,
)
from retaguarda.validators.identifiers.cpf import FAMILY as _CPF
from retaguarda.validators.identifiers.cpf import check_cpf, cpf_check_digits, format_cpf, is_cpf
from retaguarda.validators.identifiers.cpf_cnpj import FAMILY as _CPF_CNPJ
from retaguarda.validators.identifiers.cpf_cnpj import check_cpf_cnpj
from retaguarda.validators.identifiers.ncm import FAMILY as _NCM
from retaguarda.validators.identifiers.ncm import check_ncm
from retaguarda.validators.identifiers.pis import FAMILY as _PIS
from retaguarda.validators.identifiers.pis import check_pis, is_pis, pis_check_digit
from retaguarda.validators.identifiers.pix import FAMILY as _PIX
from retaguarda.validators.identifiers.pix import check_pix, is_pix
from retaguarda.validators.identifiers.verdict import Family, Verdict

#: The issue codes of each check, by the identifier kind of a template column.
FAMILIES: dict[str, Family] = {
    "cpf": _CPF,
    "cnpj": _CNPJ,
    "cpf_cnpj": _CPF_CNPJ,
    "pis": _PIS,
    "cep": _CEP,
    "ncm": _NCM,
    "pix": _PIX,
    "bank": _BANK,
    "agency": AGENCY_FAMILY,
    "bank_account": ACCOUNT_FAMILY,
}

__all__ = [
    "FAMILIES",
    "Family",
    "Verdict",
    "bank_name",
    "check_agency",
    "check_bank",
    "check_bank_account",
    "check_cep",
    "check_cnpj",
    "check_cpf",
    "check_cpf_cnpj",
    "check_ncm",
    "check_pis",
    "check_pix",
    "cnpj_check_digits",
    "cpf_check_digits",
    "format_cnpj",
    "format_cpf",
    "is_cnpj",
    "is_cpf",
    "is_pis",
    "is_pix",
    "pis_check_digit",
]
