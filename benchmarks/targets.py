"""Issue 14's table in one command: each line measured in the same run, with its target and
whether it is met, and the machine it ran on.

    .venv/bin/python benchmarks/targets.py             # print the table (about 5 minutes)
    .venv/bin/python benchmarks/targets.py --write     # and put it, dated, in the README
    .venv/bin/python benchmarks/targets.py --csv-rows 20000 --xlsx-rows 20000 --rows 100000 \\
        --repeat 1 --small-repeat 2                    # a quick look at the harness

Lines 1-3 are whole processes beside a peer process (whole.py): the ratio is what counts, since
seconds on a shared machine are noise. Lines 4-5 are run.py's (a) and (b), rows per second in
this process, which have no peer: their targets are absolute.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import ledger_data
import pyarrow.parquet as pq
import run
import whole

START, END = "<!-- targets:start -->", "<!-- targets:end -->"


def in_memory(rows: int, repeat: int) -> tuple[run.Measure, run.Measure, dict[str, int]]:
    """run.py's (a) and (b) on the first `rows` rows, interleaved, best of `repeat`."""
    print(f"In memory: (a) and (b) on {rows:,} rows (inputs built untimed)...", flush=True)
    table = pq.read_table(ledger_data.ensure_data(rows))
    inputs = run.our_inputs(table, rows)
    del table
    a, b = run.our_measures(inputs, rows, breakdown=False)
    for round_ in range(repeat):
        for m in (a, b):
            m.once()
            print(f"  round {round_ + 1}: {m.label}: {m.seconds[-1]:.2f} s", flush=True)
    return a, b, inputs.planted


def _int(n: float) -> str:
    return f"{n:,.0f}"


def _runs(seconds: list[float]) -> str:
    return ", ".join(f"{s:.2f}" for s in seconds)


def _findings(n: int, pair: whole.Pair) -> list[str]:
    """Both sides' findings per rule beside what was planted: a faster run that checks less
    shows here."""
    ours = whole.our_counts(pair.findings.output if pair.findings else pair.ours.output)
    theirs = whole.peer_answer(pair.peer.output)["counts"]
    planted = pair.planted or {}
    kinds = [*ledger_data.KINDS, *sorted({*ours, *theirs} - set(ledger_data.KINDS))]
    rows, agree = [], True
    for kind in kinds:
        values = (planted.get(kind, 0), ours.get(kind, 0), theirs.get(kind, 0))
        agree &= kind not in ledger_data.KINDS or len(set(values)) == 1
        rows.append(f"| {kind} | " + " | ".join(_int(v) for v in values) + " |")
    verdict = "every side found what was planted" if agree else "**the sides DIFFER** on the rules"
    lines = [
        "",
        f"Findings per rule, line {n} ({verdict}; codes other than the nine rules, if any,"
        " are listed last and not compared):",
        "",
        "| rule | planted | Retaguarda | frictionless |",
        "|---|---:|---:|---:|",
        *rows,
    ]
    return lines


def _in_memory_agrees(m: run.Measure, planted: dict[str, int]) -> bool:
    return all((m.counts or {}).get(kind, 0) == planted.get(kind, 0) for kind in ledger_data.KINDS)


def machine_line(load_before: tuple[float, ...]) -> str:
    info = run.machine()
    load = f"{load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after"
    return (
        f"Machine: {info['CPU']}, {info['nproc']} cores, {info['memory']}, {info['OS']}, "
        f"Python {platform.python_version()}; load average (1 min) {load}."
    )


def versions() -> str:
    names = ("retaguarda", "pandas", "pyarrow", "python-calamine")
    found = {n: version(n) for n in names}
    for line in (run.PEERS_VENV / ".requirements").read_text().splitlines():
        if line.startswith("frictionless=="):
            found["frictionless"] = line.split("==", 1)[1]
    return "Versions: " + ", ".join(f"{k} {v}" for k, v in found.items()) + "."


def report(
    pairs: list[whole.Pair],
    memory: tuple[run.Measure, run.Measure, dict[str, int]] | None,
    header: str,
    footer: list[str],
) -> str:
    lines = [
        header,
        "",
        "| # | what | ours | peer | ratio | target | |",
        "|---|---|---:|---:|---:|---|---|",
    ]
    for n, pair in enumerate(pairs, start=1):
        if pair.failure:
            lines.append(f"| {n} | {pair.what} | — | — | — | {pair.target_text} | **failed** |")
            continue
        lines.append(
            f"| {n} | {pair.what} | {pair.ours.best:.2f} s | {pair.peer.best:.2f} s | "
            f"{pair.ratio_text} | {pair.target_text} | {'met' if pair.met else '**missed**'} |"
        )
    if memory:
        a, b, planted = memory
        for n, m, target in ((4, a, run.RULES_TARGET), (5, b, run.CELLS_TARGET)):
            what = m.label.removeprefix("Retaguarda ") + f", {_int(m.rows)} rows"
            lines.append(
                f"| {n} | {what} | {_int(m.rate)} rows/s | — | — | ≥ {_int(target)} rows/s | "
                f"{'met' if m.rate >= target else '**missed**'} |"
            )
    lines += ["", "Every run (seconds, in the order run) and the peak memory of each process:", ""]
    lines += ["| process | runs (s) | best | peak memory |", "|---|---|---:|---:|"]
    for pair in pairs:
        for side in (pair.ours, pair.peer):
            if not side.seconds:
                continue
            lines.append(
                f"| {side.label} | {_runs(side.seconds)} | {side.best:.2f} s | "
                f"{max(side.peak_mb):,.0f} MB |"
            )
    if memory:
        for m in memory[:2]:
            lines.append(f"| {m.label} (in memory) | {_runs(m.seconds)} | {m.best:.2f} s | — |")
    for n, pair in enumerate(pairs, start=1):
        if pair.failure:
            lines += ["", f"Line {n} failed: {pair.failure}"]
        elif pair.planted is not None:
            lines += _findings(n, pair)
    if memory:
        a, b, planted = memory
        agree = all(_in_memory_agrees(m, planted) for m in (a, b))
        found = "exactly what was planted" if agree else "**not** what was planted"
        lines += ["", f"Lines 4 and 5 found {found} ({_int(sum(planted.values()))} mistakes)."]
    return "\n".join([*lines, "", *footer])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--csv-rows", type=int, default=500_000, help="rows of the CSV journal")
    parser.add_argument("--xlsx-rows", type=int, default=200_000, help="rows of the big .xlsx")
    parser.add_argument("--small-rows", type=int, default=30, help="rows of the small .xlsx")
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows for (a) and (b)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of the big lines")
    parser.add_argument("--small-repeat", type=int, default=10, help="rounds of the small line")
    parser.add_argument("--no-memory", action="store_true", help="skip lines 4 and 5")
    parser.add_argument("--write", action="store_true", help="update benchmarks/README.md")
    parser.add_argument("--note", default="", help="a sentence put under the run's date")
    args = parser.parse_args()
    started, clock, load = datetime.now(UTC), time.perf_counter(), os.getloadavg()
    run.ensure_peers()
    # as an installed package is: compiled once, not from source on every start (a shell with
    # PYTHONDONTWRITEBYTECODE set, as some sandboxes have, would otherwise time compiling too)
    folders = [str(run.ROOT / name) for name in ("validators", "templates", "addin", "sync")]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *folders], check=True)
    pairs = whole.pairs(
        args.csv_rows, args.xlsx_rows, args.small_rows, args.repeat, args.small_repeat
    )
    with tempfile.TemporaryDirectory(prefix="retaguarda-targets-") as outside:
        whole.measure(pairs, Path(outside))
    memory = None if args.no_memory else in_memory(args.rows, args.repeat)
    shown = [word for word in sys.argv[1:] if word != args.note]  # the note follows anyway
    command = " ".join(["benchmarks/targets.py", *shown])
    header = (
        f"Run on {started:%Y-%m-%d %H:%M} UTC at commit {run.commit()}, `{command}`, "
        f"{time.perf_counter() - clock:.0f} s in all; best of {args.repeat} "
        f"({args.small_repeat} for line 3), each pair interleaved."
    )
    if args.note:
        header += f" {args.note}"
    text = report(pairs, memory, header, [machine_line(load), "", versions()])
    print()
    print(text)
    if args.write:
        run.write_readme(text, START, END)
        print(f"\nWritten to {run.README.relative_to(run.ROOT)}.")


if __name__ == "__main__":
    main()
