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

Output is deterministic (fixed document dates, xlsxwriter's fixed zip timestamps), so the
rendered files checked in under `workbooks/` change only when a template does.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from retaguarda.templates.catalog import LEDGER_TEMPLATES, TEMPLATES, get_template
from retaguarda.templates.catalog import plano_de_contas as chart
from retaguarda.templates.model import META_SHEET, ROW_ID_HEADER, Column, Kind, Template

#: The workbook name the account dropdowns list; it points at the chart's code column.
ACCOUNTS_NAME = "rg_contas"
INSTRUCTIONS_SHEET = "Instruções"
#: Dropdowns and checks reach this sheet row, or further when the data does (see `_last_row`).
VALIDATED_ROWS = 1000
SPARE_ROWS = 500
TABLE_STYLE = "Table Style Medium 2"
#: Fixed so that re-rendering an unchanged template gives the same bytes.
RENDERED_AT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

MONEY_FORMAT = "[$R$-416] #,##0.00;-[$R$-416] #,##0.00"
NUMBER_FORMATS: dict[Kind, str] = {
    Kind.MONEY: MONEY_FORMAT,
    Kind.UNIT_COST: "[$R$-416] #,##0.0000;-[$R$-416] #,##0.0000",
    Kind.QUANTITY: "#,##0.0##",
    Kind.INTEGER: "#,##0",
    Kind.DATE: "dd/mm/yyyy",
    Kind.MONTH: "mm/yyyy",
}
TEXT_FORMAT = "@"
NUMERIC_KINDS = frozenset({Kind.MONEY, Kind.UNIT_COST, Kind.QUANTITY, Kind.INTEGER})
DATE_KINDS = frozenset({Kind.DATE, Kind.MONTH})

#: Text metrics in column-width units: bold runs wider, the filter button covers the right.
_BOLD = 1.1
_TEXT = 0.85
_FILTER_BUTTON = 2.5
_LINE_HEIGHT = 15.0

REQUIRED_FILL = "#1F4E78"
OPTIONAL_FILL = "#5B86B5"

_ACCEPTED: dict[Kind, str] = {
    Kind.TEXT: "Texto livre.",
    Kind.MONEY: "Valor em reais, até 2 casas decimais (1.234,56).",
    Kind.UNIT_COST: "Valor em reais, até 4 casas decimais (12,3456).",
    Kind.QUANTITY: "Número, até 3 casas decimais (10,5).",
    Kind.INTEGER: "Número inteiro.",
    Kind.DATE: "Data dd/mm/aaaa.",
    Kind.MONTH: "Mês mm/aaaa (por exemplo 03/2026).",
    Kind.ACCOUNT: "Código de uma conta da aba “Plano de contas” que aceita lançamento (lista).",
    Kind.CPF: "CPF, 11 dígitos, com ou sem pontuação (000.000.000-00).",
    Kind.CNPJ: "CNPJ, 14 caracteres (numérico ou alfanumérico), com ou sem pontuação.",
    Kind.CPF_CNPJ: "CPF (11 dígitos) ou CNPJ (14 caracteres), com ou sem pontuação.",
    Kind.PIS: "PIS/PASEP/NIT, 11 dígitos (000.00000.00-0).",
    Kind.CEP: "CEP, 8 dígitos (00000-000).",
    Kind.NCM: "NCM, 8 dígitos (0000.00.00).",
    Kind.PIX: "CPF, CNPJ, e-mail, celular (+55DDDNÚMERO) ou chave aleatória.",
    Kind.BANK: "Código COMPE do banco, 3 dígitos (001, 237, 341...).",
}


def render_template(template: Template, path: Path) -> Path:
    """One template as its own workbook, blank, with the chart its account dropdowns need."""
    sheets = [(template, _starter_rows(template))]
    if _needs_chart(template):
        sheets.append((chart.TEMPLATE, chart.STARTER_CHART))
    return render_workbook(path, sheets, title_rows=(f"Modelo: {template.title}",))


def render_company_workbook(
    path: Path,
    template_ids: Sequence[str] = LEDGER_TEMPLATES,
    *,
    finish: Callable[[Workbook], None] | None = None,
) -> Path:
    """Every ledger sheet in one workbook, for a company that keeps its back office together.

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
        styles = _Styles(workbook)
        for template, rows in sheets:
            top = len(sheet_titles)
            last_row = top + _last_row(len(rows))
            if template is chart.TEMPLATE:
                code = xl_col_to_name(template.keys.index("codigo"))
                workbook.define_name(
                    ACCOUNTS_NAME,
                    f"='{template.sheet}'!${code}${top + 2}:${code}${last_row}",
                )
            sheet = workbook.add_worksheet(template.sheet)
            for line, text in enumerate(sheet_titles):
                sheet.write_string(line, 0, text, styles.title)
            _write_sheet(sheet, styles, template, rows, top=top)
        _write_instructions(
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


class _Styles:
    """The formats a workbook shares: xlsxwriter wants one Format object per look."""

    def __init__(self, workbook: Workbook) -> None:
        header = {
            "bold": True,
            "font_color": "#FFFFFF",
            "text_wrap": True,
            "align": "center",
            "valign": "vcenter",
            "border": 1,
            "border_color": "#FFFFFF",
        }
        self.header = {
            True: workbook.add_format({**header, "bg_color": REQUIRED_FILL}),
            False: workbook.add_format({**header, "bg_color": OPTIONAL_FILL}),
        }
        self.columns = {
            kind: workbook.add_format({"num_format": NUMBER_FORMATS.get(kind, TEXT_FORMAT)})
            for kind in Kind
        }
        self.title = workbook.add_format({"bold": True, "font_size": 14, "font_color": "#1F4E78"})
        self.section = workbook.add_format(
            {"bold": True, "font_size": 12, "font_color": "#1F4E78", "bottom": 1}
        )
        self.bold = workbook.add_format({"bold": True})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.wrap_bold = workbook.add_format({"text_wrap": True, "valign": "top", "bold": True})
        self.plain = workbook.add_format({"valign": "top"})

    def column(self, column: Column) -> Format:
        return self.columns[column.kind]


def _write_sheet(
    sheet: Worksheet,
    styles: _Styles,
    template: Template,
    rows: Sequence[Sequence[object]],
    *,
    top: int = 0,
) -> None:
    """One template sheet, its header on row `top` (0-based).

    Formats and checks cover empty rows too: users type below the data.
    """
    columns = template.columns
    id_col = len(columns)  # the hidden row identity, inside the table so it sorts along
    last_col = id_col
    last_row = top + _last_row(len(rows))
    for index, column in enumerate(columns):
        sheet.set_column(index, index, _width(column), styles.column(column))
    sheet.set_column(id_col, id_col, 14, styles.columns[Kind.TEXT], {"hidden": True})
    sheet.set_row(top, _header_height(columns))
    sheet.freeze_panes(top + 1, 0)
    sheet.add_table(
        top,
        0,
        top + max(len(rows), 1),
        last_col,
        {
            "name": f"tbl_{template.id}",
            "style": TABLE_STYLE,
            "columns": [
                {
                    "header": column.header,
                    "header_format": styles.header[column.required],
                    "format": styles.column(column),
                }
                for column in columns
            ]
            + [
                {
                    "header": ROW_ID_HEADER,
                    "header_format": styles.header[False],
                    "format": styles.columns[Kind.TEXT],
                }
            ],
        },
    )
    for index, column in enumerate(columns):
        sheet.write_comment(
            top,
            index,
            _note(column),
            {"author": "Retaguarda", "x_scale": 2.2, "y_scale": 1.2},
        )
        sheet.data_validation(top + 1, index, last_row - 1, index, _validation(template, column))
    text_columns = " ".join(
        f"{xl_col_to_name(i)}{top + 2}:{xl_col_to_name(i)}{last_row}"
        for i, column in enumerate(columns)
        if column.kind not in NUMERIC_KINDS | DATE_KINDS
    )
    if text_columns:
        # Codes typed as text (CNPJ, contas) are meant to be text: no green triangles.
        sheet.ignore_errors({"number_stored_as_text": text_columns})

    for r, row in enumerate(rows, start=top + 1):
        if len(row) > len(columns):
            raise ValueError(
                f"{template.sheet}: a linha {r + 1} tem {len(row)} valores; "
                f"o modelo tem {len(columns)} colunas"
            )
        for c, value in enumerate(row):
            _write_value(sheet, r, c, columns[c], value, styles.column(columns[c]))

    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(top)
    sheet.set_footer("&L&A&R&P / &N")


def _write_value(
    sheet: Worksheet, row: int, col: int, column: Column, value: object, fmt: Format
) -> None:
    """A value with the cell type its column needs; anything else stays text as typed."""
    if value is None or value == "":
        return
    if column.kind in NUMERIC_KINDS and _is_number(value):
        # the .xlsx format has no decimal type: a number cell is a double, here and only here
        sheet.write_number(row, col, float(value), fmt)
    elif column.kind in DATE_KINDS and isinstance(value, dt.date):
        sheet.write_datetime(row, col, value, fmt)
    else:
        sheet.write_string(row, col, str(value), fmt)


def _is_number(value: object) -> bool:
    # bool is an int to Python, not a number to a spreadsheet user.
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    return math.isfinite(value)


def _validation(template: Template, column: Column) -> dict[str, Any]:
    """The data-validation rule of a column: what Excel can check before Retaguarda does."""
    rule: dict[str, Any] = {
        "input_title": column.header[:32],
        "input_message": _note(column)[:255],
    }
    kind = column.kind
    if kind is Kind.CHOICE:
        choices = ", ".join(column.choices)
        rule |= {
            "validate": "list",
            "source": list(column.choices),
            "error_title": "Valor fora da lista",
            "error_message": f"{column.header}: escolha um destes valores: {choices}."[:255],
        }
    elif kind is Kind.ACCOUNT and template is not chart.TEMPLATE:
        rule |= {
            "validate": "list",
            "source": f"={ACCOUNTS_NAME}",
            # A warning, not a stop: the account may be about to be added to the chart.
            "error_type": "warning",
            "error_title": "Conta fora do plano",
            "error_message": (
                f"{column.header}: esta conta não está na aba “{chart.TEMPLATE.sheet}”. "
                "Confira o código ou cadastre a conta no plano."
            ),
        }
    elif kind in DATE_KINDS:
        example = "mm/aaaa (por exemplo 03/2026)" if kind is Kind.MONTH else "dd/mm/aaaa"
        rule |= {
            "validate": "date",
            "criteria": "between",
            "minimum": dt.date(1900, 1, 1),
            "maximum": dt.date(2100, 12, 31),
            "error_title": "Data inválida",
            "error_message": (
                f"{column.header}: digite uma data entre 1900 e 2100, no formato {example}."
            ),
        }
    elif kind in NUMERIC_KINDS:
        whole = kind is Kind.INTEGER
        what = "um número inteiro" if whole else "um número"
        bounds: dict[str, Any] = (
            {"criteria": ">=", "value": 0}
            if column.positive
            else {"criteria": "between", "minimum": -1e15, "maximum": 1e15}
        )
        rule |= {
            "validate": "integer" if whole else "decimal",
            **bounds,
            "error_title": "Número inválido",
            "error_message": (
                f"{column.header}: digite {what}"
                + (" maior ou igual a zero." if column.positive else ".")
            ),
        }
    else:
        rule["validate"] = "any"
    return rule


def _note(column: Column) -> str:
    """What a user needs at the cell: the help line, whether it is required, what fits."""
    need = "Obrigatório." if column.required else "Opcional."
    return f"{column.help} {need} {_accepted(column)}".strip()


def _accepted(column: Column) -> str:
    if column.kind is Kind.CHOICE:
        *first, last = column.choices
        listed = f"{', '.join(first)} ou {last}" if first else last
        text = f"Um destes: {listed}."
    elif column.kind is Kind.ACCOUNT and column.key == "codigo":
        text = "Código único da conta, como 1.1.01 (texto)."
    else:
        text = _ACCEPTED[column.kind]
    if column.positive:
        text += " Não pode ser negativo."
    if column.not_future:
        text += " Não pode ser futura."
    if column.closed_period:
        text += " Não pode cair em período já fechado."
    return text


def _width(column: Column) -> float:
    """`Column.width`, widened when a header word would be split or hidden by the filter button.

    Excel breaks a header only between words; a word wider than its column is cut in two.
    """
    longest = max(len(word) for word in _header_words(column.header))
    return max(column.width, math.ceil(longest * _BOLD + _FILTER_BUTTON))


def _header_height(columns: Sequence[Column]) -> float:
    """Row 1 tall enough for the header that wraps onto the most lines."""
    lines = max(
        _lines(_header_words(c.header), (_width(c) - _FILTER_BUTTON) / _BOLD) for c in columns
    )
    return _LINE_HEIGHT * lines + 6


def _header_words(header: str) -> list[str]:
    # Excel also wraps after a hyphen ("Vale-" / "transporte").
    return header.replace("-", "- ").split()


def _lines(words: Sequence[str], chars: float) -> int:
    """How many lines a wrapped cell needs: greedy at spaces, a too-long word cut in pieces."""
    per_line = max(int(chars), 1)
    lines, used = 1, 0
    for word in words:
        if used and used + 1 + len(word) <= per_line:
            used += 1 + len(word)
            continue
        if used:
            lines += 1
        full, used = divmod(len(word), per_line)
        if used:
            lines += full
        else:
            lines += full - 1
            used = per_line
    return lines


def _last_row(data_rows: int) -> int:
    """The last sheet row (1-based) that gets checks: row 1000, or well past the data."""
    return max(VALIDATED_ROWS, 1 + data_rows + SPARE_ROWS)


def _starter_rows(template: Template) -> Sequence[Sequence[object]]:
    return chart.STARTER_CHART if template is chart.TEMPLATE else ()


def _needs_chart(template: Template) -> bool:
    return template is not chart.TEMPLATE and any(
        column.kind is Kind.ACCOUNT for column in template.columns
    )


def _write_instructions(
    sheet: Worksheet,
    styles: _Styles,
    templates: Sequence[Template],
    title_rows: Sequence[str],
    company: str,
    generated_by: str,
) -> None:
    """The sheet a newcomer reads first: what goes where, and how to clear the findings."""
    widths = (24, 12, 60, 72)
    for index, width in enumerate(widths):
        sheet.set_column(index, index, width)
    sheet.hide_gridlines(2)
    row = 0

    def line(text: str, fmt: Format | None = None) -> None:
        nonlocal row
        sheet.write_string(row, 0, text, fmt or styles.plain)
        row += 1

    def section(text: str) -> None:
        nonlocal row
        row += 1
        sheet.merge_range(row, 0, row, 3, text, styles.section)
        row += 1

    line(f"Retaguarda — {title_rows[0] if title_rows else 'planilhas da retaguarda'}", styles.title)
    for text in title_rows[1:]:
        line(text, styles.bold)
    if company:
        line(f"Empresa: {company}", styles.bold)

    section("O que é esta pasta de trabalho")
    for text in (
        "Cada aba (menos esta) é um modelo da Retaguarda: preencha uma linha por registro, a "
        "partir da linha 2.",
        "Não mude os cabeçalhos da linha 1: é por eles que a Retaguarda encontra as colunas.",
        "Cabeçalho azul-escuro: coluna obrigatória. Azul-claro: coluna opcional.",
        "Datas como dd/mm/aaaa; valores em reais com vírgula decimal (1.234,56).",
        "CPF, CNPJ, contas e outros códigos ficam como texto: zeros à esquerda são mantidos.",
        "Ao clicar numa célula aparece a explicação da coluna; as listas mostram os valores "
        "aceitos.",
        f"As listas de contas vêm da aba “{chart.TEMPLATE.sheet}”: cadastre a conta lá antes de "
        "usá-la.",
    ):
        line(text)

    for template in templates:
        title = "" if template.title == template.sheet else f" — {template.title}"
        section(f"Aba “{template.sheet}”{title}")
        line(template.description)
        line(f"Modelo {template.id}, versão {template.version}.")
        for col, text in enumerate(("Coluna", "Obrigatória", "O que preencher", "Valores aceitos")):
            sheet.write_string(row, col, text, styles.header[True])
        row += 1
        for column in template.columns:
            texts = (column.header, column.help, _accepted(column))
            text_widths = (widths[0] / _BOLD, widths[2] / _TEXT, widths[3] / _TEXT)
            lines = max(
                _lines(text.split(), width - 1)
                for text, width in zip(texts, text_widths, strict=True)
            )
            if lines > 1:
                # Rows keep their height in some spreadsheets: size them for the wrapped text.
                sheet.set_row(row, _LINE_HEIGHT * lines + 2)
            sheet.write_string(row, 0, column.header, styles.wrap_bold)
            sheet.write_string(row, 1, "sim" if column.required else "não", styles.plain)
            sheet.write_string(row, 2, column.help, styles.wrap)
            sheet.write_string(row, 3, _accepted(column), styles.wrap)
            row += 1

    section("Como corrigir as pendências")
    for text in (
        "Ao validar, o suplemento da Retaguarda pinta de vermelho as células com erro e de "
        "âmbar as com aviso,",
        "e põe em cada uma delas uma nota que explica o problema e sugere a correção.",
        "A aba “Pendências” lista todas: aba, célula (por exemplo D17), coluna, valor, mensagem "
        "e sugestão.",
        "Corrija o valor na própria célula e valide de novo: a pendência some quando o valor "
        "estiver certo.",
        "Linhas com erro não entram no consolidado da empresa até serem corrigidas; avisos pedem "
        "só conferência.",
    ):
        line(text)

    section("Versões")
    for template in templates:
        line(f"{template.sheet}: modelo {template.id}, versão {template.version}.")
    line(f"Gerado por {generated_by}.")

    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)


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
