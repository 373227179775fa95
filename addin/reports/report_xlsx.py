"""Reports as a standalone .xlsx with native Excel charts (`retaguarda report --out x.xlsx`).

One sheet per report, its sections one under the other (title, header, rows, totals), then
its notes and its charts; a person scrolls one report and prints it on pages one sheet wide.
A chart in Excel draws cells, not numbers, so every chart's figures are written first in the
"Dados dos gráficos" sheet, a table a person can read too, and the chart points at them.

Money is R$ with two places (the templates' format, `bank_xlsx.MONEY`), quantities up to three
places, percents as 12,5%, dates dd/mm/aaaa: Excel shows the separators of the reader's locale.
Text from the books is written as text (`write_string` under `XLSXWRITER_AS_IS`), never as a
formula, with its control characters made visible.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from retaguarda.addin.marks import XLSXWRITER_AS_IS, visible
from retaguarda.addin.reconcile.bank_xlsx import DATE, MONEY
from retaguarda.addin.reconcile.xlsx_layout import A4, MAX_WIDTH, PADDING, text_width
from retaguarda.addin.reports.display import period_text, shown
from retaguarda.addin.reports.model import Chart, ColumnKind, Report, Row, Section
from retaguarda.addin.reports.svg_charts import MAX_MARKERS, drawn

DATA_SHEET = "Dados dos gráficos"
NUMBER_FORMATS: dict[ColumnKind, str] = {
    "money": MONEY,
    "integer": "#,##0",
    "quantity": "#,##0.###",
    "percent": "0.0%",
    "date": DATE,
    "month": "mm/yyyy",
    "text": "@",
}
#: xlsxwriter's chart type and subtype for each kind of the model
CHART_TYPES = {
    "column": {"type": "column"},
    "stacked_column": {"type": "column", "subtype": "stacked"},
    "bar": {"type": "bar"},
    "line": {"type": "line"},
    "pie": {"type": "pie"},
}
CHART_WIDTH = 560
CHART_HEIGHT = 300
#: a sheet wider than this (in characters) is printed landscape
LANDSCAPE_WIDTH = 100
HEADER_FILL = "#DDEBF7"
#: a main table longer than this many rows may run over a page: its header is repeated
REPEAT_HEADER_AFTER = 30
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def write_reports_xlsx(reports: Sequence[Report], path: Path) -> Path:
    """Write `reports` into a new workbook at `path` (replacing it), one sheet each, and the
    charts' figures in `DATA_SHEET`. An unwritable path raises the OSError it is."""
    book = Workbook(str(path), XLSXWRITER_AS_IS)
    try:
        styles = _Styles(book)
        sheets = [book.add_worksheet(name) for name in sheet_names(reports)]
        data = book.add_worksheet(DATA_SHEET) if any(drawn(r) for r in reports) else None
        data_row = 0
        for sheet, report in zip(sheets, reports, strict=True):
            end = _write_report(sheet, report, styles)
            if data is not None and drawn(report):
                data_row = _write_charts(book, sheet, data, data_row, report, end, styles)
        if data is not None:
            data.set_column(0, 0, 28)
            data.set_column(1, 12, 18)
        if sheets:
            sheets[0].activate()
    finally:
        _close(book)
    return path


def sheet_names(reports: Sequence[Report]) -> list[str]:
    """Each report's title as a sheet name Excel accepts (31 characters, none of []:*?/\\),
    numbered when two reports share one."""
    names: list[str] = []
    for report in reports:
        base = _short(_SHEET_NAME_BAD.sub(" ", report.title).strip()) or report.kind
        name, n = base, 1
        while name.casefold() in {x.casefold() for x in names} or name == DATA_SHEET:
            n += 1
            name = f"{base[: 31 - len(str(n)) - 3]} ({n})"
        names.append(name)
    return names


def _short(title: str, limit: int = 31) -> str:
    """`title` as it fits a sheet's tab: cut at a word, with "…" where it was cut."""
    if len(title) <= limit:
        return title
    cut = title[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;-–—(")
    return cut + "…"


class _Styles:
    """The workbook's formats, made once each (Excel keeps at most 64,000)."""

    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.cache: dict[tuple[object, ...], object] = {}
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.subtitle = book.add_format({"italic": True, "font_color": "#444444"})
        self.section = book.add_format({"bold": True, "font_size": 12})
        self.bold = book.add_format({"bold": True})
        self.text = book.add_format({"text_wrap": False})

    def header(self, kind: ColumnKind) -> object:
        align = "left" if kind == "text" else "center" if kind in ("date", "month") else "right"
        return self._get(("header", align), bold=True, bg_color=HEADER_FILL, bottom=1, align=align)

    def cell(self, kind: ColumnKind, row: Row) -> object:
        bold = row.style in ("total", "subtotal", "heading")
        level = row.level if kind == "text" else 0
        options: dict[str, object] = {"num_format": NUMBER_FORMATS[kind], "valign": "top"}
        if bold:
            options["bold"] = True
        if row.style == "total":
            options["top"] = 1
        if row.style == "heading":
            options["bg_color"] = "#F2F2F2"
        if level:
            options |= {"align": "left", "indent": min(level, 15)}
        if kind in ("date", "month"):
            options["align"] = "center"
        return self._get(("cell", kind, row.style, level), **options)

    def _get(self, key: tuple[object, ...], **options: object) -> object:
        if key not in self.cache:
            self.cache[key] = self.book.add_format(options)
        return self.cache[key]


def _write_report(sheet: Worksheet, report: Report, styles: _Styles) -> int:
    """The report's titles, sections and notes from A1; returns the first free row."""
    widths = column_widths(report)
    for c, width in widths.items():
        sheet.set_column(c, c, width)
    sheet.write_string(0, 0, visible(report.title), styles.title)
    sheet.set_row(0, 20)
    sheet.write_string(
        1, 0, visible(f"{report.scope} · {period_text(report.period)}"), styles.subtitle
    )
    r = 3
    main_header = 0
    for section in report.sections:
        sheet.write_string(r, 0, visible(section.title), styles.section)
        r += 1
        for c, column in enumerate(section.columns):
            sheet.write_string(r, c, visible(column.label), styles.header(column.kind))
        if not main_header:
            main_header = r
        r += 1
        for row in (*section.rows, *((section.totals,) if section.totals else ())):
            _write_row(sheet, r, section, row, styles)
            r += 1
        r += 1
    if report.notes or report.issues:
        sheet.write_string(r, 0, "Observações", styles.bold)
        r += 1
        for note in (*report.notes, *(i.message for i in report.issues)):
            sheet.write_string(r, 0, visible(note), styles.text)
            r += 1
        r += 1
    sheet.freeze_panes(main_header + 1, 0)
    _print_setup(sheet, report, sum(widths.values()), main_header)
    return r


def _write_row(sheet: Worksheet, r: int, section: Section, row: Row, styles: _Styles) -> None:
    for c, column in enumerate(section.columns):
        value = row.values.get(column.key)
        style = styles.cell(column.kind, row)
        if value is None or value == "":
            if row.style != "normal":
                sheet.write_blank(r, c, None, style)
            continue
        write_value(sheet, r, c, value, style)


def write_value(sheet: Worksheet, r: int, c: int, value: object, style: object) -> None:
    """A number as a number (xlsxwriter turns a Decimal into the cell's double), a date as a
    date, anything else as text."""
    if isinstance(value, bool):
        sheet.write_string(r, c, "sim" if value else "não", style)
    elif isinstance(value, Decimal | int | float):
        sheet.write_number(r, c, value, style)
    elif isinstance(value, datetime):
        sheet.write_datetime(r, c, value, style)
    elif isinstance(value, date):
        sheet.write_datetime(r, c, datetime(value.year, value.month, value.day), style)
    else:
        sheet.write_string(r, c, visible(str(value)), style)


def column_widths(report: Report) -> dict[int, int]:
    """Each column as wide as its sections ask (`Column.width`) or as its widest value shows,
    whichever is wider, capped; titles and notes run over their empty neighbours."""
    widths: dict[int, float] = {}
    for section in report.sections:
        for c, column in enumerate(section.columns):
            wanted = max(column.width, text_width(column.label) + PADDING)
            for row in (*section.rows, *((section.totals,) if section.totals else ())):
                value = row.values.get(column.key)
                indent = 2 * row.level if column.kind == "text" else 0
                wanted = max(wanted, text_width(shown(value, column.kind)) + PADDING + indent)
            widths[c] = max(widths.get(c, 0), min(wanted, MAX_WIDTH))
    return {c: round(w + 0.49) for c, w in widths.items()}


def _print_setup(sheet: Worksheet, report: Report, width: int, header_row: int) -> None:
    """A4 one page wide, landscape when the columns would not fit portrait; the title, scope
    and period atop every page, and the main table's header repeated when the table runs
    over a page (on a short one it would only stand over the charts)."""
    if width > LANDSCAPE_WIDTH:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.set_paper(A4)
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.6)
    if len(report.main.rows) > REPEAT_HEADER_AFTER:
        sheet.repeat_rows(header_row)
    left = _header_text(report.title)
    centre = _header_text(report.scope)
    right = _header_text(period_text(report.period))
    sheet.set_header(f'&L&"Calibri,Bold"{left}&C{centre}&R{right}', {"margin": 0.3})
    sheet.set_footer("&CPágina &P de &N", {"margin": 0.3})


def _header_text(text: str) -> str:
    """Text for a page header, where "&" starts a code: doubled, it prints itself."""
    return visible(text).replace("&", "&&")[:80]


def _write_charts(
    book: Workbook,
    sheet: Worksheet,
    data: Worksheet,
    data_row: int,
    report: Report,
    top: int,
    styles: _Styles,
) -> int:
    """Each chart's figures into the data sheet from `data_row`, and the native chart on the
    report's sheet from row `top`, two side by side where the sheet is wide enough; returns
    the data sheet's next free row."""
    sheet_px = sum(_column_px(w) for w in column_widths(report).values())
    per_row = 2 if sheet_px >= 2 * CHART_WIDTH + 20 else 1
    # as wide as the tables above (a wide sheet is printed smaller, its charts with it)
    width = max(CHART_WIDTH, (sheet_px - 20 * (per_row - 1)) // per_row)
    height = max(CHART_HEIGHT, min(width * 9 // 16, 2 * CHART_HEIGHT))
    rows = height // 20 + 2
    sheet.set_h_pagebreaks([top])  # the charts start a page, none is cut across two
    for n, chart in enumerate(drawn(report)):
        first, data_row = _write_chart_data(data, data_row, report, chart, styles)
        excel_chart = native_chart(book, chart, first)
        excel_chart.set_size({"width": width, "height": height})  # type: ignore[attr-defined]
        row = top + (n // per_row) * rows
        offset = (n % per_row) * (width + 20)
        sheet.insert_chart(row, 0, excel_chart, {"x_offset": offset, "y_offset": 4})
    return data_row


def _write_chart_data(
    data: Worksheet, r: int, report: Report, chart: Chart, styles: _Styles
) -> tuple[int, int]:
    """The chart's title, a header of series names, one row per category; returns the first
    category's row and the next free row."""
    data.write_string(r, 0, visible(f"{report.title} — {chart.title} ({chart.unit})"), styles.bold)
    for s, series in enumerate(chart.series, start=1):
        data.write_string(r + 1, s, visible(series.name), styles.header("money"))
    data.write_string(r + 1, 0, "", styles.header("text"))
    kind: ColumnKind = "money" if chart.unit == "R$" else "quantity"
    number = styles.cell(kind, Row({}))
    for i, category in enumerate(chart.categories):
        data.write_string(r + 2 + i, 0, visible(category))
        for s, series in enumerate(chart.series, start=1):
            if i < len(series.values) and series.values[i] is not None:
                data.write_number(r + 2 + i, s, series.values[i], number)
    return r + 2, r + 2 + len(chart.categories) + 1


def native_chart(book: Workbook, chart: Chart, first: int) -> object:
    """An Excel chart of `chart`'s kind over its figures in `DATA_SHEET` (categories in column
    A from row `first`, 0-based, one series a column); the series of another kind ("line"
    over "column") go into a second chart combined with the first."""
    last = first + max(len(chart.categories), 1) - 1
    main = book.add_chart(CHART_TYPES[chart.kind])
    many = len(chart.categories) > MAX_MARKERS
    marker = {"type": "none"} if many else {"type": "circle", "size": 5}
    other = None
    for s, series in enumerate(chart.series, start=1):
        spec: dict[str, object] = {
            "name": [DATA_SHEET, first - 1, s],
            "categories": [DATA_SHEET, first, 0, last, 0],
            "values": [DATA_SHEET, first, s, last, s],
        }
        if chart.kind == "pie":
            spec["data_labels"] = {"percentage": True}
            main.add_series(spec)
            break
        if series.kind and series.kind != chart.kind and series.kind in ("line", "column"):
            other = other or book.add_chart(CHART_TYPES[series.kind])
            if series.kind == "line":
                spec["marker"] = marker
            other.add_series(spec)
        else:
            if chart.kind == "line":
                spec["marker"] = marker
            main.add_series(spec)
    if other is not None:
        main.combine(other)
    main.set_title({"name": chart.title, "name_font": {"size": 12, "bold": True}})
    main.set_size({"width": CHART_WIDTH, "height": CHART_HEIGHT})
    main.set_legend({"position": "bottom"})
    if chart.kind != "pie":
        axis = {
            "name": chart.unit,
            "num_format": "#,##0" if chart.unit == "R$" else "General",
            "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}},
        }
        categories = {"label_position": "low"}  # under the axis, clear of negative bars
        if chart.kind == "bar":
            main.set_x_axis(axis)
            main.set_y_axis(categories)
        else:
            main.set_y_axis(axis)
            main.set_x_axis(categories)
    return main


def _close(book: Workbook) -> None:
    """Close (write) the file; a file that cannot be created is the OSError it is."""
    try:
        book.close()
    except FileCreateError as error:
        cause = error.args[0] if error.args else None
        raise cause if isinstance(cause, OSError) else OSError(str(error)) from None


def _column_px(width: int) -> int:
    """A column's width in pixels, as Excel draws a width of `width` characters."""
    return int(width * 7 + 5)
