"""The .xlsx pre-scan run in a second process, started before a command imports what it
checks with.

`retaguarda validate` spends about half a second importing pandas, pyarrow and the rules
before it reads a file, on one core; the extent pre-scan of a 200,000-row sheet
(`xlsx.scan_workbook`) costs as much and needs none of them, so it runs meanwhile on the other
core. Its answer is only a shortcut: when the second process fails for any reason (a file it
refuses, a crash, a file changed since), `xlsx.read_xlsx` scans again itself, so whatever a
user sees, errors included, comes from the same code as without it.
"""

from __future__ import annotations

import os
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

    from retaguarda.templates.readers.xlsx_halves import Halves
    from retaguarda.templates.readers.xlsx_scan import Scan

#: What identifies the file a scan was made of: (device, inode, size, modification time).
Identity = tuple[int, int, int, int]
#: Files smaller than this are scanned in the usual way: their scan takes less time than
#: starting a process (a 10 MB workbook of 200,000 rows takes half a second).
WORTH_IT = 1024 * 1024


@dataclass
class ScanAhead:
    """A pre-scan running in a second process; `scans` waits for its answer."""

    path: Path
    max_cells: int
    process: BaseProcess
    answer: Connection
    #: the halves of the biggest sheet (`xlsx_halves`), made on a thread of this process
    #: while it imports; put in `made` as (identity, parts' keys, halves or None)
    preparing: threading.Thread | None = None
    made: list[tuple[Identity, list[tuple[str, int]], Halves | None]] = field(default_factory=list)

    def prepare_halves(self) -> None:
        """Start making the halves on a thread: called once every process is forked, for a
        fork leaves other threads behind (see `scan_ahead`)."""
        self.preparing = threading.Thread(
            target=_prepare, args=(self.path, self.made), name="retaguarda-halves", daemon=True
        )
        self.preparing.start()

    def halves(self, path: Path, parts: list[zipfile.ZipInfo]) -> Halves | None:
        """The halves made of this very file and parts, unchanged since; the caller closes
        them. None when none were made or they are of something else."""
        if self.preparing is None or path != self.path:
            return None
        self.preparing.join()
        if not self.made:
            return None
        made, keys, halves = self.made.pop()
        if halves is not None and (made != identity(path) or keys != _keys(parts)):
            halves.close()
            return None
        return halves

    def scans(
        self, path: Path, parts: list[zipfile.ZipInfo], max_cells: int
    ) -> list[Scan | None] | None:
        """The scans of `parts` (see `xlsx.scan_parts`) when the second process made them of
        this very file, unchanged since, with the same budget; else None."""
        try:
            found = self.answer.recv()
        except (EOFError, OSError):  # it died (killed, out of memory): no answer
            found = None
        finally:
            self.stop()
        if found is None or path != self.path or max_cells != self.max_cells:
            return None
        made, keys, scans = found
        if made != identity(path) or keys != _keys(parts):
            return None
        return scans

    def stop(self) -> None:
        """End the second process, whether it answered or not, and drop halves not taken
        (idempotent)."""
        self.answer.close()
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        if self.preparing is not None:
            self.preparing.join()
            for _, _, halves in self.made:
                if halves is not None:
                    halves.close()
            self.made.clear()


def scan_ahead(path: Path, max_cells: int, *, smallest: int = WORTH_IT) -> ScanAhead | None:
    """Start the pre-scan of the workbook at `path` in a forked process; None when `path` is
    no zip package of at least `smallest` bytes, or this process cannot fork safely.

    A fork copies only the thread that calls it: a lock another thread held (logging, a
    server's) would stay locked in the copy forever, so a process with other threads (a test
    runner, the service) scans in the usual way.
    """
    if threading.active_count() > 1 or not hasattr(os, "fork"):
        return None
    try:
        with path.open("rb") as file:
            if os.fstat(file.fileno()).st_size < smallest or file.read(4) != b"PK\x03\x04":
                return None
    except OSError:
        return None
    # Imported here, not when this module loads: most calls start no process. Before the
    # fork, so that both processes share the readers instead of importing them twice.
    import multiprocessing

    from retaguarda.templates.readers import xlsx  # noqa: F401

    context = multiprocessing.get_context("fork")
    try:
        receive, send = context.Pipe(duplex=False)
    except OSError:  # out of file descriptors: the reader scans in the usual way
        return None
    process = context.Process(target=_scan, args=(path, max_cells, send), daemon=True)
    try:
        process.start()
    except OSError:  # no process to be had (a limit, a sandbox): likewise
        receive.close()
        return None
    finally:
        send.close()
    return ScanAhead(path, max_cells, process, receive)


def _scan(path: Path, max_cells: int, send: Connection) -> None:
    """In the second process: the scans, with what identifies the file and its parts, or
    None when the scan fails (the reader then meets the failure again and reports it)."""
    from retaguarda.templates.readers.xlsx import scan_workbook

    try:
        made = identity(path)
        parts, scans = scan_workbook(path, max_cells)
        answer = (made, _keys(parts), scans)
    except BaseException:  # any failure is the reader's to meet again and report
        answer = None
    send.send(answer)
    send.close()


def _prepare(path: Path, made: list[tuple[Identity, list[tuple[str, int]], Halves | None]]) -> None:
    """On a thread: the halves of the workbook's biggest sheet, with what identifies the file
    and its parts; nothing when making them fails (the reader then reads the sheet whole)."""
    from retaguarda.templates.readers.xlsx import prepare_halves

    try:
        before = identity(path)
        parts, halves = prepare_halves(path)
        made.append((before, _keys(parts), halves))
    except BaseException:  # any failure is the reader's to meet again and report
        return


def identity(path: Path) -> Identity:
    """What tells the file read ahead from another put in its place or changed since."""
    info = os.stat(path)
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns


def _keys(parts: list[zipfile.ZipInfo]) -> list[tuple[str, int]]:
    """The parts by name and place in the file: a crafted zip may hold two of one name."""
    return [(info.filename, info.header_offset) for info in parts]
