"""Failed logins to the dashboard, as methods of `Store`: the login's limit counts them here.

In the store rather than in a process's memory, so that every gunicorn worker and every
machine serving the dashboard counts the same failures, and a restart forgets none. Only what
the limit needs is kept (the name typed, the client's address, when), and only while it
counts: each failure recorded clears the ones older than the window it is given.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime

from sqlalchemy import Column, Connection, Index, Integer, Table, Text, delete, func, insert, select

from retaguarda.sync.store.schema import Timestamp, metadata

#: one failed login: the name as typed (case-folded), the client's address, when
login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("address", Text, nullable=False),
    Column("at", Timestamp, nullable=False),
    Index(None, "name", "at"),
    Index(None, "address", "at"),
    Index(None, "at"),
)


class LoginOperations:
    """Mixed into `Store`: relies on its `atomic()` and `read()`."""

    def atomic(self) -> AbstractContextManager[Connection]:  # pragma: no cover - Store's
        raise NotImplementedError

    def read(self) -> AbstractContextManager[Connection]:  # pragma: no cover - Store's
        raise NotImplementedError

    def record_login_failure(
        self, name: str, address: str, *, at: datetime, forget_before: datetime
    ) -> None:
        """A login as `name` from `address` failed `at`; failures before `forget_before`
        (outside every window still asked about) are deleted."""
        with self.atomic() as connection:
            connection.execute(delete(login_failures).where(login_failures.c.at < forget_before))
            connection.execute(insert(login_failures).values(name=name, address=address, at=at))

    def count_login_failures(
        self, *, name: str | None = None, address: str | None = None, since: datetime
    ) -> tuple[int, datetime | None]:
        """How many logins as `name` (or from `address`) failed after `since`, and when the
        oldest of them did (None without any)."""
        column, value = (
            (login_failures.c.name, name)
            if name is not None
            else (login_failures.c.address, address)
        )
        query = select(func.count(), func.min(login_failures.c.at)).where(
            column == value, login_failures.c.at > since
        )
        with self.read() as connection:
            count, oldest = connection.execute(query).one()
        return count, oldest

    def forget_login_failures(self, name: str) -> None:
        """The user got in: their name's failures no longer count (their address's still do)."""
        with self.atomic() as connection:
            connection.execute(delete(login_failures).where(login_failures.c.name == name))
