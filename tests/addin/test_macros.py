"""The macros through xlwings' own remote engine: a workbook in, the client's actions out.

Every test builds the request a real client sends from a real .xlsx (see payloads.py), runs the
entry point in `addin.scripts` on `xw.Book(json=request)` and looks at `book.json()`.
"""

from __future__ import annotations

import asyncio
import copy
import inspect
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import xlwings as xw
from payloads import BASIC_ACTIONS, CLIENTS, OFFICE_JS, OFFICE_SCRIPTS, VBA, apply, payload
from xlwings.server import custom_scripts_call

from retaguarda.addin import macros, protocol, scripts
from retaguarda.addin.excel import ExcelWorkbook
from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.model import PENDING_SHEET
from retaguarda.templates.render import render_workbook
from retaguarda.templates.validate import Options

#: Excel's own "bad" red (Home › Styles), as the clients receive it
RED = "#FFC7CE"
CHART = [
    ["1.1.02", "Bancos", "Ativo", "Devedora", "Sim"],
    ["3.1.01", "Receita de vendas", "Receita", "Credora", "Sim"],
]
GOOD = [date(2026, 3, 5), "NF-1", "Venda", "1.1.02", "3.1.01", "1.234,56", "", "", ""]
BAD_ACCOUNT = [date(2026, 3, 6), "NF-2", "Venda", "9.9.99", "3.1.01", "10,00", "", "", ""]
BAD_VALUE = [date(2026, 3, 7), "NF-3", "Venda", "1.1.02", "3.1.01", "=1+1", "", "", ""]


def ledger(path: Path, *rows: list[object]) -> Path:
    """Plano de contas + Lançamentos, the ledger's data from row 2 (D3 is the second row)."""
    return render_workbook(
        path, [(TEMPLATES["plano_de_contas"], CHART), (TEMPLATES["lancamentos"], list(rows))]
    )


TODAY = Options(today=date(2026, 11, 25))


def run(macro: str, request: dict, options: Options = TODAY) -> list[dict]:
    """Run the entry point as the server does (xlwings hands in the arguments by type hint),
    and return the actions of the response."""
    book = xw.Book(json=copy.deepcopy(request))  # the engine edits the request in place
    given = {xw.Book: book, Options: options}
    asyncio.run(custom_scripts_call(protocol.server_scripts(), macro, typehint_to_value=given))
    return book.json()["actions"]


def sheet_names(request: dict) -> list[str]:
    return [s["name"] for s in request["sheets"]]


def fills(request: dict, actions: list[dict]) -> dict[tuple[str, str], str | None]:
    """(sheet, cell) -> the last colour the actions set there."""
    return apply(request, actions)["_fills"]


def values(request: dict, sheet: str) -> list[list[object]]:
    return next(s["values"] for s in request["sheets"] if s["name"] == sheet)


def notes_set(actions: list[dict]) -> dict[str, str]:
    return {a["args"][0]: a["args"][1] for a in actions if a["func"] == "addNote"}


@pytest.fixture(scope="session")
def matriz(tmp_path_factory) -> Path:
    """The sample workbook of the head office, with its planted mistakes."""
    from retaguarda.templates.samples import write_samples

    out = tmp_path_factory.mktemp("samples")
    write_samples(out)
    return out / "matriz.xlsx"


@pytest.fixture
def bad_ledger(tmp_path) -> Path:
    return ledger(tmp_path / "livro.xlsx", GOOD, BAD_ACCOUNT, BAD_VALUE)


@pytest.mark.parametrize("client", CLIENTS)
def test_validate_paints_offending_cells_and_writes_pendencias(bad_ledger, client):
    request = payload(bad_ledger, client)
    actions = run("validate_workbook", request)
    after = apply(request, actions)
    assert after["_fills"] == {("Lançamentos", "D3"): RED, ("Lançamentos", "F4"): RED}
    assert sheet_names(after)[0] == PENDING_SHEET
    pending = values(after, PENDING_SHEET)
    assert pending[0][:4] == ["Aba", "Célula", "Tipo", "Código"]
    assert pending[1][0] == "Lançamentos: 2 erro(s), 0 aviso(s)"
    listed = {(r[0], r[1], r[2], r[3]) for r in pending[2:]}
    assert listed == {
        ("Lançamentos", "D3", "erro", "account.unknown"),
        ("Lançamentos", "F4", "erro", "number.invalid"),
    }
    # with or without notes, the Pendências sheet carries every message and suggestion
    account = next(r for r in pending if r[1] == "D3")
    assert "não existe no Plano de contas" in account[4]
    # each issue links to its cell
    assert set(after["_links"].values()) == {"#'Lançamentos'!D3", "#'Lançamentos'!F4"}
    assert {cell for (sheet, cell) in after["_links"]} == {"B3", "B4"}


def test_office_js_notes_say_what_is_wrong(bad_ledger):
    actions = run("validate_workbook", payload(bad_ledger, OFFICE_JS))
    notes = notes_set(actions)
    assert set(notes) == {"$D$3", "$F$4"}
    assert notes["$D$3"].startswith("Retaguarda:\n• ")
    assert "a conta “9.9.99” não existe no Plano de contas" in notes["$D$3"]
    assert "não é um número válido" in notes["$F$4"]


@pytest.mark.parametrize("client", [VBA, OFFICE_SCRIPTS])
def test_a_client_never_receives_an_action_it_does_not_implement(bad_ledger, client):
    request = payload(bad_ledger, client)
    for macro in ("validate_workbook", "clear_marks", "reconcile", "reports", "payroll"):
        actions = run(macro, request)
        assert {a["func"] for a in actions} <= BASIC_ACTIONS, macro
        request = apply(request, actions)
    # and an Office.js client without notes support (no `notes` key) gets no note either
    request = payload(bad_ledger, OFFICE_JS)
    for sheet in request["sheets"]:
        del sheet["notes"]
    assert not notes_set(run("validate_workbook", request))


def test_the_users_formula_like_text_is_written_inert(tmp_path):
    sheet_name = "=Lançamentos"
    path = render_workbook(
        tmp_path / "x.xlsx",
        [(TEMPLATES["plano_de_contas"], CHART), (TEMPLATES["lancamentos"], [BAD_VALUE])],
    )
    request = payload(path, OFFICE_JS)
    request["sheets"][1]["name"] = sheet_name  # a sheet name can begin with "=" too
    actions = run("validate_workbook", request)
    written = [
        v
        for a in actions
        if a["func"] == "setValues"
        for row in a["values"]
        for v in row
        if isinstance(v, str)
    ]
    assert any("=1+1" in v for v in written)
    assert not [v for v in written if v.startswith(("=", "+", "-", "@"))]


@pytest.mark.parametrize("client", CLIENTS)
def test_a_second_run_unpaints_what_was_fixed_and_keeps_the_rest(tmp_path, client):
    first = payload(ledger(tmp_path / "a.xlsx", GOOD, BAD_ACCOUNT, BAD_VALUE), client)
    after_first = apply(first, run("validate_workbook", first))
    # the user fixes D3, and the client sends the workbook again, marks and all
    fixed = payload(
        ledger(tmp_path / "b.xlsx", GOOD, GOOD[:1] + BAD_ACCOUNT[1:3] + GOOD[3:], BAD_VALUE), client
    )
    second = after_first | {
        "sheets": [
            next((f for f in fixed["sheets"] if f["name"] == s["name"]), s)
            | ({"notes": s["notes"]} if "notes" in s else {})
            for s in after_first["sheets"]
        ]
    }
    actions = run("validate_workbook", second)
    colour = {
        (a["sheet_position"], a["start_row"], a["start_column"]): a["args"][0]
        for a in actions
        if a["func"] == "setRangeColor"
    }
    ledger_at = sheet_names(second).index("Lançamentos")
    unpainted = None if client == OFFICE_JS else "#FFFFFF"
    assert colour == {(ledger_at, 2, 3): unpainted, (ledger_at, 3, 5): RED}
    if client == OFFICE_JS:
        assert [a["args"] for a in actions if a["func"] == "deleteNote"] == [["$D$3"]]
        # the note that stays is rewritten in place, not added twice
        assert not notes_set(actions)
        assert [a["args"][0] for a in actions if a["func"] == "setNoteText"] == ["$F$4"]
    pending = values(apply(second, actions), PENDING_SHEET)
    assert [r[1] for r in pending[2:]] == ["F4"]


def test_a_note_of_the_users_own_is_left_alone(bad_ledger):
    request = payload(bad_ledger, OFFICE_JS, notes={"Lançamentos": ["D3"]})
    actions = run("validate_workbook", request)
    assert set(notes_set(actions)) == {"$F$4"}
    assert fills(request, actions)[("Lançamentos", "D3")] == RED
    after = apply(request, actions)
    actions = run("clear_marks", after)
    assert [a["args"] for a in actions if a["func"] == "deleteNote"] == [["$F$4"]]


@pytest.mark.parametrize("client", CLIENTS)
def test_clear_marks_removes_only_what_the_add_in_added(bad_ledger, client):
    request = payload(bad_ledger, client)
    after = apply(request, run("validate_workbook", request))
    assert PENDING_SHEET in sheet_names(after)
    actions = run("clear_marks", after)
    cleared = apply(after, actions)
    assert sheet_names(cleared) == sheet_names(request)
    touched = {
        (a["sheet_position"], a["start_row"], a["start_column"])
        for a in actions
        if a["func"] in ("setRangeColor", "deleteNote")
    }
    ledger_at = sheet_names(after).index("Lançamentos")
    assert touched == {(ledger_at, 2, 3), (ledger_at, 3, 5)}
    assert not {a["func"] for a in actions} & {
        "rangeClearFormats",
        "sheetClearFormats",
        "rangeClear",
        "sheetClear",
    }
    # nothing recorded any more: a second Limpar does nothing
    assert run("clear_marks", cleared) == []


def test_the_record_of_marks_is_hidden_where_the_client_can(bad_ledger):
    after = apply(request := payload(bad_ledger, OFFICE_JS), run("validate_workbook", request))
    record = next(s for s in after["sheets"] if s["name"] == macros.MARKS_SHEET)
    assert record["visibility"] == "Hidden"
    assert record["values"][1:] == [
        ["Lançamentos", "D3", "sim", "sim"],
        ["Lançamentos", "F4", "sim", "sim"],
    ]


def test_a_workbook_without_templates_says_so(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Nome", "Telefone"])
    book.save(tmp_path / "agenda.xlsx")
    request = payload(tmp_path / "agenda.xlsx", VBA)
    after = apply(request, run("validate_workbook", request))
    assert values(after, PENDING_SHEET)[1][0] == (
        "Nenhum modelo do Retaguarda reconhecido nesta pasta (confira os cabeçalhos)."
    )


@pytest.mark.parametrize("client", CLIENTS)
def test_relatorios_writes_its_report_sheets_on_every_client(bad_ledger, client):
    request = payload(bad_ledger, client)
    after = apply(request, run("reports", request))
    sheet = values(after, "Rel. Balancete")
    assert sheet[0][0] == "Balancete de verificação"
    assert sheet[4][:2] == ["Conta", "Descrição"]


def test_the_sample_workbook_every_mark_is_listed_and_linked(matriz):
    """The cells painted, listed and linked are the mistakes the samples planted (their
    manifest, written when the samples were made), not whatever the report says."""
    manifest = json.loads((matriz.parent / "planted.json").read_text(encoding="utf-8"))
    planted = {(p["sheet"], p["cell"]) for p in manifest["planted"] if p["file"] == matriz.name}
    closed_until = date.fromisoformat(manifest["closed_until"])
    request = payload(matriz, OFFICE_JS)
    book = xw.Book(json=copy.deepcopy(request))
    macros.validate_workbook(
        ExcelWorkbook(book), Options(today=date(2026, 11, 25), closed_until=closed_until)
    )
    after = apply(request, book.json()["actions"])
    assert len(planted) > 5
    assert set(after["_fills"]) == planted
    pending = values(after, PENDING_SHEET)
    listed = {(r[0], r[1]) for r in pending[1:] if r[1]}
    assert listed == planted
    assert len(after["_links"]) == len([r for r in pending[1:] if r[1]])


def test_custom_scripts_call_runs_the_entry_point_in_server_mode(bad_ledger, tmp_path):
    """Once the process is configured for xlwings Server (before xlwings is imported: it reads
    the mode once), the entry points are xlwings scripts; a fresh process, with the variable
    unset, as the service starts."""
    request = tmp_path / "request.json"
    request.write_text(json.dumps(payload(bad_ledger, VBA)), encoding="utf-8")
    code = (
        "import asyncio, datetime, json, sys\n"
        "from retaguarda.addin import protocol\n"
        "protocol.configure_server()\n"
        "import xlwings as xw\n"
        "from xlwings.server import custom_scripts_call, custom_scripts_meta\n"
        "scripts = protocol.server_scripts()\n"
        "from retaguarda.templates.validate import Options\n"
        "book = xw.Book(json=json.load(open(sys.argv[1], encoding='utf-8')))\n"
        "given = {xw.Book: book, Options: Options(today=datetime.date(2026, 11, 25))}\n"
        "book = asyncio.run(custom_scripts_call(scripts, 'validate_workbook',\n"
        "                   typehint_to_value=given))\n"
        "meta = [m['function_name'] for m in custom_scripts_meta(scripts)]\n"
        "print(json.dumps({'actions': book.json()['actions'], 'meta': meta}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "XLWINGS_ON_SERVER"}
    env["XLWINGS_LICENSE_KEY"] = "noncommercial"
    done = subprocess.run(
        [sys.executable, "-c", code, str(request)], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert sorted(answer["meta"]) == sorted(
        ["validate_workbook", "clear_marks", "reconcile", "reports", "payroll"]
    )
    assert ("setRangeColor", ["#FFC7CE"]) in [(a["func"], a["args"]) for a in answer["actions"]]


def test_the_server_wrapper_is_async_and_keeps_the_plain_function():
    """One set of functions: the server declares them as scripts where it runs them."""
    declared = protocol.server_scripts().validate_workbook
    assert asyncio.iscoroutinefunction(declared)
    assert inspect.unwrap(declared) is scripts.validate_workbook
    assert not inspect.iscoroutinefunction(scripts.validate_workbook)
    assert list(inspect.signature(scripts.validate_workbook).parameters) == ["book", "options"]
    # the desktop buttons are there whatever the mode (this process is in server mode)
    buttons = ("validar", "limpar_marcacoes", "conciliar", "relatorios", "calcular_folha")
    assert all(callable(getattr(scripts, name, None)) for name in buttons)


def test_every_button_of_the_vba_module_runs_a_desktop_entry_point(tmp_path):
    """The .bas names Python functions; desktop xlwings (not server mode) must define them."""
    import os
    import re
    import subprocess
    import sys

    from retaguarda.addin.desktop import vba_module

    calls = re.findall(rb"scripts\.(\w+)\(\)", vba_module())
    assert len(calls) == 5
    names = ", ".join(repr(c.decode()) for c in calls)
    code = (
        "from retaguarda.addin import scripts\n"
        f"print(all(callable(getattr(scripts, n, None)) for n in ({names},)))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "XLWINGS_ON_SERVER"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"
