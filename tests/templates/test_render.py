"""Rendered workbooks, read back as Excel users and our readers see them (openpyxl, calamine)."""

import csv
import datetime as dt
import os
import re
import shutil
import subprocess
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

from retaguarda.templates.catalog import COMPANY_WORKBOOK, TEMPLATES, get_template
from retaguarda.templates.catalog.plano_de_contas import STARTER_CHART
from retaguarda.templates.model import Kind, Template
from retaguarda.templates.render import (
    build_templates,
    render_company_workbook,
    render_template,
    render_workbook,
)

CHART = get_template("plano_de_contas")
LEDGER = get_template("lancamentos")
DOCS = Path(__file__).parents[2] / "docs" / "modelos.md"

MONEY = "[$R$-416] #,##0.00;-[$R$-416] #,##0.00"
#: The number format Excel's "Format Cells" shows for each type docs/modelos.md names; every
#: other type (texto, CPF, lista, conta do plano...) is Text ("@"), so leading zeros survive.
FORMAT_OF_TYPE = {
    "data": "dd/mm/yyyy",
    "mês (mm/aaaa)": "mm/yyyy",
    "valor (R$)": MONEY,
    "valor (R$, 4 casas)": "[$R$-416] #,##0.0000;-[$R$-416] #,##0.0000",
    "quantidade": "#,##0.0##",
    "número inteiro": "#,##0",
}
#: What Excel checks as the user types a number (openpyxl's names of data-validation types).
VALIDATION_OF_TYPE = {
    "valor (R$)": "decimal",
    "valor (R$, 4 casas)": "decimal",
    "quantidade": "decimal",
    "número inteiro": "whole",
}
#: Header fills: dark blue over the columns docs/modelos.md marks required, lighter blue otherwise.
REQUIRED_FILL, OPTIONAL_FILL = "FF1F4E78", "FF5B86B5"


def documented() -> dict[str, tuple[str, list[tuple[str, str, bool]]]]:
    """Each template as docs/modelos.md promises it to users: its sheet, then its columns
    (header, type, required), in order."""
    text = DOCS.read_text(encoding="utf-8")
    templates = {}
    for section in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        heading = re.match(r".* — `(\w+)` \(aba “(.+?)”, versão", section)
        if heading is None:
            continue
        columns = re.findall(r"^\| ([^|]+?) \| ([^|]+?) \| (sim|não) \|", section, re.MULTILINE)
        templates[heading[1]] = (heading[2], [(h, t, r == "sim") for h, t, r in columns])
    return templates


DOCUMENTED = documented()


def needs_chart(template: Template) -> bool:
    return template is not CHART and any(c.kind is Kind.ACCOUNT for c in template.columns)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    return {path.stem: path for path in build_templates(tmp_path_factory.mktemp("modelos"))}


def column_format(sheet, index: int) -> str:
    """The default number format of a column (openpyxl groups equal adjacent columns)."""
    for dim in list(sheet.column_dimensions.values()):
        if dim.min <= index <= dim.max:
            return dim.number_format
    return "General"


def column_width(sheet, index: int) -> float:
    for dim in list(sheet.column_dimensions.values()):
        if dim.min <= index <= dim.max:
            return dim.width
    raise AssertionError(f"column {index} has no width")


def validation_at(sheet, cell: str):
    found = [dv for dv in sheet.data_validations.dataValidation if cell in dv.sqref]
    assert len(found) == 1, f"{sheet.title}!{cell}: {len(found)} validations"
    return found[0]


def meta_rows(book) -> list[tuple]:
    return [tuple(v or "" for v in row) for row in book["_retaguarda"].values]


def test_build_writes_every_template_and_the_company_workbook(built):
    assert set(built) == {*TEMPLATES, "empresa"}
    assert all(path.name == f"{stem}.xlsx" for stem, path in built.items())


def test_the_docs_describe_every_template():
    assert set(DOCUMENTED) == set(TEMPLATES)
    assert all(columns for _, columns in DOCUMENTED.values())


@pytest.mark.parametrize("template_id", list(TEMPLATES))
def test_template_sheet_has_header_table_and_formats(built, template_id):
    template = TEMPLATES[template_id]
    sheet_name, columns = DOCUMENTED[template_id]
    book = openpyxl.load_workbook(built[template_id])
    sheet = book[sheet_name]
    assert book.sheetnames[0] == sheet_name
    assert book.active.title == sheet_name

    # the documented headers, then the hidden row identity the sync service fills in
    assert tuple(c.value for c in sheet[1]) == (*(header for header, _, _ in columns), "ID")
    id_letter = get_column_letter(len(columns) + 1)
    assert sheet.column_dimensions[id_letter].hidden
    assert column_format(sheet, len(columns) + 1) == "@"
    assert sheet.cell(1, len(columns) + 1).fill.fgColor.rgb == OPTIONAL_FILL
    assert sheet.freeze_panes == "A2"
    last = id_letter
    rows = len(STARTER_CHART) if template is CHART else 1
    assert dict(sheet.tables.items()) == {f"tbl_{template_id}": f"A1:{last}{1 + rows}"}
    assert sheet.tables[f"tbl_{template_id}"].tableStyleInfo.name == "TableStyleMedium2"

    for index, ((header, kind, required), column) in enumerate(
        zip(columns, template.columns, strict=True), start=1
    ):
        cell = sheet.cell(1, index)
        assert cell.font.b
        assert cell.font.color.rgb == "FFFFFFFF"
        assert cell.fill.fgColor.rgb == (REQUIRED_FILL if required else OPTIONAL_FILL), header
        assert cell.alignment.wrap_text
        assert ("Obrigatório." if required else "Opcional.") in cell.comment.text, header
        assert column.help in cell.comment.text
        assert column_format(sheet, index) == FORMAT_OF_TYPE.get(kind, "@"), header
        # xlsxwriter adds Excel's cell padding (~0.71) to the width it is given.
        assert column_width(sheet, index) >= column.width + 0.7, header


@pytest.mark.parametrize("template_id", [t for t in TEMPLATES if t != "plano_de_contas"])
def test_blank_template_row_is_truly_empty(built, template_id):
    template = TEMPLATES[template_id]
    rows = CalamineWorkbook.from_path(built[template_id]).get_sheet_by_name(template.sheet)
    assert rows.to_python() == [[*template.headers, "ID"]]


@pytest.mark.parametrize("template_id", list(TEMPLATES))
def test_every_column_is_validated_with_its_help(built, template_id):
    template = TEMPLATES[template_id]
    sheet_name, columns = DOCUMENTED[template_id]
    sheet = openpyxl.load_workbook(built[template_id])[sheet_name]
    for index, ((header, kind, _), column) in enumerate(
        zip(columns, template.columns, strict=True), start=1
    ):
        letter = get_column_letter(index)
        dv = validation_at(sheet, f"{letter}2")
        assert str(dv.sqref) == f"{letter}2:{letter}1000"
        assert dv.promptTitle == header
        assert column.help in dv.prompt
        assert dv.showInputMessage
        if kind == "lista":
            assert (dv.type, dv.formula1) == ("list", '"' + ",".join(column.choices) + '"')
        elif kind == "conta do plano" and template is not CHART:
            assert (dv.type, dv.formula1, dv.errorStyle) == ("list", "rg_contas", "warning")
        elif kind in ("data", "mês (mm/aaaa)"):
            # 1 and 73415 are Excel's serials of 01/01/1900 and 31/12/2100.
            assert (dv.type, dv.formula1, dv.formula2) == ("date", "1", "73415")
            assert "data" in dv.error.lower()
        elif kind in VALIDATION_OF_TYPE:
            assert dv.type == VALIDATION_OF_TYPE[kind], header
            if column.positive:
                assert (dv.operator, dv.formula1) == ("greaterThanOrEqual", "0")
            else:
                assert dv.operator in (None, "between")
        else:
            assert dv.type in (None, "none"), header


@pytest.mark.parametrize("template_id", [t for t in TEMPLATES if needs_chart(TEMPLATES[t])])
def test_account_dropdowns_come_with_the_starter_chart(built, template_id):
    book = openpyxl.load_workbook(built[template_id])
    assert book.defined_names["rg_contas"].attr_text == "'Plano de contas'!$A$2:$A$1000"
    chart = book[CHART.sheet]
    assert tuple(c.value for c in chart[1]) == (*CHART.headers, "ID")
    width = len(CHART.columns)
    rows = [tuple(r) for r in chart.iter_rows(min_row=2, max_col=width, values_only=True)]
    assert rows == list(STARTER_CHART)
    assert all(c.data_type == "s" for c in chart["A"])
    assert chart.tables["tbl_plano_de_contas"].ref == f"A1:F{1 + len(STARTER_CHART)}"


def test_templates_without_accounts_carry_no_chart(built):
    for template_id in ("folha", "estoque_movimentos", "estoque_contagem", "extrato"):
        book = openpyxl.load_workbook(built[template_id])
        assert book.sheetnames == [TEMPLATES[template_id].sheet, "Instruções", "_retaguarda"]
        assert "rg_contas" not in book.defined_names


def test_starter_chart_is_a_consistent_chart():
    codes = [row[0] for row in STARTER_CHART]
    assert 20 <= len(codes) <= 40
    assert len(set(codes)) == len(codes)
    for code, _name, kind, nature, postable in STARTER_CHART:
        parent = code.rpartition(".")[0]
        assert not parent or parent in codes, code
        has_children = any(c.startswith(code + ".") for c in codes)
        assert postable == ("Não" if has_children else "Sim"), code
        assert kind in CHART.column("tipo").choices
        assert nature in CHART.column("natureza").choices
    names = {row[0]: row[1] for row in STARTER_CHART}
    assert names["1.1.01"] == "Caixa"
    assert names["2.1.01"] == "Fornecedores"
    assert names["3.1.01"] == "Receita de vendas"


def test_chart_codes_are_not_checked_against_themselves(built):
    sheet = openpyxl.load_workbook(built["plano_de_contas"])[CHART.sheet]
    assert validation_at(sheet, "A2").type in (None, "none")


@pytest.mark.parametrize("template_id", list(TEMPLATES))
def test_hidden_sheet_records_templates_and_versions(built, template_id):
    template = TEMPLATES[template_id]
    book = openpyxl.load_workbook(built[template_id])
    assert book["_retaguarda"].sheet_state == "hidden"
    rows = meta_rows(book)
    assert rows[0] == ("chave", "valor", "aba")
    assert ("gerado_por", f"retaguarda {version('retaguarda')}", "") in rows
    assert ("template", template.id, template.sheet) in rows
    assert ("versao", template.version, template.sheet) in rows
    expected = {template.id, *(["plano_de_contas"] if needs_chart(template) else [])}
    assert {value for key, value, _ in rows if key == "template"} == expected


def test_instructions_explain_every_column(built):
    book = openpyxl.load_workbook(built["empresa"])
    cells = book["Instruções"].iter_rows(values_only=True)
    text = "\n".join(str(value) for row in cells for value in row if value)
    assert "Pendências" in text
    assert "vermelho" in text
    assert f"retaguarda {version('retaguarda')}" in text
    for template in TEMPLATES.values():
        assert f"modelo {template.id}, versão {template.version}" in text
        for column in template.columns:
            assert column.header in text
            assert column.help in text
    assert "Um destes: Entrada, Saída ou Ajuste." in text


def test_company_workbook_holds_every_ledger_sheet(built):
    book = openpyxl.load_workbook(built["empresa"])
    sheets = [TEMPLATES[t].sheet for t in COMPANY_WORKBOOK]
    assert book.sheetnames == [*sheets, "Instruções", "_retaguarda"]
    assert book.active.title == sheets[0]
    assert book.defined_names["rg_contas"].attr_text == "'Plano de contas'!$A$2:$A$1000"
    for template_id in COMPANY_WORKBOOK:
        template = TEMPLATES[template_id]
        sheet = book[template.sheet]
        assert tuple(c.value for c in sheet[1]) == (*template.headers, "ID")
        assert f"tbl_{template_id}" in sheet.tables
    rows = meta_rows(book)
    assert [value for key, value, _ in rows if key == "template"] == list(COMPANY_WORKBOOK)

    calamine = CalamineWorkbook.from_path(built["empresa"])
    assert calamine.sheet_names == book.sheetnames
    for template_id in COMPANY_WORKBOOK:
        template = TEMPLATES[template_id]
        assert calamine.get_sheet_by_name(template.sheet).to_python()[0] == [
            *template.headers,
            "ID",
        ]


def test_company_workbook_adds_the_chart_its_sheets_need(tmp_path):
    path = render_company_workbook(tmp_path / "livro.xlsx", ["lancamentos", "extrato"])
    book = openpyxl.load_workbook(path)
    sheets = ["Plano de contas", "Lançamentos", "Extrato bancário"]
    assert book.sheetnames == [*sheets, "Instruções", "_retaguarda"]


def test_data_rows_keep_their_types(tmp_path):
    payroll = get_template("folha")
    stock = get_template("estoque_movimentos")
    ledger_rows = [
        (
            dt.date(2026, 3, 5),
            "00123",
            "Venda à vista",
            "1.1.01",
            "3.1.01",
            Decimal("1234.56"),
            None,
            "01234567000195",
            '=HYPERLINK("http://x")',
        ),
        ("31/02/2026", None, "Data impossível", "1.1.02", "2.1.01", "R$ 12,00", "", "", "-1"),
    ]
    payroll_row = [dt.date(2026, 2, 1), "0007", "Maria", "01234567890", "01234567890"]
    stock_row = [
        dt.date(2026, 3, 5),
        "000123",
        "Parafuso",
        "0731.81.50",
        "Ajuste",
        Decimal("-2.5"),
        Decimal("0.1234"),
        "CD",
    ]
    path = render_workbook(
        tmp_path / "sub" / "amostra.xlsx",
        [
            (LEDGER, ledger_rows),
            (payroll, [payroll_row]),
            (stock, [stock_row]),
            (CHART, STARTER_CHART),
        ],
        title_rows=("Dados de exemplo",),
        company="Comercial Exemplo Ltda",
    )
    book = openpyxl.load_workbook(path)
    sheet = book[LEDGER.sheet]
    assert sheet.tables["tbl_lancamentos"].ref == "A1:J3"  # J: the hidden ID

    date, document, money, cnpj, formula = (sheet[c] for c in ("A2", "B2", "F2", "H2", "I2"))
    assert (date.value, date.is_date, date.number_format) == (
        dt.datetime(2026, 3, 5),
        True,
        "dd/mm/yyyy",
    )
    assert (money.value, money.data_type, money.number_format) == (1234.56, "n", MONEY)
    assert (cnpj.value, cnpj.data_type, cnpj.number_format) == ("01234567000195", "s", "@")
    assert (document.value, document.data_type) == ("00123", "s")
    assert (formula.value, formula.data_type) == ('=HYPERLINK("http://x")', "s")
    assert sheet["G2"].value is None

    # What does not fit its column stays as typed, for validation to report.
    assert (sheet["A3"].value, sheet["A3"].data_type) == ("31/02/2026", "s")
    assert (sheet["F3"].value, sheet["F3"].data_type) == ("R$ 12,00", "s")
    assert (sheet["I3"].value, sheet["I3"].data_type) == ("-1", "s")
    assert sheet["G3"].value is None

    month = book[payroll.sheet]["A2"]
    assert (month.value, month.number_format) == (dt.datetime(2026, 2, 1), "mm/yyyy")
    movement = book[stock.sheet]
    assert (movement["F2"].value, movement["F2"].number_format) == (-2.5, "#,##0.0##")
    assert (movement["G2"].value, movement["G2"].number_format) == (
        0.1234,
        "[$R$-416] #,##0.0000;-[$R$-416] #,##0.0000",
    )

    assert ("empresa", "Comercial Exemplo Ltda", "") in meta_rows(book)
    instructions = [row[0] for row in book["Instruções"].iter_rows(max_col=1, values_only=True)]
    assert "Retaguarda — Dados de exemplo" in instructions
    assert "Empresa: Comercial Exemplo Ltda" in instructions

    rows = CalamineWorkbook.from_path(path).get_sheet_by_name(LEDGER.sheet).to_python()
    date, document, _, debit, credit, value, _, cnpj, _, row_id = rows[1]
    assert row_id == ""  # until the sync service gives the row its identity
    assert (date, document, debit, credit) == (dt.date(2026, 3, 5), "00123", "1.1.01", "3.1.01")
    assert (value, cnpj) == (1234.56, "01234567000195")
    calamine_payroll = CalamineWorkbook.from_path(path).get_sheet_by_name(payroll.sheet)
    assert calamine_payroll.to_python()[1][3:5] == ["01234567890", "01234567890"]


def test_checks_reach_past_long_data(tmp_path):
    chart = [(f"9.{i:04d}", f"Conta {i}", "Despesa", "Devedora", "Sim") for i in range(1200)]
    path = render_workbook(tmp_path / "grande.xlsx", [(CHART, chart), (LEDGER, [])])
    book = openpyxl.load_workbook(path)
    assert book.defined_names["rg_contas"].attr_text == "'Plano de contas'!$A$2:$A$1701"
    assert str(validation_at(book[CHART.sheet], "C2").sqref) == "C2:C1701"
    assert str(validation_at(book[LEDGER.sheet], "D2").sqref) == "D2:D1000"


def test_account_sheets_need_the_chart_in_the_same_workbook(tmp_path):
    with pytest.raises(ValueError, match="Plano de contas"):
        render_workbook(tmp_path / "x.xlsx", [(LEDGER, [])])


def test_rows_longer_than_the_template_are_refused(tmp_path):
    extrato = get_template("extrato")
    with pytest.raises(ValueError, match="linha 2"):
        render_workbook(tmp_path / "x.xlsx", [(extrato, [["a"] * 8])])


def test_a_sheet_cannot_appear_twice(tmp_path):
    extrato = get_template("extrato")
    with pytest.raises(ValueError, match="repetidas"):
        render_workbook(tmp_path / "x.xlsx", [(extrato, []), (extrato, [])])


def test_rendering_is_deterministic(tmp_path, built):
    again = build_templates(tmp_path / "again")
    assert {path.stem: path.read_bytes() for path in again} == {
        stem: path.read_bytes() for stem, path in built.items()
    }
    first = render_template(LEDGER, tmp_path / "a.xlsx").read_bytes()
    assert render_template(LEDGER, tmp_path / "b.xlsx").read_bytes() == first


PT_BR_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">
<value>pt-BR</value></prop></item>
</oor:items>
"""


def shown_by_libreoffice(soffice: str, book: Path, out: Path) -> dict[str, list[dict[str, str]]]:
    """Each sheet's rows as a spreadsheet on a Brazilian machine displays them: LibreOffice,
    set to pt-BR, saves every sheet as CSV "as shown" (its own reading of the number formats)."""
    profile = out / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(PT_BR_PROFILE, encoding="utf-8")
    # separator ;, quote ", UTF-8, from row 1, ..., cells as shown, every sheet (-1)
    options = "59,34,76,1,,1046,false,true,true,false,false,-1"
    subprocess.run(
        [
            soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            f"csv:Text - txt - csv (StarCalc):{options}",
            "--outdir",
            str(out),
            str(book),
        ],
        capture_output=True,
        check=True,
        timeout=300,
        # the locale comes from the profile alone; C.UTF-8 only keeps sheet names in file names
        env={"PATH": os.environ["PATH"], "HOME": str(out), "LC_ALL": "C.UTF-8"},
    )
    sheets = {}
    for path in out.glob(f"{book.stem}-*.csv"):
        with path.open(encoding="utf-8", newline="") as file:
            sheets[path.stem.removeprefix(f"{book.stem}-")] = list(
                csv.DictReader(file, delimiter=";")
            )
    return sheets


def test_a_brazilian_user_sees_reais_dates_and_decimal_commas(tmp_path):
    """docs/modelos.md promises Brazilian formats (R$ 1.234,56, dd/mm/aaaa): an independent
    spreadsheet shows the rendered values that way."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")  # CI installs it (.ci/run)
    payroll, stock, bank = (get_template(t) for t in ("folha", "estoque_movimentos", "extrato"))
    path = render_workbook(
        tmp_path / "amostra.xlsx",
        [
            (
                LEDGER,
                [(dt.date(2026, 3, 5), "00123", "Venda", "1.1.01", "3.1.01", Decimal("1234.56"))],
            ),
            (
                payroll,
                [
                    [
                        dt.date(2026, 2, 1),
                        "0007",
                        "Maria",
                        "",
                        "",
                        "",
                        dt.date(2020, 1, 2),
                        Decimal("1621"),
                        Decimal("10.5"),
                        None,
                        None,
                        2,
                    ]
                ],
            ),
            (
                stock,
                [
                    (
                        dt.date(2026, 3, 5),
                        "P1",
                        "",
                        "",
                        "Ajuste",
                        Decimal("-1234.5"),
                        Decimal("0.1234"),
                    )
                ],
            ),
            (bank, [(dt.date(2026, 3, 6), "Tarifa", "", Decimal("-12.3"), Decimal("1000000"))]),
            (CHART, STARTER_CHART),
        ],
    )
    shown = shown_by_libreoffice(soffice, path, tmp_path / "csv")

    (ledger,) = shown["Lançamentos"]
    assert (ledger["Data"], ledger["Documento"], ledger["Valor"]) == (
        "05/03/2026",
        "00123",
        "R$ 1.234,56",
    )
    (month,) = shown["Folha de pagamento"]
    assert (month["Competência"], month["Matrícula"], month["Admissão"]) == (
        "02/2026",
        "0007",
        "02/01/2020",
    )
    assert (month["Salário base"], month["Horas extras 50%"], month["Dependentes"]) == (
        "R$ 1.621,00",
        "10,5",
        "2",
    )
    (movement,) = shown["Movimentações de estoque"]
    assert (movement["Quantidade"], movement["Custo unitário"]) == ("-1.234,5", "R$ 0,1234")
    (line,) = shown["Extrato bancário"]
    assert (line["Valor"], line["Saldo"]) == ("-R$ 12,30", "R$ 1.000.000,00")
