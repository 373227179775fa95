"""Issue 17's bank reconciliation targets: how fast `match_lines` is, and how often it is right.

    .venv/bin/python benchmarks/reconcile.py             # print the tables (about 3 minutes)
    .venv/bin/python benchmarks/reconcile.py --write     # and put them in benchmarks/README.md
    .venv/bin/python benchmarks/reconcile.py --sizes 10000 100000 --repeat 1   # a quick look

Speed: for each size, a statement and a ledger of about that many lines each are generated
(`addin/reconcile/synthetic.py`, untimed), then `match_lines` runs --repeat times on them;
the best wall time counts (the machine is shared), with the process CPU time beside it.
The targets: 100,000 × 100,000 in ≤ 2 s, 1,000,000 × 1,000,000 in ≤ 30 s, and growth about
n·log n (a column sets each size's growth in time beside the growth of n·log n).

Quality: on the --quality-lines data of each seed, precision and recall of the automatic
matches (definitions in tests/addin/test_reconcile_quality.py), per noise kind for the first
seed, overall for every seed, beside the plain same-amount-same-date baseline.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import time
from datetime import UTC, datetime
from importlib.metadata import version

import run

from retaguarda.addin.reconcile import synthetic
from retaguarda.addin.reconcile.match import match_lines
from retaguarda.addin.reconcile.model import Status

START, END = "<!-- reconcile:start -->", "<!-- reconcile:end -->"
TARGETS = {100_000: 2.0, 1_000_000: 30.0}

SECTION = """## Conciliação

```sh
.venv/bin/python benchmarks/reconcile.py --write
```

Issue 17's targets for the bank reconciliation's matcher (`addin/reconcile/match.py`), on
statements and ledgers made up with their answer known (`addin/reconcile/synthetic.py`:
100 lines a day, so a bigger size covers more days rather than crowding them; 40% of the
movements clean, the rest with one kind of noise each, `synthetic.KINDS`). The quality
figures count automatic matches only: a "sugerida" one waits for a person.
"""


def timed(n: int, repeat: int) -> dict:
    print(f"{n:,} lines: generating...", flush=True)
    data = synthetic.generate(n, seed=0)
    runs, cpu = [], []
    for _ in range(repeat):
        started, clock = time.process_time(), time.perf_counter()
        result = match_lines(data.statement, data.ledger, data.options)
        runs.append(time.perf_counter() - clock)
        cpu.append(time.process_time() - started)
        print(f"  match_lines: {runs[-1]:.2f} s (CPU {cpu[-1]:.2f} s)", flush=True)
    auto = sum(m.status is Status.AUTOMATIC for m in result.matches)
    return {
        "n": n,
        "statement": len(data.statement),
        "ledger": len(data.ledger),
        "runs": runs,
        "cpu": cpu,
        "matches": len(result.matches),
        "automatic": auto,
    }


def automatic(data: synthetic.Synthetic) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    result = match_lines(data.statement, data.ledger, data.options)
    return [(m.statement, m.ledger) for m in result.matches if m.status is Status.AUTOMATIC]


def quality(lines: int, seeds: int) -> list[str]:
    print(f"Quality on {lines:,} lines, seeds 0..{seeds - 1}...", flush=True)
    out = [
        f"Quality on {lines:,} generated lines a side, seed 0, per noise kind "
        "(groups: ground-truth groups of that kind; a wrong match counts against the kind "
        "of its first line):",
        "",
        "| kind | groups | matcher: automatic | precision | recall "
        "| baseline: matches | precision | recall |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    totals = []
    for seed in range(seeds):
        data = synthetic.generate(lines, seed=seed)
        ours = synthetic.evaluate(data, automatic(data))
        plain = synthetic.same_amount_same_date(data.statement, data.ledger)
        base = synthetic.evaluate(data, plain)
        totals.append(ours[-1])
        if seed:
            continue
        for q, b in zip(ours, base, strict=True):
            name = f"**{q.kind}**" if q.kind == "total" else q.kind
            out.append(
                f"| {name} | {q.groups:,} | {q.proposed:,} | {q.precision:.4f} | "
                f"{q.recall:.4f} | {b.proposed:,} | {b.precision:.4f} | {b.recall:.4f} |"
            )
    precisions = ", ".join(f"{q.precision:.4f}" for q in totals)
    recalls = ", ".join(f"{q.recall:.4f}" for q in totals)
    met_p = sum(q.precision >= 0.995 for q in totals)
    met_r = sum(q.recall >= 0.97 for q in totals)
    out += [
        "",
        f"Every seed (0..{seeds - 1}), overall: precision {precisions} (≥ 0.995 on "
        f"{met_p} of {seeds} seeds); recall {recalls} (≥ 0.97 on {met_r} of {seeds} seeds).",
    ]
    return out


def speed_table(rows: list[dict]) -> list[str]:
    out = [
        "| lines (statement × ledger) | best of runs | runs (s) | CPU, best run | matches "
        "(automatic) | growth from the size before: time (CPU), n·log n | target | |",
        "|---|---:|---|---:|---:|---|---|---|",
    ]
    before = None
    for row in rows:
        best = min(row["runs"])
        cpu = row["cpu"][row["runs"].index(best)]
        growth = ""
        if before is not None:
            b_best, b_cpu, b_n = before
            predicted = row["n"] * math.log(row["n"]) / (b_n * math.log(b_n))
            growth = f"{best / b_best:.1f}× ({cpu / b_cpu:.1f}×), {predicted:.1f}×"
        before = (best, cpu, row["n"])
        target = TARGETS.get(row["n"])
        verdict = "" if target is None else ("met" if best <= target else "**missed**")
        out.append(
            f"| {row['statement']:,} × {row['ledger']:,} | {best:.2f} s | "
            + ", ".join(f"{r:.2f}" for r in row["runs"])
            + f" | {cpu:.2f} s | {row['matches']:,} ({row['automatic']:,}) | {growth} | "
            + (f"≤ {target:g} s" if target else "")
            + f" | {verdict} |"
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each size")
    parser.add_argument("--quality-lines", type=int, default=5_000)
    parser.add_argument("--seeds", type=int, default=5, help="seeds of the quality data")
    parser.add_argument("--write", action="store_true", help="update benchmarks/README.md")
    args = parser.parse_args()
    started, clock, load = datetime.now(UTC), time.perf_counter(), os.getloadavg()
    rows = [timed(n, args.repeat) for n in sorted(args.sizes)]
    quality_lines = quality(args.quality_lines, args.seeds)
    info = run.machine()
    command = " ".join(["benchmarks/reconcile.py", *sys.argv[1:]])
    text = "\n".join(
        [
            f"Run on {started:%Y-%m-%d %H:%M} UTC at commit {run.commit()}, `{command}`, "
            f"{time.perf_counter() - clock:.0f} s in all; best of {args.repeat} runs of "
            "`match_lines` per size (wall time; the machine is shared with other work).",
            "",
            *speed_table(rows),
            "",
            *quality_lines,
            "",
            f"Machine: {info['CPU']}, {info['nproc']} cores, {info['memory']}, {info['OS']}, "
            f"Python {platform.python_version()}; load average (1 min) {load[0]:.1f} before, "
            f"{os.getloadavg()[0]:.1f} after. Versions: "
            + ", ".join(
                f"{n} {version(n)}" for n in ("numpy", "pandas", "pyarrow", "scipy", "rapidfuzz")
            )
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
