"""One typed settings object, read from `RETAGUARDA_*` environment variables.

The company's validation settings (`closed_until`, `today`) are declared once, in
`templates.settings`, which the desktop add-in reads too; the service's own settings extend them.
A bad setting is reported with its name and value, all at once, when the program starts.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field

from retaguarda.templates.settings import CompanySettings, SettingsError, load_settings_of

__all__ = ["Settings", "SettingsError", "load_settings"]


class Settings(CompanySettings):
    #: the service's address as Excel reaches it ("https://retaguarda.example.com"), written
    #: into the Office.js manifest; unset, the address of the request that fetched it
    public_url: str | None = None
    #: where the task pane loads xlwings' Office.js client from; unset, jsDelivr's copy of
    #: the version installed here (the client must match the server's xlwings)
    xlwings_js_url: str | None = None
    #: the consolidated store: SQLAlchemy URL ("postgresql://user@host/db"); unset, the
    #: SQLite file data/retaguarda.db
    database_url: str | None = None
    #: the Google service account's key file (the standard GOOGLE_APPLICATION_CREDENTIALS too)
    google_credentials: Path | None = Field(
        default=None,
        validation_alias=AliasChoices(
            "google_credentials", "RETAGUARDA_GOOGLE_CREDENTIALS", "GOOGLE_APPLICATION_CREDENTIALS"
        ),
    )
    #: where the Google APIs are: unset, Google itself; "http://127.0.0.1:8089" for the
    #: emulator (`retaguarda emulator`). Nothing else changes between the two.
    google_api_url: str | None = None


def load_settings(**overrides: object) -> Settings:
    return load_settings_of(Settings, **overrides)
