"""Alembic's entry point: migrates the connection the store hands over (`Store.migrate`).

Run by `Store.open` on every start, so a deployment never runs on an old schema; also usable
as `alembic` with `-x url=...` for an administrator who wants to look first.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from retaguarda.sync.store.schema import metadata


def _run(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,  # SQLite alters a table by copying it
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = context.get_x_argument(as_dictionary=True)["url"]
    with create_engine(url).begin() as own:
        _run(own)
