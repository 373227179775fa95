"""The consolidated store's tables, declared once with SQLAlchemy Core.

One table per template, named after it (`lancamentos`, `folha`, ...), with the template's typed
columns and the lineage every row carries: which team, source, sheet and sheet row it came
from, its identity, the hash of its content, when it was first seen and last changed, by which
sync run, and whether it has since disappeared from the sheet (a tombstone, never a delete).
Around them: the sources, the sync runs, the quarantine of rows that failed validation, the
audit trail of every insert, update, tombstone, quarantine and release; and for the service,
its users, the webhook events it was sent and the sync jobs it queued.

Money and other decimals are NUMERIC on PostgreSQL and exact scaled integers on SQLite
(`Scaled`), Decimal in Python on both; dates and competências are DATE.

Alembic's migrations under `migrations/versions` create these tables; a test checks that the
migrations and this module agree, so a template change without a migration fails `make test`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.model import SCALE, Kind, Template

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class Scaled(TypeDecorator[Decimal]):
    """A Decimal with fixed places: NUMERIC(18, places) on PostgreSQL; on SQLite, which has no
    exact decimal type (its NUMERIC may store a double), an integer of hundredths (for money),
    thousandths or ten-thousandths."""

    impl = BigInteger
    cache_ok = True

    def __init__(self, places: int) -> None:
        super().__init__()
        self.places = places
        self.quantum = Decimal(1).scaleb(-places)

    def __repr__(self) -> str:  # how Alembic writes the type into a migration
        return f"Scaled({self.places})"

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(18, self.places))

    def process_bind_param(self, value: Decimal | int | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return int(Decimal(value).scaleb(self.places).to_integral_value())
        return Decimal(value).quantize(self.quantum)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-self.places).quantize(self.quantum)
        return Decimal(value).quantize(self.quantum)


class UtcTimestamp(TypeDecorator[datetime]):
    """A moment with its zone, read back in UTC on both backends: TIMESTAMPTZ on PostgreSQL;
    SQLite, which keeps no zone, stores the UTC time and gives it back marked UTC again, so no
    caller compares a naive time with an aware one."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is not None and dialect.name == "sqlite":
            return value.astimezone(UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


Timestamp = UtcTimestamp()

sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False, unique=True),
    Column("team", Text, nullable=False),
    Column("kind", Text, nullable=False),  # "google", "file" or "folder"
    Column("location", Text, nullable=False),  # spreadsheet id, or the workbook's/folder's path
    Column("added_at", Timestamp, nullable=False),
    Column("removed_at", Timestamp),
    # the key the source's webhooks are signed with (HMAC-SHA256); kept as it is, since the
    # service must compute the same signature. The one it replaced keeps working until
    # `previous_secret_until` (`retaguarda sources rotate-secret`).
    Column("webhook_secret", Text),
    Column("previous_secret", Text),
    Column("previous_secret_until", Timestamp),
    # Drive's modifiedTime of the spreadsheet when it was last synced (the poll's backstop)
    Column("modified_time", Text),
)
#: a spreadsheet is one active source at most: twice, its rows would be consolidated twice.
#: An index, not a check in code, because two processes can both check before either writes.
ACTIVE_LOCATION = Index(
    "uq_sources_active_location",
    sources.c.kind,
    sources.c.location,
    unique=True,
    sqlite_where=sources.c.removed_at.is_(None),
    postgresql_where=sources.c.removed_at.is_(None),
)

sync_runs = Table(
    "sync_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", ForeignKey("sources.id"), nullable=False, index=True),
    Column("started_at", Timestamp, nullable=False),
    Column("finished_at", Timestamp, nullable=False),
    Column("read_only", Boolean, nullable=False),
    Column("inserted", Integer, nullable=False),
    Column("updated", Integer, nullable=False),
    Column("tombstoned", Integer, nullable=False),
    Column("quarantined", Integer, nullable=False),
    Column("released", Integer, nullable=False),
    Column("unchanged", Integer, nullable=False),
    Column("ids_written", Integer, nullable=False),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", ForeignKey("sources.id"), nullable=False),
    Column("template", Text, nullable=False),
    Column("row_id", Text, nullable=False),
    Column("team", Text, nullable=False),
    Column("sheet", Text, nullable=False),
    Column("sheet_row", Integer, nullable=False),
    Column("content_hash", Text, nullable=False),
    Column("raw", Text, nullable=False),  # JSON: {header: what the cell held, as text}
    Column("issues", Text, nullable=False),  # JSON: [{code, cell, message, message_en}]
    Column("first_seen", Timestamp, nullable=False),
    Column("last_changed", Timestamp, nullable=False),
    Column("sync_run", ForeignKey("sync_runs.id"), nullable=False),
    Column("released_at", Timestamp),  # fixed in the sheet (or the row was removed)
    Column("released_run", ForeignKey("sync_runs.id")),
    UniqueConstraint("source_id", "template", "row_id"),
)

#: each sheet of a Google source with Google's id of it (the `gid` of a link to one of its
#: cells), as the last sync's metadata read found it: the dashboard's links open the cell
sheets = Table(
    "sheets",
    metadata,
    Column("source_id", ForeignKey("sources.id"), primary_key=True),
    Column("title", Text, primary_key=True),
    Column("sheet_id", BigInteger, nullable=False),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sync_run", ForeignKey("sync_runs.id"), nullable=False, index=True),
    Column("source_id", ForeignKey("sources.id"), nullable=False),
    Column("template", Text, nullable=False),
    Column("row_id", Text, nullable=False),
    # insert, update, tombstone, quarantine, release
    Column("action", Text, nullable=False),
    Column("before_hash", Text),
    Column("after_hash", Text),
    Column("at", Timestamp, nullable=False),
)


users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False, unique=True),
    Column("role", Text, nullable=False),  # "leitura", "financeiro" or "admin"
    Column("team", Text),  # set: the user sees this team's data only (unless admin)
    # SHA-256 of the API token: the token is 256 random bits, so a fast hash is enough to
    # look it up and a stolen table gives no usable token
    Column("token_hash", Text, nullable=False, unique=True),
    Column("password_hash", Text),  # for the dashboard's login; a slow, salted hash
    Column("created_at", Timestamp, nullable=False),
    Column("disabled_at", Timestamp),
)

#: what the webhooks said, committed before the service answers 202 (durable intake): the
#: queue is told afterwards, and a job it loses is re-derived from the events not yet done
events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", ForeignKey("sources.id"), nullable=False),
    Column("event_id", Text, nullable=False),  # the sender's id: a repeat is taken once
    Column("sheet", Text, nullable=False),
    Column("range", Text, nullable=False),
    Column("at", Timestamp),  # when the edit happened, as the sender says
    Column("received_at", Timestamp, nullable=False),
    Column("processed_at", Timestamp),  # set in the transaction of the sync that covered it
    Column("sync_run", ForeignKey("sync_runs.id")),
    UniqueConstraint("source_id", "event_id"),
    Index(None, "processed_at", "source_id"),
)

#: one sync the queue was asked for, with its attempts: "queued", "running", "done", or
#: "dead" after the last attempt failed (the dashboard's dead letters, with their error)
jobs = Table(
    "jobs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", ForeignKey("sources.id"), nullable=False, index=True),
    Column("reason", Text, nullable=False),  # "webhook", "poll", "manual", "recovery"
    Column("state", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("not_before", Timestamp, nullable=False),  # debounce and backoff
    Column("enqueued_at", Timestamp, nullable=False),
    Column("started_at", Timestamp),
    Column("finished_at", Timestamp),
    Column("last_error", Text),
    Column("sync_run", ForeignKey("sync_runs.id")),
    Column("worker", Text),  # "host:pid" of the process running it (recovery asks if alive)
    Index(None, "state", "not_before"),
    # one waiting job per source at most: a burst of webhooks coalesces into it, even when
    # two service processes are told at once (the database decides, not a check in code)
    Index(
        "uq_jobs_queued_source",
        "source_id",
        unique=True,
        sqlite_where=text("state = 'queued'"),
        postgresql_where=text("state = 'queued'"),
    ),
)


def _lineage() -> list[Column[Any]]:
    """The lineage columns of every template table, ahead of the template's own columns."""
    return [
        Column("id", Integer, primary_key=True),
        Column("source_id", ForeignKey("sources.id"), nullable=False),
        Column("team", Text, nullable=False),
        Column("sheet", Text, nullable=False),
        Column("sheet_row", Integer, nullable=False),
        Column("row_id", Text, nullable=False),
        Column("content_hash", Text, nullable=False),
        Column("first_seen", Timestamp, nullable=False),
        Column("last_changed", Timestamp, nullable=False),
        Column("sync_run", ForeignKey("sync_runs.id"), nullable=False),
        Column("deleted_at", Timestamp),
        Column("deleted_run", ForeignKey("sync_runs.id")),
    ]


#: the names of the lineage columns, which no template column may take
LINEAGE_COLUMNS = frozenset(c.name for c in _lineage())


def _value_type(kind: Kind) -> TypeEngine[Any]:
    if kind is Kind.INTEGER:
        return BigInteger()
    if kind in SCALE:
        return Scaled(SCALE[kind])
    if kind in (Kind.DATE, Kind.MONTH):
        return Date()
    return Text()


def _template_table(template: Template) -> Table:
    lineage = _lineage()
    clash = {c.key for c in template.columns} & {c.name for c in lineage}
    if clash:
        raise ValueError(f"{template.id}: columns named like lineage columns: {sorted(clash)}")
    return Table(
        template.id,
        metadata,
        *lineage,
        *(Column(c.key, _value_type(c.kind), comment=c.header) for c in template.columns),
        UniqueConstraint("source_id", "row_id"),
        Index(None, "team"),
    )


#: template id -> its table
TEMPLATE_TABLES: dict[str, Table] = {t.id: _template_table(t) for t in TEMPLATES.values()}
