"""Fixtures of the service's tests: a store with a user whose token the requests send."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from retaguarda.sync.store.database import Store
from retaguarda.sync.users import FINANCEIRO, add_user


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
