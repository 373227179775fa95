"""A report as the CLI's exit code, its JSON and the "Pendências" sheet show it."""

from __future__ import annotations

import dataclasses
import json

from retaguarda.validators.issues import Issue, make_issue
from retaguarda.validators.report import Report, SheetSummary


def issue(code: str, file: str, sheet: str, cell: str) -> Issue:
    found = make_issue(code, sheet=sheet, cell=cell, column="Valor", value="x")
    return dataclasses.replace(found, file=file)


def report_of(*issues) -> Report:
    return Report(
        files=["matriz.xlsx", "filial.xlsx"],
        issues=list(issues),
        sheets=[
            SheetSummary("matriz.xlsx", "Lançamentos", "lancamentos", 120),
            SheetSummary("matriz.xlsx", "Extrato bancário", "extrato", 30),
            SheetSummary("filial.xlsx", "Lançamentos", "lancamentos", 7),
        ],
    )


def test_no_issue_is_valid():
    report = report_of()
    assert report.valid
    assert (report.summary()["errors"], report.summary()["warnings"]) == (0, 0)


def test_warnings_alone_do_not_make_it_invalid():
    """The README: exit code 0 without errors; warnings do not count."""
    report = report_of(
        issue("row.duplicate", "matriz.xlsx", "Lançamentos", "F3"),
        issue("date.ambiguous", "matriz.xlsx", "Lançamentos", "A4"),
    )
    assert report.valid
    assert [i.cell for i in report.warnings] == ["F3", "A4"]
    assert report.errors == []


def test_one_error_among_warnings_makes_it_invalid():
    report = report_of(
        issue("row.duplicate", "matriz.xlsx", "Lançamentos", "F3"),
        issue("number.invalid", "filial.xlsx", "Lançamentos", "F9"),
    )
    assert not report.valid
    assert [(i.file, i.cell) for i in report.errors] == [("filial.xlsx", "F9")]
    assert [i.cell for i in report.warnings] == ["F3"]


def test_the_summary_counts_what_was_found_and_read():
    report = report_of(
        issue("cell.required", "matriz.xlsx", "Lançamentos", "A2"),
        issue("cell.required", "matriz.xlsx", "Extrato bancário", "A5"),
        issue("row.duplicate", "matriz.xlsx", "Lançamentos", "F3"),
        issue("number.invalid", "filial.xlsx", "Lançamentos", "F9"),
    )
    summary = report.summary()
    assert summary["valid"] is False
    assert (summary["errors"], summary["warnings"]) == (3, 1)
    assert summary["rows"] == 120 + 30 + 7
    assert summary["by_code"] == {"row.duplicate": 1, "number.invalid": 1, "cell.required": 2}
    # sorted by code
    assert list(summary["by_code"]) == ["cell.required", "number.invalid", "row.duplicate"]
    assert summary["sheets"] == [
        {"file": "matriz.xlsx", "sheet": "Lançamentos", "template": "lancamentos", "rows": 120},
        {"file": "matriz.xlsx", "sheet": "Extrato bancário", "template": "extrato", "rows": 30},
        {"file": "filial.xlsx", "sheet": "Lançamentos", "template": "lancamentos", "rows": 7},
    ]


def test_the_json_is_the_shape_the_readme_documents():
    report = report_of(issue("number.invalid", "filial.xlsx", "Lançamentos", "F9"))
    data = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert set(data) == {"files", "issues", "summary"}
    assert data["files"] == ["matriz.xlsx", "filial.xlsx"]
    (only,) = data["issues"]
    assert set(only) == {
        "code",
        "severity",
        "sheet",
        "cell",
        "column",
        "value",
        "message",
        "message_en",
        "suggestion",
        "row",
        "file",
    }
    assert (only["file"], only["sheet"], only["cell"], only["severity"]) == (
        "filial.xlsx",
        "Lançamentos",
        "F9",
        "error",
    )
    assert only["message"] == "Valor: “x” não é um número válido."
    assert data["summary"]["valid"] is False


def test_issues_read_back_from_the_json_count_as_what_they_are():
    """An integration that reloads the JSON gets severities as text: an error stays an error."""
    sent = report_of(
        issue("number.invalid", "filial.xlsx", "Lançamentos", "F9"),
        issue("row.duplicate", "matriz.xlsx", "Lançamentos", "F3"),
    )
    data = json.loads(json.dumps(sent.to_dict(), ensure_ascii=False))
    again = Report(files=data["files"], issues=[Issue(**i) for i in data["issues"]])
    assert not again.valid
    assert ([i.cell for i in again.errors], [i.cell for i in again.warnings]) == (["F9"], ["F3"])


def test_issues_are_grouped_by_file_and_sheet_in_reading_order():
    """Two files may both have a "Lançamentos" sheet: they are two groups."""
    report = report_of(
        issue("cell.required", "matriz.xlsx", "Lançamentos", "A2"),
        issue("cell.required", "filial.xlsx", "Lançamentos", "A7"),
        issue("cell.required", "matriz.xlsx", "Extrato bancário", "A5"),
        issue("row.duplicate", "matriz.xlsx", "Lançamentos", "F3"),
    )
    groups = report.by_sheet()
    assert list(groups) == [
        ("matriz.xlsx", "Lançamentos"),
        ("filial.xlsx", "Lançamentos"),
        ("matriz.xlsx", "Extrato bancário"),
    ]
    assert [i.cell for i in groups[("matriz.xlsx", "Lançamentos")]] == ["A2", "F3"]
    assert [i.cell for i in groups[("filial.xlsx", "Lançamentos")]] == ["A7"]
