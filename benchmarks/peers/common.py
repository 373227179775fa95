"""What the peer scripts share: loading the benchmark data, CPF/CNPJ check digits, and the
line protocol through which `benchmarks/run.py` times them.

Runs in `.venv-peers`, from a working directory outside the repository, and imports nothing of
Retaguarda: PyPI's `validators` (a frictionless dependency) has the import name of our folder.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from collections.abc import Callable
from datetime import date

#: Prefix of the protocol lines on stdout; anything else a library prints there is ignored.
MARK = "@@ "


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True, help="the Parquet file of the journal")
    parser.add_argument("--meta", required=True, help="the JSON file of options and chart")
    parser.add_argument(
        "--rows", type=int, action="append", required=True, help="rows to validate (repeatable)"
    )
    return parser.parse_args()


def load_meta(path: str) -> dict:
    """The options and chart every side uses, with its dates as dates."""
    with open(path, encoding="utf-8") as file:
        meta = json.load(file)
    meta["today"] = date.fromisoformat(meta["today"])
    meta["closed_until"] = date.fromisoformat(meta["closed_until"])
    return meta


def load(args: argparse.Namespace) -> tuple[dict, object]:
    """(metadata, the first max(`rows`) rows as a pyarrow Table of the template columns)."""
    # Imported here: the whole-process frictionless peer reads a CSV and must not pay for it.
    import pyarrow.parquet as pq

    meta = load_meta(args.meta)
    table = pq.read_table(args.data, columns=meta["columns"]).slice(0, max(args.rows))
    return meta, table


def serve(
    versions: dict[str, str],
    runs: dict[str, Callable[[], object]],
    count: Callable[[object], dict[str, int]],
    loaded_in: float,
) -> None:
    """Answer "run VARIANT" lines with one timed run each, until "quit" or end of input.

    A variant is named "what:rows", "cells:200000" say, one for each size asked for.

    Only the validation is timed; counting its findings by rule is not.
    """
    _say({"ready": True, "versions": versions, "load_seconds": loaded_in})
    for line in sys.stdin:
        command, _, variant = line.strip().partition(" ")
        if command == "quit":
            break
        gc.collect()
        start = time.perf_counter()
        result = runs[variant]()
        seconds = time.perf_counter() - start
        _say({"variant": variant, "seconds": seconds, "counts": count(result)})
        del result


def _say(message: dict) -> None:
    print(MARK + json.dumps(message), flush=True)


# -- CPF and CNPJ, one value at a time (the rule as Receita Federal publishes it) -----------

_CPF_WEIGHTS = ((10, 9, 8, 7, 6, 5, 4, 3, 2), (11, 10, 9, 8, 7, 6, 5, 4, 3, 2))
_CNPJ_WEIGHTS = ((5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2), (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2))
_PUNCTUATION = str.maketrans("", "", ".-/ \t\xa0")
_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _digit(values: list[int], weights: tuple[int, ...]) -> int:
    rest = sum(v * w for v, w in zip(values, weights, strict=True)) % 11
    return 0 if rest < 2 else 11 - rest


def cpf_cnpj_ok(text: str) -> bool:
    """A CPF (11 digits) or a CNPJ (12 characters 0-9/A-Z and 2 check digits), punctuated or
    not, whose check digits match; all-same digits are refused."""
    value = text.translate(_PUNCTUATION).upper()
    if len(value) == 11 and value.isascii() and value.isdigit():
        weights = _CPF_WEIGHTS
    elif len(value) == 14 and _ALNUM.issuperset(value) and value[12:].isdigit():
        weights = _CNPJ_WEIGHTS
    else:
        return False
    if value == value[0] * len(value):
        return False
    values = [ord(c) - 48 for c in value]
    base = len(weights[0])
    first = _digit(values[:base], weights[0])
    second = _digit([*values[:base], first], weights[1])
    return values[base:] == [first, second]
