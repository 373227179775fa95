"""Banks' CSV exports: the common pt-BR headers are mapped by themselves; any other layout is
mapped once, saved, and found again next time; bad rows and hostile files are clear errors."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from retaguarda.addin.reconcile.statement_csv import (
    MAPPINGS_FILE,
    CsvMapping,
    guess_mapping,
    save_mapping,
)
from retaguarda.addin.reconcile.statements import read_statement
from retaguarda.templates.readers.errors import UnreadableFile

ITAU = (
    "Extrato de conta corrente\n"  # line 1
    "Agência 1234 Conta 56789-1;;;\n"  # line 2
    "\n"  # line 3
    "Data;Histórico;Documento;Valor (R$);Saldo (R$)\n"  # line 4
    "01/03/2026;SALDO ANTERIOR;;;1.000,00\n"  # line 5
    "02/03/2026;PIX RECEBIDO JOSÉ;123;1.250,00;2.250,00\n"  # line 6
    "03/03/2026;TARIFA PACOTE;;-12,50;2.237,50\n"  # line 7
    "04/03/2026;SALDO DO DIA;;;2.237,50\n"  # line 8
)


def write(tmp_path: Path, text: str, name: str = "extrato.csv", encoding: str = "cp1252") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def rows(statement) -> list[tuple[str, dt.date, int, str, str]]:
    frame = statement.lines
    return [
        (ref, day.date(), cents, text, doc)
        for ref, day, cents, text, doc in zip(
            frame["ref"], frame["date"], frame["cents"], frame["description"], frame["document"],
            strict=True,
        )
    ]  # fmt: skip


def test_the_usual_headers_are_mapped_by_themselves_below_a_preamble(tmp_path):
    statement = read_statement(write(tmp_path, ITAU))
    assert rows(statement) == [
        ("extrato.csv:6", dt.date(2026, 3, 2), 125000, "PIX RECEBIDO JOSÉ", "123"),
        ("extrato.csv:7", dt.date(2026, 3, 3), -1250, "TARIFA PACOTE", ""),
    ]
    assert list(statement.lines["cell"]) == ["", ""]
    # the balance column: 2.250,00 − 1.250,00 = 1.000,00 before the first line, then the
    # "Saldo anterior" row says the same; 1.000,00 + 1.250,00 − 12,50 = 2.237,50
    assert (statement.opening, statement.closing) == (Decimal("1000.00"), Decimal("2237.50"))
    assert statement.gap() == 0
    assert [(w.code, w.row) for w in statement.warnings] == [
        ("statement.balance_row", 5),
        ("statement.balance_row", 8),
    ]
    assert statement.warnings[0].message.endswith("tomada como saldo inicial.")
    assert statement.warnings[1].message.endswith("deixada de fora.")


def test_a_debit_credit_pair_newest_first(tmp_path):
    text = (
        "Data;Histórico;Docto.;Crédito (R$);Débito (R$);Saldo (R$)\n"  # line 1
        "05/03/2026;PAGTO FORNECEDOR;9001;;3.000,00;7.000,00\n"  # line 2
        "04/03/2026;TED RECEBIDA;;5.000,00;;10.000,00\n"  # line 3
    )
    statement = read_statement(write(tmp_path, text, encoding="utf-8"))
    assert rows(statement) == [
        ("extrato.csv:2", dt.date(2026, 3, 5), -300000, "PAGTO FORNECEDOR", "9001"),
        ("extrato.csv:3", dt.date(2026, 3, 4), 500000, "TED RECEBIDA", ""),
    ]
    # oldest first: 10.000,00 − 5.000,00 = 5.000,00 before it; 7.000,00 after the newest
    assert (statement.opening, statement.closing) == (Decimal("5000.00"), Decimal("7000.00"))
    assert statement.warnings == []


def test_a_balance_that_jumps_is_reported(tmp_path):
    text = (
        "Data;Histórico;Valor;Saldo\n"
        "02/03/2026;PIX;100,00;1.100,00\n"  # line 2: 1.000,00 before
        "03/03/2026;TARIFA;-10,00;1.050,00\n"  # 1.100,00 − 10,00 would be 1.090,00
    )
    statement = read_statement(write(tmp_path, text))
    assert [(w.code, w.row) for w in statement.warnings] == [
        ("statement.balance_jump", 3),
        ("statement.unbalanced", None),
    ]
    assert statement.warnings[0].message == (
        "Linha 3: o saldo informado (R$ 1.050,00) difere do saldo da linha anterior mais o "
        "valor (R$ 1.090,00) em R$ 40,00; falta ou sobra um lançamento antes dela?"
    )
    assert statement.warnings[1].message == (
        "O saldo final do extrato (R$ 1.050,00) difere do saldo inicial (calculado do saldo da "
        "linha 2) mais os lançamentos (R$ 1.090,00) em R$ 40,00."
    )


def test_only_each_days_last_balance_is_enough(tmp_path):
    text = (
        "Data;Histórico;Valor;Saldo\n"
        "02/03/2026;PIX A;100,00;\n"  # line 2
        "02/03/2026;PIX B;50,00;1.150,00\n"  # line 3: 1.150,00 − 50,00 − 100,00 = 1.000,00
        "03/03/2026;TARIFA;-10,00;\n"  # line 4
        "03/03/2026;TED;-40,00;1.100,00\n"  # line 5: 1.150,00 − 10,00 − 40,00 = 1.100,00
    )
    statement = read_statement(write(tmp_path, text))
    assert (statement.opening, statement.closing) == (Decimal("1000.00"), Decimal("1100.00"))
    assert statement.warnings == []


OTHER_BANK = (
    "Dt. Mov;Lançamento;Compl.;Quantia\n"  # line 1: nothing to guess from
    "2026-03-02;Pix;Maria;1,234.56\n"  # line 2: dots for decimals, ISO dates
    "2026-03-03;Boleto;Luz;-80.00\n"  # line 3
)
OTHER_MAPPING = CsvMapping(
    date="Dt. Mov",
    description=("Lançamento", "Compl."),
    amount="Quantia",
    date_format="aaaa-mm-dd",
    decimal_comma=False,
    name="Banco X",
    headers=("Dt. Mov", "Lançamento", "Compl.", "Quantia"),
)


def test_any_other_layout_is_mapped_once_saved_and_found_again(tmp_path):
    path = write(tmp_path, OTHER_BANK, name="marco.csv")
    with pytest.raises(UnreadableFile) as raised:
        read_statement(path)
    assert "mapeie as colunas" in raised.value.message
    expected = [
        ("marco.csv:2", dt.date(2026, 3, 2), 123456, "Pix Maria", ""),
        ("marco.csv:3", dt.date(2026, 3, 3), -8000, "Boleto Luz", ""),
    ]
    assert rows(read_statement(path, csv_mapping=OTHER_MAPPING)) == expected
    saved = save_mapping(OTHER_MAPPING, tmp_path)
    assert saved == tmp_path / MAPPINGS_FILE
    assert json.loads(saved.read_text(encoding="utf-8"))["mappings"][0]["name"] == "Banco X"
    # next month's file, same folder: read without being told
    april = write(tmp_path, OTHER_BANK.replace("-03-", "-04-"), name="abril.csv")
    assert [d.date() for d in read_statement(april).lines["date"]] == [
        dt.date(2026, 4, 2),
        dt.date(2026, 4, 3),
    ]


def test_a_mappings_file_elsewhere_is_named_by_the_caller(tmp_path):
    config = tmp_path / "config"
    config.mkdir()
    save_mapping(OTHER_MAPPING, config)
    saving_again = save_mapping(OTHER_MAPPING, config / MAPPINGS_FILE)  # replaces, not adds
    assert len(json.loads(saving_again.read_text(encoding="utf-8"))["mappings"]) == 1
    path = write(tmp_path, OTHER_BANK, name="marco.csv")
    assert len(read_statement(path, csv_mapping=config).lines) == 2
    assert len(read_statement(path, csv_mapping=config / MAPPINGS_FILE).lines) == 2


def test_guess_mapping_reads_the_usual_pt_br_headers():
    mapping = guess_mapping(
        [["Banco X"], ["Data", "Histórico", "Débito", "Crédito", "Saldo", "Documento"]]
    )
    assert mapping is not None
    assert (mapping.date, mapping.description, mapping.debit, mapping.credit) == (
        "Data",
        ("Histórico",),
        "Débito",
        "Crédito",
    )
    assert (mapping.balance, mapping.document, mapping.amount) == ("Saldo", "Documento", "")
    assert guess_mapping([["Nome", "Idade"]]) is None


def test_a_row_with_money_but_no_date_names_its_line(tmp_path):
    text = "Data;Histórico;Valor\n02/03/2026;PIX;10,00\n32/13/2026;TARIFA;-1,00\n"
    with pytest.raises(UnreadableFile) as raised:
        read_statement(write(tmp_path, text))
    assert raised.value.message == (
        "O arquivo “extrato.csv” não pôde ser lido como extrato CSV: linha 3: “32/13/2026” não "
        "é uma data."
    )


def test_a_footer_without_money_is_passed_over(tmp_path):
    text = "Data;Histórico;Valor\n02/03/2026;PIX;10,00\n;Os dados acima são provisórios;\n"
    assert len(read_statement(write(tmp_path, text)).lines) == 1


def test_an_amount_that_does_not_read_names_its_line(tmp_path):
    text = "Data;Histórico;Valor\n02/03/2026;PIX;dez reais\n"
    with pytest.raises(UnreadableFile) as raised:
        read_statement(write(tmp_path, text))
    assert "extrato CSV: linha 2: “dez reais” não é um número válido" in raised.value.message


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "file.empty"),
        (b"Data;Hist\x00\x00\x00rico;Valor\n", "file.not_spreadsheet"),  # NUL bytes
        (b"%PDF-1.7\n%\xe2\xe3", "file.not_spreadsheet"),
        (b"PK\x03\x04truncated", "file.corrupt"),  # a broken .xlsx named .csv
    ],
)
def test_hostile_files_are_clear_errors(tmp_path, content, code):
    path = tmp_path / "extrato.csv"
    path.write_bytes(content)
    with pytest.raises(UnreadableFile) as raised:
        read_statement(path)
    assert raised.value.code == code
    assert "extrato.csv" in raised.value.message


def test_a_huge_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "extrato.csv"
    with path.open("wb") as file:
        file.truncate(101 * 1024 * 1024)  # sparse: nothing written
    with pytest.raises(UnreadableFile) as raised:
        read_statement(path)
    assert raised.value.code == "file.too_large"
    assert "101 MB, acima do limite de 100 MB" in raised.value.message


def test_a_missing_file_and_a_folder(tmp_path):
    for path, code in ((tmp_path / "nao.csv", "file.missing"), (tmp_path, "file.not_a_file")):
        with pytest.raises(UnreadableFile) as raised:
            read_statement(path)
        assert raised.value.code == code


def test_a_file_of_a_single_mapping_is_taken_too(tmp_path):
    single = tmp_path / "mapeamento.json"
    single.write_text(json.dumps(OTHER_MAPPING.to_json(), ensure_ascii=False), encoding="utf-8")
    path = write(tmp_path, OTHER_BANK, name="marco.csv")
    assert list(read_statement(path, csv_mapping=single).lines["cents"]) == [123456, -8000]


def test_line_numbers_are_the_files_own_and_totals_are_not_lines(tmp_path):
    text = (
        "sep=;\n"  # line 1: Excel's separator hint, not a row
        "Data;Histórico;Valor\n"  # line 2
        "02/03/2026;PIX;10,00\n"  # line 3
        '03/03/2026;"TARIFA\nDUAS LINHAS";-1,00\n'  # lines 4 and 5
        "04/03/2026;TED;5,00\n"  # line 6
        "Total;;14,00\n"  # line 7: the sum of the lines, not one
    )
    statement = read_statement(write(tmp_path, text, name="{0}\x07.csv"))
    assert list(statement.lines["ref"]) == ["{0}.csv:3", "{0}.csv:4", "{0}.csv:6"]
    assert list(statement.lines["cents"]) == [1000, -100, 500]


def test_a_dated_line_whose_text_starts_with_total_is_a_line(tmp_path):
    text = "Data;Histórico;Valor\n02/03/2026;TOTAL DISTRIBUIDORA;-10,00\n;Total;-10,00\n"
    assert list(read_statement(write(tmp_path, text)).lines["description"]) == [
        "TOTAL DISTRIBUIDORA"
    ]


def test_a_mapping_without_date_or_amount_is_a_clear_error(tmp_path):
    path = write(tmp_path, OTHER_BANK, name="marco.csv")
    for broken_mapping in (
        CsvMapping(date="", description=("Lançamento",), amount="Quantia"),
        CsvMapping(date="Dt. Mov", description=("Lançamento",)),
    ):
        with pytest.raises(UnreadableFile) as raised:
            read_statement(path, csv_mapping=broken_mapping)
        assert raised.value.message.startswith(
            "O mapeamento de colunas usado para “marco.csv” precisa dizer a coluna da data"
        )


def test_a_mapping_whose_columns_are_not_in_the_file_names_them(tmp_path):
    path = write(tmp_path, ITAU)
    with pytest.raises(UnreadableFile) as raised:
        read_statement(path, csv_mapping=OTHER_MAPPING)
    assert "“Dt. Mov”, “Quantia”, “Lançamento”, “Compl.” do mapeamento" in raised.value.message


def test_a_mappings_file_named_but_missing_or_not_one_is_a_clear_error(tmp_path):
    path = write(tmp_path, ITAU)
    (tmp_path / "lixo.json").write_text("[1, 2]", encoding="utf-8")
    for given in (tmp_path / "nao_existe.json", tmp_path / "lixo.json"):
        with pytest.raises(UnreadableFile) as raised:
            read_statement(path, csv_mapping=given)
        assert raised.value.message == (
            f"O mapeamento de colunas “{given.name}” não existe ou não é um JSON de mapeamentos "
            "(veja docs/extratos.md)."
        )


def test_saving_never_writes_over_a_file_that_is_not_a_mappings_file(tmp_path):
    other = tmp_path / "config.json"
    other.write_text('{"servidor": "x"}', encoding="utf-8")
    with pytest.raises(UnreadableFile):
        save_mapping(OTHER_MAPPING, other)
    assert other.read_text(encoding="utf-8") == '{"servidor": "x"}'
