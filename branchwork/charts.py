"""Small server-rendered SVG charts: a line chart and a bar chart.

Pure string building, no JavaScript and no library, so the same markup goes into a web
page and into a WeasyPrint PDF (the annual reports). Every label is XML-escaped; the
font family names CJK fonts first so Chinese labels render in the PDF too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from django.utils.safestring import SafeString, mark_safe

FONT_FAMILY = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'
)
# Calm, distinguishable on paper and screen; the first is the app's red.
PALETTE = ("#b22222", "#1f5f99", "#2e7d32", "#8d6e00", "#6a1b9a", "#00838f")


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]  # None: no value at this point (a gap in the line)


def _fmt(number: float) -> str:
    text = f"{number:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _nice_range(values: Sequence[float], floor: float | None, ceiling: float | None):
    low = min(values) if floor is None else floor
    high = max(values) if ceiling is None else ceiling
    if high <= low:
        high = low + 1
    return low, high


def _frame(width: int, height: int, title: str, body: list[str]) -> SafeString:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label={quoteattr(title)} '
        f'font-family={quoteattr(FONT_FAMILY)} font-size="11">',
        f"<title>{escape(title)}</title>",
        *body,
        "</svg>",
    ]
    return mark_safe("".join(parts))  # every interpolated text went through escape()


def _count_axis(high: float) -> tuple[float, int]:
    """A round top and tick count for an axis of counts from zero: ticks 1, 2 or 5 times a
    power of ten apart, at most six of them (7 → 0, 2, 4, 6, 8; 1,952 → 0, 500, … 2,000)."""
    magnitude = 1.0
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            ticks = math.ceil(high / step)
            if ticks <= 6:
                return step * max(ticks, 1), max(ticks, 1)
        magnitude *= 10


def _y_axis(
    low: float, high: float, top: int, bottom: int, left: int, right: int, steps: int = 4
) -> list[str]:
    body = []
    for step in range(steps + 1):
        value = low + (high - low) * step / steps
        y = bottom - (bottom - top) * step / steps
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#dde1e6"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#5c6670">'
            f"{escape(_fmt(value))}</text>"
        )
    return body


def line_chart(
    *,
    x_labels: Sequence[str],
    series: Sequence[Series],
    title: str,
    width: int = 360,
    height: int = 220,
    y_min: float | None = None,
    y_max: float | None = None,
) -> SafeString:
    """One polyline per series over shared x labels (terms, months…); a legend below."""
    values = [v for s in series for v in s.values if v is not None]
    legend_rows = (len(series) + 2) // 3
    left, right, top = 40, width - 12, 14
    bottom = height - 34 - 16 * legend_rows
    body: list[str] = []
    if not values or not x_labels:
        body.append(
            f'<text x="{width / 2:.0f}" y="{height / 2:.0f}" text-anchor="middle" '
            f'fill="#5c6670">{escape(title)}</text>'
        )
        return _frame(width, height, title, body)
    low, high = _nice_range(values, y_min, y_max)
    body += _y_axis(low, high, top, bottom, left, right)
    count = len(x_labels)

    def x_at(i: int) -> float:
        return left + (right - left) * (i + 0.5) / count

    def y_at(v: float) -> float:
        return bottom - (bottom - top) * (v - low) / (high - low)

    for i, label in enumerate(x_labels):
        body.append(
            f'<text x="{x_at(i):.1f}" y="{bottom + 14}" text-anchor="middle" fill="#5c6670">'
            f"{escape(str(label))}</text>"
        )
    for n, s in enumerate(series):
        colour = PALETTE[n % len(PALETTE)]
        points = [(x_at(i), y_at(v)) for i, v in enumerate(s.values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        for (x, y), v in zip(points, [v for v in s.values if v is not None], strict=True):
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}">'
                f"<title>{escape(s.label)}: {escape(_fmt(v))}</title></circle>"
            )
        lx = left + (n % 3) * ((right - left) / 3)
        ly = bottom + 30 + (n // 3) * 16
        body.append(
            f'<rect x="{lx:.1f}" y="{ly - 8}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{lx + 14:.1f}" y="{ly + 1}" fill="#1f2933">{escape(s.label)}</text>'
        )
    return _frame(width, height, title, body)


def bar_chart(
    *,
    labels: Sequence[str],
    values: Sequence[float],
    title: str,
    width: int = 360,
    height: int = 200,
) -> SafeString:
    """Vertical bars from zero, the value written above each bar."""
    left, right, top, bottom = 40, width - 12, 14, height - 24
    body: list[str] = []
    if not values:
        return _frame(width, height, title, body)
    high, steps = _count_axis(max(max(values), 1))
    body += _y_axis(0, high, top, bottom, left, right, steps)
    slot = (right - left) / len(values)
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        bar_height = (bottom - top) * value / high
        x = left + slot * i + slot * 0.15
        body.append(
            f'<rect x="{x:.1f}" y="{bottom - bar_height:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{bar_height:.1f}" fill="{PALETTE[0]}"/>'
            f'<text x="{x + slot * 0.35:.1f}" y="{bottom - bar_height - 3:.1f}" '
            f'text-anchor="middle" fill="#1f2933">{escape(_fmt(value))}</text>'
            f'<text x="{x + slot * 0.35:.1f}" y="{bottom + 14}" text-anchor="middle" '
            f'fill="#5c6670">{escape(str(label))}</text>'
        )
    return _frame(width, height, title, body)
