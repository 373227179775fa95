"""A CSV read ahead in a second process (`csv_ahead`): its columns are used only for the very
file it read, and a file reads the same, refusals included, with or without it.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest
import xlsxwriter

from retaguarda.templates.files import UnreadableFile, read_workbook
from retaguarda.templates.readers.csv_ahead import read_ahead
from retaguarda.templates.validate import Options, validate_paths

JOURNAL = "Data;Histórico;Valor\n05/03/2026;Venda à vista;1.066,82\n06/03/2026;Frete;-3,50\n"


def sheets_of(path: Path, **options) -> list[tuple[str, list[list[object]]]]:
    return [(s.name, s.rows) for s in read_workbook(path, **options).sheets]


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (JOURNAL, "utf-8"),
        (JOURNAL, "utf-8-sig"),
        (JOURNAL, "cp1252"),
        ("Relatório de lançamentos\n" + JOURNAL + "Gerado em 30/11/2026\n", "utf-8"),
        ('Data;Histórico;Valor\n05/03/2026;"duas\nlinhas";1,00\n', "utf-8"),
    ],
)
def test_a_csv_reads_the_same_with_its_reading_run_ahead(tmp_path, text, encoding):
    path = tmp_path / "lancamentos.csv"
    path.write_bytes(text.encode(encoding))
    alone = sheets_of(path, max_cells=1000)
    ahead = read_ahead(path, 1000, smallest=0)
    assert ahead is not None
    assert sheets_of(path, max_cells=1000, ahead=ahead) == alone
    ahead = read_ahead(path, 1000, smallest=0)
    assert ahead is not None
    read = ahead.sheets(path, 1000)
    assert read is not None  # pyarrow read it: the second process gave its columns
    assert [(s.name, s.rows) for s in read] == alone
    assert alone[0][1][0][0] in ("Data", "Relatório de lançamentos")


def test_the_columns_are_used_for_the_file_read_and_not_once_it_changed(tmp_path):
    path = tmp_path / "lancamentos.csv"
    path.write_text(JOURNAL, encoding="utf-8")
    ahead = read_ahead(path, 1000, smallest=0)
    assert ahead is not None
    read = ahead.sheets(path, 1000)
    assert read is not None
    assert read[0].rows[2] == ["06/03/2026", "Frete", "-3,50"]
    ahead = read_ahead(path, 1000, smallest=0)
    assert ahead is not None
    ahead.process.join()  # the reading is over before the file changes
    time.sleep(0.01)
    path.write_text(JOURNAL.replace("Frete", "Aluguel"), encoding="utf-8")
    assert ahead.sheets(path, 1000) is None
    assert read_workbook(path, max_cells=1000).sheets[0].rows[2][1] == "Aluguel"


def test_a_file_pyarrow_does_not_read_is_read_by_the_csv_module_as_before(tmp_path):
    """A quoted line break below a title pyarrow cannot place: the csv module reads it, and
    the second process has nothing to give."""
    path = tmp_path / "irregular.csv"
    path.write_text('a;b\n"x\ny";1;2;3\n1\n', encoding="utf-8")
    alone = sheets_of(path, max_cells=1000)
    ahead = read_ahead(path, 1000, smallest=0)
    assert ahead is not None
    assert sheets_of(path, max_cells=1000, ahead=ahead) == alone


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("grande.csv", "".join(f"{i};{i}\n" for i in range(400)).encode(), "file.sheet_too_large"),
        ("pagina.csv", b"<html><body>oi</body></html>", "file.no_tables"),
    ],
)
def test_a_file_refused_is_refused_the_same_with_its_reading_run_ahead(tmp_path, name, data, code):
    path = tmp_path / name
    path.write_bytes(data)
    errors = []
    for ahead in (None, read_ahead(path, 500, smallest=0)):
        with pytest.raises(UnreadableFile) as caught:
            read_workbook(path, max_cells=500, ahead=ahead)
        errors.append((caught.value.code, caught.value.message))
    assert errors[0] == errors[1]
    assert errors[0][0] == code


def test_nothing_is_read_ahead_for_a_workbook_a_small_csv_or_beside_other_threads(tmp_path):
    book = tmp_path / "livro.xlsx"
    workbook = xlsxwriter.Workbook(book)
    workbook.add_worksheet().write(0, 0, "Data")
    workbook.close()
    assert read_ahead(book, 1000, smallest=0) is None
    path = tmp_path / "lancamentos.csv"
    path.write_text(JOURNAL, encoding="utf-8")
    assert read_ahead(path, 1000) is None  # reading it takes less than starting a process
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert read_ahead(path, 1000, smallest=0) is None
    finally:
        stop.set()
        other.join()


#: runs `retaguarda validate` as a person starts it, and says on stderr whether the reader
#: used the columns read ahead
CLI = """
import sys
from retaguarda.templates.readers import csv_ahead
sheets = csv_ahead.ReadAhead.sheets
def told(self, *args):
    found = sheets(self, *args)
    print("ahead:", found is not None, file=sys.stderr)
    return found
csv_ahead.ReadAhead.sheets = told
from retaguarda.sync.cli import main
main(sys.argv[1:], prog_name="retaguarda")
"""


def test_validate_reads_a_big_csv_ahead_and_finds_the_same(tmp_path):
    """A journal of 1.5 MB, big enough to be read ahead: the report the command prints is
    the one read in the usual way, and row 3's debit equal to its credit is among it."""
    rng = random.Random(14)
    path = tmp_path / "lancamentos.csv"
    lines = ["Data;Documento;Histórico;Conta débito;Conta crédito;Valor;CPF/CNPJ;Observações"]
    for row in range(1, 20_001):
        credit = "1.1.02" if row == 2 else "3.1.01"
        text = f"Venda {rng.getrandbits(64):016x}"
        lines.append(f"05/03/2026;NF-{rng.getrandbits(40)};{text};1.1.02;{credit};{row},50;;x")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size > 1024 * 1024
    options = ["--today", "2026-11-30", "--closed-until", "2025-12-31", "--format", "json"]
    child = subprocess.run(
        [sys.executable, "-c", CLI, "validate", str(path), *options],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        check=False,
    )
    assert "ahead: True" in child.stderr, child.stderr
    report = validate_paths(
        [str(path)], Options(today=date(2026, 11, 30), closed_until=date(2025, 12, 31))
    )
    assert json.loads(child.stdout)["issues"] == report.to_dict()["issues"]
    assert ("ledger.same_account", "E3") in {(i.code, i.cell) for i in report.issues}
