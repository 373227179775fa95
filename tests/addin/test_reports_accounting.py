"""Balancete, DRE and balanço of a small company's March, worked out by hand from the journal
in `reports_company` (the February entries open the books; the April one is never counted)."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import xlsxwriter
from reports_company import CHART, JOURNAL, MARCH, OPTIONS, company, journal_rows

from retaguarda.addin.reports.balancete import balancete
from retaguarda.addin.reports.balanco import balanco
from retaguarda.addin.reports.books import read_books
from retaguarda.addin.reports.catalog import REPORTS
from retaguarda.addin.reports.dre import dre
from retaguarda.templates.catalog import TEMPLATES


def by_account(report) -> dict[str, tuple[D, D, D, D]]:
    return {
        r.values["account"]: tuple(r.values[k] for k in ("opening", "debit", "credit", "closing"))
        for r in report.main.rows
    }


def test_the_registry_names_every_report():
    assert list(REPORTS) == [
        "balancete", "dre", "balanco", "fluxo-de-caixa", "aging", "folha", "estoque",
    ]  # fmt: skip


def test_balancete_of_march_to_the_cent():
    report = balancete([company()], MARCH, OPTIONS)
    assert [c.key for c in report.main.columns] == [
        "account", "name", "opening", "debit", "credit", "closing",
    ]  # fmt: skip
    rows = by_account(report)
    # Bancos: opened by 20.000 of capital + the 5.000 received in February = 25.000;
    # in: 3.000 + 12,35 = 3.012,35; out: 2.500 + 4.000 + 45,90 + 300 + 1.000 = 7.845,90;
    # closing 25.000 + 3.012,35 − 7.845,90 = 20.166,45.
    assert rows["1.1.02"] == (D("25000.00"), D("3012.35"), D("7845.90"), D("20166.45"))
    assert rows["1.1.01"] == (D("0.00"), D("300.00"), D("0.00"), D("300.00"))
    # Clientes: February's 5.000 sold and received; March sells 8.000, receives 3.000.
    assert rows["1.1.04"] == (D("0.00"), D("8000.00"), D("3000.00"), D("5000.00"))
    # Estoque: bought 6.000, sold at cost 3.600.
    assert rows["1.1.05"] == (D("0.00"), D("6000.00"), D("3600.00"), D("2400.00"))
    # Ativo circulante: debits 300 + 3.012,35 + 8.000 + 6.000 + 1.000 = 18.312,35;
    # credits 7.845,90 + 3.000 + 3.600 = 14.445,90; 25.000 + 18.312,35 − 14.445,90 = 28.866,45.
    assert rows["1.1"] == (D("25000.00"), D("18312.35"), D("14445.90"), D("28866.45"))
    assert rows["1"] == rows["1.1"]
    # Passivo circulante: paid 4.000 to the supplier; owes 6.000 + 4.200 + 640 = 10.840.
    assert rows["2.1"] == (D("0.00"), D("4000.00"), D("10840.00"), D("-6840.00"))
    # "2 Passivo" holds 2.3 (capital, 20.000 credor) as the starter chart has it.
    assert rows["2"] == (D("-20000.00"), D("4000.00"), D("10840.00"), D("-26840.00"))
    # Receitas: 5.000 before March; 8.000 + 12,35 credited, 640 of taxes debited.
    assert rows["3"] == (D("-5000.00"), D("640.00"), D("8012.35"), D("-12372.35"))
    # Custos e despesas: 4.200 + 2.500 + 45,90 + 3.600 = 10.345,90.
    assert rows["4"] == (D("0.00"), D("10345.90"), D("0.00"), D("10345.90"))
    # Every March entry once on each side: 6.000 + 8.000 + 3.600 + 640 + 2.500 + 4.000
    # + 3.000 + 45,90 + 12,35 + 4.200 + 300 + 1.000 = 33.298,25 (April's 999,99 left out).
    totals = report.main.totals.values
    assert (totals["opening"], totals["debit"], totals["credit"], totals["closing"]) == (
        D("0.00"), D("33298.25"), D("33298.25"), D("0.00"),
    )  # fmt: skip
    assert "Débitos e créditos conferem." in report.notes
    assert report.summary["balanced"] is True
    assert report.summary["debit_total"] == D("33298.25")


def test_balancete_rows_rolled_up_and_indented_by_depth():
    report = balancete([company()], MARCH, OPTIONS)
    rows = {r.values["account"]: r for r in report.main.rows}
    assert (rows["1"].level, rows["1.1"].level, rows["1.1.02"].level) == (0, 1, 2)
    assert (rows["1.1"].style, rows["1.1.02"].style) == ("subtotal", "normal")
    # accounts that never moved (Aplicações financeiras) are not listed
    assert "1.1.03" not in rows
    codes = [r.values["account"] for r in report.main.rows]
    assert codes[:3] == ["1", "1.1", "1.1.01"]


def test_dre_of_march_and_the_year_to_date():
    report = dre([company()], MARCH, OPTIONS)
    s = report.summary
    assert s["gross_revenue"] == D("8000.00")
    # "Impostos sobre vendas" is a Receita of Natureza Devedora: a deduction.
    assert s["deductions"] == D("-640.00")
    assert s["net_revenue"] == D("7360.00")  # 8.000 − 640
    assert s["costs"] == D("-3600.00")  # 4.2.01, under "4.2 Custos"
    assert s["gross_profit"] == D("3760.00")  # 7.360 − 3.600
    # Pessoal 4.200 + aluguel 2.500 + tarifa 45,90, under "4.1 Despesas operacionais"
    assert s["operating_expenses"] == D("-6745.90")
    assert s["operating_result"] == D("-2985.90")  # 3.760 − 6.745,90
    assert s["financial_income"] == D("12.35")  # 3.2.01, under "3.2 Receitas financeiras"
    assert s["result"] == D("-2973.55")  # −2.985,90 + 12,35
    # Year to date: February's sale of 5.000 too.
    assert s["ytd_result"] == D("2026.45")  # 5.000 − 2.973,55
    totals = report.main.totals.values
    assert (totals["2026-03"], totals["total"], totals["ytd"]) == (
        D("-2973.55"), D("-2973.55"), D("2026.45"),
    )  # fmt: skip
    assert [c.key for c in report.main.columns][2:] == ["2026-03", "total", "ytd"]
    (chart,) = report.charts
    # Receitas: 8.000 − 640 + 12,35; despesas: 3.600 + 6.745,90.
    assert [(x.name, x.values) for x in chart.series] == [
        ("Receitas", (D("7372.35"),)),
        ("Despesas", (D("10345.90"),)),
    ]


def test_dre_by_month_over_two_months():
    report = dre([company()], type(MARCH)(MARCH.start.replace(month=2), MARCH.end), OPTIONS)
    totals = report.main.totals.values
    assert (totals["2026-02"], totals["2026-03"], totals["total"]) == (
        D("5000.00"), D("-2973.55"), D("2026.45"),
    )  # fmt: skip


def test_balanco_on_the_31st_of_march():
    report = balanco([company()], MARCH, OPTIONS)
    s = report.summary
    # Ativo: caixa 300 + bancos 20.166,45 + clientes 5.000 + estoque 2.400 + filial 1.000
    assert s["assets"] == D("28866.45")
    assert s["liabilities"] == D("6840.00")  # 2.000 + 4.200 + 640
    # PL: capital 20.000 + February's result 5.000 + March's −2.973,55
    assert s["equity"] == D("22026.45")
    assert s["result"] == D("-2973.55")
    assert s["balanced"] is True
    names = {r.values["name"]: r.values["amount"] for r in report.main.rows}
    assert names["Resultado do período"] == D("-2973.55")
    assert names["Resultados anteriores não encerrados"] == D("5000.00")
    assert names["Capital social"] == D("20000.00")
    assert report.main.totals.values["amount"] == D("28866.45")
    assert "Ativo = passivo + patrimônio líquido." in report.notes


def test_an_account_the_chart_lacks_is_named_and_still_counted():
    journal = [*JOURNAL, ["15/03/2026", "X", "Conta nova", "4.1.99", "1.1.02", "10,00"]]
    report = balancete([company(journal=journal)], MARCH, OPTIONS)
    rows = by_account(report)
    assert rows["4.1.99"][1] == D("10.00")
    assert rows["4.1"][1] == D("6755.90")
    assert any("4.1.99" in note for note in report.notes)
    assert dre([company(journal=journal)], MARCH, OPTIONS).summary["operating_expenses"] == D(
        "-6755.90"
    )


def test_read_books_names_teams_after_their_files(tmp_path: Path):
    paths = []
    for folder in ("matriz", "filial"):
        (tmp_path / folder).mkdir()
        path = tmp_path / folder / "livros.xlsx"
        book = xlsxwriter.Workbook(path)
        chart = book.add_worksheet("Plano de contas")
        for r, row in enumerate([TEMPLATES["plano_de_contas"].headers, *CHART]):
            chart.write_row(r, 0, list(row))
        sheet = book.add_worksheet("Lançamentos")
        for r, row in enumerate([TEMPLATES["lancamentos"].headers, *journal_rows(JOURNAL)]):
            sheet.write_row(r, 0, list(row))
        book.close()
        paths.append(path)
    books = read_books(paths)
    assert [b.team for b in books] == ["livros", "livros (2)"]
    assert [len(b.of("lancamentos")[0]) for b in books] == [16, 16]
    report = balancete(books, MARCH, OPTIONS)
    assert report.scope == "Consolidado (livros, livros (2))"
    # Two identical companies: each figure doubled, the transfer account's 1.000 a side
    # debit with no credit to match it, so nothing eliminated.
    assert report.summary["debit_total"] == D("66596.50")
