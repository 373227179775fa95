"""A big sheet parsed in two halves on two threads reads exactly as the whole sheet does."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from test_files_hostile import xlsx_with_parts

from retaguarda.templates.files import read_workbook
from retaguarda.templates.readers import xlsx_halves
from retaguarda.templates.readers.xlsx_ahead import scan_ahead

ROOT = Path(__file__).resolve().parents[2]


def _sheets(path: Path) -> list[tuple[str, list[list[object]], dict, list[str]]]:
    return [(s.name, s.rows, s.formulas, s.far) for s in read_workbook(path).sheets]


@pytest.fixture
def halves(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Split every sheet that can be split, and count the reads that were split."""
    split: list[bool] = []
    real = xlsx_halves.read_in_halves

    def counted(*args, **kwargs):
        raw = real(*args, **kwargs)
        if xlsx_halves.WORTH_IT == 0:  # the reads `_both_ways` makes to be split
            split.append(raw is not None)
        return raw

    monkeypatch.setattr("retaguarda.templates.readers.xlsx.read_in_halves", counted)
    return split


def _both_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list, list]:
    with monkeypatch.context() as whole:
        whole.setattr(xlsx_halves, "WORTH_IT", 10**12)
        expected = _sheets(path)
    with monkeypatch.context() as split:
        split.setattr(xlsx_halves, "WORTH_IT", 0)
        return expected, _sheets(path)


def test_every_workbook_of_the_repository_reads_the_same_in_halves(monkeypatch, halves):
    paths = sorted({*ROOT.glob("workbooks/**/*.xlsx"), *ROOT.glob("tests/**/*.xlsx")})
    assert len(paths) >= 5
    for path in paths:
        expected, got = _both_ways(path, monkeypatch)
        assert got == expected, path
    assert sum(halves) >= 5  # most were really split, not all read whole


def _row(r: int, cells: dict[str, object]) -> str:
    inner = "".join(
        f'<c r="{col}{r}" t="inlineStr"><is><t>{v}</t></is></c>'
        if isinstance(v, str)
        else f'<c r="{col}{r}"><v>{v}</v></c>'
        for col, v in cells.items()
    )
    return f'<row r="{r}">{inner}</row>'


def _book(tmp_path: Path, sheet_data: str) -> Path:
    return xlsx_with_parts(
        tmp_path / "livro.xlsx",
        [
            ("Resumo", "xl/worksheets/sheet1.xml", "worksheets/sheet1.xml", _row(1, {"A": "x"})),
            ("Lançamentos", "xl/worksheets/sheet2.xml", "worksheets/sheet2.xml", sheet_data),
        ],
    )


SHAPES = {
    # the second half starts in column C, the first reaches E: rows padded both ways
    "narrower_second_half": "".join(_row(r, {"A": "a", "E": r}) for r in range(1, 200))
    + "".join(_row(r, {"C": r}) for r in range(200, 400)),
    # blank rows where the cut falls
    "gap_at_the_cut": "".join(_row(r, {"A": r}) for r in range(1, 150))
    + "".join(_row(r, {"B": f"t{r}"}) for r in range(260, 400)),
    # a row written out of order: the halves would overlap
    "out_of_order": "".join(_row(r, {"A": r}) for r in range(2, 400)) + _row(1, {"B": "fim"}),
    # a row without its number at the cut: where it lies depends on the rows before it
    "unnumbered": "".join(
        _row(r, {"A": r}).replace(f'<row r="{r}">', "<row>") for r in range(1, 400)
    ),
    # a value holding text that looks like a row tag, inside CDATA
    "cdata": "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t><![CDATA[<row r="9">]]></t></is></c></row>'
        for r in range(1, 400)
    ),
    # control characters escaped in the second half, cleaned as in a whole read
    "escapes": "".join(_row(r, {"A": f"x_x0001_{r}"}) for r in range(1, 400)),
    "only_the_second_half_has_values": "".join(f'<row r="{r}"/>' for r in range(1, 200))
    + "".join(_row(r, {"D": r}) for r in range(200, 400)),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_odd_sheets_read_the_same_split_or_whole(tmp_path, monkeypatch, halves, shape):
    expected, got = _both_ways(_book(tmp_path, SHAPES[shape]), monkeypatch)
    assert got == expected
    sheet = dict((name, rows) for name, rows, _, _ in got)["Lançamentos"]
    assert len(sheet) >= 399


def test_what_cannot_be_cut_safely_is_read_whole(tmp_path, monkeypatch, halves):
    for shape in ("unnumbered", "cdata", "out_of_order"):
        _both_ways(_book(tmp_path, SHAPES[shape]), monkeypatch)
    assert halves == [False, False, False]


def test_a_sheet_cut_in_two_is_really_split(tmp_path, monkeypatch, halves):
    _, got = _both_ways(_book(tmp_path, SHAPES["narrower_second_half"]), monkeypatch)
    assert halves == [True]
    rows = dict((name, rows) for name, rows, _, _ in got)["Lançamentos"]
    assert rows[0] == ["a", "", "", "", 1.0]  # the first half, padded to E
    assert rows[398] == ["", "", 399.0, "", ""]  # the second half, padded from C to E


def test_a_sheet_too_big_to_hold_in_memory_is_read_whole(tmp_path, monkeypatch, halves):
    path = _book(tmp_path, SHAPES["narrower_second_half"])
    monkeypatch.setattr(xlsx_halves, "TOO_BIG", 1000)  # bytes: this sheet is over it
    expected, got = _both_ways(path, monkeypatch)
    assert got == expected
    assert halves == [False]


def _made_ahead(path: Path):
    ahead = scan_ahead(path, 10**6, smallest=0)
    assert ahead is not None
    ahead.prepare_halves()
    return ahead


def test_halves_made_ahead_read_the_same_and_are_made_once(tmp_path, monkeypatch, halves):
    path = _book(tmp_path, SHAPES["narrower_second_half"])
    expected, _ = _both_ways(path, monkeypatch)
    monkeypatch.setattr(xlsx_halves, "WORTH_IT", 0)
    made: list[Path] = []
    real = xlsx_halves.prepare
    monkeypatch.setattr(
        "retaguarda.templates.readers.xlsx.prepare",
        lambda path, *rest: made.append(path) or real(path, *rest),
    )
    ahead = _made_ahead(path)
    got = [(s.name, s.rows, s.formulas, s.far) for s in read_workbook(path, ahead=ahead).sheets]
    assert got == expected
    assert halves == [True, True]  # `_both_ways`'s split read, then this one
    assert made == [path]  # on the thread, ahead, and not again by the reader


def test_halves_made_of_a_file_replaced_since_are_not_used(tmp_path, monkeypatch, halves):
    path = _book(tmp_path, SHAPES["narrower_second_half"])
    monkeypatch.setattr(xlsx_halves, "WORTH_IT", 0)
    ahead = _made_ahead(path)
    assert ahead.preparing is not None
    ahead.preparing.join()  # made of the first file...
    time.sleep(0.01)
    other = tmp_path / "outro"
    other.mkdir()
    os.replace(_book(other, SHAPES["gap_at_the_cut"]), path)  # ...which is then replaced
    expected, _ = _both_ways(path, monkeypatch)
    got = [(s.name, s.rows, s.formulas, s.far) for s in read_workbook(path, ahead=ahead).sheets]
    assert got == expected


def test_no_room_for_the_copies_reads_the_sheet_whole(tmp_path, monkeypatch, halves):
    path = _book(tmp_path, SHAPES["narrower_second_half"])
    expected, _ = _both_ways(path, monkeypatch)

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(xlsx_halves.tempfile, "TemporaryFile", full)
    monkeypatch.setattr(xlsx_halves, "WORTH_IT", 0)
    got = [(s.name, s.rows, s.formulas, s.far) for s in read_workbook(path).sheets]
    assert got == expected
    assert halves[-1] is False
