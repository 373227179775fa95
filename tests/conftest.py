"""Shared fixtures: tables built from plain rows, the way xlwings and gspread hand them over."""

from __future__ import annotations

import os

# xlwings chooses its engines and decorators when first imported: the remote engine and the
# server mode (xlwings PRO, noncommercial licence for the tests) must be on before any test
# module imports it.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
os.environ.setdefault("XLWINGS_ON_SERVER", "true")

from collections.abc import Sequence
from datetime import date

import pytest

from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.reader import read_table
from retaguarda.templates.table import Table

TODAY = date(2026, 11, 25)


def table_of(
    template_id: str, *rows: Sequence[object], headers: Sequence[str] | None = None
) -> Table:
    """A table of `template_id` whose header is row 1 and whose data starts at row 2."""
    template = TEMPLATES[template_id]
    header = list(headers or template.headers)
    table = read_table([header, *[list(r) for r in rows]], sheet=template.sheet, template=template)
    assert table is not None
    return table


CHART = [
    ["1", "Ativo", "Ativo", "Devedora", "Não"],
    ["1.1.01", "Caixa", "Ativo", "Devedora", "Sim"],
    ["1.1.02", "Bancos", "Ativo", "Devedora", "Sim"],
    ["2.1.01", "Fornecedores", "Passivo", "Credora", "Sim"],
    ["3.1.01", "Receita de vendas", "Receita", "Credora", "Sim"],
    ["4.1.03", "Aluguel", "Despesa", "Devedora", "Sim"],
]


@pytest.fixture
def chart() -> Table:
    return table_of("plano_de_contas", *CHART)


def pytest_sessionfinish(session, exitstatus) -> None:
    """In CI a skipped test is a failure: nothing may pass by not running."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("CI") and skipped and exitstatus == 0:
        reporter.write_line(f"CI: {len(skipped)} teste(s) pulado(s); isso é uma falha.", red=True)
        session.exitstatus = 1
