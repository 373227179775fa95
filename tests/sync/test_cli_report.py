"""`retaguarda report`: the JSON the issue names, the files --out writes, the terminal table,
and bad input as exit 2 with one sentence in Portuguese."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from decimal import Decimal as D

import pytest
from click.testing import CliRunner
from lxml import html
from openpyxl import load_workbook

from retaguarda.sync.cli import main
from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.render import render_workbook

CHART = [
    ["1", "Ativo", "Ativo", "Devedora", "Não"],
    ["1.1.01", "Caixa", "Ativo", "Devedora", "Sim"],
    ["1.1.02", "Bancos", "Ativo", "Devedora", "Sim"],
    ["3", "Receitas", "Receita", "Credora", "Não"],
    ["3.1.01", "Receita de vendas", "Receita", "Credora", "Sim"],
    ["4", "Despesas", "Despesa", "Devedora", "Não"],
    ["4.1.03", "Aluguel", "Despesa", "Devedora", "Sim"],
]
#: December 2025: 800,00 of sales (before the period); January: 1.000,00 + 500,00 of sales;
#: February: rent 300,00 and 200,00 to the cash box; April: 50,00 of rent (after it)
ENTRIES = [
    [date(2025, 12, 10), "NF-0", "Venda", "1.1.02", "3.1.01", D("800.00")],
    [date(2026, 1, 5), "NF-1", "Venda", "1.1.02", "3.1.01", D("1000.00")],
    [date(2026, 1, 20), "NF-2", "Venda", "1.1.02", "3.1.01", D("500.00")],
    [date(2026, 2, 10), "AL-2", "Aluguel", "4.1.03", "1.1.02", D("300.00")],
    [date(2026, 2, 27), "SQ-1", "Saque", "1.1.01", "1.1.02", D("200.00")],
    [date(2026, 4, 10), "AL-4", "Aluguel", "4.1.03", "1.1.02", D("50.00")],
]
PERIOD = ["--from", "2026-01", "--to", "2026-03", "--today", "2026-11-25"]


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def books(tmp_path):
    return render_workbook(
        tmp_path / "empresa.xlsx",
        [(TEMPLATES["plano_de_contas"], CHART), (TEMPLATES["lancamentos"], ENTRIES)],
    )


def test_the_balancete_json_lists_each_account_and_the_totals(runner, books):
    result = runner.invoke(main, ["report", "balancete", str(books), *PERIOD, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["report"], data["from"], data["to"]) == ("balancete", "2026-01", "2026-03")
    by_account = {row["account"]: row for row in data["rows"]}
    assert set(by_account["1.1.02"]) == {"account", "name", "opening", "debit", "credit", "closing"}
    # Bancos: 800,00 before; 1.000,00 + 500,00 in; 300,00 + 200,00 out; 800 + 1500 − 500
    assert by_account["1.1.02"]["name"] == "Bancos"
    assert D(by_account["1.1.02"]["opening"]) == D("800.00")
    assert D(by_account["1.1.02"]["debit"]) == D("1500.00")
    assert D(by_account["1.1.02"]["credit"]) == D("500.00")
    assert D(by_account["1.1.02"]["closing"]) == D("1800.00")
    # 1.500,00 + 300,00 + 200,00 on each side; April's rent is after the period
    assert D(data["totals"]["debit"]) == D(data["totals"]["credit"]) == D("2000.00")


def test_the_terminal_shows_a_table_in_portuguese(runner, books):
    result = runner.invoke(main, ["report", "balancete", str(books), *PERIOD], terminal_width=160)
    assert result.exit_code == 0, result.output
    assert "Balancete de verificação" in result.stdout
    assert "janeiro a março de 2026" in result.stdout
    assert "valores em R$" in result.stdout
    assert "1.500,00" in result.stdout  # Bancos' debits


def test_out_writes_an_xlsx_with_a_sheet_per_report_or_an_html_page(runner, books, tmp_path):
    xlsx = tmp_path / "relatorios.xlsx"
    result = runner.invoke(main, ["report", "todos", str(books), *PERIOD, "--out", str(xlsx)])
    assert result.exit_code == 0, result.output
    assert f"relatório gravado em {xlsx}" in " ".join(result.stderr.split())
    sheets = load_workbook(xlsx).sheetnames
    assert sheets[0] == "Balancete de verificação"
    assert len(sheets) >= 3
    with zipfile.ZipFile(xlsx) as package:
        assert any(n.startswith("xl/charts/") for n in package.namelist())
    page = tmp_path / "dre.html"
    result = runner.invoke(main, ["report", "dre", str(books), *PERIOD, "--out", str(page)])
    assert result.exit_code == 0, result.output
    tree = html.fromstring(page.read_bytes())
    assert tree.xpath("//h1")[0].text_content()
    assert tree.xpath("//table//th")


def test_the_period_defaults_to_the_months_of_the_entries(runner, books):
    result = runner.invoke(
        main, ["report", "balancete", str(books), "--today", "2026-03-31", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # December 2025's entry to today's month; April's rent is after today
    assert (data["from"], data["to"]) == ("2025-12", "2026-02")


def test_the_cash_flow_takes_a_step(runner, books):
    command = ["report", "fluxo-de-caixa", str(books), *PERIOD, "--by", "week", "--format", "json"]
    result = runner.invoke(main, command)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["report"] == "fluxo-de-caixa"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--from", "2026-13"], "mês inválido em --from: “2026-13”"),
        (["--from", "2026-03", "--to", "2026-01"], "--to (01/2026) vem antes de --from (03/2026)"),
        (["--out", "relatorio.pdf"], "--out grava .xlsx ou .html"),
    ],
)
def test_bad_options_exit_2_with_one_sentence(runner, books, args, said):
    result = runner.invoke(
        main, ["report", "balancete", str(books), "--today", "2026-11-25", *args]
    )
    assert result.exit_code == 2
    assert said in " ".join(result.stderr.split())
    assert "Traceback" not in result.output


def test_an_unreadable_file_or_one_without_entries_exits_2(runner, tmp_path):
    fake = tmp_path / "razao.xlsx"
    fake.write_text("isto não é uma planilha", encoding="utf-8")
    result = runner.invoke(main, ["report", "balancete", str(fake), *PERIOD])
    assert result.exit_code == 2
    assert result.stderr.startswith("erro: ")
    assert "Traceback" not in result.output
    chart_only = render_workbook(tmp_path / "plano.xlsx", [(TEMPLATES["plano_de_contas"], CHART)])
    result = runner.invoke(main, ["report", "dre", str(chart_only), *PERIOD])
    assert result.exit_code == 2
    assert "nenhuma aba “Lançamentos” nos arquivos dados" in " ".join(result.stderr.split())
    missing = runner.invoke(main, ["report", "dre", str(tmp_path / "nada.xlsx"), *PERIOD])
    assert missing.exit_code == 2
    assert "Traceback" not in missing.output
