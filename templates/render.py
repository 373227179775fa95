"""Rendering templates to .xlsx: the workbooks the teams start from, and sample workbooks.

A rendered sheet is meant to prevent most mistakes before validation has to report them: the
header is exactly what the reader looks for, every column carries its number format, a
dropdown or a data-validation rule and an input message with its help text, and identifiers
are text cells so leading zeros survive. The `Instruções` sheet explains it all in
Portuguese; the hidden `_retaguarda` sheet records which template and version each sheet
follows, so a later reader can tell an old layout from a new one.

The hidden sheet holds key/value rows, one header row then:

    chave       valor               aba
    gerado_por  retaguarda 0.1.0
    empresa     <company>                        (only when given)
    template    lancamentos         Lançamentos
    versao      1.0                 Lançamentos

The pieces live by what they hold: `template_sheet` writes a template's sheet,
`column_rules` says what each column accepts, `instructions_sheet` writes `Instruções`,
`text_metrics` sizes the cells; this module puts them in one workbook.

Output is deterministic (fixed document dates, xlsxwriter's fixed zip timestamps), so the
rendered files checked in under `workbooks/` change only when a template does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from importlib.metadata import version
from pathlib import Path

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from retaguarda.templates.catalog import COMPANY_WORKBOOK, TEMPLATES, get_template
from retaguarda.templates.catalog import plano_de_contas as chart
from retaguarda.templates.column_rules import (
    ACCOUNTS_NAME,
    DATE_KINDS,
    MONEY_FORMAT,
    NUMBER_FORMATS,
    NUMERIC_KINDS,
    TEXT_FORMAT,
)
from retaguarda.templates.instructions_sheet import INSTRUCTIONS_SHEET, write_instructions
from retaguarda.templates.model import META_SHEET, Kind, Template
from retaguarda.templates.template_sheet import (
    OPTIONAL_FILL,
    REQUIRED_FILL,
    SPARE_ROWS,
    TABLE_STYLE,
    VALIDATED_ROWS,
    Styles,
    last_row,
    write_sheet,
)
from retaguarda.validators.issues import cell_address

__all__ = [
    "ACCOUNTS_NAME",
    "DATE_KINDS",
    "INSTRUCTIONS_SHEET",
    "MONEY_FORMAT",
    "NUMBER_FORMATS",
    "NUMERIC_KINDS",
    "OPTIONAL_FILL",
    "RENDERED_AT",
    "REQUIRED_FILL",
    "SPARE_ROWS",
    "TABLE_STYLE",
    "TEXT_FORMAT",
    "VALIDATED_ROWS",
    "build_templates",
    "render_company_workbook",
    "render_template",
    "render_workbook",
]

#: Fixed so that re-rendering an unchanged template gives the same bytes.
RENDERED_AT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def render_template(template: Template, path: Path) -> Path:
    """One template as its own workbook, blank, with the chart its account dropdowns need."""
    sheets = [(template, _starter_rows(template))]
    if _needs_chart(template):
        sheets.append((chart.TEMPLATE, chart.STARTER_CHART))
    return render_workbook(path, sheets, title_rows=(f"Modelo: {template.title}",))


def render_company_workbook(
    path: Path,
    template_ids: Sequence[str] = COMPANY_WORKBOOK,
    *,
    finish: Callable[[Workbook], None] | None = None,
) -> Path:
    """Every template in one workbook, for a company that keeps its back office together.

    The "Plano de contas" sheet is added first when a chosen sheet needs it for its dropdowns.
    `finish` is handed the workbook before it is written (the add-in adds its buttons).
    """
    templates = [get_template(template_id) for template_id in template_ids]
    if chart.TEMPLATE not in templates and any(_needs_chart(t) for t in templates):
        templates.insert(0, chart.TEMPLATE)
    return render_workbook(
        path,
        [(template, _starter_rows(template)) for template in templates],
        title_rows=(
            "Planilhas da empresa",
            "Todas as abas da retaguarda numa só pasta de trabalho.",
        ),
        finish=finish,
    )


def render_workbook(
    path: Path,
    sheets: Sequence[tuple[Template, Sequence[Sequence[object]]]],
    *,
    title_rows: Sequence[str] = (),
    company: str = "",
    sheet_titles: Sequence[str] = (),
    finish: Callable[[Workbook], None] | None = None,
) -> Path:
    """Templates as sheets holding the given rows: blank templates and filled samples alike.

    Each row lists one value per template column, in order (shorter rows end in blanks):
    `Decimal`/`int` for numeric columns, `datetime.date` for dates, `str` for everything
    else, `None` for an empty cell. A `str` where a number or date belongs is kept as typed
    text, so sample workbooks can carry the mistakes validation must find; every text is
    written as text, never as a formula. `sheet_titles` are lines written above each
    sheet's header, as many systems export them (the header then sits below them).
    """
    if not sheets:
        raise ValueError("nenhuma aba para gerar")
    names = [template.sheet for template, _ in sheets]
    if len(set(names)) != len(names):
        raise ValueError(f"abas repetidas: {', '.join(names)}")
    if chart.TEMPLATE.sheet not in names and any(_needs_chart(t) for t, _ in sheets):
        raise ValueError(
            f"as listas de contas precisam da aba “{chart.TEMPLATE.sheet}” na mesma pasta"
        )

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    generated_by = f"retaguarda {version('retaguarda')}"
    with Workbook(str(path)) as workbook:
        workbook.set_properties(
            {
                "title": title_rows[0] if title_rows else "Planilhas da Retaguarda",
                "subject": ", ".join(template.title for template, _ in sheets),
                "author": "Retaguarda",
                "company": company,
                "comments": f"Gerado por {generated_by}.",
                "created": RENDERED_AT,
            }
        )
        styles = Styles(workbook)
        for template, rows in sheets:
            top = len(sheet_titles)
            last = top + last_row(len(rows))
            if template is chart.TEMPLATE:
                code = xl_col_to_name(template.keys.index("codigo"))
                codes = f"${code}${top + 2}:${code}${last}"
                workbook.define_name(
                    ACCOUNTS_NAME, "=" + cell_address(template.sheet, codes, always_quote=True)
                )
            sheet = workbook.add_worksheet(template.sheet)
            for line, text in enumerate(sheet_titles):
                sheet.write_string(line, 0, text, styles.title)
            write_sheet(sheet, styles, template, rows, top=top)
        write_instructions(
            workbook.add_worksheet(INSTRUCTIONS_SHEET),
            styles,
            [template for template, _ in sheets],
            title_rows,
            company,
            generated_by,
        )
        _write_meta(
            workbook.add_worksheet(META_SHEET),
            [template for template, _ in sheets],
            company,
            generated_by,
        )
        if finish is not None:
            finish(workbook)
    return path


def build_templates(out_dir: Path) -> list[Path]:
    """Every template to `<id>.xlsx`, plus `empresa.xlsx`: the files checked in for newcomers."""
    out_dir = Path(out_dir)
    paths = [
        render_template(template, out_dir / f"{template.id}.xlsx")
        for template in TEMPLATES.values()
    ]
    paths.append(render_company_workbook(out_dir / "empresa.xlsx"))
    return paths


def _starter_rows(template: Template) -> Sequence[Sequence[object]]:
    return chart.STARTER_CHART if template is chart.TEMPLATE else ()


def _needs_chart(template: Template) -> bool:
    return template is not chart.TEMPLATE and any(
        column.kind is Kind.ACCOUNT for column in template.columns
    )


def _write_meta(
    sheet: Worksheet, templates: Sequence[Template], company: str, generated_by: str
) -> None:
    """Machine-readable provenance: which template and version each sheet follows."""
    rows: list[tuple[str, str, str]] = [
        ("chave", "valor", "aba"),
        ("gerado_por", generated_by, ""),
    ]
    if company:
        rows.append(("empresa", company, ""))
    for template in templates:
        rows.append(("template", template.id, template.sheet))
        rows.append(("versao", template.version, template.sheet))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if value:
                sheet.write_string(r, c, value)
    sheet.set_column(0, 2, 24)
    sheet.hide()
