"""How a report's value reads as text in Portuguese, by its column's kind: the HTML page and
the terminal show the same "R$ 1.234,56", "12,5%" and "05/03/2026" that the .xlsx's formats
show, so a figure looks the same wherever a person reads it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from retaguarda.addin.reports.model import ColumnKind, Period
from retaguarda.validators.fields.formatting import format_brl, format_decimal_br

MONTHS_PT = (
    "janeiro",
    "fevereiro",
    "março",
    "abril",
    "maio",
    "junho",
    "julho",
    "agosto",
    "setembro",
    "outubro",
    "novembro",
    "dezembro",
)


def shown(value: object, kind: ColumnKind) -> str:
    """`value` as a person reads it in a column of `kind`; "" for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "sim" if value else "não"
    if kind == "date" and isinstance(value, date):
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    if kind == "month":
        return month_text(value)
    if isinstance(value, Decimal | int) and kind != "text":
        return number_text(Decimal(value), kind)
    return str(value)


def number_text(value: Decimal, kind: ColumnKind) -> str:
    """Money "-R$ 1.234,56", an integer "1.234", a quantity with up to three places "1.234,5",
    a percent (a fraction) "12,5%"."""
    if kind == "money":
        return format_brl(_scaled(value, 2))
    if kind == "integer":
        return format_decimal_br(_scaled(value, 0), 0)
    if kind == "percent":
        return format_decimal_br(_scaled(value * 100, 1), 1) + "%"
    if kind == "quantity":
        return format_decimal_br(_scaled(value, 3), 3)
    places = max(-int(value.as_tuple().exponent), 0)  # type: ignore[arg-type]
    return format_decimal_br(_scaled(value, places), places)


def month_text(value: object) -> str:
    """A month as "03/2026", from a date or an ISO "2026-03"."""
    if isinstance(value, date):
        return f"{value.month:02d}/{value.year:04d}"
    text = str(value)
    if len(text) >= 7 and text[4] == "-" and text[:4].isdigit() and text[5:7].isdigit():
        return f"{text[5:7]}/{text[:4]}"
    return text


def period_text(period: Period) -> str:
    """ "janeiro a março de 2026", "março de 2026", "dezembro de 2025 a fevereiro de 2026";
    a period that does not run whole months is written day to day."""
    start, end = period.start, period.end
    if start.day != 1 or not _month_end(end):
        return f"{shown(start, 'date')} a {shown(end, 'date')}"
    first, last = MONTHS_PT[start.month - 1], MONTHS_PT[end.month - 1]
    if (start.year, start.month) == (end.year, end.month):
        return f"{first} de {start.year}"
    if start.year == end.year:
        return f"{first} a {last} de {end.year}"
    return f"{first} de {start.year} a {last} de {end.year}"


def month_key(day: date) -> str:
    """The ISO month "2026-03" a JSON and the CLI name a month by."""
    return f"{day.year:04d}-{day.month:02d}"


def _month_end(day: date) -> bool:
    return (day + timedelta(days=1)).month != day.month


def _scaled(value: Decimal, places: int) -> int:
    return int((value * 10**places).quantize(Decimal(1), rounding=ROUND_HALF_UP))
