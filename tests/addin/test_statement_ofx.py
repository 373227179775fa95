"""OFX statements: every fixture Brazilian banks' exports inspired imports with its
transactions, memos (accents right), balances and warnings; balance rows become balances or
notes, never lines; a repeated FITID is kept twice; a broken file names its line."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from retaguarda.addin.reconcile.statements import read_statement
from retaguarda.templates.readers.errors import UnreadableFile

FIXTURES = Path(__file__).parent / "fixtures" / "ofx"

HEADER = (
    "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\n"
    "CHARSET:1252\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n"
)  # 10 lines: <OFX> is on line 11


def lines_of(statement) -> list[tuple[str, dt.date, int, str, str]]:
    frame = statement.lines
    return [
        (ref, day.date(), cents, text, doc)
        for ref, day, cents, text, doc in zip(
            frame["ref"], frame["date"], frame["cents"], frame["description"], frame["document"],
            strict=True,
        )
    ]  # fmt: skip


def codes(statement) -> list[str]:
    return [w.code for w in statement.warnings]


#: each synthetic fixture: one debit of R$ 12,80 on 05/01/2024, "DOC CRÉDITO EM CONTA",
#: CHECKNUM 252602, FITID 0001, LEDGERBAL R$ 1.000,00, account 0341 / 12345-6
SYNTHETIC = [
    "itau_cp1252_basico.ofx",
    "bb_tags_mistas.ofx",
    "nubank_sem_charset_utf8.ofx",
    "encoding_iso8859.ofx",
    "trntype_nao_padrao.ofx",
]


@pytest.mark.parametrize("name", SYNTHETIC)
def test_each_quirky_export_imports_its_transaction_memo_and_balance(name):
    statement = read_statement(FIXTURES / name)
    assert lines_of(statement) == [
        ("FITID:0001", dt.date(2024, 1, 5), -1280, "DOC CRÉDITO EM CONTA", "252602")
    ]
    assert (statement.bank, statement.account, statement.source) == ("0341", "12345-6", name)
    assert statement.closing == Decimal("1000.00")
    assert statement.opening is None  # OFX has no opening balance field, and none is invented
    assert codes(statement) == ["statement.unproven"]
    # 1.000,00 − (−12,80) = 1.012,80 is what the opening would have to be
    assert "R$ 1.012,80" in statement.warnings[0].message
    assert "não informa o saldo inicial" in statement.warnings[0].message


def test_decimal_comma_and_padding_in_the_amount():
    statement = read_statement(FIXTURES / "santander_virgula_decimal.ofx")
    # TRNAMT "           -200,00"
    assert lines_of(statement) == [
        ("FITID:0001", dt.date(2024, 1, 5), -20000, "DOC CRÉDITO EM CONTA", "252602")
    ]
    assert statement.closing == Decimal("1000.00")
    assert "R$ 1.200,00" in statement.warnings[0].message  # 1.000,00 + 200,00


def test_the_real_banco_do_brasil_export():
    statement = read_statement(FIXTURES / "banco_do_brasil_real.ofx")
    assert lines_of(statement) == [
        ("FITID:20151103023955", dt.date(2015, 11, 3), 23955, "DOC CRÉDITO EM CONTA", "252602")
    ]
    assert (statement.bank, statement.account) == ("001", "455000-5")
    assert statement.closing == Decimal("239.35")
    assert codes(statement) == ["statement.unproven"]
    # 239,35 − 239,55 = −0,20: the single line is not the whole month
    assert "-R$ 0,20" in statement.warnings[0].message


def write(tmp_path: Path, body: str, name: str = "extrato.ofx", encoding: str = "cp1252") -> Path:
    path = tmp_path / name
    path.write_bytes((HEADER + body).encode(encoding))
    return path


def stmt(transactions: str, ledger: str = "1250,00") -> str:
    return (
        "<OFX>\n<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>\n"
        "<STMTRS><CURDEF>BRL<BANKACCTFROM><BANKID>237<BRANCHID>1234<ACCTID>5678-9"
        "<ACCTTYPE>CHECKING</BANKACCTFROM>\n<BANKTRANLIST><DTSTART>20260301<DTEND>20260331\n"
        f"{transactions}</BANKTRANLIST>\n"
        f"<LEDGERBAL><BALAMT>{ledger}<DTASOF>20260331</LEDGERBAL>\n"
        "</STMTRS></STMTTRNRS></BANKMSGSRSV1>\n</OFX>\n"
    )


def trn(kind: str, day: str, amount: str, fitid: str, memo: str) -> str:
    return (
        f"<STMTTRN><TRNTYPE>{kind}<DTPOSTED>{day}<TRNAMT>{amount}<FITID>{fitid}"
        f"<MEMO>{memo}</STMTTRN>\n"
    )


def test_balance_rows_become_the_balances_with_a_note_and_the_import_is_proved(tmp_path):
    path = write(
        tmp_path,
        stmt(
            trn("OTHER", "20260301", "1000,00", "", "SALDO ANTERIOR")  # line 15
            + trn("CREDIT", "20260302", "300,00", "A1", "PIX RECEBIDO JOÃO")  # line 16
            + trn("DEBIT", "20260305", "-50,00", "A2", "TARIFA PACOTE")  # line 17
            + trn("OTHER", "20260305", "1250,00", "", "SALDO DO DIA"),  # line 18
        ),
    )
    statement = read_statement(path)
    assert lines_of(statement) == [
        ("FITID:A1", dt.date(2026, 3, 2), 30000, "PIX RECEBIDO JOÃO", ""),
        ("FITID:A2", dt.date(2026, 3, 5), -5000, "TARIFA PACOTE", ""),
    ]
    assert (statement.bank, statement.agency, statement.account) == ("237", "1234", "5678-9")
    # 1.000,00 + 300,00 − 50,00 = 1.250,00 = LEDGERBAL
    assert (statement.opening, statement.closing) == (Decimal("1000.00"), Decimal("1250.00"))
    assert statement.gap() == 0
    assert [(w.code, w.row) for w in statement.warnings] == [
        ("statement.balance_row", 15),
        ("statement.balance_row", 18),
    ]
    assert statement.warnings[0].message == (
        "Linha 15: “SALDO ANTERIOR” (R$ 1.000,00) é uma linha de saldo, não um lançamento; "
        "tomada como saldo inicial."
    )
    assert statement.warnings[1].message.endswith("deixada de fora.")
    assert statement.warnings[0].file == "extrato.ofx"


def test_an_import_that_does_not_add_up_says_by_how_much(tmp_path):
    path = write(
        tmp_path,
        stmt(
            trn("OTHER", "20260301", "1000,00", "", "Saldo Anterior")
            + trn("CREDIT", "20260302", "300,00", "A1", "PIX RECEBIDO")
            + trn("DEBIT", "20260305", "-50,00", "A2", "TARIFA"),
            ledger="1284,56",
        ),
    )
    statement = read_statement(path)
    # 1.000,00 + 300,00 − 50,00 = 1.250,00; 1.284,56 − 1.250,00 = 34,56
    assert statement.gap() == Decimal("34.56")
    assert codes(statement) == ["statement.balance_row", "statement.unbalanced"]
    assert statement.warnings[1].message == (
        "O saldo final do extrato (R$ 1.284,56) difere do saldo inicial (da linha “Saldo "
        "Anterior”, linha 15) mais os lançamentos (R$ 1.250,00) em R$ 34,56."
    )
    assert statement.warnings[1].severity == "warning"


def test_a_repeated_fitid_is_kept_twice_and_an_empty_one_takes_the_line(tmp_path):
    path = write(
        tmp_path,
        stmt(
            trn("DEBIT", "20260302", "-10,00", "X9", "TARIFA A")  # line 15
            + trn("DEBIT", "20260302", "-10,00", "X9", "TARIFA B")  # line 16
            + trn("DEBIT", "20260303", "-10,00", "X9", "TARIFA C")  # line 17
            + trn("CREDIT", "20260304", "5,00", "", "ESTORNO"),  # line 18
            ledger="-25,00",
        ),
    )
    statement = read_statement(path)
    assert list(statement.lines["ref"]) == [
        "FITID:X9",
        "FITID:X9#2",
        "FITID:X9#3",
        "extrato.ofx:18",
    ]
    assert list(statement.lines["cents"]) == [-1000, -1000, -1000, 500]


def test_a_header_that_says_1252_over_a_utf8_body_is_read_as_utf8(tmp_path):
    path = write(
        tmp_path,
        stmt(trn("CREDIT", "20260302", "1.250,00", "A1", "DEPÓSITO AÇÚCAR")),
        encoding="utf-8",
    )
    statement = read_statement(path)
    assert list(statement.lines["description"]) == ["DEPÓSITO AÇÚCAR"]
    assert list(statement.lines["cents"]) == [125000]  # "1.250,00": thousands dot, decimal comma


def test_a_late_evening_posting_keeps_the_banks_day(tmp_path):
    path = write(tmp_path, stmt(trn("DEBIT", "20260331233000[-3:BRT]", "-1,00", "A1", "PIX")))
    assert read_statement(path).lines["date"].iloc[0].date() == dt.date(2026, 3, 31)


def test_ofx_2_xml_is_read_too(tmp_path):
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<?OFX OFXHEADER="200" VERSION="211" '
        'SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>\n'
        "<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1</TRNUID><STATUS><CODE>0</CODE>"
        "<SEVERITY>INFO</SEVERITY></STATUS><STMTRS><CURDEF>BRL</CURDEF><BANKACCTFROM>"
        "<BANKID>260</BANKID><ACCTID>99-1</ACCTID><ACCTTYPE>CHECKING</ACCTTYPE></BANKACCTFROM>"
        "<BANKTRANLIST><DTSTART>20260301</DTSTART><DTEND>20260331</DTEND><STMTTRN>"
        "<TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20260310</DTPOSTED><TRNAMT>-99.90</TRNAMT>"
        "<FITID>n1</FITID><MEMO>Assinatura música</MEMO></STMTTRN></BANKTRANLIST>"
        "<LEDGERBAL><BALAMT>0.10</BALAMT><DTASOF>20260331</DTASOF></LEDGERBAL></STMTRS>"
        "</STMTTRNRS></BANKMSGSRSV1></OFX>\n"
    )
    path = tmp_path / "nubank.ofx"
    path.write_text(body, encoding="utf-8")
    statement = read_statement(path)
    assert lines_of(statement) == [
        ("FITID:n1", dt.date(2026, 3, 10), -9990, "Assinatura música", "")
    ]
    assert (statement.bank, statement.closing) == ("260", Decimal("0.10"))


def broken_message(path: Path) -> UnreadableFile:
    with pytest.raises(UnreadableFile) as raised:
        read_statement(path)
    return raised.value


def test_a_truncated_file_names_the_line_it_ends_on(tmp_path):
    whole = (FIXTURES / "banco_do_brasil_real.ofx").read_bytes()
    path = tmp_path / "cortado.ofx"
    path.write_bytes(whole[: whole.index(b"<MEMO>DOC") + 9])  # ends "<MEMO>DOC" on line 49
    error = broken_message(path)
    assert error.code == "file.corrupt"
    assert error.message == (
        "O arquivo “cortado.ofx” não pôde ser lido como extrato OFX: linha 49: o arquivo acaba "
        "sem fechar a marcação <STMTTRN> aberta na linha 43 (está truncado?)."
    )


def test_a_bad_amount_and_a_bad_date_name_their_line(tmp_path):
    error = broken_message(write(tmp_path, stmt(trn("DEBIT", "20260302", "-1O,00", "A", "X"))))
    assert "linha 15: o valor <TRNAMT> “-1O,00” não é um número" in error.message
    error = broken_message(write(tmp_path, stmt(trn("DEBIT", "20261302", "-10,00", "A", "X"))))
    assert "linha 15: a data <DTPOSTED> “20261302” não é uma data (AAAAMMDD)" in error.message


def test_a_closing_tag_that_closes_nothing_names_its_line(tmp_path):
    # a stray </STMTRS> on line 15 ends the statement early: the </BANKTRANLIST> of line 16
    # then closes nothing
    error = broken_message(write(tmp_path, stmt("</STMTRS>\n")))
    assert error.message.endswith(
        "linha 16: </BANKTRANLIST> fecha uma marcação que não foi aberta."
    )


@pytest.mark.parametrize(
    ("content", "code", "line"),
    [
        (b"OFXHEADER:100\nDATA:OFXSGML\n\x00\x00\x00\x01garbage", "file.corrupt", 3),  # NUL
        (b"OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\nisto nao e ofx", "file.corrupt", 5),
        (b"", "file.empty", None),
    ],
)
def test_garbage_binary_and_empty_files_are_clear_errors(tmp_path, content, code, line):
    path = tmp_path / "extrato.ofx"
    path.write_bytes(content)
    error = broken_message(path)
    assert error.code == code
    assert "extrato.ofx" in error.message
    if line:
        assert f"extrato OFX: linha {line}:" in error.message


def test_an_html_page_saved_as_ofx_is_not_taken_for_one(tmp_path):
    path = tmp_path / "extrato.ofx"
    path.write_text("<html><body><p>Sessão expirada</p></body></html>", encoding="utf-8")
    error = broken_message(path)
    assert error.code == "file.no_tables"
    assert "extrato.ofx" in error.message


def test_a_file_name_with_braces_and_control_characters_is_shown_as_typed(tmp_path):
    path = write(tmp_path, stmt(trn("DEBIT", "20260302", "-1,00", "", "X")), name="{0}\x1b[31m.ofx")
    statement = read_statement(path)
    assert list(statement.lines["ref"]) == ["{0}[31m.ofx:15"]


def test_an_ofx_file_beyond_the_bound_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "enorme.ofx"
    with path.open("wb") as file:
        file.write(HEADER.encode("ascii") + b"<OFX>")
        file.truncate(6 * 1024 * 1024)  # 6 MB, sparse: nothing more written
    with pytest.raises(UnreadableFile) as raised:
        read_statement(path)
    assert raised.value.code == "file.too_large"
    assert "6 MB, acima do limite de 5 MB" in raised.value.message


def test_tags_nested_thousands_deep_are_refused_not_a_crash(tmp_path):
    path = tmp_path / "fundo.ofx"
    path.write_bytes(HEADER.encode("ascii") + b"<OFX>\n" + b"<AGG>" * 100_000)
    error = broken_message(path)
    assert error.message.endswith("linha 12: marcações aninhadas demais (mais de 40 níveis).")


def test_an_escaped_memo_and_a_name_are_read_as_the_bank_meant(tmp_path):
    transaction = (
        "<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20260302<TRNAMT>-10,00<FITID>A1"
        "<NAME>LUZ &amp; FORÇA<MEMO>CONTA 03/2026</STMTTRN>\n"
    )
    statement = read_statement(write(tmp_path, stmt(transaction)))
    assert list(statement.lines["description"]) == ["LUZ & FORÇA CONTA 03/2026"]


def test_empty_leaves_closed_or_not_are_no_trouble(tmp_path):
    transaction = (
        "<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20260302<TRNAMT>-10,00<FITID></FITID>"
        "<CHECKNUM>\n<MEMO>TARIFA</STMTTRN>\n"  # line 15
    )
    statement = read_statement(write(tmp_path, stmt(transaction)))
    assert lines_of(statement) == [("extrato.ofx:15", dt.date(2026, 3, 2), -1000, "TARIFA", "")]


def test_the_statement_codes_follow_the_catalogues_rules():
    """Every warning a fixture gives is a catalogued `statement.*` warning."""
    from retaguarda.validators.codes import CODES

    statement_codes = {code for code in CODES if code.startswith("statement.")}
    for code in statement_codes:
        spec = CODES[code]
        assert (spec.severity, bool(spec.pt), bool(spec.en)) == ("warning", True, True)
    emitted = set()
    for path in sorted(FIXTURES.glob("*.ofx")):
        emitted |= {w.code for w in read_statement(path).warnings}
    assert emitted
    assert emitted <= statement_codes


def test_a_file_with_two_accounts_reads_the_first_and_says_so(tmp_path):
    second = stmt(trn("DEBIT", "20260303", "-7,00", "B1", "OUTRA CONTA")).replace(
        "<ACCTID>5678-9", "<ACCTID>9999-0"
    )
    body = stmt(trn("DEBIT", "20260302", "-10,00", "A1", "TARIFA"), ledger="-10,00")
    # both statements inside one <OFX>
    body = body.replace("</BANKMSGSRSV1>\n</OFX>\n", "") + second[second.index("<BANKMSGSRSV1>") :]
    statement = read_statement(write(tmp_path, body))
    assert list(statement.lines["ref"]) == ["FITID:A1"]
    assert statement.account == "5678-9"
    assert [w.code for w in statement.warnings] == ["statement.unproven", "statement.several"]
    assert statement.warnings[1].message == (
        "O arquivo tem 2 extratos; só o primeiro (conta 5678-9) foi lido."
    )


def test_a_credit_card_statement(tmp_path):
    body = (
        "<OFX>\n<CREDITCARDMSGSRSV1><CCSTMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO"
        "</STATUS>\n<CCSTMTRS><CURDEF>BRL<CCACCTFROM><ACCTID>5555********1234</CCACCTFROM>\n"
        "<BANKTRANLIST><DTSTART>20260301<DTEND>20260331\n"
        + trn("DEBIT", "20260310", "-89,90", "C1", "MERCADO SÃO JOSÉ")
        + "</BANKTRANLIST><LEDGERBAL><BALAMT>-89,90<DTASOF>20260331</LEDGERBAL>\n"
        "</CCSTMTRS></CCSTMTTRNRS></CREDITCARDMSGSRSV1>\n</OFX>\n"
    )
    statement = read_statement(write(tmp_path, body))
    assert lines_of(statement) == [
        ("FITID:C1", dt.date(2026, 3, 10), -8990, "MERCADO SÃO JOSÉ", "")
    ]
    assert (statement.account, statement.closing) == ("5555********1234", Decimal("-89.90"))


def test_the_unproven_warning_says_what_to_check():
    warning = read_statement(FIXTURES / "itau_cp1252_basico.ofx").warnings[0]
    assert warning.message == (
        "O extrato não informa o saldo inicial: a importação não pôde ser conferida (saldo "
        "inicial + lançamentos = saldo final). Para fechar, o saldo inicial teria de ser "
        "R$ 1.012,80; confira no extrato do banco (um saldo calculado assim não prova nada)."
    )
    assert warning.message_en.startswith("The statement states no opening balance: the import")
    assert (warning.file, warning.sheet, warning.severity) == (
        "itau_cp1252_basico.ofx",
        "itau_cp1252_basico.ofx",
        "warning",
    )


def test_document_numbers_and_memos_longer_than_the_spec_are_kept_whole(tmp_path):
    memo = "PAGAMENTO " + "Ç" * 300  # 310 characters; the spec allows 255
    transaction = (
        "<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20260302<TRNAMT>-1,00<FITID>F1"
        f"<CHECKNUM>20151103023955<MEMO>{memo}</STMTTRN>\n"  # CHECKNUM: 14 digits, spec 12
    )
    statement = read_statement(write(tmp_path, stmt(transaction), encoding="utf-8"))
    assert list(statement.lines["document"]) == ["20151103023955"]
    assert list(statement.lines["description"]) == [memo]


def test_a_fitid_beyond_the_spec_is_refused_briefly(tmp_path):
    path = write(tmp_path, stmt(trn("DEBIT", "20260302", "-1,00", "F" * 5000, "X")))
    error = broken_message(path)
    assert "linha 15: o lançamento <STMTTRN> foge do padrão OFX" in error.message
    assert len(error.message) < 400
