"""The company's validation settings, as every runtime (CLI, service, desktop add-in) reads them."""

from __future__ import annotations

from datetime import date

import pytest

from retaguarda.sync.settings import load_settings
from retaguarda.templates.settings import SettingsError, company_options


def test_unset_means_the_clock_s_day_and_no_closed_period(monkeypatch):
    monkeypatch.delenv("RETAGUARDA_CLOSED_UNTIL", raising=False)
    monkeypatch.delenv("RETAGUARDA_TODAY", raising=False)
    options = company_options(clock=lambda: date(2026, 11, 25))
    assert options.closed_until is None
    assert options.today == date(2026, 11, 25)


def test_a_service_running_past_midnight_moves_on_to_the_new_day(monkeypatch):
    monkeypatch.delenv("RETAGUARDA_TODAY", raising=False)
    settings = load_settings()  # read once, when the service starts
    clock = iter([date(2026, 12, 31), date(2027, 1, 1)]).__next__  # one day per call
    assert settings.options(clock).today == date(2026, 12, 31)
    assert settings.options(clock).today == date(2027, 1, 1)


def test_a_set_day_wins_over_the_clock(monkeypatch):
    monkeypatch.setenv("RETAGUARDA_TODAY", "2026-03-01")
    assert company_options(clock=lambda: date(2026, 11, 25)).today == date(2026, 3, 1)


def test_the_environment_sets_them(monkeypatch):
    monkeypatch.setenv("RETAGUARDA_CLOSED_UNTIL", "2025-12-31")
    monkeypatch.setenv("RETAGUARDA_TODAY", "2026-03-01")
    options = company_options()
    assert (options.closed_until, options.today) == (date(2025, 12, 31), date(2026, 3, 1))
    # the service reads the very same variables
    assert load_settings().options() == options


def test_a_bad_value_is_named_in_portuguese(monkeypatch):
    monkeypatch.setenv("RETAGUARDA_CLOSED_UNTIL", "31/13/2025")
    with pytest.raises(SettingsError, match=r"configuração inválida: RETAGUARDA_CLOSED_UNTIL="):
        company_options()


def test_local_holidays_are_dates_or_days_that_come_back_every_year(monkeypatch):
    monkeypatch.setenv("RETAGUARDA_TODAY", "2026-03-01")
    monkeypatch.setenv("RETAGUARDA_LOCAL_HOLIDAYS", "25/01, 2026-06-04,09/07/2027, 29/02")
    holidays = company_options().local_holidays
    assert {date(2026, 1, 25), date(2027, 1, 25), date(2026, 6, 4), date(2027, 7, 9)} <= holidays
    assert date(2027, 6, 4) not in holidays  # Corpus Christi moves: given with its year
    assert date(2028, 2, 29) in holidays  # a leap day is kept in leap years only


def test_a_holiday_that_is_no_date_is_named(monkeypatch):
    monkeypatch.setenv("RETAGUARDA_LOCAL_HOLIDAYS", "25/01,32/01")
    with pytest.raises(SettingsError, match=r"RETAGUARDA_LOCAL_HOLIDAYS.*32/01"):
        company_options()
