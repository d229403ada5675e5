"""Bar charts as plain geometry for an inline SVG (the CSP allows no inline style)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str  # under the bar (may be empty to thin the axis out)
    title: str  # the tooltip and the table row


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    base: float  # y of the axis line
    top: int  # the largest value
    bars: tuple[Bar, ...]


def bar_chart(
    values: Sequence[int],
    labels: Sequence[str],
    titles: Sequence[str],
    *,
    width: int = 640,
    height: int = 180,
    label_every: int = 1,
) -> BarChart:
    """Bars scaled to the largest value, in a width x height box (20 px kept for labels)."""
    base = height - 20.0
    top = max([*values, 1])
    slot = width / max(len(values), 1)
    gap = min(4.0, slot * 0.2)
    bars = tuple(
        Bar(
            x=round(i * slot + gap / 2, 2),
            y=round(base - (value / top) * (base - 8), 2),
            width=round(slot - gap, 2),
            height=round((value / top) * (base - 8), 2),
            value=value,
            label=label if i % label_every == 0 else "",
            title=title,
        )
        for i, (value, label, title) in enumerate(zip(values, labels, titles, strict=True))
    )
    return BarChart(width, height, base, max(values, default=0), bars)
