"""The benchmark's rules written for pandera 0.35 (pandas backend): one DataFrameSchema with
built-in checks (not nullable, date bounds, money >= 0, accounts isin / notin the chart) and
vectorized custom checks (CPF/CNPJ check digits with numpy, debit = credit, duplicates on
Documento + CPF/CNPJ + Valor), validated lazily so that every failure is collected.

Two variants, like Retaguarda's (a) and (b): "typed" validates a DataFrame whose columns already
have their dtypes (datetime64, float64, str); "cells" starts from object columns holding the
cells a reader gives (date, float, str, None) and lets pandera coerce them.

Run by benchmarks/run.py in .venv-peers, from a directory outside the repository.
"""

from __future__ import annotations

import time
import warnings
from collections import Counter
from importlib.metadata import version

import common
import numpy as np
import pandas as pd
import pandera.pandas as pandera

_PUNCTUATION = r"[.\-/ \t\xa0]"
_CPF_WEIGHTS = (np.arange(10, 1, -1), np.arange(11, 1, -1))
_CNPJ_WEIGHTS = (
    np.array([5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]),
    np.array([6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]),
)


def _check_digits(values: np.ndarray, weights: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    base = len(weights[0])
    first = (values[:, :base] @ weights[0]) % 11
    first = np.where(first < 2, 0, 11 - first)
    second = (values[:, :base] @ weights[1][:base] + first * weights[1][base]) % 11
    second = np.where(second < 2, 0, 11 - second)
    same = (values == values[:, :1]).all(axis=1)
    return (values[:, base] == first) & (values[:, base + 1] == second) & ~same


def cpf_cnpj_ok(values: pd.Series) -> pd.Series:
    """The check digits of CPFs (11 digits) and CNPJs (14 characters 0-9/A-Z), vectorized."""
    clean = values.str.replace(_PUNCTUATION, "", regex=True).str.upper()
    size = clean.str.len()
    ok = pd.Series(False, index=values.index)
    for width, weights, pattern in (
        (11, _CPF_WEIGHTS, r"^[0-9]{11}$"),
        (14, _CNPJ_WEIGHTS, r"^[0-9A-Z]{12}[0-9]{2}$"),
    ):
        picked = clean[(size == width) & clean.str.match(pattern).fillna(False).astype(bool)]
        if picked.empty:
            continue
        matrix = np.frombuffer("".join(picked).encode("ascii"), dtype=np.uint8)
        matrix = matrix.reshape(-1, width).astype(np.int64) - 48
        ok[picked.index] = _check_digits(matrix, weights)
    return ok


def same_account(frame: pd.DataFrame) -> pd.Series:
    return ~(frame["conta_debito"] == frame["conta_credito"]).fillna(False).astype(bool)


def no_duplicates(frame: pd.DataFrame) -> pd.Series:
    keys = frame[["documento", "cpf_cnpj", "valor"]]
    return ~(keys["documento"].notna() & keys.duplicated(keep="first"))


def schema(meta: dict) -> pandera.DataFrameSchema:
    codes = [code for code, _ in meta["chart"]]
    synthetic = [code for code, postable in meta["chart"] if not postable]
    today = pd.Timestamp(meta["today"])
    closed_until = pd.Timestamp(meta["closed_until"])
    account = pandera.Column(
        str, [pandera.Check.isin(codes), pandera.Check.notin(synthetic)], nullable=False
    )
    text = pandera.Column(str, nullable=True)
    return pandera.DataFrameSchema(
        {
            "data": pandera.Column(
                "datetime64[us]",
                [pandera.Check.le(today), pandera.Check.gt(closed_until)],
                nullable=False,
            ),
            "documento": text,
            "historico": pandera.Column(str, nullable=False),
            "conta_debito": account,
            "conta_credito": account,
            "valor": pandera.Column(float, pandera.Check.ge(0), nullable=False),
            "centro_de_custo": text,
            "cpf_cnpj": pandera.Column(
                str, pandera.Check(cpf_cnpj_ok, name="cpf_cnpj"), nullable=True
            ),
            "observacoes": text,
        },
        checks=[
            pandera.Check(same_account, name="same_account"),
            pandera.Check(no_duplicates, name="duplicate"),
        ],
        coerce=True,
    )


def count(failures: pd.DataFrame | None) -> dict[str, int]:
    """Findings by rule, under the names `ledger_data.KINDS` uses."""
    if failures is None:
        return {}
    found: Counter[str] = Counter()
    # A DataFrame-wide check lists a failing row once per column: count each row once.
    frame_wide = failures["schema_context"] == "DataFrameSchema"
    failures = failures.assign(column=failures["column"].where(~frame_wide, ""))
    seen = failures[["column", "check", "index"]].drop_duplicates()
    for column, check in zip(seen["column"], seen["check"], strict=True):
        check = str(check)
        if check == "not_nullable":
            kind = "required"
        elif check.startswith("less_than_or_equal_to"):
            kind = "date.future"
        elif check.startswith("greater_than(") and column == "data":
            kind = "date.closed_period"
        elif check.startswith("greater_than_or_equal_to") and column == "valor":
            kind = "number.negative"
        elif check.startswith("isin"):
            kind = "account.unknown"
        elif check.startswith("notin"):
            kind = "account.synthetic"
        elif check == "cpf_cnpj":
            kind = "cpf_cnpj.invalid"
        elif check == "same_account":
            kind = "ledger.same_account"
        elif check == "duplicate":
            kind = "duplicate"
        else:
            kind = f"other: {column} {check}"
        found[kind] += 1
    return dict(found)


def main() -> None:
    warnings.filterwarnings("ignore")
    args = common.arguments()
    start = time.perf_counter()
    meta, table = common.load(args)
    # "cells": object columns of what a reader gives; "typed": the dtypes the schema wants.
    cells = pd.DataFrame(
        {name: pd.Series(table.column(name).to_pylist(), dtype=object) for name in meta["columns"]}
    )
    typed = pd.DataFrame(
        {
            name: (
                pd.Series(table.column(name).to_pandas(), dtype="datetime64[us]")
                if name == "data"
                else table.column(name).to_pandas()
            )
            for name in meta["columns"]
        }
    )
    typed = typed.astype({n: "str" for n in meta["columns"] if n not in ("data", "valor")})
    the_schema = schema(meta)

    def run(frame: pd.DataFrame):
        try:
            the_schema.validate(frame, lazy=True)
        except pandera.errors.SchemaErrors as error:
            return error.failure_cases
        return None

    frames = {}
    for n in args.rows:
        frames[f"typed:{n}"] = typed if n == len(typed) else typed.iloc[:n].copy()
        frames[f"cells:{n}"] = cells if n == len(cells) else cells.iloc[:n].copy()
    common.serve(
        {"pandera": version("pandera"), "pandas (peers)": version("pandas")},
        {name: (lambda frame=frame: run(frame)) for name, frame in frames.items()},
        count,
        time.perf_counter() - start,
    )


if __name__ == "__main__":
    main()
