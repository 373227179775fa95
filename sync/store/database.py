"""Opening the store: a SQLite file (WAL) by default, PostgreSQL through a URL.

`Store.open` brings the schema up to date with Alembic before anything else runs, so every
process (CLI, service, worker) sees the same tables. Writes go through `Store.atomic()`: one
transaction, which on SQLite takes the write lock at its start (`BEGIN IMMEDIATE`), so two
writers queue instead of failing half-way with "database is locked". An `atomic()` opened
inside another one (in the same thread) joins it, so the store's operations (`StoreOperations`)
each run in one transaction alone, and several of them in the caller's.

Pooled PostgreSQL connections are not pinged before each use: the ping is one more round trip
per transaction, a good share of a webhook's cost. A connection that died with its server
(a restart, a failover) fails at its first statement instead; SQLAlchemy then drops every
connection of the pool opened before, and `Store.retrying` runs such a transaction once more
on a new one. What does not retry (a sync, a dashboard page) fails once and is tried again by
its own caller: the queue's backoff, the reader's reload.

The webhooks' few statements, run by the thousand a second, go to psycopg directly
(`Store.driver`): there SQLAlchemy's own work per statement cost more CPU than the database's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, nullcontext
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from retaguarda.sync.store.jobs import JobOperations
from retaguarda.sync.store.logins import LoginOperations
from retaguarda.sync.store.operations import StoreOperations
from retaguarda.sync.store.overview import OverviewOperations
from retaguarda.sync.store.users import UserOperations

#: where the store lives when `RETAGUARDA_DATABASE_URL` is not set
DEFAULT_URL = "sqlite:///data/retaguarda.db"
#: how long a SQLite writer waits for another one to finish, in seconds
SQLITE_WAIT = 600
#: PostgreSQL advisory lock key that serialises migrations of one database ("rgmigr")
_MIGRATION_LOCK = 0x7267_6D69_6772
#: Alembic keeps the migration it runs in module globals (`alembic.context`): two threads of
#: one process migrating at once (the service's first requests, its queue) break each other
_MIGRATING = threading.Lock()

T = TypeVar("T")


class StoreError(Exception):
    """The store cannot be opened or used; the message says why, in Portuguese."""


class Store(StoreOperations, JobOperations, UserOperations, OverviewOperations, LoginOperations):
    """One database, SQLite or PostgreSQL. Library first: the CLI and the service call this."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        #: the write transaction this thread (or task) has open on this store, if any
        self._open: ContextVar[Connection | None] = ContextVar(f"store-{id(self)}", default=None)
        #: the autocommit connection this thread's outermost `driver()` block holds, if any
        self._driving: ContextVar[Connection | None] = ContextVar(
            f"store-driver-{id(self)}", default=None
        )

    @classmethod
    def open(cls, url: str | URL | None = None, *, migrate: bool = True) -> Store:
        """The store at `url` (default: `data/retaguarda.db`), its schema brought up to date."""
        try:
            engine = create_store_engine(url or DEFAULT_URL)
        except OSError as error:  # the SQLite file's folder cannot be made
            raise StoreError(f"não foi possível abrir o banco de dados: {error}") from error
        store = cls(engine)
        if migrate:
            store.migrate()
        return store

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> None:
        """Alembic `upgrade head` on this database (a no-op when it is current)."""
        config = Config()
        config.set_main_option("script_location", "retaguarda.sync.store:migrations")
        try:
            with _MIGRATING, self.engine.begin() as connection:
                if self.dialect == "postgresql":
                    connection.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK}
                    )
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except Exception as error:
            raise StoreError(f"não foi possível preparar o banco de dados: {error}") from error

    @contextmanager
    def atomic(self) -> Iterator[Connection]:
        """One write transaction: committed when the block ends, rolled back if it raises.

        Inside another `atomic()` block of this store, the outer transaction is used: it
        commits (or rolls back) everything when the outer block ends.
        """
        current = self._open.get()
        if current is not None:
            yield current
            return
        with self.engine.connect() as connection:
            connection.info["write"] = True
            token = self._open.set(connection)
            try:
                with connection.begin():
                    yield connection
            finally:
                self._open.reset(token)
                connection.info.pop("write", None)

    def retrying(self, work: Callable[[], T], *, transaction: bool = True) -> T:
        """`work()` in one `atomic()` transaction, run once more if the pooled connection it
        got had died (the server restarted): the first attempt rolled back, so nothing is done
        twice. Any other error, or a second dead connection, is raised.

        With `transaction=False`, `work()` runs in no transaction of its own: each of the
        store's operations it calls is one, and is done once (a second attempt finds what the
        first committed, as a retry of the whole request would). On PostgreSQL those that go
        through `driver()` share one connection."""

        def attempt() -> T:
            if transaction:
                with self.atomic():
                    return work()
            with self.driver() if self.dialect == "postgresql" else nullcontext():
                return work()

        try:
            return attempt()
        except DBAPIError as error:
            nested = self._open.get() is not None or self._driving.get() is not None
            if not error.connection_invalidated or nested:
                raise
        return attempt()

    @contextmanager
    def driver(self) -> Iterator[Any]:
        """PostgreSQL: the psycopg connection of this thread's `atomic()` transaction, or,
        outside one, a pooled one in autocommit, where each statement is a transaction of its
        own (one round trip: no BEGIN, no COMMIT), shared by the `driver()` blocks opened
        inside this one. For the statements run by the thousand a second (the webhooks'): the
        caller writes the SQL and prepares it (`cursor.execute(..., prepare=True)`).

        psycopg's errors come out as SQLAlchemy's; a connection the server dropped is
        invalidated, and the pool's older ones with it, as SQLAlchemy does for its own
        statements, so `retrying` runs the work again on a new one."""
        connection = self._open.get() or self._driving.get()
        with ExitStack() as stack:
            if connection is None:
                connection = stack.enter_context(
                    self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
                )
                stack.callback(self._driving.reset, self._driving.set(connection))
            raw = connection.connection.driver_connection
            try:
                yield raw
            except connection.dialect.loaded_dbapi.Error as error:
                dropped = connection.dialect.is_disconnect(error, raw, None)
                if dropped:
                    connection.invalidate(error)
                    self.engine.dispose(close=False)  # the older connections died with it
                raise DBAPIError.instance(
                    None,
                    None,
                    error,
                    connection.dialect.loaded_dbapi.Error,
                    connection_invalidated=dropped,
                    dialect=connection.dialect,
                ) from error

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction (on SQLite it does not wait for, nor hold up, a writer); inside
        an `atomic()` block, that transaction, so a read sees what the block wrote."""
        current = self._open.get()
        if current is not None:
            yield current
            return
        with self.engine.begin() as connection:
            yield connection

    def close(self) -> None:
        self.engine.dispose()


def create_store_engine(url: str | URL) -> Engine:
    """An engine for `url`; for SQLite, the file's folder is created and WAL switched on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, connect_args={"timeout": SQLITE_WAIT})
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: object) -> None:
    # pysqlite's own transaction handling starts transactions late and never for SELECTs;
    # turning it off lets `_sqlite_begin` start each one itself (SQLAlchemy's documented recipe)
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.info.get("write") else "BEGIN")
