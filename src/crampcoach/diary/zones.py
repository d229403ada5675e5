"""IANA time zones: checking a name, and the zone a datetime was written in."""

from __future__ import annotations

from datetime import datetime
from functools import cache, lru_cache
from importlib import resources
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


def _tzdata_table(name: str) -> list[list[str]]:
    """The rows of one of tzdata's tables (zone.tab, iso3166.tab), comments left out."""
    text = (resources.files("tzdata.zoneinfo") / name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@cache
def zone_countries() -> dict[str, str]:
    """IANA zone -> ISO 3166 country code, from the zone table tzdata ships."""
    return {row[2]: row[0] for row in _tzdata_table("zone.tab")}


@cache
def country_names() -> dict[str, str]:
    """ISO 3166 code -> English name for every country, sorted by name (tzdata's table)."""
    names = {row[0]: row[1].strip() for row in _tzdata_table("iso3166.tab")}
    return dict(sorted(names.items(), key=lambda item: item[1]))


def check_country(code: str) -> str:
    """An ISO 3166 country code in capitals ("nl" -> "NL"), else ValueError."""
    code = code.strip().upper()
    if code not in country_names():
        raise ValueError(f"not a country code (use two letters, like NL, GB or US; got {code!r})")
    return code
