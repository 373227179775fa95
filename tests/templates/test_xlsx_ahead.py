"""The .xlsx pre-scan run ahead in a second process (`xlsx_ahead`): the reader uses its answer
only for the very file it read, and a workbook reads the same, refusals included, with or
without it.
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

import openpyxl
import pytest
import xlsxwriter
from test_files import run_isolated
from test_files_hostile import dense_rows, xlsx_with_parts

from retaguarda.templates.files import UnreadableFile, read_workbook
from retaguarda.templates.readers.xlsx import scan_workbook
from retaguarda.templates.readers.xlsx_ahead import scan_ahead
from retaguarda.templates.validate import Options, validate_paths


def far_workbook(path: Path) -> Path:
    """Three rows of numbers in A1:C3 and a stray 9 at XFD1048576."""
    data = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>{r}</v></c>' for c in "ABC") + "</row>"
        for r in (1, 2, 3)
    )
    data += '<row r="1048576"><c r="XFD1048576"><v>9</v></c></row>'
    return xlsx_with_parts(
        path, [("Dados", "xl/worksheets/sheet1.xml", "worksheets/sheet1.xml", data)]
    )


def formula_workbook(path: Path) -> Path:
    book = openpyxl.Workbook()  # openpyxl writes formulas and never calculates them
    sheet = book.active
    sheet.append(["Valor", "Dobro"])
    sheet.append([10, "=A2*2"])
    book.save(path)
    return path


@pytest.mark.parametrize("make", [far_workbook, formula_workbook])
def test_a_workbook_reads_the_same_with_its_scan_run_ahead(tmp_path, make):
    path = make(tmp_path / "livro.xlsx")
    alone = read_workbook(path, max_cells=1000)
    ahead = scan_ahead(path, 1000, smallest=0)
    assert ahead is not None
    both = read_workbook(path, max_cells=1000, ahead=ahead)
    assert [(s.name, s.rows, s.formulas, s.far) for s in both.sheets] == [
        (s.name, s.rows, s.formulas, s.far) for s in alone.sheets
    ]


def test_the_answer_is_used_for_the_file_scanned_and_not_once_it_changed(tmp_path):
    path = far_workbook(tmp_path / "livro.xlsx")
    parts, expected = scan_workbook(path, 1000)
    ahead = scan_ahead(path, 1000, smallest=0)
    assert ahead is not None
    assert ahead.scans(path, parts, 1000) == expected
    ahead = scan_ahead(path, 1000, smallest=0)
    assert ahead is not None
    ahead.process.join()  # the scan is over before the file changes
    time.sleep(0.01)
    formula_workbook(path)
    parts, _ = scan_workbook(path, 1000)
    assert ahead.scans(path, parts, 1000) is None


def test_a_file_replaced_after_its_scan_is_scanned_again_and_its_stray_cell_left_out(tmp_path):
    """Were the first scan's answer used for the second file, calamine would build a grid up
    to XFD1048576 and abort the process: hence a process of its own."""
    first, second = tmp_path / "pequeno.xlsx", far_workbook(tmp_path / "longe.xlsx")
    xlsx_with_parts(first, [("Dados", "xl/worksheets/sheet1.xml", "worksheets/sheet1.xml", "")])
    child = run_isolated(
        "import os, time\n"
        "from pathlib import Path\n"
        "from retaguarda.templates.files import read_workbook\n"
        "from retaguarda.templates.readers.xlsx_ahead import scan_ahead\n"
        f"path, second = Path({str(first)!r}), Path({str(second)!r})\n"
        "ahead = scan_ahead(path, 1000, smallest=0)\n"
        "ahead.process.join()\n"
        "time.sleep(0.01)\n"
        "os.replace(second, path)\n"
        "sheet = read_workbook(path, max_cells=1000, ahead=ahead).sheets[0]\n"
        "print(sheet.rows, sheet.far)\n"
    )
    assert child.returncode == 0, child.stderr
    assert (
        child.stdout.strip() == "[[1.0, 1.0, 1.0], [2.0, 2.0, 2.0], [3.0, 3.0, 3.0]] ['XFD1048576']"
    )


def test_a_workbook_too_large_is_refused_the_same_with_its_scan_run_ahead(tmp_path):
    path = xlsx_with_parts(
        tmp_path / "grande.xlsx",
        [("Dados", "xl/worksheets/sheet1.xml", "worksheets/sheet1.xml", dense_rows(100, 10))],
    )
    errors = []
    for ahead in (None, scan_ahead(path, 999, smallest=0)):
        with pytest.raises(UnreadableFile) as caught:
            read_workbook(path, max_cells=999, ahead=ahead)
        errors.append((caught.value.code, caught.value.message))
    assert errors[0] == errors[1]
    assert errors[0][0] == "file.sheet_too_large"


def test_nothing_is_run_ahead_for_a_csv_a_small_workbook_or_beside_other_threads(tmp_path):
    text = tmp_path / "lancamentos.csv"
    text.write_text("Data;Valor\n05/03/2026;1,00\n", encoding="utf-8")
    assert scan_ahead(text, 1000, smallest=0) is None
    path = far_workbook(tmp_path / "livro.xlsx")
    assert scan_ahead(path, 1000) is None  # its scan takes less than starting a process
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        # a fork would copy no lock the other thread holds
        assert scan_ahead(path, 1000, smallest=0) is None
    finally:
        stop.set()
        other.join()


#: runs `retaguarda validate` as a person starts it, and says on stderr whether the reader
#: used the scan run ahead
CLI = """
import sys
from retaguarda.templates.readers import xlsx_ahead
scans = xlsx_ahead.ScanAhead.scans
def told(self, *args):
    found = scans(self, *args)
    print("ahead:", found is not None, file=sys.stderr)
    return found
xlsx_ahead.ScanAhead.scans = told
from retaguarda.sync.cli import main
main(sys.argv[1:], prog_name="retaguarda")
"""


def test_validate_reads_a_big_workbook_with_its_scan_run_ahead_and_finds_the_same(tmp_path):
    """A journal of 1.5 MB, big enough to be scanned ahead: the report the command prints is
    the one read in the usual way, and row 3's debit equal to its credit is among it."""
    rng = random.Random(14)
    path = tmp_path / "grande.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Lançamentos")
    sheet.write_row(0, 0, ["Data", "Documento", "Histórico", "Conta débito", "Conta crédito"])
    sheet.write_row(0, 5, ["Valor", "Centro de custo", "CPF/CNPJ", "Observações"])
    for row in range(1, 30_001):
        credit = "1.1.02" if row == 2 else "3.1.01"
        text = f"Venda {rng.getrandbits(64):016x}"
        sheet.write_row(row, 0, ["05/03/2026", f"NF-{rng.getrandbits(40)}", text, "1.1.02"])
        sheet.write_row(row, 4, [credit, row + 0.5, "", "", f"{rng.getrandbits(64):x}"])
    book.close()
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
