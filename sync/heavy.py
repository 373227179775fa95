"""A few heavy requests at a time per process, however many threads serve webhooks.

A webhook waits on its group commit (`sync.intake`) and costs a millisecond of CPU: the more
threads a gunicorn worker has, the more webhooks share each commit (16 threads per worker took
2 workers from 860 to 1,600 webhooks a second while a sync ran; benchmarks/README.md,
"Serviço"). A workbook validated for the Excel add-in, a Google Sheets menu action or a
report takes a core and up to 0.6 GB while it runs (`settings.MAX_WORKBOOK_CELLS`): sixteen of
those at once in one process would take the machine's memory. So those views take one of
`heavy_requests` slots of their process first, waiting up to `heavy_wait` seconds for one;
none free by then, the client is told to retry (503, Retry-After), and nothing was done.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from flask import Flask, current_app, jsonify
from werkzeug.exceptions import ServiceUnavailable

P = ParamSpec("P")
R = TypeVar("R")

SLOTS = "retaguarda_heavy"
BUSY = (
    "o serviço está ocupado com outras conferências; tente de novo em alguns segundos "
    "(service busy with other heavy requests; retry in a few seconds)."
)
#: seconds a client is told to wait before it retries
RETRY_AFTER = 5


def setup(app: Flask) -> None:
    app.extensions[SLOTS] = threading.BoundedSemaphore(app.config["RETAGUARDA"].heavy_requests)


@contextmanager
def slot() -> Iterator[None]:
    """Hold one of the process's heavy slots (503 when none frees in time)."""
    slots: threading.BoundedSemaphore = current_app.extensions[SLOTS]
    if not slots.acquire(timeout=current_app.config["RETAGUARDA"].heavy_wait):
        answer = jsonify({"error": BUSY})
        answer.status_code = 503
        answer.headers["Retry-After"] = str(RETRY_AFTER)
        raise ServiceUnavailable(response=answer)
    try:
        yield
    finally:
        slots.release()


def heavy(view: Callable[P, R]) -> Callable[P, R]:
    """`view` run in one of the process's heavy slots (`slot`)."""

    @functools.wraps(view)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with slot():
            return view(*args, **kwargs)

    return run


__all__: list[Any] = ["BUSY", "SLOTS", "heavy", "setup", "slot"]
