"""Inflating the members of a zip package ourselves, never beyond what they declare.

calamine would inflate whatever a member holds; inflating it here first, in small pieces and
with a cap, is what lets a workbook be measured before calamine reads it, and what turns a
zip bomb into a clear error instead of an exhausted machine.
"""

from __future__ import annotations

import contextlib
import queue
import re
import struct
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from retaguarda.templates.readers.errors import UnreadableFile, bomb, corrupt

MiB = 2**20

#: Uncompressed XML one workbook may unpack to, in all; more is refused as a zip bomb.
MAX_UNPACKED = 1024 * MiB
#: Inflation ratio above which a member (bigger than 1 MiB unpacked) is taken for a zip bomb.
#: Spreadsheet XML inflates 7-15 times, even a sheet of identical formatted blanks; a bomb
#: inflates about 1,000 times.
MAX_RATIO = 100
_RATIO_FLOOR = 1 * MiB
#: An XML tag longer than this is not something a spreadsheet program writes.
_MAX_TAG = 64 * 1024
_READ = 64 * 1024  # compressed bytes read at a time: small pieces inflate fastest
PIECE = 4 * MiB  # most bytes inflated by one call, so a bomb never lands in memory at once


def drain(path: Path, file: BinaryIO, info: zipfile.ZipInfo) -> None:
    """Inflate a part to its end, for its size must hold too."""
    for _ in inflate(path, file, info):
        pass


def check_declared_sizes(path: Path, parts: list[zipfile.ZipInfo]) -> None:
    total = 0
    for info in parts:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise corrupt(path)
        total += info.file_size
        if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * info.compress_size:
            raise bomb(path)
    if total > MAX_UNPACKED:
        raise bomb(path)


def inflate(
    path: Path, file: BinaryIO, info: zipfile.ZipInfo, read: int = _READ
) -> Iterator[bytes]:
    """The member's bytes, inflated from the raw stream and never beyond its declared size.

    Reading the raw stream (not `ZipFile.open`) is what calamine's zip reader sees too, and
    the cap is what a member that lies about its size runs into.
    """
    file.seek(info.header_offset)
    local = file.read(30)
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        raise corrupt(path)
    name_length, extra_length = struct.unpack("<HH", local[26:30])
    file.seek(info.header_offset + 30 + name_length + extra_length)
    left, produced = info.compress_size, 0
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    while left:
        data = file.read(min(read, left))
        if not data:
            raise corrupt(path)
        left -= len(data)
        while data:
            if inflater is None:
                piece, data = data, b""
            else:
                try:
                    piece = inflater.decompress(data, min(PIECE, info.file_size - produced + 1))
                except zlib.error:
                    raise corrupt(path) from None
                data = inflater.unconsumed_tail
            produced += len(piece)
            if produced > info.file_size:
                raise bomb(path)
            if piece:
                yield piece
            if inflater is not None and inflater.eof:
                break
    unfinished = inflater is not None and info.compress_size and not inflater.eof
    if produced != info.file_size or unfinished:
        raise corrupt(path)


def inflate_ahead(path: Path, file: BinaryIO, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """`inflate`'s pieces, inflated by a second thread while the caller works on earlier ones.

    zlib lets go of the interpreter lock while it inflates, so a scan of a big sheet uses
    both cores. Close the iterator (or exhaust it) before using `file` again: closing stops
    and waits for the thread.
    """
    ahead: queue.Queue[bytes | BaseException | None] = queue.Queue(_AHEAD)
    stop = threading.Event()

    def produce() -> None:
        try:
            for piece in inflate(path, file, info, _AHEAD_READ):
                ahead.put(piece)
                if stop.is_set():
                    return
            ahead.put(None)
        except BaseException as error:  # handed to the caller, raised there
            ahead.put(error)

    thread = threading.Thread(target=produce, name="inflate", daemon=True)
    thread.start()
    try:
        while (item := ahead.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # a put may wait on a full queue: make room until it ends
            with contextlib.suppress(queue.Empty):
                ahead.get(timeout=0.01)
        thread.join()


#: Pieces inflated ahead of the caller at most (each at most `PIECE` bytes).
_AHEAD = 4
#: Compressed bytes inflated at a time ahead: each piece hands the interpreter lock from one
#: thread to the other, and on a busy machine every hand-over waits for the scheduler.
_AHEAD_READ = 512 * 1024


def tag_pieces(path: Path, chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Re-cut XML so that no tag straddles two pieces: each piece but the last ends before "<".

    Text never holds a raw "<", so the last "<" of a piece starts the only tag that may be
    unfinished; it is carried over to the next piece. So is the last cell (`<c`) when it
    began in the last `_MAX_TAG` bytes, so that a cell and its formula and value are seen
    together.
    """
    carry = b""
    for chunk in chunks:
        data = carry + chunk if carry else chunk
        start = data.rfind(b"<c", max(0, len(data) - _MAX_TAG))
        if start == -1:
            start = data.rfind(b"<")
        if start == -1:
            carry = b""
            yield data
        elif len(data) - start <= _MAX_TAG:
            carry = data[start:]
            if start:
                yield data[:start]
        elif WHOLE_TAG.match(data, start, start + _MAX_TAG):
            carry = b""  # the last tag is complete and followed by a long text
            yield data
        else:
            raise corrupt(path)
    if carry:
        yield carry


WHOLE_TAG = re.compile(rb"<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")


def small_member(
    path: Path,
    package: zipfile.ZipFile,
    info: zipfile.ZipInfo | None,
    limit: int,
    too_big: Callable[[Path], UnreadableFile],
) -> bytes:
    """A member read whole, b"" if absent; over `limit` bytes, the error `too_big` makes."""
    if info is None:
        return b""
    if info.file_size > limit:
        raise too_big(path)
    try:
        return package.read(info)
    except Exception:  # zipfile raises a dozen kinds of error on a damaged entry
        raise corrupt(path) from None
