"""[MS-OVBA] 2.4.1 compression: the format of every stream of a VBA project but PROJECT.

It is LZ77-like, per 4096-byte chunk, with copy tokens whose offset field widens as the
position in the chunk grows. Section numbers in comments refer to [MS-OVBA].
"""

from __future__ import annotations

import struct

__all__ = ["compress"]

_CHUNK = 4096
#: How many earlier positions with the same 3 leading bytes a match looks at (speed vs size).
_MAX_CANDIDATES = 32


def compress(data: bytes) -> bytes:
    """A CompressedContainer (2.4.1.1.1): signature byte 0x01, then one chunk per 4096 bytes."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), _CHUNK):
        out += _compress_chunk(data[start : start + _CHUNK])
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    """A CompressedChunk (2.4.1.1.4, 2.4.1.3.7): header, then token sequences or raw bytes."""
    body = _token_sequences(chunk)
    if len(body) > _CHUNK:
        # 2.4.1.3.10: a raw chunk is always 4096 bytes, padded (only the last chunk can be
        # short, and only incompressible data gets here); size 4095 = 4098 - 3, flag 0.
        return struct.pack("<H", 0x3000 | 0x0FFF) + chunk.ljust(_CHUNK, b"\x00")
    # 2.4.1.1.5 CompressedChunkHeader: size - 3 (12 bits), signature 0b011, flag 1.
    return struct.pack("<H", 0x8000 | 0x3000 | (len(body) + 2 - 3)) + body


def _token_sequences(chunk: bytes) -> bytes:
    """TokenSequences (2.4.1.1.7): a FlagByte, then up to 8 literal or copy tokens."""
    body = bytearray()
    heads: dict[bytes, list[int]] = {}
    pos = 0
    while pos < len(chunk):
        flag_at = len(body)
        body.append(0)
        for bit in range(8):
            if pos >= len(chunk):
                break
            offset, length = _longest_match(chunk, pos, heads)
            if length:
                body += struct.pack("<H", _copy_token(pos, offset, length))
                body[flag_at] |= 1 << bit
            else:
                body.append(chunk[pos])
                length = 1
            for seen in range(pos, min(pos + length, len(chunk) - 2)):
                heads.setdefault(chunk[seen : seen + 3], []).append(seen)
            pos += length
    return bytes(body)


def _bit_count(pos: int) -> int:
    """CopyToken Help (2.4.1.3.19.1): offset bits grow with the position in the chunk, 4..12."""
    return max((pos - 1).bit_length(), 4)


def _copy_token(pos: int, offset: int, length: int) -> int:
    """Pack a CopyToken (2.4.1.3.19.3): (offset - 1) in the high bits, (length - 3) low."""
    bits = _bit_count(pos)
    return ((offset - 1) << (16 - bits)) | (length - 3)


def _longest_match(chunk: bytes, pos: int, heads: dict[bytes, list[int]]) -> tuple[int, int]:
    """(offset, length) of a match of at least 3 bytes earlier in the chunk, or (0, 0).

    2.4.1.3.19.4 searches every earlier position; this looks at the most recent few with the
    same 3 bytes, which gives valid (if not always the longest) matches much faster. A match
    may run past `pos` (overlap): decompression copies byte by byte.
    """
    candidates = heads.get(chunk[pos : pos + 3])
    if not candidates:
        return 0, 0
    limit = min((0xFFFF >> _bit_count(pos)) + 3, len(chunk) - pos)
    best_offset = best_length = 0
    for candidate in reversed(candidates[-_MAX_CANDIDATES:]):
        length = 3
        while length < limit and chunk[candidate + length] == chunk[pos + length]:
            length += 1
        if length > best_length:
            best_offset, best_length = pos - candidate, length
            if length == limit:
                break
    return best_offset, best_length
