"""The weekly series: cramps, routine nights, mean severity and duration per calendar week.

Cramps are counted, never scaled: a week the diary covers only in part (the first and
the last of the range, usually) keeps the cramps of the nights it has and is marked
`partial`, so a chart can show it as such instead of stretching 2 nights to look like 7.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from crampcoach.insights.night_counts import NightCounts
from crampcoach.insights.rates import DAYS_A_WEEK


@dataclass(frozen=True)
class WeekRow:
    """One Monday-to-Sunday week of nights; the first and last may be partial."""

    start: date  # the Monday
    nights: int  # nights of this week inside the covered range, 1 to 7
    cramps: int  # as counted over those nights
    partial: bool  # fewer than 7 nights of the week are covered: the count is not a week's
    routine_nights: int
    mean_severity: float | None  # None in a week with no cramps
    mean_duration_s: float | None


def week_offsets(night_offsets: np.ndarray, first_night: date) -> np.ndarray:
    """The week (0 = the week holding `first_night`) of nights given as day offsets."""
    return (night_offsets + first_night.weekday()) // 7


def _means(sums: np.ndarray, cramps: np.ndarray) -> list[float | None]:
    return [float(s / c) if c else None for s, c in zip(sums, cramps, strict=True)]


def weekly_series(
    counts: NightCounts,
    episode_nights: np.ndarray,
    severity: np.ndarray,
    duration_s: np.ndarray,
) -> tuple[WeekRow, ...]:
    """Rows for every week of the range; `episode_nights` are the episodes' day offsets."""
    all_weeks = week_offsets(np.arange(counts.nights), counts.first_night)
    size = int(all_weeks[-1]) + 1
    nights = np.bincount(all_weeks, minlength=size)
    cramps = np.bincount(all_weeks, weights=counts.cramps, minlength=size).astype(np.int64)
    routine = np.bincount(all_weeks, weights=counts.routine, minlength=size).astype(np.int64)
    weeks = week_offsets(episode_nights, counts.first_night)
    severity_sums = np.bincount(weeks, weights=severity, minlength=size)
    # A cramp whose length was not known (NaN) is left out of the week's mean length
    known = ~np.isnan(duration_s)
    duration_sums = np.bincount(weeks[known], weights=duration_s[known], minlength=size)
    timed = np.bincount(weeks[known], minlength=size)
    monday = counts.first_night - timedelta(days=counts.first_night.weekday())
    return tuple(
        WeekRow(
            start=monday + timedelta(weeks=w),
            nights=int(nights[w]),
            cramps=int(cramps[w]),
            partial=bool(nights[w] < DAYS_A_WEEK),
            routine_nights=int(routine[w]),
            mean_severity=sev,
            mean_duration_s=dur,
        )
        for w, sev, dur in zip(
            range(size),
            _means(severity_sums, cramps),
            _means(duration_sums, timed),
            strict=True,
        )
    )
