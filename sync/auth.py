"""Who is asking, and what they may see: API tokens for programs, a login for people.

* The JSON API and the Excel add-in's routes take `Authorization: Bearer <token>` (the token
  `retaguarda users add` printed): `api_user_required(role=...)` guards one view,
  `token_required(role=...)` a whole blueprint (`blueprint.before_request(...)`). Without a
  token, or with a wrong or revoked one: 401; with a role below the one asked: 403; both as
  `{"error": "<sentence in Portuguese>"}`. They never read the session cookie, so a page on
  another site cannot make a signed-in browser call them.
* The dashboard's pages take a login (Flask-Login; the `auth` blueprint's `/login` and
  `/logout`): `login_required` (or `login_required(role=...)`) guards a page, sending a
  stranger to the login page and answering 403 for a role below the one asked. Every form
  posted to a page carries a CSRF token (Flask-WTF: `{{ csrf_token() }}` in the form, or a
  `FlaskForm`); a post without a valid one is refused (400). The blueprints that take no
  cookie (`HEADER_AUTHENTICATED`: the API, the add-in, the signed webhooks) need none.
* `visible_teams(user)` says whose data a user sees; `request_user()` is the user of this
  request, whichever way they proved it.

The session cookie is signed with `RETAGUARDA_SECRET_KEY`; unset, with a key made once and
kept in a file beside the store (mode 0600), read the first time a session is needed, so
that every worker process and every restart of one machine signs with the same key (a key
made per process would sign a user out whenever the next request reached another worker).
An app that serves only the add-in or the webhooks never makes it.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from functools import partial, wraps
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError, CSRFProtect
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import make_url
from werkzeug.wrappers import Response as BaseResponse
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from retaguarda.sync.extensions import clock, store
from retaguarda.sync.settings import Settings, SettingsError
from retaguarda.sync.store.database import DEFAULT_URL
from retaguarda.sync.users import (
    LEITURA,
    User,
    user_for_password,
    user_for_session,
    user_for_token,
    visible_teams,
)

__all__ = [
    "api_user_required",
    "login_required",
    "request_user",
    "token_required",
    "visible_teams",
]

logger = logging.getLogger(__name__)

auth = Blueprint("auth", __name__)

#: blueprints whose requests say who sent them in a header (a token, a signature), never in
#: the session cookie: a form on another site cannot set those headers, so their posts need
#: no CSRF token (and their requests never make the secret key)
HEADER_AUTHENTICATED = frozenset({"api", "xlwings", "addin_clients", "webhooks", "actions"})
#: the file beside the SQLite store that keeps the key made when none is set
KEY_FILE = "secret-key"
#: the shortest RETAGUARDA_SECRET_KEY accepted
MIN_SECRET_KEY = 32
#: failed logins that lock the dashboard's login for a while: as one name, or from one
#: client address (many users of an office may share one), within `LOGIN_WINDOW`
LOGIN_FAILURES_PER_NAME = 5
LOGIN_FAILURES_PER_ADDRESS = 20
LOGIN_WINDOW = timedelta(minutes=15)
#: Brasília time, in which the pages show every moment: Brazil has kept no daylight saving
#: since 2019, so a fixed offset is exact and needs no time-zone database (absent on Windows)
BRASILIA = timezone(timedelta(hours=-3), "Brasília")

View = TypeVar("View", bound=Callable[..., Any])
Role = str | Callable[[], str]


# --- the API and the add-in: a token in the Authorization header ----------------------------


def api_user_required(role: Role = LEITURA) -> Callable[[View], View]:
    """Guard an API view: it runs only for a request with the token of an active user whose
    role is `role` or above (a callable: asked, inside the request, which role it needs).
    In the view, `request_user()` is that user.

        @api.get("/sources")
        @api_user_required()
        def sources(): ...
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            refused = _token_refusal(role)
            return refused if refused is not None else view(*args, **kwargs)

        return cast(View, guarded)

    return decorate


def token_required(
    role: Role = LEITURA, *, exempt: frozenset[str] = frozenset()
) -> Callable[[], Response | None]:
    """A `before_request` hook that guards every view of a blueprint as `api_user_required`
    does, except the endpoints in `exempt`:

        api.before_request(token_required())
    """

    def check() -> Response | None:
        if request.endpoint in exempt:
            return None
        return _token_refusal(role)

    return check


def _token_refusal(role: Role) -> Response | None:
    """None when the request's token is an active user's with the role needed (who is then
    `request_user()`), else the JSON answer that refuses it."""
    header = request.authorization
    if header is None or header.type != "bearer" or not header.token:
        return _refusal(
            401,
            "falta o token de acesso: envie o cabeçalho Authorization: Bearer <token> (o "
            "administrador cria um com retaguarda users add).",
        )
    user = user_for_token(store(), header.token)
    if user is None:
        logger.warning("token recusado de %s em %s", request.remote_addr, request.path)
        return _refusal(401, "token de acesso inválido ou revogado.", error="invalid_token")
    needed = role() if callable(role) else role
    if not user.may(needed):
        return _refusal(
            403,
            f"o usuário {user.name} ({user.role}) não pode fazer isto: é preciso o papel "
            f"{needed} ou acima.",
        )
    g.api_user = user
    return None


def _refusal(status: int, message: str, *, error: str | None = None) -> Response:
    response = Response(
        json.dumps({"error": message}, ensure_ascii=False),
        status=status,
        mimetype="application/json",
    )
    if status == 401:  # RFC 6750: how to authenticate, and what was wrong
        challenge = 'Bearer realm="retaguarda"'
        response.headers["WWW-Authenticate"] = (
            f'{challenge}, error="{error}"' if error else challenge
        )
    return response


# --- the dashboard: a login, kept in a signed session cookie ---------------------------------


def login_required(view: View | None = None, *, role: str = LEITURA) -> Any:
    """Guard a dashboard page: a visitor who has not signed in is sent to the login page (and
    back here after it); a user whose role is below `role` gets a 403 page.

        @dashboard.get("/")
        @login_required
        def index(): ...

        @dashboard.get("/users")
        @login_required(role=ADMIN)
        def users(): ...
    """
    if view is None:
        return partial(login_required, role=role)

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
        if not current_user.may(role):
            return _page_refusal(
                403, f"Esta página é para o papel {role} ou acima; você é {current_user.role}."
            )
        return view(*args, **kwargs)

    return guarded


def request_user() -> User | None:
    """The user this request is for: the token's behind `api_user_required` and
    `token_required`, the signed-in one on a page; None when nobody has proved who they are."""
    user: User | None = g.get("api_user")
    if user is not None:
        return user
    if request.blueprint in HEADER_AUTHENTICATED or not current_user.is_authenticated:
        return None
    return cast(User, current_user._get_current_object())  # type: ignore[attr-defined]


class LoginForm(FlaskForm):
    name = StringField("Usuário", validators=[DataRequired("Informe o usuário.")])
    password = PasswordField("Senha", validators=[DataRequired("Informe a senha.")])


class LogoutForm(FlaskForm):
    """Only its CSRF token: signing out is a post, so another site cannot sign a user out."""


@auth.route("/login", methods=["GET", "POST"])
def login() -> Any:
    form = LoginForm()
    error = None
    status = 200
    if form.validate_on_submit():
        name, address, now = (form.name.data or "").strip().casefold(), _address(), clock()
        retry_at = _locked_until(name, address, now)
        if retry_at is not None:
            logger.warning("login bloqueado para %r de %s até %s", name, address, retry_at)
            wait = max(int((retry_at - now).total_seconds()), 1)
            minutes = -(-wait // 60)
            error = (
                "Muitas tentativas sem sucesso. Por segurança, o acesso está bloqueado até as "
                f"{retry_at.astimezone(BRASILIA):%H:%M} (em {minutes} "
                f"minuto{'s' if minutes > 1 else ''}); "
                "tente de novo depois, ou peça ao administrador uma senha nova."
            )
            page = render_template("login.html", form=form, error=error)
            return page, 429, {"Retry-After": str(wait)}
        user = user_for_password(store(), form.name.data or "", form.password.data or "")
        if user is not None:
            store().forget_login_failures(name)
            session.clear()  # nothing of the anonymous visit carries over into the login
            login_user(user)
            logger.info("login de %s", user.name)
            return redirect(_next_page())
        store().record_login_failure(name, address, at=now, forget_before=now - LOGIN_WINDOW)
        logger.warning("login recusado para %r de %s", form.name.data, address)
        error = "Usuário ou senha incorretos, ou usuário sem acesso ao painel."
        status = 401
    return render_template("login.html", form=form, error=error), status


def _address() -> str:
    """The client's address: the one the nearest trusted proxy saw (`trusted_proxies`)."""
    return request.remote_addr or "?"


def _locked_until(name: str, address: str, now: datetime) -> datetime | None:
    """When the login may be tried again, if too many failed in the last `LOGIN_WINDOW`:
    `LOGIN_FAILURES_PER_NAME` as this name, or `LOGIN_FAILURES_PER_ADDRESS` from this address
    (an office behind one address has many users: its limit is higher). None when it may
    be tried now. The oldest failure that counts leaving the window frees one attempt."""
    since = now - LOGIN_WINDOW
    limits = (
        (store().count_login_failures(name=name, since=since), LOGIN_FAILURES_PER_NAME),
        (store().count_login_failures(address=address, since=since), LOGIN_FAILURES_PER_ADDRESS),
    )
    locked = [oldest + LOGIN_WINDOW for (count, oldest), most in limits if count >= most]
    return max(locked, default=None)  # type: ignore[arg-type]


@auth.post("/logout")
def logout() -> BaseResponse:
    logout_user()
    session.clear()
    flash("Você saiu.", "info")
    return redirect(url_for("auth.login"))


def _next_page() -> str:
    """Where the login was asked from, when that is a page of this site; else the home page.
    Anything else (`//other.example`, `https://…`) would make the login page a link out."""
    wanted = request.args.get("next", "")
    parts = urlsplit(wanted)
    if (
        wanted.startswith("/")
        and not wanted.startswith("//")
        and "\\" not in wanted
        and not parts.scheme
        and not parts.netloc
    ):
        return wanted
    return home_page()


def home_page() -> str:
    """The dashboard's first page, or the login page (which says who is signed in) while
    there is no dashboard."""
    if "dashboard.index" in current_app.view_functions:
        return url_for("dashboard.index")
    return url_for("auth.login")


def _page_refusal(status: int, message: str) -> tuple[str, int]:
    return render_template("error.html", status=status, message=message), status


# --- the app's part ---------------------------------------------------------------------------


def setup(app: Flask) -> None:
    """Sessions, logins and CSRF tokens for `app` (its `auth` blueprint is registered apart)."""
    settings: Settings = app.config["RETAGUARDA"]
    if settings.secret_key is not None:
        key = settings.secret_key.get_secret_value()
        if len(key) < MIN_SECRET_KEY:
            raise SettingsError(
                f"configuração inválida: RETAGUARDA_SECRET_KEY tem {len(key)} caracteres; use "
                f"pelo menos {MIN_SECRET_KEY} (python -c 'import secrets; "
                "print(secrets.token_hex(32))')."
            )
        app.secret_key = key
    app.session_interface = _KeyOnFirstUse()
    secure = (settings.public_url or "").startswith("https://")
    app.config.update(
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        WTF_CSRF_CHECK_DEFAULT=False,  # `_protect_forms` chooses which requests need it
    )
    logins = LoginManager(app)
    logins.login_view = "auth.login"
    logins.login_message = "Entre para ver esta página."
    logins.login_message_category = "info"
    logins.user_loader(lambda session_id: user_for_session(store(), session_id))
    csrf = CSRFProtect(app)
    app.before_request(partial(_protect_forms, csrf))
    app.register_error_handler(CSRFError, _csrf_refused)
    app.add_template_global(home_page)


def _protect_forms(csrf: CSRFProtect) -> None:
    """Ask every post to a page for its CSRF token (Flask-WTF), except where no cookie is
    read; a request that matched no route is left to answer its 404 or 405."""
    if request.url_rule is None or request.endpoint == "static":
        return
    if request.blueprint in HEADER_AUTHENTICATED:
        return
    _ensure_secret_key(current_app)
    csrf.protect()


def _csrf_refused(error: CSRFError) -> tuple[str, int]:
    logger.warning("formulário sem token CSRF válido de %s: %s", request.remote_addr, error)
    return _page_refusal(
        400,
        "O formulário expirou ou não veio desta página. Recarregue a página e envie de novo.",
    )


class _KeyOnFirstUse(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, whose key is read (or made) the first time a cookie
    arrives or is set: requests that carry none and set none never touch the key file."""

    def open_session(self, app: Flask, request: Any) -> Any:
        if self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        _ensure_secret_key(app)
        return super().get_signing_serializer(app)


def _ensure_secret_key(app: Flask) -> None:
    # two threads may both get here first: both read the same file, so both set the same key
    if not app.secret_key:
        app.secret_key = secret_key_file(app.config["RETAGUARDA"].database_url)


def key_path(database_url: str | None) -> Path:
    """Where the made key is kept: beside the SQLite store, or in the default store's folder
    (`data/`) when the store is PostgreSQL."""
    url = make_url(database_url or DEFAULT_URL)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        url = make_url(DEFAULT_URL)
    return Path(cast(str, url.database)).parent / KEY_FILE


def secret_key_file(database_url: str | None) -> str:
    """The key in `key_path`, made there first if there is none: written to a temporary file
    of mode 0600 and linked into place, so that of several processes starting together one
    wins and all read its key, never a half-written file."""
    path = key_path(database_url)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{KEY_FILE}-")
        try:
            with os.fdopen(handle, "w", encoding="ascii") as out:
                out.write(secrets.token_hex(32) + "\n")
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process made it first: its key is the one
        finally:
            os.unlink(temporary)
    return path.read_text(encoding="ascii").strip()
