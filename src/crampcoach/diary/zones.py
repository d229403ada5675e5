"""IANA time zones: checking a name, and the zone a datetime was written in."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(available_timezones()) | {"UTC"}


def check_zone(name: str) -> str:
    """The name itself when it is a known IANA zone, else ValueError."""
    name = name.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, IsADirectoryError) as exc:
        raise ValueError(f"unknown time zone {name!r} (use a name like Europe/Amsterdam)") from exc
    if name not in _known():
        raise ValueError(f"unknown time zone {name!r} (use a name like Europe/Amsterdam)")
    return name


def zone_of(moment: datetime) -> str | None:
    """The IANA name of an aware datetime's zone, when it carries one."""
    if isinstance(moment.tzinfo, ZoneInfo):
        return moment.tzinfo.key
    return None
