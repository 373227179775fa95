"""`retaguarda reconcile payroll | stock | teams` as a user runs them: a fresh interpreter, real
workbooks in, exit codes, the terminal table, JSON and the .xlsx out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.render import render_workbook

SAMPLES = Path(__file__).resolve().parents[2] / "workbooks" / "samples"
RUN = "import sys; from retaguarda.sync.cli import main; main(sys.argv[1:], prog_name='retaguarda')"


def run(cwd: Path, *args: object) -> tuple[int, str, str]:
    done = subprocess.run(
        [sys.executable, "-c", RUN, *map(str, args)],
        cwd=cwd,
        env={**os.environ, "COLUMNS": "160"},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


def employee(number: str, name: str, cpf: str, net: Decimal) -> list[object]:
    head = [date(2026, 8, 1), number, name, cpf, "174.56387.67-0", "", date(2020, 2, 1)]
    return [*head, Decimal(3000), *[None] * 9, net, "341", "1234", "12345-6", None]


FOLHA = [
    employee("1001", "Ana Paula Ferreira", "577.665.165-43", Decimal("4233.42")),
    employee("1002", "Bruno Henrique Souza", "824.812.825-31", Decimal("1900.00")),
]


def statement_row(day: date, text: str, value: str) -> list[object]:
    return [day, text, None, Decimal(value), None, "341", "12345-6"]


def payroll_workbook(path: Path, *statement: list[object], folha=FOLHA) -> Path:
    return render_workbook(
        path, [(TEMPLATES["folha"], list(folha)), (TEMPLATES["extrato"], list(statement))]
    )


def test_payroll_all_paid_exits_0_and_json_has_every_employee(tmp_path):
    book = payroll_workbook(
        tmp_path / "folha.xlsx",
        statement_row(date(2026, 9, 4), "PIX ENVIADO ANA PAULA FERREIRA", "-4233.42"),
        statement_row(date(2026, 9, 4), "PIX ENVIADO BRUNO HENRIQUE SOUZA", "-1900.00"),
    )
    code, out, err = run(tmp_path, "reconcile", "payroll", book, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert [(e["name"], e["status"], e["paid"]) for e in data["employees"]] == [
        ("Ana Paula Ferreira", "paid", "4233.42"),
        ("Bruno Henrique Souza", "paid", "1900.00"),
    ]
    assert data["summary"]["month"] == "08/2026"


def test_payroll_differences_exit_1_with_a_table_and_a_sheet(tmp_path):
    book = payroll_workbook(
        tmp_path / "folha.xlsx",
        statement_row(date(2026, 9, 4), "PIX ENVIADO ANA PAULA FERREIRA", "-4000.00"),
    )
    bank = payroll_workbook(tmp_path / "banco.xlsx", folha=[])
    out_file = tmp_path / "folha x pagamentos.xlsx"
    code, out, err = run(tmp_path, "reconcile", "payroll", book, "--out", out_file)
    assert code == 1, err
    assert "pago com valor diferente" in out
    assert "não pago" in out
    assert "1 com valor diferente" in out
    sheet = load_workbook(out_file)["Folha x pagamentos"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["Linha da folha", "Matrícula", "Nome", "Líquido"]
    # 4.000,00 paid − 4.233,42 net = −233,42
    assert rows[1][3:6] == [4233.42, 4000, -233.42]
    assert sheet["D2"].number_format == "[$R$-416] #,##0.00;-[$R$-416] #,##0.00"
    assert sheet.freeze_panes == "A2"
    # the statement from another file: the empty Extrato bancário sheet pays nobody
    code, out, err = run(tmp_path, "reconcile", "payroll", book, "--statement", bank)
    assert code == 1, err
    assert "2 sem pagamento" in " ".join(out.split())


def test_a_month_without_payroll_and_unreadable_files_exit_2(tmp_path):
    book = payroll_workbook(tmp_path / "folha.xlsx")
    code, _, err = run(tmp_path, "reconcile", "payroll", book, "--month", "09/2026")
    assert code == 2
    assert " ".join(err.split()) == (
        "erro: A folha não tem nenhuma linha na competência 09/2026 (competências na folha: "
        "08/2026)."
    )
    blank = payroll_workbook(tmp_path / "sem folha.xlsx", folha=[])
    code, _, err = run(tmp_path, "reconcile", "payroll", blank)
    assert code == 2
    assert "A aba Folha de pagamento não tem nenhuma linha com competência." in err
    empty = tmp_path / "vazio {0}\x1b.xlsx"
    empty.write_bytes(b"")
    code, _, err = run(tmp_path, "reconcile", "stock", empty)
    assert code == 2
    assert err == "erro: O arquivo “vazio {0}.xlsx” está vazio.\n"  # the ESC never printed
    code, _out, err = run(tmp_path, "reconcile", "stock", book)
    assert code == 2
    assert "não tem a aba Contagem de estoque" in " ".join(err.split())


def test_stock_on_a_sample_workbook_writes_the_adjustments(tmp_path):
    out_file = tmp_path / "ajustes.xlsx"
    code, out, err = run(
        tmp_path, "reconcile", "stock", SAMPLES / "filial_sao_paulo.xlsx", "--out", out_file
    )
    assert code == 1, err
    truth = json.loads((SAMPLES / "planted.json").read_text(encoding="utf-8"))
    differences = len(truth["reconciliation"]["filial_sao_paulo.xlsx"]["stock"])
    assert f"{differences} diferença(s) em 21 contagem(ns)" in out
    assert "Movimentações de estoque" in err  # the row with an unknown Tipo, left out
    book = load_workbook(out_file)
    assert book.sheetnames == ["Contagem x estoque", "Ajustes propostos"]
    rows = [[c.value for c in row] for row in book["Ajustes propostos"].iter_rows()]
    assert rows[0] == list(TEMPLATES["estoque_movimentos"].headers)
    assert {r[4] for r in rows[1:]} == {"Ajuste"}
    never = [r for r in rows[1:] if r[1] == "CAF-250"]
    assert never == [
        [
            datetime(2026, 10, 31),
            "CAF-250",
            None,
            None,
            "Ajuste",
            12,
            None,
            never[0][7],
            never[0][8],
        ]
    ]


def test_stock_that_matches_exits_0(tmp_path):
    day = date(2026, 3, 20)
    book = render_workbook(
        tmp_path / "estoque.xlsx",
        [
            (
                TEMPLATES["estoque_movimentos"],
                [
                    [
                        day,
                        "CAF-500",
                        "Café",
                        None,
                        "Entrada",
                        Decimal(5),
                        Decimal(2),
                        "Central",
                        None,
                    ]
                ],
            ),
            (TEMPLATES["estoque_contagem"], [[day, "CAF-500", "Central", Decimal(5), "Ana"]]),
        ],
    )
    code, out, err = run(tmp_path, "reconcile", "stock", book)
    assert code == 0, err
    assert "Nenhuma diferença: 1 contagem(ns)" in out


def ledger_book(path: Path, chart: list[list[object]], *ledger: list[object]) -> Path:
    return render_workbook(
        path, [(TEMPLATES["plano_de_contas"], chart), (TEMPLATES["lancamentos"], list(ledger))]
    )


def test_teams_lists_what_one_side_booked(tmp_path):
    matriz = ledger_book(
        tmp_path / "matriz.xlsx",
        [
            ["1.1.02", "Bancos", "Ativo", "Devedora", "Sim"],
            ["1.1.07", "Transferências entre filiais", "Ativo", "Devedora", "Sim"],
        ],
        [date(2026, 3, 5), "TR-1", "Para a filial", "1.1.07", "1.1.02", Decimal(1000)],
        [date(2026, 3, 9), "TR-2", "Para a filial", "1.1.07", "1.1.02", Decimal(250)],
    )
    filial = ledger_book(
        tmp_path / "filial_rio.xlsx",
        [
            ["1.1.02", "Bancos", "Ativo", "Devedora", "Sim"],
            ["2.1.07", "Transferências da matriz", "Passivo", "Credora", "Sim"],
        ],
        [date(2026, 3, 6), "TR-1", "Da matriz", "1.1.02", "2.1.07", Decimal(1000)],
    )
    code, out, err = run(tmp_path, "reconcile", "teams", matriz, filial, "--format", "json")
    assert code == 1, err
    data = json.loads(out)
    assert [(m["matriz"], m["filial"]) for m in data["matches"]] == [
        (["matriz: Lançamentos!2"], ["filial_rio: Lançamentos!2"])
    ]
    assert [(b["ref"], b["amount"]) for b in data["only_matriz"]] == [
        ("matriz: Lançamentos!3", "250.00")
    ]
    code, out, err = run(tmp_path, "reconcile", "teams", matriz, filial, "--window-days", "0")
    assert code == 1, err
    assert "só a Matriz" in out
    # the same file twice: two teams, told apart
    code, out, err = run(tmp_path, "reconcile", "teams", matriz, filial, filial, "--format", "json")
    assert code == 1, err
    assert [b["ref"] for b in json.loads(out)["only_filial"]] == ["filial_rio (2): Lançamentos!2"]


def test_teams_without_a_transfer_account_asks_for_one(tmp_path):
    chart = [["1.1.02", "Bancos", "Ativo", "Devedora", "Sim"]]
    sale = [date(2026, 3, 6), "NF-9", "Venda", "1.1.02", "1.1.02", Decimal(10)]
    matriz = ledger_book(tmp_path / "matriz.xlsx", chart, sale)
    filial = ledger_book(tmp_path / "filial_rio.xlsx", chart, sale)
    code, _out, err = run(tmp_path, "reconcile", "teams", matriz, filial)
    assert code == 2
    assert "não tem conta de transferências entre filiais" in " ".join(err.split())


#: an OFX 1.02 statement as Brazilian banks export it: two PIX to the employees, by name and by
#: CPF, the second one R$ 100,00 short
OFX = """OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE
ENCODING:USASCII
CHARSET:1252
COMPRESSION:NONE
OLDFILEUID:NONE
NEWFILEUID:NONE

<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20260930120000\
<LANGUAGE>POR</SONRS></SIGNONMSGSRSV1><BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0\
<SEVERITY>INFO</STATUS><STMTRS><CURDEF>BRL<BANKACCTFROM><BANKID>0341<ACCTID>12345-6\
<ACCTTYPE>CHECKING</BANKACCTFROM><BANKTRANLIST><DTSTART>20260901<DTEND>20260930\
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20260904<TRNAMT>-4233.42<FITID>P1\
<MEMO>PIX ENVIADO ANA PAULA FERREIRA</STMTTRN>\
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20260904<TRNAMT>-1800.00<FITID>P2\
<MEMO>PIX ENVIADO CPF 824.812.825-31</STMTTRN>\
</BANKTRANLIST><LEDGERBAL><BALAMT>3966.58<DTASOF>20260930</LEDGERBAL></STMTRS></STMTTRNRS>\
</BANKMSGSRSV1></OFX>
"""


def test_payroll_against_an_ofx_statement(tmp_path):
    book = payroll_workbook(tmp_path / "folha.xlsx")
    ofx = tmp_path / "extrato.ofx"
    ofx.write_bytes(OFX.encode("cp1252"))
    code, out, err = run(
        tmp_path, "reconcile", "payroll", book, "--statement", ofx, "--format", "json"
    )
    assert code == 1, err
    found = [(e["status"], e["statement"], e["difference"]) for e in json.loads(out)["employees"]]
    # Bruno: 1.800,00 paid − 1.900,00 net = −100,00
    assert found == [
        ("paid", ["FITID:P1"], "0.00"),
        ("different_amount", ["FITID:P2"], "-100.00"),
    ]
