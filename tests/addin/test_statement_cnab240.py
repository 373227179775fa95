"""CNAB 240 statements (FEBRABAN "extrato para conciliação", segment E): the lines below are
composed by hand, field by field, from the FEBRABAN positions (1-based, inclusive), not by the
reader's layout table, so a wrong position in the table fails here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from retaguarda.addin.reconcile.statements import read_statement
from retaguarda.templates.readers.errors import UnreadableFile

COMPANY = "2" + "12345678000195" + " " * 20  # 18 CNPJ kind, 19-32 CNPJ, 33-52 agreement
ACCOUNT = "01234" + " " + "000000056789" + "1" + " "  # 53-57, 58, 59-70, 71, 72
NAME = "EMPRESA EXEMPLO LTDA".ljust(30)  # 73-102


def record(*fields: str) -> str:
    line = "".join(fields)
    assert len(line) == 240, len(line)
    return line


FILE_HEADER = record(
    "341", "0000", "0",  # 1-3 bank, 4-7 batch 0000, 8 record 0
    " " * 9,  # 9-17
    COMPANY, ACCOUNT, NAME,  # 18-102
    "BANCO ITAU SA".ljust(30),  # 103-132 bank name
    " " * 10,  # 133-142
    "2", "05032026", "120000", "000001", "089", "00000",  # 143 return, 144-151 date, ...-171
    " " * 69,  # 172-240
)  # fmt: skip


def batch_header(opening: str = "000000000000100000", side: str = "C") -> str:
    return record(
        "341", "0001", "1",  # 1-3, 4-7 batch 1, 8 record 1
        "E", "04", "40", "033", " ",  # 9 operation, 10-11 service, 12-13, 14-16 version, 17
        COMPANY, ACCOUNT, NAME,  # 18-102
        " " * 40,  # 103-142
        "01032026",  # 143-150 opening balance date
        opening,  # 151-168 opening balance, 16 digits and 2 decimals
        side, "F", "BRL", "00001",  # 169 D/C, 170 final, 171-173 currency, 174-178 sequence
        " " * 62,  # 179-240
    )  # fmt: skip


def detail(seq: str, day: str, cents: str, side: str, text: str, document: str) -> str:
    return record(
        "341", "0001", "3", seq, "E", "   ",  # 1-3, 4-7, 8, 9-13 sequence, 14 segment, 15-17
        COMPANY, ACCOUNT, NAME,  # 18-102
        " " * 6, "DPV", "  ", " " * 20, "N",  # 103-108, 109-111 nature, 112-113, 114-133, 134
        day, day,  # 135-142 booked, 143-150 posted
        cents, side,  # 151-168 amount, 169 D/C
        "209", "0001",  # 170-172 category, 173-176 bank's history code
        text.ljust(25), document.ljust(39),  # 177-201 history, 202-240 document
    )  # fmt: skip


def batch_trailer(closing: str = "000000000000125000", side: str = "C") -> str:
    return record(
        "341", "0001", "5", " " * 9,  # 1-3, 4-7, 8 record 5, 9-17
        COMPANY, ACCOUNT,  # 18-72
        " " * 16, "0" * 18, "0" * 18, "0" * 18,  # 73-88, 89-106, 107-124, 125-142
        "05032026", closing, side, "F",  # 143-150 date, 151-168 closing, 169 D/C, 170
        "000004",  # 171-176 records in the batch
        "000000000000005000", "000000000000030000",  # 177-194 debits, 195-212 credits
        " " * 28,  # 213-240
    )  # fmt: skip


FILE_TRAILER = record("341", "9999", "9", " " * 9, "000001", "000006", "000001", " " * 205)

CREDIT = detail("00001", "02032026", "000000000000030000", "C", "PIX RECEBIDO JOÃO", "E2E123")
DEBIT = detail("00002", "04032026", "000000000000005000", "D", "TARIFA PACOTE", "")


def write(tmp_path: Path, *lines: str, name: str = "extrato.ret") -> Path:
    path = tmp_path / name
    path.write_bytes("\r\n".join(lines).encode("latin-1") + b"\r\n")
    return path


def test_a_statement_file_gives_its_lines_account_and_balances(tmp_path):
    path = write(
        tmp_path, FILE_HEADER, batch_header(), CREDIT, DEBIT, batch_trailer(), FILE_TRAILER
    )
    statement = read_statement(path)
    frame = statement.lines
    assert list(frame["ref"]) == ["extrato.ret:3", "extrato.ret:4"]
    assert [d.date() for d in frame["date"]] == [dt.date(2026, 3, 2), dt.date(2026, 3, 4)]
    assert list(frame["cents"]) == [30000, -5000]
    assert list(frame["description"]) == ["PIX RECEBIDO JOÃO", "TARIFA PACOTE"]
    assert list(frame["document"]) == ["E2E123", ""]
    assert (statement.bank, statement.agency, statement.account) == ("341", "1234", "56789-1")
    # 1.000,00 + 300,00 − 50,00 = 1.250,00: proved, no warning
    assert (statement.opening, statement.closing) == (Decimal("1000.00"), Decimal("1250.00"))
    assert statement.warnings == []


def test_a_file_that_does_not_add_up_says_by_how_much(tmp_path):
    path = write(
        tmp_path,
        FILE_HEADER,
        batch_header(),
        CREDIT,
        DEBIT,
        batch_trailer(closing="000000000000128456"),
        FILE_TRAILER,
    )
    statement = read_statement(path)
    assert [w.code for w in statement.warnings] == ["statement.unbalanced"]
    # 1.284,56 − (1.000,00 + 300,00 − 50,00) = 34,56
    assert statement.warnings[0].message == (
        "O saldo final do extrato (R$ 1.284,56) difere do saldo inicial mais os lançamentos "
        "(R$ 1.250,00) em R$ 34,56."
    )


def test_an_overdrawn_opening_balance_is_negative(tmp_path):
    path = write(
        tmp_path,
        FILE_HEADER,
        batch_header(opening="000000000000020000", side="D"),  # −200,00
        CREDIT,  # +300,00
        batch_trailer(closing="000000000000010000", side="C"),  # +100,00
        FILE_TRAILER,
    )
    statement = read_statement(path)
    assert (statement.opening, statement.closing) == (Decimal("-200.00"), Decimal("100.00"))
    assert statement.warnings == []


def test_the_format_is_told_by_the_content_not_the_name(tmp_path):
    path = write(
        tmp_path,
        FILE_HEADER,
        batch_header(),
        CREDIT,
        DEBIT,
        batch_trailer(),
        FILE_TRAILER,
        name="extrato.csv",
    )
    assert len(read_statement(path).lines) == 2


def error_of(path: Path) -> str:
    with pytest.raises(UnreadableFile) as raised:
        read_statement(path)
    assert raised.value.code == "file.corrupt"
    return raised.value.message


def test_a_line_of_the_wrong_length_names_its_line(tmp_path):
    path = write(tmp_path, FILE_HEADER, batch_header(), CREDIT[:-1], batch_trailer())
    assert error_of(path) == (
        "O arquivo “extrato.ret” não pôde ser lido como extrato CNAB 240: linha 3: a linha "
        "tem 239 caracteres, e não 240."
    )


def test_an_unknown_record_type_or_segment_names_its_line(tmp_path):
    wrong_type = CREDIT[:7] + "7" + CREDIT[8:]
    path = write(tmp_path, FILE_HEADER, batch_header(), CREDIT, wrong_type, batch_trailer())
    assert "linha 4: tipo de registro “7” desconhecido" in error_of(path)
    segment_a = CREDIT[:13] + "A" + CREDIT[14:]
    path = write(tmp_path, FILE_HEADER, batch_header(), segment_a, batch_trailer())
    assert "linha 3: segmento “A” não é de extrato (posição 14: E)" in error_of(path)


def test_a_field_that_does_not_read_names_its_line_and_positions(tmp_path):
    bad_amount = CREDIT[:150] + "00000000000003O000" + CREDIT[168:]
    path = write(tmp_path, FILE_HEADER, batch_header(), bad_amount, batch_trailer())
    assert "linha 3: “00000000000003O000” nas posições 151 a 168 (amount) não é um número" in (
        error_of(path)
    )
    bad_date = CREDIT[:142] + "31022026" + CREDIT[150:]
    path = write(tmp_path, FILE_HEADER, batch_header(), bad_date, batch_trailer())
    assert "linha 3: “31022026” nas posições 143 a 150 não é uma data" in error_of(path)


def test_a_detail_before_any_batch_header_is_an_error(tmp_path):
    path = write(tmp_path, FILE_HEADER, CREDIT)
    assert "linha 2: detalhe fora de um lote" in error_of(path)


def test_a_huge_line_is_refused_without_being_read_whole(tmp_path):
    path = tmp_path / "extrato.ret"
    with path.open("wb") as file:
        file.write(FILE_HEADER.encode("latin-1") + b"\n")
        file.write(b"3" * 10_000_000)  # one 10 MB "line"
    assert "linha 2: a linha tem 243 caracteres" in error_of(path)


def test_a_cnab_file_beyond_the_bound_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "extrato.ret"
    with path.open("wb") as file:
        file.write(FILE_HEADER.encode("latin-1") + b"\r\n")
        file.truncate(26 * 1024 * 1024)  # 26 MB, sparse: nothing more written
    with pytest.raises(UnreadableFile) as raised:
        read_statement(path)
    assert raised.value.code == "file.too_large"
    assert "26 MB, acima do limite de 25 MB" in raised.value.message


def test_a_truncated_file_names_the_line_it_ends_on(tmp_path):
    path = write(tmp_path, FILE_HEADER, batch_header(), CREDIT, DEBIT)
    assert error_of(path) == (
        "O arquivo “extrato.ret” não pôde ser lido como extrato CNAB 240: linha 4: o arquivo "
        "acaba sem o trailer do lote aberto na linha 2 (está truncado?)."
    )


def test_dos_end_of_file_mark_is_no_line(tmp_path):
    path = write(
        tmp_path, FILE_HEADER, batch_header(), CREDIT, DEBIT, batch_trailer(), FILE_TRAILER, "\x1a"
    )
    assert len(read_statement(path).lines) == 2


def test_batches_of_another_account_are_left_out_with_a_warning(tmp_path):
    def other(line: str) -> str:  # the same record for account 99999-1 (positions 59-70)
        return line[:58] + "000000099999" + line[70:]

    path = write(
        tmp_path,
        FILE_HEADER,
        batch_header(),
        CREDIT,
        DEBIT,
        batch_trailer(),
        other(batch_header()),
        other(CREDIT),
        other(batch_trailer(closing="000000000000130000")),
        FILE_TRAILER,
    )
    statement = read_statement(path)
    assert list(statement.lines["ref"]) == ["extrato.ret:3", "extrato.ret:4"]
    assert [w.message for w in statement.warnings] == [
        "O arquivo tem 2 extratos; só o primeiro (conta 56789-1) foi lido."
    ]
