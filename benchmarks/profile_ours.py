"""Where our time goes: cProfile of one run of a benchmark step, the biggest entries first.

    .venv/bin/python benchmarks/profile_ours.py rules            # (a) validate_tables
    .venv/bin/python benchmarks/profile_ours.py typing           # read_table(rows) alone
    .venv/bin/python benchmarks/profile_ours.py xlsx             # read_tables(read_workbook())
    .venv/bin/python benchmarks/profile_ours.py rules --rows 200000 --sort tottime
    .venv/bin/python benchmarks/profile_ours.py validate-csv --rows 500000   # targets.py line 1
    .venv/bin/python benchmarks/profile_ours.py validate-xlsx --rows 200000  # targets.py line 2
    .venv/bin/python benchmarks/profile_ours.py validate-csv --format table  # as a person runs it

Uses the data `run.py` and `targets.py` make (and makes it when missing). The validate-* steps
run the command `targets.py` times, `retaguarda validate ... --format json` (or, with `--format
table`, the terminal table `whole.py` times), in this process:
its imports are done before the profile starts (`python -X importtime` shows those). So the
.xlsx pre-scan, which `validate` runs in a second process while it imports (`xlsx_ahead`), is
waited for in full here, as `posix.read` under `ScanAhead.scans`. Profiling slows Python-level
code more than vectorized code, so read the shares, not the seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import os
import pstats

import ledger_data
import pyarrow.parquet as pq

from retaguarda.templates.catalog.lancamentos import TEMPLATE
from retaguarda.templates.files import read_workbook
from retaguarda.templates.reader import read_table, read_tables
from retaguarda.templates.validate import Options, validate_tables


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "step", choices=("rules", "typing", "xlsx", "validate-csv", "validate-xlsx")
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sort", default="cumtime", help="a pstats sort key (tottime...)")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--format", choices=("json", "table"), default="json", help="validate-*")
    args = parser.parse_args()

    profile = cProfile.Profile()
    if args.step.startswith("validate-"):
        profile_validate(profile, args.step, args.rows, args.format)
        pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)
        return
    data = ledger_data.ensure_data(max(args.rows, 1_000_000))
    if args.step == "xlsx":
        path = ledger_data.ensure_xlsx(min(args.rows, 200_000), data)
        profile.runcall(lambda: read_tables(read_workbook(path)))
    else:
        table = pq.read_table(data).slice(0, args.rows)
        rows = ledger_data.raw_rows(ledger_data.raw_columns(table))
        if args.step == "typing":
            profile.runcall(lambda: read_table(rows, sheet=TEMPLATE.sheet))
        else:
            chart = read_table(ledger_data.chart_rows(), sheet="Plano de contas")
            ledger = read_table(rows, sheet=TEMPLATE.sheet)
            options = Options(today=ledger_data.TODAY, closed_until=ledger_data.CLOSED_UNTIL)
            profile.runcall(lambda: validate_tables([chart, ledger], options))
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


def profile_validate(profile: cProfile.Profile, step: str, rows: int, output: str) -> None:
    from retaguarda.sync.cli import main as cli

    if step == "validate-csv":
        files = [str(path) for path in ledger_data.ensure_csv(rows)]
    else:
        files = [str(ledger_data.ensure_xlsx(rows, ledger_data.ensure_data(rows)))]
    options = ["--today", str(ledger_data.TODAY), "--closed-until", str(ledger_data.CLOSED_UNTIL)]
    argv = ["validate", *files, "--format", output, *options]
    with (
        open(os.devnull, "w") as devnull,
        contextlib.redirect_stdout(devnull),
        contextlib.suppress(SystemExit),  # validate exits 1 when it finds errors
    ):
        profile.runcall(cli, argv, standalone_mode=False)


if __name__ == "__main__":
    main()
