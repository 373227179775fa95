"""Issue codes are a contract: each one is documented for the people who integrate with it."""

from pathlib import Path

from retaguarda.validators.codes import CODES

DOC = (Path(__file__).parents[2] / "docs" / "pendencias.md").read_text(encoding="utf-8")


def test_every_code_is_documented_with_its_severity():
    for code, spec in CODES.items():
        assert f"| `{code}` | {spec.severity} |" in DOC, code


def test_every_message_has_both_languages():
    for code, spec in CODES.items():
        assert spec.pt, code
        assert spec.en, code
        assert spec.pt != spec.en, code


def test_every_template_column_is_documented():
    from retaguarda.templates.catalog import TEMPLATES

    doc = (Path(__file__).parents[2] / "docs" / "modelos.md").read_text(encoding="utf-8")
    for template in TEMPLATES.values():
        assert f"`{template.id}`" in doc
        for column in template.columns:
            assert f"| {column.header} |" in doc, (template.id, column.header)


def test_a_pattern_is_a_code_its_family_or_its_first_parts():
    from retaguarda.validators.codes import code_matches

    assert code_matches("cnpj.check_digit", "cnpj.check_digit")
    assert code_matches("cnpj.check_digit", "cnpj.invalid")  # the family it refines
    assert code_matches("cnpj.check_digit", "cnpj")
    assert code_matches("file.encrypted", "file")
    assert not code_matches("cnpj.check_digit", "cnpj.length")
    assert not code_matches("cnpj.check_digit", "cpf.invalid")
    assert not code_matches("cpf_cnpj.length", "cpf")  # a prefix ends at a dot
    assert not code_matches("cpf_cnpj.ambiguous", "cpf_cnpj.invalid")  # a warning of its own
    assert not code_matches("cnpj.check_digit", "cnpj.check")
    assert code_matches("required", "required")


def test_select_and_ignore_ignoring_wins():
    from retaguarda.validators.codes import select_codes

    codes = ["cnpj.length", "cnpj.check_digit", "cpf.check_digit", "date.invalid", "duplicate"]
    assert select_codes(codes) == codes
    assert select_codes(codes, select=["cnpj"]) == ["cnpj.length", "cnpj.check_digit"]
    assert select_codes(codes, select=["cnpj.invalid"], ignore=["cnpj.length"]) == [
        "cnpj.check_digit"
    ]
    assert select_codes(codes, ignore=["cnpj", "cpf.invalid", "duplicate"]) == ["date.invalid"]
    assert select_codes(codes, select=["date.invalid", "cpf"]) == [
        "cpf.check_digit",
        "date.invalid",
    ]


def test_a_pattern_that_names_no_code_is_reported():
    from retaguarda.validators.codes import unknown_patterns

    assert unknown_patterns(["cnpj", "cnpj.invalid", "file", "cnpj.chek_digit", "cnp"]) == [
        "cnpj.chek_digit",
        "cnp",
    ]


def test_every_refined_code_keeps_an_existing_family():
    refined = {code: spec for code, spec in CODES.items() if spec.family}
    # 5 cpf, 6 cnpj, 6 cpf_cnpj, 5 pis, 4 cep, 4 ncm, 4 bank, 2+2, 12 pix; account.not_postable;
    # cell.required and row.duplicate (renamed: the old names are their families)
    assert len(refined) == 53
    for code, spec in refined.items():
        assert spec.family in CODES, code
        assert not CODES[spec.family].family, code  # one level: the family is not refined
    renamed = {c: s.family for c, s in refined.items() if c.split(".")[0] != s.family.split(".")[0]}
    assert renamed == {"cell.required": "required", "row.duplicate": "duplicate"}


def test_an_issue_exposes_its_family():
    from retaguarda.validators.issues import make_issue

    issue = make_issue("cpf.check_digit", sheet="Folha", cell="D3", column="CPF", value="1")
    assert (issue.code, issue.family, issue.severity) == ("cpf.check_digit", "cpf.invalid", "error")
    assert make_issue("row.duplicate", sheet="Folha").family == "duplicate"
    assert "family" not in issue.to_dict()  # the JSON keys stay as documented


def test_file_messages_take_the_file_name_as_text():
    from retaguarda.validators.codes import messages

    assert messages("file.empty", file="{0} março.xlsx") == (
        "O arquivo “{0} março.xlsx” está vazio.",
        "File “{0} março.xlsx” is empty.",
    )
