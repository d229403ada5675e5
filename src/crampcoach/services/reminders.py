"""Use case: a calendar file that reminds the person of the bedtime routine every night."""

from __future__ import annotations

from datetime import datetime

from crampcoach.diary.models import Profile
from crampcoach.export.reminder_ical import reminder_calendar
from crampcoach.services.diary import get_profile, user_zone
from crampcoach.services.storage import utc_now
from crampcoach.store import Store

DEFAULT_BEDTIME = "22:00"


def reminder_time(profile: Profile | None) -> str:
    """When to remind: the profile's bedtime, else 22:00."""
    return profile.bedtime if profile and profile.bedtime else DEFAULT_BEDTIME


def reminder_file(store: Store, *, at: str | None = None, now: datetime | None = None) -> bytes:
    """An iCalendar file (daily, with an alarm) at `at` (default: the bedtime) in the
    person's time zone."""
    at = at or reminder_time(get_profile(store))
    return reminder_calendar(at, user_zone(store), now=now or utc_now())
