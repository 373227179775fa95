"""The dashboard's login after too many failures, and the client's address behind the proxy.

Five wrong passwords for one name lock that name for fifteen minutes (429, saying until when
in Brasília time), even for the right password; twenty from one address lock the address.
The clock is the app's, moved by the test. Behind `trusted_proxies` proxies, the address
counted (and logged) is the one the proxy saw; without, X-Forwarded-For is ignored, so a
client cannot dodge the limit by sending a new one with each try.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from flask import request
from test_service_auth import PASSWORD, csrf_token, with_password
from test_webhooks import NOW

from retaguarda.sync.app import create_app

WRONG = "senha errada, mas longa"


@pytest.fixture
def moment():
    """The service's clock: `moment[0]`, moved by the test."""
    return [NOW]


def service(store_url: str, moment: list, **settings: object):
    app = create_app(clock=lambda: moment[0], database_url=store_url, **settings)
    app.add_url_rule("/quem", view_func=lambda: f"{request.scheme} {request.remote_addr}")
    return app.test_client()


def log_in(client, name: str, password: str, address: str | None = None):
    headers = {} if address is None else {"X-Forwarded-For": address}
    token = csrf_token(client)
    data = {"csrf_token": token, "name": name, "password": password}
    return client.post("/login", data=data, headers=headers)


def test_five_wrong_passwords_lock_the_name_even_for_the_right_one(store, store_url, moment):
    with_password(store, "ana", "leitura", "Filial SP")
    client = service(store_url, moment)
    for minute in range(5):
        moment[0] = NOW + timedelta(minutes=minute)
        assert log_in(client, "ana", WRONG).status_code == 401
    moment[0] = NOW + timedelta(minutes=5)
    refused = log_in(client, "ana", PASSWORD)
    assert refused.status_code == 429
    # the first failure was at 15:00 UTC, 12:00 in Brasília: it counts until 12:15, ten
    # minutes from now (12:05)
    assert refused.headers["Retry-After"] == str(10 * 60)
    page = refused.get_data(as_text=True)
    assert "Muitas tentativas sem sucesso" in page
    assert "bloqueado até as 12:15 (em 10 minutos)" in page
    assert client.get("/").status_code == 302  # not signed in
    # the same name typed in capitals is the same name
    assert log_in(client, " ANA ", PASSWORD).status_code == 429


def test_another_user_is_not_locked_by_them(store, store_url, moment):
    with_password(store, "ana", "leitura", "Filial SP")
    with_password(store, "bia", "financeiro")
    client = service(store_url, moment)
    for _ in range(6):
        log_in(client, "ana", WRONG)
    assert log_in(client, "bia", PASSWORD).status_code == 302


def test_after_the_window_the_right_password_works_again(store, store_url, moment):
    with_password(store, "ana", "leitura", "Filial SP")
    client = service(store_url, moment)
    for _ in range(5):
        assert log_in(client, "ana", WRONG).status_code == 401
    moment[0] = NOW + timedelta(minutes=14, seconds=59)
    assert log_in(client, "ana", PASSWORD).status_code == 429
    moment[0] = NOW + timedelta(minutes=15)
    assert log_in(client, "ana", PASSWORD).status_code == 302


def test_getting_in_forgets_the_names_earlier_failures(store, store_url, moment):
    with_password(store, "ana", "leitura", "Filial SP")
    client = service(store_url, moment)
    for _ in range(4):
        log_in(client, "ana", WRONG)
    assert log_in(client, "ana", PASSWORD).status_code == 302
    client = service(store_url, moment)  # another browser
    for _ in range(4):
        assert log_in(client, "ana", WRONG).status_code == 401
    assert log_in(client, "ana", PASSWORD).status_code == 302


def test_twenty_failures_from_one_address_lock_it_behind_the_proxy(store, store_url, moment):
    with_password(store, "ana", "leitura", "Filial SP")
    client = service(store_url, moment, trusted_proxies=1)
    for n in range(20):  # four tries at each of five names
        assert log_in(client, f"chute{n % 5}", WRONG, "203.0.113.7").status_code == 401
    assert log_in(client, "ana", PASSWORD, "203.0.113.7").status_code == 429
    assert log_in(client, "ana", PASSWORD, "198.51.100.2").status_code == 302


def test_without_a_trusted_proxy_a_forged_address_does_not_dodge_the_limit(
    store, store_url, moment
):
    with_password(store, "ana", "leitura", "Filial SP")
    client = service(store_url, moment)
    for n in range(20):
        assert log_in(client, f"chute{n % 5}", WRONG, f"203.0.113.{n}").status_code == 401
    assert log_in(client, "ana", PASSWORD, "198.51.100.2").status_code == 429


def test_behind_the_proxy_the_service_sees_the_clients_address_and_scheme(
    store_url, moment, caplog
):
    forwarded = {"X-Forwarded-For": "198.51.100.2", "X-Forwarded-Proto": "https"}
    behind = service(store_url, moment, trusted_proxies=1)
    assert behind.get("/quem", headers=forwarded).text == "https 198.51.100.2"
    # a client's own X-Forwarded-For comes first; the proxy appends the address it saw
    spoofed = {**forwarded, "X-Forwarded-For": "10.0.0.1, 198.51.100.2"}
    assert behind.get("/quem", headers=spoofed).text == "https 198.51.100.2"
    with caplog.at_level(logging.WARNING, logger="retaguarda.sync.auth"):
        log_in(behind, "ninguem", WRONG, "198.51.100.2")
    assert "de 198.51.100.2" in caplog.text
    # without a proxy (waitress alone), the headers are the client's word: ignored
    alone = service(store_url, moment)
    assert alone.get("/quem", headers=forwarded).text == "http 127.0.0.1"
