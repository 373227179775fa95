"""`retaguarda validate` and `retaguarda --help` start at once: they load neither the store
(SQLAlchemy, Alembic, psycopg), the service (Flask, waitress), Excel and Google (xlwings,
gspread, google-auth), nor the .xlsx writers (openpyxl, xlsxwriter) unless a marked copy is asked
for. Each command runs in a fresh interpreter, as a user starts it, and the test reads what that
interpreter imported.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from retaguarda.sync.cli import main
from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.render import render_workbook

#: what `validate` and `--help` must not load (top-level package names)
HEAVY = {
    "sqlalchemy",
    "alembic",
    "psycopg",
    "flask",
    "waitress",
    "xlwings",
    "gspread",
    "google",
    "openpyxl",
    "xlsxwriter",
}
#: every command `retaguarda --help` lists, as README.md names them
COMMANDS = [
    "addin",
    "emulator",
    "payroll",
    "reconcile",
    "report",
    "samples",
    "serve",
    "sources",
    "sync",
    "templates",
    "users",
    "validate",
    "worker",
]

#: runs the console script's `main` with the given arguments, then records the exit code and
#: every module the interpreter loaded on the way
RUN = """
import json, sys
from retaguarda.sync.cli import main
record, args = sys.argv[1], sys.argv[2:]
try:
    main(args, prog_name="retaguarda")
except SystemExit as stop:
    code = stop.code
with open(record, "w", encoding="utf-8") as out:
    json.dump({"code": code, "modules": sorted(sys.modules)}, out)
"""

CHART = [
    ["1.1.02", "Bancos", "Ativo", "Devedora", "Sim"],
    ["3.1.01", "Receita de vendas", "Receita", "Credora", "Sim"],
]
GOOD = ["05/03/2026", "NF-1", "Venda", "1.1.02", "3.1.01", "1.234,56", "", "", ""]
#: row 3 debits an account the chart does not have: one error, in D3
BAD = ["06/03/2026", "NF-2", "Venda", "9.9.99", "3.1.01", "10,00", "", "", ""]


def run(tmp_path: Path, *args: str, **env: str) -> tuple[int, set[str], str]:
    """Exit code, the top-level packages imported, and what the command printed, in an
    environment with no `RETAGUARDA_*` variable but those given."""
    record = tmp_path / "record.json"
    clean = {k: v for k, v in os.environ.items() if not k.upper().startswith("RETAGUARDA_")}
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(record), *args],
        cwd=tmp_path,
        env={**clean, **env},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    data = json.loads(record.read_text(encoding="utf-8"))
    packages = {name.split(".")[0] for name in data["modules"]}
    return data["code"] or 0, packages, done.stdout + done.stderr


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    ledger = [GOOD] * 29 + [BAD]  # 30 rows: the bad one is row 31
    return render_workbook(
        tmp_path / "lancamentos.xlsx",
        [(TEMPLATES["plano_de_contas"], CHART), (TEMPLATES["lancamentos"], ledger)],
    )


@pytest.mark.parametrize("output", ["table", "json"])
def test_validate_loads_nothing_it_does_not_use(tmp_path, workbook, output):
    code, packages, printed = run(
        tmp_path, "validate", str(workbook), "--format", output, "--today", "2026-11-25"
    )
    assert code == 1, printed
    assert "account.unknown" in printed
    assert "D31" in printed
    assert packages & HEAVY == set()


def test_validate_of_a_csv_loads_nothing_it_does_not_use(tmp_path):
    path = tmp_path / "lancamentos.csv"
    header = "Data;Documento;Histórico;Conta débito;Conta crédito;Valor"
    path.write_text(f"{header}\n05/03/2026;NF-1;Venda;1.1.02;3.1.01;abc\n", encoding="utf-8")
    code, packages, printed = run(tmp_path, "validate", str(path), "--today", "2026-11-25")
    assert code == 1, printed
    assert "F2" in printed
    assert packages & HEAVY == set()


def test_an_unreadable_file_is_refused_without_loading_the_heavy_modules(tmp_path):
    path = tmp_path / "vazio.xlsx"
    path.write_bytes(b"")
    code, packages, printed = run(tmp_path, "validate", str(path), "--today", "2026-11-25")
    assert code == 2, printed
    assert "vazio" in printed
    assert "Traceback" not in printed
    assert packages & HEAVY == set()


#: posted in March, in a period closed at the end of March: the error `date.closed_period`
CLOSED = ["05/03/2026", "NF-3", "Venda", "1.1.02", "3.1.01", "10,00", "", "", ""]
#: posted after "today" (25/11/2026): `date.future`
FUTURE = ["05/12/2026", "NF-4", "Venda", "1.1.02", "3.1.01", "10,00", "", "", ""]
SETTINGS = {"RETAGUARDA_CLOSED_UNTIL": "2026-03-31", "RETAGUARDA_TODAY": "2026-11-25"}


def issues_of(printed: str) -> list[tuple[str, str]]:
    return [(i["code"], i["cell"]) for i in json.loads(printed)["issues"]]


def test_the_options_given_are_the_settings_when_the_environment_has_none(tmp_path):
    """With no `RETAGUARDA_*` variable there is nothing for the settings library
    (pydantic-settings, slower to import than a small check) to read: it is not loaded, and the
    result is the one the same settings give through the environment."""
    path = render_workbook(
        tmp_path / "lancamentos.xlsx",
        [(TEMPLATES["plano_de_contas"], CHART), (TEMPLATES["lancamentos"], [CLOSED, FUTURE])],
    )
    options = ["--closed-until", "31/03/2026", "--today", "2026-11-25", "--format", "json"]
    code, packages, printed = run(tmp_path, "validate", str(path), *options)
    assert code == 1, printed
    assert issues_of(printed) == [("date.closed_period", "A2"), ("date.future", "A3")]
    assert "pydantic_settings" not in packages

    code, packages, printed = run(tmp_path, "validate", str(path), "--format", "json", **SETTINGS)
    assert code == 1, printed
    assert issues_of(printed) == [("date.closed_period", "A2"), ("date.future", "A3")]
    assert "pydantic_settings" in packages


def test_a_setting_in_lower_case_is_still_read(tmp_path):
    """Environment names are matched in any case, as the settings object matches them."""
    path = render_workbook(
        tmp_path / "lancamentos.xlsx",
        [(TEMPLATES["plano_de_contas"], CHART), (TEMPLATES["lancamentos"], [CLOSED])],
    )
    options = ["--today", "2026-11-25", "--format", "json"]
    code, _, printed = run(
        tmp_path, "validate", str(path), *options, retaguarda_closed_until="2026-03-31"
    )
    assert code == 1, printed
    assert issues_of(printed) == [("date.closed_period", "A2")]


def test_a_bad_setting_is_still_named(tmp_path, workbook):
    code, _, printed = run(tmp_path, "validate", str(workbook), RETAGUARDA_TODAY="amanhã")
    assert code == 2, printed
    assert "RETAGUARDA_TODAY='amanhã'" in printed
    assert "Traceback" not in printed


def test_help_lists_every_command_without_loading_them(tmp_path):
    code, packages, printed = run(tmp_path, "--help")
    assert code == 0, printed
    listed = re.findall(r"^  (\S+)\s{2,}\S", printed.split("Commands:")[1], re.MULTILINE)
    assert listed == COMMANDS
    assert packages & HEAVY == set()


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_each_command_s_own_short_help(command):
    """The list in `--help` is written before any command is loaded; it must say what the
    command's own help says once it is (click shortens it to fit, ending in "...")."""
    runner = CliRunner()
    listing = runner.invoke(main, ["--help"], terminal_width=100).output
    (shown,) = re.findall(rf"^  {command}\s+(.+)$", listing, re.MULTILINE)
    own = runner.invoke(main, [command, "--help"], terminal_width=100).output
    first_paragraph = " ".join(own.split("\n\n")[1].split())
    assert first_paragraph.startswith(shown.removesuffix("...").rstrip("."))


def test_validate_help_loads_nothing_heavy(tmp_path):
    code, packages, printed = run(tmp_path, "validate", "--help")
    assert code == 0, printed
    assert "--write-back" in printed
    assert packages & HEAVY == set()


def test_write_back_still_writes_the_marked_copy(tmp_path, workbook):
    target = tmp_path / "marcada.xlsx"
    code, packages, printed = run(
        tmp_path, "validate", str(workbook), "--write-back", str(target), "--today", "2026-11-25"
    )
    assert code == 1, printed
    assert "openpyxl" in packages  # the copy keeps the user's formatting: openpyxl writes it
    marked = load_workbook(target)
    assert marked["Lançamentos"]["D31"].comment is not None
    assert "Pendências" in marked.sheetnames
