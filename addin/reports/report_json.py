"""A `Report` as JSON, for `retaguarda report --format json`, the service's API and scripts.

The main section's rows and totals sit at the top ("rows", "totals"), one object per row by
column key, so that the common case reads `data["rows"]`; the other sections are under
"sections" by key. Amounts are decimal strings ("1234.50"), never floats, so that a program
reading them gets the cents the report computed; dates are ISO.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from retaguarda.addin.reports.display import month_key
from retaguarda.addin.reports.model import Chart, Report, Row, Section


def report_json(report: Report) -> dict[str, object]:
    """`report` as plain JSON values (see the module's docstring for the shape)."""
    main = report.main
    return {
        "report": report.kind,
        "title": report.title,
        "scope": report.scope,
        "from": month_key(report.period.start),
        "to": month_key(report.period.end),
        "rows": [row_json(row, main) for row in main.rows],
        "totals": row_json(main.totals, main) if main.totals else {},
        "sections": {
            section.key: {
                "title": section.title,
                "rows": [row_json(row, section) for row in section.rows],
                "totals": row_json(section.totals, section) if section.totals else {},
            }
            for section in report.sections[1:]
        },
        "notes": list(report.notes),
        "summary": {key: plain(value) for key, value in report.summary.items()},
        "charts": [chart_json(chart) for chart in report.charts],
        "issues": [issue.to_dict() for issue in report.issues],
    }


def row_json(row: Row, section: Section) -> dict[str, object]:
    """A row by column key, in the section's column order (a key the row lacks is null)."""
    return {column.key: plain(row.values.get(column.key)) for column in section.columns}


def chart_json(chart: Chart) -> dict[str, object]:
    return {
        "kind": chart.kind,
        "title": chart.title,
        "unit": chart.unit,
        "categories": list(chart.categories),
        "series": [
            {
                "name": series.name,
                "kind": series.kind or chart.kind,
                "values": [plain(v) for v in series.values],
            }
            for series in chart.series
        ],
    }


def plain(value: object) -> object:
    """A value JSON holds as is: a Decimal as its string, a date as ISO, a tuple as a list."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if hasattr(value, "item") and callable(value.item):  # a numpy scalar: its Python value
        return plain(value.item())
    return value
