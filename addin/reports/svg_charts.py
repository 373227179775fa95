"""A report's `Chart` drawn as inline SVG, for the HTML page: no script, no CDN, nothing to
load; it prints as it shows and a screen reader reads its title and each figure's label.

Pixel positions are floats (geometry, not money): a value only becomes one here, when it is
placed on the drawing; each figure's label is written from the Decimal itself.
"""

from __future__ import annotations

import math
from decimal import Decimal
from html import escape

from retaguarda.addin.marks import visible
from retaguarda.addin.reconcile.xlsx_layout import text_width
from retaguarda.addin.reports.display import number_text
from retaguarda.addin.reports.model import Chart, Report, Series

WIDTH = 640
HEIGHT = 340
#: room for the axis labels (left), the title (top), the categories and legend (bottom)
LEFT, RIGHT, TOP, BOTTOM = 88, 16, 40, 78
#: one colour a series, told apart in grey print too (dark, light, mid...)
PALETTE = ("#1F4E79", "#C55A11", "#548235", "#9DC3E6", "#F4B183", "#7F6000", "#A5A5A5", "#2E75B6")
LIGHT = frozenset({"#9DC3E6", "#F4B183", "#A5A5A5"})
GRID, AXIS = "#D9D9D9", "#404040"
MIDDLE = {"text_anchor": "middle"}
#: an axis names at most this many categories (a year by day names every 16th day)
MAX_LABELS = 24
#: a line of more points than this is drawn without a dot on each
MAX_MARKERS = 40
#: a pie's legend names this many slices (as many as fit its height)
PIE_LEGEND = 12
FONT = "font-family='Carlito, Calibri, Arial, sans-serif'"


def chart_svg(chart: Chart, chart_id: str) -> str:
    """`chart` as an `<svg>` element; `chart_id` makes its title's id unique on the page."""
    title_id = f"{chart_id}-title"
    body = _pie(chart) if chart.kind == "pie" else _axes_chart(chart)
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' class='chart' role='img' "
        f"viewBox='0 0 {WIDTH} {HEIGHT}' width='{WIDTH}' height='{HEIGHT}' "
        f"aria-labelledby='{title_id}' {FONT} font-size='12'>"
        f"<title id='{title_id}'>{_text(chart.title)} ({_text(chart.unit)})</title>"
        f"<text x='{WIDTH / 2}' y='22' text-anchor='middle' font-size='15' "
        f"font-weight='bold'>{_text(chart.title)}</text>{body}</svg>"
    )


def drawn(report: Report) -> list[Chart]:
    """The report's charts that have something to draw (a category and a series)."""
    return [c for c in report.charts if c.categories and c.series]


def label(value: Decimal, unit: str) -> str:
    """A figure as its label reads: R$ 1.234,56 for money, 1.234,5 otherwise."""
    return number_text(value, "money" if unit == "R$" else "quantity")


def nice_ticks(low: Decimal, high: Decimal, count: int = 5) -> list[Decimal]:
    """Round axis ticks covering `low`..`high` (and zero): steps of 1, 2 or 5 times a power of
    ten, as a person would draw them."""
    low, high = min(low, Decimal(0)), max(high, Decimal(0))
    if low == high:
        high = low + 1
    raw = (high - low) / count
    power = Decimal(10) ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    start = (low / step).to_integral_value(rounding="ROUND_FLOOR") * step
    ticks = [start]
    while ticks[-1] < high:
        ticks.append(ticks[-1] + step)
    return ticks


def _axes_chart(chart: Chart) -> str:
    """Columns (side by side or stacked), horizontal bars or lines, with their value axis,
    gridlines, category labels and legend; a series of another kind ("line" over "column")
    is drawn over the others."""
    horizontal = chart.kind == "bar"
    stacked = chart.kind == "stacked_column"
    n = max(len(chart.categories), 1)
    bars = [s for s in chart.series if _kind(chart, s) != "line"]
    lines = [s for s in chart.series if _kind(chart, s) == "line"]
    values = [v for s in chart.series for v in s.values if v is not None]
    if stacked:
        values += _stack_ends(bars, n)
    ticks = nice_ticks(min(values, default=Decimal(0)), max(values, default=Decimal(1)))
    lo, hi = ticks[0], ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    span = plot_w if horizontal else plot_h

    def scale(v: Decimal) -> float:
        return float((v - lo) / (hi - lo)) * span

    out = []
    for tick in ticks:
        at, text = scale(tick), label(tick, chart.unit).replace(",00", "")
        if horizontal:
            x = LEFT + at
            out.append(_el("line", x1=x, y1=TOP, x2=x, y2=TOP + plot_h, stroke=GRID))
            out.append(_el("text", text, x=x, y=TOP + plot_h + 14, **MIDDLE, font_size=10))
        else:
            y = TOP + plot_h - at
            out.append(_el("line", x1=LEFT, y1=y, x2=LEFT + plot_w, y2=y, stroke=GRID))
            out.append(_el("text", text, x=LEFT - 6, y=y + 4, text_anchor="end", font_size=10))
    zero = scale(Decimal(0))
    band = (plot_h if horizontal else plot_w) / n
    width = band * 0.7 / (1 if stacked else max(len(bars), 1))
    every = math.ceil(n / MAX_LABELS)
    for i, category in enumerate(chart.categories):
        centre = (TOP if horizontal else LEFT) + band * (i + 0.5)
        if i % every:
            pass  # too many to name each: every `every`-th is named, each keeps its tip
        elif horizontal:
            out.append(_el("text", category, x=LEFT - 6, y=centre + 4, text_anchor="end"))
        else:
            out.append(_category_label(category, centre, TOP + plot_h + 16, n))
        ends = {True: Decimal(0), False: Decimal(0)}  # the stack's top and its negative bottom
        for j, series in enumerate(bars):
            value = _value(series, i)
            if value is None:
                continue
            if stacked:
                base = ends[value >= 0]
                a, b = scale(base), scale(base + value)
                ends[value >= 0] = base + value
                offset = centre - band * 0.35
            else:
                a, b = zero, scale(value)
                offset = centre - band * 0.35 + j * width
            tip = f"{series.name}, {category}: {label(value, chart.unit)}"
            if horizontal:
                box = {"x": LEFT + min(a, b), "y": offset, "width": abs(b - a), "height": width}
            else:
                box = {"x": offset, "y": TOP + plot_h - max(a, b), "width": width}
                box["height"] = abs(b - a)
            out.append(_el("rect", None, tip, **box, fill=_colour(chart, series)))
    for series in lines:
        colour = _colour(chart, series)
        points = [
            (
                LEFT + band * (i + 0.5),
                TOP + plot_h - scale(v),
                f"{series.name}, {c}: {label(v, chart.unit)}",
            )
            for i, c in enumerate(chart.categories)
            if (v := _value(series, i)) is not None
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
        out.append(_el("polyline", points=path, fill="none", stroke=colour, stroke_width=2.5))
        dot = 3.5 if len(points) <= MAX_MARKERS else 1.5  # many: the line shows, not dots
        for x, y, tip in points:
            out.append(_el("circle", None, tip, cx=x, cy=y, r=dot, fill=colour))
    if horizontal:
        out.append(
            _el("line", x1=LEFT + zero, y1=TOP, x2=LEFT + zero, y2=TOP + plot_h, stroke=AXIS)
        )
        middle = LEFT + plot_w / 2
        out.append(_el("text", chart.unit, x=middle, y=TOP + plot_h + 30, **MIDDLE, font_size=11))
    else:
        axis_y = TOP + plot_h - zero
        out.append(_el("line", x1=LEFT, y1=axis_y, x2=LEFT + plot_w, y2=axis_y, stroke=AXIS))
        turn = f"translate(14 {TOP + plot_h / 2:.0f}) rotate(-90)"
        out.append(_el("text", chart.unit, transform=turn, **MIDDLE, font_size=11))
    out.append(_legend(chart))
    return "".join(out)


def _category_label(category: str, x: float, y: float, n: int) -> str:
    """A category under its column: level when there is room, slanted when there are many."""
    if n <= 8:
        return _el("text", category, x=x, y=y, **MIDDLE, font_size=11)
    turn = f"translate({x:.1f} {y - 4:.1f}) rotate(-40)"
    return _el("text", category, transform=turn, text_anchor="end", font_size=10)


def _legend(chart: Chart) -> str:
    out, x, y = [], LEFT, HEIGHT - 14
    for series in chart.series:
        out.append(_el("rect", x=x, y=y - 10, width=12, height=12, fill=_colour(chart, series)))
        out.append(_el("text", series.name, x=x + 16, y=y))
        x += 28 + round(text_width(series.name) * 7)
    return "".join(out)


def _pie(chart: Chart) -> str:
    """The first series' positive values as slices, each labelled with its share; a legend
    names the categories with their values (the first `PIE_LEGEND` of them)."""
    series = chart.series[0] if chart.series else Series("", ())
    slices = [(c, v) for c, v in zip(chart.categories, series.values, strict=False) if v and v > 0]
    total = sum((v for _, v in slices), Decimal(0))
    cx, cy, r = 200.0, TOP + (HEIGHT - TOP) / 2 - 4, (HEIGHT - TOP) / 2 - 16
    out, angle = [], -math.pi / 2
    for i, (category, value) in enumerate(slices):
        share = float(value / total)
        end = angle + share * 2 * math.pi
        colour = PALETTE[i % len(PALETTE)]
        tip = f"{category}: {label(value, chart.unit)} ({share * 100:.1f}%)".replace(".", ",")
        if share >= 0.9999:
            out.append(_el("circle", None, tip, cx=cx, cy=cy, r=r, fill=colour))
        else:
            x1, y1 = cx + r * math.cos(angle), cy + r * math.sin(angle)
            x2, y2 = cx + r * math.cos(end), cy + r * math.sin(end)
            large = 1 if end - angle > math.pi else 0
            arc = f"M{cx:.1f},{cy:.1f} L{x1:.1f},{y1:.1f} "
            arc += f"A{r:.1f},{r:.1f} 0 {large} 1 {x2:.1f},{y2:.1f} Z"
            out.append(_el("path", None, tip, d=arc, fill=colour, stroke="white"))
        if share >= 0.04:
            middle = (angle + end) / 2
            x, y = cx + r * 0.62 * math.cos(middle), cy + r * 0.62 * math.sin(middle) + 4
            ink = "black" if colour in LIGHT else "white"
            percent = f"{share * 100:.0f}%"
            out.append(_el("text", percent, x=x, y=y, **MIDDLE, fill=ink, font_weight="bold"))
        if i < PIE_LEGEND:
            y = TOP + 10 + i * 22
            out.append(_el("rect", x=380, y=y, width=12, height=12, fill=colour))
            out.append(_el("text", f"{category}: {label(value, chart.unit)}", x=398, y=y + 11))
        angle = end
    if len(slices) > PIE_LEGEND:
        more = f"… e mais {len(slices) - PIE_LEGEND}"
        out.append(_el("text", more, x=398, y=TOP + 21 + PIE_LEGEND * 22))
    return "".join(out)


def _el(tag: str, text: str | None = None, tip: str | None = None, **attrs: object) -> str:
    """An SVG element; attribute names with "_" for "-", numbers to one decimal place, text
    and `tip` (a `<title>` a pointer or a screen reader shows) escaped."""
    written = " ".join(
        f"{name.replace('_', '-')}='{_attribute(value)}'" for name, value in attrs.items()
    )
    inner = (_text(text) if text is not None else "") + (
        f"<title>{_text(tip)}</title>" if tip else ""
    )
    return f"<{tag} {written}>{inner}</{tag}>" if inner else f"<{tag} {written}/>"


def _attribute(value: object) -> str:
    return f"{value:.1f}" if isinstance(value, float) else _text(str(value))


def _colour(chart: Chart, series: Series) -> str:
    return PALETTE[chart.series.index(series) % len(PALETTE)]


def _kind(chart: Chart, series: Series) -> str:
    return series.kind or chart.kind


def _value(series: Series, i: int) -> Decimal | None:
    return series.values[i] if i < len(series.values) else None


def _stack_ends(series: list[Series], n: int) -> list[Decimal]:
    """The top of each stacked column and the bottom of its negative part."""
    ends = []
    for i in range(n):
        values = [v for s in series if (v := _value(s, i)) is not None]
        ends.append(sum((v for v in values if v > 0), Decimal(0)))
        ends.append(sum((v for v in values if v < 0), Decimal(0)))
    return ends


def _text(text: str) -> str:
    return escape(visible(str(text)), quote=True)
