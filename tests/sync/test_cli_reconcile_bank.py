"""`retaguarda reconcile bank` as a user runs it: a bank's OFX file and a workbook rendered by
the project, exit codes, the JSON, the .xlsx and the decisions read back from it."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from retaguarda.addin.reconcile.sheet import HEADER, SHEET
from retaguarda.sync.cli import main
from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.render import render_workbook

FIXTURES = Path(__file__).parent / "fixtures" / "reconcile_bank"
CHART = [
    ["1.1.02", "Bancos conta movimento", "Ativo", "Devedora", "Sim"],
    ["2.1.01", "Fornecedores", "Passivo", "Credora", "Sim"],
    ["2.3.01", "Capital social", "Patrimônio líquido", "Credora", "Sim"],
    ["3.1.01", "Receita de vendas", "Receita", "Credora", "Sim"],
    ["4.1.05", "Tarifas bancárias", "Despesa", "Devedora", "Sim"],
]
CAPITAL = [date(2026, 2, 1), "", "Capital inicial", "1.1.02", "2.3.01", Decimal("1000.00")]
SALE = [date(2026, 3, 2), "V-1", "Venda João", "1.1.02", "3.1.01", Decimal("500.00")]
FEE = [date(2026, 3, 10), "", "Tarifa do pacote", "4.1.05", "1.1.02", Decimal("30.00")]
BILL = [
    "Fornecedor Ação Ltda",
    "11.222.333/0001-81",
    "NF 1002",
    date(2026, 2, 20),
    date(2026, 3, 5),
    Decimal("120.50"),
    date(2026, 3, 5),
    Decimal("120.50"),
    "Boleto",
    "2.1.01",
    "",
    "1.1.02",
]
#: an OFX 1.02 export as Brazilian banks write it: SGML, cp1252, a "SALDO ANTERIOR" row
OFX = """OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE
ENCODING:USASCII
CHARSET:1252
COMPRESSION:NONE
OLDFILEUID:NONE
NEWFILEUID:NONE

<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20260331
<LANGUAGE>POR</SONRS></SIGNONMSGSRSV1><BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0
<SEVERITY>INFO</STATUS><STMTRS><CURDEF>BRL<BANKACCTFROM><BANKID>0341<ACCTID>12345-6
<ACCTTYPE>CHECKING</BANKACCTFROM><BANKTRANLIST><DTSTART>20260301<DTEND>20260331
<STMTTRN><TRNTYPE>OTHER<DTPOSTED>20260301<TRNAMT>1000.00<FITID>000<MEMO>SALDO ANTERIOR</STMTTRN>
<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20260302<TRNAMT>500.00<FITID>001<MEMO>PIX RECEBIDO JOÃO</STMTTRN>
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20260305<TRNAMT>-120.50<FITID>002<CHECKNUM>1002
<MEMO>PAGTO BOLETO NF 1002</STMTTRN>
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20260310<TRNAMT>-30.00<FITID>003
<MEMO>TARIFA PACOTE SERVIÇOS</STMTTRN>
</BANKTRANLIST><LEDGERBAL><BALAMT>1349.50<DTASOF>20260331</LEDGERBAL></STMTRS></STMTTRNRS>
</BANKMSGSRSV1></OFX>
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def statement(tmp_path) -> Path:
    path = tmp_path / "extrato.ofx"
    path.write_bytes(OFX.encode("cp1252"))
    return path


def company(path: Path, journal: list[list[object]], bills=(BILL,), extrato=None) -> Path:
    sheets = [
        (TEMPLATES["plano_de_contas"], CHART),
        (TEMPLATES["lancamentos"], journal),
        (TEMPLATES["contas_a_pagar"], list(bills)),
    ]
    if extrato is not None:
        sheets.append((TEMPLATES["extrato"], extrato))
    return render_workbook(path, sheets)


def reconcile(runner, *args):
    return runner.invoke(main, ["reconcile", "bank", *map(str, args)])


def test_everything_matched_exits_0_and_the_json_names_each_line(runner, tmp_path, statement):
    ledger = company(tmp_path / "empresa.xlsx", [CAPITAL, SALE, FEE])
    result = reconcile(
        runner,
        "--statement",
        statement,
        "--ledger",
        ledger,
        "--account",
        "1.1.02",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    pairs = {tuple(m["statement"]): m["ledger"] for m in data["matches"]}
    assert pairs == {
        ("FITID:001",): ["Lançamentos!3"],
        ("FITID:002",): ["Contas a pagar!2"],
        ("FITID:003",): ["Lançamentos!4"],
    }
    for match in data["matches"]:
        assert match["status"] in ("automática", "sugerida")
        assert match["difference"] == "0.00"
        assert 0 < match["score"] <= 1
        assert match["reason"]
        assert match["id"].startswith("C")
    assert data["unmatched_statement"] == data["unmatched_ledger"] == []
    s = data["summary"]
    # 1.000 + 500 − 120,50 − 30 = 1.349,50 on both sides
    assert (s["opening"], s["closing"], s["ledger_balance"], s["gap"]) == (
        "1000.00",
        "1349.50",
        "1349.50",
        "0.00",
    )
    assert s["unexplained"] == "0.00"
    assert s["complete"] is True


def test_a_line_left_unmatched_exits_1_and_the_table_says_what_is_left(runner, tmp_path, statement):
    ledger = company(tmp_path / "empresa.xlsx", [CAPITAL, SALE])  # the fee not booked
    result = reconcile(runner, "--statement", statement, "--ledger", ledger, "--account", "1.1.02")
    assert result.exit_code == 1, result.output
    assert "Linhas do extrato sem lançamento (1): FITID:003" in result.output
    assert "linhas do extrato sem lançamento: -R$ 30,00" in result.output
    json_run = reconcile(
        runner,
        "--statement",
        statement,
        "--ledger",
        ledger,
        "--account",
        "1.1.02",
        "--format",
        "json",
    )
    data = json.loads(json_run.stdout)
    assert data["unmatched_statement"] == ["FITID:003"]
    # the book is R$ 30,00 above the bank: the fee nobody booked
    assert (data["summary"]["gap"], data["summary"]["unmatched_statement"]) == ("-30.00", "-30.00")


def test_a_real_bank_file_with_the_account_taken_from_the_chart(runner, tmp_path):
    doc = [date(2024, 1, 5), "252602", "Pagamento DOC", "2.1.01", "1.1.02", Decimal("12.80")]
    ledger = company(tmp_path / "empresa.xlsx", [doc], bills=())
    fixture = FIXTURES / "itau_cp1252_basico.ofx"
    result = reconcile(runner, "--statement", fixture, "--ledger", ledger, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["account"] == "1.1.02"  # the chart's only bank account
    assert [(m["statement"], m["ledger"]) for m in data["matches"]] == [
        (["FITID:0001"], ["Lançamentos!2"])
    ]
    # the file states no opening balance: said, not hidden
    assert [w["code"] for w in data["warnings"]] == ["statement.unproven"]


def test_the_out_workbook_carries_decisions_into_the_next_run(runner, tmp_path, statement):
    ledger = company(tmp_path / "empresa.xlsx", [CAPITAL, SALE, FEE])
    out = tmp_path / "conciliacao.xlsx"
    args = ["--statement", statement, "--ledger", ledger, "--account", "1.1.02", "--out", out]
    assert reconcile(runner, *args).exit_code == 0
    book = load_workbook(out)
    sheet = book[SHEET]
    header = next(r for r in range(1, 30) if sheet.cell(r, 1).value == "ID")
    assert [c.value for c in sheet[header]] == list(HEADER)
    assert sheet.freeze_panes == f"A{header + 1}"
    rows = {
        sheet.cell(r, 7).value: r
        for r in range(header + 1, sheet.max_row + 1)
        if sheet.cell(r, 2).value
    }
    fee_row = rows["FITID:003"]
    assert sheet.cell(fee_row, 9).value == -30
    assert "R$" in sheet.cell(fee_row, 9).number_format
    assert sheet.cell(fee_row, 6).number_format == "dd/mm/yyyy"
    link = sheet.cell(fee_row, 11).hyperlink
    assert (link.target, link.location) == ("empresa.xlsx", "'Lançamentos'!F4")
    # the person rejects the fee's pair and confirms the sale's
    sheet.cell(fee_row, 4).value = "Rejeitar"
    sheet.cell(rows["FITID:001"], 4).value = "CONFIRMAR"
    book.save(out)
    again = reconcile(runner, *args, "--format", "json")
    assert again.exit_code == 1  # the fee and its journal line are left on their own
    data = json.loads(again.stdout)
    statuses = {m["statement"][0]: m["status"] for m in data["matches"]}
    assert statuses["FITID:001"] == "confirmada"
    assert "FITID:003" not in statuses
    assert data["unmatched_statement"] == ["FITID:003"]
    assert data["unmatched_ledger"] == ["Lançamentos!4"]
    assert [r["statement"] for r in data["rejected"]] == [["FITID:003"]]
    # the account is read back from the sheet too
    assert (
        json.loads(reconcile(runner, *args[:4], "--out", out, "--format", "json").stdout)["account"]
        == "1.1.02"
    )


def test_the_workbooks_own_extrato_sheet_as_the_statement(runner, tmp_path):
    extrato = [
        [date(2026, 3, 2), "PIX RECEBIDO JOAO", "", Decimal("500.00"), Decimal("1500.00")],
        [date(2026, 3, 10), "TARIFA", "", Decimal("-30.00"), Decimal("1470.00")],
    ]
    ledger = company(tmp_path / "empresa.xlsx", [CAPITAL, SALE, FEE], bills=(), extrato=extrato)
    result = reconcile(
        runner,
        "--statement",
        ledger,
        "--ledger",
        ledger,
        "--account",
        "1.1.02",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {m["statement"][0]: m["ledger"] for m in data["matches"]} == {
        "Extrato bancário!2": ["Lançamentos!3"],
        "Extrato bancário!3": ["Lançamentos!4"],
    }
    assert data["summary"]["opening"] == "1000.00"  # 1.500 − 500


def test_unreadable_files_exit_2_with_one_sentence(runner, tmp_path, statement):
    ledger = company(tmp_path / "empresa.xlsx", [CAPITAL])
    missing = reconcile(
        runner, "--statement", tmp_path / "nao_existe.ofx", "--ledger", ledger, "--account", "1"
    )
    assert missing.exit_code == 2
    assert "não encontrado" in missing.stderr
    assert "Traceback" not in missing.output
    broken = tmp_path / "empresa_quebrada.xlsx"
    broken.write_bytes(b"PK\x03\x04xx")
    result = reconcile(runner, "--statement", statement, "--ledger", broken, "--account", "1")
    assert result.exit_code == 2
    assert result.stderr.startswith("erro: ")
    assert "Traceback" not in result.output
    bad_out = tmp_path / "conciliacao.xlsx"
    bad_out.write_bytes(b"%PDF-1.7\n")
    result = reconcile(
        runner,
        "--statement",
        statement,
        "--ledger",
        ledger,
        "--account",
        "1.1.02",
        "--out",
        bad_out,
    )
    assert result.exit_code == 2
    assert "conciliação anterior" in result.stderr
    nowhere = tmp_path / "nao_existe" / "conciliacao.xlsx"
    result = reconcile(
        runner,
        "--statement",
        statement,
        "--ledger",
        ledger,
        "--account",
        "1.1.02",
        "--out",
        nowhere,
    )
    assert result.exit_code == 2
    assert "não foi possível gravar a conciliação" in result.stderr


def test_no_account_the_chart_cannot_tell_exits_2_naming_the_candidates(
    runner, tmp_path, statement
):
    chart = [*CHART, ["1.1.03", "Banco Itaú", "Ativo", "Devedora", "Sim"]]
    ledger = render_workbook(
        tmp_path / "empresa.xlsx",
        [(TEMPLATES["plano_de_contas"], chart), (TEMPLATES["lancamentos"], [CAPITAL])],
    )
    result = reconcile(runner, "--statement", statement, "--ledger", ledger)
    assert result.exit_code == 2
    assert "1.1.02, 1.1.03" in result.stderr
    assert "--account" in result.stderr


def test_hostile_text_is_written_inert_and_an_empty_ledger_leaves_everything_unmatched(
    runner, tmp_path, statement
):
    hostile = '=HYPERLINK("http://x","{0}\x1b")'
    ledger = render_workbook(
        tmp_path / "empresa.xlsx",
        [
            (TEMPLATES["plano_de_contas"], CHART),
            (TEMPLATES["lancamentos"], [[date(2026, 3, 2), "", hostile, "1.1.02", "3.1.01", 1]]),
        ],
    )
    out = tmp_path / "conciliacao.xlsx"
    result = reconcile(
        runner, "--statement", statement, "--ledger", ledger, "--account", "1.1.02", "--out", out
    )
    assert result.exit_code == 1
    values = [c.value for row in load_workbook(out)[SHEET].iter_rows() for c in row if c.value]
    written = [v for v in values if isinstance(v, str) and "HYPERLINK" in v]
    # a quote in front, never a live formula; the escape character did not survive the file
    assert written == ['\'=HYPERLINK("http://x","{0}")']
    empty = company(tmp_path / "vazia.xlsx", [], bills=())
    result = reconcile(
        runner,
        "--statement",
        statement,
        "--ledger",
        empty,
        "--account",
        "1.1.02",
        "--format",
        "json",
    )
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["matches"] == []
    assert data["unmatched_statement"] == ["FITID:001", "FITID:002", "FITID:003"]


def test_the_guide_names_every_option_of_the_command():
    from retaguarda.sync.cli_reconcile_bank import bank

    guide = (Path(__file__).parents[2] / "docs" / "conciliacao.md").read_text(encoding="utf-8")
    options = [o for p in bank.params for o in p.opts if o.startswith("--")]
    assert len(options) >= 10
    assert [o for o in options if f"`{o}" not in guide] == []


def test_a_fee_within_the_tolerance_pairs_and_is_left_to_post(runner, tmp_path):
    extrato = [[date(2026, 3, 12), "TED ENVIADA", "", Decimal("-1007.90"), None]]
    transfer = [date(2026, 3, 12), "", "Transferência", "2.1.01", "1.1.02", Decimal("1000.00")]
    ledger = company(tmp_path / "empresa.xlsx", [transfer], bills=(), extrato=extrato)
    args = ["--statement", ledger, "--ledger", ledger, "--account", "1.1.02", "--format", "json"]
    strict = json.loads(reconcile(runner, *args).stdout)
    assert strict["matches"] == []
    result = reconcile(runner, *args, "--fee", "10,00")
    assert result.exit_code == 1  # a difference to post is not everything reconciled
    data = json.loads(result.stdout)
    (match,) = data["matches"]
    # −1.007,90 on the statement, −1.000,00 booked: R$ 7,90 of fee to post
    assert match["difference"] == "-7.90"
    assert data["summary"]["differences"] == "-7.90"
    # 1% of 1.007,90 is 10,08: the 7,90 fits
    relative = json.loads(reconcile(runner, *args, "--fee-percent", "1").stdout)
    assert [m["difference"] for m in relative["matches"]] == ["-7.90"]
    bad = reconcile(runner, *args, "--fee", "dez reais")
    assert bad.exit_code == 2
    assert "--fee" in bad.output
