"""The designations chart as inline SVG, drawn on the server: bars per month and a line
for the running total, each with its own axis. Pure: counts in, markup out.

Two layouts, because a chart scaled down to a phone has unreadable labels: the wide one
labels every year, the narrow one every second year with the same type size.
Every text placed in the markup is escaped here (the template inserts it as is).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from pipelines.register.stats import PeriodCount

BAR_COLOUR = "#3d6a9e"
LINE_COLOUR = "#b3261e"
GRID_COLOUR = "#d9dde3"
TEXT_COLOUR = "#33373d"


@dataclass(frozen=True)
class Layout:
    name: str  # part of the element ids, unique per layout on a page
    width: int
    height: int
    font: int
    year_step: int  # label every n-th year
    stacked_legend: bool = False  # the two keys on two lines (a narrow chart has no room)
    left: int = 46
    right: int = 56
    top: int = 44
    bottom: int = 30


WIDE = Layout("wide", 960, 380, 13, 1)
NARROW = Layout("narrow", 400, 360, 14, 2, True, left=34, right=44, top=66)


@dataclass(frozen=True)
class ChartText:
    title: str
    description: str
    bars: str  # the legend of the bars (and their axis)
    line: str  # the legend of the line


def nice_step(raw: float) -> float:
    """The round step (1, 2, 5 × 10ⁿ; 2.5 × 10ⁿ from 25 up) at or above `raw`, at least 1."""
    if raw <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(raw))
    multipliers = (1, 2, 2.5, 5, 10) if magnitude >= 10 else (1, 2, 5, 10)
    return next(m * magnitude for m in multipliers if m * magnitude >= raw)


def axis_ticks(bar_peak: int, line_peak: int) -> tuple[int, float, float]:
    """(ticks, bar step, line step): both axes share their gridlines, with the number of
    ticks that leaves the least empty height above the tallest bar and the line's end."""
    options = []
    for ticks in (4, 5, 6):
        bar, line = nice_step(bar_peak / ticks), nice_step(line_peak / ticks)
        waste = bar * ticks / max(bar_peak, 1) + line * ticks / max(line_peak, 1)
        options.append((waste, ticks, bar, line))
    _, ticks, bar, line = min(options)
    return ticks, bar, line


def _number(value: float) -> str:
    return f"{value:,.0f}".replace(",", "\u202f")  # a thin space groups thousands in any language


def _text(x: float, y: float, content: str, size: int, anchor: str = "middle",
          colour: str = TEXT_COLOUR, weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'fill="{colour}" font-weight="{weight}">{escape(content)}</text>')


def render_chart(months: Sequence[PeriodCount], text: ChartText, layout: Layout = WIDE) -> str:
    """The chart as an <svg> element; empty when there is no month to draw."""
    if not months:
        return ""
    lay = layout
    plot_w = lay.width - lay.left - lay.right
    plot_h = lay.height - lay.top - lay.bottom
    base = lay.top + plot_h
    band = plot_w / len(months)
    ticks, bar_step, line_step = axis_ticks(max(m.count for m in months), months[-1].cumulative)
    bar_top = bar_step * ticks
    line_top = line_step * ticks
    ids = f"chart-{lay.name}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{lay.name}" '
        f'viewBox="0 0 {lay.width} {lay.height}" role="img" '
        f'aria-labelledby="{ids}-title {ids}-desc" font-family="system-ui, -apple-system, '
        f'Segoe UI, Roboto, sans-serif">',
        f'<title id="{ids}-title">{escape(text.title)}</title>',
        f'<desc id="{ids}-desc">{escape(text.description)}</desc>',
    ]
    # horizontal grid and both axes' labels, on the bars' ticks
    for i in range(ticks + 1):
        y = base - plot_h * i / ticks
        parts.append(f'<line x1="{lay.left}" x2="{lay.width - lay.right}" y1="{y:.1f}" '
                     f'y2="{y:.1f}" stroke="{GRID_COLOUR}" stroke-width="1"/>')
        parts.append(_text(lay.left - 6, y + lay.font / 3, _number(i * bar_step), lay.font,
                           "end", BAR_COLOUR))
        parts.append(_text(lay.width - lay.right + 6, y + lay.font / 3, _number(i * line_step),
                           lay.font, "start", LINE_COLOUR))
    # years along the bottom
    for i, m in enumerate(months):
        if m.period.endswith("-01") or i == 0:
            x = lay.left + i * band
            parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{base}" y2="{base + 5}" '
                         f'stroke="{TEXT_COLOUR}" stroke-width="1"/>')
            if int(m.period[:4]) % lay.year_step == 0 and i + 6 < len(months):
                parts.append(_text(x + 6 * band, base + lay.font + 6, m.period[:4], lay.font))
    # bars
    for i, m in enumerate(months):
        if m.count:
            height = plot_h * m.count / bar_top
            parts.append(f'<rect x="{lay.left + i * band + band * 0.1:.2f}" '
                         f'y="{base - height:.2f}" width="{max(band * 0.8, 1):.2f}" '
                         f'height="{height:.2f}" fill="{BAR_COLOUR}">'
                         f'<title>{escape(m.period)}: {m.count}</title></rect>')
    # the running total, scaled to its own axis on the right
    points = " ".join(f"{lay.left + (i + 0.5) * band:.1f},{base - plot_h * m.cumulative / line_top:.1f}"
                      for i, m in enumerate(months))
    parts.append(f'<polyline points="{points}" fill="none" stroke="{LINE_COLOUR}" '
                 f'stroke-width="2.5" stroke-linejoin="round"/>')
    parts.append(f'<line x1="{lay.left}" x2="{lay.width - lay.right}" y1="{base}" y2="{base}" '
                 f'stroke="{TEXT_COLOUR}" stroke-width="1"/>')
    parts.extend(_legend(text, lay))
    parts.append("</svg>")
    return "\n".join(parts)


def _legend(text: ChartText, lay: Layout) -> list[str]:
    """The two keys above the plot: the bars' at the left, the line's at the right edge,
    or below the bars' in a stacked legend."""
    line_y = lay.top - 22
    if lay.stacked_legend:
        bars_y, swatch_x, text_x, anchor = line_y - lay.font - 8, lay.left, lay.left + 18, "start"
    else:
        bars_y, swatch_x = line_y, lay.width - lay.right - 14
        text_x, anchor = swatch_x - 6, "end"
    return [
        f'<rect x="{lay.left}" y="{bars_y - 10}" width="12" height="12" fill="{BAR_COLOUR}"/>',
        _text(lay.left + 18, bars_y, text.bars, lay.font, "start", TEXT_COLOUR, "600"),
        f'<line x1="{swatch_x}" x2="{swatch_x + 14}" y1="{line_y - 4}" y2="{line_y - 4}" '
        f'stroke="{LINE_COLOUR}" stroke-width="3"/>',
        _text(text_x, line_y, text.line, lay.font, anchor, TEXT_COLOUR, "600"),
    ]
