"""Benchmarks: validating a `lancamentos` journal beside frictionless and pandera; reading .xlsx.

    .venv/bin/python benchmarks/run.py            # print the figures
    .venv/bin/python benchmarks/run.py --write    # and put them in benchmarks/README.md

What is timed (best of --repeat runs, the measurements interleaved round by round, because the
machine is shared and noisy):

1. Retaguarda on --rows rows: (a) the rules alone, `validate_tables([chart, ledger])` on tables
   already typed; (b) from the raw cells a reader hands over (str, float, date, "" as
   python-calamine gives them), `read_table(rows)` + `validate_tables`; (b') the same from
   the cells already split into columns, `type_table` + `validate_tables`.
2. The same rules in pandera (on --rows rows) and frictionless (on the first --peer-rows rows:
   it is slow), each in its own process of .venv-peers, started from a directory outside the
   repository (PyPI's `validators`, a frictionless dependency, has the import name of our
   folder). Each side counts its findings per rule; the counts are compared with each other and
   with what the generator planted.
3. Reading an .xlsx of --xlsx-rows rows into Tables, `read_tables(read_workbook(path))`, against
   python-calamine alone reading the same sheet.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

import ledger_data
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from python_calamine import CalamineWorkbook

from retaguarda.templates.catalog.lancamentos import TEMPLATE
from retaguarda.templates.column_types import type_table
from retaguarda.templates.files import read_workbook
from retaguarda.templates.reader import read_table, read_tables
from retaguarda.templates.validate import Options, validate_tables
from retaguarda.validators.issues import Issue

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
README = HERE / "README.md"


def write_readme_block(start: str, end: str, section: str, text: str) -> None:
    """Put `text` between the `start` and `end` markers of benchmarks/README.md, replacing
    what an earlier run wrote there; the first time, at the end under `section`."""
    readme = README.read_text(encoding="utf-8")
    block = f"{start}\n{text}\n{end}"
    if start in readme:
        pattern = re.escape(start) + ".*?" + re.escape(end)
        readme = re.sub(pattern, lambda _: block, readme, flags=re.S)
    else:
        readme = readme.rstrip("\n") + "\n\n" + section + "\n" + block + "\n"
    README.write_text(readme, encoding="utf-8")


PEERS_VENV = ROOT / ".venv-peers"
PEERS_REQUIREMENTS = HERE / "requirements-peers.txt"
MARK = "@@ "  # see peers/common.py
RESULTS_START = "<!-- results:start -->"
RESULTS_END = "<!-- results:end -->"
LETTERS = {key: chr(ord("A") + i) for i, key in enumerate(TEMPLATE.keys)}

#: Targets of the issues (14 for (a) and (b)).
RULES_TARGET = 1_000_000  # rows/s, (a) rules on typed Tables
CELLS_TARGET = 500_000  # rows/s, (b) typing + rules from a reader's cells
FRICTIONLESS_TARGET = 10.0  # times slower than ours
PANDERA_TARGET = 2.0
XLSX_TARGET = 1.3  # ours / calamine alone


# -- measurements -------------------------------------------------------------------------


@dataclass
class Measure:
    key: str
    side: str  # "Retaguarda", "pandera", "frictionless"
    label: str
    rows: int
    run: Callable[[], object] | None = None  # ours; None for a peer's variant
    peer: Peer | None = None
    variant: str = ""
    seconds: list[float] = field(default_factory=list)
    counts: dict[str, int] | None = None

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def rate(self) -> float:
        return self.rows / self.best

    def once(self) -> None:
        if self.peer is not None:
            answer = self.peer.run(self.variant)
            self.seconds.append(answer["seconds"])
            self.counts = answer["counts"]
            return
        gc.collect()
        start = time.perf_counter()
        result = self.run()
        self.seconds.append(time.perf_counter() - start)
        if isinstance(result, list) and (not result or isinstance(result[0], Issue)):
            self.counts = count_ours(result)
        del result


def count_ours(issues: list[Issue]) -> dict[str, int]:
    """Our findings by rule; `account.unknown` is split as the peers split it (not in the
    chart / in it but synthetic)."""
    found: Counter[str] = Counter()
    for issue in issues:
        code = issue.family  # cpf_cnpj.check_digit is counted as the peers count it
        if code == "account.unknown" and "summary account" in issue.message_en:
            code = "account.synthetic"
        found[code if code in ledger_data.KINDS else f"other: {code}"] += 1
    return dict(found)


class Peer:
    """A peer's worker process: loads the data once, then times one run per request."""

    def __init__(self, name: str, script: str, rows: list[int], data: Path, cwd: str) -> None:
        self.name = name
        self.log = Path(cwd) / f"{name}.log"
        self.process = subprocess.Popen(
            [
                str(PEERS_VENV / "bin" / "python"),
                str(HERE / "peers" / script),
                "--data",
                str(data),
                "--meta",
                str(ledger_data.meta_path()),
                *(f"--rows={n}" for n in rows),
            ],
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log.open("w"),
            text=True,
        )
        self.versions: dict[str, str] = {}

    def _answer(self) -> dict:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith(MARK):
                return json.loads(line[len(MARK) :])
        tail = self.log.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{self.name} stopped:\n{tail}")

    def ready(self) -> None:
        self.versions = self._answer()["versions"]

    def run(self, variant: str) -> dict:
        assert self.process.stdin is not None
        self.process.stdin.write(f"run {variant}\n")
        self.process.stdin.flush()
        return self._answer()

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.write("quit\n")
            self.process.stdin.close()
            self.process.wait(timeout=60)


def ensure_peers() -> None:
    """.venv-peers with the pinned peers, made (or remade) when the pins change."""
    stamp = PEERS_VENV / ".requirements"
    wanted = PEERS_REQUIREMENTS.read_text()
    if stamp.exists() and stamp.read_text() == wanted:
        return
    print(f"Installing the peers into {PEERS_VENV.name} ({PEERS_REQUIREMENTS.name})...")
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", str(PEERS_VENV)], check=True)
    pip = [str(PEERS_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "-r", str(PEERS_REQUIREMENTS)], check=True)
    stamp.write_text(wanted)


# -- our side -----------------------------------------------------------------------------


@dataclass
class Inputs:
    """One slice of the journal in the forms our entry points take, built before timing."""

    rows: list[list[object]]  # as python-calamine's to_python(): header row, then rows
    cells: dict[str, pd.Series]  # the same cells split into object columns
    chart_rows: list[list[object]]
    chart: object  # typed Tables, for (a)
    ledger: object
    planted: dict[str, int]


def our_inputs(table, n: int) -> Inputs:
    part = table.slice(0, n)
    columns = ledger_data.raw_columns(part)
    rows = ledger_data.raw_rows(columns)
    cells = {key: pd.Series(values, dtype=object) for key, values in columns.items()}
    chart_rows = ledger_data.chart_rows()
    return Inputs(
        rows=rows,
        cells=cells,
        chart_rows=chart_rows,
        chart=read_table(chart_rows, sheet="Plano de contas"),
        ledger=read_table(rows, sheet=TEMPLATE.sheet),
        planted=ledger_data.planted_counts(part),
    )


def our_measures(inputs: Inputs, n: int, breakdown: bool) -> list[Measure]:
    options = Options(today=ledger_data.TODAY, closed_until=ledger_data.CLOSED_UNTIL)

    def rules_only():
        return validate_tables([inputs.chart, inputs.ledger], options)

    def from_rows():
        chart = read_table(inputs.chart_rows, sheet="Plano de contas")
        ledger = read_table(inputs.rows, sheet=TEMPLATE.sheet)
        return validate_tables([chart, ledger], options)

    def from_columns():
        chart = read_table(inputs.chart_rows, sheet="Plano de contas")
        ledger = type_table(
            TEMPLATE,
            sheet=TEMPLATE.sheet,
            cells=inputs.cells,
            rows=np.arange(2, n + 2),
            letters=LETTERS,
            header_row=1,
        )
        return validate_tables([chart, ledger], options)

    ours = "Retaguarda"
    measures = [
        Measure(f"ours_a_{n}", ours, "Retaguarda (a) rules on typed Tables", n, rules_only),
        Measure(f"ours_b_{n}", ours, "Retaguarda (b) read_table(cells) + rules", n, from_rows),
    ]
    if breakdown:
        label = "Retaguarda (b') type_table(columns) + rules"
        measures.append(Measure(f"ours_b2_{n}", ours, label, n, from_columns))
    return measures


def peer_measures(pandera: Peer, frictionless: Peer, n: int, peer_rows: int) -> dict:
    measures = [
        Measure(f"pa_typed_{n}", "pandera", "pandera, typed frame", n, None, pandera, f"typed:{n}"),
        Measure(
            f"pa_cells_{n}", "pandera", "pandera, object frame", n, None, pandera, f"cells:{n}"
        ),
    ]
    if n == peer_rows:
        label, variant = "frictionless, inline cells", f"cells:{n}"
        measures.append(
            Measure(f"fl_cells_{n}", "frictionless", label, n, None, frictionless, variant)
        )
    return {m.key: m for m in measures}


# -- reading an .xlsx ---------------------------------------------------------------------


def xlsx_measures(path: Path, rows: int) -> list[Measure]:
    def ours():
        tables = read_tables(read_workbook(path))
        ledger = next(t for t in tables if t.template.id == "lancamentos")
        assert len(ledger) == rows, len(ledger)
        return tables

    def calamine():
        cells = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(TEMPLATE.sheet).to_python()
        assert len(cells) == rows + 1, len(cells)
        return cells

    return [
        Measure("xlsx_ours", "Retaguarda", "xlsx: read_tables(read_workbook(path))", rows, ours),
        Measure(
            "xlsx_calamine", "calamine", "xlsx: python-calamine to_python() alone", rows, calamine
        ),
    ]


# -- the machine --------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 2**20:.1f} GiB"
                break
    except OSError:
        pass
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    return {
        "nproc": nproc or str(os.cpu_count()),
        "CPU": cpu,
        "memory": memory,
        "OS": f"{platform.system()} {platform.release()}",
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "(not set)"),
    }


def our_versions() -> dict[str, str]:
    names = ("retaguarda", "pandas", "numpy", "pyarrow", "python-calamine", "xlsxwriter")
    return {"Python": platform.python_version(), **{n: version(n) for n in names}}


def commit() -> str:
    """The commit measured, and whether the work tree had changes on top of it."""

    def git(*words: str) -> str:
        done = subprocess.run(["git", *words], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return head + (
        " with uncommitted changes"
        if git("status", "--porcelain", "-uno", "--", ".", ":!benchmarks")
        else ""
    )


# -- report -------------------------------------------------------------------------------


def _int(n: float) -> str:
    return f"{n:,.0f}"


def report(
    measures: dict[str, Measure], args: argparse.Namespace, info: dict, started: datetime
) -> tuple[str, list[str]]:
    """The results as Markdown (also printed), and the verdicts on the targets."""
    lines = [
        f"Run on {started:%Y-%m-%d %H:%M} at commit {info['commit']}, `{info['command']}`, "
        f"{info['elapsed']:.0f} s in all; best of {args.repeat}, interleaved.",
        "",
        "| measurement | rows | best s | rows/s | all runs (s) |",
        "|---|---:|---:|---:|---|",
    ]
    for m in measures.values():
        runs = ", ".join(f"{s:.2f}" for s in m.seconds)
        lines.append(f"| {m.label} | {_int(m.rows)} | {m.best:.2f} | {_int(m.rate)} | {runs} |")

    def ratio(ours: str, theirs: str) -> float | None:
        if ours in measures and theirs in measures:
            return measures[ours].rate / measures[theirs].rate
        return None

    verdicts: list[str] = []

    def verdict(ok: bool, text: str) -> None:
        verdicts.append(f"{'met' if ok else 'MISSED'}: {text}")

    a, b = measures[f"ours_a_{args.rows}"], measures[f"ours_b_{args.rows}"]
    verdict(
        a.rate >= RULES_TARGET,
        f"(a) rules only {_int(a.rate)} rows/s (target ≥ {_int(RULES_TARGET)})",
    )
    verdict(
        b.rate >= CELLS_TARGET,
        f"(b) typing + rules {_int(b.rate)} rows/s (target ≥ {_int(CELLS_TARGET)})",
    )
    n, p = args.rows, args.peer_rows
    pairs = [
        ("frictionless", f"ours_b_{p}", f"fl_cells_{p}", FRICTIONLESS_TARGET, "(b) vs from cells"),
        ("frictionless", f"ours_a_{p}", f"fl_cells_{p}", FRICTIONLESS_TARGET, "(a) vs from cells"),
        ("pandera", f"ours_a_{n}", f"pa_typed_{n}", PANDERA_TARGET, "(a) vs typed frame"),
        ("pandera", f"ours_b_{n}", f"pa_cells_{n}", PANDERA_TARGET, "(b) vs object frame"),
    ]
    ratio_lines = []
    for peer, ours, theirs, target, what in pairs:
        r = ratio(ours, theirs)
        if r is None:
            continue
        rows = measures[ours].rows
        ratio_lines.append(
            f"| {peer} | {what} | {_int(rows)} | {r:.2f}× | ≥ {target:g}× |"
            f" {'met' if r >= target else 'missed'} |"
        )
        if what.startswith("(b)") or peer == "pandera":
            verdict(r >= target, f"{peer} {what}: {r:.2f}× slower (target ≥ {target:g}×)")
    if ratio_lines:
        lines += [
            "",
            "How many times slower than Retaguarda each peer is (our rows/s ÷ theirs, same rows;"
            " below 1 the peer is faster):",
            "",
            "| peer | compared | rows | ours ÷ peer | target | |",
            "|---|---|---:|---:|---:|---|",
            *ratio_lines,
        ]
    if "xlsx_ours" in measures:
        ours_s, calamine_s = measures["xlsx_ours"].best, measures["xlsx_calamine"].best
        r = ours_s / calamine_s
        lines += [
            "",
            f"Reading the {_int(args.xlsx_rows)}-row .xlsx into Tables takes **{r:.2f}×** what "
            f"python-calamine alone takes ({ours_s:.2f} s vs {calamine_s:.2f} s; target ≤ 1.3×).",
        ]
        verdict(r <= XLSX_TARGET, f"xlsx read {r:.2f}× calamine alone (target ≤ 1.3×)")

    lines += ["", *_count_tables(measures, args, info)]
    lines += ["", "Targets:", "", *[f"* {v}" for v in verdicts]]
    lines += [
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in info["machine"].items()) + ".",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in info["versions"].items()) + ".",
    ]
    return "\n".join(lines), verdicts


def _count_tables(measures: dict[str, Measure], args: argparse.Namespace, info: dict) -> list:
    out = []
    for n in sorted({args.peer_rows, args.rows}):
        names = [f"ours_b_{n}", f"fl_cells_{n}", f"pa_cells_{n}"]
        names = [x for x in names if x in measures and measures[x].counts is not None]
        planted = info["planted"][n]
        kinds = list(ledger_data.KINDS)
        for x in names:
            kinds += [k for k in measures[x].counts or {} if k not in kinds]
        rows, differ = [], []
        for kind in kinds:
            values = [planted.get(kind, 0), *(measures[x].counts.get(kind, 0) for x in names)]
            rows.append(f"| {kind} | " + " | ".join(_int(v) for v in values) + " |")
            if len(set(values)) > 1:
                differ.append(kind)
        agree = "every side found exactly what was planted"
        header = ["planted", *(measures[x].side for x in names)]
        out += [
            f"Findings per rule on {_int(n)} rows "
            f"({agree if not differ else 'DIFFER on ' + ', '.join(differ)}):",
            "",
            "| rule | " + " | ".join(header) + " |",
            "|---|" + "---:|" * len(header),
            *rows,
            "",
        ]
    return out[:-1]


def write_readme(text: str, start: str = RESULTS_START, end: str = RESULTS_END) -> None:
    readme = README.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.DOTALL)
    block = f"{start}\n{text}\n{end}"
    if not pattern.search(readme):
        raise SystemExit(f"{README} has no {start} ... {end} block")
    README.write_text(pattern.sub(lambda _: block, readme), encoding="utf-8")


# -- main ---------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="journal rows (ours, pandera)")
    parser.add_argument("--peer-rows", type=int, default=200_000, help="slice for frictionless")
    parser.add_argument("--xlsx-rows", type=int, default=200_000, help="rows of the .xlsx")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement")
    parser.add_argument("--no-peers", action="store_true", help="skip frictionless and pandera")
    parser.add_argument("--no-xlsx", action="store_true", help="skip the .xlsx reading")
    parser.add_argument("--write", action="store_true", help="update benchmarks/README.md")
    args = parser.parse_args()
    args.peer_rows = min(args.peer_rows, args.rows)
    args.xlsx_rows = min(args.xlsx_rows, args.rows)
    started, clock = datetime.now(), time.perf_counter()
    command = " ".join(["benchmarks/run.py", *sys.argv[1:]])

    print(f"Data: {args.rows:,} journal rows (made once into {ledger_data.data_dir()})...")
    data = ledger_data.ensure_data(args.rows)
    with tempfile.TemporaryDirectory(prefix="retaguarda-bench-") as outside:
        peers: list[Peer] = []
        measures: dict[str, Measure] = {}
        try:
            if not args.no_peers:
                ensure_peers()
                sizes = sorted({args.rows, args.peer_rows})
                pandera = Peer("pandera", "pandera_ledger.py", sizes, data, outside)
                frictionless = Peer(
                    "frictionless", "frictionless_ledger.py", [args.peer_rows], data, outside
                )
                peers = [pandera, frictionless]
            table = pq.read_table(data)
            planted = {}
            for n in sorted({args.rows, args.peer_rows}, reverse=True):
                print(f"Preparing our inputs for {n:,} rows...")
                inputs = our_inputs(table, n)
                planted[n] = inputs.planted
                for m in our_measures(inputs, n, breakdown=n == args.rows):
                    measures[m.key] = m
                if peers:
                    measures.update(peer_measures(pandera, frictionless, n, args.peer_rows))
            for peer in peers:
                peer.ready()
            if not args.no_xlsx:
                print(f"Data: {args.xlsx_rows:,}-row .xlsx (made once)...")
                path = ledger_data.ensure_xlsx(args.xlsx_rows, data)
                for m in xlsx_measures(path, args.xlsx_rows):
                    measures[m.key] = m
            for round_ in range(1, args.repeat + 1):
                for m in measures.values():
                    m.once()
                    print(
                        f"  round {round_}: {m.label}, {_int(m.rows)} rows: {m.seconds[-1]:.2f} s"
                    )
        finally:
            for peer in peers:
                peer.close()
        versions = our_versions()
        for peer in peers:
            versions.update(peer.versions)
    info = {
        "command": command,
        "commit": commit(),
        "elapsed": time.perf_counter() - clock,
        "machine": machine(),
        "versions": versions,
        "planted": planted,
    }
    text, _ = report(measures, args, info, started)
    print()
    print(text)
    if args.write:
        write_readme(text)
        print(f"\nWritten to {README.relative_to(ROOT)}.")


if __name__ == "__main__":
    main()
