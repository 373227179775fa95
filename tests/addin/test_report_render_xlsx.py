"""The standalone .xlsx of reports, opened back as Excel would: the figures as numbers under
R$ formats, bold totals, indented accounts, the header frozen, the print setup, and native
charts drawing the figures written in "Dados dos gráficos"."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from datetime import datetime

import pytest
from lxml import etree
from openpyxl import load_workbook
from report_samples import HOSTILE, balancete, estoque

from retaguarda.addin.reconcile.bank_xlsx import MONEY
from retaguarda.addin.reports.model import Chart
from retaguarda.addin.reports.report_xlsx import DATA_SHEET, write_reports_xlsx

C = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}


@pytest.fixture
def book_path(tmp_path):
    return write_reports_xlsx([balancete(), estoque()], tmp_path / "relatorios.xlsx")


def test_one_sheet_per_report_and_the_charts_data(book_path):
    book = load_workbook(book_path)
    assert book.sheetnames == ["Balancete de verificação", "Posição de estoque", DATA_SHEET]
    sheet = book["Balancete de verificação"]
    assert sheet["A1"].value == "Balancete de verificação"
    assert sheet["A1"].font.b
    assert sheet["A2"].value == "Consolidado (Matriz, Filial Rio) · janeiro a março de 2026"


def test_the_figures_are_numbers_under_the_brazilian_formats(book_path):
    sheet = load_workbook(book_path)["Balancete de verificação"]
    assert [c.value for c in sheet[5]] == [
        "Conta",
        "Nome",
        "Saldo inicial",
        "Débitos",
        "Créditos",
        "Saldo final",
    ]
    caixa = sheet[7]
    assert caixa[0].value == "1.1.01"
    assert caixa[5].value == 1150.5  # 1.000,00 + 250,50 − 100,00
    assert caixa[5].number_format == MONEY
    assert caixa[0].alignment.indent == 2  # level 2 in the chart of accounts
    assert sheet["A6"].alignment.indent == 1
    assert sheet["A6"].font.b
    assert not caixa[5].font.b
    hostile = sheet["B9"]
    assert hostile.value == HOSTILE
    assert hostile.data_type == "s"
    assert sheet["F9"].value == -3250.5
    totals = sheet[11]
    assert totals[1].value == "Total"
    assert totals[3].value == totals[4].value == 4585  # debits equal credits
    assert totals[3].font.b
    assert totals[3].border.top.style == "thin"
    assert totals[2].value is None  # no total of opening balances
    assert sheet["A14"].value == "Mês"
    assert sheet["A15"].value == datetime(2026, 1, 1)
    assert sheet["A15"].number_format == "mm/yyyy"
    assert sheet["C15"].number_format == "0.0%"
    assert sheet["C15"].value == pytest.approx(0.3271)
    assert sheet["D15"].value == 1204
    assert sheet["D15"].number_format == "#,##0"
    assert sheet["A20"].value == "Observações"
    assert sheet["A21"].value == "Débitos e créditos conferem: R$ 4.585,00 de cada lado."


def test_the_header_is_frozen_and_the_sheet_prints_one_page_wide(book_path):
    book = load_workbook(book_path)
    sheet = book["Balancete de verificação"]
    assert sheet.freeze_panes == "A6"  # titles and the accounts' header stay in view
    assert sheet.print_title_rows is None  # five rows: no page for a header to head
    assert sheet.page_setup.fitToWidth in (None, 1)  # 1 is the default, left out of the file
    assert sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.paperSize == 9  # A4
    assert "Balancete de verificação" in sheet.oddHeader.left.text
    assert "janeiro a março de 2026" in sheet.oddHeader.right.text
    # 12 + 30 + 4 × 16 characters: wider than a portrait page takes
    assert sheet.page_setup.orientation == "landscape"
    assert book["Posição de estoque"].page_setup.orientation == "portrait"
    stock = book["Posição de estoque"]
    assert stock["B6"].value == 12.5
    assert stock["B6"].number_format == "#,##0.###"
    assert stock["D6"].value == datetime(2026, 3, 5)
    assert stock["D6"].number_format == "dd/mm/yyyy"


def test_a_long_table_repeats_its_header_on_every_page(tmp_path):
    short = balancete()
    main = replace(short.main, rows=short.main.rows * 8)  # 40 rows
    long = replace(short, sections=(main, *short.sections[1:]))
    sheet = load_workbook(write_reports_xlsx([long], tmp_path / "r.xlsx"))[long.title]
    assert sheet.print_title_rows == "$5:$5"


def _charts(path):
    with zipfile.ZipFile(path) as package:
        names = sorted(n for n in package.namelist() if n.startswith("xl/charts/chart"))
        return [etree.fromstring(package.read(n)) for n in names]


def test_native_charts_draw_the_figures_of_the_data_sheet(book_path):
    charts = _charts(book_path)
    assert len(charts) == 4  # one on the balancete, three on the stock
    combined = charts[0]
    # columns of the debits, a line of the balance, in one chart
    assert len(combined.findall(".//c:barChart", C)) == 1
    assert len(combined.findall(".//c:lineChart", C)) == 1
    refs = [f.text for f in combined.findall(".//c:ser/c:val/c:numRef/c:f", C)]
    assert refs == ["'Dados dos gráficos'!$B$3:$B$5", "'Dados dos gráficos'!$C$3:$C$5"]
    cats = combined.findall(".//c:ser/c:cat//c:f", C)
    assert cats[0].text == "'Dados dos gráficos'!$A$3:$A$5"
    title = "".join(combined.find(".//c:title", C).itertext())
    assert title == "Débitos e saldo por mês"
    data = load_workbook(book_path)[DATA_SHEET]
    assert [data.cell(r, 1).value for r in (3, 4, 5)] == ["01/2026", "02/2026", "03/2026"]
    assert [data.cell(r, 3).value for r in (3, 4, 5)] == [6500, 7200, 7916]
    assert data["B2"].value == "Débitos"
    assert data["C2"].value == "Saldo"
    pie, stacked, bar = charts[1:]
    assert pie.find(".//c:pieChart", C) is not None
    grouping = stacked.find(".//c:barChart/c:grouping", C).get("val")
    assert grouping == "stacked"
    assert bar.find(".//c:barChart/c:barDir", C).get("val") == "bar"
    assert len(stacked.findall(".//c:ser", C)) == 2


def test_an_unwritable_path_is_an_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        write_reports_xlsx([balancete()], tmp_path / "missing" / "r.xlsx")


def test_a_report_without_a_chart_to_draw_has_no_data_sheet(tmp_path):
    empty = replace(estoque(), charts=(Chart("pie", "Nada", (), ()),))
    path = write_reports_xlsx([empty], tmp_path / "r.xlsx")
    assert load_workbook(path).sheetnames == ["Posição de estoque"]
    assert _charts(path) == []


def test_an_ampersand_prints_itself_in_the_page_header(tmp_path):
    report = replace(estoque(), scope="Matriz & Filial")
    sheet = load_workbook(write_reports_xlsx([report], tmp_path / "r.xlsx"))[report.title]
    assert sheet.oddHeader.center.text == "Matriz && Filial"  # "&&" prints one "&"
