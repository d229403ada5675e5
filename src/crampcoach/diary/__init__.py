"""The cramp diary's core: entries, nights, times and validation. Pure: no storage here."""

from crampcoach.diary.models import (
    HELPED,
    LEGS,
    PLACES,
    Episode,
    EpisodeCreate,
    EpisodeFilter,
    EpisodeUpdate,
    Profile,
)
from crampcoach.diary.night import night_in_zone, night_of
from crampcoach.diary.when import check_not_future, parse_at

__all__ = [
    "HELPED",
    "LEGS",
    "PLACES",
    "Episode",
    "EpisodeCreate",
    "EpisodeFilter",
    "EpisodeUpdate",
    "Profile",
    "check_not_future",
    "night_in_zone",
    "night_of",
    "parse_at",
]
