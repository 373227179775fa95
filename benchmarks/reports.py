"""Issue 18's target for the reports: balancete and DRE over 1,000,000 journal rows in ≤ 2 s.

    .venv/bin/python benchmarks/reports.py             # print the table (about a minute)
    .venv/bin/python benchmarks/reports.py --write     # and put it in benchmarks/README.md
    .venv/bin/python benchmarks/reports.py --sizes 100000 --repeat 1   # a quick look

The journal is the validation benchmark's (`ledger_data.generate`: the starter chart's
accounts, January to October 2026, ~1% of rows with a planted mistake, which the reports
count as accounts outside the chart or leave out), made once into `benchmarks/data/`. Its
rows become a typed `lancamentos` Table the way the reader leaves one (dates, text codes,
`Int64` cents), untimed; what is timed is the report function on that Table and the starter
chart, from the Table to the finished `Report`, for the second quarter (so that there is an
opening balance, the period and entries after it; the DRE's year to date starts in January).
Each journal row is one debit and one credit: 1,000,000 rows are 2,000,000 postings.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import UTC, date, datetime
from importlib.metadata import version

import ledger_data
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import run

from retaguarda.addin.reports.balancete import balancete
from retaguarda.addin.reports.books import books_of
from retaguarda.addin.reports.dre import dre
from retaguarda.addin.reports.model import Books, Period, ReportOptions
from retaguarda.templates.catalog.lancamentos import TEMPLATE
from retaguarda.templates.reader import read_table
from retaguarda.templates.table import Table

START, END = "<!-- reports:start -->", "<!-- reports:end -->"
TARGET_ROWS, TARGET_SECONDS = 1_000_000, 2.0
PERIOD = Period(date(2026, 4, 1), date(2026, 6, 30))
OPTIONS = ReportOptions(today=date(2026, 11, 30))
REPORTS = {"balancete": balancete, "dre": dre}

SECTION = """## Relatórios

```sh
.venv/bin/python benchmarks/reports.py --write
```

Issue 18's target: the balancete and the DRE (`addin/reports/`) over 1,000,000 journal rows
in ≤ 2 s, from the typed `lancamentos` Table to the finished report (the journal of the
validation benchmark, `ledger_data.py`; the second quarter of 2026 as the period). Reading
a file into Tables is not counted here: issue 14's table above measures it.
"""


def journal_table(n: int) -> Table:
    """The first `n` rows of the benchmark journal as the reader types them."""
    frame = pq.read_table(ledger_data.ensure_data(max(n, TARGET_ROWS))).slice(0, n).to_pandas()
    data = pd.DataFrame(
        {
            "data": pd.to_datetime(frame["data"]).astype("datetime64[s]"),
            "documento": frame["documento"].astype("str"),
            "historico": frame["historico"].astype("str"),
            "conta_debito": frame["conta_debito"].astype("str"),
            "conta_credito": frame["conta_credito"].astype("str"),
            "valor": (frame["valor"] * 100).round().astype("Int64"),
        }
    )
    for key in ("conta_debito", "conta_credito", "documento", "historico"):
        data.loc[frame[key].isna().to_numpy(), key] = pd.NA
    letters = {key: chr(ord("A") + i) for i, key in enumerate(TEMPLATE.keys)}
    return Table(
        TEMPLATE,
        TEMPLATE.sheet,
        data,
        pd.DataFrame(index=data.index),
        np.arange(2, n + 2),
        letters,
    )


def books(n: int) -> Books:
    chart = read_table(ledger_data.chart_rows(), sheet="Plano de contas")
    assert chart is not None
    return books_of("Benchmark", [chart, journal_table(n)])


def timed(n: int, repeat: int) -> list[dict]:
    print(f"{n:,} rows: preparing...", flush=True)
    one = books(n)
    out = []
    for name, function in REPORTS.items():
        runs, cpu = [], []
        for _ in range(repeat):
            started, clock = time.process_time(), time.perf_counter()
            report = function([one], PERIOD, OPTIONS)
            runs.append(time.perf_counter() - clock)
            cpu.append(time.process_time() - started)
        print(f"  {name}: {', '.join(f'{r:.2f}' for r in runs)} s", flush=True)
        out.append(
            {"n": n, "report": name, "runs": runs, "cpu": cpu, "rows": len(report.main.rows)}
        )
    return out


def table(rows: list[dict]) -> list[str]:
    out = [
        "| journal rows (postings) | report | best of runs | runs (s) | CPU, best run | report "
        "rows | target | |",
        "|---|---|---:|---|---:|---:|---|---|",
    ]
    for row in rows:
        best = min(row["runs"])
        cpu = row["cpu"][row["runs"].index(best)]
        target = TARGET_SECONDS if row["n"] == TARGET_ROWS else None
        verdict = "" if target is None else ("met" if best <= target else "**missed**")
        out.append(
            f"| {row['n']:,} ({2 * row['n']:,}) | {row['report']} | {best:.2f} s | "
            + ", ".join(f"{r:.2f}" for r in row["runs"])
            + f" | {cpu:.2f} s | {row['rows']} | "
            + (f"≤ {target:g} s" if target else "")
            + f" | {verdict} |"
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each report and size")
    parser.add_argument("--write", action="store_true", help="update benchmarks/README.md")
    args = parser.parse_args()
    started, clock, load = datetime.now(UTC), time.perf_counter(), os.getloadavg()
    rows = [row for n in sorted(args.sizes) for row in timed(n, args.repeat)]
    info = run.machine()
    command = " ".join(["benchmarks/reports.py", *sys.argv[1:]])
    text = "\n".join(
        [
            f"Run on {started:%Y-%m-%d %H:%M} UTC at commit {run.commit()}, `{command}`, "
            f"{time.perf_counter() - clock:.0f} s in all; best of {args.repeat} runs per report "
            "and size (wall time; the machine is shared with other work).",
            "",
            *table(rows),
            "",
            f"Machine: {info['CPU']}, {info['nproc']} cores, {info['memory']}, {info['OS']}, "
            f"Python {platform.python_version()}; load average (1 min) {load[0]:.1f} before, "
            f"{os.getloadavg()[0]:.1f} after. Versions: "
            + ", ".join(f"{n} {version(n)}" for n in ("numpy", "pandas", "pyarrow"))
            + ".",
        ]
    )
    print()
    print(text)
    if args.write:
        run.write_readme_block(START, END, SECTION, text)
        print(f"\nWritten to {run.README.relative_to(run.ROOT)}.")


if __name__ == "__main__":
    main()
