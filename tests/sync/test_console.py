"""The terminal table: what comes from the user's files is shown, never obeyed."""

from __future__ import annotations

import io
import json

from click.testing import CliRunner
from rich.console import Console

from retaguarda.sync.cli import main
from retaguarda.sync.console import json_text, print_report, progress_bar
from retaguarda.validators.issues import Issue, Severity
from retaguarda.validators.report import Report


def rendered(report: Report) -> str:
    """The report as a terminal without colours receives it: every ESC in it came from data."""
    out = io.StringIO()
    print_report(report, Console(file=out, width=200, color_system=None, force_terminal=False))
    return out.getvalue()


def issue(**changes: str) -> Issue:
    fields = {
        "code": "account.unknown",
        "severity": Severity.ERROR,
        "sheet": "Lançamentos",
        "cell": "D3",
        "column": "Conta débito",
        "value": "9.9.99",
        "message": "Conta débito: a conta “9.9.99” não existe no Plano de contas.",
        "message_en": "Conta débito: account “9.9.99” is not in the chart of accounts.",
        "file": "l.xlsx",
    }
    return Issue(**(fields | changes))


def test_escape_sequences_in_values_and_names_are_shown_as_pictures():
    text = rendered(
        Report(
            issues=[
                issue(
                    message="a conta “9.9.99\x1b[2J\x1b]0;pwned\x07” não existe",
                    suggestion="\x9b31m",
                    sheet="Lan\x1b[8mçamentos",
                    file="l\x1b[5m.xlsx",
                )
            ]
        )
    )
    assert "\x1b" not in text
    assert "\x07" not in text
    assert "\x9b" not in text
    assert "9.9.99␛[2J␛]0;pwned␇" in text
    assert "Lan␛[8mçamentos" in text


def test_brackets_in_values_are_text_not_styles():
    text = rendered(Report(issues=[issue(message="a conta “[bold]1.1[/]” não existe")]))
    assert "[bold]1.1[/]" in text


def test_the_progress_bar_shows_file_and_sheet_names_as_typed():
    """The bar (on a terminal only) describes each step by file and sheet name."""
    out = io.StringIO()
    console = Console(file=out, width=200, force_terminal=True, color_system=None)
    with progress_bar(console) as progress:
        assert progress is not None
        progress(0, 2, "conferindo Lan[/]çamentos\x1b[2J")
    assert "Lan[/]çamentos␛[2J" in out.getvalue()
    assert "\x1b[2J" not in out.getvalue()


def test_a_sheet_with_thousands_of_findings_shows_the_first_two_hundred_and_says_so():
    many = [issue(cell=f"D{row}") for row in range(2, 2 + 1_500)]
    text = rendered(Report(issues=many))
    assert "Lançamentos (1500)" in text
    assert "D201" in text  # the two hundredth finding
    assert "D202" not in text
    assert "… e mais 1300 pendência(s) nesta aba" in text


def test_emoji_codes_in_values_and_names_are_text_not_pictures():
    """rich turns ":x:" into an emoji unless told not to; a user's ":x:" is shown as typed."""
    text = rendered(
        Report(
            issues=[
                issue(
                    message="CPF/CNPJ: “:x:” não é um CPF nem um CNPJ válido",
                    suggestion=":thumbs_up:",
                    sheet="Banco :smile:",
                    file=":warning:.xlsx",
                )
            ]
        )
    )
    for typed in ("“:x:”", ":thumbs_up:", "Banco :smile:", ":warning:.xlsx"):
        assert typed in text
    assert not {"❌", "👍", "😄", "⚠"} & set(text)


def test_the_progress_bar_shows_emoji_codes_as_typed():
    out = io.StringIO()
    console = Console(file=out, width=200, force_terminal=True, color_system=None)
    with progress_bar(console) as progress:
        assert progress is not None
        progress(0, 2, "conferindo :x:")
    assert "conferindo :x:" in out.getvalue()
    assert "❌" not in out.getvalue()


def test_a_file_name_in_an_error_line_is_shown_as_typed(tmp_path):
    missing = tmp_path / ":x:.xlsx"
    result = CliRunner().invoke(main, ["validate", str(missing), "--today", "2026-11-25"])
    assert result.exit_code == 2
    assert "“:x:.xlsx” não encontrado" in result.output
    assert "❌" not in result.output


def test_json_output_is_one_finding_a_line_and_reads_back_the_same():
    report = Report(files=["l.xlsx"], issues=[issue(cell="D3"), issue(cell="D4", value="1\x9b2")])
    text = json_text(report.to_dict())
    lines = text.splitlines()
    finding_lines = [n for n in lines if n.lstrip().startswith('{"code": "account.unknown"')]
    assert len(finding_lines) == 2
    assert '"cell": "D4"' in finding_lines[1]
    assert "\x9b" not in text  # a terminal's CSI stays escaped
    assert "\\u009b" in text
    back = json.loads(text)
    assert [i["cell"] for i in back["issues"]] == ["D3", "D4"]
    assert back["issues"][1]["value"] == "1\x9b2"
    assert back["issues"][0]["severity"] == "error"
    assert back["issues"][0]["message"].startswith("Conta débito: a conta “9.9.99”")
