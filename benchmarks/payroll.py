"""Issue 19's payroll: how fast the engine computes a folha, and what its check costs validate.

    .venv/bin/python benchmarks/payroll.py             # print the tables (about 3 minutes)
    .venv/bin/python benchmarks/payroll.py --write     # and put them in benchmarks/README.md
    .venv/bin/python benchmarks/payroll.py --sizes 10000 --rows 2000 --repeat 1   # a quick look

Data: folha workbooks of the sample payroll's employees (`templates/sample_payroll.py`, a
fresh set of 15 per seed over three competências, each row's INSS, IRRF, FGTS and Líquido
computed by the engine, so the check finds nothing to flag), written once into
`benchmarks/data/` (git-ignored) and read back with the project's reader, untimed.

1. The engine: `templates.payroll_rows.compute_table` over the read folha table of each size
   (every row an `Employee`, its payslip and memória de cálculo), in this process; best of
   --repeat, with its CPU time.
2. The check's own cost: `payroll_checks.Payroll().run` on the --rows table, in this process
   (compute_table plus the comparisons).
3. The whole `retaguarda validate` on the --rows workbook, a process as a person starts it,
   beside the same command with `--ignore payroll`, the two taking turns. `--ignore` filters
   the report: the check still runs, so the pair shows that ignoring its codes does not save
   its time, and line 2 gives the time itself.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import subprocess
import sys
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import run

from retaguarda.templates.catalog import folha
from retaguarda.templates.checks import Context, Options
from retaguarda.templates.files import read_workbook
from retaguarda.templates.payroll_checks import Payroll
from retaguarda.templates.payroll_rows import compute_table
from retaguarda.templates.render import render_workbook
from retaguarda.templates.sample_payroll import payroll_rows
from retaguarda.templates.validate import workbook_tables

START, END = "<!-- payroll:start -->", "<!-- payroll:end -->"
DATA = run.HERE / "data"
RETAGUARDA = run.ROOT / ".venv" / "bin" / "retaguarda"
TODAY = "2026-12-01"

SECTION = """## Folha de pagamento

```sh
.venv/bin/python benchmarks/payroll.py --write
```

Issue 19's payroll engine (`validators/payroll/`) over folha workbooks of the sample payroll's
employees, every figure computed by the engine (the check flags nothing): `compute_table`
(each row's payslip and memória de cálculo) in one process, the folha's payroll check
(`Payroll().run`) alone, and the whole `retaguarda validate` as a person runs it, beside the
same command with `--ignore payroll`.
"""


def folha_rows(n: int) -> list[list[object]]:
    """`n` folha rows: 15 new employees a seed, three competências each, unique matrículas."""
    rows: list[list[object]] = []
    seed = 0
    while len(rows) < n:
        for row in payroll_rows(random.Random(seed)):
            row[1] = str(int(row[1]) - 1000 + 15 * seed)
            rows.append(row)
        seed += 1
    return rows[:n]


def workbook(n: int) -> Path:
    path = DATA / f"folha_{n}.xlsx"
    if not path.exists():
        print(f"{n:,} rows: writing {path.name}...", flush=True)
        DATA.mkdir(parents=True, exist_ok=True)
        render_workbook(path, [(folha.TEMPLATE, folha_rows(n))])
    return path


def table(n: int):
    print(f"{n:,} rows: reading...", flush=True)
    (found,) = workbook_tables(read_workbook(workbook(n)))
    assert len(found) == n, (len(found), n)
    return found


def best(call, repeat: int) -> tuple[float, float, object]:
    runs = []
    result = None
    for _ in range(repeat):
        started, clock = time.process_time(), time.perf_counter()
        result = call()
        runs.append((time.perf_counter() - clock, time.process_time() - started))
    wall, cpu = min(runs)
    return wall, cpu, result


def engine(sizes: list[int], repeat: int) -> list[str]:
    out = [
        "| employee-months | compute_table, best | CPU | per row | runs (s) |",
        "|---:|---:|---:|---:|---|",
    ]
    for n in sizes:
        folha_table = table(n)
        runs = []
        for _ in range(repeat):
            wall, cpu, computed = best(lambda t=folha_table: compute_table(t), 1)
            runs.append((wall, cpu))
            print(f"  compute_table: {wall:.2f} s (CPU {cpu:.2f} s)", flush=True)
        assert len(computed) == n
        wall, cpu = min(runs)
        out.append(
            f"| {n:,} | {wall:.2f} s | {cpu:.2f} s | {wall / n * 1e6:.0f} µs | "
            + ", ".join(f"{r:.2f}" for r, _ in runs)
            + " |"
        )
    return out


def check(rows: int, repeat: int) -> tuple[float, float, int]:
    folha_table = table(rows)
    context = Context({"folha": folha_table}, Options())
    wall, cpu, issues = best(lambda: Payroll().run(folha_table, context), repeat)
    print(f"  Payroll().run: {wall:.2f} s (CPU {cpu:.2f} s), {len(issues)} issues", flush=True)
    return wall, cpu, len(issues)


def whole(rows: int, rounds: int) -> dict[str, list[float]]:
    path = workbook(rows)
    commands = {
        "validate": [str(RETAGUARDA), "validate", str(path), "--today", TODAY],
        "validate --ignore payroll": [
            str(RETAGUARDA),
            "validate",
            str(path),
            "--today",
            TODAY,
            "--ignore",
            "payroll",
        ],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    order = list(commands)
    for round_ in range(rounds + 1):
        for name in order if round_ % 2 else reversed(order):
            clock = time.perf_counter()
            done = subprocess.run(commands[name], capture_output=True, text=True, cwd="/tmp")
            took = time.perf_counter() - clock
            if done.returncode not in (0, 1) or "Traceback" in done.stderr:
                raise SystemExit(f"{name} failed ({done.returncode}):\n{done.stderr[-2000:]}")
            if round_:  # the first round warms the disk cache and the .pyc files
                times[name].append(took)
                print(f"  {name}: {took:.2f} s", flush=True)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--rows", type=int, default=10_000, help="rows of the validated folha")
    parser.add_argument("--repeat", type=int, default=3, help="in-process runs of each")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds of validate")
    parser.add_argument("--write", action="store_true", help="update benchmarks/README.md")
    args = parser.parse_args()
    started, clock, load = datetime.now(UTC), time.perf_counter(), os.getloadavg()
    engine_lines = engine(sorted(args.sizes), args.repeat)
    check_wall, check_cpu, issues = check(args.rows, args.repeat)
    times = whole(args.rows, args.rounds)
    on, off = min(times["validate"]), min(times["validate --ignore payroll"])
    info = run.machine()
    command = " ".join(["benchmarks/payroll.py", *sys.argv[1:]])
    text = "\n".join(
        [
            f"Run on {started:%Y-%m-%d %H:%M} UTC at commit {run.commit()}, `{command}`, "
            f"{time.perf_counter() - clock:.0f} s in all; wall times, best of {args.repeat} "
            f"in-process runs and of {args.rounds} interleaved rounds of each command (the "
            "machine is shared with other work).",
            "",
            *engine_lines,
            "",
            f"The payroll check alone (`Payroll().run`) on the {args.rows:,}-row folha: "
            f"{check_wall:.2f} s (CPU {check_cpu:.2f} s), {issues} issues.",
            "",
            f"| `retaguarda validate` on the {args.rows:,}-row folha .xlsx | best | rounds (s) |",
            "|---|---:|---|",
            *(
                f"| `{name}` | {min(runs):.2f} s | " + ", ".join(f"{r:.2f}" for r in runs) + " |"
                for name, runs in times.items()
            ),
            "",
            f"`--ignore payroll` only filters the report ({off / on:.2f}× the time with the "
            "codes shown): the check runs either way, and its share of the whole validate is "
            f"about {check_wall / on:.0%} (the check alone over the best whole run).",
            "",
            f"Machine: {info['CPU']}, {info['nproc']} cores, {info['memory']}, {info['OS']}, "
            f"Python {platform.python_version()}; load average (1 min) {load[0]:.1f} before, "
            f"{os.getloadavg()[0]:.1f} after. Versions: "
            + ", ".join(f"{n} {version(n)}" for n in ("numpy", "pandas", "python-calamine"))
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
