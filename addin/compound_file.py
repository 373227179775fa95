"""Writing an [MS-CFB] compound file (the OLE2 container of `vbaProject.bin`), version 3.

Only what a VBA project needs: one root storage holding streams and storages, small streams
in the mini stream, at most 109 FAT sectors (no DIFAT sectors, about 7 MB), every timestamp
zero so that the same tree gives the same bytes. Section numbers refer to [MS-CFB].
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

__all__ = ["Storage", "Stream", "write_compound_file"]

_SECTOR = 512  # version 3: sector shift 9 ([MS-CFB] 2.2)
_MINI_SECTOR = 64  # mini sector shift 6
_MINI_CUTOFF = 4096  # streams shorter than this live in the mini stream ([MS-CFB] 2.6.3)
_HEADER_DIFAT = 109  # FAT sector locations the header holds ([MS-CFB] 2.2)
_PER_SECTOR = _SECTOR // 4  # FAT/MiniFAT entries per sector
_MAXREGSECT = 0xFFFFFFFA
_FATSECT, _ENDOFCHAIN, _FREESECT = 0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFF
_NOSTREAM = 0xFFFFFFFF
_STORAGE, _STREAM, _ROOT = 1, 2, 5  # object types ([MS-CFB] 2.6.1)
_BLACK = 1


@dataclass
class Stream:
    """A stream of the compound file: a name and its bytes."""

    name: str
    data: bytes


@dataclass
class Storage:
    """A storage (a folder) of the compound file: a name and its streams and storages."""

    name: str
    children: list[Stream | Storage] = field(default_factory=list)


@dataclass
class _Entry:
    """A directory entry ([MS-CFB] 2.6.1) before it is packed."""

    name: str
    kind: int
    data: bytes = b""
    left: int = _NOSTREAM
    right: int = _NOSTREAM
    child: int = _NOSTREAM
    start: int = _ENDOFCHAIN
    size: int = 0


def _name_key(name: str) -> tuple[int, str]:
    """[MS-CFB] 2.6.4: siblings compare by name length first, then by uppercase name."""
    return len(name.encode("utf-16-le")), name.upper()


def _directory(root: Storage) -> list[_Entry]:
    """The directory entries, root first; each storage's children form a balanced tree."""
    entries = [_Entry(root.name, _ROOT)]

    def add(node: Stream | Storage) -> int:
        if isinstance(node, Stream):
            entries.append(_Entry(node.name, _STREAM, node.data))
            return len(entries) - 1
        entries.append(_Entry(node.name, _STORAGE, start=0))  # [MS-CFB] 2.6.3: zero for storages
        index = len(entries) - 1
        entries[index].child = add_children(node)
        return index

    def add_children(storage: Storage) -> int:
        ids = [add(child) for child in sorted(storage.children, key=lambda c: _name_key(c.name))]
        return _balanced_tree(entries, ids)

    entries[0].child = add_children(root)
    return entries


def _balanced_tree(entries: list[_Entry], ids: list[int]) -> int:
    """Link sorted sibling ids as a balanced binary tree; return its root ([MS-CFB] 2.6.4).

    Every node is black: the spec allows it, readers only walk the tree as a binary tree.
    """
    if not ids:
        return _NOSTREAM
    middle = len(ids) // 2
    entries[ids[middle]].left = _balanced_tree(entries, ids[:middle])
    entries[ids[middle]].right = _balanced_tree(entries, ids[middle + 1 :])
    return ids[middle]


def _sectors(size: int, unit: int) -> int:
    return -(-size // unit)


def _chain(fat: list[int], start: int, count: int) -> None:
    """Record a chain of `count` consecutive sectors from `start` in a FAT or MiniFAT."""
    fat[start : start + count] = [*range(start + 1, start + count), _ENDOFCHAIN]


def write_compound_file(root: Storage) -> bytes:
    """A version 3 compound file ([MS-CFB] 2): header, FAT, directory, MiniFAT, data."""
    entries = _directory(root)

    # Mini stream ([MS-CFB] 2.4): small streams, in 64-byte mini sectors chained by the MiniFAT.
    mini_stream, minifat = bytearray(), []
    for entry in entries:
        if entry.kind == _STREAM and 0 < len(entry.data) < _MINI_CUTOFF:
            count = _sectors(len(entry.data), _MINI_SECTOR)
            entry.start, entry.size = len(minifat), len(entry.data)
            minifat += [0] * count
            _chain(minifat, entry.start, count)
            mini_stream += entry.data.ljust(count * _MINI_SECTOR, b"\x00")

    # Regular sectors: directory, MiniFAT, mini stream, large streams; FAT sectors last.
    large = [e for e in entries if e.kind == _STREAM and len(e.data) >= _MINI_CUTOFF]
    minifat_bytes = b"".join(_u32(value) for value in minifat)
    blobs = [b"", minifat_bytes, bytes(mini_stream), *(entry.data for entry in large)]
    counts = [_sectors(len(blob), _SECTOR) for blob in blobs]
    counts[0] = _sectors(len(entries), _SECTOR // 128)  # 4 entries of 128 bytes per sector
    starts = [sum(counts[:i]) for i in range(len(counts))]
    for entry, start in zip(large, starts[3:], strict=True):
        entry.start, entry.size = start, len(entry.data)
    entries[0].size = len(mini_stream)  # the root entry's stream is the mini stream
    entries[0].start = starts[2] if mini_stream else _ENDOFCHAIN

    used = sum(counts)
    fat_count = _sectors(used, _PER_SECTOR - 1)
    while fat_count * _PER_SECTOR < used + fat_count:
        fat_count += 1
    if fat_count > _HEADER_DIFAT or used + fat_count > _MAXREGSECT:
        raise ValueError("VBA project too large: it would need DIFAT sectors")
    fat = [_FREESECT] * (fat_count * _PER_SECTOR)
    for start, count in zip(starts, counts, strict=True):
        if count:
            _chain(fat, start, count)
    fat[used : used + fat_count] = [_FATSECT] * fat_count

    blobs[0] = b"".join(_pack_entry(entry) for entry in entries) + _pack_free_entries(
        counts[0] * (_SECTOR // 128) - len(entries)
    )
    body = b"".join(
        blob.ljust(count * _SECTOR, b"\x00") for blob, count in zip(blobs, counts, strict=True)
    )
    fat_bytes = b"".join(_u32(value) for value in fat)
    header = _header(
        fat_sectors=list(range(used, used + fat_count)),
        directory_start=starts[0],
        minifat_start=starts[1] if counts[1] else _ENDOFCHAIN,
        minifat_count=counts[1],
    )
    return header + body + fat_bytes


def _header(
    fat_sectors: list[int], directory_start: int, minifat_start: int, minifat_count: int
) -> bytes:
    """The 512-byte header ([MS-CFB] 2.2), with the FAT sector locations in its DIFAT."""
    difat = fat_sectors + [_FREESECT] * (_HEADER_DIFAT - len(fat_sectors))
    return struct.pack(
        "<8s16sHHHHH6sIIIIIIIII109I",
        bytes.fromhex("D0CF11E0A1B11AE1"),  # signature
        b"\x00" * 16,  # header CLSID
        0x003E,  # minor version
        0x0003,  # major version 3
        0xFFFE,  # byte order: little-endian
        9,  # sector shift: 512
        6,  # mini sector shift: 64
        b"\x00" * 6,  # reserved
        0,  # directory sectors: 0 for version 3
        len(fat_sectors),
        directory_start,
        0,  # transaction signature
        _MINI_CUTOFF,
        minifat_start,
        minifat_count,
        _ENDOFCHAIN,  # first DIFAT sector: none
        0,  # DIFAT sectors
        *difat,
    )


def _pack_entry(entry: _Entry) -> bytes:
    """A 128-byte directory entry ([MS-CFB] 2.6.1); times are zero (deterministic)."""
    name = entry.name.encode("utf-16-le")
    if len(name) > 62:
        raise ValueError(f"compound file names have at most 31 characters: {entry.name!r}")
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name,
        len(name) + 2,  # with the terminating null
        entry.kind,
        _BLACK,
        entry.left,
        entry.right,
        entry.child,
        b"\x00" * 16,  # CLSID
        0,  # state bits
        0,  # creation time
        0,  # modified time
        entry.start,
        entry.size,
    )


def _pack_free_entries(count: int) -> bytes:
    """Unused directory entries: zeros, with the sibling and child ids set to NOSTREAM."""
    free = struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, *[_NOSTREAM] * 3, b"", 0, 0, 0, 0, 0)
    return free * count


def _u32(value: int) -> bytes:
    return struct.pack("<I", value)
