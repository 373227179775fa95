"""read_table and read_tables: headers found in messy sheets, every cell at its true position."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pytest

from retaguarda.templates import reader
from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.files import read_workbook
from retaguarda.templates.reader import (
    column_letter,
    find_header,
    read_sheets,
    read_table,
    read_tables,
)
from retaguarda.templates.table import Table

LEDGER = TEMPLATES["lancamentos"]


@pytest.fixture
def untyped(monkeypatch):
    """STAND-IN for `typing.type_table` (test-only): a Table whose `raw` and `data` are the
    cells exactly as the reader hands them over, so these tests check the reading alone.
    `test_the_real_typing_step_gets_what_the_reader_found` runs the real one."""

    def stand_in(template, *, sheet, cells, rows, letters, header_row):
        frame = pd.DataFrame(cells)
        return Table(template, sheet, frame, frame, rows, letters, header_row)

    monkeypatch.setattr(reader, "type_table", stand_in)


def cells(table: Table, key: str) -> dict[int, object]:
    """Sheet row number -> raw cell of one column."""
    return dict(zip(table.rows.tolist(), table.raw[key].tolist(), strict=True))


def test_column_letters():
    assert [column_letter(i) for i in (0, 5, 25, 26, 51, 52, 701, 702, 16383)] == [
        "A", "F", "Z", "AA", "AZ", "BA", "ZZ", "AAA", "XFD",
    ]  # fmt: skip


@pytest.fixture
def messy_ledger(tmp_path):
    """What a person makes of the template: titles, a table from column C, own columns."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Lançamentos"
    sheet["A1"] = "Comercial Exemplo Ltda. — lançamentos de março"
    sheet.merge_cells("A1:J1")
    sheet["A2"] = "Gerado em 05/04/2026"
    header = ["Date", "Documento", "Histórico", "conta DEBITO ", "Conta crédito", "Amount"]
    for offset, text in enumerate([*header, "Minha coluna", "OBSERVAÇÕES"]):
        sheet.cell(row=4, column=3 + offset, value=text)
    for row in [5, 6, *range(9, 18)]:
        values = [datetime(2026, 3, row), f"NF-{row}", f"Compra {row}", "4.1.03", "1.1.02", 10.5]
        for offset, value in enumerate([*values, "minha nota", ""]):
            sheet.cell(row=row, column=3 + offset, value=value)
    sheet["F17"] = "9.9.99"  # a value typed in F17 must be reported at F17
    sheet["E8"] = "   "  # a row "cleared" with the space bar is blank too
    sheet["C19"] = "TOTAL:"
    sheet["H19"] = 115.5
    path = tmp_path / "lancamentos.xlsx"
    book.save(path)
    return path


def test_a_messy_sheet_is_read_with_true_positions(untyped, messy_ledger):
    (table,) = read_tables(read_workbook(messy_ledger))
    assert table.template is LEDGER
    assert table.sheet == "Lançamentos"
    assert table.header_row == 4
    assert table.letters == {
        "data": "C",
        "documento": "D",
        "historico": "E",
        "conta_debito": "F",
        "conta_credito": "G",
        "valor": "H",
        "observacoes": "J",
    }
    assert table.rows.tolist() == [5, 6, *range(9, 18)]  # blank rows and the Total row left out
    assert table.rows.dtype == "int64"
    assert cells(table, "conta_debito")[17] == "9.9.99"
    assert cells(table, "conta_debito")[16] == "4.1.03"
    assert cells(table, "data")[5] == date(2026, 3, 5)
    assert cells(table, "valor")[9] == 10.5
    assert cells(table, "observacoes")[6] == ""
    # untyped: cells as given, or text columns as Arrow text (no Python object per cell)
    assert set(table.raw.dtypes) <= {np.dtype(object), pd.ArrowDtype(pa.large_string())}


def test_find_header_reports_the_columns_and_score():
    rows = [
        ["Plano de contas da empresa", "", ""],
        ["", "", ""],
        ["Aceita lançamento", "codigo", "Conta", "Tipo", "natureza", "Minha nota"],
    ]
    match = find_header(rows, first_row=10)
    assert match is not None
    assert match.template.id == "plano_de_contas"
    assert match.header_row == 12
    assert match.columns == {
        "codigo": 1,
        "conta": 2,
        "tipo": 3,
        "natureza": 4,
        "aceita_lancamento": 0,
    }
    assert match.score == 1.0


def test_a_named_sheet_missing_a_required_column_is_still_recognised(untyped):
    header = ["Data", "Histórico", "Conta débito", "Valor"]  # no "Conta crédito"
    table = read_table([header, ["05/03/2026", "x", "1.1.01", "10"]], sheet="Lançamentos")
    assert table is not None
    assert table.template is LEDGER
    assert "conta_credito" not in table.letters
    assert table.letters["valor"] == "D"


def test_thresholds_for_a_partial_header():
    """3 of the ledger's 5 required columns: enough only when the sheet or caller names it."""
    header = [["Data", "Histórico", "Valor"]]
    assert find_header(header, [LEDGER], sheet="Lançamentos") is not None
    assert find_header(header, [LEDGER], sheet="Plan1") is not None  # the caller named it
    assert find_header(header, [LEDGER, TEMPLATES["folha"]], sheet="Plan1") is None
    assert find_header([["Data", "Valor"]], sheet="Resumo") is None
    assert find_header([["Data", "Valor"]], sheet="Extrato bancário").template.id == "extrato"
    assert find_header([["Mês", "Total", "Observações"]], sheet="Resumo") is None


def test_a_tie_between_templates_goes_to_the_sheet_name():
    header = [["Nome", "CPF/CNPJ", "Documento", "Emissão", "Vencimento", "Valor", "Conta"]]
    assert find_header(header, sheet="Contas a receber 2026").template.id == "contas_a_receber"
    assert find_header(header, sheet="Contas a pagar").template.id == "contas_a_pagar"


def test_a_range_that_does_not_start_at_a1(untyped):
    """An xlwings range C5:E7: the letters and rows are those of the sheet."""
    rows = [["Data", "Descrição", "Valor"], ["05/03/2026", "PIX", "1,00"], ["", "", ""]]
    table = read_table(rows, sheet="Extrato bancário", first_row=5, first_col=3)
    assert table.header_row == 5
    assert table.letters == {"data": "C", "descricao": "D", "valor": "E"}
    assert table.rows.tolist() == [6]


def test_ragged_rows_as_gspread_gives_them(untyped):
    rows = [["Data", "Descrição", "Documento", "Valor"], ["05/03/2026", "PIX"], []]
    table = read_table(rows, sheet="Extrato bancário")
    assert table.rows.tolist() == [2]
    assert cells(table, "valor") == {2: ""}


def test_a_header_without_data_is_an_empty_table(untyped):
    table = read_table([list(LEDGER.headers), [None] * 9], sheet="Lançamentos")
    assert len(table) == 0
    assert table.rows.tolist() == []
    assert set(table.letters) == set(LEDGER.keys)


def test_a_total_row_in_the_middle_is_data(untyped):
    rows = [["Data", "Descrição", "Valor"], ["Total", "", "5"], ["05/03/2026", "PIX", "1"]]
    assert read_table(rows, sheet="Extrato bancário").rows.tolist() == [2, 3]


def test_a_semicolon_csv_in_cp1252(untyped, tmp_path):
    path = tmp_path / "extrato_banco.csv"
    path.write_bytes(
        "Extrato de conta corrente;;\n\nData;Histórico;Valor (R$)\n"
        "05/03/2026;Pagamento, fornecedor;-1.234,56\n06/03/2026;Tarifa;-12,90\n".encode("cp1252")
    )
    (table,) = read_tables(read_workbook(path))
    assert table.template.id == "extrato"
    assert table.header_row == 3
    assert table.letters == {"data": "A", "descricao": "B", "valor": "C"}
    assert cells(table, "valor") == {4: "-1.234,56", 5: "-12,90"}


def test_a_banks_html_export_saved_as_xls(untyped, tmp_path):
    path = tmp_path / "extrato.xls"
    path.write_bytes(
        b"<html><body><table><tr><td>Banco Exemplo</td></tr></table><table>"
        b"<tr><td colspan='4'>Extrato</td></tr>"
        b"<tr><td>Data</td><td>Hist\xf3rico</td><td>Documento</td><td>Valor</td></tr>"
        b"<tr><td>05/03/2026</td><td>PIX</td><td>123</td><td>1.234,56</td></tr>"
        b"<tr><td>Total</td><td></td><td></td><td>1.234,56</td></tr></table></body></html>"
    )
    (table,) = read_tables(read_workbook(path))
    assert table.sheet == "Tabela 2"
    assert table.template.id == "extrato"
    assert table.header_row == 2
    assert table.rows.tolist() == [3]
    assert cells(table, "descricao") == {3: "PIX"}


def test_sheets_without_a_template_are_left_out(untyped, messy_ledger):
    book = openpyxl.load_workbook(messy_ledger)
    notes = book.create_sheet("Instruções")
    notes.append(["Como preencher", "Veja abaixo"])
    notes.append(["Data", "dd/mm/aaaa"])
    book.save(messy_ledger)
    assert [t.sheet for t in read_tables(read_workbook(messy_ledger))] == ["Lançamentos"]


def test_the_real_typing_step_gets_what_the_reader_found():
    rows = [["Título"], list(LEDGER.headers), ["05/03/2026", "NF-1", "x", "1.1.01", "2.1.01", 10]]
    table = read_table(rows, sheet="Lançamentos")
    assert table.header_row == 2
    assert table.rows.tolist() == [3]
    assert table.letter("valor") == "F"
    assert len(table) == 1


HEADER = ["Data", "Documento", "Histórico", "Conta débito", "Conta crédito", "Valor"]


def test_row_ids_come_from_the_hidden_id_column():
    rows = [
        ["Lançamentos da filial"],
        [*HEADER, "Minha coluna", "ID"],
        ["05/03/2026", "NF-1", "Venda", "1.1.02", "3.1.01", "10,00", "x", "r-1"],
        [],
        ["06/03/2026", "NF-2", "Venda", "1.1.02", "3.1.01", "20,00", "", ""],
        ["07/03/2026", "NF-3", "Venda", "1.1.02", "3.1.01", "30,00", "", 12345.0],
    ]
    table = read_table(rows, sheet="Lançamentos", first_col=3)
    assert table.rows.tolist() == [3, 5, 6]
    assert table.ids.tolist() == ["r-1", None, "12345"]
    assert table.id_column == 3 + 7  # the sheet's column J: the data start at column C


def test_an_empty_id_cell_given_as_nan_is_no_id():
    """Readers of typed columns give an empty cell as NaN; it must not become the id "nan",
    which would make every such row the same row in the store."""
    rows = [
        [*HEADER, "ID"],
        ["05/03/2026", "NF-1", "Venda", "1.1.02", "3.1.01", "10,00", float("nan")],
        ["06/03/2026", "NF-2", "Venda", "1.1.02", "3.1.01", "20,00", "r-2"],
    ]
    table = read_table(rows, sheet="Lançamentos")
    assert table.ids.tolist() == [None, "r-2"]


def test_without_an_id_column_the_first_free_column_is_where_ids_go():
    rows = [[*HEADER, "", "Minha coluna"], ["05/03/2026", "NF-1", "Venda", "1", "2", "10"]]
    table = read_table(rows, sheet="Lançamentos")
    assert table.ids is None
    assert table.id_column == 9  # right of "Minha coluna" (H), not in the gap at G


def test_the_hidden_retaguarda_sheet_names_each_sheets_template():
    # a ledger whose account headers were edited: three of five required columns are left
    edited = [["Data", "Doc", "Histórico", "Deb.", "Cred.", "Valor"], ["05/03/2026", "NF-1"]]
    meta = [["chave", "valor", "aba"], ["template", "lancamentos", "Minha aba"]]
    # on its own the header reads best as a bank statement (Data, Histórico, Doc, Valor)
    assert [t.template.id for t in read_sheets([("Minha aba", edited)])] == ["extrato"]
    (table,) = read_sheets([("Minha aba", edited), ("_retaguarda", meta)])
    assert table.template is LEDGER
    assert {i.code for i in table.issues} == {"column.missing"}


def test_a_declared_sheet_that_now_holds_another_template_is_read_as_that():
    chart = [list(TEMPLATES["plano_de_contas"].headers), ["1", "Ativo", "Ativo", "Devedora", "Não"]]
    meta = [["chave", "valor", "aba"], ["template", "lancamentos", "Aba"]]
    (table,) = read_sheets([("Aba", chart), ("_retaguarda", meta)])
    assert table.template.id == "plano_de_contas"


# --- what the file reader noticed, as warnings -------------------------------------------------


def ledger_book(tmp_path, name: str, extra=None):
    """A ledger as openpyxl writes it, which stores formulas without calculating them."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Lançamentos"
    sheet.append(["Data", "Documento", "Histórico", "Conta débito", "Conta crédito", "Valor"])
    sheet.append([datetime(2026, 3, 5), "NF-1", "Compra", "4.1.03", "1.1.02", 10.5])
    sheet.append([datetime(2026, 3, 6), "NF-2", "Frete", "4.1.03", "1.1.02", "=F2*2"])
    sheet.append([datetime(2026, 3, 7), "NF-3", "Taxa", "4.1.03", "1.1.02", None])
    if extra:
        extra(sheet)
    path = tmp_path / name
    book.save(path)
    return path


def test_a_formula_without_a_value_is_reported_as_such_not_as_a_blank_cell(tmp_path):
    from retaguarda.templates.validate import validate_tables

    (table,) = read_tables(read_workbook(ledger_book(tmp_path, "formulas.xlsx")))
    found = {(i.code, i.cell) for i in validate_tables([table])}
    assert ("cell.formula_uncached", "F3") in found
    assert ("cell.required", "F3") not in found
    assert ("cell.required", "F4") in found  # a truly empty cell is still one
    (warning,) = [i for i in table.issues if i.code == "cell.formula_uncached"]
    assert warning.severity == "warning"
    assert warning.value == "=F2*2"
    assert "=F2*2" in warning.message
    assert "sem valor calculado" in warning.message


def test_a_row_of_formulas_without_values_is_not_a_blank_row(tmp_path):
    def formulas_only(sheet):
        for column in "ABCDEF":
            sheet[f"{column}5"] = f"={column}2"

    (table,) = read_tables(read_workbook(ledger_book(tmp_path, "linha.xlsx", formulas_only)))
    assert 5 in table.rows.tolist()
    assert sum(i.code == "cell.formula_uncached" and i.row == 5 for i in table.issues) == 6


def test_a_value_far_from_the_data_is_a_warning_and_the_data_is_checked(tmp_path):
    def stray(sheet):
        sheet["XFD1048576"] = "esquecido"

    (table,) = read_tables(read_workbook(ledger_book(tmp_path, "longe.xlsx", stray)))
    assert table.rows.tolist() == [2, 3, 4]
    (far,) = [i for i in table.issues if i.code == "sheet.stray_cell"]
    assert (far.severity, far.sheet, far.cell, far.row) == (
        "warning",
        "Lançamentos",
        "XFD1048576",
        1048576,
    )
    assert "XFD1048576" in far.message
