"""The Today page's facts: the last nights at a glance and the streak of routine nights."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from crampcoach.diary.night import night_in_zone
from crampcoach.services.diary import list_nights, recent_filter, user_zone
from crampcoach.services.diary_cache import DiaryCache
from crampcoach.services.sessions import completed_routine_nights
from crampcoach.services.storage import Store, utc_now
from crampcoach.services.trial import Tonight, tonight

STREAK_HORIZON_DAYS = 366


@dataclass(frozen=True)
class NightGlance:
    night: date
    cramps: int
    worst: int | None  # highest severity that night
    routine: bool  # a routine was completed that night


@dataclass(frozen=True)
class TodayOverview:
    tonight: date
    nights: list[NightGlance]  # oldest first, ending with tonight
    streak: int  # routine nights in a row, up to last night or tonight


def routine_streak(routine_nights: set[date], tonight: date) -> int:
    """Nights in a row with a completed routine, counting back from tonight (or from last
    night when tonight's routine is still to come)."""
    day = tonight if tonight in routine_nights else tonight - timedelta(days=1)
    streak = 0
    while day in routine_nights:
        streak += 1
        day -= timedelta(days=1)
    return streak


def today_overview(store: Store, *, nights: int = 7, now: datetime | None = None) -> TodayOverview:
    now = now or utc_now()
    tonight = night_in_zone(now, user_zone(store))
    by_night = {
        n.night: n.episodes
        for n in list_nights(store, recent_filter(store, nights=nights, now=now))
    }
    routine_nights = completed_routine_nights(
        store, since=now - timedelta(days=STREAK_HORIZON_DAYS)
    )
    glances = []
    for offset in range(nights - 1, -1, -1):
        night = tonight - timedelta(days=offset)
        episodes = by_night.get(night, [])
        glances.append(
            NightGlance(
                night=night,
                cramps=len(episodes),
                worst=max((e.severity for e in episodes), default=None),
                routine=night in routine_nights,
            )
        )
    return TodayOverview(
        tonight=tonight, nights=glances, streak=routine_streak(routine_nights, tonight)
    )


@dataclass(frozen=True)
class TodayView:
    """What the Today page shows from the diary: the last nights and the trial's tonight."""

    overview: TodayOverview
    trial: Tonight | None


def today_view(store: Store) -> TodayView:
    """Each part reads its own clock, as when the page asked them directly."""
    return TodayView(today_overview(store), tonight(store))


class TodayCache(DiaryCache[TodayView]):
    """The Today view, kept until the diary changes (`DiaryCache`)."""

    def __init__(self) -> None:
        super().__init__(lambda store, _now: today_view(store))
