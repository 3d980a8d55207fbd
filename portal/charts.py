"""Bar chart geometry for charts drawn on the server as inline SVG.

Pure functions: values in, coordinates out. The template
(``templates/components/charts.html``) turns a ``Chart`` into SVG with
presentation attributes and stylesheet classes only (the CSP forbids inline
styles), so charts need no JavaScript and no chart library.

Bars are horizontal, each group's label on its own line above its bars.
Across, everything is a percentage of the chart's width (the SVG is as wide
as the page and is not scaled), so text keeps its size on a 320 px screen;
down, positions are in pixels. Values are written right-aligned at the
right-hand edge, beyond the longest possible bar.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

LABEL_HEIGHT = 24
BAR_HEIGHT = 18
BAR_GAP = 4
GROUP_GAP = 14
# The share of the width bars may use; the rest is kept for the values.
TRACK_PERCENT = 62.0


@dataclass(frozen=True)
class Group:
    """One labelled group of bars: a value and its text for each series."""

    label: str
    values: Sequence[float]
    texts: Sequence[str]
    highlight: bool = False


@dataclass(frozen=True)
class Bar:
    series: int
    x: float
    y: float
    width: float
    height: float
    text: str
    text_y: float


@dataclass(frozen=True)
class DrawnGroup:
    label: str
    label_y: float
    highlight: bool
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Chart:
    height: int
    groups: tuple[DrawnGroup, ...]
    series: tuple[str, ...]


def bar_length(value: float, maximum: float, track: float) -> float:
    """How long a bar is on a track of ``track`` units where ``maximum`` fills it (never negative)."""
    if maximum <= 0 or value <= 0:
        return 0.0
    return round(min(value, maximum) / maximum * track, 1)


def bar_chart(groups: Sequence[Group], series: Sequence[str] = ("",), *, maximum: float | None = None) -> Chart:
    """Lay out ``groups`` of horizontal bars, one bar per series in each group.

    Every bar shares one scale: ``maximum`` (default the largest value) fills
    the track, ``TRACK_PERCENT`` of the width; x and width are percentages.
    """
    for group in groups:
        if len(group.values) != len(series) or len(group.texts) != len(series):
            raise ValueError(f"{group.label!r} needs one value and one text for each of {len(series)} series")
    largest = max((value for group in groups for value in group.values), default=0.0)
    scale = largest if maximum is None else maximum
    track = TRACK_PERCENT
    drawn: list[DrawnGroup] = []
    y = 0.0
    for group in groups:
        label_y = y + LABEL_HEIGHT - 6  # text baseline
        y += LABEL_HEIGHT
        bars = []
        for index, (value, text) in enumerate(zip(group.values, group.texts, strict=True)):
            length = bar_length(value, scale, track)
            bars.append(
                Bar(
                    series=index,
                    x=0.0,
                    y=y,
                    width=length,
                    height=BAR_HEIGHT,
                    text=text,
                    text_y=y + BAR_HEIGHT - 4,
                )
            )
            y += BAR_HEIGHT + BAR_GAP
        drawn.append(DrawnGroup(label=group.label, label_y=label_y, highlight=group.highlight, bars=tuple(bars)))
        y += GROUP_GAP - BAR_GAP
    return Chart(height=max(round(y), 1), groups=tuple(drawn), series=tuple(series))
