"""The service's users, as methods of `Store`: their SQL lives here, not in callers.

Only digests are stored: the SHA-256 of each API token and a slow salted hash of each
password (`sync.users` makes both). A user is never deleted, only disabled, so that what they
did keeps a name.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from retaguarda.sync.store.schema import users


class UserOperations:
    """The store's user operations; `Store` (in `database.py`) supplies the transactions."""

    def atomic(self) -> AbstractContextManager[Connection]:  # pragma: no cover - Store's
        raise NotImplementedError

    def read(self) -> AbstractContextManager[Connection]:  # pragma: no cover - Store's
        raise NotImplementedError

    def insert_user(
        self, *, name: str, role: str, team: str | None, token_hash: str, at: datetime
    ) -> int:
        """Register a user; their id.

        :raises sqlalchemy.exc.IntegrityError: the name is taken (disabled users included)
        """
        with self.atomic() as connection:
            return connection.execute(
                insert(users).values(
                    name=name, role=role, team=team, token_hash=token_hash, created_at=at
                )
            ).inserted_primary_key[0]

    def user_row(
        self, *, user_id: int | None = None, name: str | None = None, token_hash: str | None = None
    ) -> Row[Any] | None:
        """The user with this id, name or token digest (exactly one is given), disabled or
        not; every column."""
        (column, value), *others = (
            (users.c[key], value)
            for key, value in (("id", user_id), ("name", name), ("token_hash", token_hash))
            if value is not None
        )
        if others:
            raise TypeError("give one of user_id, name or token_hash")
        with self.read() as connection:
            return connection.execute(select(users).where(column == value)).first()

    def user_rows(self) -> list[Row[Any]]:
        """Every user, disabled ones included, in the order they were added."""
        with self.read() as connection:
            return list(connection.execute(select(users).order_by(users.c.id)))

    def update_user(self, user_id: int, **values: object) -> None:
        """Set some of a user's columns (`token_hash`, `password_hash`, `disabled_at`)."""
        unknown = set(values) - {"token_hash", "password_hash", "disabled_at"}
        if unknown:
            raise TypeError(f"not a user column that changes: {sorted(unknown)}")
        with self.atomic() as connection:
            connection.execute(update(users).where(users.c.id == user_id).values(**values))
