"""Reading the `--at` time of a cramp: "now", "02:40", "yesterday 03:10", "2026-11-20 02:40".

Pure: the current time is passed in. A bare clock time means its most recent past
occurrence (at 08:00, "02:40" is this morning; at 01:00, it is last night's).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from crampcoach.diary.bounds import excerpt, year_problem
from crampcoach.errors import DiaryError

CLOCK_SKEW = timedelta(minutes=1)
# "02:40", "2.40", "2h40"; with am/pm: "3am", "3 am", "3:10am", "3.10 p.m.", "12am"
# (midnight), "12pm" (noon).
_CLOCK = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$")
_EXAMPLES = 'use "now", "02:40", "3am", "yesterday 03:10" or "2026-11-20 02:40"'


def local_datetime(day: date, clock: time, zone: str) -> datetime:
    """An aware datetime for a wall-clock time; refuses a time skipped by a DST change.

    A time that happens twice (clocks going back) means its first occurrence.
    """
    tz = ZoneInfo(zone)
    naive = datetime.combine(day, clock)
    moment = naive.replace(tzinfo=tz)
    if moment.astimezone(ZoneInfo("UTC")).astimezone(tz).replace(tzinfo=None) != naive:
        raise DiaryError(
            f"{clock:%H:%M} did not exist on {day} in {zone} (the clocks went forward)",
            field="at",
        )
    return moment


def _is_clock(text: str) -> bool:
    """A clock time: minutes given ("02:40") or am/pm ("3am"); a bare "3" is not one."""
    match = _CLOCK.match(text)
    return bool(match and (match.group(2) or match.group(3)))


def _clock(text: str) -> time:
    match = _CLOCK.match(text)
    if not match or not (match.group(2) or match.group(3)):
        raise DiaryError(f"cannot read {excerpt(text)} as a time; {_EXAMPLES}", field="at")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    half = (match.group(3) or "").replace(".", "")
    if half and not 1 <= hour <= 12:
        raise DiaryError(f"{excerpt(text)} is not a time of day; {_EXAMPLES}", field="at")
    if half:
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise DiaryError(f"{excerpt(text)} is not a time of day; {_EXAMPLES}", field="at")
    return time(hour, minute)


def parse_at(text: str | None, *, now: datetime, zone: str) -> datetime:
    """The aware moment `text` names, in `zone`, as seen at `now` (aware)."""
    local_now = now.astimezone(ZoneInfo(zone))
    words = " ".join((text or "now").split()).lower()
    if words in ("", "now"):
        return local_now.replace(microsecond=0)
    first, _, rest = words.partition(" ")
    if first in ("today", "yesterday") and rest:
        day = local_now.date() - timedelta(days=1 if first == "yesterday" else 0)
        return local_datetime(day, _clock(rest), zone)
    if _is_clock(words):
        clock = _clock(words)
        moment = local_datetime(local_now.date(), clock, zone)
        if moment > local_now + CLOCK_SKEW:
            moment = local_datetime(local_now.date() - timedelta(days=1), clock, zone)
        return moment
    try:
        parsed = datetime.fromisoformat(words.upper().replace(" ", "T", 1))
    except ValueError:
        raise DiaryError(
            f"cannot read {excerpt(text)} as a time; {_EXAMPLES}", field="at"
        ) from None
    return in_zone(parsed, zone, said=text)


def in_zone(moment: datetime, zone: str, *, said: str | None = None) -> datetime:
    """`moment` as the wall-clock time in `zone`, in whole seconds; a naive one is a
    wall-clock time there already. Every way a cramp's time comes in ends here (`said`:
    the text it was read from, for the message)."""
    problem = year_problem(moment)
    if problem:  # refused before any arithmetic, which would leave the calendar
        raise DiaryError(f"{problem} (got {excerpt(said or moment.isoformat())})", field="at")
    if moment.tzinfo is not None:
        return moment.astimezone(ZoneInfo(zone)).replace(microsecond=0)
    return local_datetime(moment.date(), moment.time().replace(microsecond=0), zone)


def check_not_future(started_at: datetime, *, now: datetime, field: str = "at") -> None:
    if started_at > now + CLOCK_SKEW:
        raise DiaryError(f"{started_at.isoformat()} is in the future", field=field)


def when_words(started_at: datetime, *, now: datetime, zone: str) -> str:
    """When a cramp began, as the confirmation says it: "today at 03:10", "yesterday at
    07:00", "Sat 5 Dec at 02:40" (so a clock time that meant yesterday never goes unsaid)."""
    tz = ZoneInfo(zone)
    local, today = started_at.astimezone(tz), now.astimezone(tz).date()
    clock = f"{local:%H:%M}"
    if local.date() == today:
        return f"today at {clock}"
    if local.date() == today - timedelta(days=1):
        return f"yesterday at {clock}"
    return f"{local:%a} {local.day} {local:%b %Y} at {clock}"
