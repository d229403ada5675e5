"""The report for the doctor as a PDF: one or two A4 pages drawn with matplotlib.

`render_report_pdf(content)` lays out a `ReportContent` (insights.report_content): a
header, the key facts, three charts, the sections and the numbered sources, with the
footer on every page. Text is wrapped by measured widths (DejaVu Sans, 8 pt and up: each
character measured once per font, a line's width summed from them, so the layout takes
time linear in the text however long its words) and flowed down the page, so nothing
overlaps; when it would take more than two pages the body shrinks to 8 pt, and only then
is the end cut, with a note saying so. Output is deterministic: no creation date, no
random ids. matplotlib is imported when called.

`python -m crampcoach.export.report_pdf docs/sample-report.pdf` writes the sample.
"""

from __future__ import annotations

import io
import sys
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crampcoach.errors import UserError
from crampcoach.insights.reading import MONTHS, PARTIAL_NOTE, number
from crampcoach.insights.report_content import (
    ReportContent,
    Section,
    TrendLine,
    WeeklySeries,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PAGE_W, PAGE_H = 8.27, 11.69  # A4 portrait, inches
LEFT, RIGHT, TOP, BOTTOM = 0.75, 0.75, 0.6, 1.0  # BOTTOM: where the footer begins
WIDTH = PAGE_W - LEFT - RIGHT
LABEL_W = 1.5  # the key facts' label column
SAFETY = 0.97  # wrap a little short of the measured width: PDF and Agg metrics differ
LEADING = 1.32
FONT = "DejaVu Sans"
SMALL, HEADING, TITLE = 8.0, 10.5, 15.0
INK, MUTED, HEAD, ALERT, BAR = "#1a1a1a", "#555555", "#0b3954", "#b00020", "#3b75af"
Y_TICKS = 5  # at most this many round ticks on a y-axis
MAX_PAGES = 2
CUT_NOTE = (
    "[Cut to two pages: what follows here did not fit and is left out; crampcoach holds "
    "the whole diary.]"
)
KEEP_TOGETHER = 1.2  # inches of a section kept on its heading's page
MAX_KNOWN_CHARS = 20_000  # advances remembered per font before starting over


@dataclass(frozen=True)
class Item:
    """Something placed in the flow: its height and how to draw it with its top at y
    (inches from the top of the page)."""

    height: float
    draw: Callable[[Figure, float], None]
    keep: float = 0.0  # inches of what follows that must share its page (headings)
    is_gap: bool = False  # dropped at the top of a page


Placed = tuple[float, Item]  # an item and the top of it on its page, inches


def _matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError:  # pragma: no cover - a dependency, but say so plainly
        raise UserError("the PDF report needs matplotlib: pip install matplotlib") from None
    return matplotlib


@cache
def _renderer() -> Any:
    from matplotlib.backends.backend_agg import RendererAgg

    return RendererAgg(10, 10, 720)  # 10 pixels a point: widths to a tenth of a point


def _width_pt(text: str, size: float, bold: bool) -> float:
    """The width of a text in points as matplotlib lays it out (kerning included). Each
    call costs time that grows with the text, so the layout measures single characters
    only, once each (`_char_widths`)."""
    from matplotlib.font_manager import FontProperties

    prop = FontProperties(family=FONT, size=size, weight="bold" if bold else "normal")
    return _renderer().get_text_width_height_descent(text, prop, ismath=False)[0] / 10


@cache
def _advances(size: float, bold: bool) -> dict[str, float]:
    """Each character's advance width in points, measured on its first use at this size
    and weight (a dict per font: a lookup is all a known character costs)."""
    return {}


def _char_widths(text: str, size: float, bold: bool) -> list[float]:
    """The advance of each character of a text, in points. Their sum is the text's width
    less kerning, which narrows far more pairs than it widens; SAFETY covers the rest."""
    known = _advances(size, bold)
    if len(known) > MAX_KNOWN_CHARS:  # only a text made to fill memory gets here
        known.clear()
    widths = []
    for char in text:
        width = known.get(char)
        if width is None:
            width = known[char] = _width_pt(char, size, bold)
        widths.append(width)
    return widths


def _text_pt(text: str, size: float, bold: bool) -> float:
    """A text's width in points, summed from its characters' advances."""
    return sum(_char_widths(text, size, bold))


def _pieces(word: str, limit: float, size: float, bold: bool) -> list[tuple[str, float]]:
    """A word as pieces no wider than `limit` points, each with its width (only a very
    long word, e.g. a URL, has more than one). Each cut is a bisection of the running sum
    of the advances, so the time grows with the word's length, not its square."""
    ends = list(accumulate(_char_widths(word, size, bold)))
    if not ends or ends[-1] <= limit:
        return [(word, ends[-1] if ends else 0.0)]
    pieces = []
    start, before = 0, 0.0
    while start < len(word):
        end = max(bisect_right(ends, before + limit, lo=start), start + 1)
        pieces.append((word[start:end], ends[end - 1] - before))
        start, before = end, ends[end - 1]
    return pieces


def _wrap(text: str, width_in: float, size: float, bold: bool = False) -> list[str]:
    """Greedy word wrap to a width in inches, by measured advances: time linear in the
    text's length."""
    limit = width_in * 72 * SAFETY
    space = _text_pt(" ", size, bold)
    lines: list[str] = []
    line: list[str] = []
    used = 0.0
    for word in text.split():
        for piece, w in _pieces(word, limit, size, bold):
            if line and used + space + w > limit:
                lines.append(" ".join(line))
                line, used = [], 0.0
            used += space + w if line else w
            line.append(piece)
    if line:
        lines.append(" ".join(line))
    return lines or [""]


def _line_h(size: float) -> float:
    return size * LEADING / 72


@cache
def _plain_glyphs() -> dict[str, tuple[str, ...]]:
    """No ligatures where matplotlib shapes text (3.11+): "fi" as two letters copies and
    searches as written, and the PDF embeds each font once, not twice."""
    from matplotlib.text import Text

    return {"fontfeatures": ("-liga",)} if hasattr(Text, "set_fontfeatures") else {}


def _put(fig: Figure, x: float, y: float, text: str, size: float, **style: Any) -> None:
    """Text with its line's top at (x, y) inches from the top-left of the page."""
    fig.text(
        x / PAGE_W,
        1 - (y + size * 0.95 / 72) / PAGE_H,  # the baseline, an ascent below the top
        text,
        fontsize=size,
        family=FONT,
        va="baseline",
        parse_math=False,
        color=style.pop("color", INK),
        **_plain_glyphs(),
        **style,
    )


def _lines(
    text: str, size: float, *, x: float = LEFT, width: float = WIDTH, **style: Any
) -> list[Item]:
    """A paragraph as one item a line, so that it can break across pages."""
    h = _line_h(size)
    bold = style.get("weight") == "bold"
    return [
        Item(h, lambda fig, y, s=line: _put(fig, x, y, s, size, **dict(style)))
        for line in _wrap(text, width, size, bold)
    ]


def _gap(h: float) -> Item:
    return Item(h, lambda fig, y: None, is_gap=True)


def _heading(title: str, alert: bool, keep: float = 0.0) -> list[Item]:
    def draw(fig: Figure, y: float) -> None:
        _put(fig, LEFT, y, title, HEADING, weight="bold", color=ALERT if alert else HEAD)
        rule = 1 - (y + _line_h(HEADING) - 0.02) / PAGE_H
        fig.add_artist(_rule(rule))

    return [_gap(0.1), Item(_line_h(HEADING) + 0.03, draw, keep=keep)]


def _rule(y_frac: float) -> Any:
    from matplotlib.lines import Line2D

    return Line2D([LEFT / PAGE_W, 1 - RIGHT / PAGE_W], [y_frac, y_frac], color="#c8d3dc", lw=0.6)


def _fact_items(content: ReportContent, body: float) -> list[Item]:
    items: list[Item] = []
    for fact in content.facts:
        values = _wrap(fact.value, WIDTH - LABEL_W, body, fact.alert)
        for i, value in enumerate(values):

            def draw(
                fig: Figure,
                y: float,
                v: str = value,
                first: bool = i == 0,
                label: str = fact.label,
                alert: bool = fact.alert,
            ) -> None:
                if first:
                    _put(fig, LEFT, y, label, body, weight="bold", color=HEAD)
                _put(
                    fig,
                    LEFT + LABEL_W,
                    y,
                    v,
                    body,
                    color=ALERT if alert else INK,
                    weight="bold" if alert else "normal",
                )

            items.append(Item(_line_h(body), draw))
    return items


def _date_axis(ax: Any, first: date, last: date, width: float) -> None:
    import matplotlib.dates as mdates
    from matplotlib.ticker import FuncFormatter

    span = (last - first).days
    most = max(2, int(width / 0.9))  # a label is about 0.6 inches wide
    locator = mdates.AutoDateLocator(minticks=min(3, most - 1), maxticks=most)

    def label(value: float, _pos: int) -> str:
        d = mdates.num2date(value).date()
        if span <= 62:
            return f"{d.day} {MONTHS[d.month - 1]}"
        return f"{MONTHS[d.month - 1]} {d.year}" if span <= 3 * 366 else str(d.year)

    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(FuncFormatter(label))
    ax.set_xlim(mdates.date2num(first), mdates.date2num(last))


def _style(ax: Any) -> None:
    ax.tick_params(labelsize=SMALL, length=2.5, colors=MUTED)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="y", color="#e5e5e5", lw=0.5)
    ax.set_axisbelow(True)


def _count_axis(ax: Any, top: float, label: str) -> None:
    """A y-axis of counts from 0, with a few round whole-number ticks and its label."""
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(nbins=Y_TICKS - 1, integer=True, min_n_ticks=2))
    ax.set_ylim(0, max(top * 1.08, 1))
    ax.set_ylabel(label, fontsize=SMALL, color=MUTED)


def _axes(fig: Figure, x: float, y: float, w: float, h: float) -> Any:
    """Axes whose box spans x..x+w, y..y+h (inches from the top-left)."""
    return fig.add_axes((x / PAGE_W, 1 - (y + h) / PAGE_H, w / PAGE_W, h / PAGE_H))


def weekly_title(weekly: WeeklySeries) -> tuple[str, str]:
    """The chart of cramps per week: its title (what a bar is) and its key (what is
    marked), each short enough for one line."""
    title = (
        f"Cramps per week, mean over {weekly.bar_weeks}-week spans"
        if weekly.bar_weeks > 1
        else "Cramps per week, as counted (Monday to Sunday)"
    )
    marks = [PARTIAL_NOTE] if any(weekly.bar_partial) else []
    if weekly.average is not None:
        marks.append(f"Dashed line: {number(weekly.average)} a week over the whole period.")
    return title, " ".join(marks)


def _weekly_chart(fig: Figure, y: float, weekly: WeeklySeries) -> None:
    import matplotlib.dates as mdates
    import numpy as np
    from matplotlib.patches import Rectangle

    title, key = weekly_title(weekly)
    _put(fig, LEFT, y, title, 9.0, weight="bold", color=HEAD)
    _put(fig, LEFT, y + 0.19, key, SMALL, color=MUTED)
    ax = _axes(fig, LEFT + 0.5, y + 0.42, WIDTH - 0.55, 1.3)
    edges = [*weekly.bar_starts, weekly.starts[-1] + timedelta(days=7)]
    x = mdates.date2num(np.array(edges, dtype="datetime64[D]"))
    whole = [
        0 if partial else v
        for v, partial in zip(weekly.bar_cramps, weekly.bar_partial, strict=True)
    ]
    ax.stairs(whole, x, fill=True, color=BAR, lw=0)  # one artist for all the whole weeks
    for i, partial in enumerate(weekly.bar_partial):  # outlined: the first and last, at most
        if partial:
            ax.add_patch(
                Rectangle(
                    (x[i], 0), x[i + 1] - x[i], weekly.bar_cramps[i], fill=False, ec=BAR, lw=0.8
                )
            )
    if weekly.average is not None:
        ax.axhline(weekly.average, color=INK, lw=0.8, ls="--")
    _count_axis(ax, max([*weekly.bar_cramps, weekly.average or 0]), "cramps")
    _date_axis(ax, edges[0], edges[-1], WIDTH - 0.55)
    _style(ax)


def _hours_chart(fig: Figure, y: float, x0: float, w: float, content: ReportContent) -> None:
    hours = content.hours or ()
    _put(fig, x0, y, "Time of night (local hour the cramp began)", 9.0, weight="bold", color=HEAD)
    ax = _axes(fig, x0 + 0.45, y + 0.28, w - 0.5, 1.75)
    ax.bar(range(len(hours)), [h.cramps for h in hours], color=BAR, width=0.8)
    ticks = range(0, len(hours), 3)
    ax.set_xticks(list(ticks), [f"{hours[i].hour:02d}h" for i in ticks])
    ax.set_xlim(-0.6, len(hours) - 0.4)
    _count_axis(ax, max((h.cramps for h in hours), default=0), "cramps")
    _style(ax)


def _trend_axes(
    ax: Any,
    starts: tuple[date, ...],
    values: tuple[float | None, ...],
    line: TrendLine | None,
    ylabel: str,
    width: float,
) -> None:
    import matplotlib.dates as mdates

    mid = [
        mdates.date2num(s + timedelta(days=3.5))
        for s, v in zip(starts, values, strict=True)
        if v is not None
    ]
    ax.scatter(mid, [v for v in values if v is not None], s=5, color=BAR, lw=0)
    if line is not None:
        ends = [mdates.date2num(d + timedelta(days=3.5)) for d in (line.first_week, line.last_week)]
        ax.plot(
            ends,
            [line.first_value, line.last_value],
            color=INK,
            lw=1.1,
            ls="-" if line.clear else "--",
        )
    ax.set_ylabel(ylabel, fontsize=SMALL, color=MUTED)
    _date_axis(ax, starts[0], starts[-1] + timedelta(days=7), width)
    _style(ax)


def _severity_chart(fig: Figure, y: float, x0: float, w: float, weekly: WeeklySeries) -> None:
    _put(
        fig,
        x0,
        y,
        "Severity and cramp length, weekly means",
        9.0,
        weight="bold",
        color=HEAD,
    )
    top = _axes(fig, x0 + 0.45, y + 0.28, w - 0.5, 0.78)
    _trend_axes(top, weekly.starts, weekly.mean_severity, weekly.severity_line, "severity", w)
    top.set_ylim(0, 10)
    top.tick_params(labelbottom=False)
    bottom = _axes(fig, x0 + 0.45, y + 1.25, w - 0.5, 0.78)
    _trend_axes(
        bottom, weekly.starts, weekly.mean_duration_s, weekly.duration_line, "length (s)", w
    )
    bottom.set_ylim(bottom=0)


def _chart_items(content: ReportContent, body: float) -> list[Item]:
    weekly = content.weekly
    if weekly is None:
        return []
    half = (WIDTH - 0.3) / 2
    if weekly.chart_reason is None:
        first = [Item(2.05, lambda fig, y: _weekly_chart(fig, y, weekly))]
    else:  # too few nights: the same sentence as the web page, no chart
        first = [
            *_heading("Cramps per week", False),
            *_lines(weekly.chart_reason, body),
            _gap(0.1),
        ]
    return [
        _gap(0.12),
        *first,
        _gap(0.05),
        Item(
            2.35,
            lambda fig, y: (
                _hours_chart(fig, y, LEFT, half, content),
                _severity_chart(fig, y, LEFT + half + 0.3, half, weekly),
            ),
        ),
    ]


def _header(content: ReportContent) -> list[Item]:
    def draw(fig: Figure, y: float) -> None:
        _put(fig, LEFT, y, content.title, TITLE, weight="bold", color=HEAD)
        _put(fig, PAGE_W - RIGHT, y + 0.1, content.made, 9.0, color=MUTED, ha="right")
        _put(fig, LEFT, y + 0.32, content.period, 10.0)
        fig.add_artist(_rule(1 - (y + 0.58) / PAGE_H))

    return [Item(0.7, draw)]


def _section(section: Section, body: float) -> list[Item]:
    lines: list[Item] = []
    for i, line in enumerate(section.lines):
        lines += _lines(line, body, color=ALERT if i in section.alert_lines else INK)
        lines.append(_gap(0.035))
    keep = min(sum(item.height for item in lines), KEEP_TOGETHER)
    return _heading(section.title, section.alert, keep) + lines


def _sources(sources: tuple[str, ...]) -> list[Item]:
    lines: list[Item] = []
    for n, source in enumerate(sources, start=1):
        wrapped = _lines(source, SMALL, x=LEFT + 0.3, width=WIDTH - 0.3, color=MUTED)
        first = wrapped[0]
        wrapped[0] = Item(
            first.height,
            lambda fig, y, tag=f"[{n}]", draw=first.draw: (
                _put(fig, LEFT, y, tag, SMALL, color=MUTED),
                draw(fig, y),
            ),
        )
        lines += wrapped
    keep = min(sum(item.height for item in lines), KEEP_TOGETHER)
    return _heading("Sources", False, keep) + lines


def _items(content: ReportContent, body: float) -> tuple[list[Item], list[Item]]:
    """The report's items: the body, and the sources (kept whole if the body is cut)."""
    items = _header(content) + _fact_items(content, body) + _chart_items(content, body)
    for section in content.sections:
        items += _section(section, body)
    return items, _sources(content.sources) if content.sources else []


def _paginate(items: list[Item], top_of_next: float) -> list[list[Placed]]:
    """Items flowed down pages; a page starts over when the next item (and what it keeps
    with it) would run into the footer."""
    limit = PAGE_H - BOTTOM
    pages: list[list[Placed]] = [[]]
    y = TOP
    for item in items:
        if y + item.height + item.keep > limit and pages[-1]:
            pages.append([])
            y = top_of_next
        if item.is_gap and y == top_of_next and len(pages) > 1:
            continue
        pages[-1].append((y, item))
        y += item.height
    return pages


def _cut(body: list[Item], sources: list[Item], top_of_next: float) -> list[list[Placed]]:
    """Two pages: as much of the body as fits with a note saying it was cut, then the
    sources, whole (medical statements keep their sources)."""
    note = _lines(CUT_NOTE, SMALL, color=ALERT, weight="bold")

    def pages(kept: int) -> list[list[Placed]]:
        return _paginate(body[:kept] + note + sources, top_of_next)

    low, high = 0, len(body)  # the longest prefix that fits: pages() grows with it
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if len(pages(middle)) <= MAX_PAGES else (low, middle - 1)
    return pages(low)[:MAX_PAGES]


def _footer(fig: Figure, content: ReportContent, page: int, pages: int) -> None:
    y = PAGE_H - BOTTOM + 0.2
    fig.add_artist(_rule(1 - (y - 0.06) / PAGE_H))
    label = f"Page {page} of {pages}"
    room = WIDTH - _text_pt(label, SMALL, False) / 72 - 0.3
    for i, line in enumerate(_wrap(content.footer, room, SMALL)):
        _put(fig, LEFT, y + i * _line_h(SMALL), line, SMALL, color=MUTED)
    _put(fig, PAGE_W - RIGHT, y, label, SMALL, color=MUTED, ha="right")


def _running_header(fig: Figure, content: ReportContent) -> None:
    _put(fig, LEFT, TOP, f"{content.title} (continued)", 9.0, weight="bold", color=HEAD)
    _put(fig, PAGE_W - RIGHT, TOP, content.period, 9.0, color=MUTED, ha="right")


def report_figures(content: ReportContent) -> list[Figure]:
    """The report's pages as matplotlib figures (not attached to pyplot)."""
    _matplotlib()
    from matplotlib.figure import Figure

    next_top = TOP + 0.35
    for size in (9.0, 8.5, SMALL):
        body, sources = _items(content, size)
        pages = _paginate(body + sources, next_top)
        if len(pages) <= MAX_PAGES:
            break
    else:
        pages = _cut(body, sources, next_top)
    figures = []
    for page_number, page in enumerate(pages, start=1):
        fig = Figure(figsize=(PAGE_W, PAGE_H))
        if page_number > 1:
            _running_header(fig, content)
        for y, item in page:
            item.draw(fig, y)
        _footer(fig, content, page_number, len(pages))
        figures.append(fig)
    return figures


def render_report_pdf(content: ReportContent) -> bytes:
    """The report as PDF bytes: one or two A4 pages, the same bytes for the same content."""
    matplotlib = _matplotlib()
    from matplotlib.backends.backend_pdf import PdfPages

    settings = {"pdf.fonttype": 42, "font.family": FONT}
    with matplotlib.rc_context(settings):
        buffer = io.BytesIO()
        metadata = {"Title": content.title, "Creator": "crampcoach", "CreationDate": None}
        with PdfPages(buffer, metadata=metadata) as pdf:
            for fig in report_figures(content):
                pdf.savefig(fig)
    return buffer.getvalue()


def sample_content() -> ReportContent:
    """A realistic report: 632 nights of generated diary, then a 98-night trial of the
    routine with a planted effect, and a red-flag screening with two warning signs."""
    from datetime import UTC, datetime

    from crampcoach.fixtures.diary import DEFAULT_END, generate_history
    from crampcoach.fixtures.planted_history import planted_trial
    from crampcoach.insights import analyse_trial, plan_trial, preventive_routine_nights
    from crampcoach.insights.report_content import report_content
    from crampcoach.safety import screen

    plan = plan_trial(DEFAULT_END - timedelta(days=97), seed=11)
    history = generate_history(nights=632, seed=2, end=plan.start - timedelta(days=1))
    trial = planted_trial(plan, seed=5, base_rate=0.9, rate_ratio=0.55, overdispersion=0.3)
    episodes = [*history.episodes, *trial.episodes]
    routine = preventive_routine_nights(history.sessions) | trial.routine_nights
    quiet = ("swollen-calf", "long-cramp", "wound-or-toxin", "numbness-weakness")
    quiet += ("new-medicine", "pregnant", "kidney-disease", "liver-disease")
    answers = dict.fromkeys(quiet, "no") | {"how-often": "weekly", "sleep": "yes"}
    return report_content(
        episodes,
        routine,
        first_night=plan.start - timedelta(days=632),
        last_night=plan.end,
        profile=history.profile,
        trial=analyse_trial(plan, episodes, routine, today=plan.end + timedelta(days=1)),
        screening=screen(answers),
        screening_taken_at=datetime(2026, 10, 12, 19, 30, tzinfo=UTC),
        made_at=datetime(2026, 11, 1, 9, 0, tzinfo=UTC),
    )


def write_sample_report(path: Path) -> None:
    """Write the sample report (`sample_content`) to `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render_report_pdf(sample_content()))


if __name__ == "__main__":
    write_sample_report(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/sample-report.pdf"))
