"""Fixtures: an emulator served on loopback per test, and an unmodified gspread client of it.

A plugin module (`pytest_plugins = ["emulator_fixtures"]` in each test module), not a
conftest.py: the test folders have no `__init__.py`, so a second `conftest` module would shadow
the root one that other tests import from.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import gspread
import pytest
from flask import Flask

from retaguarda.sync.emulator import create_emulator, serving
from retaguarda.sync.emulator.state import EmulatorState
from retaguarda.sync.google_api import gspread_client

SAMPLES = Path(__file__).parents[3] / "workbooks" / "samples"


@pytest.fixture
def emulator_key(tmp_path: Path) -> Path:
    return tmp_path / "emulator-key.json"


@pytest.fixture
def emulator_app(emulator_key: Path) -> Flask:
    return create_emulator(seed=SAMPLES, key_out=emulator_key)


@pytest.fixture
def emulator_url(emulator_app: Flask) -> Iterator[str]:
    with serving(emulator_app) as url:
        yield url


@pytest.fixture
def emulator(emulator_app: Flask) -> EmulatorState:
    return emulator_app.extensions["sheets_emulator"]


@pytest.fixture
def gc(emulator_key: Path, emulator_url: str) -> gspread.Client:
    return gspread_client(emulator_key, emulator_url)
