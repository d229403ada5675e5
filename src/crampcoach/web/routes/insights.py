"""/insights: what the diary says, with charts; the bedtime reminder (.ics) and the
report for the doctor (PDF).

The numbers and sentences are the core's (`summarize_diary`), the same ones the PDF
report prints: counts always, rates only from `rates.MIN_RATE_NIGHTS` nights, and the
chart of weeks shows cramps as counted in each calendar week, a partly covered week
drawn lighter and named as such, never scaled up to seven nights."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from crampcoach.insights.patterns import HourCount
from crampcoach.insights.reading import MONTHS, PARTIAL_NOTE, day, period_text
from crampcoach.insights.weekly import WeekRow
from crampcoach.plurals import count_of
from crampcoach.services.reminders import reminder_file
from crampcoach.services.report import build_report_pdf
from crampcoach.web.bar_chart import BarChart, bar_chart
from crampcoach.web.deps import StoreDep, TemplatesDep

router = APIRouter(include_in_schema=False)

WEEKS_SHOWN = 26  # the last half year; the PDF report charts the whole period
MIN_WEEK_SLOTS = 8  # a chart of fewer weeks keeps this many bars' room (no wide block)


def week_row(w: WeekRow) -> str:
    """'Week of 2 Mar 2026', with '(partial: 2 of 7 nights)' for a partly covered week."""
    covered = f" (partial: {w.nights} of 7 nights)" if w.partial else ""
    return f"Week of {day(w.start)}{covered}"


def week_title(w: WeekRow) -> str:
    return (
        f"{week_row(w)}: {count_of(w.cramps, 'cramp')}, "
        f"routine on {count_of(w.routine_nights, 'night')}"
    )


def week_chart(weeks: Sequence[WeekRow]) -> BarChart:
    shown = list(weeks)[-WEEKS_SHOWN:]
    return bar_chart(
        [w.cramps for w in shown],
        [f"{w.start.day} {MONTHS[w.start.month - 1]}" for w in shown],
        [week_title(w) for w in shown],
        rows=[week_row(w) for w in shown],
        axis_label="Cramps",
        partial=[w.partial for w in shown],
        min_slots=MIN_WEEK_SLOTS,
        newest_labelled=True,
    )


def hour_chart(hours: Sequence[HourCount]) -> BarChart:
    return bar_chart(
        [h.cramps for h in hours],
        [f"{h.hour:02d}" for h in hours],
        [f"{h.hour:02d}:00 to {h.hour:02d}:59: {count_of(h.cramps, 'cramp')}" for h in hours],
        rows=[f"{h.hour:02d}:00 to {h.hour:02d}:59" for h in hours],
        axis_label="Cramps",
    )


def week_caption(chart: BarChart, weeks: int) -> str:
    shown = len(chart.bars)
    scope = f"the last {count_of(shown, 'week')}" if shown < weeks else count_of(shown, "week")
    more = f" (of {weeks}; the report for your doctor charts them all)" if shown < weeks else ""
    return f"Cramps in each calendar week, Monday to Sunday, as counted: {scope}{more}."


@router.get("/insights", response_class=HTMLResponse)
def insights_page(request: Request, templates: TemplatesDep, store: StoreDep) -> Response:
    view = request.app.state.insights.view(store)
    summary = view.summary
    context: dict[str, object] = {"page": "insights", "data": view.data, "summary": summary}
    if summary is not None:
        weeks = week_chart(summary.weeks)
        context |= {
            "period": period_text(summary.first_night, summary.last_night, summary.nights),
            "week_chart": weeks,
            "week_caption": week_caption(weeks, len(summary.weeks)),
            "week_note": PARTIAL_NOTE if weeks.any_partial else None,  # the PDF's words too
            "hour_chart": hour_chart(summary.hours),
        }
    return templates.TemplateResponse(request, "insights.html", context)


@router.get("/reminder.ics")
def reminder(store: StoreDep) -> Response:
    return Response(
        reminder_file(store),
        media_type="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="crampcoach-bedtime.ics"'},
    )


@router.get("/report.pdf")
def report_pdf(store: StoreDep) -> Response:
    return Response(
        build_report_pdf(store),
        media_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="crampcoach-report.pdf"'},
    )
