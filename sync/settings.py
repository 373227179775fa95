"""One typed settings object, read from `RETAGUARDA_*` environment variables.

A bad setting is reported with its name and value, all at once, when the program starts.
"""

from __future__ import annotations

from datetime import date

from pydantic import ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RETAGUARDA_", extra="ignore")

    #: last day of the closed accounting period; postings on or before it are `date.closed_period`
    closed_until: date | None = None
    #: the date `date.future` compares with; today unless set (useful to re-check old reports)
    today: date | None = None
    #: the service's address as Excel reaches it ("https://retaguarda.example.com"), written
    #: into the Office.js manifest; unset, the address of the request that fetched it
    public_url: str | None = None
    #: where the task pane loads xlwings' Office.js client from; unset, jsDelivr's copy of
    #: the version installed here (the client must match the server's xlwings)
    xlwings_js_url: str | None = None


class SettingsError(Exception):
    """Every bad setting, named, in one message."""


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as error:
        problems = "; ".join(
            f"RETAGUARDA_{'_'.join(map(str, e['loc'])).upper()}={e.get('input')!r}: {e['msg']}"
            for e in error.errors()
        )
        raise SettingsError(f"configuração inválida: {problems}") from None
