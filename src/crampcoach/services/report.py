"""Use case: the report for the doctor, as PDF bytes (the CLI writes it, the web serves it)."""

from __future__ import annotations

from datetime import date, datetime

from crampcoach.insights.report_content import report_content
from crampcoach.services.diary import get_profile
from crampcoach.services.insights import diary_data
from crampcoach.services.screening import latest_screening
from crampcoach.services.storage import utc_now
from crampcoach.services.trial import trial_result
from crampcoach.store import Store


def build_report_pdf(
    store: Store,
    *,
    first: date | None = None,
    last: date | None = None,
    now: datetime | None = None,
) -> bytes:
    """One or two pages for a doctor over the nights first..last (default: the whole diary)."""
    from crampcoach.export.report_pdf import render_report_pdf

    now = now or utc_now()
    data = diary_data(store, first=first, last=last, now=now)
    screening = latest_screening(store)
    content = report_content(
        data.episodes,
        data.routine_nights,
        first_night=data.first_night,
        last_night=data.last_night,
        profile=get_profile(store),
        trial=trial_result(store, now=now),
        screening=screening.result if screening else None,
        screening_taken_at=screening.taken_at if screening else None,
        made_at=now,
    )
    return render_report_pdf(content)
