"""`retaguarda payroll` as a user runs it: a fresh interpreter, a real workbook in, the exit
code, the terminal table, the JSON and the .xlsx copy out.

The figures are worked out here by hand (see also tests/addin/test_udfs_payroll.py):
* 3.000,00 in 03/2026: INSS 1.621,00 × 7,5% + (2.902,84 − 1.621,00) × 9% + (3.000,00 −
  2.902,84) × 12% = 121,575 + 115,3656 + 11,6592 = 248,5998 → 248,60; IRRF 0,00 (taxable
  income up to 5.000,00 in 2026); FGTS 3.000,00 × 8% = 240,00; net 3.000,00 − 248,60 = 2.751,40.
* 6.000,00 in 12/2025, paid in January 2026 (Receita's example for Lei 15.270/2025): INSS on
  the 2025 table 1.518,00 × 7,5% + (2.793,88 − 1.518,00) × 9% + (4.190,83 − 2.793,88) × 12% +
  (6.000,00 − 4.190,83) × 14% = 113,85 + 114,8292 + 167,634 + 253,2838 = 649,597 → 649,60;
  IRRF (5.350,40 × 27,5% − 908,73) − (978,62 − 0,133145 × 6.000,00) = 562,63 − 179,75 =
  382,88; FGTS 480,00; net 6.000,00 − 649,60 − 382,88 = 4.967,52.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.files import column_letter
from retaguarda.templates.render import render_workbook

RUN = "import sys; from retaguarda.sync.cli import main; main(sys.argv[1:], prog_name='retaguarda')"
FOLHA = TEMPLATES["folha"]
#: the sheet column of each folha column, as render_workbook lays the template out
LETTER = {c.key: column_letter(i) for i, c in enumerate(FOLHA.columns)}
RED = "FFFFC7CE"


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


def employee(month: date, salary: str, name: str = "Ana Paula Ferreira", **more: object) -> list:
    values = {
        "competencia": month,
        "matricula": more.pop("matricula", "1001"),
        "nome": name,
        "cpf": "577.665.165-43",
        "pis": "174.56387.67-0",
        "admissao": date(2020, 2, 1),
        "salario_base": Decimal(salary),
        **more,
    }
    return [values.get(c.key) for c in FOLHA.columns]


def money(value: object) -> Decimal | None:
    """A number cell read back (a binary double, as Excel keeps it) to the cent."""
    return Decimal(str(value)).quantize(Decimal("0.01")) if isinstance(value, int | float) else None


def folha(path: Path, *rows: list) -> Path:
    return render_workbook(path, [(FOLHA, list(rows))])


def test_empty_columns_are_computed_and_listed_in_json(tmp_path):
    book = folha(
        tmp_path / "folha.xlsx",
        employee(date(2026, 3, 1), "3000.00"),
        employee(date(2025, 12, 1), "6000.00", "Bruno Souza", matricula="1002"),
    )
    code, out, err = run(tmp_path, "payroll", book, "--format", "json")
    assert code == 0, err  # nothing typed, so nothing differs
    data = json.loads(out)
    first, second = data["employees"]
    assert {"sheet", "row", "cpf", "inss", "irrf", "fgts", "net", "gross", "steps"} <= set(first)
    assert (first["sheet"], first["row"], first["cpf"]) == (FOLHA.sheet, 2, "577.665.165-43")
    assert (first["inss"], first["irrf"], first["fgts"], first["net"]) == (
        "248.60",
        "0.00",
        "240.00",
        "2751.40",
    )
    assert (second["inss"], second["irrf"], second["fgts"], second["net"]) == (
        "649.60",
        "382.88",
        "480.00",
        "4967.52",
    )
    assert first["cells"]["inss"] == f"{LETTER['inss']}2"
    assert first["in_sheet"]["inss"] is None
    # the memória de cálculo: each bracket's exact product, then the sum rounded once
    values = [(s["label"], s["value"]) for s in first["steps"]]
    assert {"label", "value", "source"} <= set(first["steps"][0])
    assert Decimal("121.575") in {Decimal(v) for _label, v in values if v is not None}
    assert "248.60" in {v for _label, v in values}
    assert data["differences"] == []
    assert data["complete"] is True


def test_a_typed_value_that_differs_exits_1_and_is_named(tmp_path):
    typed = employee(date(2026, 3, 1), "3000.00", inss=Decimal("250.00"), fgts=Decimal("240.00"))
    book = folha(tmp_path / "folha.xlsx", typed)
    code, out, err = run(tmp_path, "payroll", book, "--format", "json")
    assert code == 1, err
    (difference,) = json.loads(out)["differences"]
    assert difference == {
        "sheet": FOLHA.sheet,
        "cell": f"{LETTER['inss']}2",
        "column": "INSS",
        "code": "payroll.inss_mismatch",
        "in_sheet": "250.00",
        "computed": "248.60",
    }
    code, out, _err = run(tmp_path, "payroll", book)
    assert code == 1
    assert "Folha calculada" in out
    assert "248,60" in out
    assert "2.751,40" in out
    assert "na planilha R$ 250,00, calculado R$ 248,60" in out


def test_the_terminal_table_in_portuguese(tmp_path):
    book = folha(tmp_path / "folha.xlsx", employee(date(2026, 3, 1), "3000.00"))
    code, out, _err = run(tmp_path, "payroll", book)
    assert code == 0
    for text in ("competência 03/2026", "INSS", "Líquido", "Ana Paula Ferreira", "240,00"):
        assert text in out
    assert "Tudo confere: 1 empregado(s) calculado(s)." in out


def test_competencia_picks_the_month(tmp_path):
    book = folha(
        tmp_path / "folha.xlsx",
        employee(date(2026, 3, 1), "3000.00"),
        employee(date(2026, 4, 1), "3000.00"),
    )
    code, out, _err = run(tmp_path, "payroll", book, "--competencia", "04/2026", "--format", "json")
    assert code == 0
    assert [e["row"] for e in json.loads(out)["employees"]] == [3]
    code, out, _err = run(tmp_path, "payroll", book, "--competencia", "2026-03", "--format", "json")
    assert [e["competencia"] for e in json.loads(out)["employees"]] == ["2026-03"]


def test_bad_input_exits_2_with_one_sentence(tmp_path):
    book = folha(tmp_path / "folha.xlsx", employee(date(2026, 3, 1), "3000.00"))
    code, _out, err = run(tmp_path, "payroll", book, "--competencia", "2026-05")
    assert code == 2
    assert "nenhuma linha da competência 05/2026" in err
    ledger = render_workbook(tmp_path / "razao.xlsx", [(TEMPLATES["plano_de_contas"], [])])
    code, _out, err = run(tmp_path, "payroll", ledger)
    assert code == 2
    assert "nenhuma aba Folha de pagamento" in err
    broken = tmp_path / "quebrada.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook")
    code, _out, err = run(tmp_path, "payroll", broken)
    assert code == 2
    assert "erro:" in err
    assert "Traceback" not in err
    code, _out, err = run(tmp_path, "payroll", book, "--competencia", "março")
    assert code == 2
    assert "use o mês e o ano" in err


def test_out_fills_the_empty_cells_marks_the_typed_one_and_explains(tmp_path):
    typed = employee(date(2026, 3, 1), "3000.00", inss=Decimal("250.00"))
    book = folha(tmp_path / "folha.xlsx", typed)
    out = tmp_path / "saida" / "folha-calculada.xlsx"
    code, _out, err = run(tmp_path, "payroll", book, "--out", out)
    assert code == 1, err
    assert "folha calculada gravada em" in err
    copy = load_workbook(out)
    sheet = copy[FOLHA.sheet]
    assert sheet[f"{LETTER['inss']}2"].value == 250  # typed: never overwritten ...
    assert sheet[f"{LETTER['inss']}2"].fill.start_color.rgb == RED  # ... but marked
    assert "mas o cálculo dá 248,60" in sheet[f"{LETTER['inss']}2"].comment.text
    assert sheet[f"{LETTER['irrf']}2"].value == 0
    assert sheet[f"{LETTER['fgts']}2"].value == 240
    assert money(sheet[f"{LETTER['liquido']}2"].value) == Decimal("2751.40")
    assert copy.sheetnames[0] == "Memória de cálculo"
    memory = [list(r) for r in copy["Memória de cálculo"].iter_rows(values_only=True)]
    heading = next(r[0] for r in memory if r[0] and "Ana Paula Ferreira" in str(r[0]))
    assert "competência 03/2026" in heading
    assert "linha 2" in heading
    assert ["Item", "Valor", "Fonte"] in memory
    assert any(money(r[1]) == Decimal("248.60") for r in memory)
    assert any(r[0] and "INSS digitado na planilha" in r[0] and r[1] == 250 for r in memory)
    # the original is untouched
    assert load_workbook(book)[FOLHA.sheet][f"{LETTER['irrf']}2"].value is None


def test_out_must_be_a_new_xlsx(tmp_path):
    book = folha(tmp_path / "folha.xlsx", employee(date(2026, 3, 1), "3000.00"))
    code, _out, err = run(tmp_path, "payroll", book, "--out", book)
    assert code == 2
    assert "outro nome" in err
    code, _out, err = run(tmp_path, "payroll", book, "--out", tmp_path / "folha.csv")
    assert code == 2
    assert ".xlsx" in err


def test_out_of_a_csv_is_an_xlsx_copy_rebuilt_from_its_cells(tmp_path):
    path = tmp_path / "folha.csv"
    header = "Competência;Matrícula;Nome;CPF;PIS;Admissão;Salário base;INSS;IRRF;FGTS;Líquido"
    row = "03/2026;1001;Ana Paula Ferreira;577.665.165-43;174.56387.67-0;01/02/2020;3.000,00;;;;"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    out = tmp_path / "folha-calculada.xlsx"
    code, _out, err = run(tmp_path, "payroll", path, "--out", out)
    assert code == 0, err
    copy = load_workbook(out)
    assert copy.sheetnames[0] == "Memória de cálculo"
    (data,) = (copy[name] for name in copy.sheetnames[1:])
    assert [money(c.value) for c in data[2][7:11]] == [
        Decimal("248.60"),
        Decimal("0.00"),
        Decimal("240.00"),
        Decimal("2751.40"),
    ]
    assert data["D2"].value == "577.665.165-43"  # text stays text


def test_local_holidays_from_the_settings_change_the_dsr_on_overtime(tmp_path, monkeypatch):
    """2.200,00 in 03/2026 with 10 overtime hours at 50%: 2.200,00 ÷ 220 × 1,5 × 10 = 150,00.
    March 2026 has 31 days, 5 Sundays (1, 8, 15, 22, 29) and no national holiday: DSR
    150,00 ÷ 26 business days × 5 = 28,846 → 28,85, gross 2.200,00 + 150,00 + 28,85 =
    2.378,85. With São José (19/03, a Thursday) as a local holiday: 150,00 ÷ 25 × 6 = 36,00,
    gross 2.386,00."""
    book = folha(
        tmp_path / "folha.xlsx",
        employee(date(2026, 3, 1), "2200.00", horas_extras_50=Decimal(10)),
    )

    def gross() -> str:
        code, out, err = run(tmp_path, "payroll", book, "--format", "json")
        assert code == 0, err
        (computed,) = json.loads(out)["employees"]
        return computed["gross"]

    monkeypatch.delenv("RETAGUARDA_LOCAL_HOLIDAYS", raising=False)
    assert gross() == "2378.85"
    monkeypatch.setenv("RETAGUARDA_LOCAL_HOLIDAYS", "19/03, 2026-06-04")
    assert gross() == "2386.00"
    monkeypatch.setenv("RETAGUARDA_LOCAL_HOLIDAYS", "31/02")
    code, _out, err = run(tmp_path, "payroll", book)
    assert code == 2
    assert "RETAGUARDA_LOCAL_HOLIDAYS" in err
    assert "31/02" in err
