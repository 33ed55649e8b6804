"""Bar charts drawn on the server as SVG geometry (no charting JavaScript): the page's template
(`components/charts.html`) turns a :class:`Chart` into an inline ``<svg>`` whose colours come
from classes in a stylesheet, so the CSP needs no inline style.

One horizontal bar per row, stacked when a row has several series; the label above the bar and
the total after it, so a long label in any language never overlaps the bars.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

WIDTH: Final = 640
ROW_PITCH: Final = 44  # label line, bar and gap
BAR_HEIGHT: Final = 16
LABEL_BASELINE: Final = 14
VALUE_ROOM: Final = 70  # right of the longest bar, for its figure


@dataclass(frozen=True)
class Bar:
    x: float
    y: int
    width: float
    series: int  # 1-based: the stylesheet's .series-1, .series-2, …


@dataclass(frozen=True)
class Figure:
    """A number written after a bar."""

    x: float
    y: int
    value: int


@dataclass(frozen=True)
class ChartRow:
    label: str
    label_y: int
    bars: tuple[Bar, ...]
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bar_height: int
    rows: tuple[ChartRow, ...]


def bar_chart(rows: Sequence[tuple[str, Sequence[int]]], *, stacked: bool = True,
              width: int = WIDTH) -> Chart:
    """A chart of ``rows`` (label, values by series). Stacked: one bar per row made of its
    series, the total after it. Not stacked: a bar per series under one label, each with its
    figure (for series that overlap, like waits and service times). Bars scale to the largest
    bar (or stacked total)."""
    scale_width = width - VALUE_ROOM
    if stacked:
        largest = max((sum(values) for _label, values in rows), default=0)
    else:
        largest = max((max(values, default=0) for _label, values in rows), default=0)
    if largest <= 0:
        return Chart(width, 0, BAR_HEIGHT, ())  # nothing to draw: the table says the zeros

    def length(value: int) -> float:
        return round(max(value, 0) / largest * scale_width, 1)

    drawn = []
    top = 0
    for label, values in rows:
        bar_y = top + LABEL_BASELINE + 6
        bars: list[Bar] = []
        figures: list[Figure] = []
        if stacked:
            x = 0.0
            for series, value in enumerate(values, start=1):
                if value > 0:
                    bars.append(Bar(x, bar_y, length(value), series))
                    x = round(x + length(value), 1)
            figures.append(Figure(round(x + 6, 1), bar_y + BAR_HEIGHT - 3, sum(values)))
            pitch = ROW_PITCH
        else:
            for series, value in enumerate(values, start=1):
                y = bar_y + (series - 1) * (BAR_HEIGHT + 4)
                if value > 0:
                    bars.append(Bar(0.0, y, length(value), series))
                figures.append(Figure(round(length(value) + 6, 1), y + BAR_HEIGHT - 3, value))
            pitch = ROW_PITCH + (len(values) - 1) * (BAR_HEIGHT + 4)
        drawn.append(ChartRow(label, top + LABEL_BASELINE, tuple(bars), tuple(figures)))
        top += pitch
    return Chart(width, max(top, ROW_PITCH), BAR_HEIGHT, tuple(drawn))
