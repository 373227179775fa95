"""The cyclic garbage collector held off while a table is typed and checked.

Typing a sheet and checking it make hundreds of thousands of objects that live as long as the
report (findings, their messages, the columns' pieces), none of them in a cycle. Python counts
them and, past a quarter of what the process already holds, walks every object alive in a full
collection: with a caller's million rows of cells in memory, 0.3-0.5 s per run of the
1,000,000-row benchmark ((a) or (b)), for nothing to free. The collector runs again as before
once the outermost call returns; calls from several threads share one count.
"""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

_lock = threading.Lock()
_depth = 0
_was_enabled = False

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def collector_off() -> Iterator[None]:
    """No automatic collection inside; the collector as it was after the outermost exit."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()


def without_collector(function: Callable[P, R]) -> Callable[P, R]:
    """`function` run inside `collector_off`."""

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with collector_off():
            return function(*args, **kwargs)

    return run
