"""The service's users: who may call the API and the Excel add-in, and who may sign in to the
dashboard, with what role and which team's data.

A user has an API token (256 random bits, shown once; the store keeps its SHA-256, enough for
a secret nobody can guess, and fast, since every API request looks one up) and, for the
dashboard, a password (kept as a slow salted hash: people choose guessable ones). Roles are
ordered: `leitura` reads, `financeiro` also runs finance's macros, `admin` also sees every team.
A user with a team sees that team's data only, unless admin. Removing a user disables them:
their token and password stop working, their name stays taken.

Library first: `retaguarda users ...` and the service's login call these functions.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import Row
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from retaguarda.addin.marks import visible
from retaguarda.sync.store.database import Store

LEITURA, FINANCEIRO, ADMIN = "leitura", "financeiro", "admin"
#: the roles, each allowed what the ones before it are
ROLES = (LEITURA, FINANCEIRO, ADMIN)
#: what a token starts with, so that it is recognised when pasted where it should not be
TOKEN_PREFIX = "rg_"
#: the shortest password accepted (a long phrase beats a short clever one)
MIN_PASSWORD = 10
#: the longest: enough for any phrase or password manager, not for hashing a novel
MAX_PASSWORD = 256
MAX_NAME = 100


class UserError(ValueError):
    """A user cannot be added, found or changed; the message says why, in Portuguese."""


@dataclass(frozen=True)
class User:
    """A user as the service sees them. Has what Flask-Login asks of a user object."""

    id: int
    name: str
    role: str
    team: str | None
    created_at: datetime
    disabled_at: datetime | None = None
    has_password: bool = False
    #: changes when the password does: a dashboard session remembers it, so changing a
    #: password (or disabling the user) ends the sessions opened with the old one
    session_id: str = field(default="", repr=False, compare=False)

    def may(self, role: str) -> bool:
        """Whether this user's role is `role` or one above it."""
        return ROLES.index(self.role) >= ROLES.index(role)

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return self.session_id

    def as_dict(self) -> dict[str, object]:
        """As `retaguarda users list --format json` prints it."""
        return {
            "name": self.name,
            "role": self.role,
            "team": self.team,
            "password": self.has_password,
            "created_at": self.created_at.isoformat(),
            "disabled_at": None if self.disabled_at is None else self.disabled_at.isoformat(),
        }


def visible_teams(user: User) -> frozenset[str] | None:
    """The teams whose data `user` may see: their own team alone when they have one (unless
    admin), or None for every team. Every view that shows data filters by it."""
    if user.team is None or user.role == ADMIN:
        return None
    return frozenset({user.team})


def token_hash(token: str) -> str:
    """What the store keeps of a token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def add_user(
    store: Store, name: str, *, role: str, team: str | None = None, at: datetime | None = None
) -> tuple[User, str]:
    """Register a user; the user and their API token, which is not kept and cannot be shown
    again (`new_user_token` makes another)."""
    name = _name(name)
    if role not in ROLES:
        raise UserError(f"papel desconhecido: {role!r} (papéis: {', '.join(ROLES)}).")
    team = (team or "").strip() or None
    token = new_token()
    try:
        user_id = store.insert_user(
            name=name, role=role, team=team, token_hash=token_hash(token), at=_now(at)
        )
    except IntegrityError:
        raise UserError(f"já existe um usuário chamado {visible(name)!r}.") from None
    row = store.user_row(user_id=user_id)
    return _user(row), token


def list_users(store: Store, *, disabled: bool = False) -> list[User]:
    """Every active user (and the disabled ones too, if asked), in the order added."""
    found = [_user(row) for row in store.user_rows()]
    return found if disabled else [u for u in found if u.is_active]


def find_user(store: Store, name: str) -> User:
    """The active user named `name`."""
    row = store.user_row(name=name.strip())
    if row is None or row.disabled_at is not None:
        raise UserError(f"usuário desconhecido: {visible(name)!r}.")
    return _user(row)


def disable_user(store: Store, name: str, *, at: datetime | None = None) -> User:
    """Remove a user's access: their token and password stop working at once."""
    user = find_user(store, name)
    store.update_user(user.id, disabled_at=_now(at))
    return user


def new_user_token(store: Store, name: str) -> tuple[User, str]:
    """Give a user a new API token; the user and the token. The old one stops working at
    once."""
    user = find_user(store, name)
    token = new_token()
    store.update_user(user.id, token_hash=token_hash(token))
    return user, token


def set_password(store: Store, name: str, password: str) -> User:
    """Set (or change) the password a user signs in to the dashboard with; the sessions
    opened with the old one end."""
    if len(password) < MIN_PASSWORD:
        raise UserError(f"a senha precisa de pelo menos {MIN_PASSWORD} caracteres.")
    if len(password) > MAX_PASSWORD:
        raise UserError(f"a senha pode ter no máximo {MAX_PASSWORD} caracteres.")
    user = find_user(store, name)
    store.update_user(user.id, password_hash=generate_password_hash(password))
    return user


def user_for_token(store: Store, token: str) -> User | None:
    """The active user whose API token this is, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = store.user_row(token_hash=token_hash(token))
    return None if row is None or row.disabled_at is not None else _user(row)


def user_for_password(store: Store, name: str, password: str) -> User | None:
    """The active user with this name and password, or None: which of the two was wrong is
    not said, and takes the same time to find out."""
    row = store.user_row(name=name.strip()) if name.strip() else None
    stored = row.password_hash if row is not None and row.password_hash else None
    right = check_password_hash(stored or _no_such_user(), password[:MAX_PASSWORD])
    if not right or stored is None or row is None or row.disabled_at is not None:
        return None
    return _user(row)


def user_for_session(store: Store, session_id: str) -> User | None:
    """The active user a dashboard session belongs to (`User.get_id`), or None when the user
    was disabled or has changed password since."""
    user_id, _, _fingerprint = session_id.partition(":")
    if not user_id.isdigit():
        return None
    row = store.user_row(user_id=int(user_id))
    if row is None or row.disabled_at is not None:
        return None
    user = _user(row)
    return user if secrets.compare_digest(user.session_id, session_id) else None


@cache
def _no_such_user() -> str:
    """A hash checked when the name is unknown, so that a wrong name takes as long as a wrong
    password and does not tell which names exist."""
    return generate_password_hash("retaguarda: nenhum usuário com esse nome")


def _user(row: Row[Any] | None) -> User:
    assert row is not None
    fingerprint = hashlib.sha256((row.password_hash or "").encode()).hexdigest()[:32]
    return User(
        id=row.id,
        name=row.name,
        role=row.role,
        team=row.team,
        created_at=row.created_at,
        disabled_at=row.disabled_at,
        has_password=row.password_hash is not None,
        session_id=f"{row.id}:{fingerprint}",
    )


def _name(name: str) -> str:
    name = name.strip()
    if not name:
        raise UserError("informe o nome do usuário.")
    if len(name) > MAX_NAME or any(not c.isprintable() for c in name):
        raise UserError(
            f"nome inválido: {visible(name)!r} (até {MAX_NAME} caracteres, sem caracteres "
            "de controle)."
        )
    return name


def _now(at: datetime | None) -> datetime:
    return at or datetime.now(UTC)
