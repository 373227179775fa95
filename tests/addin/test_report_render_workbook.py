"""Relatórios in the workbook, through the real .xlsx file port: each report a sheet of values
(the port writes no formats or charts), for the months of the workbook's entries; a chart's
figures written under its title; the user's text inert; run again, the sheets are replaced."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

from openpyxl import load_workbook
from report_samples import HOSTILE, balancete

from retaguarda.addin import macros
from retaguarda.addin.reports.catalog import REPORTS
from retaguarda.addin.reports.workbook import CHARTS_NOTE, NOTHING, SHEETS, report_grid
from retaguarda.addin.xlsx_file import XlsxWorkbook, open_workbook
from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.model import OWN_SHEETS, REPORT_SHEETS
from retaguarda.templates.render import render_workbook

TODAY = date(2026, 11, 25)
SAMPLES = Path(__file__).parents[2] / "workbooks" / "samples"
CHART = [
    ["1", "Ativo", "Ativo", "Devedora", "Não"],
    ["1.1.01", "Caixa", "Ativo", "Devedora", "Sim"],
    ["1.1.02", "Bancos", "Ativo", "Devedora", "Sim"],
    ["3", "Receitas", "Receita", "Credora", "Não"],
    ["3.1.01", "Receita de vendas", "Receita", "Credora", "Sim"],
    ["4", "Despesas", "Despesa", "Devedora", "Não"],
    ["4.1.03", "Aluguel", "Despesa", "Devedora", "Sim"],
]
#: January: sales of 1.000,00 and 500,00 into the bank; February: rent of 300,00 paid from
#: the bank, 200,00 moved to the cash box. A line dated 2031 (a typo) does not stretch the
#: period past today.
ENTRIES = [
    [date(2026, 1, 5), "NF-1", "Venda", "1.1.02", "3.1.01", D("1000.00")],
    [date(2026, 1, 20), "NF-2", "Venda", "1.1.02", "3.1.01", D("500.00")],
    [date(2026, 2, 10), "AL-2", "Aluguel", "4.1.03", "1.1.02", D("300.00")],
    [date(2026, 2, 27), "SQ-1", "Saque", "1.1.01", "1.1.02", D("200.00")],
    [date(2031, 2, 27), "SQ-2", "Saque", "1.1.01", "1.1.02", D("1.00")],
]


def test_the_grid_lays_a_report_out_as_a_person_reads_it():
    grid = report_grid(balancete())
    assert grid[0][0] == "Balancete de verificação"
    assert grid[1][0] == "Consolidado (Matriz, Filial Rio) · janeiro a março de 2026"
    assert grid[3][0] == "Contas"
    assert grid[4] == ["Conta", "Nome", "Saldo inicial", "Débitos", "Créditos", "Saldo final"]
    assert grid[5][:2] == ["  1.1", "  Ativo circulante"]  # level 1: two spaces
    assert grid[6] == [
        "    1.1.01",
        "    Caixa",
        D("1000.00"),
        D("250.50"),
        D("100.00"),
        D("1150.50"),
    ]
    # inert: an indented text starts with spaces, never a formula, and shows no quote
    assert grid[8][1] == "    " + HOSTILE
    assert grid[10][3:5] == [D("4585.00"), D("4585.00")]  # the totals
    at = next(i for i, row in enumerate(grid) if row[0] == CHARTS_NOTE)
    assert grid[at + 1][0] == "Débitos e saldo por mês (R$)"
    assert grid[at + 2][:3] == ["", "Débitos", "Saldo"]
    assert grid[at + 5][:3] == ["03/2026", D("1500.00"), D("7916.00")]
    assert {len(row) for row in grid} == {6}  # a rectangle, as a port writes it


def test_relatorios_writes_each_report_as_a_sheet_of_the_workbook(tmp_path):
    source = render_workbook(
        tmp_path / "empresa.xlsx",
        [(TEMPLATES["plano_de_contas"], CHART), (TEMPLATES["lancamentos"], ENTRIES)],
    )
    book = open_workbook(source)
    made = macros.reports(XlsxWorkbook(book), TODAY)
    assert [r.kind for r in made][:3] == ["balancete", "dre", "balanco"]
    assert made[0].period.start == date(2026, 1, 1)
    assert made[0].period.end == date(2026, 2, 28)
    out = tmp_path / "depois.xlsx"
    book.save(out)
    saved = load_workbook(out)
    assert {"Rel. Balancete", "Rel. DRE", "Rel. Balanço patrimonial"} <= set(saved.sheetnames)
    sheet = saved["Rel. Balancete"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[1][0] == "Esta pasta · janeiro a fevereiro de 2026"
    by_code = {str(r[0]).strip(): r for r in rows if r[0] and str(r[0]).strip()[:1].isdigit()}
    # Bancos: debits 1.000,00 + 500,00 = 1.500,00; credits 300,00 + 200,00 = 500,00
    assert by_code["1.1.02"][3:6] == [1500, 500, 1000]
    assert by_code["1.1.01"][3:6] == [200, 0, 200]
    assert str(by_code["1.1.01"][0]).startswith("  ")  # indented under its group
    (totals,) = [r for r in rows if r[3] == 2000]  # 1.500,00 + 300,00 + 200,00 each side
    assert totals[4] == 2000


def test_relatorios_run_twice_replaces_its_sheets(tmp_path):
    source = render_workbook(
        tmp_path / "empresa.xlsx",
        [(TEMPLATES["plano_de_contas"], CHART), (TEMPLATES["lancamentos"], ENTRIES)],
    )
    book = open_workbook(source)
    port = XlsxWorkbook(book)
    first = [r.kind for r in macros.reports(port, TODAY)]
    names = list(book.sheetnames)
    again = [r.kind for r in macros.reports(port, TODAY)]
    assert again == first
    assert list(book.sheetnames) == names


def test_the_report_sheets_are_the_add_ins_own_never_read_as_data():
    assert set(SHEETS) == set(REPORTS)
    assert set(SHEETS.values()) == set(REPORT_SHEETS) <= OWN_SHEETS
    book = open_workbook(SAMPLES / "matriz.xlsx")
    port = XlsxWorkbook(book)
    before = [t.sheet for t in macros.read_workbook_tables(port)]
    assert "Rel. Estoque" in {r for r in (SHEETS[m.kind] for m in macros.reports(port, TODAY))}
    # "Rel. Estoque" has the headers of a stock count (SKU, Depósito, Quantidade): Validar,
    # Conciliar and the others still read only the user's sheets
    assert [t.sheet for t in macros.read_workbook_tables(port)] == before


def test_a_workbook_without_entries_is_told_why(tmp_path):
    source = render_workbook(tmp_path / "plano.xlsx", [(TEMPLATES["plano_de_contas"], CHART)])
    book = open_workbook(source)
    assert macros.reports(XlsxWorkbook(book), TODAY) == []
    assert book["Retaguarda"]["A1"].value == NOTHING
