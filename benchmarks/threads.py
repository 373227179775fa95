"""Whether the work behind `validate` lets a second thread run, and what two threads give.

    .venv/bin/python benchmarks/threads.py            # 200,000-row .xlsx, 500,000-row CSV
    .venv/bin/python benchmarks/threads.py --rounds 5

1. calamine's parse of the big sheet, beside a pure-Python loop on another thread: the loop
   keeps its pace only if the parse lets go of the global lock (it does, in 0.9.1), which is
   what `templates/readers/xlsx_halves.py` builds on.
2. Reading the .xlsx whole against in two halves (`xlsx_halves`), rounds interleaved.
3. Typing and checking the CSV journal on one thread against two (`templates/parallel.py`),
   rounds interleaved, in this process (wall seconds; CPU seconds beside them).
4. The same from the Python cells of run.py's (b): 1,000,000 rows as python-calamine gives
   them, `read_table` then the checks.
"""

from __future__ import annotations

import argparse
import gc
import threading
import time
from collections.abc import Callable
from functools import partial

import ledger_data
import pyarrow.parquet as pq

from retaguarda.templates import parallel
from retaguarda.templates.catalog.lancamentos import TEMPLATE
from retaguarda.templates.files import read_workbook
from retaguarda.templates.reader import read_table, read_tables
from retaguarda.templates.readers import xlsx_halves
from retaguarda.templates.table import Table
from retaguarda.templates.validate import Options, validate_tables


def spin(seconds: float) -> int:
    turns, end = 0, time.perf_counter() + seconds
    while time.perf_counter() < end:
        turns += 1
    return turns


def lock_check(path: object) -> None:
    from python_calamine import CalamineWorkbook

    alone = spin(1.0)
    book = CalamineWorkbook.from_path(str(path))
    name = book.sheet_names[-1]
    parse = threading.Thread(target=book.get_sheet_by_name, args=(name,))
    parse.start()
    beside = spin(1.0)
    parse.join()
    print(f"1. a Python loop alone: {alone:,} turns/s; beside calamine's parse: {beside:,}")


def halves(path: object, rounds: int) -> None:
    runs: dict[str, list[float]] = {"whole": [], "halves": []}
    for _ in range(rounds):
        for name, worth in (("whole", 10**15), ("halves", 16 * 1024 * 1024)):
            xlsx_halves.WORTH_IT = worth
            start = time.perf_counter()
            read_workbook(path)
            runs[name].append(round(time.perf_counter() - start, 2))
    for name, times in runs.items():
        print(f"2. read_workbook, {name}: best {min(times):.2f} s {times}")


def one_or_two_threads(
    label: str, typed: Callable[[], list[Table]], charts: list[Table], rounds: int
) -> None:
    """`typed()` (the typing) then the checks, on one thread and on two, rounds interleaved."""
    options = Options(today=ledger_data.TODAY, closed_until=ledger_data.CLOSED_UNTIL)
    runs: dict[str, list[tuple[float, float, float]]] = {"one thread": [], "two threads": []}
    for _ in range(rounds):
        for name, worth in (("one thread", 10**15), ("two threads", parallel.WORTH_IT)):
            saved, parallel.WORTH_IT = parallel.WORTH_IT, worth
            wall, cpu = time.perf_counter(), time.process_time()
            tables = typed()
            done_typing = time.perf_counter()
            validate_tables([*charts, *tables], options)
            done = time.perf_counter()
            parallel.WORTH_IT = saved
            runs[name].append(
                (
                    round(done_typing - wall, 2),
                    round(done - done_typing, 2),
                    round(time.process_time() - cpu, 2),
                )
            )
    for name, times in runs.items():
        typing, checks, cpu = min(times, key=sum)
        print(f"{label}, {name}: typing {typing:.2f} s, checks {checks:.2f} s (CPU {cpu:.2f} s)")
        print(f"   every round (typing, checks, CPU): {times}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    gc.disable()  # as `validate` runs
    xlsx = ledger_data.ensure_xlsx(200_000, ledger_data.ensure_data(200_000))
    csv, chart = ledger_data.ensure_csv(500_000)
    charts = read_tables(read_workbook(chart))
    lock_check(xlsx)
    halves(xlsx, args.rounds)
    workbook = read_workbook(csv)
    one_or_two_threads("3. CSV", lambda: read_tables(workbook), charts, args.rounds)
    table = pq.read_table(ledger_data.ensure_data(1_000_000))
    rows = ledger_data.raw_rows(ledger_data.raw_columns(table))
    ledger = partial(read_table, rows, sheet=TEMPLATE.sheet)
    one_or_two_threads("4. (b)'s cells", lambda: [ledger()], charts, args.rounds)


if __name__ == "__main__":
    main()
