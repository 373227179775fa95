"""Sources: the teams' spreadsheets the store is fed from, kept in the store itself.

A source is one Google spreadsheet (by id or URL), one Excel workbook (by path) or a folder of
workbooks (a team's inbox, `workbooks/inbox/` by default), belonging to a team. Its name
(`filial-sp`, from the team unless given) is what `retaguarda sync NAME` takes. Removing a
source keeps its rows and history: it only stops being synced.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from retaguarda.sync.store.database import Store
from retaguarda.templates.model import normalize_header

GOOGLE, FILE, FOLDER = "google", "file", "folder"
#: the folder a team drops its workbooks in, when `--folder` is given without one
INBOX = Path("workbooks/inbox")
#: a spreadsheet id inside a Google Sheets URL (https://docs.google.com/spreadsheets/d/<id>/...)
_SHEETS_URL = re.compile(r"/spreadsheets/d/([A-Za-z0-9_-]+)")
_SPREADSHEET_ID = re.compile(r"^[A-Za-z0-9_-]+$")
#: how many times `add_source` looks again after losing a race to another process
_ATTEMPTS = 20
#: how long a replaced webhook secret keeps working, so that the Apps Script of every sheet
#: can be given the new one without losing an edit
SECRET_GRACE = timedelta(hours=24)


class SourceError(ValueError):
    """A source cannot be added, found or removed; the message says why, in Portuguese."""


@dataclass(frozen=True)
class Source:
    id: int
    name: str
    team: str
    kind: str
    location: str
    #: the key its webhooks are signed with: only `add_source` and `rotate_secret` give it
    webhook_secret: str | None = field(default=None, repr=False, compare=False)

    def as_dict(self, *, secret: bool = False) -> dict[str, object]:
        """As `--format json` prints it; the webhook secret only where asked for."""
        shown: dict[str, object] = {
            "id": self.id,
            "name": self.name,
            "team": self.team,
            "kind": self.kind,
            "location": self.location,
        }
        if secret:
            shown["webhook_secret"] = self.webhook_secret
        return shown

    @property
    def kind_label(self) -> str:
        return {GOOGLE: "Google Sheets", FILE: "arquivo", FOLDER: "pasta"}[self.kind]

    @property
    def label(self) -> str:
        return f"{self.name} ({self.team}, {self.kind_label} {self.location})"


def spreadsheet_id(url_or_id: str) -> str:
    """The id in a Google Sheets URL, or the id itself."""
    text = url_or_id.strip()
    found = _SHEETS_URL.search(text)
    if found:
        return found.group(1)
    if _SPREADSHEET_ID.match(text):
        return text
    raise SourceError(f"não é um endereço nem um id de planilha do Google: {url_or_id!r}")


def slug(text: str) -> str:
    """A source's name from its team: "Filial São Paulo" -> "filial-sao-paulo"."""
    return re.sub(r"[^a-z0-9]+", "-", normalize_header(text)).strip("-") or "fonte"


def add_source(
    store: Store,
    *,
    team: str,
    google: str | None = None,
    file: Path | str | None = None,
    folder: Path | str | None = None,
    name: str | None = None,
) -> Source:
    """Register a team's spreadsheet: exactly one of `google` (URL or id), `file`, `folder`."""
    if not team.strip():
        raise SourceError("informe o time (--team).")
    if sum(x is not None for x in (google, file, folder)) != 1:
        raise SourceError(
            "informe uma planilha do Google (--google), um arquivo (--file) ou uma pasta "
            "(--folder)."
        )
    if google is not None:
        kind, location = GOOGLE, spreadsheet_id(google)
    elif file is not None:
        path = Path(file).expanduser().resolve()
        if not path.is_file():
            raise SourceError(f"arquivo não encontrado: {file}")
        kind, location = FILE, str(path)
    else:
        path = Path(folder).expanduser().resolve()  # type: ignore[arg-type]
        if not path.is_dir():
            raise SourceError(f"pasta não encontrada: {folder}")
        kind, location = FOLDER, str(path)
    # The database has the last word (unique name, one active source per spreadsheet): another
    # process may register between our look and our insert. Then look again, and either say
    # what is already there, or take the next free name.
    for _attempt in range(_ATTEMPTS):
        try:
            with store.atomic():
                unique = _free_name(store, slug(name or team), given=name is not None)
                _not_registered(store, kind, location)
                secret = new_secret()
                new_id = store.insert_source(
                    name=unique,
                    team=team.strip(),
                    kind=kind,
                    location=location,
                    at=datetime.now(UTC),
                    webhook_secret=secret,
                )
        except IntegrityError:
            continue
        return Source(new_id, unique, team.strip(), kind, location, secret)
    raise SourceError(
        "outros cadastros de fontes aconteciam ao mesmo tempo; tente de novo em instantes."
    )


def _free_name(store: Store, wanted: str, *, given: bool) -> str:
    """`wanted`, or `wanted-2`, `wanted-3`... when it is taken (unless the admin chose it)."""
    taken = store.source_names()
    if given and wanted in taken:
        raise SourceError(f"já existe uma fonte chamada {wanted!r}.")
    unique, n = wanted, 2
    while unique in taken:
        unique, n = f"{wanted}-{n}", n + 1
    return unique


def _not_registered(store: Store, kind: str, location: str) -> None:
    same = store.active_source_name(kind=kind, location=location)
    if same is not None:
        raise SourceError(f"esta planilha já é a fonte {same!r}.")


def list_sources(store: Store) -> list[Source]:
    """Every source still synced, in the order they were added."""
    return [Source(*row) for row in store.active_sources()]


def find_sources(store: Store, names: list[str] | tuple[str, ...] = ()) -> list[Source]:
    """The sources with these names (all of them when none is given)."""
    every = list_sources(store)
    if not names:
        return every
    by_name = {s.name: s for s in every}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        known = ", ".join(by_name) or "nenhuma; use retaguarda sources add"
        raise SourceError(f"fonte desconhecida: {', '.join(unknown)} (fontes: {known}).")
    return [by_name[n] for n in names]


def new_secret() -> str:
    """A webhook secret: 256 random bits, as hex (what Apps Script's Script Properties hold)."""
    return secrets.token_hex(32)


def rotate_secret(
    store: Store, name: str, *, grace: timedelta = SECRET_GRACE, at: datetime | None = None
) -> Source:
    """Give a source a new webhook secret; the old one is still accepted for `grace` from
    `at` (now)."""
    (source,) = find_sources(store, [name])
    secret = new_secret()
    start = at or datetime.now(UTC)
    store.replace_secret(source.id, secret, keep_old_until=start + grace)
    return replace(source, webhook_secret=secret)


def remove_source(store: Store, name: str) -> Source:
    """Stop syncing a source; its rows, quarantine and audit stay in the store."""
    (source,) = find_sources(store, [name])
    store.retire_source(source.id, at=datetime.now(UTC))
    return source
