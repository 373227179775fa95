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
bytes. The container is written by `compound_file`, the streams compressed by
`vba_compression`. Section numbers in comments refer to [MS-OVBA].
"""

from __future__ import annotations

import enum
import hashlib
import struct
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from retaguarda.addin.compound_file import Storage, Stream, write_compound_file
from retaguarda.addin.vba_compression import compress

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
    vba = Storage(
        "VBA",
        [
            Stream("_VBA_PROJECT", struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0000)),
            Stream("dir", compress(_dir_stream(modules, project_name, codepage))),
            *(Stream(m.name, compress(text)) for m, text in zip(modules, texts, strict=True)),
        ],
    )
    project = _project_stream(modules, project_name, project_id, digest[16:], codec)
    root = Storage(
        "Root Entry",
        [
            Stream("PROJECT", project),
            Stream("PROJECTwm", _projectwm_stream(modules, codec)),
            vba,
        ],
    )
    return write_compound_file(root)
