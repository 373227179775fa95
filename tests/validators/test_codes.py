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
