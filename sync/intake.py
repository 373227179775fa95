"""Group commit: requests hand their writes to one thread, which commits what waits as one.

A webhook must be committed before it is answered, and a commit is a round trip to the
database and a flush of its log: done once per request, it is most of a webhook's cost. Here
each request thread hands its work to the process's committer and waits; the committer takes
everything handed in meanwhile and does it in one transaction, then answers each request
with its own result (or the error that stopped them all). Alone, a request waits for its own
commit as before; under load, the requests that arrive while one batch commits share the next.

The committer is a daemon thread started on first use; it ends after `IDLE` seconds without
work (and starts again on the next), so an app that is built and dropped, as in tests, leaves
no thread behind for long.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: seconds the committer waits for work before its thread ends
IDLE = 5.0
#: the most requests one transaction takes (the rest wait for the next)
MAX_BATCH = 256


class GroupCommit(Generic[T, R]):
    """`submit(work)` blocks until `batch` has done `work` with whatever else was submitted
    meanwhile; `batch(works)` returns one result or exception per work, in order, and an
    exception it raises is every work's."""

    def __init__(self, batch: Callable[[list[T]], list[R | BaseException]]) -> None:
        self._batch = batch
        self._waiting: queue.SimpleQueue[tuple[T, Future[R]]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def submit(self, work: T) -> R:
        done: Future[R] = Future()
        with self._lock:
            self._waiting.put((work, done))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._commit, name="retaguarda-group-commit", daemon=True
                )
                self._thread.start()
        return done.result()

    def _commit(self) -> None:
        while True:
            try:
                first = self._waiting.get(timeout=IDLE)
            except queue.Empty:
                with self._lock:
                    if self._waiting.empty():
                        self._thread = None
                        return
                continue
            taken = [first]
            while len(taken) < MAX_BATCH:
                try:
                    taken.append(self._waiting.get_nowait())
                except queue.Empty:
                    break
            self._run([work for work, _ in taken], [done for _, done in taken])

    def _run(self, works: list[T], futures: list[Future[R]]) -> None:
        try:
            outcomes = self._batch(works)
        except BaseException as error:  # the transaction failed: every request is told
            for done in futures:
                done.set_exception(error)
            return
        for done, outcome in zip(futures, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                done.set_exception(outcome)
            else:
                done.set_result(outcome)
