"""`retaguarda validate --write-back` as a user runs it, from every kind of file it reads.

The expected colours are Excel's own "bad" red and "neutral" amber written out as ARGB, the
expected messages the Portuguese a user reads; nothing is taken from the code under test.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from retaguarda.sync.cli import main
from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.render import render_workbook

RED = "FFFFC7CE"
HEADER = ["Data", "Documento", "Histórico", "Conta débito", "Conta crédito", "Valor", "CPF/CNPJ"]
HEADER += ["Observações"]
#: a valid CNPJ that starts with a zero, then the same with a wrong check digit (row 3, G3)
GOOD = ["05/03/2026", "NF-1", "Venda", "1.1.02", "3.1.01", "1.234,56", "04252011000110", "=1+1"]
BAD = ["06/03/2026", "NF-2", "Venda", "1.1.02", "3.1.01", "10,00", "04252011000111", ""]
TODAY = ["--today", "2026-11-25"]


def csv_file(path: Path) -> Path:
    lines = [";".join(row) for row in (HEADER, GOOD, BAD)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def html_file(path: Path) -> Path:
    """A bank's export: an HTML table saved under an .xls name."""
    cells = "".join(
        "<tr>" + "".join(f"<td>{value}</td>" for value in row) + "</tr>"
        for row in (HEADER, GOOD, BAD)
    )
    path.write_text(f"<html><body><table>{cells}</table></body></html>", encoding="utf-8")
    return path


def ods_file(path: Path) -> Path:
    """The smallest OpenDocument spreadsheet LibreOffice and calamine open: one sheet of text."""
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    rows = "".join(
        "<table:table-row>"
        + "".join(
            '<table:table-cell office:value-type="string">'
            f"<text:p>{value}</text:p></table:table-cell>"
            if value
            else "<table:table-cell/>"
            for value in row
        )
        + "</table:table-row>"
        for row in (HEADER, GOOD, BAD)
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} '
        'office:version="1.2"><office:body><office:spreadsheet>'
        f'<table:table table:name="Lançamentos">{rows}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        package.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        package.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.mark.parametrize(
    ("build", "name", "kind"),
    [
        (csv_file, "lancamentos.csv", "CSV"),
        (html_file, "extrato.xls", "HTML"),
        (ods_file, "lancamentos.ods", "ODS"),
    ],
)
def test_a_file_that_is_not_an_xlsx_gets_a_marked_xlsx_copy(runner, tmp_path, build, name, kind):
    source = build(tmp_path / name)
    out = tmp_path / "marcada.xlsx"
    result = runner.invoke(main, ["validate", str(source), "--write-back", str(out), *TODAY])
    assert result.exit_code == 1, result.output  # errors found, the copy written
    assert kind in result.stderr
    assert "gravada como .xlsx" in result.stderr
    book = load_workbook(out)
    assert book.sheetnames[0] == "Pendências"
    data = book[book.sheetnames[1]]
    assert [c.value for c in data[1]] == HEADER
    # the data as read: text stays text, the CNPJ keeps its leading zero
    assert data["G2"].value == "04252011000110"
    assert data["G2"].data_type == "s"
    assert data["A2"].value == "05/03/2026"
    # the user's "=1+1" is text in the copy, never a live formula
    assert data["H2"].value == "=1+1"
    assert data["H2"].data_type == "s"
    assert data["G3"].fill.fgColor.rgb == RED
    assert "CPF/CNPJ" in data["G3"].comment.text
    assert data["G2"].comment is None
    pending = book["Pendências"]
    links = {c.value: c.hyperlink.location for c in pending["B"] if c.hyperlink}
    assert links == {"G3": f"'{data.title}'!G3"}
    assert book["_retaguarda_marcas"].sheet_state == "hidden"


def test_a_copy_named_csv_is_refused_before_anything_is_read(runner, tmp_path):
    """A CSV cannot hold colours, notes or a second sheet: the user is told to name an .xlsx,
    and gets no file named .csv that holds something else."""
    source = csv_file(tmp_path / "lancamentos.csv")
    out = tmp_path / "marcada.csv"
    result = runner.invoke(main, ["validate", str(source), "--write-back", str(out), *TODAY])
    assert result.exit_code == 2
    assert "marcada.xlsx" in result.output
    assert not out.exists()


def test_a_macro_free_source_is_not_copied_under_an_xlsm_name(runner, tmp_path):
    source = csv_file(tmp_path / "lancamentos.csv")
    out = tmp_path / "marcada.xlsm"
    result = runner.invoke(main, ["validate", str(source), "--write-back", str(out), *TODAY])
    assert result.exit_code == 2
    assert "não tem macros" in result.output
    assert not out.exists()


def test_a_copy_path_with_brackets_is_printed_as_typed(runner, tmp_path):
    source = csv_file(tmp_path / "lancamentos.csv")
    out = tmp_path / "marcada[/].xlsx"
    result = runner.invoke(main, ["validate", str(source), "--write-back", str(out), *TODAY])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "marcada[/].xlsx" in result.stderr
    assert out.exists()


def with_raw_bytes(source: Path, out: Path, placeholder: bytes, raw: bytes) -> Path:
    """`source` with `placeholder` replaced by `raw` inside its XML, as a lenient writer
    leaves it: ESC and BEL are not allowed in XML 1.0, and openpyxl refuses the file."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info, old.read(info).replace(placeholder, raw))
    return out


def test_raw_control_bytes_neither_crash_the_copy_nor_reach_the_terminal(runner, tmp_path):
    chart = [["1.1.02", "Bancos", "Ativo", "Devedora", "Sim"]]
    rows = [["05/03/2026", "NF-1", "Venda", "9.9.99ZZZ", "1.1.02", "10,00", "", "", ""]]
    plain = render_workbook(
        tmp_path / "plain.xlsx",
        [(TEMPLATES["plano_de_contas"], chart), (TEMPLATES["lancamentos"], rows)],
    )
    source = with_raw_bytes(plain, tmp_path / "l.xlsx", b"ZZZ", b"\x1b[2J\x1b[31m\x07")
    out = tmp_path / "marcada.xlsx"
    result = runner.invoke(main, ["validate", str(source), "--write-back", str(out), *TODAY])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "\x1b" not in result.stdout
    assert "\x07" not in result.stdout
    assert "account.unknown" in result.stdout
    book = load_workbook(out)  # the copy is a valid workbook
    assert book["Lançamentos"]["D2"].fill.fgColor.rgb == RED
    assert "não existe no Plano de contas" in book["Lançamentos"]["D2"].comment.text
    texts = [c.value for ws in book for row in ws.iter_rows() for c in row if c.value]
    assert not any("\x1b" in str(t) or "\x07" in str(t) for t in texts)


def test_json_output_escapes_the_controls_a_terminal_would_obey(runner, tmp_path):
    """`json` escapes C0 controls by itself; DEL and the C1 controls (U+009B is CSI) it
    leaves raw with ensure_ascii=False."""
    source = tmp_path / "l.csv"
    source.write_text(
        ";".join(HEADER) + "\n" + ";".join([*BAD[:6], "04252011\x9b2J\x7f", *BAD[7:]]) + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(main, ["validate", str(source), "--format", "json", *TODAY])
    assert result.exit_code == 1, result.output
    assert "\x9b" not in result.stdout
    assert "\x7f" not in result.stdout
    assert "\\u009b" in result.stdout or "042520112J" in result.stdout  # escaped, or dropped


def test_a_copy_that_cannot_be_written_is_one_sentence_and_no_file(runner, tmp_path):
    chart = [["1.1.02", "Bancos", "Ativo", "Devedora", "Sim"]]
    source = render_workbook(
        tmp_path / "l.xlsx",
        [(TEMPLATES["plano_de_contas"], chart), (TEMPLATES["lancamentos"], [GOOD[:6]])],
    )
    blocker = tmp_path / "relatorios"
    blocker.write_text("a file where the user thought a folder was", encoding="utf-8")
    out = blocker / "marcada.xlsx"
    result = runner.invoke(main, ["validate", str(source), "--write-back", str(out), *TODAY])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "erro: não foi possível gravar a cópia marcada em" in " ".join(result.stderr.split())
    assert not out.exists()


def test_a_refused_copy_name_is_shown_not_obeyed(runner, tmp_path):
    source = csv_file(tmp_path / "lancamentos.csv")
    out = tmp_path / "marcada\x1b[2J.csv"
    result = runner.invoke(main, ["validate", str(source), "--write-back", str(out), *TODAY])
    assert result.exit_code == 2
    assert "\x1b" not in result.output
    assert "marcada␛[2J.xlsx" in result.output
