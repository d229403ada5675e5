"""When and where cramps come, and what helped: plain counts over the episodes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from crampcoach.diary.models import HELPED, LEGS, PLACES, Episode
from crampcoach.diary.night import NIGHT_ENDS_AT_HOUR

# the hours in the order of a night: 12:00 (a night's start) to 11:00 the next morning
NIGHT_HOURS: tuple[int, ...] = tuple((NIGHT_ENDS_AT_HOUR + i) % 24 for i in range(24))


@dataclass(frozen=True)
class HourCount:
    hour: int  # local wall-clock hour the cramp began, 0-23, in the episode's own zone
    cramps: int


def local_hours(episodes: Sequence[Episode]) -> list[int]:
    """The local hour each episode began, seen in the zone it was logged in."""
    zones: dict[str, ZoneInfo] = {}
    hours = []
    for e in episodes:
        tz = zones.get(e.zone) or zones.setdefault(e.zone, ZoneInfo(e.zone))
        hours.append(e.started_at.astimezone(tz).hour)
    return hours


def time_of_night(hours: Sequence[int]) -> tuple[HourCount, ...]:
    """Cramps per local hour, all 24 hours in night order (12:00 first)."""
    counted = Counter(hours)
    return tuple(HourCount(hour=h, cramps=counted.get(h, 0)) for h in NIGHT_HOURS)


def peak_hour(hours: Sequence[HourCount]) -> int | None:
    """The hour with the most cramps (the earliest in the night on a tie); None with none."""
    best = max(hours, key=lambda h: h.cramps, default=None)
    return best.hour if best is not None and best.cramps > 0 else None


def count_legs(episodes: Sequence[Episode]) -> dict[str, int]:
    counted = Counter(e.leg for e in episodes)
    return {leg: counted.get(leg, 0) for leg in LEGS}


def count_places(episodes: Sequence[Episode]) -> dict[str, int]:
    counted = Counter(e.place for e in episodes)
    return {place: counted.get(place, 0) for place in PLACES}


def count_helped(episodes: Sequence[Episode]) -> dict[str, int]:
    """Episodes naming each thing that helped; one episode may name several."""
    counted = Counter(item for e in episodes for item in e.helped)
    return {item: counted.get(item, 0) for item in HELPED}


@dataclass(frozen=True)
class TagCount:
    """A tag the person added, and how often it went with a cramp night. Counts only: a
    tag is written on a cramp, so nights without cramps carry none, and no count here
    says a tag brings cramps on."""

    tag: str
    nights: int  # cramp nights with this tag on at least one cramp
    cramps: int  # cramps with this tag


def count_tags(episodes: Sequence[Episode], *, most: int = 10) -> tuple[TagCount, ...]:
    """The `most` tags on the most cramp nights (then the most cramps, then by name)."""
    nights: dict[str, set[object]] = {}
    cramps: Counter[str] = Counter()
    for episode in episodes:
        for tag in episode.tags:
            nights.setdefault(tag, set()).add(episode.night)
            cramps[tag] += 1
    ranked = sorted(nights, key=lambda tag: (-len(nights[tag]), -cramps[tag], tag))
    return tuple(TagCount(tag, len(nights[tag]), cramps[tag]) for tag in ranked[:most])
