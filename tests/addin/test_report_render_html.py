"""The HTML page of reports, parsed: the figures in pt-BR under column headers, the totals, the
charts as inline SVG with their titles, nothing loaded from elsewhere and nothing that runs."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest
from lxml import html
from report_samples import HOSTILE, balancete, estoque

from retaguarda.addin.reports.model import Chart, Series
from retaguarda.addin.reports.report_html import report_body, report_page
from retaguarda.addin.reports.svg_charts import nice_ticks

SVG = "{http://www.w3.org/2000/svg}"


def _page():
    return html.fromstring(report_page([balancete(), estoque()]).encode())


def _cells(row):
    return [" ".join(c.text_content().split()) for c in row.xpath("./th|./td")]


def test_the_tables_show_the_figures_as_brazil_writes_them():
    page = _page()
    assert page.xpath("//html/@lang") == ["pt-BR"]
    first = page.xpath("//section")[0]
    assert first.xpath("./h1")[0].text_content() == "Balancete de verificação"
    scope = first.xpath("./p[@class='rg-scope']")[0].text_content()
    assert scope == "Consolidado (Matriz, Filial Rio) · janeiro a março de 2026"
    accounts = first.xpath(".//table")[0]
    assert accounts.xpath("./caption")[0].text_content() == "Contas"
    headers = accounts.xpath("./thead/tr/th")
    assert [h.text_content().strip() for h in headers][2:] == [
        "Saldo inicial",
        "Débitos",
        "Créditos",
        "Saldo final",
    ]
    assert {h.get("scope") for h in headers} == {"col"}
    rows = accounts.xpath("./tbody/tr")
    # 1.000,00 + 250,50 − 100,00 = 1.150,50
    assert _cells(rows[1]) == [
        "1.1.01",
        "Caixa",
        "R$ 1.000,00",
        "R$ 250,50",
        "R$ 100,00",
        "R$ 1.150,50",
    ]
    assert rows[0].get("class") == "subtotal"
    assert _cells(rows[3])[1] == HOSTILE  # shown as text
    negative = rows[3].xpath("./td")[-1]
    assert negative.text_content() == "-R$ 3.250,50"
    assert "neg" in negative.get("class")
    (totals,) = accounts.xpath("./tfoot/tr")
    assert totals.get("class") == "total"
    assert _cells(totals)[3:5] == ["R$ 4.585,00", "R$ 4.585,00"]
    monthly = first.xpath(".//table")[1]
    assert _cells(monthly.xpath("./tbody/tr")[0]) == ["01/2026", "R$ 1.500,00", "32,7%", "1.204"]
    stock = page.xpath("//section")[1].xpath(".//tbody/tr")
    assert _cells(stock[0]) == ["A-1", "12,5", "R$ 100,00", "05/03/2026"]


def test_charts_are_inline_svg_with_titles_a_screen_reader_reads():
    page = _page()
    svgs = page.xpath("//svg")
    assert len(svgs) == 4
    for svg in svgs:
        assert svg.get("role") == "img"
        (title,) = svg.xpath(f"./title[@id='{svg.get('aria-labelledby')}']")
        assert title.text_content()
    combined = svgs[0]
    assert combined.xpath("./title")[0].text_content() == "Débitos e saldo por mês (R$)"
    columns = [r.xpath("./title")[0].text_content() for r in combined.xpath(".//rect[title]")]
    assert columns == [
        "Débitos, 01/2026: R$ 1.500,00",
        "Débitos, 02/2026: R$ 1.585,00",
        "Débitos, 03/2026: R$ 1.500,00",
    ]
    assert len(combined.xpath(".//polyline")) == 1  # the balance, drawn as a line
    points = [c.xpath("./title")[0].text_content() for c in combined.xpath(".//circle")]
    assert points[-1] == "Saldo, 03/2026: R$ 7.916,00"
    pie = svgs[1]
    slices = [p.xpath("./title")[0].text_content() for p in pie.xpath(".//path")]
    assert slices == ["A-1: R$ 100,00 (50,0%)", "B-2: R$ 100,00 (50,0%)"]
    stacked = svgs[2]
    heights = [float(r.get("height")) for r in stacked.xpath(".//rect[title]")]
    # Central: 60,00 then 100,00 on top of it; Loja: 40,00 then 0,00
    assert heights[1] / heights[0] == pytest.approx(100 / 60, rel=0.01)


def test_the_page_loads_nothing_and_runs_nothing():
    text = report_page([balancete(), estoque()])
    page = html.fromstring(text.encode())
    assert not page.xpath("//script|//link|//img|//iframe|//@src|//@href")
    assert "http://x.example" not in " ".join(page.xpath("//@*"))
    assert "<style>" in text
    assert "@media print" in text


def test_the_body_for_the_dashboard_has_no_page_around_it():
    body = str(report_body([estoque()]))
    assert "<html" not in body
    assert "<style" not in body
    assert body.lstrip().startswith("<section")


def test_axis_ticks_are_round_numbers_covering_zero():
    assert [str(t) for t in nice_ticks(D("0"), D("7916"))] == [
        "0",
        "2000",
        "4000",
        "6000",
        "8000",
    ]
    ticks = nice_ticks(D("-3250.50"), D("1150.50"))
    assert ticks[0] <= D("-3250.50")
    assert ticks[-1] >= D("1150.50")
    assert D(0) in ticks


def test_a_long_axis_names_every_nth_category_and_an_empty_chart_is_left_out():
    days = tuple(f"{d:02d}/01" for d in range(1, 32)) * 3  # 93 days
    balance = Series("Saldo", tuple(D(n) for n in range(93)), kind="line")
    flows = Series("Entradas", tuple(D(1) for _ in range(93)))
    long = Chart("column", "Por dia", days, (flows, balance))
    empty = Chart("pie", "Nada", (), ())
    report = replace(estoque(), charts=(long, empty))
    page = html.fromstring(report_page([report]).encode())
    (svg,) = page.xpath("//svg")
    named = svg.xpath(".//text[@transform][@text-anchor='end']")  # slanted categories
    assert len(named) == 24  # every 4th of 93: 1, 5, ..., 93
    assert len(svg.xpath(".//rect[title]")) == 93  # every column keeps its figure
    assert {c.get("r") for c in svg.xpath(".//circle")} == {"1.5"}  # a line, not 93 dots


def test_text_from_the_books_is_shown_never_run():
    report = replace(estoque(), scope="Matriz & Filial <script>alert(1)</script>")
    page = html.fromstring(report_page([report]).encode())
    assert not page.xpath("//script")
    scope = page.xpath("//p[@class='rg-scope']")[0].text_content()
    assert scope.startswith("Matriz & Filial <script>alert(1)</script> · ")
