"""A real store for every test: a SQLite file in tmp_path, and the PostgreSQL on 127.0.0.1.

Each PostgreSQL test gets a schema of its own (dropped afterwards), so tests never see each
other's rows. Where no PostgreSQL answers, its tests skip — except in CI, where a skip fails
the run (tests/conftest.py): CI has a server, and must use it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from retaguarda.sync.store.database import Store

POSTGRES_URL = os.environ.get(
    "RETAGUARDA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ["sqlite", "postgresql"]


def postgres_schema_url(schema: str) -> str:
    """The test server's URL with `schema` first on the search path."""
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A URL for an empty store of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'retaguarda.db'}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:
        admin.dispose()
        pytest.skip(f"PostgreSQL at {POSTGRES_URL} unavailable: {error}")
    try:
        yield postgres_schema_url(schema)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = Store.open(store_url)
    yield opened
    opened.close()
