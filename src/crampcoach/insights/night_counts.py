"""Cramps and routine per night over a covered range; a night with no entry had no cramps."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from crampcoach.diary.models import Episode
from crampcoach.insights.errors import InsightsError


@dataclass(frozen=True, eq=False)
class NightCounts:
    """One row per night from `first_night`: cramps logged and whether the routine was done."""

    first_night: date
    cramps: np.ndarray  # int64, cramps logged that night
    routine: np.ndarray  # bool, the routine was completed that night

    @property
    def nights(self) -> int:
        return int(self.cramps.size)

    @property
    def last_night(self) -> date:
        return self.first_night + timedelta(days=self.nights - 1)


def check_range(first_night: date, last_night: date) -> None:
    if last_night < first_night:
        raise InsightsError(
            f"the last night ({last_night}) is before the first night ({first_night})"
        )


def night_offsets(nights: Iterable[date], first_night: date) -> np.ndarray:
    """Days from `first_night` to each night, as an int64 array."""
    origin = first_night.toordinal()
    return np.fromiter((night.toordinal() - origin for night in nights), dtype=np.int64)


def episodes_in_range(
    episodes: Iterable[Episode], first_night: date, last_night: date
) -> list[Episode]:
    """The episodes of nights first..last that are not deleted, in the order given."""
    return [e for e in episodes if e.deleted_at is None and first_night <= e.night <= last_night]


def count_nights(
    episodes: Sequence[Episode],
    routine_nights: Collection[date],
    *,
    first_night: date,
    last_night: date,
) -> NightCounts:
    """Cramps per night and routine per night over first..last (both included)."""
    check_range(first_night, last_night)
    size = (last_night - first_night).days + 1
    kept = episodes_in_range(episodes, first_night, last_night)
    cramps = np.bincount(night_offsets((e.night for e in kept), first_night), minlength=size)
    routine = np.zeros(size, dtype=bool)
    offsets = night_offsets(routine_nights, first_night)
    routine[offsets[(offsets >= 0) & (offsets < size)]] = True
    return NightCounts(first_night=first_night, cramps=cramps.astype(np.int64), routine=routine)
