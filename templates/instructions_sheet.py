"""The `Instruções` sheet of a rendered workbook: the sheet a newcomer reads first, in
Portuguese, with every template sheet's columns, what each accepts, and how to clear what
validation finds.
"""

from __future__ import annotations

from collections.abc import Sequence

from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from retaguarda.templates.catalog import plano_de_contas as chart
from retaguarda.templates.column_rules import accepted
from retaguarda.templates.model import Template
from retaguarda.templates.template_sheet import Styles
from retaguarda.templates.text_metrics import BOLD, LINE_HEIGHT, TEXT, wrapped_lines

INSTRUCTIONS_SHEET = "Instruções"


def write_instructions(
    sheet: Worksheet,
    styles: Styles,
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
            texts = (column.header, column.help, accepted(column))
            text_widths = (widths[0] / BOLD, widths[2] / TEXT, widths[3] / TEXT)
            lines = max(
                wrapped_lines(text.split(), width - 1)
                for text, width in zip(texts, text_widths, strict=True)
            )
            if lines > 1:
                # Rows keep their height in some spreadsheets: size them for the wrapped text.
                sheet.set_row(row, LINE_HEIGHT * lines + 2)
            sheet.write_string(row, 0, column.header, styles.wrap_bold)
            sheet.write_string(row, 1, "sim" if column.required else "não", styles.plain)
            sheet.write_string(row, 2, column.help, styles.wrap)
            sheet.write_string(row, 3, accepted(column), styles.wrap)
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
