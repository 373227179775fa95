"""Who gets in: tokens on the Excel add-in's routes, the dashboard's login with its CSRF-checked
forms, and the key that signs the sessions; on both stores.

A test page guarded by `login_required` stands in for the dashboard's: it answers with the
teams the signed-in user may see.
"""

from __future__ import annotations

import json
import os
import re
import stat
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest
from flask import Flask
from test_serve import running
from test_webhooks import NOW, SPREADSHEET, edit, signed

from retaguarda.sync.app import create_app
from retaguarda.sync.auth import login_required, request_user
from retaguarda.sync.settings import SettingsError
from retaguarda.sync.sources import add_source
from retaguarda.sync.store.database import Store
from retaguarda.sync.users import (
    ADMIN,
    add_user,
    disable_user,
    new_user_token,
    set_password,
    visible_teams,
)

META = "/xlwings/custom-functions-meta"
PASSWORD = "cavalo correto bateria grampo"


def teams_page() -> str:
    user = request_user()
    teams = visible_teams(user)
    return f"{user.name}: {'todos' if teams is None else ','.join(sorted(teams))}"


def admin_page() -> str:
    return "só admin"


def service(store_url: str, **settings: object) -> Flask:
    """The app on the test store, with the stand-in pages."""
    app = create_app(clock=lambda: NOW, database_url=store_url, **settings)
    app.add_url_rule("/equipes", view_func=login_required(teams_page))
    app.add_url_rule("/admin", view_func=login_required(role=ADMIN)(admin_page))
    return app


@pytest.fixture
def app(store, store_url):
    return service(store_url)


@pytest.fixture
def client(app):
    return app.test_client()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def csrf_token(client, path: str = "/login") -> str:
    html = client.get(path).get_data(as_text=True)
    (token,) = re.findall(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    return token


def log_in(client, name: str, password: str = PASSWORD, next_page: str | None = None):
    token = csrf_token(client)
    path = "/login" if next_page is None else f"/login?next={next_page}"
    return client.post(path, data={"csrf_token": token, "name": name, "password": password})


def with_password(store, name: str, role: str, team: str | None = None) -> str:
    _user, token = add_user(store, name, role=role, team=team)
    set_password(store, name, PASSWORD)
    return token


# --- tokens on the add-in's routes -------------------------------------------------------------


def test_xlwings_routes_refuse_without_a_token_in_portuguese_json(client):
    for method, path in (
        ("GET", META),
        ("POST", "/xlwings/custom-functions-call"),
        ("POST", "/xlwings/custom-scripts-call/validate_workbook"),
    ):
        answer = client.open(path, method=method, json={})
        assert answer.status_code == 401, path
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
        assert "falta o token de acesso" in answer.get_json()["error"]


def test_xlwings_routes_work_with_a_token(client, store):
    _user, token = add_user(store, "ana", role="leitura")
    answer = client.get(META, headers=bearer(token))
    assert answer.status_code == 200
    assert "RG_CNPJ_VALIDO" in {f["id"] for f in answer.get_json()["functions"]}


@pytest.mark.parametrize("sent", ["rg_inventado", "Bearer", "Basic YW5hOnNlbmhh", "rg_"])
def test_a_wrong_token_is_refused(client, store, sent):
    add_user(store, "ana", role="leitura")
    header = sent if " " in sent or sent == "Bearer" else f"Bearer {sent}"
    answer = client.get(META, headers={"Authorization": header})
    assert answer.status_code == 401
    assert answer.get_json()["error"]


def test_a_disabled_users_token_stops_working(client, store):
    _user, token = add_user(store, "ana", role="leitura")
    assert client.get(META, headers=bearer(token)).status_code == 200
    disable_user(store, "ana")
    answer = client.get(META, headers=bearer(token))
    assert answer.status_code == 401
    assert answer.get_json() == {"error": "token de acesso inválido ou revogado."}


def test_a_new_token_replaces_the_old_one_at_once(client, store):
    _user, old = add_user(store, "ana", role="leitura")
    _user, new = new_user_token(store, "ana")
    assert client.get(META, headers=bearer(old)).status_code == 401
    assert client.get(META, headers=bearer(new)).status_code == 200


def test_finance_macros_are_for_financeiro_and_above(client, store):
    _user, reader = add_user(store, "ana", role="leitura")
    _user, finance = add_user(store, "fin", role="financeiro")
    workbook = {"client": "Office.js", "book": {}, "sheets": []}
    refused = client.post(
        "/xlwings/custom-scripts-call/payroll", json=workbook, headers=bearer(reader)
    )
    assert refused.status_code == 403
    assert refused.get_json()["error"] == (
        "o usuário ana (leitura) não pode fazer isto: é preciso o papel financeiro ou acima."
    )
    allowed = client.post(
        "/xlwings/custom-scripts-call/payroll", json=workbook, headers=bearer(finance)
    )
    assert allowed.status_code != 403  # past the door: what the macro says is its own business


def test_the_alert_dialog_needs_no_token(client):
    """xlwings' client opens it as a page, which cannot carry a header."""
    answer = client.get("/xlwings/alert", query_string={"prompt": "oi", "buttons": "ok"})
    assert answer.status_code == 200


def test_signed_webhooks_need_no_login_nor_csrf_token(client, store):
    source = add_source(store, team="Filial SP", google=SPREADSHEET)
    body, headers = signed(source.webhook_secret, edit())
    answer = client.post("/webhooks/google-sheets", data=body, headers=headers)
    assert answer.status_code == 202, answer.get_json()


def test_the_token_works_through_the_real_server(store, store_url):
    _user, token = add_user(store, "ana", role="leitura")
    with running(create_app(database_url=store_url)) as port:
        url = f"http://127.0.0.1:{port}{META}"
        with pytest.raises(HTTPError) as refused:
            urlopen(url, timeout=30)
        assert refused.value.code == 401
        assert "token" in json.loads(refused.value.read())["error"]
        with urlopen(Request(url, headers=bearer(token)), timeout=30) as answer:
            assert answer.status == 200


# --- the dashboard's login ------------------------------------------------------------------------


def test_a_page_sends_a_stranger_to_the_login_page(client):
    answer = client.get("/equipes")
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/login?next=")


def test_login_with_a_wrong_password_fails_in_portuguese(client, store):
    with_password(store, "ana", "leitura", "Filial SP")
    for name, password in (("ana", "senha errada, mas longa"), ("ninguem", PASSWORD)):
        answer = log_in(client, name, password)
        assert answer.status_code == 401
        assert "Usuário ou senha incorretos" in answer.get_data(as_text=True)
    assert client.get("/equipes").status_code == 302


def test_a_user_without_a_password_cannot_log_in(client, store):
    add_user(store, "ana", role="admin")
    assert log_in(client, "ana", "").status_code == 200  # the form asks for the password
    assert "Informe a senha." in log_in(client, "ana", "").get_data(as_text=True)
    assert log_in(client, "ana", "qualquer coisa longa").status_code == 401


def test_a_leitura_user_of_one_team_sees_only_that_team(client, store):
    with_password(store, "ana", "leitura", "Filial SP")
    answer = log_in(client, "ana", next_page="/equipes")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/equipes"
    assert client.get("/equipes").get_data(as_text=True) == "ana: Filial SP"


def test_an_admin_sees_every_team(client, store):
    with_password(store, "adm", "admin", "Matriz")
    log_in(client, "adm")
    assert client.get("/equipes").get_data(as_text=True) == "adm: todos"
    assert client.get("/admin").get_data(as_text=True) == "só admin"


def test_a_page_above_the_users_role_is_refused_in_portuguese(client, store):
    with_password(store, "ana", "financeiro")
    log_in(client, "ana")
    answer = client.get("/admin")
    assert answer.status_code == 403
    assert "Esta página é para o papel admin ou acima" in answer.get_data(as_text=True)


@pytest.mark.parametrize(
    "elsewhere", ["https://atacante.example/", "//atacante.example/", "/\\atacante.example"]
)
def test_login_never_sends_the_user_to_another_site(client, store, elsewhere):
    with_password(store, "ana", "leitura")
    answer = log_in(client, "ana", next_page=elsewhere)
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/"  # the dashboard, this site's first page


def test_a_post_without_the_csrf_token_is_refused(client, store):
    with_password(store, "ana", "leitura")
    answer = client.post("/login", data={"name": "ana", "password": PASSWORD})
    assert answer.status_code == 400
    assert "O formulário expirou ou não veio desta página" in answer.get_data(as_text=True)
    assert client.get("/equipes").status_code == 302  # not signed in
    log_in(client, "ana")
    forged = client.post("/logout", data={"csrf_token": "outro"})
    assert forged.status_code == 400
    assert client.get("/equipes").status_code == 200  # still signed in


def test_logout_ends_the_session(client, store):
    with_password(store, "ana", "leitura")
    log_in(client, "ana")
    html = client.get("/login").get_data(as_text=True)
    assert "Você entrou" in html
    (token,) = re.findall(r'name="csrf_token" value="([^"]+)"', html)  # the header's button
    answer = client.post("/logout", data={"csrf_token": token})
    assert answer.status_code == 302
    assert client.get("/equipes").status_code == 302


def test_disabling_a_user_or_changing_the_password_ends_their_sessions(client, store):
    with_password(store, "ana", "leitura")
    log_in(client, "ana")
    assert client.get("/equipes").status_code == 200
    set_password(store, "ana", "outra senha bem longa")
    assert client.get("/equipes").status_code == 302
    log_in(client, "ana", "outra senha bem longa")
    assert client.get("/equipes").status_code == 200
    disable_user(store, "ana")
    assert client.get("/equipes").status_code == 302


def test_the_layout_is_portuguese_with_local_css(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="pt-BR">' in html
    (css,) = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert css.startswith("/static/")
    assert client.get(css).status_code == 200
    assert "http" not in html.split("<body>")[0]  # nothing loaded from elsewhere


# --- the key that signs the sessions --------------------------------------------------------------


def test_the_made_key_is_kept_beside_the_store_and_shared_by_every_worker(tmp_path):
    """Two apps on one SQLite store stand for two gunicorn workers (or a restart)."""
    url = f"sqlite:///{tmp_path / 'loja' / 'retaguarda.db'}"
    first, second = service(url).test_client(), service(url).test_client()
    key = tmp_path / "loja" / "secret-key"
    assert not key.exists()
    with_password_at(url, "ana")
    log_in(first, "ana")
    assert key.exists()
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    cookie = first.get_cookie("session")
    second.set_cookie("session", cookie.value)
    assert second.get("/equipes").get_data(as_text=True) == "ana: todos"


def with_password_at(url: str, name: str) -> None:
    other = Store.open(url)
    try:
        with_password(other, name, "leitura")
    finally:
        other.close()


def test_requests_with_tokens_never_make_the_key(tmp_path):
    url = f"sqlite:///{tmp_path / 'loja' / 'retaguarda.db'}"
    client = service(url).test_client()
    assert client.get(META).status_code == 401
    assert client.get("/xlwings/alert").status_code == 200
    assert not (tmp_path / "loja" / "secret-key").exists()


def test_a_set_key_signs_the_sessions_and_a_short_one_is_refused_unprinted(store_url, store):
    key = "k" * 40
    first, second = (service(store_url, secret_key=key).test_client() for _ in range(2))
    with_password(store, "ana", "leitura")
    log_in(first, "ana")
    second.set_cookie("session", first.get_cookie("session").value)
    assert second.get("/equipes").status_code == 200
    with pytest.raises(SettingsError) as refused:
        create_app(database_url=store_url, secret_key="curta-demais")
    assert "RETAGUARDA_SECRET_KEY" in str(refused.value)
    assert "curta-demais" not in str(refused.value)
