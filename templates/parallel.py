"""Independent pieces of one table's work run on two threads at once.

Typing a column and running a check are mostly Arrow and numpy kernels, which let go of
Python's global lock while they work: two columns typed on two threads, or two checks run
side by side, keep both cores busy where one thread kept one. Each piece reads the table and
returns its own result; none writes anything another reads, and the results come back in the
order of the pieces, so a report is the same, finding for finding, whichever finishes first.

A small table is not worth a thread (starting one costs more than typing a few thousand rows);
and the threads end with the call, so a process that forks later (`xlsx_ahead`, `csv_ahead`
only fork a process without other threads) finds none left.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: rows from which a table's pieces are worth a second thread
WORTH_IT = 50_000
#: threads at most: the machines this runs on have two cores or more, and the pieces of one
#: table are a dozen, some of them far longer than the others
THREADS = 2


def each(function: Callable[[T], R], pieces: Sequence[T], *, rows: int) -> list[R]:
    """`function` of every piece, in order: on this thread for a table of fewer than
    `WORTH_IT` rows or a machine of one core, else on `THREADS` threads. An exception is
    raised as the serial loop would raise it (the first piece's that failed)."""
    if rows < WORTH_IT or len(pieces) < 2 or (os.cpu_count() or 1) < 2:
        return [function(piece) for piece in pieces]
    with ThreadPoolExecutor(THREADS, thread_name_prefix="retaguarda-table") as pool:
        return list(pool.map(function, pieces))
