"""Which night a cramp belongs to.

A cramp before noon (local time) belongs to the night that began the previous evening:
a cramp at 02:00 on the 5th belongs to the night of the 4th. The rule works on the
local calendar date, so nights with a daylight-saving change need no special case.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

NIGHT_ENDS_AT_HOUR = 12


def night_of(started_at_local: datetime) -> date:
    """The night (the date of its evening) that a local wall-clock time belongs to."""
    day = started_at_local.date()
    if started_at_local.hour < NIGHT_ENDS_AT_HOUR:
        return day - timedelta(days=1)
    return day


def night_in_zone(started_at: datetime, zone: str) -> date:
    """`night_of` for an aware datetime seen in the person's zone."""
    if started_at.tzinfo is None:
        raise ValueError("started_at must be timezone-aware")
    return night_of(started_at.astimezone(ZoneInfo(zone)))
