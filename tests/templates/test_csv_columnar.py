"""CSV files read by pyarrow into text columns: the same cells, in the same places, as the
csv module reads them, for regular files and for the odd ones people send (a title above the
header, a line below the data, line breaks inside quotes, control characters, long lines)."""

from __future__ import annotations

import csv
import io
import random
import re

import pyarrow as pa
import pytest
from test_files import read_error

from retaguarda.templates.files import read_workbook
from retaguarda.templates.validate import Options, validate_paths

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
HEADER = "Data;Documento;Histórico;Conta débito;Conta crédito;Valor"


def expected_rows(text: str, delimiter: str = ";") -> list[list[str]]:
    """What the csv module reads, padded to the widest row, control characters dropped."""
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    width = max(map(len, rows), default=0)
    return [[CONTROL.sub("", cell) for cell in row] + [""] * (width - len(row)) for row in rows]


def ledger_line(i: int) -> str:
    return f"{1 + i % 28:02d}/03/2026;NF-{i:06d};Tarifa {i};4.1.03;1.1.02;{i},{i % 100:02d}"


def test_a_regular_csv_is_read_as_text_columns(tmp_path):
    path = tmp_path / "lancamentos.csv"
    path.write_text(HEADER + "\n" + "\n".join(map(ledger_line, range(3))) + "\n", "utf-8")
    sheet = read_workbook(path).sheets[0]
    assert sheet.columns is not None
    assert [column.type for column in sheet.columns] == [pa.large_string()] * 6
    assert sheet.columns[1].to_pylist() == ["Documento", "NF-000000", "NF-000001", "NF-000002"]
    assert sheet.rows[2] == ["02/03/2026", "NF-000001", "Tarifa 1", "4.1.03", "1.1.02", "1,01"]


def test_a_title_above_the_header_and_a_line_below_the_data_stay_in_place(tmp_path):
    """ERP exports: the short lines are put back on their own rows, so that a finding still
    names the cell the user sees (row 5 of the file is row 5 of the sheet)."""
    text = (
        "Relatório de lançamentos\n\n"
        f"{HEADER}\n{ledger_line(1)}\n05/03/2026;NF-9;Tarifa;4.1.03;1.1.02;-3,00\n"
        "Gerado em 03/12/2026 por Fulano\n"
    )
    path = tmp_path / "lancamentos.csv"
    path.write_text(text, "utf-8")
    sheet = read_workbook(path).sheets[0]
    assert sheet.columns is not None
    assert sheet.rows == expected_rows(text)
    assert sheet.rows[0] == ["Relatório de lançamentos", "", "", "", "", ""]
    assert sheet.rows[5] == ["Gerado em 03/12/2026 por Fulano", "", "", "", "", ""]
    report = validate_paths([path], Options(closed_until=None))
    negative = [i for i in report.issues if i.code == "number.negative"]
    assert [(i.cell, i.row) for i in negative] == [("F5", 5)]


def test_a_row_wider_than_the_start_of_the_file_widens_every_row(tmp_path):
    """The width is guessed from the file's first 64 KB; a wider row further down is read
    whole, and every other row gets empty cells up to its width."""
    lines = [HEADER, *map(ledger_line, range(2000)), ledger_line(2000) + ";extra;mais"]
    text = "\r\n".join(lines) + "\r\n"
    assert len(text.split("extra")[0]) > 65536
    path = tmp_path / "largo.csv"
    path.write_text(text, "utf-8", newline="")
    rows = read_workbook(path).sheets[0].rows
    assert rows == expected_rows(text)
    assert rows[-1][-2:] == ["extra", "mais"]
    assert rows[0][-2:] == ["", ""]


def test_quoted_line_breaks_below_a_title_line(tmp_path):
    """Records and lines differ here, so the short title line cannot be placed by its line
    number: it is read apart from the rows below it."""
    text = f'Extrato\r\n{HEADER}\r\n01/03/2026;"NF\r\n1";"duas\nlinhas";4.1.03;1.1.02;"1,00"\r\n'
    path = tmp_path / "extrato.csv"
    path.write_bytes(text.encode("cp1252"))
    sheet = read_workbook(path).sheets[0]
    assert sheet.columns is not None
    assert sheet.rows == expected_rows(text)
    assert sheet.rows[2][1:3] == ["NF\n1", "duas\nlinhas"]  # "\r" is a control character


def test_quoted_line_breaks_and_a_short_line_below_the_data(tmp_path):
    """Neither line numbers nor a title place the short last line: the csv module reads it."""
    text = f'{HEADER}\n01/03/2026;"NF\n1";x;4.1.03;1.1.02;"1,00"\nGerado em 03/12/2026\n'
    path = tmp_path / "rodape.csv"
    path.write_text(text, "utf-8")
    assert read_workbook(path).sheets[0].rows == expected_rows(text)


def test_control_characters_are_dropped_from_every_column(tmp_path):
    text = 'a;b;c\n"x\x1b[2Jy";\x07sino;ok\nfim\x9b;\x7f;"CR\rdentro"\n'
    path = tmp_path / "controle.csv"
    path.write_text(text, "utf-8")
    sheet = read_workbook(path).sheets[0]
    assert sheet.rows == [["a", "b", "c"], ["x[2Jy", "sino", "ok"], ["fim", "", "CRdentro"]]
    assert not any(CONTROL.search(cell) for column in sheet.columns for cell in column.to_pylist())


def test_a_carriage_return_inside_quotes_is_dropped_when_nothing_else_is(tmp_path):
    path = tmp_path / "cr.csv"
    path.write_bytes(b'a;b\r\n"linha 1\r\nlinha 2";x\r\n')
    assert read_workbook(path).sheets[0].rows == [["a", "b"], ["linha 1\nlinha 2", "x"]]


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_a_too_long_line_far_down_is_refused_with_its_number(tmp_path, end):
    lines = [HEADER, *map(ledger_line, range(3000)), "x;" * 17_000, ledger_line(3001)]
    path = tmp_path / "longa.csv"
    path.write_bytes(end.join(lines).encode())
    error = read_error(path)
    assert error.code == "file.csv_line_too_long"
    assert error.message.startswith("A linha 3002 do arquivo “longa.csv” é longa demais")


@pytest.mark.parametrize(
    "line", ["a;b\n", 'a;"b"\r\n', "\na;b\n"], ids=["plain", "quoted", "blank"]
)
def test_the_cell_budget_stops_a_csv_at_the_same_row_as_before(tmp_path, line):
    """Each row costs at least four cells, each cell two: a budget of 80 cells holds 40,
    ten rows of two columns; the eleventh row (B11, 22 cells) is refused."""
    path = tmp_path / "muitas.csv"
    path.write_text(line * 30, "utf-8", newline="")
    error = read_error(path, max_cells=80)
    assert error.code == "file.sheet_too_large"
    assert "vai até a célula B11 (22 células)" in error.message
    rows = 30 * line.count("\n")
    assert len(read_workbook(path, max_cells=rows * 8).sheets[0].rows) == rows  # × 4 × 2


@pytest.mark.parametrize("seed", range(4))
def test_odd_csvs_read_as_the_csv_module_reads_them(tmp_path, seed):
    """Random small files of odd pieces: quotes, doubled quotes, quotes inside a field, line
    breaks inside quotes, short and long rows, blank lines, control characters."""
    rng = random.Random(seed)
    pieces = ["a", "1,5", "", " ", '"q;x"', '"a""b"', '"l1\nl2"', "\x1b", "ç", "\x9b", "\t"]
    pieces += ['x"y', '"a"b', "\x7f", "€", '"c\r\nd"']
    for n in range(150):
        end = rng.choice(["\n", "\r\n", "\r"])
        width = rng.randint(1, 5)
        lines = ["Título"] if rng.random() < 0.3 else []
        for _ in range(rng.randint(1, 10)):
            count = width if rng.random() < 0.8 else rng.randint(0, width + 2)
            lines.append(";".join(rng.choice(pieces) for _ in range(count)))
        text = end.join(lines) + (end if rng.random() < 0.7 else "")
        if not text.strip("\r\n"):
            continue
        path = tmp_path / f"f{n}.csv"
        path.write_bytes(f"sep=;\n{text}".encode())  # no "," taken for the delimiter
        assert read_workbook(path).sheets[0].rows == expected_rows(text), text
