"""Shared fixtures: tables built from plain rows, the way xlwings and gspread hand them over,
and real stores (a SQLite file, and PostgreSQL)."""

from __future__ import annotations

import os

# xlwings chooses its engines and decorators when first imported: the remote engine and the
# server mode (xlwings PRO, noncommercial licence for the tests) must be on before any test
# module imports it.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
os.environ.setdefault("XLWINGS_ON_SERVER", "true")

import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from retaguarda.sync.store.database import Store
from retaguarda.sync.users import FINANCEIRO, add_user
from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.reader import read_table
from retaguarda.templates.table import Table

TODAY = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the machine's clock: the CLI, the service and the add-in take "today"
    from RETAGUARDA_TODAY when no --today is given, so a test that forgets to pass one still
    checks against a fixed day (and keeps passing next year). Tests of the default unset it."""
    monkeypatch.setenv("RETAGUARDA_TODAY", TODAY.isoformat())


def table_of(
    template_id: str, *rows: Sequence[object], headers: Sequence[str] | None = None
) -> Table:
    """A table of `template_id` whose header is row 1 and whose data starts at row 2."""
    template = TEMPLATES[template_id]
    header = list(headers or template.headers)
    table = read_table([header, *[list(r) for r in rows]], sheet=template.sheet, template=template)
    assert table is not None
    return table


CHART = [
    ["1", "Ativo", "Ativo", "Devedora", "Não"],
    ["1.1.01", "Caixa", "Ativo", "Devedora", "Sim"],
    ["1.1.02", "Bancos", "Ativo", "Devedora", "Sim"],
    ["2.1.01", "Fornecedores", "Passivo", "Credora", "Sim"],
    ["3.1.01", "Receita de vendas", "Receita", "Credora", "Sim"],
    ["4.1.03", "Aluguel", "Despesa", "Devedora", "Sim"],
]


@pytest.fixture
def chart() -> Table:
    return table_of("plano_de_contas", *CHART)


def pytest_sessionfinish(session, exitstatus) -> None:
    """In CI a skipped test is a failure: nothing may pass by not running."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("CI") and skipped and exitstatus == 0:
        reporter.write_line(f"CI: {len(skipped)} teste(s) pulado(s); isso é uma falha.", red=True)
        session.exitstatus = 1


# --- the store: a SQLite file in tmp_path, and the PostgreSQL on 127.0.0.1 ---------------------
# Each PostgreSQL test gets a schema of its own (dropped afterwards), so tests never see each
# other's rows. Where no PostgreSQL answers, its tests skip, except in CI, where a skip fails
# the run (see above): CI has a server, and must use it.

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


# --- the service's tests: a store with a user whose token the requests send ----------------


@pytest.fixture(scope="module")
def store_with_user(tmp_path_factory) -> tuple[str, str]:
    """A SQLite store with one user, `financeiro` (every macro is theirs to run): its URL and
    the user's token. One per test module: its tests only read it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'retaguarda.db'}"
    store = Store.open(url)
    try:
        return url, add_user(store, "excel", role=FINANCEIRO)[1]
    finally:
        store.close()


@pytest.fixture
def addin_token(store_with_user, monkeypatch) -> str:
    """The token of that store's user; every app the test builds reads that store."""
    url, token = store_with_user
    monkeypatch.setenv("RETAGUARDA_DATABASE_URL", url)
    return token


@pytest.fixture
def signed_client(addin_token) -> Callable[[Flask], FlaskClient]:
    """Makes a test client of an app that sends the token, as the task pane does."""

    def client_of(app: Flask) -> FlaskClient:
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {addin_token}"
        return client

    return client_of
