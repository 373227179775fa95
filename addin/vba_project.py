"""Writing `xl/vbaProject.bin` without Excel: a VBA project that holds source code only.

The file is an [MS-CFB] compound file (an OLE2 container) holding an [MS-OVBA] VBA project:

    Root Entry
    ├── PROJECT        text: modules, protection, host extender, window positions (2.3.1)
    ├── PROJECTwm      module names in MBCS and UTF-16 (2.3.3)
    └── VBA
        ├── _VBA_PROJECT   7 bytes, Version 0xFFFF: "no performance cache" (2.3.4.1)
        ├── dir            compressed project information, references and modules (2.3.4.2)
        └── <module>       one per module: compressed source, no p-code (2.3.4.3)

Office compiles VBA to p-code and caches it in the module streams; with `_VBA_PROJECT`
Version 0xFFFF and each MODULEOFFSET at 0 there is no cache, so Office recompiles every
module from its source when the workbook is opened. That makes the project independent of
the Office version and bitness, which is why PROJECTSYSKIND says 64-bit Windows (3, what a
current Office writes) without mattering much: 32-bit Windows and macOS Excel recompile too.

Output is deterministic: the project GUID and the "random" bytes of the PROJECT stream's
encrypted values are derived from a hash of the modules, so the same modules give the same
bytes. Section numbers in comments refer to [MS-OVBA] unless they say [MS-CFB].
"""

from __future__ import annotations

import enum
import hashlib
import struct
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["ModuleKind", "VbaModule", "build_vba_project", "compress"]

# --- Modules -------------------------------------------------------------------------------


class ModuleKind(enum.Enum):
    """A procedural module, or the document module of the workbook or of a worksheet."""

    STANDARD = "standard"
    WORKBOOK = "workbook"
    WORKSHEET = "worksheet"

    @property
    def is_document(self) -> bool:
        return self is not ModuleKind.STANDARD


#: The VB_Base of Excel's document modules: the Workbook and Worksheet coclasses.
_DOCUMENT_BASES = {
    ModuleKind.WORKBOOK: "0{00020819-0000-0000-C000-000000000046}",
    ModuleKind.WORKSHEET: "0{00020820-0000-0000-C000-000000000046}",
}


@dataclass(frozen=True)
class VbaModule:
    """A module: its name (the sheet's or workbook's code name for a document module) and code.

    `source` is the code without `Attribute` lines: `text` adds those Excel expects.
    """

    name: str
    source: str = ""
    kind: ModuleKind = ModuleKind.STANDARD

    def __post_init__(self) -> None:
        if not self.name.isidentifier() or not self.name.isascii() or len(self.name) > 31:
            raise ValueError(f"invalid VBA module name: {self.name!r}")

    @property
    def text(self) -> str:
        """The module's stored source: attribute lines, then the code, CRLF line ends."""
        lines = [f'Attribute VB_Name = "{self.name}"']
        if self.kind.is_document:
            lines += [
                f'Attribute VB_Base = "{_DOCUMENT_BASES[self.kind]}"',
                "Attribute VB_GlobalNameSpace = False",
                "Attribute VB_Creatable = False",
                "Attribute VB_PredeclaredId = True",
                "Attribute VB_Exposed = True",
                "Attribute VB_TemplateDerived = False",
                "Attribute VB_Customizable = True",
            ]
        lines += self.source.replace("\r\n", "\n").replace("\r", "\n").splitlines()
        return "".join(line + "\r\n" for line in lines)


# --- 2.4.1 Compression ---------------------------------------------------------------------

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


# --- 2.3.4.2 dir stream --------------------------------------------------------------------

#: What Excel writes for the OLE Automation type library, referenced by every VBA project.
_STDOLE_NAME = "stdole"
_STDOLE_LIBID = (
    r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\Windows\System32\stdole2.tlb"
    "#OLE Automation"
)
#: PROJECTSYSKIND (2.3.4.2.1.1): 3 = 64-bit Windows; see the module docstring.
_SYSKIND = 3
_LCID = 0x0409


def _record(record_id: int, data: bytes) -> bytes:
    """The common record shape: Id (u16), Size (u32), then Size bytes."""
    return struct.pack("<HI", record_id, len(data)) + data


def _u16(value: int) -> bytes:
    return struct.pack("<H", value)


def _u32(value: int) -> bytes:
    return struct.pack("<I", value)


def _pair(record_id: int, mbcs: bytes, reserved: int, unicode: str) -> bytes:
    """A record with an MBCS value followed by a Reserved id and its UTF-16 twin."""
    return _record(record_id, mbcs) + _record(reserved, unicode.encode("utf-16-le"))


def _dir_stream(modules: Sequence[VbaModule], project_name: str, codepage: int) -> bytes:
    """The decompressed dir stream (2.3.4.2)."""
    codec = f"cp{codepage}"
    return (
        _project_information(project_name, codepage)
        + _project_references(codec)
        + _project_modules(modules, codec)
        + _u16(0x0010)  # Terminator (2.3.4.2)
        + _u32(0)
    )


def _project_information(project_name: str, codepage: int) -> bytes:
    """PROJECTINFORMATION (2.3.4.2.1)."""
    return b"".join(
        [
            _record(0x0001, _u32(_SYSKIND)),  # PROJECTSYSKIND
            _record(0x0002, _u32(_LCID)),  # PROJECTLCID
            _record(0x0014, _u32(_LCID)),  # PROJECTLCIDINVOKE
            _record(0x0003, _u16(codepage)),  # PROJECTCODEPAGE
            _record(0x0004, project_name.encode(f"cp{codepage}")),  # PROJECTNAME
            _pair(0x0005, b"", 0x0040, ""),  # PROJECTDOCSTRING
            _pair(0x0006, b"", 0x003D, ""),  # PROJECTHELPFILEPATH (HelpFile1, HelpFile2)
            _record(0x0007, _u32(0)),  # PROJECTHELPCONTEXT
            _record(0x0008, _u32(0)),  # PROJECTLIBFLAGS
            # PROJECTVERSION: the odd one, Reserved 4 where the size would be, then major/minor.
            _u16(0x0009) + _u32(4) + _u32(1) + _u16(0),
            _pair(0x000C, b"", 0x003C, ""),  # PROJECTCONSTANTS
        ]
    )


def _project_references(codec: str) -> bytes:
    """PROJECTREFERENCES (2.3.4.2.2): stdole, as REFERENCENAME + REFERENCEREGISTERED."""
    name = _pair(0x0016, _STDOLE_NAME.encode(codec), 0x003E, _STDOLE_NAME)
    libid = _STDOLE_LIBID.encode(codec)
    # 2.3.4.2.2.5 REFERENCEREGISTERED: Size covers SizeOfLibid, Libid, Reserved1, Reserved2.
    registered = _record(0x000D, _u32(len(libid)) + libid + _u32(0) + _u16(0))
    return name + registered


def _project_modules(modules: Sequence[VbaModule], codec: str) -> bytes:
    """PROJECTMODULES (2.3.4.2.3): count, PROJECTCOOKIE, then one MODULE record each."""
    head = _record(0x000F, _u16(len(modules))) + _record(0x0013, _u16(0xFFFF))
    return head + b"".join(_module_record(module, codec) for module in modules)


def _module_record(module: VbaModule, codec: str) -> bytes:
    """MODULE (2.3.4.2.3.2); the stream is named after the module."""
    name = module.name.encode(codec)
    return b"".join(
        [
            _record(0x0019, name),  # MODULENAME
            _record(0x0047, module.name.encode("utf-16-le")),  # MODULENAMEUNICODE
            _pair(0x001A, name, 0x0032, module.name),  # MODULESTREAMNAME
            _pair(0x001C, b"", 0x0048, ""),  # MODULEDOCSTRING
            _record(0x0031, _u32(0)),  # MODULEOFFSET: source at byte 0, no p-code before it
            _record(0x001E, _u32(0)),  # MODULEHELPCONTEXT
            _record(0x002C, _u16(0xFFFF)),  # MODULECOOKIE
            # MODULETYPE: 0x0021 procedural, 0x0022 document/class; Reserved u32.
            _u16(0x0022 if module.kind.is_document else 0x0021) + _u32(0),
            _u16(0x002B) + _u32(0),  # Terminator
        ]
    )


# --- 2.3.1 PROJECT stream, 2.3.3 PROJECTwm, 2.4.3 Data Encryption ---------------------------


def _encrypt(data: bytes, project_id: str, seed: int, ignored: bytes, codec: str) -> str:
    """Data Encryption (2.4.3.2) of `data`, as the hex string the PROJECT stream stores."""
    version = 2
    project_key = sum(project_id.encode(codec)) & 0xFF
    out = bytearray([seed, seed ^ version, seed ^ project_key])
    unencrypted_1, encrypted_1, encrypted_2 = project_key, out[2], out[1]
    plain = ignored[: (seed & 6) // 2] + _u32(len(data)) + data
    for byte in plain:
        encrypted = byte ^ ((encrypted_2 + unencrypted_1) & 0xFF)
        out.append(encrypted)
        encrypted_2, encrypted_1, unencrypted_1 = encrypted_1, encrypted, byte
    return out.hex().upper()


def _project_stream(
    modules: Sequence[VbaModule], project_name: str, project_id: str, noise: bytes, codec: str
) -> bytes:
    """The PROJECT stream (2.3.1): unprotected, no password, visible."""
    lines = [f'ID="{project_id}"']
    for module in modules:
        if module.kind.is_document:
            lines.append(f"Document={module.name}/&H00000000")
        else:
            lines.append(f"Module={module.name}")
    lines += [f'Name="{project_name}"', 'HelpContextID="0"', 'VersionCompatible32="393222000"']
    # ProjectProtectionState 0 (CMG), ProjectPassword none = one 0x00 (DPB), visible 0xFF (GC).
    values = [("CMG", _u32(0)), ("DPB", b"\x00"), ("GC", b"\xff")]
    for index, (key, value) in enumerate(values):
        seed, ignored = noise[index * 4], noise[index * 4 + 1 : index * 4 + 4]
        lines.append(f'{key}="{_encrypt(value, project_id, seed, ignored, codec)}"')
    lines += [
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
        "[Workspace]",
    ]
    lines += [f"{module.name}=0, 0, 0, 0, C" for module in modules]
    return "".join(line + "\r\n" for line in lines).encode(codec)


def _projectwm_stream(modules: Sequence[VbaModule], codec: str) -> bytes:
    """PROJECTwm (2.3.3): per module its MBCS name + 0x00 and UTF-16 name + 0x0000; 0x0000."""
    names = b"".join(
        module.name.encode(codec) + b"\x00" + module.name.encode("utf-16-le") + b"\x00\x00"
        for module in modules
    )
    return names + b"\x00\x00"


# --- The project ---------------------------------------------------------------------------


def build_vba_project(
    modules: Sequence[VbaModule], project_name: str = "VBAProject", codepage: int = 1252
) -> bytes:
    """The bytes of a `vbaProject.bin` holding `modules` as source only (see module docstring).

    Excel's document modules (`ThisWorkbook`, `Sheet1`, ...) must match the code names in the
    workbook; the sources are encoded with `codepage`.
    """
    names = [module.name.upper() for module in modules]
    if len(set(names)) != len(names):
        raise ValueError("VBA module names must be unique (case-insensitively)")
    if not project_name.isidentifier() or not project_name.isascii():
        raise ValueError(f"invalid VBA project name: {project_name!r}")
    codec = f"cp{codepage}"
    texts = [module.text.encode(codec) for module in modules]

    digest = hashlib.sha256(repr((project_name, codepage, names, texts)).encode()).digest()
    project_id = "{" + str(uuid.UUID(bytes=digest[:16])).upper() + "}"
    vba = _Storage(
        "VBA",
        [
            _Stream("_VBA_PROJECT", struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0000)),
            _Stream("dir", compress(_dir_stream(modules, project_name, codepage))),
            *(_Stream(m.name, compress(text)) for m, text in zip(modules, texts, strict=True)),
        ],
    )
    project = _project_stream(modules, project_name, project_id, digest[16:], codec)
    root = _Storage(
        "Root Entry",
        [
            _Stream("PROJECT", project),
            _Stream("PROJECTwm", _projectwm_stream(modules, codec)),
            vba,
        ],
    )
    return _write_compound_file(root)


# --- [MS-CFB] compound file ----------------------------------------------------------------

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
class _Stream:
    name: str
    data: bytes


@dataclass
class _Storage:
    name: str
    children: list[_Stream | _Storage] = field(default_factory=list)


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


def _directory(root: _Storage) -> list[_Entry]:
    """The directory entries, root first; each storage's children form a balanced tree."""
    entries = [_Entry(root.name, _ROOT)]

    def add(node: _Stream | _Storage) -> int:
        if isinstance(node, _Stream):
            entries.append(_Entry(node.name, _STREAM, node.data))
            return len(entries) - 1
        entries.append(_Entry(node.name, _STORAGE, start=0))  # [MS-CFB] 2.6.3: zero for storages
        index = len(entries) - 1
        entries[index].child = add_children(node)
        return index

    def add_children(storage: _Storage) -> int:
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


def _write_compound_file(root: _Storage) -> bytes:
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
