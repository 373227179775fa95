"""Reports as one self-contained HTML page (`retaguarda report --out x.html`), and the same
body for the service's dashboard to place inside its own layout.

Nothing is loaded from anywhere: the style is inline, the charts are SVG drawn in Python
(`svg_charts`), no script runs. Figures read as in Brazil (R$ 1.234,56, 05/03/2026); tables
have captions and column headers, charts a title a screen reader announces; the page prints
on A4 with each table's header repeated and no chart cut across two pages.
"""

from __future__ import annotations

from collections.abc import Sequence

from jinja2 import Environment, select_autoescape
from markupsafe import Markup

from retaguarda.addin.marks import visible
from retaguarda.addin.reports.display import period_text, shown
from retaguarda.addin.reports.model import Column, Report, Row
from retaguarda.addin.reports.svg_charts import chart_svg, drawn

CSS = """
.rg-report { font-family: Carlito, Calibri, "Segoe UI", Arial, sans-serif; color: #1a1a1a;
  max-width: 1100px; margin: 0 auto 40px; }
.rg-report h1 { font-size: 1.6em; margin: 0 0 4px; }
.rg-report .rg-scope { color: #444; margin: 0 0 18px; }
.rg-report .rg-table { overflow-x: auto; }
.rg-report table { border-collapse: collapse; margin: 8px 0 22px; min-width: 60%; }
.rg-report caption { text-align: left; font-weight: bold; font-size: 1.15em; padding: 6px 0; }
.rg-report th, .rg-report td { padding: 3px 10px; border-bottom: 1px solid #e4e4e4; }
.rg-report thead th { background: #DDEBF7; border-bottom: 1px solid #1a1a1a; }
.rg-report .num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.rg-report .mid { text-align: center; white-space: nowrap; }
.rg-report th.txt, .rg-report td.txt { text-align: left; white-space: nowrap; }
.rg-report .neg { color: #9C0006; }
.rg-report tbody th, .rg-report tfoot th { font-weight: normal; }
.rg-report tr.subtotal > *, .rg-report tr.heading > *,
.rg-report tr.total > * { font-weight: bold; }
.rg-report tr.heading > * { background: #F2F2F2; }
.rg-report tr.total > * { border-top: 2px solid #1a1a1a; }
.rg-report .rg-notes { background: #FFF8E1; border-left: 4px solid #C9A227; padding: 8px 14px; }
.rg-report .rg-charts { display: flex; flex-wrap: wrap; gap: 16px; }
.rg-report figure { margin: 0; break-inside: avoid; flex: 0 1 540px; }
.rg-report svg.chart { width: 100%; height: auto; border: 1px solid #e4e4e4; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  .rg-report { max-width: none; }
  .rg-report .rg-table { overflow: visible; }
  .rg-report thead { display: table-header-group; }
  .rg-report tr { break-inside: avoid; }
  .rg-report + .rg-report { break-before: page; }
}
"""

_BODY = """\
{% for report in reports %}{% set key = report.kind ~ "-" ~ loop.index %}
<section class="rg-report" id="{{ key }}" aria-labelledby="{{ key }}-h">
<h1 id="{{ key }}-h">{{ clean(report.title) }}</h1>
<p class="rg-scope">{{ clean(report.scope) }} · {{ period(report.period) }}</p>
{% for section in report.sections %}
<div class="rg-table">
<table>
<caption>{{ clean(section.title) }}</caption>
<thead><tr>{% for column in section.columns %}
<th scope="col" class="{{ align(column) }}">{{ clean(column.label) }}</th>{% endfor %}
</tr></thead>
<tbody>
{% for row in section.rows %}{{ row_html(row, section.columns) }}
{% endfor %}</tbody>
{% if section.totals %}<tfoot>{{ row_html(section.totals, section.columns) }}</tfoot>{% endif %}
</table>
</div>
{% endfor %}
{% if report.notes or report.issues %}
<div class="rg-notes" role="note"><strong>Observações</strong><ul>
{% for note in report.notes %}<li>{{ clean(note) }}</li>{% endfor %}
{% for issue in report.issues %}<li>{{ clean(issue.message) }}</li>{% endfor %}
</ul></div>
{% endif %}
{% if drawn(report) %}
<div class="rg-charts">
{% for chart in drawn(report) %}<figure>{{ svg(chart, key ~ "-chart-" ~ loop.index) }}</figure>
{% endfor %}</div>
{% endif %}
</section>
{% endfor %}
"""

_PAGE = """\
<!DOCTYPE html>
<html lang="pt-BR">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>{{ css }}
body { margin: 24px; background: #fff; }
</style>
</head>
<body>
<main>
{{ body }}
</main>
</body>
</html>
"""

_ENV = Environment(autoescape=select_autoescape(default=True, default_for_string=True))


def report_body(reports: Sequence[Report]) -> Markup:
    """The reports as `<section>`s, without `<html>` or the style (`CSS`): for a page that
    has its own layout, such as the service's dashboard."""
    template = _ENV.from_string(_BODY)
    return Markup(
        template.render(
            reports=reports,
            clean=lambda text: visible(str(text)),
            period=period_text,
            align=_align,
            row_html=_row_html,
            svg=lambda chart, key: Markup(chart_svg(chart, key)),
            drawn=drawn,
        )
    )


def report_page(reports: Sequence[Report], *, title: str | None = None) -> str:
    """One HTML page holding `reports`, readable offline and printable."""
    heading = title or (reports[0].title if len(reports) == 1 else "Relatórios")
    if reports and len(reports) == 1:
        heading = f"{heading} — {reports[0].scope}"
    page = _ENV.from_string(_PAGE)
    return page.render(title=visible(heading), css=Markup(CSS), body=report_body(reports))


def _align(column: Column) -> str:
    return "txt" if column.kind == "text" else "mid" if column.kind in ("date", "month") else "num"


def _row_html(row: Row, columns: Sequence[Column]) -> Markup:
    """One `<tr>`: its style as a class, text cells indented by the row's level, a negative
    figure in red."""
    cells = []
    for n, column in enumerate(columns):
        value = row.values.get(column.key)
        text = visible(shown(value, column.kind))
        classes = [_align(column)]
        style = ""
        if column.kind == "text" and row.level:
            style = f' style="padding-left: {10 + 14 * row.level}px"'
        if column.kind in ("money", "quantity", "integer", "percent") and text.startswith("-"):
            classes.append("neg")
        tag = "th" if n == 0 and column.kind == "text" else "td"
        scope = ' scope="row"' if tag == "th" else ""
        cells.append(
            Markup("<{0}{1} class='{2}'{3}>{4}</{0}>").format(
                Markup(tag), Markup(scope), " ".join(classes), Markup(style), text
            )
        )
    return Markup("<tr class='{}'>{}</tr>").format(row.style, Markup("").join(cells))
