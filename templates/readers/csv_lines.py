"""The physical lines of a CSV, counted and measured on its bytes at C speed: a loop over the
lines in Python took two of the five seconds of reading a 500,000-row CSV.

A line ends at "\n", at the "\n" of "\r\n", or at a lone "\r", as the csv module and pyarrow
both split lines.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

_CHUNK = 1 << 20


def line_count(data: bytes) -> int:
    lines = data.count(b"\n") + _lone_returns(data)
    return lines + (data[-1:] not in (b"", b"\n", b"\r"))


def _lone_returns(data: bytes) -> int:
    """How many "\r" are not followed by "\n", counted a megabyte at a time (bytes.count
    of a two-byte string was the slowest part of counting lines)."""
    returns = data.count(b"\r")
    if not returns:
        return 0
    raw = np.frombuffer(data, dtype=np.uint8)
    pairs = 0
    for start in range(0, len(raw) - 1, _CHUNK):
        part = raw[start : start + _CHUNK + 1]
        pairs += int(np.count_nonzero((part[:-1] == 13) & (part[1:] == 10)))
    return returns - pairs


def long_lines(data: bytes, longer_than: int) -> Iterator[tuple[int, bytes]]:
    """(0-based number, bytes with the end) of each line longer than `longer_than` bytes.

    Most files have none, which is told without listing the lines: a line that long holds a
    whole aligned block of a third of that many bytes without a line end.
    """
    if _ends_everywhere(data, max(longer_than // 3, 1)):
        return
    raw = np.frombuffer(data, dtype=np.uint8)
    ends = raw == 10
    returns = raw == 13
    returns[:-1] &= ~ends[1:]  # the "\r" of "\r\n" is not an end of its own
    ends |= returns
    stops = np.append(np.flatnonzero(ends) + 1, len(raw))
    starts = np.append(0, stops[:-1])
    for i in np.flatnonzero(stops - starts > longer_than).tolist():
        yield i, data[starts[i] : stops[i]]


def _ends_everywhere(data: bytes, block: int) -> bool:
    """Whether every aligned block of `block` bytes (and the last, shorter one) holds a line
    end: `bytes.find` stops at the first one, a few bytes in, and allocates nothing."""
    find = data.find
    for start in range(0, len(data), block):
        stop = start + block
        if find(b"\n", start, stop) < 0 and find(b"\r", start, stop) < 0:
            return False
    return True


def head_lines(data: bytes, count: int) -> bytes | None:
    """The first `count` lines of the file, None when a lone "\r" may end a line (rare enough
    to be left to the csv module), found a few megabytes at a time."""
    if _lone_returns(data):
        return None
    start, chunk = 0, _CHUNK
    while start < len(data):
        piece = data[start : start + chunk]
        found = piece.count(b"\n")
        if found >= count:
            ends = np.flatnonzero(np.frombuffer(piece, dtype=np.uint8) == 10)
            return data[: start + int(ends[count - 1]) + 1]
        count -= found
        start += chunk
    return data
