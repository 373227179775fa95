"""Whole processes, as a person runs them: `retaguarda validate` on a CSV journal, on a big
.xlsx and on a small one, each beside the peer process it is compared with.

Each pair runs round after round, the two sides alternating which goes first, and the best of
the rounds is kept: the machine is shared, so a slow run says more about the neighbours than
about the code. Every process starts from a directory outside the repository (our `validators/`
folder would shadow PyPI's `validators` that frictionless imports), with its output to a file,
and its wall time and peak memory (GNU time's maximum resident set size) are recorded.

Used by `targets.py`, which prints issue 14's table.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import ledger_data
import pyarrow.parquet as pq

from retaguarda.validators.codes import family_of

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OURS = ROOT / ".venv" / "bin"
PEERS = ROOT / ".venv-peers" / "bin"
MARK = "@@ "  # see peers/common.py
#: The options every side validates with (the generator's "today" and closed period).
OPTIONS = (
    "--today",
    ledger_data.TODAY.isoformat(),
    "--closed-until",
    ledger_data.CLOSED_UNTIL.isoformat(),
)
CALAMINE_ALONE = """\
import sys
from python_calamine import CalamineWorkbook
book = CalamineWorkbook.from_path(sys.argv[1])
for name in book.sheet_names:
    book.get_sheet_by_name(name).to_python()
"""


@dataclass
class Process:
    """One command, run again each round; `codes` are the exit codes that mean it worked."""

    label: str
    argv: list[str]
    codes: tuple[int, ...] = (0,)
    #: Says what is wrong with a run's output, if anything: an exit code alone can lie (a
    #: traceback exits with 1, which `validate` also gives when it finds errors).
    check: Callable[[str], str] | None = None
    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    output: str = ""

    @property
    def best(self) -> float:
        return min(self.seconds)

    def once(self, cwd: Path, name: str) -> None:
        out, err, peak = (cwd / f"{name}.{part}" for part in ("out", "err", "peak"))
        # Through /usr/bin/time: a child forked from this (large) process keeps this process's
        # peak in its own rusage, even after exec; time's child starts afresh.
        argv = ["/usr/bin/time", "-f", "%M", "-o", str(peak), *self.argv]
        with out.open("wb") as stdout, err.open("wb") as stderr:
            start = time.perf_counter()
            code = subprocess.run(argv, cwd=cwd, stdout=stdout, stderr=stderr).returncode
            elapsed = time.perf_counter() - start
        said = err.read_text(errors="replace")
        output = out.read_text(encoding="utf-8", errors="replace")
        if problem := self._problem(code, said, output):
            said = " ".join(said.split())[-400:]
            raise RuntimeError(f"{self.label}: {problem}{': ' + said if said else ''}")
        self.seconds.append(elapsed)
        self.peak_mb.append(int(peak.read_text().split()[-1]) / 1024)  # KiB
        self.output = output

    def _problem(self, code: int, said: str, output: str) -> str:
        if code not in self.codes:
            return f"exit code {code}"
        if "Traceback (most recent call last)" in said:
            return "a traceback"
        return self.check(output) if self.check else ""


@dataclass
class Pair:
    """A line of the table: our process and its peer's, with the ratio the target sets.

    `faster` targets read "peer time ÷ ours ≥ target", the others "ours ÷ peer ≤ target".
    """

    key: str
    what: str
    ours: Process
    peer: Process
    target: float
    faster: bool
    rounds: int
    #: An untimed round first (cheap lines: a cold .pyc or disk cache is a large share of them).
    warmup: bool = True
    planted: dict[str, int] | None = None
    findings: Process | None = None  # run once after the rounds, untimed
    failure: str = ""

    @property
    def ratio(self) -> float:
        if self.faster:
            return self.peer.best / self.ours.best
        return self.ours.best / self.peer.best

    @property
    def met(self) -> bool:
        return self.ratio >= self.target if self.faster else self.ratio <= self.target

    @property
    def target_text(self) -> str:
        return f"≥ {self.target:g}× faster" if self.faster else f"≤ {self.target:g}×"

    @property
    def ratio_text(self) -> str:
        return f"{self.ratio:.2f}× faster" if self.faster else f"{self.ratio:.2f}×"


def pairs(csv_rows: int, xlsx_rows: int, small_rows: int, repeat: int, small_repeat: int):
    """The three whole-process lines of issue 14, their data made once (fixed seed).

    Ours is timed as a person runs it, the terminal table (a sheet's first findings);
    line 1's findings per rule come from one more, untimed, run with `--format json`.
    """
    print(f"Data: {csv_rows:,}-row CSV, {xlsx_rows:,}- and {small_rows}-row .xlsx (made once)...")
    source = ledger_data.ensure_data(csv_rows)
    ledger_csv, chart_csv = ledger_data.ensure_csv(csv_rows)
    planted = ledger_data.planted_counts(pq.read_table(source, columns=["_planted"]))
    big = ledger_data.ensure_xlsx(xlsx_rows, ledger_data.ensure_data(xlsx_rows))
    small = ledger_data.ensure_xlsx(small_rows, source)
    chart = len(ledger_data.chart_rows()) - 1
    validate = [str(OURS / "retaguarda"), "validate"]
    python = str(OURS / "python")

    def ours(label: str, files: list[Path], rows: int) -> Process:
        argv = [*validate, *map(str, files), *OPTIONS]
        return Process(label, argv, codes=(0, 1), check=partial(rows_checked, rows=rows + chart))

    frictionless = [
        str(PEERS / "python"),
        str(HERE / "peers" / "frictionless_csv.py"),
        f"--csv={ledger_csv}",
        f"--meta={ledger_data.meta_path()}",
    ]
    return [
        Pair(
            "csv",
            f"`retaguarda validate` on a {csv_rows:,}-row `lancamentos` CSV + chart, "
            "vs frictionless on the same file, same rules",
            ours("retaguarda validate (CSV)", [ledger_csv, chart_csv], csv_rows),
            Process(
                "frictionless (CSV)", frictionless, check=partial(peer_read_all, rows=csv_rows)
            ),
            target=15.0,
            faster=True,
            rounds=repeat,
            warmup=False,  # the file was just read or written; frictionless takes long
            planted=planted,
            findings=Process(
                "retaguarda validate --format json (CSV, untimed)",
                [*validate, str(ledger_csv), str(chart_csv), "--format", "json", *OPTIONS],
                codes=(1,),
                check=partial(read_all, rows=csv_rows),
            ),
        ),
        Pair(
            "xlsx",
            f"`retaguarda validate` on a {xlsx_rows:,}-row .xlsx journal "
            "vs python-calamine alone reading its sheets",
            ours("retaguarda validate (xlsx)", [big], xlsx_rows),
            Process(
                "python-calamine to_python() of every sheet",
                [python, "-c", CALAMINE_ALONE, str(big)],
            ),
            target=1.6,
            faster=False,
            rounds=repeat,
        ),
        Pair(
            "small",
            f"`retaguarda validate` on a {small_rows}-row workbook "
            'vs `python -c "import pandas, pyarrow"`',
            ours("retaguarda validate (small)", [small], small_rows),
            Process("import pandas, pyarrow", [python, "-c", "import pandas, pyarrow"]),
            target=1.5,
            faster=False,
            rounds=small_repeat,
        ),
    ]


def measure(lines: list[Pair], cwd: Path) -> None:
    """Every pair round by round, ours first in odd rounds and the peer first in even ones,
    after an untimed round where the pair asks for one.

    A process that fails (a wrong exit code) ends its line, not the run: the table says why."""
    for round_ in range(-1, max(p.rounds for p in lines)):
        for pair in lines:
            if round_ >= pair.rounds or pair.failure or (round_ < 0 and not pair.warmup):
                continue
            order = (pair.ours, pair.peer) if round_ % 2 == 0 else (pair.peer, pair.ours)
            try:
                for side in order:
                    side.once(cwd, pair.key)
                    if round_ < 0:
                        side.seconds.clear()
                        side.peak_mb.clear()
                    else:
                        print(
                            f"  round {round_ + 1}: {side.label}: {side.seconds[-1]:.2f} s",
                            flush=True,
                        )
            except RuntimeError as error:
                pair.failure = str(error)
                print(f"  FAILED: {pair.failure}")
    for pair in lines:
        if pair.findings and not pair.failure:
            try:
                pair.findings.once(cwd, f"{pair.key}-findings")
            except RuntimeError as error:
                pair.failure = str(error)


def rows_checked(output: str, rows: int) -> str:
    """What is wrong with our terminal report if it does not say it checked `rows` rows."""
    said = re.search(r"([\d.,]+) linha\(s\) conferida", output)
    checked = int(re.sub(r"\D", "", said.group(1))) if said else None
    return "" if checked == rows else f"rows checked: {checked}, not {rows}"


def read_all(output: str, rows: int) -> str:
    """What is wrong with our JSON report if it did not validate the whole journal."""
    try:
        sheets = json.loads(output)["summary"]["sheets"]
    except (ValueError, KeyError):
        return "no JSON report"
    ledger = [s["rows"] for s in sheets if s["template"] == "lancamentos"]
    return "" if ledger == [rows] else f"journal rows validated: {ledger}, not [{rows}]"


def peer_read_all(output: str, rows: int) -> str:
    try:
        read = peer_answer(output)["rows"]
    except RuntimeError:
        return "no answer"
    return "" if read == rows else f"rows validated: {read}, not {rows}"


def our_counts(output: str) -> dict[str, int]:
    """Our findings by rule from `--format json`: a code that says why (`cpf_cnpj.check_digit`)
    counted under its family (`cpf_cnpj.invalid`), the rule the peers know; an account that
    does not accept postings under `account.synthetic`, as the peers name it."""
    found: Counter[str] = Counter()
    for issue in json.loads(output)["issues"]:
        code = issue["code"]
        synthetic = code == "account.unknown" and "summary account" in issue["message_en"]
        code = "account.synthetic" if synthetic or code == "account.not_postable" else code
        code = code if code in ledger_data.KINDS else family_of(code)
        found[code if code in ledger_data.KINDS else f"other: {code}"] += 1
    return dict(found)


def peer_answer(output: str) -> dict:
    for line in output.splitlines():
        if line.startswith(MARK):
            return json.loads(line[len(MARK) :])
    raise RuntimeError(f"the peer gave no answer:\n{output[-3000:]}")
