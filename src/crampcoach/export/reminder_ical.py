"""A daily bedtime reminder as an iCalendar file (RFC 5545) that calendar apps import.

One VEVENT repeating every day (RRULE:FREQ=DAILY) at a wall-clock time in the person's
zone (DTSTART;TZID=... with the matching VTIMEZONE), a short duration, the bedtime routine
in the description, and a VALARM that shows a message at the start. Pure: the current
time is passed in; the same inputs give the same bytes.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event

from crampcoach.diary.bounds import excerpt
from crampcoach.diary.zones import check_zone
from crampcoach.errors import UserError
from crampcoach.protocol import load_routine

PRODID = "-//crampcoach//bedtime reminder//EN"
DEFAULT_TITLE = "Bedtime routine for night cramps"
DEFAULT_DURATION_MIN = 10
TIMEZONE_YEARS = 10  # the VTIMEZONE lists the zone's changes for this many years
_UID_NAMESPACE = uuid.UUID("0f3d6a52-5c1e-4d0b-8f7a-72656d696e64")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
_MAX_TITLE = 200


class ReminderError(UserError):
    """A reminder time, zone, date or title that is not valid; the message names the field."""


def parse_clock(at: str) -> time:
    """``"22:30"`` (or ``"7:05"``) as a time of day; ReminderError otherwise."""
    match = _CLOCK.match(at.strip()) if isinstance(at, str) else None
    if not match:
        raise ReminderError(f"at: cannot read {excerpt(at)} as a time; use HH:MM, e.g. 22:30")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        shown = excerpt(at)
        raise ReminderError(f"at: {shown} is not a time of day; use HH:MM from 00:00 to 23:59")
    return time(hour, minute)


def _zone(zone: str) -> ZoneInfo:
    try:
        return ZoneInfo(check_zone(zone))
    except (ValueError, TypeError, AttributeError) as exc:
        raise ReminderError(f"zone: {exc}") from None


def bedtime_description() -> str:
    """The shipped bedtime routine in a few lines."""
    routine = load_routine("bedtime")
    steps = "\n".join(f"{n}. {exercise.title}" for n, exercise in enumerate(routine.exercises, 1))
    return (
        f"{routine.title}\n\n{routine.summary}\n\n{steps}\n\n"
        "Open crampcoach and start the bedtime routine."
    )


def reminder_uid(at: time, zone: str, start: date, title: str) -> str:
    """The same reminder always gets the same UID, so importing it again updates it."""
    key = f"{at:%H:%M}|{zone}|{start.isoformat()}|{title}"
    return f"{uuid.uuid5(_UID_NAMESPACE, key)}@crampcoach"


def reminder_calendar(
    at: str,
    zone: str,
    start: date | None = None,
    *,
    now: datetime,
    title: str = DEFAULT_TITLE,
    description: str | None = None,
    duration_min: int = DEFAULT_DURATION_MIN,
    uid: str | None = None,
) -> bytes:
    """A VCALENDAR with one daily reminder at ``at`` (HH:MM) in ``zone`` (IANA name).

    ``start`` is the first day (default: today in ``zone`` at ``now``); ``now`` (aware) is
    the DTSTAMP. ``description`` defaults to the shipped bedtime routine. Bad input raises
    ReminderError naming the field.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    clock = parse_clock(at)
    tz = _zone(zone)
    title = " ".join(str(title).split())
    if not title or len(title) > _MAX_TITLE:
        raise ReminderError(f"title: give 1 to {_MAX_TITLE} characters")
    if not 1 <= duration_min <= 180:
        raise ReminderError(f"duration: {duration_min} minutes; give 1 to 180")
    if uid is not None and (not uid.strip() or any(c in uid for c in "\r\n")):
        raise ReminderError("uid: must be one line of text")
    first = start or now.astimezone(tz).date()
    starts = datetime.combine(first, clock, tz)
    ends = datetime.combine(first, clock) + timedelta(minutes=duration_min)

    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", title)
    alarm.add("trigger", timedelta(0))

    event = Event()
    event.add("uid", uid.strip() if uid else reminder_uid(clock, tz.key, first, title))
    event.add("dtstamp", now.astimezone(ZoneInfo("UTC")).replace(microsecond=0))
    event.add("dtstart", starts)
    event.add("dtend", ends.replace(tzinfo=tz))
    event.add("rrule", {"freq": "daily"})
    event.add("summary", title)
    event.add("description", description if description is not None else bedtime_description())
    event.add("transp", "TRANSPARENT")  # a reminder does not make the person look busy
    event.add_component(alarm)

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    years_later = date(min(first.year + TIMEZONE_YEARS, 9999), 1, 1)
    calendar.add_missing_timezones(first_date=first, last_date=years_later)
    return calendar.to_ical()
