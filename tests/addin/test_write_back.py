"""The marked copy and the marks, on the .xlsx file adapter and on xlwings' remote engine.

Colours are Excel's "bad" red written out as ARGB; control characters are expected as their
Unicode pictures (ESC "␛", BEL "␇"), the way a user sees them.
"""

from __future__ import annotations

import copy
import zipfile
from datetime import date, datetime
from pathlib import Path

import xlwings as xw
from openpyxl import load_workbook
from payloads import VBA, payload

from retaguarda.addin import macros, xlsx_file
from retaguarda.addin.excel import ExcelWorkbook
from retaguarda.addin.xlsx_file import XlsxWorkbook, write_back
from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.render import render_workbook
from retaguarda.templates.validate import Options, validate_paths
from retaguarda.validators.issues import Issue, Severity
from retaguarda.validators.report import Report

RED = "FFFFC7CE"
OPTIONS = Options(today=date(2026, 11, 25))
CHART = [
    ["1.1.02", "Bancos", "Ativo", "Devedora", "Sim"],
    ["3.1.01", "Receita de vendas", "Receita", "Credora", "Sim"],
]
GOOD = [date(2026, 3, 5), "NF-1", "Venda", "1.1.02", "3.1.01", 1234.56, "", "04252011000110"]
BAD = [date(2026, 3, 6), "NF-2", "Venda", "9.9.99", "3.1.01", "10,00", "", "", ""]
FORMULA = '=HYPERLINK("http://example.com/x","clique")'


def ledger(path: Path) -> Path:
    """Plano de contas + Lançamentos with one unknown account, in D3."""
    return render_workbook(
        path, [(TEMPLATES["plano_de_contas"], CHART), (TEMPLATES["lancamentos"], [GOOD, BAD])]
    )


def test_a_workbook_too_big_to_load_is_streamed_with_its_values_and_marks(tmp_path, monkeypatch):
    """Past the size openpyxl can load in time the copy is made from the cells as read: the
    same values with their types, the marks and notes, the hidden sheets still hidden."""
    source = ledger(tmp_path / "l.xlsx")
    monkeypatch.setattr(xlsx_file, "MAX_UNPACKED_FORMATTED", 0)  # every workbook is "big"
    out = tmp_path / "marcada.xlsx"
    written = write_back(source, validate_paths([source], OPTIONS), out)
    assert "grande demais" in written.notice
    book = load_workbook(out)
    ledger_sheet = book["Lançamentos"]
    assert ledger_sheet["A2"].value == datetime(2026, 3, 5)
    assert ledger_sheet["A2"].number_format == "dd/mm/yyyy"
    assert ledger_sheet["F2"].value == 1234.56
    assert ledger_sheet["H2"].value == "04252011000110"
    assert ledger_sheet["D3"].fill.fgColor.rgb == RED
    assert "não existe no Plano de contas" in ledger_sheet["D3"].comment.text
    assert book.sheetnames[0] == "Pendências"
    original = load_workbook(source)
    hidden = [ws.title for ws in original if ws.sheet_state != "visible"]
    assert hidden  # the template record sheet the renderer hides
    assert all(book[name].sheet_state == "hidden" for name in hidden)


def test_links_and_marks_follow_a_sheet_named_with_quotes_and_braces(tmp_path):
    source = ledger(tmp_path / "l.xlsx")
    book = load_workbook(source)
    book["Lançamentos"].title = "Ana's {0}"
    book.save(source)
    out = tmp_path / "marcada.xlsx"
    write_back(source, validate_paths([source], OPTIONS), out)
    copy_ = load_workbook(out)
    links = [c.hyperlink.location for c in copy_["Pendências"]["B"] if c.hyperlink]
    assert links == ["'Ana''s {0}'!D3"]
    assert copy_["Ana's {0}"]["D3"].fill.fgColor.rgb == RED


def test_a_csv_named_like_no_sheet_excel_allows_gets_a_sheet_it_does(tmp_path):
    source = tmp_path / "lançamentos [março] {0}.csv"
    header = "Data;Documento;Histórico;Conta débito;Conta crédito;Valor;CPF/CNPJ"
    source.write_text(
        f"{header}\n05/03/2026;NF-1;Venda;1.1.02;3.1.01;10,00;04252011000111\n", encoding="utf-8"
    )
    out = tmp_path / "marcada.xlsx"
    write_back(source, validate_paths([source], OPTIONS), out)
    book = load_workbook(out)
    name = book.sheetnames[1]
    assert not set("[]:*?/\\") & set(name)
    assert len(name) <= 31
    assert book[name]["G2"].fill.fgColor.rgb == RED
    links = [c.hyperlink.location for c in book["Pendências"]["B"] if c.hyperlink]
    assert links == ["'" + name.replace("'", "''") + "'!G2"]


def marks_sheet_rows(book_path: Path, rows: list[list[str]]) -> None:
    """The marks sheet as a user may leave it: text typed over its cells ("=..." typed as
    text, the way a formula's text arrives from a client)."""
    book = load_workbook(book_path)
    sheet = book.create_sheet(macros.MARKS_SHEET)
    for r, row in enumerate([["Aba", "Célula", "Pintada", "Nota"], *rows], start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(r, c, value)
            cell.data_type = "s"
    book.save(book_path)


def test_a_formula_typed_into_the_marks_sheet_is_neither_run_nor_written_back(tmp_path):
    source = ledger(tmp_path / "l.xlsx")
    marks_sheet_rows(source, [["Lançamentos", FORMULA, "sim", "sim"]])
    book = load_workbook(source)
    macros.validate_workbook(XlsxWorkbook(book), OPTIONS)
    cells = [c for row in book[macros.MARKS_SHEET].iter_rows() for c in row if c.value]
    assert [c.value for c in cells if c.column == 2] == ["Célula", "D3"]
    assert all(c.data_type == "s" for c in cells)


def test_the_remote_engine_never_writes_a_copied_value_as_a_formula(tmp_path):
    """A VBA client cannot remove notes, so the record of a noted cell is written back on
    every run: a row whose "Célula" holds a formula must not come back as a live formula."""
    source = ledger(tmp_path / "l.xlsx")
    marks_sheet_rows(
        source, [["Lançamentos", FORMULA, "", "sim"], ["Lançamentos", "C2", "", "sim"]]
    )
    book = xw.Book(json=copy.deepcopy(payload(source, VBA)))
    macros.validate_workbook(ExcelWorkbook(book), OPTIONS)
    written = [
        value
        for action in book.json()["actions"]
        if action["func"] == "setValues"
        for row in action["values"]
        for value in row
        if isinstance(value, str)
    ]
    assert "C2" in written  # the cell still noted is still recorded
    assert not any(v.startswith(("=", "+", "-", "@")) for v in written)


def esc_report() -> Report:
    issue = Issue(
        code="account.unknown",
        severity=Severity.ERROR,
        sheet="Lançamentos",
        cell="D3",
        column="Conta débito",
        value="9.9.99\x1b[2J",
        message="Conta débito: a conta “9.9.99\x1b[2J\x07” não existe no Plano de contas.",
        message_en="Conta débito: account “9.9.99\x1b[2J\x07” is not in the chart.",
        suggestion="=cmd|' /C calc'!A0",
    )
    return Report(issues=[issue])


def test_control_characters_from_a_client_are_shown_in_notes_and_pendencias(tmp_path):
    """Values from Google Sheets or xlwings are not cleaned by the file readers: every
    output path shows the control characters instead of passing them on."""
    source = ledger(tmp_path / "l.xlsx")
    book = xw.Book(json=copy.deepcopy(payload(source, VBA)))
    macros.mark_workbook(ExcelWorkbook(book), esc_report())
    texts = [
        str(value)
        for action in book.json()["actions"]
        for value in (
            [v for row in action.get("values") or [] for v in row]
            if action["func"] == "setValues"
            else action["args"]
        )
    ]
    assert any("9.9.99␛[2J␇" in t for t in texts)
    assert not any("\x1b" in t or "\x07" in t for t in texts)
    assert "'=cmd|' /C calc'!A0" in texts  # the suggestion copied, quoted

    out = tmp_path / "marcada.xlsx"
    write_back(source, esc_report(), out)
    copy_ = load_workbook(out)
    assert "9.9.99␛[2J␇" in copy_["Lançamentos"]["D3"].comment.text
    assert any("9.9.99␛[2J␇" in str(c.value) for c in copy_["Pendências"]["E"])


def test_the_streamed_copy_holds_any_text_a_client_hands_over(tmp_path):
    """Cells as Google Sheets or a lenient reader may give them: control characters (which
    XML cannot hold) dropped, Excel's own "_x0041_" escapes and edge spaces kept as typed."""
    from retaguarda.addin.xlsx_copy import write_copy
    from retaguarda.templates.files import RawSheet, RawWorkbook, read_workbook

    cells = ["a\x1b[2J\x01b", "_x0041_", "  two spaces ", "<b>&amp;</b>", "=1+1", "\ud800x"]
    workbook = RawWorkbook(tmp_path / "x.csv", "csv", [RawSheet("Dados", [cells])])
    out = tmp_path / "copia.xlsx"
    write_copy(workbook, Report(), out)
    # calamine decodes Excel's escapes as Excel does (openpyxl leaves them as they are)
    (sheet,) = [s for s in read_workbook(out).sheets if s.name == "Dados"]
    assert sheet.rows[0] == ["a[2Jb", "_x0041_", "  two spaces ", "<b>&amp;</b>", "=1+1", "x"]
    assert load_workbook(out)["Dados"]["E1"].data_type == "s"  # text, not a formula


def test_macros_go_to_an_xlsm_copy_and_never_into_an_xlsx(tmp_path):
    """Excel refuses to open an .xlsx whose package declares macros."""
    from retaguarda.addin.desktop import write_macro_workbook

    # the company workbook with its buttons: every template sheet, headers only
    book = load_workbook(write_macro_workbook(tmp_path / "empresa.xlsm"), keep_vba=True)
    for row in CHART:
        book["Plano de contas"].append(row)
    book["Lançamentos"].append(BAD)
    source = tmp_path / "dados.xlsm"
    book.save(source)
    report = validate_paths([source], OPTIONS)
    for name, macros_kept in (("marcada.xlsx", False), ("marcada.xlsm", True)):
        write_back(source, report, tmp_path / name)
        with zipfile.ZipFile(tmp_path / name) as package:
            declared = package.read("[Content_Types].xml").decode()
            assert ("xl/vbaProject.bin" in package.namelist()) is macros_kept
        assert ("macroEnabled" in declared) is macros_kept
        assert load_workbook(tmp_path / name)["Lançamentos"]["D2"].fill.fgColor.rgb == RED
