"""Arrow string columns as numpy sees them, for the vectorized readers and checks.

Fields and identifiers read a column of a million cells by working on the bytes of its Arrow
buffers (`large_string`: 64-bit offsets, one data buffer), not cell by cell; these are the few
tools both need, once.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def large(text: pa.Array | pa.ChunkedArray) -> pa.LargeStringArray:
    """`text` as one `large_string` array, whose offsets numpy reads as int64."""
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks() if text.num_chunks else pa.array([], text.type)
    return text if text.type == pa.large_string() else text.cast(pa.large_string())


def utf8_bytes(array: pa.Array) -> np.ndarray:
    """The bytes of the strings of a large_string `array`, end to end."""
    buffers = array.buffers()
    if buffers[2] is None:
        return np.empty(0, dtype=np.uint8)
    offsets = np.frombuffer(buffers[1], dtype=np.int64)
    first, last = offsets[array.offset], offsets[array.offset + len(array)]
    return np.frombuffer(buffers[2], dtype=np.uint8)[first:last]


def offsets_and_bytes(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Row offsets (n + 1, from 0) and the UTF-8 bytes of a string array."""
    text = large(text)
    if len(text) == 0:
        return np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.uint8)
    _, offsets, data = text.buffers()
    off = np.frombuffer(offsets, np.int64, count=len(text) + 1, offset=text.offset * 8)
    raw = np.frombuffer(data, np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
    return off - off[0], raw[off[0] : off[-1]]


def bools(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean Arrow array as numpy, null as False."""
    return pc.fill_null(array, False).to_numpy(zero_copy_only=False)


def matches(array: pa.Array, pattern: str) -> np.ndarray:
    """Which strings match the RE2 `pattern` as a whole (a null matches nothing)."""
    return bools(pc.match_substring_regex(array, f"^(?:{pattern})$"))


def scatter(n: int, pieces: list[tuple[np.ndarray, pa.Array]]) -> pa.Array:
    """One array of `n` strings from pieces for disjoint rows; null elsewhere."""
    pieces = [(rows, large(values)) for rows, values in pieces if len(rows)]
    if not pieces:
        return pa.nulls(n, pa.large_string())
    if len(pieces) == 1 and len(pieces[0][0]) == n and np.all(np.diff(pieces[0][0]) > 0):
        return pieces[0][1]  # every row, in order
    where = np.full(n, -1, dtype=np.int64)
    start = 0
    for rows, values in pieces:
        where[rows] = np.arange(start, start + len(values))
        start += len(values)
    values = pa.concat_arrays([values for _, values in pieces])
    return values.take(pa.array(where, mask=where < 0))
