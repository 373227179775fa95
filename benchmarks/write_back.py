"""How long `retaguarda validate BIG.xlsx --write-back OUT.xlsx` takes on a full sheet.

The workbook is Excel's limit: 1,048,575 journal rows under a header (few columns: date,
document, description, two accounts, amount, a CNPJ typed as text with its leading zero),
plus the chart of accounts. One row in 500 carries a planted mistake (an account missing from
the chart, an empty description, a negative amount, a wrong CNPJ check digit), so about 2,100
cells are marked, noted and listed. The command runs as a user runs it, in a child process,
under the limits of the contract (4 GB of address space, 60 s), measured by /usr/bin/time -v.

    .venv/bin/python benchmarks/write_back.py               # 1,048,575 rows
    .venv/bin/python benchmarks/write_back.py --rows 100000 # a quick look
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import xlsxwriter

from retaguarda.templates.catalog.lancamentos import TEMPLATE
from retaguarda.templates.catalog.plano_de_contas import STARTER_CHART
from retaguarda.templates.catalog.plano_de_contas import TEMPLATE as CHART_TEMPLATE

MAX_ROWS = 1_048_575  # Excel's 1,048,576 rows, one of them the header
BAD_EVERY = 500
LIMITS = ["prlimit", "--as=4294967296", "timeout", "60"]
HEADERS = ["Data", "Documento", "Histórico", "Conta débito", "Conta crédito", "Valor", "CPF/CNPJ"]
GOOD_CNPJ = "04252011000110"  # a valid CNPJ with a leading zero, typed as text
BAD_CNPJ = "04252011000111"


def make_workbook(path: Path, rows: int, bad_every: int = BAD_EVERY) -> int:
    """Write the workbook; return how many rows carry a planted mistake."""
    assert set(HEADERS) <= set(TEMPLATE.headers)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    chart = book.add_worksheet(CHART_TEMPLATE.sheet)
    chart.write_row(0, 0, CHART_TEMPLATE.headers)
    for r, row in enumerate(STARTER_CHART, start=1):
        chart.write_row(r, 0, row)
    sheet = book.add_worksheet(TEMPLATE.sheet)
    sheet.write_row(0, 0, HEADERS)
    first = date(2026, 1, 2)
    planted = 0
    for r in range(1, rows + 1):
        debit, description, amount, cnpj = "1.1.02", f"Venda {r}", 10 + r % 997, GOOD_CNPJ
        kind = r // bad_every % 4 if r % bad_every == 0 else None
        if kind == 0:
            debit = "9.9.99"
        elif kind == 1:
            description = ""
        elif kind == 2:
            amount = -amount
        elif kind == 3:
            cnpj = BAD_CNPJ
        planted += kind is not None
        sheet.write_datetime(r, 0, first + timedelta(days=r % 300), day)
        sheet.write_string(r, 1, f"NF-{r}")
        if description:
            sheet.write_string(r, 2, description)
        sheet.write_string(r, 3, debit)
        sheet.write_string(r, 4, "3.1.01")
        sheet.write_number(r, 5, amount)
        sheet.write_string(r, 6, cnpj)
    book.close()
    return planted


def measure(source: Path, out: Path) -> dict[str, str]:
    """Run the command once under the contract's limits; its exit code, seconds and peak RSS."""
    command = [
        *LIMITS,
        "/usr/bin/time",
        "-v",
        str(Path(sys.executable).parent / "retaguarda"),
        "validate",
        str(source),
        "--write-back",
        str(out),
        "--today",
        "30/11/2026",
    ]
    start = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.monotonic() - start
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    return {
        "exit": str(done.returncode),
        "elapsed": f"{seconds:.1f} s",
        "peak_mb": str(int(peak.group(1)) // 1024 if peak else "?"),
        "said": " ".join(re.split(r"Command exited|\tCommand being timed", done.stderr)[0].split()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=MAX_ROWS)
    parser.add_argument("--bad-every", type=int, default=BAD_EVERY, help="one bad row in N")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        source, out = Path(folder) / "big.xlsx", Path(folder) / "marcada.xlsx"
        planted = make_workbook(source, args.rows, args.bad_every)
        print(f"{args.rows:,} rows, {planted:,} planted mistakes, {source.stat().st_size:,} bytes")
        result = measure(source, out)
        size = out.stat().st_size if out.exists() else 0
        print(
            f"exit {result['exit']}, {result['elapsed']} wall clock, "
            f"peak RSS {result['peak_mb']} MB, copy {size:,} bytes"
        )
        print(result["said"])


if __name__ == "__main__":
    main()
