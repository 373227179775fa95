"""Reading text in bulk: a pattern decides which cells are well formed, then their digits are
read out of the Arrow buffers with numpy, one byte position of every cell at a time."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from retaguarda.validators.arrays import offsets_and_bytes

#: Longer cells are read one at a time: no well-formed number or date is that long (short of
#: padding), and the byte grid below is as wide as the longest cell.
_WIDTH = 40
#: Columns that repeat themselves (dates do) are read once per distinct value.
_SAMPLE = 16384


def byte_grid(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Each cell's bytes right-aligned in a (width, cells) array, zeros on the left; lengths.

    Byte c of every cell is then one contiguous vector, so reading a column costs a few
    vector operations per byte position. A cell longer than `_WIDTH` keeps its last bytes.
    """
    off, data = offsets_and_bytes(text)
    lengths = np.diff(off)
    width = int(min(lengths.max(), _WIDTH)) if len(lengths) else 0
    padded = np.concatenate([np.zeros(width, dtype=np.uint8), data])
    rows = np.lib.stride_tricks.sliding_window_view(padded, width)[off[1:]]
    grid = np.ascontiguousarray(rows.T)
    for c in range(width):  # zero what belongs to the previous cells
        grid[c] *= lengths >= width - c
    return grid, lengths


def digit_runs(
    grid: np.ndarray, count: int
) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray]:
    """Values and sizes of each cell's first `count` digit runs (the last one instead, when
    `count` is 0), and how many other bytes the cell has."""
    width, n = grid.shape
    values = [np.zeros(n, dtype=np.int32) for _ in range(max(count, 1))]
    sizes = [np.zeros(n, dtype=np.uint8) for _ in range(max(count, 1))]
    cuts = np.zeros(n, dtype=np.uint8)
    for c in range(width):
        digit = grid[c] - 48
        is_digit = digit < 10
        cut = ~is_digit & (grid[c] != 0)
        cuts += cut
        if count == 0:  # a run restarts after any other byte
            values[0] *= ~cut
            sizes[0] *= ~cut
        for j in range(max(count, 1)):
            here = is_digit & (cuts == j) if count else is_digit
            values[j] *= here * np.uint8(9) + np.uint8(1)
            values[j] += digit * here
            sizes[j] += here
    return [v.astype(np.int64) for v in values], [z.astype(np.int64) for z in sizes], cuts


def by_distinct(
    text: pa.Array, read: Callable[[pa.Array], tuple[np.ndarray, ...]]
) -> tuple[np.ndarray, ...]:
    """`read(text)`, reading each distinct value once when a sample shows repetition."""
    if len(text) > _SAMPLE and len(pc.unique(text.slice(0, _SAMPLE))) <= _SAMPLE // 4:
        encoded = pc.dictionary_encode(text)
        where = encoded.indices.to_numpy(zero_copy_only=False).astype(np.intp)
        return tuple(part[where] for part in read(encoded.dictionary))
    return read(text)
