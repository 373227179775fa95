"""Every code the code base emits is in the one catalogue (`validators.codes`), with its
messages: the findings of the sample workbooks, the planted mistakes, the identifier checks,
and the files that cannot be read."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import TODAY

from retaguarda.templates.files import read_workbook
from retaguarda.templates.reader import read_tables
from retaguarda.templates.readers.errors import UnreadableFile
from retaguarda.templates.validate import Options, validate_paths, validate_tables
from retaguarda.validators.codes import CODES
from retaguarda.validators.identifiers import FAMILIES

SAMPLES = Path(__file__).parents[2] / "workbooks" / "samples"


def test_the_sample_workbooks_emit_only_catalogued_codes():
    manifest = json.loads((SAMPLES / "planted.json").read_text(encoding="utf-8"))
    options = Options(today=TODAY, closed_until=date.fromisoformat(manifest["closed_until"]))
    emitted: set[str] = set()
    for path in sorted(SAMPLES.glob("*.xlsx")):
        issues = validate_tables(read_tables(read_workbook(path)), options)
        assert issues, path.name
        for issue in issues:
            spec = CODES[issue.code]
            assert (issue.severity, bool(issue.message), bool(issue.message_en)) == (
                spec.severity,
                True,
                True,
            )
        emitted |= {issue.code for issue in issues}
    planted = {p["code"] for p in manifest["planted"]}
    assert planted <= emitted <= set(CODES)
    assert len(emitted) >= 20


def test_the_identifier_checks_emit_only_catalogued_codes():
    for family in FAMILIES.values():
        assert set(family.codes()) <= set(CODES), family.prefix
        assert not family.warning_code or family.warning_code in CODES


#: the code of each kind of unreadable file: (file name, its bytes; None: not written, and
#: "" for a folder of that name)
UNREADABLE = {
    "file.missing": ("nao_existe.xlsx", None),
    "file.not_a_file": ("pasta.xlsx", ""),
    "file.empty": ("vazio.xlsx", b""),
    "file.corrupt": ("truncado.xlsx", b"PK\x03\x04xx"),
    "file.not_spreadsheet": ("nota.xlsx", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n"),
    "file.no_tables": ("extrato.xls", b"<html><body><p>Sem movimento</p></body></html>"),
}


@pytest.mark.parametrize("code", UNREADABLE)
def test_unreadable_files_emit_catalogued_codes(tmp_path, code):
    name, content = UNREADABLE[code]
    path = tmp_path / name
    if content == "":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(UnreadableFile) as raised:
        read_workbook(path)
    assert raised.value.code == code
    assert CODES[code].severity == "error"
    assert raised.value.message
    assert raised.value.message_en


def test_unreadable_files_are_issues_with_catalogued_codes(tmp_path):
    (tmp_path / "sem_modelo.csv").write_text("Nome;Idade\nAna;30\n", encoding="utf-8")
    (tmp_path / "vazio.xlsx").write_bytes(b"")
    paths = [tmp_path / "sem_modelo.csv", tmp_path / "vazio.xlsx", tmp_path / "nao_existe.xlsx"]
    report = validate_paths(paths, Options(today=TODAY))
    assert [(Path(i.file).name, i.code) for i in report.issues] == [
        ("sem_modelo.csv", "file.no_template"),
        ("vazio.xlsx", "file.empty"),
        ("nao_existe.xlsx", "file.missing"),
    ]
    for issue in report.issues:
        assert issue.severity == CODES[issue.code].severity
