"""What the service's views share, kept on the application (never module globals): the store,
opened on first use, the clock, and the queue's doorbell.

`create_app` fills them in (`setup`); a view reaches them through `store()`, `clock()` and
`notify()`, inside a request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime

from flask import Flask, current_app

from retaguarda.sync.store.database import Store

#: told that a source has new events: the queue's `source_changed`, once the queue is set up
Notify = Callable[[int], None]
Clock = Callable[[], datetime]

_KEY = "retaguarda"


def utc_now() -> datetime:
    return datetime.now(UTC)


class Shared:
    """The application's shared objects; `store` is opened (and migrated) on first use, so
    an app that only serves the Excel add-in never touches a database."""

    def __init__(self, database_url: str | None, clock: Clock) -> None:
        self.database_url = database_url
        self.clock = clock
        self.notify: Notify = lambda source_id: None
        self._store: Store | None = None
        self._lock = threading.Lock()

    def store(self) -> Store:
        with self._lock:
            if self._store is None:
                self._store = Store.open(self.database_url)
            return self._store


def setup(app: Flask, clock: Clock = utc_now) -> Shared:
    shared = Shared(app.config["RETAGUARDA"].database_url, clock)
    app.extensions[_KEY] = shared
    return shared


def shared() -> Shared:
    shared_objects: Shared = current_app.extensions[_KEY]
    return shared_objects


def store() -> Store:
    return shared().store()


def clock() -> datetime:
    return shared().clock()


def notify(source_id: int) -> None:
    shared().notify(source_id)
