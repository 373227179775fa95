"""Hostile and odd files at the reader: nothing a user can put in a file may kill the process,
blow the memory up or be taken for a format string; odd but common files are read."""

from __future__ import annotations

import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from test_files import _CONTENT_TYPES, _RELS, A1, read_error, run_isolated

from retaguarda.templates.files import read_workbook

_SHEET_REL = (
    '<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="{target}"/>'
)


def xlsx_with_parts(path: Path, sheets: list[tuple[str, str, str, str]]) -> Path:
    """An .xlsx whose sheets are (name, part name in the zip, relationship target, sheetData)."""
    listed = "".join(
        f'<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>'
        for n, (name, _, _, _) in enumerate(sheets, 1)
    )
    links = "".join(
        _SHEET_REL.format(n=n, target=target) for n, (_, _, target, _) in enumerate(sheets, 1)
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", _CONTENT_TYPES)
        package.writestr("_rels/.rels", _RELS)
        package.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f"<sheets>{listed}</sheets></workbook>",
        )
        package.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns='
            f'"http://schemas.openxmlformats.org/package/2006/relationships">{links}</Relationships>',
        )
        for _, part, _, sheet_data in sheets:
            package.writestr(
                part,
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns='
                '"http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                f"<sheetData>{sheet_data}</sheetData></worksheet>",
            )
    return path


def dense_rows(rows: int, cols: int) -> str:
    """sheetData of a rows × cols block of numbers from A1, written as Excel writes it."""
    letters = [openpyxl.utils.get_column_letter(c) for c in range(1, cols + 1)]
    return "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>{r}</v></c>' for c in letters) + "</row>"
        for r in range(1, rows + 1)
    )


# --- 1. sheet parts under any name ------------------------------------------------------------

#: (part name in the zip, relationship target) pairs that python-calamine 0.9 opens as sheets
ODD_PARTS = [
    ("xl/worksheets/sheet1.bin", "worksheets/sheet1.bin"),
    ("xl/worksheets/sheet1", "worksheets/sheet1"),
    ("xl/worksheets/sheet1.bin", "/xl/worksheets/sheet1.bin"),
    ("XL/Worksheets/Sheet1.BIN", "worksheets/sheet1.bin"),
    ("xl/worksheets/../dados.bin", "worksheets/../dados.bin"),
    ("docProps/planilha.bin", "/docProps/planilha.bin"),
    ("xl/calcChain.xml", "calcChain.xml"),
    ("xl/outra/s&amp;1.txt", "outra/s&amp;1.txt"),
]


@pytest.mark.parametrize(("part", "target"), ODD_PARTS, ids=[t for _, t in ODD_PARTS])
def test_a_sheet_part_is_checked_whatever_its_name(tmp_path, part, target):
    """A sheet beyond the cell budget is refused even when its part is not named `.xml`."""
    path = xlsx_with_parts(tmp_path / "disfarce.xlsx", [("Dados", part, target, dense_rows(30, 6))])
    assert len(read_workbook(path, max_cells=180).sheets[0].rows) == 30
    error = read_error(path, max_cells=179)
    assert error.code == "file.sheet_too_large"
    assert "F30" in error.message


@pytest.mark.parametrize(("part", "target"), ODD_PARTS[:6], ids=[t for _, t in ODD_PARTS[:6]])
def test_a_stray_value_in_an_oddly_named_part_never_aborts(tmp_path, part, target):
    stray = A1 + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    path = xlsx_with_parts(tmp_path / "perdida.xlsx", [("Dados", part, target, stray)])
    child = run_isolated(
        "from retaguarda.templates.files import read_workbook, UnreadableFile\n"
        f"try:\n    sheet = read_workbook({str(path)!r}).sheets[0]\n"
        "    print(sheet.rows, sheet.far)\n"
        "except UnreadableFile as error:\n    print(error.code)\n"
    )
    assert child.returncode == 0, child.stderr[-2000:]
    assert child.stdout.strip() == "[['Data']] ['XFD1048576']"


# --- 3. names are data, never format strings --------------------------------------------------


@pytest.mark.parametrize("name", ["Dados{0}{name}", "{x}", "{0:>999999999}", "{name.__class__}"])
def test_a_sheet_name_with_braces_is_shown_as_typed(tmp_path, name):
    path = xlsx_with_parts(
        tmp_path / "chaves.xlsx",
        [(name, "xl/worksheets/sheet1.xml", "worksheets/sheet1.xml", dense_rows(3, 3))],
    )
    error = read_error(path, max_cells=8)
    assert error.code == "file.sheet_too_large"
    assert f"planilha “{name}”" in error.message
    assert len(error.message) < 400


@pytest.mark.parametrize("stem", ["{x}", "{0}", "{name}", "{0:>999999999}"])
def test_a_file_name_with_braces_is_shown_as_typed(tmp_path, stem):
    path = tmp_path / f"{stem}.csv"
    path.write_text('Data;Valor\n"sem fim;1\n', encoding="utf-8")
    error = read_error(path, max_cells=2)
    assert f"“{stem}.csv”" in error.message
    assert len(error.message) < 400
    missing = read_error(tmp_path / f"{stem}.xlsx")
    assert missing.code == "file.missing"
    assert f"“{stem}.xlsx”" in missing.message


# --- 4. the cell budget is for the whole workbook ---------------------------------------------


def test_the_cell_budget_is_spent_by_all_the_sheets_together(tmp_path):
    sheets = [
        (f"Aba{n}", f"xl/worksheets/sheet{n}.xml", f"worksheets/sheet{n}.xml", dense_rows(10, 10))
        for n in (1, 2, 3)
    ]
    path = xlsx_with_parts(tmp_path / "tres.xlsx", sheets)
    assert [len(s.rows) for s in read_workbook(path, max_cells=300).sheets] == [10, 10, 10]
    error = read_error(path, max_cells=299)  # each sheet's 100 cells fit; 3 × 100 do not
    assert error.code == "file.workbook_too_large"
    assert "passam do limite de 299 células" in error.message
    assert "até a aba “Aba3” já são 300" in error.message


def test_nine_sheets_each_under_the_limit_are_refused_together(tmp_path):
    """One value at J1048576 per sheet: 10.5 million cells each, under the limit of 20
    million, 94 million in all (AU1048576 once took 6 GB under a limit of 50 million)."""
    far = '<row r="1048576"><c r="J1048576"><v>1</v></c></row>'
    sheets = [
        (f"Aba{n}", f"xl/worksheets/sheet{n}.xml", f"worksheets/sheet{n}.xml", far)
        for n in range(1, 10)
    ]
    path = xlsx_with_parts(tmp_path / "nove.xlsx", sheets)
    child = run_isolated(
        "from retaguarda.templates.files import read_workbook, UnreadableFile\n"
        f"try:\n    read_workbook({str(path)!r})\n"
        "except UnreadableFile as error:\n    print(error.code)\n"
    )
    assert child.returncode == 0, child.stderr[-2000:]
    assert child.stdout.strip() == "file.workbook_too_large"


# --- 7. a stray value far from the data -------------------------------------------------------


@pytest.mark.parametrize("far", ["XFD1048576", "H1048576", "XFD2", "ZZ9000"])
def test_values_far_from_a_table_are_named_and_left_out(tmp_path, far):
    row = int(far.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    cells = {r: "".join(f'<c r="{c}{r}"><v>{r}</v></c>' for c in "ABC") for r in (1, 2, 3)}
    cells[row] = cells.get(row, "") + f'<c r="{far}"><v>9</v></c>'
    data = "".join(f'<row r="{r}">{cells[r]}</row>' for r in sorted(cells))
    path = xlsx_with_parts(
        tmp_path / "longe.xlsx",
        [("Dados", "xl/worksheets/sheet1.xml", "worksheets/sheet1.xml", data)],
    )
    sheet = read_workbook(path, max_cells=1000).sheets[0]
    assert sheet.rows == [[1.0, 1.0, 1.0], [2.0, 2.0, 2.0], [3.0, 3.0, 3.0]]
    assert sheet.far == [far]


def test_a_sheet_whose_data_is_really_that_big_is_still_refused(tmp_path):
    data = dense_rows(100, 10) + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    path = xlsx_with_parts(
        tmp_path / "grande.xlsx",
        [("Dados", "xl/worksheets/sheet1.xml", "worksheets/sheet1.xml", data)],
    )
    assert read_workbook(path, max_cells=1000).sheets[0].far == ["XFD1048576"]
    error = read_error(path, max_cells=999)  # the data alone: 100 rows × 10 columns
    assert error.code == "file.sheet_too_large"
    assert "J100" in error.message


# --- 9. formulas without a calculated value ---------------------------------------------------


def test_formulas_without_a_value_are_told_apart_from_blank_cells(tmp_path):
    book = openpyxl.Workbook()  # openpyxl writes formulas and never calculates them
    sheet = book.active
    sheet.append(["Valor", "Dobro"])
    sheet.append([10, "=A2*2"])
    sheet.append([20, None])
    sheet["B4"] = '=IF(A3>1,"a&b","c")'
    path = tmp_path / "formulas.xlsx"
    book.save(path)
    raw = read_workbook(path).sheets[0]
    assert raw.formulas == {(1, 1): "=A2*2", (3, 1): '=IF(A3>1,"a&b","c")'}
    assert raw.rows[1] == [10.0, ""]


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_xls_and_ods_spend_one_budget_for_all_their_sheets(kind):
    """Three sheets of 10 × 10 numbers (`tres_abas.xlsx` saved by LibreOffice 7 as .xls and
    .ods, checked in): each fits in 299 cells, the three do not."""
    path = Path(__file__).parent / "fixtures" / f"tres_abas.{kind}"
    assert [len(s.rows) for s in read_workbook(path, max_cells=300).sheets] == [10, 10, 10]
    error = read_error(path, max_cells=299)
    assert error.code == "file.workbook_too_large"


# --- 5. one endless CSV line ------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    ["a;" * 20_000, "x" * 1_000_001 + ";1"],
    ids=["more-fields-than-excel-has-columns", "a-million-characters"],
)
def test_an_endless_csv_line_is_refused_before_it_is_split(tmp_path, line):
    path = tmp_path / "sem_fim.csv"
    path.write_text(f"Data;Valor\n05/03/2026;1,00\n{line}\n06/03/2026;2,00\n", encoding="utf-8")
    error = read_error(path)
    assert error.code == "file.csv_line_too_long"
    assert error.message.startswith("A linha 3 do arquivo “sem_fim.csv” é longa demais")


def test_a_long_but_reasonable_csv_line_is_read(tmp_path):
    path = tmp_path / "larga.csv"
    path.write_text(";".join(["x" * 50] * 300) + "\n", encoding="utf-8")
    assert len(read_workbook(path).sheets[0].rows[0]) == 300


def test_blank_csv_lines_count_against_the_budget(tmp_path):
    """150 million newlines once took all the memory: an empty row is a row all the same."""
    path = tmp_path / "linhas.csv"
    path.write_text("\n" * 100, encoding="utf-8")
    assert read_error(path, max_cells=799).code == "file.sheet_too_large"
    assert len(read_workbook(path, max_cells=800).sheets[0].rows) == 100  # 100 × 4 × 2


# --- 6. raw control characters from lenient readers -------------------------------------------


def test_control_characters_in_csv_cells_are_dropped_but_tab_and_newline_kept(tmp_path):
    path = tmp_path / "controle.csv"
    path.write_text(
        'Histórico;Valor\n"Pag\x1b[31mto\x07;\tnota\nlinha 2";"1\x9b2m\x7f0"\n', encoding="utf-8"
    )
    sheet = read_workbook(path).sheets[0]
    assert sheet.rows[1] == ["Pag[31mto;\tnota\nlinha 2", "12m0"]


def test_control_characters_in_a_csv_file_name_are_not_in_the_sheet_name(tmp_path):
    path = tmp_path / "ext\x1b[2Jrato.csv"
    path.write_text("Data;Valor\n", encoding="utf-8")
    assert read_workbook(path).sheets[0].name == "ext[2Jrato"


# --- 2. and 8. HTML "xls" exports ---------------------------------------------------------------


def test_rowspans_are_filled_in_linear_time(tmp_path):
    """1,000 cells spanning 1,000 rows, and 999 empty rows: a million cells to produce, which
    took a billion steps when every position looked for the widest span again."""
    path = tmp_path / "spans.xls"
    path.write_text(
        "<html><body><table><tr>"
        + '<td rowspan="1000">x</td>' * 1000
        + "</tr>"
        + "<tr></tr>" * 999
        + "</table></body></html>",
        encoding="utf-8",
    )
    rows = read_workbook(path).sheets[0].rows
    assert (len(rows), len(rows[0])) == (1000, 1000)
    assert rows[0][:2] == ["x", "x"]
    assert rows[999][:2] == ["", ""]


def test_a_row_of_wide_colspans_is_refused_before_it_is_built(tmp_path):
    path = tmp_path / "largura.xls"
    path.write_text(
        "<table><tr>" + '<td colspan="1000">x</td>' * 5000 + "</tr></table>", encoding="utf-8"
    )
    tracemalloc.start()
    try:
        error = read_error(path, max_cells=50_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.code == "file.sheet_too_large"
    assert peak < 8 * 2**20  # the whole row would be 5 million cells, 40 MB of pointers


def test_spans_are_spread_as_calamine_spreads_merged_cells(tmp_path):
    path = tmp_path / "mescladas.xls"
    path.write_text(
        "<table>"
        '<tr><td rowspan="2" colspan="2">a</td><td>b</td><td rowspan="3">c</td></tr>'
        "<tr><td>d</td></tr>"
        "<tr><td>e</td></tr>"
        "</table>",
        encoding="utf-8",
    )
    assert read_workbook(path).sheets[0].rows == [
        ["a", "", "b", "c"],
        ["", "", "d", ""],
        ["e", "", "", ""],
    ]


EXCEL_PAGE = """<html xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:x="urn:schemas-microsoft-com:office:excel" xmlns="http://www.w3.org/TR/REC-html40">
<head><meta name=ProgId content=Excel.Sheet><title>{title}</title>
<!--[if gte mso 9]><xml>
 <x:ExcelWorkbook><x:ExcelWorksheets><x:ExcelWorksheet>
   <x:Name>{name}</x:Name><x:WorksheetOptions><x:Selected/></x:WorksheetOptions>
 </x:ExcelWorksheet></x:ExcelWorksheets></x:ExcelWorkbook>
</xml><![endif]--></head>
<body><table><tr><td>Data</td><td>Valor</td></tr><tr><td>05/03/2026</td><td>1,00</td></tr>
</table></body></html>"""


def test_an_excel_html_export_keeps_the_sheet_name_excel_gave_it(tmp_path):
    path = tmp_path / "exportada.xls"
    path.write_text(EXCEL_PAGE.format(title="Relatório", name="Lan&ccedil;amentos"), "utf-8")
    assert [s.name for s in read_workbook(path).sheets] == ["Lançamentos"]
    without_name = EXCEL_PAGE.format(title="Contas a pagar", name="").replace(
        "<x:Name></x:Name>", ""
    )
    path.write_text(without_name, "utf-8")
    assert [s.name for s in read_workbook(path).sheets] == ["Contas a pagar"]


def test_control_characters_in_html_cells_are_dropped(tmp_path):
    path = tmp_path / "controle.xls"
    path.write_text(
        "<table><tr><td>Pag\x1b[31mto\x07 &#27;ok\x9b</td></tr></table>", encoding="utf-8"
    )
    assert read_workbook(path).sheets[0].rows == [["Pag[31mto ok"]]


def test_a_page_of_junk_around_a_table_is_not_kept_whole_in_memory(tmp_path):
    """Two million paragraphs (16 MB) before the table: the parsed page once took 600 MB."""
    path = tmp_path / "pagina.xls"
    path.write_text(
        "<html><body>" + "<p>x</p>" * 2_000_000 + "<table><tr><td>a</td></tr></table></body>",
        encoding="utf-8",
    )
    child = run_isolated(
        "import resource\n"
        "from retaguarda.templates.files import read_workbook\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        f"rows = read_workbook({str(path)!r}).sheets[0].rows\n"
        "grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before\n"
        "print(rows, grown // 1024 < 300)\n"
    )
    assert child.returncode == 0, child.stderr[-2000:]
    assert child.stdout.strip() == "[['a']] True"


@pytest.mark.parametrize(("last", "outcome"), [(250, "read"), (950, "file.sheet_too_large")])
def test_the_rough_row_bound_follows_the_first_digit(tmp_path, last, outcome):
    """Rows 1-150 and one more row further down, three columns, a budget of 800 cells."""
    data = dense_rows(150, 3) + f'<row r="{last}"><c r="C{last}"><v>1</v></c></row>'
    path = xlsx_with_parts(
        tmp_path / "linhas.xlsx",
        [("Dados", "xl/worksheets/sheet1.xml", "worksheets/sheet1.xml", data)],
    )
    if outcome == "read":
        assert len(read_workbook(path, max_cells=800).sheets[0].rows) == last
    else:
        assert read_error(path, max_cells=800).code == outcome


def test_raw_del_and_c1_characters_in_xlsx_text_are_dropped(tmp_path):
    """XML allows DEL and the C1 controls (CSI, U+009B, is ESC [ to many terminals)."""
    path = xlsx_with_parts(
        tmp_path / "c1.xlsx",
        [
            (
                "Dados",
                "xl/worksheets/sheet1.xml",
                "worksheets/sheet1.xml",
                '<row r="1"><c r="A1" t="inlineStr"><is><t>a\u009b2Jb\x7fc\u00e7</t></is>'
                "</c></row>",
            )
        ],
    )
    assert read_workbook(path).sheets[0].rows == [["a2Jbcç"]]


def test_a_far_formula_without_a_value_is_left_out_like_a_far_value(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Valor", "Dobro"])
    sheet.append([1, "=A2*2"])
    sheet["XFD1048576"] = "=A2"
    path = tmp_path / "formula_longe.xlsx"
    book.save(path)
    child = run_isolated(
        "from retaguarda.templates.files import read_workbook\n"
        f"sheet = read_workbook({str(path)!r}).sheets[0]\n"
        "print(sheet.rows, sheet.formulas, sheet.far)\n"
    )
    assert child.returncode == 0, child.stderr[-2000:]
    assert child.stdout.strip() == (
        "[['Valor', 'Dobro'], [1.0, '']] {(1, 1): '=A2*2'} ['XFD1048576']"
    )


def test_a_title_far_above_a_table_is_not_taken_for_a_stray_value(tmp_path):
    """Only the smaller runs of rows after the biggest one are far values."""
    data = (
        '<row r="1"><c r="A1"><v>0</v></c></row>'
        + "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(2000, 2100))
        + '<row r="1048576"><c r="A1048576"><v>1</v></c></row>'
    )
    path = xlsx_with_parts(
        tmp_path / "titulo.xlsx",
        [("Dados", "xl/worksheets/sheet1.xml", "worksheets/sheet1.xml", data)],
    )
    sheet = read_workbook(path, max_cells=5000).sheets[0]
    assert (len(sheet.rows), sheet.rows[0], sheet.rows[-1]) == (2099, [0.0], [2099.0])
    assert sheet.far == ["A1048576"]


def test_xlsxwriters_zero_in_place_of_a_value_is_no_value(tmp_path):
    """xlsxwriter writes 0 as every formula's result and asks Excel to calculate on load."""
    path = tmp_path / "xlsxwriter.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Dados")
    sheet.write_row(0, 0, ["Valor", "Dobro"])
    sheet.write_row(1, 0, [10, 0])
    sheet.write_formula(2, 1, "=A2*2")
    book.close()
    raw = read_workbook(path).sheets[0]
    assert raw.formulas == {(2, 1): "=A2*2"}
    assert raw.rows == [["Valor", "Dobro"], [10.0, 0.0], ["", ""]]


def test_a_calculated_zero_is_a_value(tmp_path):
    """Excel does not ask to calculate on load: its cached 0 is the formula's result."""
    data = '<row r="1"><c r="A1"><v>0</v></c><c r="B1"><f>A1*2</f><v>0</v></c></row>'
    path = xlsx_with_parts(
        tmp_path / "zero.xlsx",
        [("Dados", "xl/worksheets/sheet1.xml", "worksheets/sheet1.xml", data)],
    )
    raw = read_workbook(path).sheets[0]
    assert (raw.rows, raw.formulas) == ([[0.0, 0.0]], {})


def test_control_characters_never_reach_a_sheet_name_or_a_message(tmp_path):
    page = tmp_path / "legenda.xls"
    page.write_text(
        "<table><caption>Ext\x1b[2Jrato</caption><tr><td>a</td><td>b</td></tr></table>", "utf-8"
    )
    assert [s.name for s in read_workbook(page).sheets] == ["Ext[2Jrato"]
    assert "\x1b" not in read_error(page, max_cells=1).message


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_csv_line_ends_of_every_system(tmp_path, end):
    path = tmp_path / "fins.csv"
    path.write_bytes(
        end.join(["Data;Obs", '05/03/2026;"duas\nlinhas"', "06/03/2026;x", ""]).encode()
    )
    rows = read_workbook(path).sheets[0].rows
    assert rows == [["Data", "Obs"], ["05/03/2026", "duas\nlinhas"], ["06/03/2026", "x"]]


def test_a_huge_sheet_written_without_references_is_refused_in_bounded_time(tmp_path, monkeypatch):
    """Such XML is parsed cell by cell in Python (3 µs each): 50 million cells took minutes.
    The limit is lowered here so that a small sheet stands for a big one."""
    from retaguarda.templates.readers import xlsx_scan

    monkeypatch.setattr(xlsx_scan, "_MAX_IRREGULAR", 100)
    row = "<row>" + "<c><v>1</v></c>" * 10 + "</row>"
    path = xlsx_with_parts(
        tmp_path / "sem_r.xlsx",
        [("Dados", "xl/worksheets/sheet1.xml", "worksheets/sheet1.xml", row * 10)],
    )
    assert len(read_workbook(path).sheets[0].rows) == 10
    path = xlsx_with_parts(
        tmp_path / "sem_r.xlsx",
        [("Dados", "xl/worksheets/sheet1.xml", "worksheets/sheet1.xml", row * 11)],
    )
    error = read_error(path)
    assert error.code == "file.sheet_too_large"
    assert "salve-o de novo" in error.message
