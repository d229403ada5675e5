"""/insights: what the diary says, with charts; the bedtime reminder (.ics) and the
report for the doctor (PDF)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from crampcoach.services.reminders import reminder_file
from crampcoach.services.report import build_report_pdf
from crampcoach.web.bar_chart import BarChart, bar_chart
from crampcoach.web.deps import StoreDep, TemplatesDep

router = APIRouter(include_in_schema=False)

WEEKS_SHOWN = 26


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _week_chart(weeks: Sequence[Any]) -> BarChart:
    shown = list(weeks)[-WEEKS_SHOWN:]
    return bar_chart(
        [w.cramps for w in shown],
        [w.start.strftime("%d %b") for w in shown],
        [
            f"Week of {w.start.strftime('%d %b %Y')}: {_plural(w.cramps, 'cramp')}"
            f" over {_plural(w.nights, 'night')}, routine on {w.routine_nights}"
            for w in shown
        ],
        label_every=4,
    )


def _hour_chart(hours: Sequence[Any]) -> BarChart:
    return bar_chart(
        [h.cramps for h in hours],
        [f"{h.hour:02d}" for h in hours],
        [f"{h.hour:02d}:00 to {h.hour:02d}:59: {_plural(h.cramps, 'cramp')}" for h in hours],
        label_every=3,
    )


@router.get("/insights", response_class=HTMLResponse)
def insights_page(request: Request, templates: TemplatesDep, store: StoreDep) -> Response:
    view = request.app.state.insights.view(store)
    summary = view.summary
    context = {
        "page": "insights",
        "data": view.data,
        "summary": summary,
        "week_chart": _week_chart(summary.weeks) if summary else None,
        "hour_chart": _hour_chart(summary.hours) if summary else None,
        "weeks_shown": WEEKS_SHOWN,
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
