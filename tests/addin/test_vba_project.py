"""The VBA project writer, checked with real readers: olefile for the container, oletools for
the VBA project (the same code malware analysts use to pull macros out of Office files)."""

from __future__ import annotations

import io
import random
import re
import struct
import warnings

import olefile
import pytest

from retaguarda.addin.vba_project import ModuleKind, VbaModule, build_vba_project, compress

with warnings.catch_warnings():  # oletools 0.60.2 still uses pyparsing's camelCase names
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import VBA_Parser, VBA_Project, decompress_stream

MODULES = [
    VbaModule("ThisWorkbook", kind=ModuleKind.WORKBOOK),
    VbaModule("Sheet1", "' planilha\n", kind=ModuleKind.WORKSHEET),
    VbaModule("Retaguarda", 'Sub Validar()\n    MsgBox "Olá, conciliação!"\nEnd Sub\n'),
]


def _random(size: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(size)


def _open(data: bytes) -> olefile.OleFileIO:
    # Any defect olefile can tell (bad FAT chains, sizes, directory) raises instead of warning.
    return olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)


def _parse(data: bytes) -> VBA_Project:
    """oletools' dir stream parser, strict: any value off the spec raises."""
    project = VBA_Project(_open(data), "", "PROJECT", "VBA/dir", relaxed=False)
    project.parse_project_stream()
    list(project.parse_modules())
    return project


# --- Compression (MS-OVBA 2.4.1) ------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"x",
        b"ab",
        b"abc",
        b"Sub Validar()\r\n" * 273 + b"x",  # exactly 4096
        _random(4096),  # exactly one chunk, incompressible: a raw chunk
        _random(4097),  # a raw chunk and a 1-byte chunk
        b'Attribute VB_Name = "M"\r\n' * 171,  # 4104: one byte past a chunk
        b"a" * 100_000,
        b"End Sub\r\n" * 11_112,  # ~100 KB, highly repetitive
        _random(10_000),  # raw, raw, then a short compressible-enough tail
        bytes(range(256)) * 40,
        "ção ü €".encode("cp1252") * 900,
    ],
    ids=lambda data: f"{len(data)}B",
)
def test_compression_round_trips_through_oletools(data):
    assert decompress_stream(compress(data)) == data


def test_compression_really_compresses_source_text():
    text = b'    Application.Run "\'xlwings.xlam\'!RunPython", "scripts.validar()"\r\n' * 200
    assert len(compress(text)) < len(text) // 10
    assert len(compress(b"a" * 100_000)) < 500


def test_an_incompressible_short_last_chunk_is_stored_raw_and_padded_as_the_spec_says():
    # 2.4.1.3.10: a raw chunk always holds 4096 bytes; only random data gets there.
    data = _random(8000)
    assert decompress_stream(compress(data)) == data + bytes(8192 - 8000)


def test_compressed_container_shape():
    packed = compress(b"abcabcabcabc")
    assert packed[0] == 0x01  # signature
    header = struct.unpack("<H", packed[1:3])[0]
    assert header >> 12 == 0b1011  # compressed flag + signature 0b011
    assert (header & 0x0FFF) + 3 == len(packed) - 1


# --- The container (MS-CFB) -----------------------------------------------------------------


def test_olefile_reads_the_expected_streams():
    ole = _open(build_vba_project(MODULES))
    assert sorted(ole.listdir(streams=True, storages=True)) == [
        ["PROJECT"],
        ["PROJECTwm"],
        ["VBA"],
        ["VBA", "Retaguarda"],
        ["VBA", "Sheet1"],
        ["VBA", "ThisWorkbook"],
        ["VBA", "_VBA_PROJECT"],
        ["VBA", "dir"],
    ]
    assert ole.get_type("VBA") == olefile.STGTY_STORAGE
    # Reserved1 0x61CC, Version 0xFFFF (no performance cache: recompile), Reserved2, Reserved3.
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("CC61FFFF000000")


def test_large_modules_use_the_fat_and_small_ones_the_mini_stream():
    rng = random.Random(3)
    comments = "\n".join(
        "' " + "".join(rng.choice("abcdefghij XYZ") for _ in range(80)) for _ in range(600)
    )
    modules = [*MODULES, VbaModule("Grande", comments)]
    data = build_vba_project(modules)
    ole = _open(data)
    assert ole.get_size("VBA/Grande") >= 4096
    assert ole.get_size("VBA/Retaguarda") < 4096
    assert [m.code for m in _parse(data).modules] == [m.text for m in modules]


def test_siblings_are_a_binary_search_tree_in_cfb_name_order():
    ole = _open(build_vba_project([*MODULES, *(VbaModule(f"M{i}") for i in range(12))]))

    def in_order(sid: int) -> list[str]:
        if sid == olefile.NOSTREAM:
            return []
        entry = ole.direntries[sid]
        return [*in_order(entry.sid_left), entry.name, *in_order(entry.sid_right)]

    for storage in (ole.root, ole.direntries[ole._find("VBA")]):
        names = in_order(storage.sid_child)
        assert names == sorted(names, key=lambda n: (len(n), n.upper()))
    assert len(in_order(ole.direntries[ole._find("VBA")].sid_child)) == 2 + 15


def test_a_project_too_big_for_the_header_difat_is_refused():
    from retaguarda.addin.compound_file import Storage, Stream, write_compound_file

    with pytest.raises(ValueError, match="DIFAT"):
        write_compound_file(Storage("Root Entry", [Stream("big", bytes(110 * 128 * 512))]))


# --- The VBA project (MS-OVBA) --------------------------------------------------------------


def test_oletools_extracts_every_module_with_exactly_our_source():
    project = _parse(build_vba_project(MODULES))
    assert project.projectname == "VBAProject"
    assert project.codepage == 1252
    assert project.syskind == 3
    assert [m.name for m in project.modules] == ["ThisWorkbook", "Sheet1", "Retaguarda"]
    assert [m.type for m in project.modules] == [0x22, 0x22, 0x21]
    assert [m.textoffset for m in project.modules] == [0, 0, 0]
    assert [m.code for m in project.modules] == [m.text for m in MODULES]
    assert "Olá, conciliação!" in project.modules[2].code


def test_vba_parser_finds_the_macros_like_for_any_office_file():
    parser = VBA_Parser("vbaProject.bin", data=build_vba_project(MODULES))
    assert parser.detect_vba_macros()
    found = {name: code for _, _, name, code in parser.extract_all_macros()}
    assert found == {
        "ThisWorkbook.cls": MODULES[0].text,
        "Sheet1.cls": MODULES[1].text,
        "Retaguarda.bas": MODULES[2].text,
    }


def test_module_text_has_the_attributes_excel_writes_and_crlf_line_ends():
    workbook, sheet, standard = (m.text for m in MODULES)
    assert workbook.startswith(
        'Attribute VB_Name = "ThisWorkbook"\r\n'
        'Attribute VB_Base = "0{00020819-0000-0000-C000-000000000046}"\r\n'
        "Attribute VB_GlobalNameSpace = False\r\n"
        "Attribute VB_Creatable = False\r\n"
        "Attribute VB_PredeclaredId = True\r\n"
        "Attribute VB_Exposed = True\r\n"
        "Attribute VB_TemplateDerived = False\r\n"
        "Attribute VB_Customizable = True\r\n"
    )
    assert 'VB_Base = "0{00020820-0000-0000-C000-000000000046}"' in sheet
    assert standard == (
        'Attribute VB_Name = "Retaguarda"\r\nSub Validar()\r\n'
        '    MsgBox "Olá, conciliação!"\r\nEnd Sub\r\n'
    )
    assert "\n" not in standard.replace("\r\n", "")


def _decrypt(hex_text: str, project_id: str) -> bytes:
    """MS-OVBA 2.4.3.3 Data Decryption, written from the spec independently of the writer."""
    data = bytes.fromhex(hex_text)
    seed, version_enc, key_enc = data[:3]
    assert seed ^ version_enc == 2
    key = seed ^ key_enc
    assert key == sum(project_id.encode("cp1252")) & 0xFF
    unencrypted_1, encrypted_1, encrypted_2 = key, key_enc, version_enc
    plain = bytearray()
    for byte_enc in data[3:]:
        byte = byte_enc ^ ((encrypted_2 + unencrypted_1) & 0xFF)
        plain.append(byte)
        encrypted_2, encrypted_1, unencrypted_1 = encrypted_1, byte_enc, byte
    ignored = (seed & 6) // 2
    length = struct.unpack("<I", plain[ignored : ignored + 4])[0]
    assert len(plain) == ignored + 4 + length
    return bytes(plain[ignored + 4 :])


def test_project_stream_declares_modules_unprotected_and_visible():
    ole = _open(build_vba_project(MODULES))
    text = ole.openstream("PROJECT").read().decode("cp1252")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")
    values = dict(line.split("=", 1) for line in lines[:10])
    assert lines[1:4] == [
        "Document=ThisWorkbook/&H00000000",
        "Document=Sheet1/&H00000000",
        "Module=Retaguarda",
    ]
    project_id = values["ID"].strip('"')
    assert re.fullmatch(r"\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", project_id)
    assert values["Name"] == '"VBAProject"'
    assert _decrypt(values["CMG"].strip('"'), project_id) == bytes(4)  # not protected
    assert _decrypt(values["DPB"].strip('"'), project_id) == b"\x00"  # no password
    assert _decrypt(values["GC"].strip('"'), project_id) == b"\xff"  # visible
    assert lines[10:] == [
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
        "[Workspace]",
        "ThisWorkbook=0, 0, 0, 0, C",
        "Sheet1=0, 0, 0, 0, C",
        "Retaguarda=0, 0, 0, 0, C",
        "",
    ]


def test_projectwm_maps_each_module_name():
    ole = _open(build_vba_project(MODULES[2:]))
    assert ole.openstream("PROJECTwm").read() == (
        b"Retaguarda\x00" + "Retaguarda".encode("utf-16-le") + b"\x00\x00\x00\x00"
    )


def test_the_dir_stream_references_stdole_like_excel():
    dir_stream = decompress_stream(_open(build_vba_project(MODULES)).openstream("VBA/dir").read())
    libid = (
        rb"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\Windows\System32\stdole2.tlb"
        rb"#OLE Automation"
    )
    name = struct.pack("<HI", 0x0016, 6) + b"stdole" + struct.pack("<HI", 0x003E, 12)
    registered = struct.pack("<HII", 0x000D, len(libid) + 10, len(libid)) + libid + bytes(6)
    assert name + "stdole".encode("utf-16-le") + registered in dir_stream
    assert dir_stream.endswith(struct.pack("<HIHI", 0x002B, 0, 0x0010, 0))


def test_same_modules_give_the_same_bytes_and_other_code_another_project_id():
    first = build_vba_project(MODULES)
    assert build_vba_project(list(MODULES)) == first
    other = build_vba_project([*MODULES[:2], VbaModule("Retaguarda", "Sub Outra()\nEnd Sub")])
    project_id = _open(first).openstream("PROJECT").read().split(b"\r\n")[0]
    assert _open(other).openstream("PROJECT").read().split(b"\r\n")[0] != project_id


@pytest.mark.parametrize("name", ["", "1abc", "com espaço", "Ação", "x" * 32])
def test_invalid_module_names_are_refused(name):
    with pytest.raises(ValueError, match="module name"):
        VbaModule(name)


def test_duplicate_module_names_are_refused():
    with pytest.raises(ValueError, match="unique"):
        build_vba_project([VbaModule("Modulo"), VbaModule("MODULO")])
