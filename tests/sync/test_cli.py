"""`retaguarda` as a user runs it: real files in, exit codes and output out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from retaguarda.sync.cli import main
from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.render import render_workbook


def ledger_workbook(path: Path, *ledger_rows: list[object]) -> Path:
    chart = [
        ["1.1.02", "Bancos", "Ativo", "Devedora", "Sim"],
        ["3.1.01", "Receita de vendas", "Receita", "Credora", "Sim"],
    ]
    return render_workbook(
        path,
        [(TEMPLATES["plano_de_contas"], chart), (TEMPLATES["lancamentos"], list(ledger_rows))],
    )


GOOD = ["05/03/2026", "NF-1", "Venda", "1.1.02", "3.1.01", "1.234,56", "", "", ""]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_a_clean_workbook_exits_0(runner, tmp_path):
    path = ledger_workbook(tmp_path / "ok.xlsx", GOOD)
    result = runner.invoke(main, ["validate", str(path), "--today", "2026-11-25"])
    assert result.exit_code == 0, result.output
    assert "Nenhuma pendência" in result.output


def test_errors_exit_1_and_json_names_every_field(runner, tmp_path):
    bad = [GOOD[0], "NF-2", GOOD[2], "9.9.99", *GOOD[4:]]
    path = ledger_workbook(tmp_path / "bad.xlsx", GOOD, bad)
    result = runner.invoke(
        main, ["validate", str(path), "--format", "json", "--today", "2026-11-25"]
    )
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["files"] == [str(path)]
    (issue,) = data["issues"]
    assert {k: issue[k] for k in ("code", "severity", "sheet", "cell", "column", "value")} == {
        "code": "account.unknown",
        "severity": "error",
        "sheet": "Lançamentos",
        "cell": "D3",
        "column": "Conta débito",
        "value": "9.9.99",
    }
    assert set(issue) >= {"message", "message_en", "suggestion"}
    assert data["summary"]["errors"] == 1
    assert data["summary"]["rows"] == 4


def test_the_table_groups_findings_by_sheet(runner, tmp_path):
    bad = [GOOD[0], "NF-2", GOOD[2], "9.9.99", *GOOD[4:]]
    path = ledger_workbook(tmp_path / "bad.xlsx", bad)
    result = runner.invoke(main, ["validate", str(path), "--today", "2026-11-25"])
    assert "Lançamentos" in result.output
    assert "D2" in result.output
    assert "account.unknown" in result.output
    assert "1 erro(s)" in result.output


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "não encontrado"),
        (b"", "vazio"),
        (b"%PDF-1.7 not a workbook", "não é uma planilha (parece ser um PDF)"),
    ],
)
def test_unreadable_files_exit_2_with_one_sentence(runner, tmp_path, content, expected):
    path = tmp_path / "x.xlsx"
    if content is not None:
        path.write_bytes(content)
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert expected in result.stderr
    assert result.stderr.startswith("erro:")


def test_a_workbook_with_no_template_exits_2(runner, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Nome", "Telefone"])
    book.active.append(["Ana", "1234"])
    path = tmp_path / "agenda.xlsx"
    book.save(path)
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert "nenhum modelo" in result.stderr.lower()


def test_write_back_marks_cells_notes_and_lists_pendencias(runner, tmp_path):
    bad = [GOOD[0], "NF-2", GOOD[2], "9.9.99", "3.1.01", "=1+1", *GOOD[6:]]
    source = ledger_workbook(tmp_path / "in.xlsx", GOOD, bad)
    out = tmp_path / "marcada.xlsx"
    result = runner.invoke(
        main, ["validate", str(source), "--write-back", str(out), "--today", "2026-11-25"]
    )
    assert result.exit_code == 1
    book = load_workbook(out)
    ledger = book["Lançamentos"]
    assert ledger["D3"].fill.fgColor.rgb.endswith("FFC7CE")
    assert "não existe no Plano de contas" in ledger["D3"].comment.text
    assert ledger["D2"].comment is None
    pending = book["Pendências"]
    assert book.sheetnames[0] == "Pendências"
    rows = list(pending.iter_rows(values_only=True))
    assert rows[0][:4] == ("Aba", "Célula", "Tipo", "Código")
    codes = {r[3] for r in rows[1:] if r[3]}
    assert codes == {"account.unknown", "number.invalid"}
    links = [c.hyperlink.location or c.hyperlink.target for c in pending["B"] if c.hyperlink]
    assert "Lançamentos!D3" in links[0] or "'Lançamentos'!D3" in links[0]
    # the user's own value "=1+1" is copied as text, never as a live formula
    assert any("=1+1" in str(c.value) for row in pending.iter_rows() for c in row if c.value)
    assert all(
        not str(c.value).startswith("=") for row in pending.iter_rows() for c in row if c.value
    )
    assert load_workbook(source)["Lançamentos"]["D3"].comment is None  # the original is untouched


def test_templates_build_and_samples(runner, tmp_path):
    result = runner.invoke(main, ["templates", "build", "--out", str(tmp_path / "t")])
    assert result.exit_code == 0, result.output
    assert {p.name for p in (tmp_path / "t").iterdir()} == {
        *(f"{t}.xlsx" for t in TEMPLATES),
        "empresa.xlsx",
    }
    result = runner.invoke(main, ["samples", "--out", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "s" / "planted.json").exists()


def test_the_closed_period_comes_from_the_environment_too(runner, tmp_path, monkeypatch):
    path = ledger_workbook(tmp_path / "ok.xlsx", GOOD)
    monkeypatch.setenv("RETAGUARDA_CLOSED_UNTIL", "2026-03-31")
    result = runner.invoke(main, ["validate", str(path), "--today", "2026-11-25"])
    assert result.exit_code == 1
    assert "período já fechado" in result.output


def test_a_bad_setting_is_named(runner, tmp_path, monkeypatch):
    path = ledger_workbook(tmp_path / "ok.xlsx", GOOD)
    monkeypatch.setenv("RETAGUARDA_CLOSED_UNTIL", "ontem")
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert "RETAGUARDA_CLOSED_UNTIL='ontem'" in result.output


def test_write_back_never_overwrites_the_source(runner, tmp_path):
    path = ledger_workbook(tmp_path / "in.xlsx", GOOD)
    before = path.read_bytes()
    result = runner.invoke(main, ["validate", str(path), "--write-back", str(path)])
    assert result.exit_code == 2
    assert path.read_bytes() == before


def test_addin_vba_writes_the_buttons_module(runner, tmp_path):
    result = runner.invoke(main, ["addin", "vba", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    module = (tmp_path / "Retaguarda.bas").read_bytes()
    assert module.startswith(b'Attribute VB_Name = "Retaguarda"\r\n')
    assert b"\n" not in module.replace(b"\r\n", b"")  # CRLF only, as the VBA editor wants
    module.decode("ascii")


def write_csv(path: Path, header: list[str], *rows: list[str]) -> Path:
    path.write_text("\n".join(";".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    return path


def test_a_chart_in_another_file_checks_the_ledger_accounts(runner, tmp_path):
    chart = write_csv(
        tmp_path / "plano_de_contas.csv",
        list(TEMPLATES["plano_de_contas"].headers[:5]),
        ["1.1.02", "Bancos", "Ativo", "Devedora", "Sim"],
        ["3.1.01", "Receita de vendas", "Receita", "Credora", "Sim"],
        ["3", "Receitas", "Receita", "Credora", "Não"],
    )
    ledger = write_csv(
        tmp_path / "lancamentos.csv",
        list(TEMPLATES["lancamentos"].headers[:6]),
        ["05/03/2026", "NF-1", "Venda", "1.1.02", "3.1.01", "1.234,56"],  # row 2: fine
        ["06/03/2026", "NF-2", "Venda", "9.9.99", "3.1.01", "10,00"],  # row 3: not in the chart
        ["07/03/2026", "NF-3", "Venda", "1.1.02", "3", "10,00"],  # row 4: summary account
    )
    args = ["validate", str(ledger), str(chart), "--format", "json", "--today", "2026-11-25"]
    result = runner.invoke(main, args)
    assert result.exit_code == 1, result.output
    found = [(i["file"], i["cell"], i["code"]) for i in json.loads(result.stdout)["issues"]]
    assert found == [
        (str(ledger), "D3", "account.unknown"),
        (str(ledger), "E4", "account.not_postable"),
    ]
    # alone, the ledger cannot be checked against a chart, and says so
    alone = runner.invoke(main, ["validate", str(ledger), "--format", "json"])
    assert [i["code"] for i in json.loads(alone.stdout)["issues"]] == ["account.no_chart"]


def test_an_unreadable_file_is_reported_and_the_others_still_checked(runner, tmp_path):
    bad = [GOOD[0], "NF-2", GOOD[2], "9.9.99", *GOOD[4:]]
    good = ledger_workbook(tmp_path / "bad.xlsx", bad)
    broken = tmp_path / "quebrada.xlsx"
    broken.write_bytes(b"%PDF-1.7 not a workbook")
    result = runner.invoke(main, ["validate", str(broken), str(good), "--format", "json"])
    assert result.exit_code == 2  # a file could not be read: that decides the exit code
    data = json.loads(result.stdout)
    assert data["files"] == [str(good)]
    assert [(i["file"], i["code"]) for i in data["issues"]] == [
        (str(broken), "file.not_spreadsheet"),
        (str(good), "account.unknown"),
    ]
    (unreadable,) = data["summary"]["unreadable"]
    assert unreadable["file"] == str(broken)
    assert "parece ser um PDF" in unreadable["message"]
    assert "erro:" in result.stderr


def test_select_and_ignore_pick_findings_by_code_or_prefix(runner, tmp_path):
    rows = [
        GOOD,
        [GOOD[0], "NF-2", GOOD[2], "9.9.99", *GOOD[4:]],  # D3: account.unknown
        ["01/12/2027", "NF-3", *GOOD[2:]],  # A4: date.future
    ]
    path = ledger_workbook(tmp_path / "l.xlsx", *rows)

    def codes(*options: str) -> list[str]:
        args = ["validate", str(path), "--format", "json", "--today", "2026-11-25", *options]
        return [i["code"] for i in json.loads(runner.invoke(main, args).stdout)["issues"]]

    assert codes() == ["account.unknown", "date.future"]
    assert codes("--select", "date") == ["date.future"]
    assert codes("--ignore", "account.unknown") == ["date.future"]
    assert codes("--select", "account", "--select", "date.future") == [
        "account.unknown",
        "date.future",
    ]
    assert codes("--ignore", "date", "--ignore", "account") == []


def test_codes_to_ignore_come_from_the_environment_too(runner, tmp_path, monkeypatch):
    path = ledger_workbook(tmp_path / "l.xlsx", GOOD, ["01/12/2027", "NF-3", *GOOD[2:]])
    monkeypatch.setenv("RETAGUARDA_IGNORE", "date.future, number.rounded")
    result = runner.invoke(main, ["validate", str(path), "--today", "2026-11-25"])
    assert result.exit_code == 0, result.output
    assert "Nenhuma pendência" in result.output


def test_a_code_that_does_not_exist_in_select_or_ignore_is_refused(runner, tmp_path):
    path = ledger_workbook(tmp_path / "l.xlsx", GOOD)
    result = runner.invoke(main, ["validate", str(path), "--ignore", "cnpj.chek_digit"])
    assert result.exit_code == 2
    assert "cnpj.chek_digit" in result.output
    assert "desconhecido" in result.output


def test_a_code_pattern_with_control_characters_is_shown_not_obeyed(runner, tmp_path, monkeypatch):
    path = ledger_workbook(tmp_path / "l.xlsx", GOOD)
    monkeypatch.setenv("RETAGUARDA_IGNORE", "date.future,\x1b[31m{0}")
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert "\x1b" not in result.output
    assert "␛[31m{0}" in result.output
