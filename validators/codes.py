"""The catalog of issue codes: severity and the messages people read, pt-BR and English.

Codes are a contract (integrations filter on them): add new ones, never rename. Where a code
splits into codes that say why (`cnpj.invalid` into `cnpj.check_digit`, `cnpj.length`...), the
old code stays as their `family`, and a caller that selects or skips the family gets them all
(`code_matches`, `select_codes`: what `--select`/`--ignore` take).
Message templates use `str.format` fields: {sheet}, {column}, {value}, {suggestion} and the
extras a rule passes (for example {first_row} for duplicates); a field not given renders empty
(see `render`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from string import Formatter

import numpy as np


@dataclass(frozen=True)
class Code:
    severity: str
    pt: str
    en: str
    #: the broader code this one refines ("cnpj.invalid" for "cnpj.check_digit"); "" for none
    family: str = ""


E, W = "error", "warning"

CODES: dict[str, Code] = {
    # `cell.required` and `row.duplicate` were `required` and `duplicate`, which stay here as
    # their families, no longer given to a finding: a filter on the old names still works.
    "required": Code(
        E,
        "{column}: campo obrigatório está vazio.",
        "{column}: required field is empty.",
    ),
    "cell.required": Code(
        E,
        "{column}: campo obrigatório está vazio.",
        "{column}: required field is empty.",
        "required",
    ),
    "column.missing": Code(
        E,
        "A coluna obrigatória “{column}” não foi encontrada no cabeçalho de “{sheet}”.",
        "The required column “{column}” was not found in the header of “{sheet}”.",
    ),
    "date.invalid": Code(
        E,
        "{column}: “{value}” não é uma data válida; use {expected}.",
        "{column}: “{value}” is not a valid date; use {expected_en}.",
    ),
    "date.ambiguous": Code(
        W,
        "{column}: “{value}” foi lida como {suggestion} (dia/mês); confira.",
        "{column}: “{value}” was read as {suggestion} (day/month); please check.",
    ),
    "date.future": Code(
        E,
        "{column}: a data {value} está no futuro (hoje é {today}).",
        "{column}: the date {value} is in the future (today is {today}).",
    ),
    "date.closed_period": Code(
        E,
        "{column}: a data {value} cai em período já fechado (fechado até {closed_until}).",
        "{column}: the date {value} falls in a closed period (closed until {closed_until}).",
    ),
    "number.invalid": Code(
        E,
        "{column}: “{value}” não é um número válido.",
        "{column}: “{value}” is not a valid number.",
    ),
    "number.ambiguous": Code(
        W,
        "{column}: “{value}” foi lido como {suggestion}; confira o separador decimal.",
        "{column}: “{value}” was read as {suggestion}; check the decimal separator.",
    ),
    "number.rounded": Code(
        W,
        "{column}: “{value}” tem mais casas decimais do que a coluna guarda; foi arredondado "
        "para {suggestion}.",
        "{column}: “{value}” has more decimal places than the column keeps; it was rounded to "
        "{suggestion}.",
    ),
    "number.negative": Code(
        E,
        "{column}: o valor {value} não pode ser negativo.",
        "{column}: the value {value} must not be negative.",
    ),
    "choice.invalid": Code(
        E,
        "{column}: “{value}” não está na lista ({choices}).",
        "{column}: “{value}” is not one of the allowed values ({choices}).",
    ),
    "cpf.invalid": Code(
        E,
        "{column}: “{value}” não é um CPF válido ({reason}).",
        "{column}: “{value}” is not a valid CPF ({reason_en}).",
    ),
    "cnpj.invalid": Code(
        E,
        "{column}: “{value}” não é um CNPJ válido ({reason}).",
        "{column}: “{value}” is not a valid CNPJ ({reason_en}).",
    ),
    "cpf_cnpj.invalid": Code(
        E,
        "{column}: “{value}” não é um CPF nem um CNPJ válido ({reason}).",
        "{column}: “{value}” is neither a valid CPF nor a valid CNPJ ({reason_en}).",
    ),
    "pis.invalid": Code(
        E,
        "{column}: “{value}” não é um PIS/PASEP/NIT válido ({reason}).",
        "{column}: “{value}” is not a valid PIS/PASEP/NIT ({reason_en}).",
    ),
    "cep.invalid": Code(
        E,
        "{column}: “{value}” não é um CEP válido ({reason}); o formato é 00000-000.",
        "{column}: “{value}” is not a valid CEP ({reason_en}); the format is 00000-000.",
    ),
    "ncm.invalid": Code(
        E,
        "{column}: “{value}” não é um NCM válido ({reason}); o formato é 0000.00.00.",
        "{column}: “{value}” is not a valid NCM ({reason_en}); the format is 0000.00.00.",
    ),
    "pix.invalid": Code(
        E,
        "{column}: “{value}” não é uma chave PIX válida ({reason}); use CPF, CNPJ, e-mail, "
        "celular (+55DDDNÚMERO) ou chave aleatória.",
        "{column}: “{value}” is not a valid PIX key ({reason_en}); use a CPF, CNPJ, e-mail, "
        "mobile (+55AREANUMBER) or random key.",
    ),
    "bank.invalid": Code(
        E,
        "{column}: “{value}” não é um código de banco (COMPE) válido ({reason}).",
        "{column}: “{value}” is not a valid bank code ({reason_en}); use the 3-digit COMPE code.",
    ),
    "bank.unknown": Code(
        W,
        "{column}: o código “{value}” não está na lista de participantes do Banco Central "
        "que o Retaguarda traz; confira o banco.",
        "{column}: code “{value}” is not in the Banco Central's list of participants that "
        "Retaguarda ships; check the bank.",
    ),
    "cpf_cnpj.ambiguous": Code(
        W,
        "{column}: “{value}” foi lido como o CPF {formatted}, mas também é o CNPJ {suggestion} "
        "(os zeros à esquerda se perderam); confira qual é.",
        "{column}: “{value}” was read as CPF {formatted}, but it is also CNPJ {suggestion} "
        "(its leading zeros were lost); check which one it is.",
    ),
    "agency.invalid": Code(
        E,
        "{column}: “{value}” não é uma agência válida ({reason}); ex.: 1234 ou 1234-5.",
        "{column}: “{value}” is not a valid bank branch ({reason_en}); e.g. 1234 or 1234-5.",
    ),
    "bank_account.invalid": Code(
        E,
        "{column}: “{value}” não é uma conta válida ({reason}); ex.: 12345-6 ou 12345-X.",
        "{column}: “{value}” is not a valid bank account ({reason_en}); e.g. 12345-6 or 12345-X.",
    ),
    "account.unknown": Code(
        E,
        "{column}: a conta “{value}” não existe no Plano de contas.",
        "{column}: account “{value}” is not in the chart of accounts.",
    ),
    # it was `account.unknown` too, which stays its family
    "account.not_postable": Code(
        E,
        "{column}: a conta “{value}” é sintética (não aceita lançamento).",
        "{column}: account “{value}” is a summary account (does not accept postings).",
        "account.unknown",
    ),
    "account.no_chart": Code(
        W,
        "Sem a aba “Plano de contas” as contas de “{sheet}” não foram conferidas.",
        "Without a “Plano de contas” sheet the accounts of “{sheet}” were not checked.",
    ),
    "ledger.same_account": Code(
        E,
        "{column}: débito e crédito na mesma conta ({value}).",
        "{column}: debit and credit on the same account ({value}).",
    ),
    "duplicate": Code(
        W,
        "{column}: lançamento repetido; igual ao da linha {first_row} ({key}).",
        "{column}: duplicated entry; same as row {first_row} ({key}).",
    ),
    "row.duplicate": Code(
        W,
        "{column}: lançamento repetido; igual ao da linha {first_row} ({key}).",
        "{column}: duplicated entry; same as row {first_row} ({key}).",
        "duplicate",
    ),
    "payable.overpaid": Code(
        E,
        "{column}: pago {value}, mais que o valor devido {due}.",
        "{column}: paid {value}, more than the amount due {due}.",
    ),
    "receivable.overpaid": Code(
        E,
        "{column}: recebido {value}, mais que o valor a receber {due}.",
        "{column}: received {value}, more than the amount receivable {due}.",
    ),
    "payroll.inss_mismatch": Code(
        E,
        "{column}: INSS {value}, mas o cálculo dá {suggestion} (salário de contribuição "
        "{gross}, tabela de {competencia}).",
        "{column}: INSS {value}, but the computation gives {suggestion} (contribution base "
        "{gross}, table of {competencia}).",
    ),
    "payroll.irrf_mismatch": Code(
        E,
        "{column}: IRRF {value}, mas o cálculo dá {suggestion} (rendimentos {gross}, pago em "
        "{payment_date}).",
        "{column}: IRRF {value}, but the computation gives {suggestion} (income {gross}, "
        "paid on {payment_date}).",
    ),
    "payroll.fgts_mismatch": Code(
        E,
        "{column}: FGTS {value}, mas o cálculo dá {suggestion} (remuneração {gross}).",
        "{column}: FGTS {value}, but the computation gives {suggestion} (remuneration {gross}).",
    ),
    "payroll.net_mismatch": Code(
        E,
        "{column}: líquido {value}, mas o cálculo dá {suggestion}.",
        "{column}: net pay {value}, but the computation gives {suggestion}.",
    ),
    "payroll.below_minimum_wage": Code(
        E,
        "{column}: salário {value} abaixo do salário mínimo de {competencia} ({suggestion}).",
        "{column}: salary {value} below the minimum wage of {competencia} ({suggestion}).",
    ),
    "payroll.vt_over_cap": Code(
        E,
        "{column}: desconto de vale-transporte {value} acima do permitido ({suggestion}: 6% "
        "do salário base, nunca mais que o benefício).",
        "{column}: transit voucher discount {value} above the allowed ({suggestion}: 6% of "
        "the base salary, never more than the benefit).",
    ),
    "stock.negative": Code(
        E,
        "{column}: o saldo de {sku} em {warehouse} fica negativo ({balance}) com este movimento.",
        "{column}: the balance of {sku} at {warehouse} goes negative ({balance}) with this "
        "movement.",
    ),
    "stock.unknown_sku": Code(
        E,
        "{column}: o SKU “{value}” foi contado mas não tem nenhuma movimentação.",
        "{column}: SKU “{value}” was counted but has no movement at all.",
    ),
    "cell.formula_uncached": Code(
        W,
        "{column}: a célula tem a fórmula {value}, sem valor calculado (o arquivo foi gravado "
        "por um programa que não calcula fórmulas); abra e salve no Excel, ou recalcule, para "
        "que o valor seja conferido.",
        "{column}: the cell holds the formula {value} with no calculated value (the file was "
        "written by a program that does not calculate formulas); open and save it in Excel, or "
        "recalculate, so that the value can be checked.",
    ),
    "sheet.stray_cell": Code(
        W,
        "Há um valor em {reference}, longe dos dados da aba “{sheet}”; ele não foi lido nem "
        "conferido. Apague-o se estiver ali por engano.",
        "There is a value at {reference}, far from the data of sheet “{sheet}”; it was neither "
        "read nor checked. Delete it if it is there by mistake.",
    ),
    # reconciliation: what the statement readers and the ledger side tell the user
    "statement.unbalanced": Code(
        W,
        "O saldo final do extrato ({closing}) difere do saldo inicial{origin} mais os "
        "lançamentos ({computed}) em {gap}.",
        "The statement's closing balance ({closing}) differs from the opening balance"
        "{origin_en} plus the transactions ({computed}) by {gap}.",
    ),
    "statement.unproven": Code(
        W,
        "{what}: a importação não pôde ser conferida (saldo inicial + lançamentos = saldo "
        "final).{hint}",
        "{what_en}: the import could not be checked (opening balance + transactions = closing "
        "balance).{hint_en}",
    ),
    "statement.balance_row": Code(
        W,
        "Linha {line}: “{value}” ({amount}) é uma linha de saldo, não um lançamento; {fate}.",
        "Line {line}: “{value}” ({amount}) is a balance row, not a transaction; {fate_en}.",
    ),
    "statement.balance_jump": Code(
        W,
        "Linha {line}: o saldo informado ({balance}) difere do saldo da linha anterior mais o "
        "valor ({expected}) em {gap}; falta ou sobra um lançamento antes dela?",
        "Line {line}: the stated balance ({balance}) differs from the previous line's balance "
        "plus the amount ({expected}) by {gap}; is a transaction missing or doubled before it?",
    ),
    "statement.several": Code(
        W,
        "O arquivo tem {count} extratos; só o primeiro (conta {account}) foi lido.",
        "The file holds {count} statements; only the first (account {account}) was read.",
    ),
    "reconcile.no_settlement_account": Code(
        W,
        "“{sheet}” não tem a coluna “Conta de liquidação”: {count} título(s) liquidado(s) "
        "ficaram fora da conciliação. Acrescente a coluna e informe por qual conta cada um "
        "foi liquidado.",
        "“{sheet}” has no “Conta de liquidação” column: {count} settled title(s) were left "
        "out of the reconciliation. Add the column and say which account settled each one.",
    ),
    "reconcile.ledger_row_incomplete": Code(
        W,
        "{count} linha(s) de “{sheet}” na conta {account} sem data ou sem valor ficaram fora "
        "da conciliação (a primeira na linha {first_row}).",
        "{count} row(s) of “{sheet}” on account {account} without a date or an amount were "
        "left out of the reconciliation (the first at row {first_row}).",
    ),
    "reconcile.no_ledger": Code(
        W,
        "Nenhuma aba “Lançamentos”, “Contas a pagar” ou “Contas a receber” foi reconhecida: "
        "o razão da conciliação está vazio (confira os cabeçalhos).",
        "No “Lançamentos”, “Contas a pagar” or “Contas a receber” sheet was recognised: the "
        "reconciliation's ledger is empty (check the header rows).",
    ),
    "reconcile.decision_stale": Code(
        W,
        "{count} decisão(ões) da conciliação anterior não valem mais: as linhas delas mudaram "
        "de valor (linhas inseridas ou apagadas no meio de uma aba, ou outro extrato colado "
        "por cima). Os pares foram propostos de novo; confira-os.",
        "{count} decision(s) of the previous reconciliation no longer hold: their lines changed "
        "amount (rows inserted or deleted inside a sheet, or another statement pasted over). "
        "The pairs were proposed afresh; check them.",
    ),
    "reconcile.account_unknown": Code(
        W,
        "A conta {account} não está no Plano de contas: confira o código da conta bancária.",
        "Account {account} is not in the chart of accounts: check the bank account's code.",
    ),
}


def _refine(family: str, *reasons: str) -> dict[str, Code]:
    """The codes `<kind>.<reason>` that refine `family` (`<kind>.invalid`), with its messages:
    the {reason} the check passes says the same in words, naming an offending character."""
    spec = CODES[family]
    kind = family.removesuffix(".invalid")
    return {f"{kind}.{r}": Code(spec.severity, spec.pt, spec.en, family) for r in reasons}


_CHECK_DIGITS = ("length", "character", "lost_zeros", "repeated_digits", "check_digit")
_ALPHANUMERIC = (*_CHECK_DIGITS, "check_digit_letter")
#: Identifier failures by the reason the check finds (validators/identifiers).
CODES |= (
    _refine("cpf.invalid", *_CHECK_DIGITS)
    | _refine("cnpj.invalid", *_ALPHANUMERIC)
    | _refine("cpf_cnpj.invalid", *_ALPHANUMERIC)
    | _refine("pis.invalid", *_CHECK_DIGITS)
    | _refine("cep.invalid", "length", "character", "lost_zeros", "range")
    | _refine("ncm.invalid", "length", "character", "lost_zeros", "range")
    | _refine("bank.invalid", "length", "character", "range", "check_digit")
    | _refine("agency.invalid", "format", "character")
    | _refine("bank_account.invalid", "format", "character")
    | _refine(
        "pix.invalid",
        "not_a_key",
        "lost_zeros",
        "repeated_digits",
        "check_digit",
        "check_digit_letter",
        "email",
        "email_length",
        "random_key_hyphens",
        "phone_country",
        "phone_number",
        "phone_prefix",
        "cpf_or_phone",
    )
)

#: Files that cannot be read (templates/file_errors.py): one sentence, exit code 2. {file} is
#: the file's name; a reader may say something more precise under the same code.
CODES |= {
    "file.missing": Code(
        E,
        "Arquivo “{file}” não encontrado: confira o nome e a pasta.",
        "File “{file}” not found: check its name and folder.",
    ),
    "file.not_a_file": Code(
        E,
        "“{file}” não é um arquivo comum (é uma pasta?) e não pode ser lido como planilha.",
        "“{file}” is not a regular file (a folder?) and cannot be read as a spreadsheet.",
    ),
    "file.empty": Code(E, "O arquivo “{file}” está vazio.", "File “{file}” is empty."),
    "file.too_large": Code(
        E,
        "O arquivo “{file}” tem {size} MB, acima do limite de {limit} MB.",
        "File “{file}” is {size} MB, above the {limit} MB limit.",
    ),
    "file.unreadable": Code(
        E,
        "Não foi possível abrir o arquivo “{file}” (sem permissão de leitura?).",
        "Could not open file “{file}” (no read permission?).",
    ),
    "file.corrupt": Code(
        E,
        "O arquivo “{file}” está corrompido ou incompleto e não pôde ser lido como {what}.",
        "File “{file}” is corrupt or truncated and could not be read as {what_en}.",
    ),
    "file.encrypted": Code(
        E,
        "O arquivo “{file}” está protegido por senha; tire a senha no Excel e envie de novo.",
        "File “{file}” is password-protected; remove the password in Excel and send it again.",
    ),
    "file.not_spreadsheet": Code(
        E,
        "O arquivo “{file}” não é uma planilha (parece ser {what}).",
        "File “{file}” is not a spreadsheet (it looks like {what_en}).",
    ),
    "file.unsupported": Code(
        E,
        "O arquivo “{file}” está no formato {what}, que não é lido aqui; salve-o como .xlsx.",
        "File “{file}” is in the {what_en} format, which is not read here; save it as .xlsx.",
    ),
    "file.zip_bomb": Code(
        E,
        "O arquivo “{file}” foi recusado por segurança: descompactado, ele cresce de forma "
        "anormal (bomba de compactação).",
        "File “{file}” was refused for safety: it inflates abnormally when unpacked (zip bomb).",
    ),
    "file.sheet_too_large": Code(
        E,
        "A planilha “{sheet}” do arquivo “{file}” é grande demais: vai até a célula {cell} "
        "({count} células); apague o que estiver perdido abaixo ou à direita dos dados.",
        "Sheet “{sheet}” of file “{file}” is too large: it reaches cell {cell} "
        "({count_en} cells); delete whatever is left below or right of the data.",
    ),
    "file.workbook_too_large": Code(
        E,
        "O arquivo “{file}” é grande demais: somadas, as suas abas passam do limite de {limit} "
        "células (até a aba “{sheet}” já são {count}); apague as abas que não forem "
        "necessárias ou o que estiver perdido longe dos dados.",
        "File “{file}” is too large: its sheets add up to more than the limit of {limit_en} "
        "cells ({count_en} up to sheet “{sheet}”); delete the sheets that are not needed, or "
        "whatever is left far from the data.",
    ),
    "file.csv_line_too_long": Code(
        E,
        "A linha {line} do arquivo “{file}” é longa demais para ser uma linha de planilha "
        "({size} caracteres; o limite é de {columns} colunas e {most} caracteres); confira se "
        "o arquivo é mesmo um CSV.",
        "Line {line} of file “{file}” is too long for a spreadsheet row ({size_en} characters; "
        "the limit is {columns_en} columns and {most_en} characters); check that the file "
        "really is a CSV.",
    ),
    "file.no_tables": Code(
        E,
        "O arquivo “{file}” é uma página HTML sem nenhuma tabela.",
        "File “{file}” is an HTML page without any table.",
    ),
    "file.no_template": Code(
        E,
        "{file}: nenhum modelo do Retaguarda reconhecido em nenhuma aba (confira o cabeçalho; "
        "veja docs/modelos.md).",
        "{file}: no Retaguarda template recognized in any sheet (check the header row; see "
        "docs/modelos.md).",
    ),
}


def render(template: str, fields: Mapping[str, object]) -> str:
    """`template.format(**fields)`, except that a field not given renders empty; a value is
    always text, never a template (a file named "{0}" is shown as typed)."""
    return render_rows(template, {name: str(value) for name, value in fields.items()}, 1)[0]


def render_rows(template: str, fields: Mapping[str, np.ndarray | str], size: int) -> np.ndarray:
    """`render` for `size` rows at once: each field is one text, or an array of a text a row."""
    out = np.full(size, "", dtype=object)
    for literal, name, _spec, _conversion in Formatter().parse(template):
        if literal:
            out = out + literal
        if name is not None:
            out = out + fields.get(name, "")
    return out


def messages(code: str, **fields: object) -> tuple[str, str]:
    """The (pt-BR, English) messages of `code` with `fields` filled in."""
    spec = CODES[code]
    return render(spec.pt, fields), render(spec.en, fields)


def family_of(code: str) -> str:
    """The code `code` refines ("cnpj.invalid" for "cnpj.check_digit"), or `code` itself."""
    spec = CODES.get(code)
    return spec.family if spec is not None and spec.family else code


def code_matches(code: str, pattern: str) -> bool:
    """Whether `pattern` names `code`: the code itself ("cnpj.check_digit"), its family
    ("cnpj.invalid" names every CNPJ failure), or its first dotted parts ("cnpj" names every
    cnpj.* code, the warnings too; "file" every file.* code; "cpf" is not "cpf_cnpj")."""
    return code == pattern or family_of(code) == pattern or code.startswith(pattern + ".")


def selected(code: str, select: Iterable[str] = (), ignore: Iterable[str] = ()) -> bool:
    """Whether `code` is kept: matched by a `select` pattern (or none given), and by no
    `ignore` pattern; ignoring wins, so `--select cnpj --ignore cnpj.length` works."""
    select = list(select)
    if select and not any(code_matches(code, p) for p in select):
        return False
    return not any(code_matches(code, p) for p in ignore)


def select_codes(
    codes: Iterable[str], *, select: Iterable[str] = (), ignore: Iterable[str] = ()
) -> list[str]:
    """The `codes` kept by `select` and `ignore` (see `selected`), in their order."""
    select, ignore = list(select), list(ignore)
    return [code for code in codes if selected(code, select, ignore)]


def unknown_patterns(patterns: Iterable[str]) -> list[str]:
    """The patterns that name no code of the catalogue: a typo in `--ignore` would otherwise
    silently ignore nothing."""
    return [p for p in patterns if not any(code_matches(code, p) for code in CODES)]
