"""The benchmark's rules written for frictionless 5.21: a Table Schema for what its
constraints can say (required, date minimum/maximum, money minimum, accounts by enum) and
custom checks for the rest (CPF/CNPJ check digits, synthetic accounts, debit = credit,
duplicates on Documento + CPF/CNPJ + Valor). Cells arrive in memory as a reader gives them.

Run by benchmarks/run.py in .venv-peers, from a directory outside the repository.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta
from importlib.metadata import version
from typing import ClassVar

import attrs
import common
from frictionless import Check, Checklist, Resource, Schema, errors


class CpfCnpjError(errors.CellError):
    type = "cpf-cnpj"
    title = "CPF/CNPJ"
    description = "A CPF or CNPJ whose check digits do not match."
    template = 'Row "{rowNumber}", field "{fieldName}": {note}'


class SyntheticAccountError(errors.CellError):
    type = "synthetic-account"
    title = "Synthetic account"
    description = "An account of the chart that does not accept postings."
    template = 'Row "{rowNumber}", field "{fieldName}": {note}'


class SameAccountError(errors.CellError):
    type = "same-account"
    title = "Same account"
    description = "Debit and credit in the same account."
    template = 'Row "{rowNumber}", field "{fieldName}": {note}'


class DuplicateEntryError(errors.CellError):
    type = "duplicate-entry"
    title = "Duplicate entry"
    description = "Same Documento, CPF/CNPJ and Valor as an earlier row."
    template = 'Row "{rowNumber}", field "{fieldName}": {note}'


@attrs.define(kw_only=True, repr=False)
class cpf_cnpj(Check):
    type = "cpf-cnpj"
    Errors: ClassVar[list] = [CpfCnpjError]

    def validate_row(self, row):
        value = row["cpf_cnpj"]
        if value is not None and not common.cpf_cnpj_ok(value):
            yield CpfCnpjError.from_row(
                row, note="check digits do not match", field_name="cpf_cnpj"
            )


@attrs.define(kw_only=True, repr=False)
class synthetic_account(Check):
    type = "synthetic-account"
    Errors: ClassVar[list] = [SyntheticAccountError]
    codes: list

    def validate_row(self, row):
        for name in ("conta_debito", "conta_credito"):
            if row[name] in self.codes:
                yield SyntheticAccountError.from_row(
                    row, note="does not accept postings", field_name=name
                )


@attrs.define(kw_only=True, repr=False)
class same_account(Check):
    type = "same-account"
    Errors: ClassVar[list] = [SameAccountError]

    def validate_row(self, row):
        debit = row["conta_debito"]
        if debit is not None and debit == row["conta_credito"]:
            yield SameAccountError.from_row(
                row, note="debit and credit are the same account", field_name="conta_credito"
            )


@attrs.define(kw_only=True, repr=False)
class duplicate_entry(Check):
    type = "duplicate-entry"
    Errors: ClassVar[list] = [DuplicateEntryError]
    seen: dict = attrs.field(factory=dict)

    def validate_start(self):
        self.seen.clear()
        yield from []

    def validate_row(self, row):
        document = row["documento"]
        if document is None:
            return
        number = row.row_number
        first = self.seen.setdefault((document, row["cpf_cnpj"], row["valor"]), number)
        if first != number:
            yield DuplicateEntryError.from_row(
                row, note=f"same as row {first}", field_name="documento"
            )


def schema(meta: dict) -> Schema:
    codes = [code for code, _ in meta["chart"]]
    text = {"type": "string"}
    required = {"type": "string", "constraints": {"required": True}}
    account = {"type": "string", "constraints": {"required": True, "enum": codes}}
    fields = {
        "data": {
            "type": "date",
            "constraints": {
                "required": True,
                "minimum": (meta["closed_until"] + timedelta(days=1)).isoformat(),
                "maximum": meta["today"].isoformat(),
            },
        },
        "documento": text,
        "historico": required,
        "conta_debito": account,
        "conta_credito": account,
        "valor": {"type": "number", "constraints": {"required": True, "minimum": 0}},
        "centro_de_custo": text,
        "cpf_cnpj": text,
        "observacoes": text,
    }
    return Schema.from_descriptor(
        {"fields": [{"name": name, **fields[name]} for name in meta["columns"]]}
    )


def checklist(meta: dict, skip_errors: tuple[str, ...] = ()) -> Checklist:
    synthetic = [code for code, postable in meta["chart"] if not postable]
    return Checklist(
        checks=[cpf_cnpj(), synthetic_account(codes=synthetic), same_account(), duplicate_entry()],
        skip_errors=list(skip_errors),
    )


_CUSTOM = {
    "cpf-cnpj": "cpf_cnpj.invalid",
    "synthetic-account": "account.synthetic",
    "same-account": "ledger.same_account",
    "duplicate-entry": "duplicate",
}


def count(report) -> dict[str, int]:
    """Findings by rule, under the names `ledger_data.KINDS` uses."""
    found: Counter[str] = Counter()
    for task in report.tasks:
        for error in task.errors:
            kind = _CUSTOM.get(error.type)
            if kind is None and error.type == "constraint-error":
                note, field = error.note, error.field_name
                if '"required"' in note:
                    kind = "required"
                elif '"enum"' in note:
                    kind = "account.unknown"
                elif field == "data":
                    kind = "date.future" if '"maximum"' in note else "date.closed_period"
                elif field == "valor" and '"minimum"' in note:
                    kind = "number.negative"
            found[kind or f"other: {error.type}"] += 1
    return dict(found)


def main() -> None:
    args = common.arguments()
    start = time.perf_counter()
    meta, table = common.load(args)
    # The cells a reader gives (str, float, date, None), header row first, as inline data.
    rows = [meta["columns"], *map(list, zip(*table.to_pydict().values(), strict=True))]
    the_schema, the_checklist = schema(meta), checklist(meta)

    slices = {n: rows[: n + 1] for n in args.rows}

    def run(n: int):
        resource = Resource(data=slices[n], schema=the_schema)
        return resource.validate(the_checklist, limit_errors=0)  # 0: no limit

    common.serve(
        {"frictionless": version("frictionless")},
        {f"cells:{n}": (lambda n=n: run(n)) for n in args.rows},
        count,
        time.perf_counter() - start,
    )


if __name__ == "__main__":
    main()
