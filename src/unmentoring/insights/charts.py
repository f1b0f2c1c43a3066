"""Charts as server-side SVG: no script, readable without colour, each with a data table beside it on the page.

Every chart is an ``<svg role="img">`` named by its own ``<title>`` and ``<desc>``; each bar or point has a
``<title>`` too (its exact value on hover). A screen reader reads the chart as one image, by its title and
description, and the figures in the table beside it. Values are printed on bars wide enough to hold them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# GOV.UK Frontend colours with at least 3:1 contrast on white (WCAG 1.4.11).
COLOURS = ("#1d70b8", "#00703c", "#4c2c92", "#505a5f", "#d53880", "#b58840")
FONT = 'font-family="Arial, sans-serif"'


HIDDEN_MARK = "hidden"  # a value the page may not show: drawn as the word, never as no bar


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | str | None]  # a number, HIDDEN_MARK, or None for nothing


def _nice_top(largest: float) -> tuple[float, float]:
    """An axis top at or above ``largest`` and the step between its five gridlines."""
    if largest <= 0:
        return 1.0, 0.25
    raw = largest / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return step * math.ceil(largest / step), step


def _number(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.2f}"


def _frame(chart_id: str, title: str, description: str, width: int, height: int, body: list[str]) -> SafeString:
    return mark_safe(  # every piece of text in it is escaped as it is built
        f'<svg class="app-chart" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg" {FONT}>'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
        + "".join(body) + "</svg>")


def bar_chart(*, chart_id: str, title: str, description: str, labels: list[str], series: list[Series],
              width: int = 720, height: int = 320) -> SafeString:
    """Grouped bars, one group per label, one bar per series, each with its value printed above it."""
    left, right, top, bottom = 48, 12, 16, 64 + 20 * ((len(series) + 2) // 3)
    plot_w, plot_h = width - left - right, height - top - bottom
    largest = max([v for s in series for v in s.values if isinstance(v, (int, float))] or [0])
    axis_top, step = _nice_top(largest)
    body = []
    for i in range(int(round(axis_top / step)) + 1):
        y = top + plot_h - plot_h * (i * step) / axis_top
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#b1b4b6" stroke-width="1"/>'
                    f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="#0b0c0c">'
                    f'{_number(i * step)}</text>')
    slot = plot_w / max(len(labels), 1)
    bar = max(min(slot * 0.8 / max(len(series), 1), 40), 2)
    for i, label in enumerate(labels):
        start = left + slot * i + (slot - bar * len(series)) / 2
        for j, s in enumerate(series):
            value = s.values[i] if i < len(s.values) else None
            if value is None:
                continue
            if value == HIDDEN_MARK:
                x = start + bar * j + bar / 2
                body.append(f'<text x="{x:.1f}" y="{top + plot_h - 4:.1f}" text-anchor="end" font-size="11" '
                            f'fill="#505a5f" transform="rotate(-90 {x:.1f} {top + plot_h - 4:.1f})">hidden'
                            f'<title>{escape(label)}, {escape(s.name)}: too few answers to show</title></text>')
                continue
            h = plot_h * value / axis_top
            x, y = start + bar * j, top + plot_h - h
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar - 1:.1f}" height="{h:.1f}" fill="{COLOURS[j % len(COLOURS)]}">'
                        f'<title>{escape(label)}, {escape(s.name)}: {_number(value)}</title></rect>')
            if bar >= 14:
                body.append(f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" font-size="11" '
                            f'fill="#0b0c0c">{_number(value)}</text>')
        body.append(f'<text x="{left + slot * i + slot / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
                    f'font-size="12" fill="#0b0c0c">{escape(label)}</text>')
    body.extend(_legend(series, x=left, y=top + plot_h + 36, width=plot_w))
    return _frame(chart_id, title, description, width, height, body)


def _legend(series: list[Series], *, x: float, y: float, width: float) -> list[str]:
    items, per_row = [], 3
    for j, s in enumerate(series):
        ix, iy = x + (j % per_row) * (width / per_row), y + (j // per_row) * 20
        items.append(f'<rect x="{ix:.1f}" y="{iy - 10:.1f}" width="12" height="12" fill="{COLOURS[j % len(COLOURS)]}"/>'
                     f'<text x="{ix + 18:.1f}" y="{iy:.1f}" font-size="12" fill="#0b0c0c">{escape(s.name)}</text>')
    return items


def interval_chart(*, chart_id: str, title: str, description: str, labels: list[str],
                   points: list[tuple[float, float | None, float | None] | None], low: float = 1, high: float = 5,
                   width: int = 720, height: int = 280) -> SafeString:
    """A mean per label, as a dot, with its interval as a line through it; a label without one is left empty."""
    left, right, top, bottom = 48, 12, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom

    def at(value: float) -> float:
        return top + plot_h - plot_h * (value - low) / (high - low)

    body = []
    for tick in range(int(low), int(high) + 1):
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{at(tick):.1f}" y2="{at(tick):.1f}" stroke="#b1b4b6"/>'
                    f'<text x="{left - 6}" y="{at(tick) + 4:.1f}" text-anchor="end" font-size="12" fill="#0b0c0c">{tick}</text>')
    slot = plot_w / max(len(labels), 1)
    previous = None
    for i, (label, point) in enumerate(zip(labels, points, strict=True)):
        cx = left + slot * i + slot / 2
        body.append(f'<text x="{cx:.1f}" y="{top + plot_h + 18}" text-anchor="middle" font-size="12" fill="#0b0c0c">'
                    f'{escape(label)}</text>')
        if point is None:
            previous = None
            continue
        mean, lo, hi = point
        if previous is not None:
            body.append(f'<line x1="{previous[0]:.1f}" y1="{previous[1]:.1f}" x2="{cx:.1f}" y2="{at(mean):.1f}" '
                        f'stroke="{COLOURS[0]}" stroke-width="2"/>')
        words = f"{escape(label)}: mean {mean:.2f}"
        if lo is not None and hi is not None:
            words += f", 95% interval {lo:.2f} to {hi:.2f}"
            body.append(f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{at(lo):.1f}" y2="{at(hi):.1f}" stroke="#0b0c0c" '
                        f'stroke-width="2"/>')
        body.append(f'<circle cx="{cx:.1f}" cy="{at(mean):.1f}" r="5" fill="{COLOURS[0]}"><title>{words}</title></circle>')
        previous = (cx, at(mean))
    return _frame(chart_id, title, description, width, height, body)
