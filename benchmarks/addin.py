"""Benchmarks of the Excel add-in: a cell function called 10,000 times, and a 10,000-row ledger
validated through the xlwings Server endpoint, from request body to actions.

    .venv/bin/python benchmarks/addin.py

Targets (issue 3): 10,000 calls of a UDF in ≤ 1 s in all; the ledger answered in ≤ 1 s.
Each figure is the best of --repeat runs (the machine is shared and noisy).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import time
from collections import Counter
from collections.abc import Callable

# xlwings PRO's server mode and its key must be set before xlwings is imported; measuring on
# a developer's machine is noncommercial use (docs/excel.md)
os.environ["XLWINGS_ON_SERVER"] = "true"
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import pyarrow.parquet as pq
import xlwings as xw
from ledger_data import chart_rows, ensure_data, raw_columns, raw_rows

from retaguarda.addin import protocol, udfs
from retaguarda.sync.app import create_app

CALLS = 10_000
ROWS = 10_000
CNPJS = ("11.222.333/0001-81", "11222333000182", "12.ABC.345/01DE-35", "123")


def best(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def udf_direct() -> None:
    for i in range(CALLS):
        udfs.RG_CNPJ_VALIDO(CNPJS[i % 4])


def udf_protocol() -> None:
    """As the service runs each call: xlwings' `custom_functions_call`, its conversions and
    one event loop per call (Flask views are synchronous)."""
    body = {
        "client": "Office.js",
        "func_name": "RG_CNPJ_VALIDO",
        "caller_address": "[Livro1.xlsx]Planilha1!B2",
        "version": xw.__version__,
        "runtime": "1.4",
    }
    for i in range(CALLS):
        protocol.call_function(body | {"args": [[[CNPJS[i % 4]]]]})


def serial(value: object) -> object:
    """Dates as Office.js sends them: Excel serial numbers."""
    if isinstance(value, dt.date):
        return float((value - dt.date(1899, 12, 30)).days)
    return value


def ledger_rows() -> list[list[object]]:
    table = pq.read_table(ensure_data(ROWS)).slice(0, ROWS)
    return [[serial(v) for v in row] for row in raw_rows(raw_columns(table))]


def ledger_payload(ledger: list[list[object]]) -> bytes:
    sheets = [("Plano de contas", chart_rows()), ("Lançamentos", ledger)]
    body = {
        "client": "Office.js",
        "version": xw.__version__,
        "book": {"name": "razao.xlsx", "active_sheet_index": 1, "selection": "A1"},
        "names": [],
        "sheets": [
            {"name": name, "values": rows, "pictures": [], "tables": [], "notes": []}
            for name, rows in sheets
        ],
    }
    return json.dumps(body, ensure_ascii=False).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each measurement")
    args = parser.parse_args()

    direct = best(args.repeat, udf_direct)
    through = best(args.repeat, udf_protocol)
    print(f"RG_CNPJ_VALIDO × {CALLS:,}, direct call:            {direct:.3f} s")
    print(f"RG_CNPJ_VALIDO × {CALLS:,}, custom_functions_call:  {through:.3f} s")

    ledger = ledger_rows()
    spilled: list[object] = []
    took = best(args.repeat, lambda: spilled.append(udfs.RG_VALIDAR(ledger, "lancamentos")))
    print(f"RG_VALIDAR on the {ROWS:,}-row ledger, direct call:  {took:.3f} s", end="")
    print(f" ({len(spilled[-1]) - 1:,} rows spilled)")

    client = create_app().test_client()
    body = ledger_payload(ledger)
    answers: list[dict] = []

    def validate() -> None:
        response = client.post(
            "/xlwings/custom-scripts-call/validate_workbook",
            data=body,
            content_type="application/json",
        )
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        answers.append(json.loads(response.get_data()))

    took = best(args.repeat, validate)
    kinds = Counter(action["func"] for action in answers[-1]["actions"])
    print(
        f"{ROWS:,}-row ledger ({len(body) / 1e6:.1f} MB request) through "
        f"POST /xlwings/custom-scripts-call/validate_workbook: {took:.3f} s"
    )
    print("  actions:", ", ".join(f"{kind} {n:,}" for kind, n in kinds.most_common()))


if __name__ == "__main__":
    main()
