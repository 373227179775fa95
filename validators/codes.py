"""The catalog of issue codes: severity and the messages people read, pt-BR and English.

Codes are a contract (integrations filter on them): add new ones, never rename.
Message templates use `str.format` fields: {sheet}, {column}, {value}, {suggestion} and the
extras a rule passes (for example {first_row} for duplicates); a field not given renders empty
(see `issues._render`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    severity: str
    pt: str
    en: str


E, W = "error", "warning"

CODES: dict[str, Code] = {
    "required": Code(
        E,
        "{column}: campo obrigatório está vazio.",
        "{column}: required field is empty.",
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
        "{column}: a conta “{value}” {reason}.",
        "{column}: account “{value}” {reason_en}.",
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
}
