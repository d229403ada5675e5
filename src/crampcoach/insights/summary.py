"""Insights over a diary: frequency, trends, patterns, routine adherence and a comparison of
routine nights with other nights. Pure: episodes and routine nights in, one result out.

The routine comparison is observational (the person chose when to do the routine); for
a fair test, see `trial_plan`. Published evidence for stretching is mixed: Hallegraeff
2012 found about 1.2 fewer cramps a night, Coppin 2005 found no effect, and a Cochrane
review (2021) calls the evidence low-certainty (`evidence.py`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from crampcoach.diary.models import Episode
from crampcoach.insights.evidence import STRETCHING_EVIDENCE
from crampcoach.insights.night_counts import (
    count_nights,
    episodes_in_range,
    night_offsets,
)
from crampcoach.insights.patterns import (
    HourCount,
    TagCount,
    count_helped,
    count_legs,
    count_places,
    count_tags,
    local_hours,
    peak_hour,
    time_of_night,
)
from crampcoach.insights.rate_ratio import RateRatio, compare_rates
from crampcoach.insights.rates import rates, week_chart_reason
from crampcoach.insights.reading import (
    adherence_reading,
    counts_headline,
    frequency_reading,
    peak_hour_reading,
    rate_ratio_reading,
    trend_reading,
)
from crampcoach.insights.trends import Trend, weekly_trend
from crampcoach.insights.weekly import WeekRow, weekly_series


@dataclass(frozen=True)
class Adherence:
    nights: int  # nights covered
    routine_nights: int  # of those, nights with the routine completed
    share: float  # routine_nights / nights


@dataclass(frozen=True)
class DiaryInsights:
    first_night: date
    last_night: date
    nights: int  # nights covered, first..last
    cramps: int  # episodes in the range (deleted ones left out)
    nights_with_cramps: int
    cramps_per_night: float | None  # None below rates.MIN_RATE_NIGHTS nights
    cramps_per_week: float | None  # cramps_per_night * 7; None as above
    headline: str  # the counts and, from the minimum on, the rates, in words
    week_chart_reason: str | None  # why there is no chart of weeks yet; None: there is
    weeks: tuple[WeekRow, ...]  # Monday-to-Sunday weeks, oldest first
    severity_trend: Trend
    duration_trend: Trend
    hours: tuple[HourCount, ...]  # cramps per local hour, in night order from 12:00
    peak_hour: int | None  # the local hour with most cramps; None without cramps
    legs: dict[str, int]  # left, right, both
    places: dict[str, int]  # foot, ankle, calf, thigh
    helped: dict[str, int]  # each choice of HELPED: stretching, massage, ... nothing
    tags: tuple[TagCount, ...]  # the person's own tags with their cramp nights, counts only
    adherence: Adherence
    routine_vs_other: RateRatio  # routine nights against nights without it
    reading: tuple[str, ...]  # plain-language sentences, most important first


def summarize_diary(
    episodes: Sequence[Episode],
    routine_nights: Collection[date],
    *,
    first_night: date,
    last_night: date,
) -> DiaryInsights:
    """Insights over the nights first..last (both included).

    A night in the range with no episode is a night with no cramps, so the range should
    only cover nights the person was keeping the diary. `routine_nights` are the nights
    a preventive routine was completed (see `routine_nights.preventive_routine_nights`);
    nights outside the range are ignored, as are deleted episodes.
    """
    counts = count_nights(episodes, routine_nights, first_night=first_night, last_night=last_night)
    kept = episodes_in_range(episodes, first_night, last_night)
    offsets = night_offsets((e.night for e in kept), first_night)
    severity = np.fromiter((e.severity for e in kept), dtype=float, count=len(kept))
    duration = np.fromiter(  # NaN: a length not known, left out of the means
        (np.nan if e.duration_s is None else e.duration_s for e in kept),
        dtype=float,
        count=len(kept),
    )
    weeks = weekly_series(counts, offsets, severity, duration)
    hours = time_of_night(local_hours(kept))
    peak = peak_hour(hours)
    nights, cramps = counts.nights, len(kept)
    nights_with_cramps = int(np.count_nonzero(counts.cramps))
    routine_count = int(counts.routine.sum())
    severity_trend = weekly_trend(weeks, "severity")
    duration_trend = weekly_trend(weeks, "duration_s")
    comparison = compare_rates(counts.cramps, counts.routine)
    reading = [
        frequency_reading(nights, cramps, nights_with_cramps),
        adherence_reading(nights, routine_count),
        rate_ratio_reading(comparison),
        STRETCHING_EVIDENCE,
        trend_reading(severity_trend),
        trend_reading(duration_trend),
    ]
    peak_text = peak_hour_reading(
        peak, next((h.cramps for h in hours if h.hour == peak), 0), cramps
    )
    if peak_text:
        reading.append(peak_text)
    per_night, per_week = rates(cramps, nights)
    return DiaryInsights(
        first_night=first_night,
        last_night=last_night,
        nights=nights,
        cramps=cramps,
        nights_with_cramps=nights_with_cramps,
        cramps_per_night=per_night,
        cramps_per_week=per_week,
        headline=counts_headline(nights, cramps, nights_with_cramps),
        week_chart_reason=week_chart_reason(nights),
        weeks=weeks,
        severity_trend=severity_trend,
        duration_trend=duration_trend,
        hours=hours,
        peak_hour=peak,
        legs=count_legs(kept),
        places=count_places(kept),
        helped=count_helped(kept),
        tags=count_tags(kept),
        adherence=Adherence(
            nights=nights, routine_nights=routine_count, share=routine_count / nights
        ),
        routine_vs_other=comparison,
        reading=tuple(reading),
    )
