"""The small trend chart of a panel: an inline SVG made here, in Python, with no script.

Two series, the region (solid blue line, round markers) and England (dashed black line, square
markers), each named at the end of its line and in the legend, so neither colour nor line style
alone tells them apart. The SVG is an image with an accessible name (role="img", aria-label and
<title>) that states the values in words; the panel's table beside it gives every value.
"""

from __future__ import annotations

import math

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from .selectors import IndicatorPanel

WIDTH = 520
HEIGHT = 210
LEFT = 56  # the y axis' labels
RIGHT = 104  # the series' names at the end of their lines
TOP = 12
BOTTOM = 40  # the periods
REGION_COLOUR = "#1d70b8"  # GOV.UK blue
ENGLAND_COLOUR = "#0b0c0c"  # GOV.UK black
TEXT_COLOUR = "#0b0c0c"
GRID_COLOUR = "#b1b4b6"
FONT = "Arial, Liberation Sans, sans-serif"


def _nice_step(span: float, ticks: int = 4) -> float:
    raw = span / ticks if span > 0 else 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _axis(values: list[float]) -> tuple[float, float, list[float]]:
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    step = _nice_step(high - low)
    bottom = math.floor(low / step) * step
    top = math.ceil(high / step) * step
    ticks = []
    tick = bottom
    while tick <= top + step / 2:
        ticks.append(round(tick, 10))
        tick += step
    return bottom, top, ticks


def _f(value: float) -> str:
    """A coordinate: format_html escapes its arguments to text first, so numbers come formatted."""
    return f"{value:.1f}"


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"


def chart_label(panel: IndicatorPanel) -> str:
    """The chart in words: what the screen reader says and the PDF's alternative text."""
    return (
        f"Line chart of {panel.name} ({panel.breakdown or 'all'}), {panel.region_name} and England, "
        f"{panel.periods_label}. {panel.trend_summary}"
    )


def trend_chart_svg(panel: IndicatorPanel, *, element_id: str = "") -> SafeString:
    """The SVG, or "" when fewer than two periods have a value (the table still shows them)."""
    points = panel.trend
    values = [v for p in points for v in (p.region, p.england) if v is not None]
    if len(points) < 2 or not values:
        return SafeString("")
    bottom, top, ticks = _axis(values)
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM

    def x(index: int) -> float:
        return LEFT + plot_width * index / (len(points) - 1)

    def y(value: float) -> float:
        return TOP + plot_height * (top - value) / (top - bottom)

    parts: list[str] = []
    for tick in ticks:
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="0.5"/>'
                '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="{}">{}</text>',
                LEFT,
                _f(y(tick)),
                LEFT + plot_width,
                _f(y(tick)),
                GRID_COLOUR,
                LEFT - 6,
                _f(y(tick) + 4),
                TEXT_COLOUR,
                _number(tick),
            )
        )
    # As many period labels as fit side by side (about 6.2 units a character at 11 units high),
    # always the first and the last.
    label_width = 6.2 * max(len(point.period) for point in points) + 8
    every = max(1, math.ceil(label_width / (plot_width / (len(points) - 1))))
    for index, point in enumerate(points):
        if index % every and index != len(points) - 1:
            continue
        if index != len(points) - 1 and len(points) - 1 - index < every:
            continue  # too close to the last label
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="11" text-anchor="middle" fill="{}">{}</text>',
                _f(x(index)),
                HEIGHT - BOTTOM + 16,
                TEXT_COLOUR,
                point.period,
            )
        )
    ends = []
    for attribute, colour, dash, marker in (
        ("england", ENGLAND_COLOUR, ' stroke-dasharray="6 4"', "square"),
        ("region", REGION_COLOUR, "", "circle"),
    ):
        run: list[tuple[float, float]] = []
        runs = [run]
        for index, point in enumerate(points):
            value = getattr(point, attribute)
            if value is None:
                run = []
                runs.append(run)  # a gap in the data is a gap in the line
                continue
            run.append((x(index), y(value)))
        for segment in runs:
            if len(segment) > 1:
                coordinates = " ".join(f"{px:.1f},{py:.1f}" for px, py in segment)
                parts.append(
                    format_html(
                        '<polyline points="{}" fill="none" stroke="{}" stroke-width="{}"{}/>',
                        coordinates,
                        colour,
                        "3" if attribute == "region" else "2",
                        mark_safe(dash),  # a constant of this module
                    )
                )
            for px, py in segment:
                if marker == "circle":
                    parts.append(format_html('<circle cx="{}" cy="{}" r="4" fill="{}"/>', _f(px), _f(py), colour))
                else:
                    parts.append(
                        format_html(
                            '<rect x="{}" y="{}" width="7" height="7" fill="{}"/>', _f(px - 3.5), _f(py - 3.5), colour
                        )
                    )
        last = next((segment[-1] for segment in reversed(runs) if segment), None)
        if last is not None:
            ends.append([attribute, last[1], colour])
    # The series' names at the end of their lines, pushed apart when they would overlap.
    if len(ends) == 2 and abs(ends[0][1] - ends[1][1]) < 14:
        upper, lower = sorted(ends, key=lambda end: end[1])
        middle = (upper[1] + lower[1]) / 2
        upper[1], lower[1] = middle - 7, middle + 7
    names = {"region": panel.region_name, "england": "England"}
    for attribute, end_y, colour in ends:
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="12" font-weight="bold" fill="{}">{}</text>',
                LEFT + plot_width + 8,
                _f(end_y + 4),
                colour,
                names[attribute],
            )
        )
    # The legend under the axis, so the line styles are named too.
    legend_y = HEIGHT - 8
    parts.append(
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="3"/>'
            '<text x="{}" y="{}" font-size="11" fill="{}">{} (solid line)</text>'
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2" stroke-dasharray="6 4"/>'
            '<text x="{}" y="{}" font-size="11" fill="{}">England (dashed line)</text>',
            LEFT,
            legend_y - 4,
            LEFT + 24,
            legend_y - 4,
            REGION_COLOUR,
            LEFT + 30,
            legend_y,
            TEXT_COLOUR,
            panel.region_name,
            LEFT + 210,
            legend_y - 4,
            LEFT + 234,
            legend_y - 4,
            ENGLAND_COLOUR,
            LEFT + 240,
            legend_y,
            TEXT_COLOUR,
        )
    )
    label = chart_label(panel)
    id_attribute = format_html(' id="{}"', element_id) if element_id else ""
    return format_html(
        '<svg class="sli-indicator__chart"{} role="img" aria-label="{}" viewBox="0 0 {} {}" width="{}" height="{}" '
        'xmlns="http://www.w3.org/2000/svg" font-family="{}"><title>{}</title>{}</svg>',
        id_attribute,
        label,
        WIDTH,
        HEIGHT,
        WIDTH,
        HEIGHT,
        FONT,
        label,
        mark_safe("".join(parts)),  # every part is built with format_html above
    )
