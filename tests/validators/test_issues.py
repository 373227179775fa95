"""Issues as the user reads them: the cell they point at, the message, the severity, the JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from retaguarda.validators.issues import Severity, cell_address, issues_from_mask, make_issue


@dataclass
class Sheet:
    """A located table written by hand, so that a test can put its rows anywhere (row 17 of
    column D); `templates.Table` is the product's implementation of the same protocol."""

    sheet: str
    data: pd.DataFrame
    raw: pd.DataFrame
    rows: np.ndarray
    letters: dict[str, str]
    headers: dict[str, str]

    def letter(self, key: str) -> str:
        return self.letters[key]

    def header(self, key: str) -> str:
        return self.headers[key]


def sheet_of(raw: list[object], rows: list[int], *, letter="D", header="Valor", name="Lançamentos"):
    frame = pd.DataFrame({"valor": pd.Series(raw, dtype=object)})
    return Sheet(name, frame, frame, np.array(rows), {"valor": letter}, {"valor": header})


def test_flagged_rows_point_at_the_cells_the_user_sees():
    # sheet rows 5, 9 and 17 (blank rows between them were skipped when reading)
    table = sheet_of(["10,00", "abc", "1,2,3"], [5, 9, 17])
    found = issues_from_mask("number.invalid", table, "valor", np.array([False, True, True]))
    assert [(i.sheet, i.cell, i.row, i.column, i.value) for i in found] == [
        ("Lançamentos", "D9", 9, "Valor", "abc"),
        ("Lançamentos", "D17", 17, "Valor", "1,2,3"),
    ]
    assert [i.address for i in found] == ["Lançamentos!D9", "Lançamentos!D17"]


def test_a_mask_may_be_a_pandas_series_and_is_read_by_position():
    table = sheet_of(["a", "b", "c"], [2, 3, 4], letter="AB")
    mask = pd.Series([True, False, True], index=[30, 10, 20])  # index left by a sort: ignored
    found = issues_from_mask("number.invalid", table, "valor", mask)
    assert [i.cell for i in found] == ["AB2", "AB4"]


def test_nothing_flagged_means_no_issue():
    table = sheet_of(["1", "2"], [2, 3])
    assert issues_from_mask("cell.required", table, "valor", np.zeros(2, dtype=bool)) == []


def test_messages_in_portuguese_then_english():
    table = sheet_of(["12,3,4"], [2])
    (issue,) = issues_from_mask("number.invalid", table, "valor", np.array([True]))
    assert issue.message == "Valor: “12,3,4” não é um número válido."
    assert issue.message_en == "Valor: “12,3,4” is not a valid number."


def test_severity_follows_the_code_as_docs_pendencias_lists_it():
    table = sheet_of([None], [2])
    (error,) = issues_from_mask("cell.required", table, "valor", np.array([True]))
    (warning,) = issues_from_mask("row.duplicate", table, "valor", np.array([True]))
    assert (error.severity, error.to_dict()["severity"]) == (Severity.ERROR, "error")
    assert (warning.severity, warning.to_dict()["severity"]) == (Severity.WARNING, "warning")


@pytest.mark.parametrize("empty", [None, float("nan"), pd.NA, np.nan])
def test_an_empty_cell_reads_as_empty_text(empty):
    table = sheet_of([empty], [2])
    (issue,) = issues_from_mask("number.negative", table, "valor", np.array([True]))
    assert issue.value == ""
    assert issue.message == "Valor: o valor  não pode ser negativo."


@pytest.mark.parametrize(
    "typed", ["{0}", "{name}", "{value}", "{", "}", "{}{}", "{:>999999999}", "{0.__class__}"]
)
def test_braces_typed_in_a_cell_are_shown_as_typed(typed):
    """Cell text is data: `str.format` on it would raise, pad or leak attributes."""
    table = sheet_of([typed], [2], header="Obs {0} {column}")
    suggestion = np.array([f"sugestão {typed}"], dtype=object)
    (issue,) = issues_from_mask(
        "date.ambiguous", table, "valor", np.array([True]), suggestion=suggestion
    )
    assert issue.value == typed
    assert issue.message == (
        f"Obs {{0}} {{column}}: “{typed}” foi lida como sugestão {typed} (dia/mês); confira."
    )
    assert issue.message_en == (
        f"Obs {{0}} {{column}}: “{typed}” was read as sugestão {typed} (day/month); please check."
    )


def test_a_sheet_name_with_braces_is_shown_as_named():
    issue = make_issue("column.missing", sheet="Dados{0}{name}", column="Valor")
    assert issue.message == (
        "A coluna obrigatória “Valor” não foi encontrada no cabeçalho de “Dados{0}{name}”."
    )
    assert issue.message_en == (
        "The required column “Valor” was not found in the header of “Dados{0}{name}”."
    )
    assert (issue.severity, issue.cell, issue.row) == (Severity.ERROR, "", None)


def test_extra_fields_are_data_too():
    issue = make_issue("payable.overpaid", sheet="L", column="Pago", value="{y}", due="{x}")
    assert "{x}" in issue.message
    assert "{y}" in issue.message


def test_per_row_fields_are_taken_from_the_flagged_rows_only():
    table = sheet_of(["NF 1", "NF 1", "NF 2", "NF 1"], [2, 3, 4, 5], header="Documento")
    first_row = np.array([0, 2, 0, 2])  # the earlier row each one repeats
    found = issues_from_mask(
        "row.duplicate",
        table,
        "valor",
        np.array([False, True, False, True]),
        params={"first_row": first_row, "key": "Documento, Valor"},
    )
    assert [(i.cell, i.message) for i in found] == [
        ("D3", "Documento: lançamento repetido; igual ao da linha 2 (Documento, Valor)."),
        ("D5", "Documento: lançamento repetido; igual ao da linha 2 (Documento, Valor)."),
    ]
    assert found[0].message_en == "Documento: duplicated entry; same as row 2 (Documento, Valor)."


def test_suggestions_belong_to_their_rows():
    table = sheet_of(["5/3/26", "ok", "7/4/26"], [2, 3, 4])
    suggestion = pd.Series(["05/03/2026", "", "07/04/2026"])
    found = issues_from_mask(
        "date.ambiguous", table, "valor", np.array([True, False, True]), suggestion=suggestion
    )
    assert [(i.cell, i.suggestion) for i in found] == [("D2", "05/03/2026"), ("D4", "07/04/2026")]
    assert found[1].message == "Valor: “7/4/26” foi lida como 07/04/2026 (dia/mês); confira."


def test_an_issue_is_the_json_object_the_readme_documents():
    table = sheet_of(["-5"], [12])
    (issue,) = issues_from_mask("number.negative", table, "valor", np.array([True]))
    data = json.loads(json.dumps(issue.to_dict(), ensure_ascii=False))
    assert data == {
        "code": "number.negative",
        "severity": "error",
        "sheet": "Lançamentos",
        "cell": "D12",
        "column": "Valor",
        "value": "-5",
        "message": "Valor: o valor -5 não pode ser negativo.",
        "message_en": "Valor: the value -5 must not be negative.",
        "suggestion": "",
        "row": 12,
        "file": "",
    }


@pytest.mark.parametrize(
    ("sheet", "cell", "address"),
    [
        ("Lançamentos", "F17", "Lançamentos!F17"),
        ("Folha_2026", "A1", "Folha_2026!A1"),
        ("Contas a pagar", "B3", "'Contas a pagar'!B3"),
        ("Caixa d'água", "C4", "'Caixa d''água'!C4"),
        ("2026", "A2", "'2026'!A2"),
        ("Extrato-banco", "A2", "'Extrato-banco'!A2"),
        ("Lançamentos", "", "Lançamentos"),
    ],
)
def test_addresses_are_written_the_way_excel_writes_them(sheet, cell, address):
    assert cell_address(sheet, cell) == address


def test_links_quote_every_sheet_name():
    assert cell_address("Lançamentos", "F17", always_quote=True) == "'Lançamentos'!F17"
