"""A big table's columns typed and its checks run on two threads give the serial report."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest

from retaguarda.templates import column_types, parallel
from retaguarda.templates.checks import Options
from retaguarda.templates.validate import validate_paths

SAMPLES = Path(__file__).resolve().parents[2] / "workbooks" / "samples"


def _report(paths: list[Path]) -> dict:
    options = Options(today=date(2026, 3, 31), closed_until=date(2025, 12, 31))
    return validate_paths(paths, options).to_dict()


def test_threads_find_the_same_issues_in_the_same_order(monkeypatch: pytest.MonkeyPatch):
    paths = [SAMPLES / "matriz.xlsx", SAMPLES / "filial_rio.xlsx"]
    serial = _report(paths)
    assert serial["issues"], "the samples carry planted mistakes"
    before = threading.active_count()
    monkeypatch.setattr(parallel, "WORTH_IT", 0)  # every table, however small, on two threads
    typed_on: set[str] = set()
    real = column_types._type_column

    def watched(*args):
        typed_on.add(threading.current_thread().name)
        return real(*args)

    monkeypatch.setattr(column_types, "_type_column", watched)
    assert _report(paths) == serial
    assert typed_on  # the columns were typed...
    assert all(name.startswith("retaguarda-table") for name in typed_on)  # ...on the pool's threads
    # the threads ended with the calls: a later read-ahead may still fork
    assert threading.active_count() == before


def test_each_keeps_the_order_and_raises_a_pieces_error():
    pieces = list(range(40))
    assert parallel.each(lambda n: n * 3, pieces, rows=10**6) == [n * 3 for n in pieces]
    with pytest.raises(ZeroDivisionError):
        parallel.each(lambda n: 1 // n, [3, 0, 2], rows=10**6)
