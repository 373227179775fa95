"""The garbage collector held off while tables are typed and checked comes back as it was."""

from __future__ import annotations

import gc
import threading

import pytest

from retaguarda.templates.collector import collector_off, without_collector
from retaguarda.templates.reader import read_table


def test_the_collector_is_off_inside_and_back_after_nested_calls_and_a_failure():
    assert gc.isenabled()
    with collector_off():
        assert not gc.isenabled()
        with collector_off():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer call is still running
    assert gc.isenabled()

    @without_collector
    def fails() -> None:
        assert not gc.isenabled()
        raise ValueError("célula")

    with pytest.raises(ValueError, match="célula"):
        fails()
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_caller_stays_off():
    gc.disable()
    try:
        read_table([["Data", "Valor"], ["05/03/2026", "1,00"]], sheet="Lançamentos")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_calls_from_two_threads_leave_the_collector_on_when_both_are_done():
    inside, leave = threading.Barrier(2), threading.Event()

    def work() -> None:
        with collector_off():
            inside.wait()
            leave.wait()

    other = threading.Thread(target=work)
    other.start()
    with collector_off():
        inside.wait()
    assert not gc.isenabled()  # the other thread's call is still running
    leave.set()
    other.join()
    assert gc.isenabled()
