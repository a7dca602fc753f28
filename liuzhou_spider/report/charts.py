"""Bar and point charts as inline SVG: the report opens without a network or a script.

Each mark carries its figure (``data-category``, ``data-series``, ``data-value``) and a
``<title>`` tooltip, so a reader hovering and a test counting see the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 960, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 64
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
           "#ff9da7", "#9c755f", "#bab0ac")
FLAT_LABELS = 8  # up to this many categories the x labels lie flat, beyond they turn
MAX_LABELS = 24  # x labels shown at most; every n-th category beyond that


@dataclass(frozen=True)
class Series:
    """One named row of values, one per category; None where the series has no value."""

    name: str
    values: Sequence[float | None]


def color(index: int) -> str:
    """The series colour, the same in the chart and its legend."""
    return PALETTE[index % len(PALETTE)]


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _frame(chart: str, label: str, categories: Sequence[str], top: float) -> list[str]:
    """The SVG element, the y gridlines with their values, and the x labels."""
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [f'<svg class="chart" data-chart="{escape(chart)}" role="img" '
             f'aria-label="{escape(label)}" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'xmlns="http://www.w3.org/2000/svg">']
    for step in range(5):
        value = top * step / 4
        y = TOP + plot_h - plot_h * step / 4
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" '
                     f'y2="{y:.1f}"/><text class="axis" x="{LEFT - 6}" y="{y + 4:.1f}" '
                     f'text-anchor="end">{_number(round(value, 1))}</text>')
    slot = (WIDTH - LEFT - RIGHT) / max(len(categories), 1)
    every = -(-len(categories) // MAX_LABELS)
    for i, category in enumerate(categories):
        if i % every:
            continue
        x = LEFT + slot * (i + 0.5)
        y = HEIGHT - BOTTOM + 14
        turn = (f'text-anchor="end" transform="rotate(-40 {x:.1f} {y})"'
                if len(categories) > FLAT_LABELS else 'text-anchor="middle"')
        parts.append(f'<text class="axis" x="{x:.1f}" y="{y}" {turn}>{escape(category)}</text>')
    return parts


def _scale_top(values: Sequence[float]) -> float:
    """The axis top: four round steps (whole ones when every value is whole, so counts get
    whole gridlines), the smallest that keeps the highest mark on the chart."""
    highest = max(values, default=0) or 1
    whole = all(float(v).is_integer() for v in values)
    least = highest / 4
    power = 10.0 ** math.floor(math.log10(least))
    for factor in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        step = factor * power
        if step >= least and (not whole or step.is_integer()):
            return 4 * step
    return 4 * math.ceil(least)  # whole steps below 1 do not exist


def bar_chart(chart: str, label: str, categories: Sequence[str], series: Sequence[Series],
              *, stacked: bool = False) -> str:
    """Bars per category: side by side, or stacked (one ``g.stack`` per category)."""
    if stacked:
        totals = [sum(s.values[i] or 0 for s in series) for i in range(len(categories))]
    else:
        totals = [v or 0 for s in series for v in s.values]
    top = _scale_top(totals)
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(categories), 1)
    parts = _frame(chart, label, categories, top)
    for i, category in enumerate(categories):
        x0 = LEFT + slot * i + slot * 0.1
        width = slot * 0.8 if stacked else slot * 0.8 / max(len(series), 1)
        base = 0.0
        parts.append(f'<g class="stack" data-category="{escape(category)}">')
        for j, one in enumerate(series):
            value = one.values[i]
            if value is None:
                continue
            height = plot_h * value / top
            x = x0 if stacked else x0 + width * j
            y = TOP + plot_h - height - (plot_h * base / top if stacked else 0)
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{max(width - 1, 1):.1f}" '
                f'height="{height:.1f}" fill="{color(j)}" data-category="{escape(category)}" '
                f'data-series="{escape(one.name)}" data-value="{_number(value)}">'
                f'<title>{escape(category)} · {escape(one.name)}: {_number(value)}</title></rect>')
            if stacked:
                base += value
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def point_chart(chart: str, label: str, categories: Sequence[str],
                series: Sequence[Series]) -> str:
    """One point per category and series, joined by a line."""
    top = _scale_top([v for s in series for v in s.values if v is not None])
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(categories), 1)
    parts = _frame(chart, label, categories, top)
    for j, one in enumerate(series):
        points = [(LEFT + slot * (i + 0.5), TOP + plot_h - plot_h * value / top, i, value)
                  for i, value in enumerate(one.values) if value is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)
            parts.append(f'<polyline class="line" points="{path}" fill="none" '
                         f'stroke="{color(j)}" stroke-width="2"/>')
        for x, y, i, value in points:
            parts.append(
                f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{color(j)}" '
                f'data-category="{escape(categories[i])}" data-series="{escape(one.name)}" '
                f'data-value="{_number(value)}"><title>{escape(categories[i])} · '
                f'{escape(one.name)}: {_number(value)}</title></circle>')
    parts.append("</svg>")
    return "".join(parts)


def legend(series: Sequence[Series]) -> str:
    """The series names with their colours, as HTML under a chart."""
    items = "".join(f'<li><span class="swatch" style="background:{color(j)}"></span>'
                    f"{escape(one.name)}</li>" for j, one in enumerate(series))
    return f'<ul class="legend">{items}</ul>'
