"""A big CSV read in a second process, started before a command imports what it checks with.

Reading the 500,000-row journal (its bytes, encoding and line checks, pyarrow's parse) takes
about half a second and needs neither pandas nor the rules, whose import takes as long; so, as
the .xlsx pre-scan does (`xlsx_ahead`), it runs meanwhile on the other core. Its text columns
come back as Arrow IPC streams written to a memory file both processes share, which this one
maps: no copy through a pipe (0.14 s for the journal's 79 MB), no Python object per cell.
Its answer is only a shortcut: when the second process fails, the file is no CSV that pyarrow
read, or it changed since, `files.read_workbook` reads it itself, so whatever a user sees,
errors included, comes from the same code as without it.
"""

from __future__ import annotations

import mmap
import os
import pickle
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from retaguarda.templates.readers.xlsx_ahead import WORTH_IT, identity

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

    import pyarrow as pa

    from retaguarda.templates.readers.raw_sheets import RawSheet

#: The first bytes of the files another reader takes (zip packages, OLE2 .xls)
_NOT_TEXT = (b"PK", b"\xd0\xcf\x11\xe0")


@dataclass
class ReadAhead:
    """A CSV being read in a second process; `sheets` waits for its answer."""

    path: Path
    max_cells: int
    process: BaseProcess
    answer: Connection
    #: the memory file the second process writes the columns into
    memory: int

    def sheets(self, path: Path, max_cells: int) -> list[RawSheet] | None:
        """The sheets `csv_file.read_csv` made of this very file, unchanged since, with the
        same budget, when they are text columns; else None."""
        import pyarrow as pa

        from retaguarda.templates.readers.raw_sheets import ColumnSheet

        try:
            found = pickle.loads(self.answer.recv_bytes())
            if found is None or path != self.path or max_cells != self.max_cells:
                return None
            made, names, ends = found
            if made != identity(path) or not ends or os.fstat(self.memory).st_size != ends[-1]:
                return None
            view = memoryview(mmap.mmap(self.memory, ends[-1], prot=mmap.PROT_READ))
            sheets: list[RawSheet] = []
            for name, start, end in zip(names, [0, *ends], ends, strict=False):
                table = pa.ipc.open_stream(pa.py_buffer(view[start:end])).read_all()
                sheets.append(ColumnSheet(name, [_one_chunk(c) for c in table.columns]))
            return sheets
        except (EOFError, OSError, ValueError):  # it died (killed, out of memory): no answer
            return None
        finally:
            self.stop()

    def stop(self) -> None:
        """End the second process, whether it answered or not (idempotent)."""
        self.answer.close()
        if self.memory >= 0:
            os.close(self.memory)  # a map made of it stays
            self.memory = -1
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()


def read_ahead(path: Path, max_cells: int, *, smallest: int = WORTH_IT) -> ReadAhead | None:
    """Start reading the text file at `path` in a forked process; None when it is smaller
    than `smallest` bytes, looks like a zip or .xls file, or this process cannot fork safely
    (`xlsx_ahead.scan_ahead` says why a process with other threads does not)."""
    if threading.active_count() > 1 or not hasattr(os, "memfd_create"):
        return None
    try:
        with path.open("rb") as file:
            if os.fstat(file.fileno()).st_size < smallest or file.read(4).startswith(_NOT_TEXT):
                return None
    except OSError:
        return None
    # Imported here, not when this module loads: most calls start no process. Before the
    # fork, so that both processes share the readers and pyarrow instead of importing them twice.
    import multiprocessing

    from retaguarda.templates import files  # noqa: F401

    context = multiprocessing.get_context("fork")
    try:
        memory = os.memfd_create("retaguarda-csv")
    except OSError:  # out of file descriptors: the file is read in the usual way
        return None
    try:
        receive, send = context.Pipe(duplex=False)
    except OSError:
        os.close(memory)
        return None
    process = context.Process(target=_read, args=(path, max_cells, send, memory), daemon=True)
    try:
        process.start()
    except OSError:  # no process to be had (a limit, a sandbox): likewise
        receive.close()
        os.close(memory)
        return None
    finally:
        send.close()
    return ReadAhead(path, max_cells, process, receive, memory)


def _one_chunk(column: pa.ChunkedArray) -> pa.Array:
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def _read(path: Path, max_cells: int, send: Connection, memory: int) -> None:
    """In the second process: each sheet's columns as an IPC stream into `memory`, one after
    the other, and the answer: what identifies the file, the sheets' names and where each
    stream ends; None when the file is not read as text columns or the reading fails (the
    parent then meets the failure again and reports it)."""
    try:
        import pyarrow as pa

        from retaguarda.templates.files import read_workbook

        made = identity(path)
        workbook = read_workbook(path, max_cells=max_cells)
        if workbook.kind != "csv" or any(sheet.columns is None for sheet in workbook.sheets):
            raise LookupError(workbook.kind)
        ends = []
        with open(memory, "wb", closefd=False) as file:
            for sheet in workbook.sheets:
                columns = sheet.columns or []
                batch = pa.record_batch(columns, names=[str(i) for i in range(len(columns))])
                with pa.ipc.new_stream(file, batch.schema) as writer:
                    writer.write_batch(batch)
                ends.append(file.tell())
        answer = (made, [sheet.name for sheet in workbook.sheets], ends)
    except BaseException:  # any failure is the reader's to meet again and report
        answer = None
    send.send_bytes(pickle.dumps(answer))
    send.close()
