"""read_workbook: every format by its content, true positions, and a clear error for bad files."""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

import olefile
import openpyxl
import pytest
from msoffcrypto.format.ooxml import OOXMLFile

from retaguarda.templates.files import UnreadableFile, column_letter, read_workbook

# --- building files by hand -----------------------------------------------------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Plan1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
A1 = '<row r="1"><c r="A1" t="inlineStr"><is><t>Data</t></is></c></row>'


def handmade_xlsx(path: Path, sheet_data: str, shared: tuple[str, ...] = ()) -> Path:
    """A minimal .xlsx whose only sheet, "Plan1", holds exactly this `<sheetData>` XML."""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1"/><sheetData>{sheet_data}</sheetData></worksheet>'
    )
    strings = "".join(f"<si><t>{s}</t></si>" for s in shared)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", _CONTENT_TYPES)
        package.writestr("_rels/.rels", _RELS)
        package.writestr("xl/workbook.xml", _WORKBOOK)
        package.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        package.writestr("xl/worksheets/sheet1.xml", sheet)
        package.writestr(
            "xl/sharedStrings.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{len(shared)}" uniqueCount="{len(shared)}">{strings}</sst>',
        )
    return path


def handmade_ods(path: Path, table: str) -> Path:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Plan1">{table}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        package.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        package.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
            '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type='
            '"application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>',
        )
    return path


def workbook_with_data_at_c5(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Dados"
    sheet["C5"] = "Data"
    sheet["D5"] = "Valor"
    sheet["C6"] = datetime(2026, 3, 5)
    sheet["D6"] = 1234.56
    sheet["F17"] = "F17"
    book.create_sheet("Vazia")
    book.save(path)
    return path


def read_error(path: Path, **limits: int) -> UnreadableFile:
    with pytest.raises(UnreadableFile) as caught:
        read_workbook(path, **limits)
    error = caught.value
    assert str(error) == error.message
    assert error.message_en
    assert error.message != error.message_en
    assert path.name in error.message
    assert error.message.endswith(".")
    assert "\n" not in error.message
    return error


def run_isolated(code: str) -> subprocess.CompletedProcess[str]:
    """Run a read in a child process: were the guard to fail, calamine would abort it."""
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )


# --- formats and positions --------------------------------------------------------------------


def test_rows_keep_sheet_positions_when_data_starts_at_c5(tmp_path):
    book = read_workbook(workbook_with_data_at_c5(tmp_path / "dados.xlsx"))
    assert book.kind == "xlsx"
    assert [s.name for s in book.sheets] == ["Dados", "Vazia"]
    rows = book.sheets[0].rows
    assert rows[4][2:4] == ["Data", "Valor"]  # C5, D5
    assert rows[5][2:4] == [date(2026, 3, 5), 1234.56]  # calamine: a date format, a date
    assert rows[16][5] == "F17"
    assert len(rows) == 17
    assert all(len(r) == 6 for r in rows)
    assert rows[0] == [""] * 6
    assert book.sheets[1].rows == []


def test_the_format_is_told_by_the_content_not_the_name(tmp_path):
    xlsx = workbook_with_data_at_c5(tmp_path / "a.xlsx")
    disguised = tmp_path / "relatorio.xls"
    shutil.copy(xlsx, disguised)
    assert read_workbook(disguised).kind == "xlsx"
    csv_named_xlsx = tmp_path / "planilha.xlsx"
    csv_named_xlsx.write_bytes(b"Data;Valor\n05/03/2026;1.234,56\n")
    assert read_workbook(csv_named_xlsx).kind == "csv"


def test_a_workbook_with_macros_is_xlsm(tmp_path):
    path = workbook_with_data_at_c5(tmp_path / "macros.xlsm")
    with zipfile.ZipFile(path, "a") as package:
        package.writestr("xl/vbaProject.bin", b"\x00" * 16)
    assert read_workbook(path).kind == "xlsm"


def test_csv_with_semicolons_in_cp1252(tmp_path):
    path = tmp_path / "extrato.csv"
    path.write_bytes(
        "Extrato de conta corrente\nData;Histórico;Valor\n"
        '05/03/2026;Pagamento, fornecedor;"1.234,56"\n06/03/2026;Tarifa;-12,90\n'.encode("cp1252")
    )
    book = read_workbook(path)
    assert book.kind == "csv"
    assert book.sheets[0].name == "extrato"
    assert book.sheets[0].rows == [
        ["Extrato de conta corrente", "", ""],
        ["Data", "Histórico", "Valor"],
        ["05/03/2026", "Pagamento, fornecedor", "1.234,56"],
        ["06/03/2026", "Tarifa", "-12,90"],
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            "\ufeffDate,Amount\n2026-03-05,10.5\n".encode(),
            [["Date", "Amount"], ["2026-03-05", "10.5"]],
        ),
        (b"sep=,\nData,Valor\n1,2\n", [["Data", "Valor"], ["1", "2"]]),
        ("Data\tValor\nçã\t1\n".encode("utf-16"), [["Data", "Valor"], ["çã", "1"]]),
    ],
    ids=["utf8-bom-comma", "excel-sep-line", "utf16-tabs"],
)
def test_csv_dialects(tmp_path, data, expected):
    path = tmp_path / "dados.txt"
    path.write_bytes(data)
    assert read_workbook(path).sheets[0].rows == expected


def test_a_banks_html_page_saved_as_xls_is_read(tmp_path):
    path = tmp_path / "extrato.xls"
    path.write_bytes(
        """<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">
        </head><body><p>Banco Exemplo S.A.</p>
        <table><tr><td>Menu</td></tr></table>
        <table>
          <thead><tr><th colspan="3">Extrato   de março</th></tr>
                 <tr><th>Data</th><th>Descrição</th><th>Valor&nbsp;(R$)</th></tr></thead>
          <tbody><tr><td> 05/03/2026 </td><td rowspan="2">PIX recebido</td><td>1.234,56</td></tr>
                 <tr><td>06/03/2026</td><td>-10,00</td></tr></tbody>
        </table></body></html>""".encode("cp1252")
    )
    book = read_workbook(path)
    assert book.kind == "html"
    assert [s.name for s in book.sheets] == ["Tabela 1", "Tabela 2"]
    assert book.sheets[1].rows == [
        ["Extrato de março", "", ""],
        ["Data", "Descrição", "Valor (R$)"],
        ["05/03/2026", "PIX recebido", "1.234,56"],
        ["06/03/2026", "", "-10,00"],
    ]


def test_excel_escapes_become_no_control_characters(tmp_path):
    path = handmade_xlsx(
        tmp_path / "escapes.xlsx",
        '<row r="1"><c r="A1" t="inlineStr"><is><t>a_x0001_b</t></is></c>'
        '<c r="B1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>linha_x000D_\nnova\tok</t>'
        "</is></c></row>",
        shared=("x_x001F_y",),
    )
    assert read_workbook(path).sheets[0].rows == [["ab", "xy", "linha\nnova\tok"]]


def test_unusual_but_valid_xml_is_read_as_calamine_places_it(tmp_path):
    """No `r` references (some exporters), and a namespace prefix (.NET's OpenXML SDK)."""
    implicit = handmade_xlsx(
        tmp_path / "implicit.xlsx",
        '<row><c t="inlineStr"><is><t>a</t></is></c><c><v>2</v></c></row>'
        '<row r="4"><c r="C4"><v>3</v></c><c><v>4</v></c></row>',
    )
    assert read_workbook(implicit).sheets[0].rows == [
        ["a", 2.0, "", ""],
        ["", "", "", ""],
        ["", "", "", ""],
        ["", "", 3.0, 4.0],
    ]
    prefixed = handmade_xlsx(
        tmp_path / "prefixed.xlsx",
        '<x:row xmlns:x="u" r="2"><x:c r="B2"><x:v>1</x:v></x:c></x:row>',
    )
    assert read_workbook(prefixed).sheets[0].rows == [["", ""], ["", 1.0]]


def test_a_formatted_empty_cell_far_away_does_not_block_the_read(tmp_path):
    path = handmade_xlsx(
        tmp_path / "formatada.xlsx", A1 + '<row r="1048576"><c r="XFD1048576" s="0"/></row>'
    )
    assert read_workbook(path).sheets[0].rows == [["Data"]]


def test_a_wide_sheet_is_measured_exactly(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in range(1, 301):
        sheet.append([f"{column_letter(c)}{row}" for c in range(60)])
    path = tmp_path / "larga.xlsx"
    book.save(path)
    rows = read_workbook(path, max_cells=18_000).sheets[0].rows
    assert (len(rows), len(rows[0]), rows[-1][-1]) == (300, 60, "BH300")
    error = read_error(path, max_cells=17_999)
    assert error.code == "file.sheet_too_large"
    assert "BH300" in error.message
    assert "18.000 células" in error.message


FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def converted() -> dict[str, Path]:
    """The C5 workbook (`workbook_with_data_at_c5`) as LibreOffice 7 saved it in .xls and .ods.

    Converted once and checked in, so that no machine needs LibreOffice to run the tests:
    `soffice --headless --convert-to xls|ods dados_c5.xlsx`.
    """
    return {kind: FIXTURES / f"dados_c5.{kind}" for kind in ("xls", "ods")}


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_xls_and_ods_keep_sheet_positions(converted, kind):
    book = read_workbook(converted[kind])
    assert book.kind == kind
    rows = book.sheets[0].rows
    assert rows[4][2:4] == ["Data", "Valor"]
    assert rows[5][3] == 1234.56
    assert rows[16][5] == "F17"
    assert len(rows) == 17


# --- unreadable files -------------------------------------------------------------------------


def test_missing_file_and_folder(tmp_path):
    assert read_error(tmp_path / "nao_existe.xlsx").code == "file.missing"
    folder = tmp_path / "pasta.xlsx"
    folder.mkdir()
    error = read_error(folder)
    assert error.code == "file.not_a_file"
    assert "pasta" in error.message


def test_empty_and_oversized_files(tmp_path):
    empty = tmp_path / "vazio.xlsx"
    empty.touch()
    assert read_error(empty).code == "file.empty"
    big = workbook_with_data_at_c5(tmp_path / "grande.xlsx")
    error = read_error(big, max_bytes=1024)
    assert error.code == "file.too_large"
    assert "limite" in error.message


def test_truncated_and_corrupt_workbooks(tmp_path):
    whole = workbook_with_data_at_c5(tmp_path / "inteira.xlsx").read_bytes()
    truncated = tmp_path / "cortada.xlsx"
    truncated.write_bytes(whole[: len(whole) // 2])
    assert read_error(truncated).code == "file.corrupt"
    broken_xml = handmade_xlsx(tmp_path / "xml_quebrado.xlsx", '<row r="1"><c r="A1"><v>1</v>')
    error = read_error(broken_xml)
    assert error.code == "file.corrupt"
    assert "corrompido" in error.message
    garbage_xls = tmp_path / "lixo.xls"
    garbage_xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert read_error(garbage_xls).code == "file.corrupt"


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "imagem PNG"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
        (b"\x00\x01\x02\x03" * 50, "binário"),
        (b'<?xml version="1.0"?><nfeProc versao="4.00"><NFe/></nfeProc>', "nota fiscal"),
    ],
    ids=["png", "pdf", "binary", "nfe-xml"],
)
def test_files_that_are_not_spreadsheets(tmp_path, content, what):
    path = tmp_path / "planilha.xlsx"
    path.write_bytes(content)
    error = read_error(path)
    assert error.code == "file.not_spreadsheet"
    assert "não é uma planilha" in error.message
    assert what in error.message


def test_a_word_document_and_a_plain_zip(tmp_path):
    docx = tmp_path / "contrato.xlsx"
    with zipfile.ZipFile(docx, "w") as package:
        package.writestr("word/document.xml", "<w:document/>")
    assert "Word" in read_error(docx).message
    plain = tmp_path / "fotos.xlsx"
    with zipfile.ZipFile(plain, "w") as package:
        package.writestr("foto.txt", "x")
    assert ".zip" in read_error(plain).message


def test_a_password_protected_workbook(tmp_path):
    plain = workbook_with_data_at_c5(tmp_path / "aberta.xlsx")
    locked = tmp_path / "com_senha.xlsx"
    with plain.open("rb") as source, locked.open("wb") as target:
        OOXMLFile(source).encrypt("segredo", target)
    error = read_error(locked)
    assert error.code == "file.encrypted"
    assert "está protegido por senha" in error.message


def test_zip_bombs_are_refused_before_inflating(tmp_path):
    bomb = tmp_path / "bomba.xlsx"
    handmade_xlsx(bomb, A1)
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as package:
        package.writestr("xl/worksheets/sheet2.xml", b" " * (64 * 2**20))
    error = read_error(bomb)
    assert error.code == "file.zip_bomb"
    assert "segurança" in error.message


def test_a_member_that_lies_about_its_size_is_never_inflated_past_it(tmp_path):
    liar = handmade_xlsx(tmp_path / "mentirosa.xlsx", A1 + "<row r='2'/>" * 200_000)
    data = bytearray(liar.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        while at != -1:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                struct.pack_into("<I", data, at + size_at, 1000)
            at = data.find(signature, at + 4)
    liar.write_bytes(bytes(data))
    assert read_error(liar).code == "file.zip_bomb"


def test_one_stray_value_at_xfd1048576_is_left_out_without_aborting(tmp_path):
    """Excel opens such a workbook; the data is read and the far value is named, not read."""
    stray = handmade_xlsx(
        tmp_path / "perdida.xlsx", A1 + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    )
    child = run_isolated(
        "from retaguarda.templates.files import read_workbook\n"
        f"sheet = read_workbook({str(stray)!r}).sheets[0]\n"
        "print(sheet.name, sheet.rows, sheet.far)\n"
    )
    assert child.returncode == 0, child.stderr[-2000:]
    assert child.stdout.strip() == "Plan1 [['Data']] ['XFD1048576']"


@pytest.mark.parametrize(
    ("sheet_data", "outcome"),
    [
        ('<row r="1"><c r="B99999999"><v>1</v></c></row>', "file.corrupt"),  # calamine: 6 GB
        (
            '<row r="2000000"><c><v>1</v></c><c r="A1"/><c r="XFD1"/><c><v>2</v></c></row>',
            "file.sheet_too_large",
        ),
        ('<y:c r="XFD1048576"><y:v>1</y:v></y:c>', "file.sheet_too_large"),
        ('<row><c R="XFC5"/><c r="xfc1048576"/><c><v>1</v></c></row>', "read 2 16384"),
        ('<row r="6"><c r="D6" r="XFD1048576"><v>1</v></c></row>', "file.corrupt"),
        ('<row r="6"><c r="D6" s="1"r = \'XFD1048576\'><v>1</v></c></row>', "file.corrupt"),
    ],
    ids=[
        "nine-digit-row",
        "implicit-after-far-column",
        "prefixed-cell",
        "odd-case-refs",
        "second-r",  # calamine takes the last `r`
        "second-r-spaced",
    ],
)
def test_crafted_references_never_crash_the_process(tmp_path, sheet_data, outcome):
    path = handmade_xlsx(tmp_path / "forjada.xlsx", A1 + sheet_data)
    child = run_isolated(
        "from retaguarda.templates.files import read_workbook, UnreadableFile\n"
        f"try:\n    rows = read_workbook({str(path)!r}).sheets[0].rows\n"
        "    print('read', len(rows), len(rows[0]))\n"
        "except UnreadableFile as error:\n    print(error.code)\n"
    )
    assert child.returncode == 0, child.stderr[-2000:]
    assert child.stdout.strip() == outcome


def test_ods_repeat_counts_are_bounded(tmp_path):
    far = handmade_ods(
        tmp_path / "longe.ods",
        '<table:table-row table:number-rows-repeated="1048575"><table:table-cell '
        'table:number-columns-repeated="16384"/></table:table-row><table:table-row>'
        '<table:table-cell table:number-columns-repeated="16383"/><table:table-cell '
        'office:value-type="float" office:value="1"/></table:table-row>',
    )
    assert read_error(far).code == "file.sheet_too_large"
    repeated = handmade_ods(
        tmp_path / "repetida.ods",
        '<table:table-row table:number-rows-repeated="300"><table:table-cell '
        'table:number-columns-repeated="300" office:value-type="float" office:value="1"/>'
        "</table:table-row>",
    )
    assert read_error(repeated, max_cells=89_999).code == "file.sheet_too_large"
    rows = read_workbook(repeated, max_cells=90_000).sheets[0].rows
    assert (len(rows), len(rows[0]), rows[-1][-1]) == (300, 300, 1.0)


def patch_biff(source: Path, target: Path, kind: int, patch: bytes) -> Path:
    """A copy of an .xls whose first record of this kind has `patch` written into its data."""
    shutil.copy(source, target)
    with olefile.OleFileIO(str(target), write_mode=True) as ole:
        stream = bytearray(ole.openstream("Workbook").read())
        offset = 0
        while offset + 4 <= len(stream):
            found, size = struct.unpack_from("<HH", stream, offset)
            if found == kind:
                stream[offset + 4 : offset + 4 + len(patch)] = patch
                break
            offset += 4 + size
        ole.write_stream("Workbook", bytes(stream))
    return target


@pytest.mark.parametrize(
    ("kind", "patch", "outcome"),
    [
        (0x00FD, struct.pack("<HH", 0xFFFF, 0xFFFF), "file.sheet_too_large"),  # a cell
        (0x0200, struct.pack("<II", 0x150004, 7), "file.corrupt"),  # inverted DIMENSIONS
    ],
    ids=["cell-at-column-65535", "inverted-dimensions"],
)
def test_xls_records_that_make_calamine_abort_are_refused(
    converted, tmp_path, kind, patch, outcome
):
    """Each of these made calamine ask for hundreds of gigabytes and abort the process."""
    crafted = patch_biff(converted["xls"], tmp_path / "forjada.xls", kind, patch)
    child = run_isolated(
        "from retaguarda.templates.files import read_workbook, UnreadableFile\n"
        f"try:\n    read_workbook({str(crafted)!r})\n"
        "except UnreadableFile as error:\n    print(error.code)\n    print(error.message)\n"
    )
    assert child.returncode == 0, child.stderr[-2000:]
    assert child.stdout.splitlines()[0] == outcome
    if outcome == "file.sheet_too_large":
        assert "planilha “Dados”" in child.stdout


def test_malformed_ods_xml_is_corrupt_not_a_hang(tmp_path):
    """A stray quote once sent calamine into minutes of work; a strict parser says no first."""
    path = handmade_ods(
        tmp_path / "aspas.ods",
        '<table:table-row" table:style-name="ro1"><table:table-cell office:value-type='
        '"float" office:value="1"/></table:table-row>',
    )
    assert read_error(path).code == "file.corrupt"


def test_an_html_page_without_tables(tmp_path):
    path = tmp_path / "pagina.xls"
    path.write_bytes(b"<html><body><p>Sess\xe3o expirada</p></body></html>")
    assert read_error(path).code == "file.no_tables"
