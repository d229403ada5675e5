"""Bar charts as plain geometry for inline SVG that fits any width without squashing text.

The CSP allows no inline style, so all geometry is in attributes. A chart is two SVGs
side by side (templates/_chart.html, static/charts.css): a y-axis of fixed width in
pixels (its label and a few round ticks), and the plot, whose horizontal positions are
percentages of its width and vertical ones pixels. Nothing is scaled, so labels keep
their size on a 360 px phone and on a desktop alike; to keep them from running into
each other, only every Nth bar is labelled, N chosen so that the labels fit the plot at
its narrowest (`MIN_PLOT_PX`, the plot on a 360 px wide screen).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

HEIGHT = 190  # px, the whole chart
TOP = 12.0  # px above the highest tick (room for its label)
BASE = 160.0  # px: y of the axis line; x labels below it
LABEL_Y = 178.0  # px: baseline of the x labels
AXIS_WIDTH = 48  # px: the y-axis column
MIN_PLOT_PX = 240  # the plot's width on a 360 px wide screen, less a little
LABEL_GAP_PX = 10  # between two x labels at least
CHAR_PX = 7.0  # a character of an 11 px label, wide ones included
MAX_TICKS = 5  # round ticks on the y-axis, 0 included
STEPS = (1, 2, 5)  # a tick step is one of these times a power of ten


@dataclass(frozen=True)
class Tick:
    y: float  # px
    label: str


@dataclass(frozen=True)
class Bar:
    x: float  # % of the plot's width
    width: float  # %
    y: float  # px
    height: float  # px
    value: int
    label: str  # under the bar, from its left edge (empty to thin the axis out)
    title: str  # the tooltip: what the bar is and its value in words
    row: str  # the first cell of its row in the table of numbers
    partial: bool = False  # drawn outlined: a period only partly covered


@dataclass(frozen=True)
class BarChart:
    height: int
    base: float  # y of the axis line, px
    label_y: float  # baseline of the x labels, px
    axis_width: int  # px
    axis_label: str  # what the y-axis counts, e.g. "Cramps"
    top: int  # the largest value
    ticks: tuple[Tick, ...]  # from 0 up
    bars: tuple[Bar, ...]

    @property
    def any_partial(self) -> bool:
        return any(b.partial for b in self.bars)


def tick_step(top: int, most: int = MAX_TICKS) -> int:
    """The smallest round step (1, 2, 5, 10, 20, ...) giving at most `most` ticks from 0
    to the first tick at or above `top`."""
    magnitude = 1
    while True:
        for step in STEPS:
            size = step * magnitude
            if math.ceil(max(top, 1) / size) + 1 <= most:
                return size
        magnitude *= 10


def nice_ticks(top: int, most: int = MAX_TICKS) -> list[int]:
    """Round whole-number ticks from 0 covering `top`: 7 -> [0, 2, 4, 6, 8]."""
    step = tick_step(top, most)
    return list(range(0, math.ceil(max(top, 1) / step) * step + 1, step))


def label_every(count: int, label_chars: int, plot_px: float = MIN_PLOT_PX) -> int:
    """Label every Nth of `count` bars so that labels of `label_chars` characters fit
    side by side in `plot_px` pixels."""
    room = label_chars * CHAR_PX + LABEL_GAP_PX
    slot = plot_px / max(count, 1)
    return max(1, math.ceil(room / slot))


def bar_chart(
    values: Sequence[int],
    labels: Sequence[str],
    titles: Sequence[str],
    *,
    rows: Sequence[str],
    axis_label: str,
    partial: Sequence[bool] | None = None,
    min_slots: int = 1,
    newest_labelled: bool = False,
) -> BarChart:
    """Bars scaled to round ticks. Labels are thinned to fit `MIN_PLOT_PX`; with
    `newest_labelled` the counting starts from the last bar (the latest week is always
    labelled), else from the first. Fewer bars than `min_slots` keep the width of
    `min_slots` bars and stand at the right end (one week is not one wide block)."""
    count = len(values)
    partial = partial or [False] * count
    ticks = nice_ticks(max(values, default=0))
    scale = (BASE - TOP) / ticks[-1]
    slots = max(count, min_slots)
    slot = 100 / slots
    gap = min(slot * 0.2, 100 * 4 / MIN_PLOT_PX)
    every = label_every(slots, max((len(label) for label in labels), default=1))
    label_px = max((len(label) for label in labels), default=0) * CHAR_PX
    first_slot = slots - count

    def labelled(i: int) -> bool:
        from_end = count - 1 - i if newest_labelled else i
        fits = (slots - first_slot - i) * MIN_PLOT_PX / slots >= label_px  # not past the edge
        return from_end % every == 0 and fits

    bars = tuple(
        Bar(
            x=round((first_slot + i) * slot + gap / 2, 3),
            width=round(slot - gap, 3),
            y=round(BASE - value * scale, 2),
            height=round(value * scale, 2),
            value=value,
            label=label if labelled(i) else "",
            title=title,
            row=row,
            partial=part,
        )
        for i, (value, label, title, row, part) in enumerate(
            zip(values, labels, titles, rows, partial, strict=True)
        )
    )
    return BarChart(
        height=HEIGHT,
        base=BASE,
        label_y=LABEL_Y,
        axis_width=AXIS_WIDTH,
        axis_label=axis_label,
        top=max(values, default=0),
        ticks=tuple(Tick(round(BASE - t * scale, 2), str(t)) for t in ticks),
        bars=bars,
    )
