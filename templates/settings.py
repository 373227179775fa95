"""The company's validation settings, read from `RETAGUARDA_*` environment variables.

Every runtime reads them the same way: the CLI and the service (whose `sync.settings.Settings`
extends this class) and the desktop add-in, whose Python process Excel starts. A bad setting is
reported with its name and value, all at once.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, TypeVar

from pydantic import ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from retaguarda.templates.validate import Options


class CompanySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RETAGUARDA_", extra="ignore")

    #: last day of the closed accounting period; postings on or before it are `date.closed_period`
    closed_until: date | None = None
    #: the date `date.future` compares with; today unless set (useful to re-check old reports)
    today: date | None = None
    #: report only these codes (a code, a family such as `cnpj.invalid`, or a prefix such as
    #: `cnpj`), comma-separated: RETAGUARDA_SELECT="cnpj,cpf"
    select: Annotated[tuple[str, ...], NoDecode] = ()
    #: never report these (same forms): RETAGUARDA_IGNORE="date.future,number.rounded"
    ignore: Annotated[tuple[str, ...], NoDecode] = ()
    #: the state's and city's holidays, for the payroll (the national ones are built in),
    #: comma-separated: a date (2026-06-04 or 04/06/2026) or a day every year (25/01):
    #: RETAGUARDA_LOCAL_HOLIDAYS="25/01,09/07,20/11"
    local_holidays: Annotated[frozenset[date], NoDecode] = frozenset()

    @field_validator("select", "ignore", mode="before")
    @classmethod
    def _codes(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(code.strip() for code in value.split(",") if code.strip())
        return value

    @field_validator("local_holidays", mode="before")
    @classmethod
    def _holidays(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(d for text in value.split(",") if text.strip() for d in _days(text))
        return value

    def options(self, clock: Callable[[], date] = date.today) -> Options:
        """What validation needs. With no `today` set, `clock` is asked at every call, not once
        at start-up, so that a service still running after midnight checks against the new day;
        tests hand it a fixed clock."""
        return Options(
            today=self.today or clock(),
            closed_until=self.closed_until,
            select=self.select,
            ignore=self.ignore,
            local_holidays=self.local_holidays,
        )


#: the years a holiday given as a day of the year ("25/01") is expanded over
HOLIDAY_YEARS = range(1990, 2101)


def _days(text: str) -> list[date]:
    """One holiday as written: a date, or a day and month that comes back every year."""
    text = text.strip()
    for form in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return [datetime.strptime(text, form).date()]
        except ValueError:
            pass
    try:
        day = datetime.strptime(f"{text}/2000", "%d/%m/%Y").date()  # 2000: 29/02 exists
    except ValueError:
        raise ValueError(
            f"feriado “{text}” não é uma data (2026-06-04, 04/06/2026) nem um dia do ano (25/01)"
        ) from None
    return [
        date(year, day.month, day.day)
        for year in HOLIDAY_YEARS
        if day.month != 2 or day.day != 29 or calendar.isleap(year)
    ]


class SettingsError(Exception):
    """Every bad setting, named, in one message."""


S = TypeVar("S", bound=BaseSettings)


def load_settings_of(kind: type[S], **overrides: object) -> S:
    """`kind` read from the environment, with the overrides that are not None on top."""
    try:
        return kind(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as error:
        problems = "; ".join(
            f"RETAGUARDA_{'_'.join(map(str, e['loc'])).upper()}={e.get('input')!r}: {e['msg']}"
            for e in error.errors()
        )
        raise SettingsError(f"configuração inválida: {problems}") from None


def company_options(clock: Callable[[], date] = date.today) -> Options:
    """The validation options this process's environment sets (raises `SettingsError`)."""
    return load_settings_of(CompanySettings).options(clock)
