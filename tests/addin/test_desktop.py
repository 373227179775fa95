"""The macro-enabled workbook `retaguarda` builds without Excel: what a user opening it gets."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import warnings
import zipfile
from pathlib import Path

import olefile
import pytest
from openpyxl import load_workbook

from retaguarda.addin.desktop import (
    BUTTONS,
    MACRO_SHEET,
    MACRO_WORKBOOK,
    vba_module,
    write_macro_workbook,
    write_vba_module,
)
from retaguarda.addin.macros import OWN_SHEETS, clear_marks
from retaguarda.addin.xlsx_file import XlsxWorkbook, open_workbook
from retaguarda.templates.catalog import COMPANY_WORKBOOK, TEMPLATES

with warnings.catch_warnings():  # oletools 0.60.2 still uses pyparsing's camelCase names
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import VBA_Parser

CAPTIONS = ["Validar", "Limpar marcações", "Conciliar", "Relatórios", "Calcular folha"]
MACRO_CONTENT_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


@pytest.fixture(scope="module")
def xlsm(tmp_path_factory):
    return write_macro_workbook(tmp_path_factory.mktemp("xlsm"))


@pytest.fixture(scope="module")
def modules(xlsm):
    parser = VBA_Parser(str(xlsm))
    assert parser.detect_vba_macros()
    return {name: code for _, _, name, code in parser.extract_all_macros()}


def _read(xlsm, member: str) -> str:
    with zipfile.ZipFile(xlsm) as archive:
        return archive.read(member).decode()


def _subs(code: str) -> list[str]:
    return re.findall(r"^Sub (\w+)\(\)\r$", code, flags=re.MULTILINE)


def test_a_folder_gets_retaguarda_xlsm_a_file_path_is_used_as_is(tmp_path, xlsm):
    assert xlsm.name == MACRO_WORKBOOK
    assert write_macro_workbook(tmp_path / "botoes.xlsm") == tmp_path / "botoes.xlsm"


def test_the_workbook_is_macro_enabled_with_a_vba_project(xlsm):
    with zipfile.ZipFile(xlsm) as archive:
        assert archive.testzip() is None
        assert "xl/vbaProject.bin" in archive.namelist()
        assert olefile.isOleFile(archive.read("xl/vbaProject.bin"))
    assert MACRO_CONTENT_TYPE in _read(xlsm, "[Content_Types].xml")
    assert 'codeName="ThisWorkbook"' in _read(xlsm, "xl/workbook.xml")
    assert 'codeName="Sheet1"' in _read(xlsm, "xl/worksheets/sheet1.xml")


def test_openpyxl_opens_it_keeping_the_macros_and_shows_the_instructions(xlsm):
    book = load_workbook(xlsm, keep_vba=True)
    # the company workbook's sheets, ready to fill in, and the buttons, where it opens
    sheets = [TEMPLATES[t].sheet for t in COMPANY_WORKBOOK]
    assert book.sheetnames == [*sheets, "Instruções", "_retaguarda", MACRO_SHEET]
    assert book.active.title == MACRO_SHEET
    assert "xl/vbaProject.bin" in book.vba_archive.namelist()
    book.vba_archive.close()  # openpyxl leaves it open, and it would fail closing at exit
    text = "\n".join(
        str(cell) for row in book[MACRO_SHEET].iter_rows(values_only=True) for cell in row if cell
    )
    assert text.startswith("Retaguarda\n")
    for expected in ("pip install retaguarda", "xlwings addin install", "Interpreter"):
        assert expected in text
    assert "Habilitar Conteúdo" in text


def test_the_module_has_a_sub_per_button_calling_the_xlwings_add_in(modules):
    code = modules["Retaguarda.bas"]
    assert code.startswith('Attribute VB_Name = "Retaguarda"\r\n')
    assert _subs(code) == ["Validar", "LimparMarcacoes", "Conciliar", "Relatorios", "CalcularFolha"]
    for button in BUTTONS:
        call = (
            "    Application.Run \"'xlwings.xlam'!RunPython\", "
            f'"from retaguarda.addin import scripts; scripts.{button.script}()"'
        )
        assert f"Sub {button.macro}()\r\n{call}\r\nEnd Sub\r\n" in code
    # No reference to set by hand: nothing calls RunPython directly.
    assert re.search(r"^\s*RunPython ", code, flags=re.MULTILINE) is None


def test_the_embedded_module_runs_the_same_python_as_the_bas_file(modules):
    embedded = re.findall(r'"(from retaguarda[^"]+)"', modules["Retaguarda.bas"])
    shipped = re.findall(r'"(from retaguarda[^"]+)"', vba_module().decode())
    assert embedded == shipped


def test_the_document_modules_match_the_workbook_code_names(xlsm, modules):
    with zipfile.ZipFile(xlsm) as archive:
        sheets = [n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]
        code_names = {
            re.search(r'codeName="(\w+)"', archive.read(n).decode()).group(1) for n in sheets
        }
    assert code_names == {f"Sheet{n}" for n in range(1, len(sheets) + 1)}
    assert set(modules) == {"ThisWorkbook.cls", "Retaguarda.bas"} | {
        f"{name}.cls" for name in code_names
    }
    assert 'VB_Base = "0{00020819-0000-0000-C000-000000000046}"' in modules["ThisWorkbook.cls"]
    assert 'VB_Base = "0{00020820-0000-0000-C000-000000000046}"' in modules["Sheet1.cls"]


def test_every_button_runs_a_sub_of_the_module(xlsm, modules):
    with zipfile.ZipFile(xlsm) as archive:
        drawings = [n for n in archive.namelist() if n.endswith(".vml")]
    (vml,) = [v for v in (_read(xlsm, n) for n in drawings) if "FmlaMacro" in v]
    macros = re.findall(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", vml)
    captions = re.findall(r"<font[^>]*>([^<]+)</font>", vml)
    assert captions == CAPTIONS
    assert macros == [button.macro for button in BUTTONS]
    assert set(macros) <= set(_subs(modules["Retaguarda.bas"]))


def test_two_builds_give_the_same_bytes(tmp_path, xlsm):
    again = write_macro_workbook(tmp_path)
    assert again.read_bytes() == xlsm.read_bytes()


def test_the_bas_file_is_still_written_as_shipped(tmp_path):
    path = write_vba_module(tmp_path)
    assert path.name == "Retaguarda.bas"
    assert path.read_bytes() == vba_module()
    assert b"Application.Run" not in vba_module()


SYSTEM_PYTHON = Path("/usr/bin/python3")


def _libreoffice_missing() -> str | None:
    if shutil.which("soffice") is None:
        return "LibreOffice (soffice) is not installed"
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True)
    return None if probe.returncode == 0 else "python3-uno is not installed"


def test_libreoffice_reads_the_vba_project_and_binds_every_button(xlsm, tmp_path):
    """An independent VBA reader: LibreOffice imports the modules and resolves each button."""
    missing = _libreoffice_missing()
    if missing:
        pytest.skip(missing)  # CI installs it (.ci/run), where a skip would fail the run
    done = subprocess.run(
        [SYSTEM_PYTHON, Path(__file__).with_name("libreoffice_vba.py"), xlsm, tmp_path],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["sheets"][-1] == MACRO_SHEET
    module = seen["modules"]["VBAProject.Retaguarda"]
    for button in BUTTONS:
        assert f"Sub {button.macro}()" in module
        assert f"scripts.{button.script}()" in module
    assert "VBAProject.ThisWorkbook" in seen["modules"]
    bound = {b["label"]: b["scripts"] for b in seen["buttons"] if b["sheet"] == MACRO_SHEET}
    assert list(bound) == CAPTIONS
    for button in BUTTONS:
        (script,) = bound[button.caption]
        assert script.startswith(f"vnd.sun.star.script:VBAProject.Retaguarda.{button.macro}?")


def test_the_buttons_sheet_is_not_one_the_add_in_removes_or_rewrites():
    # Limpar marcações deletes the add-in's own sheets; the buttons must survive it
    assert MACRO_SHEET not in OWN_SHEETS


def test_clearing_the_marks_of_the_macro_workbook_keeps_its_buttons(xlsm, tmp_path):
    copy = tmp_path / "copia.xlsm"
    copy.write_bytes(xlsm.read_bytes())
    book = XlsxWorkbook(open_workbook(copy))
    clear_marks(book)
    assert MACRO_SHEET in book.sheet_names()
