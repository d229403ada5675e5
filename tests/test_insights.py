"""Insights over the diary: numbers checked against statsmodels and hand counts, planted
effects recovered, and no number where there is too little data."""

from __future__ import annotations

import time
import warnings
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from statsmodels.discrete.discrete_model import NegativeBinomial
from statsmodels.genmod.families import Poisson
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.regression.linear_model import OLS

from crampcoach.diary.models import Episode
from crampcoach.errors import UserError
from crampcoach.fixtures.diary import generate_history
from crampcoach.fixtures.planted_history import planted_counts, planted_history
from crampcoach.insights import (
    InsightsError,
    RateRatio,
    WeekRow,
    compare_rates,
    preventive_routine_nights,
    summarize_diary,
)
from crampcoach.insights.reading import rate_ratio_reading, trend_reading
from crampcoach.insights.trends import weekly_trend

Z975 = 1.959963984540054

# 14 routine nights with 6 cramps, 14 other nights with 14: Poisson-like (dispersion 0.54)
ROUTINE = [0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0]
OTHER = [1, 2, 1, 0, 1, 2, 1, 1, 0, 2, 1, 1, 0, 1]
# 20 and 20 nights with bursts: overdispersed (dispersion 3.76)
BURSTY_ROUTINE = [0, 0, 3, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0]
BURSTY_OTHER = [0, 0, 0, 0, 5, 0, 0, 6, 0, 0, 1, 0, 0, 7, 0, 0, 0, 4, 0, 0]


def _arrays(routine: list[int], other: list[int]) -> tuple[np.ndarray, np.ndarray]:
    counts = np.array(routine + other)
    group = np.array([True] * len(routine) + [False] * len(other))
    return counts, group


def _design(group: np.ndarray) -> np.ndarray:
    return np.column_stack([np.ones(group.size), group.astype(float)])


# --- the rate ratio --------------------------------------------------------------------


def test_poisson_ratio_is_the_ratio_of_means_and_matches_statsmodels() -> None:
    counts, group = _arrays(ROUTINE, OTHER)
    rr = compare_rates(counts, group)
    assert rr.model == "poisson"
    assert (rr.routine_nights, rr.other_nights, rr.routine_cramps, rr.other_cramps) == (
        14,
        14,
        6,
        14,
    )
    assert rr.ratio == pytest.approx(3 / 7, rel=1e-12)
    direct = GLM(counts, _design(group), family=Poisson()).fit()  # statsmodels' own defaults
    low, high = np.exp(direct.conf_int()[1])
    assert (rr.low, rr.high) == (pytest.approx(low, rel=1e-4), pytest.approx(high, rel=1e-4))
    half = Z975 * np.sqrt(1 / 6 + 1 / 14)  # the Wald interval by hand
    assert rr.low == pytest.approx(3 / 7 * np.exp(-half), rel=1e-9)
    assert rr.high == pytest.approx(3 / 7 * np.exp(half), rel=1e-9)
    assert rr.dispersion == pytest.approx(14 / 26, rel=1e-9)  # Pearson X2 = 8 + 6
    assert rr.verdict == "no clear difference"  # 0.43 (0.17 to 1.11)
    assert rr.reason is None


def test_overdispersed_counts_switch_to_negative_binomial_like_statsmodels() -> None:
    counts, group = _arrays(BURSTY_ROUTINE, BURSTY_OTHER)
    rr = compare_rates(counts, group)
    assert rr.model == "negative binomial"
    assert rr.dispersion is not None and rr.dispersion > 1.2
    assert "more than a Poisson model allows" in (rr.model_reason or "")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        direct = NegativeBinomial(counts, _design(group), loglike_method="nb2").fit(disp=0)
    low, high = np.exp(direct.conf_int()[1])
    assert rr.ratio == pytest.approx(9 / 23, rel=1e-6)
    assert (rr.low, rr.high) == (pytest.approx(low, rel=1e-4), pytest.approx(high, rel=1e-4))
    alpha = direct.params[-1]  # with one yes/no factor: se^2 = 1/C1 + 1/C0 + alpha(1/n1 + 1/n0)
    half = Z975 * np.sqrt(1 / 9 + 1 / 23 + alpha * (1 / 20 + 1 / 20))
    assert rr.high == pytest.approx(9 / 23 * np.exp(half), rel=1e-4)
    poisson_high = 9 / 23 * np.exp(Z975 * np.sqrt(1 / 9 + 1 / 23))
    assert rr.high > 2 * poisson_high  # the honest interval is much wider


@pytest.mark.parametrize(
    ("routine", "other", "reason"),
    [
        (
            ROUTINE[:13],
            OTHER,
            "Too few nights to compare: 13 with the routine and 14 without it; "
            "at least 14 of each are needed.",
        ),
        (
            [0] * 14,
            [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0],
            "Too few cramps to compare: 4 logged over these nights; at least 10 are needed.",
        ),
        (
            [0] * 14,
            OTHER,
            "No cramps were logged on the nights with the routine, so a ratio and its "
            "interval cannot be estimated; the cramps per night above are the facts.",
        ),
    ],
)
def test_too_little_data_gives_a_reason_and_no_number(
    routine: list[int], other: list[int], reason: str
) -> None:
    rr = compare_rates(*_arrays(routine, other))
    assert rr.reason == reason
    assert (rr.ratio, rr.low, rr.high, rr.model, rr.verdict) == (None, None, None, None, None)
    assert rr.routine_rate == sum(routine) / len(routine)  # the facts are still given
    assert rate_ratio_reading(rr) == reason


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_a_planted_effect_over_a_year_is_recovered(seed: int) -> None:
    history = planted_history(365, seed=seed, base_rate=0.8, rate_ratio=0.6, adherence=0.5)
    insights = summarize_diary(
        history.episodes,
        history.routine_nights,
        first_night=history.first_night,
        last_night=history.last_night,
    )
    rr = insights.routine_vs_other
    assert rr.low is not None and rr.high is not None
    assert rr.low < 0.6 < rr.high
    assert rr.verdict == "fewer"
    assert rr.routine_cramps + rr.other_cramps == len(history.episodes) == insights.cramps
    assert rr.ratio == pytest.approx(
        history.cramps[history.routine].mean() / history.cramps[~history.routine].mean()
    )


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_no_planted_effect_gives_an_interval_including_one(seed: int) -> None:
    history = planted_history(365, seed=seed, rate_ratio=1.0, adherence=0.4)
    rr = summarize_diary(
        history.episodes,
        history.routine_nights,
        first_night=history.first_night,
        last_night=history.last_night,
    ).routine_vs_other
    assert rr.low is not None and rr.high is not None
    assert rr.low < 1 < rr.high
    assert rr.verdict == "no clear difference"


@pytest.mark.parametrize(
    ("overdispersion", "model", "at_least"),
    [(0.0, "poisson", 56), (1.0, "negative binomial", 56)],
)
def test_intervals_cover_the_planted_ratio_about_95_times_in_100(
    overdispersion: float, model: str, at_least: int
) -> None:
    # 58 of 60 either way; a plain Poisson interval covers only 54 of 60 with alpha 1.
    # Covering is easy with an interval too wide, so the width is held too: no wider than
    # the Wald interval of the counts, its log-width grown by the variance the
    # overdispersion adds at one cramp a night (sqrt(1 + overdispersion)), and 10 %.
    covered, models, widths, bounds = 0, set(), [], []
    for seed in range(60):
        routine = np.random.default_rng([seed, 7]).random(365) < 0.5
        counts = planted_counts(
            routine, seed=seed, base_rate=1.0, rate_ratio=0.6, overdispersion=overdispersion
        )
        rr = compare_rates(counts, routine)
        assert rr.low is not None and rr.high is not None
        covered += rr.low < 0.6 < rr.high
        models.add(rr.model)
        with_it, without = float(counts[routine].sum()), float(counts[~routine].sum())
        log_width = 2 * 1.96 * np.sqrt(1 / with_it + 1 / without) * np.sqrt(1 + overdispersion)
        widths.append(rr.high / rr.low)
        bounds.append(1.1 * np.exp(log_width))
    assert models == {model}
    assert covered >= at_least
    assert np.median(np.array(widths) / np.array(bounds)) <= 1.0


# --- the summary -----------------------------------------------------------------------

NY = "America/New_York"


def _episode(
    local: datetime,
    *,
    zone: str = NY,
    severity: int = 5,
    duration_s: int = 60,
    leg: str = "left",
    place: str = "calf",
    helped: tuple[str, ...] | list[str] = (),
    deleted: bool = False,
) -> Episode:
    started = local.replace(tzinfo=ZoneInfo(zone))
    night = (local - timedelta(hours=12)).date()
    written = started.astimezone(UTC) + timedelta(hours=1)
    return Episode(
        id=f"e-{local:%Y%m%d%H%M}-{zone}",
        started_at=started,
        zone=zone,
        night=night,
        duration_s=duration_s,
        leg=leg,
        place=place,
        severity=severity,
        helped=list(helped),
        created_at=written,
        updated_at=written,
        deleted_at=written if deleted else None,
    )


EPISODES = [
    _episode(datetime(2026, 3, 4, 23, 30), severity=4, helped=("stretching",)),
    _episode(
        datetime(2026, 3, 6, 2, 30),
        severity=6,
        duration_s=120,
        leg="right",
        place="foot",
        helped=("routine", "walking"),
    ),
    _episode(datetime(2026, 3, 6, 3, 10), severity=8, duration_s=30, leg="right"),
    # after the clocks went forward on the 8th
    _episode(
        datetime(2026, 3, 11, 4, 0), duration_s=90, leg="both", place="thigh", helped=["nothing"]
    ),
    # 03:00 in Amsterdam is 22:00 the evening before in New York: its own zone counts
    _episode(datetime(2026, 3, 13, 3, 0), zone="Europe/Amsterdam", severity=7, duration_s=45),
    _episode(datetime(2026, 3, 18, 1, 0), severity=2, duration_s=20, place="ankle"),
    _episode(datetime(2026, 3, 14, 2, 0), deleted=True),  # deleted: left out
    _episode(datetime(2026, 3, 4, 3, 0)),  # the night of the 3rd: before the range
]
ROUTINE_NIGHTS = {date(2026, 3, d) for d in (1, 4, 5, 6, 10, 20)}


def test_summary_counts_by_hand() -> None:
    s = summarize_diary(
        EPISODES, ROUTINE_NIGHTS, first_night=date(2026, 3, 4), last_night=date(2026, 3, 17)
    )
    assert (s.nights, s.cramps, s.nights_with_cramps) == (14, 6, 5)
    assert s.cramps_per_night == 6 / 14
    assert s.cramps_per_week == 6 / 14 * 7
    assert s.weeks == (
        WeekRow(date(2026, 3, 2), 5, 3, True, 3, 6.0, 70.0),  # counted, marked partial
        WeekRow(date(2026, 3, 9), 7, 2, False, 1, 6.0, 67.5),
        WeekRow(date(2026, 3, 16), 2, 1, True, 0, 2.0, 20.0),
    )
    assert {h.hour: h.cramps for h in s.hours if h.cramps} == {23: 1, 1: 1, 2: 1, 3: 2, 4: 1}
    assert [h.hour for h in s.hours][:3] == [12, 13, 14]
    assert s.peak_hour == 3
    assert s.legs == {"left": 3, "right": 2, "both": 1}
    assert s.places == {"foot": 1, "ankle": 1, "calf": 3, "thigh": 1}
    assert s.helped == {
        "stretching": 1,
        "massage": 0,
        "warmth": 0,
        "cold": 0,
        "walking": 1,
        "routine": 1,
        "nothing": 1,
    }
    assert (s.adherence.nights, s.adherence.routine_nights, s.adherence.share) == (14, 4, 4 / 14)
    assert s.routine_vs_other.ratio is None
    assert s.routine_vs_other.reason == (
        "Too few nights to compare: 4 with the routine and 10 without it; "
        "at least 14 of each are needed."
    )
    assert s.severity_trend.slope_per_week is None
    assert s.severity_trend.reason == (
        "Not enough data for a trend: 3 weeks with cramps; at least 8 are needed."
    )
    assert s.reading[0] == "6 cramps on 5 of 14 nights: 0.43 a night, about 3.0 a week."
    assert s.reading[1] == "You completed the routine on 4 of 14 nights (29%)."
    assert s.reading[2] == s.routine_vs_other.reason
    assert "Hallegraeff 2012" in s.reading[3] and "Coppin 2005" in s.reading[3]
    assert s.reading[-1] == "Cramps began most often between 03:00 and 04:00 (2 of 6)."


def test_an_empty_diary_is_nights_without_cramps() -> None:
    s = summarize_diary([], set(), first_night=date(2026, 1, 1), last_night=date(2026, 1, 1))
    assert (s.nights, s.cramps, s.cramps_per_night, s.peak_hour) == (1, 0, None, None)
    assert s.weeks == (WeekRow(date(2025, 12, 29), 1, 0, True, 0, None, None),)
    assert s.reading[0] == (
        "No cramps logged over 1 night so far; a rate per night or per week needs at least "
        "14 nights."
    )


def test_a_range_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(InsightsError, match=r"the last night \(2026-01-01\) is before") as err:
        summarize_diary([], set(), first_night=date(2026, 1, 2), last_night=date(2026, 1, 1))
    assert isinstance(err.value, UserError)


# --- trends ----------------------------------------------------------------------------


def _weeks(means: list[float | None]) -> tuple[WeekRow, ...]:
    monday = date(2026, 1, 5)
    return tuple(
        WeekRow(monday + timedelta(weeks=i), 7, 0 if m is None else 1, 0.0, 0, m, m)
        for i, m in enumerate(means)
    )


def test_trend_slope_and_interval_match_statsmodels_ols() -> None:
    noise = [0.3, -0.2, 0.1, -0.4, 0.2, 0.0, -0.1, 0.3, -0.2, 0.1]
    means: list[float | None] = [6 - 0.1 * i + noise[i] for i in range(10)]
    means[3] = None  # a week without cramps is left out, not counted as 0
    trend = weekly_trend(_weeks(means), "severity")
    x = np.array([i for i, m in enumerate(means) if m is not None], dtype=float)
    y = np.array([m for m in means if m is not None])
    direct = OLS(y, np.column_stack([np.ones_like(x), x])).fit()
    assert trend.weeks == 9
    assert trend.span_weeks == 9
    assert trend.slope_per_week == pytest.approx(direct.params[1], rel=1e-9)
    low, high = direct.conf_int(alpha=0.05)[1]
    assert (trend.low, trend.high) == (pytest.approx(low, rel=1e-9), pytest.approx(high, rel=1e-9))
    assert trend.direction == "down"
    assert trend_reading(trend).startswith("Severity (0-10) went down over 9 weeks with cramps")


def test_a_flat_noisy_trend_is_no_clear_trend_and_few_weeks_give_no_number() -> None:
    flat = weekly_trend(_weeks([5, 6, 5, 6, 5, 6, 5, 6, 5, 6]), "duration_s")
    assert flat.direction == "no clear trend"
    assert trend_reading(flat).startswith("Cramp length: no clear trend over 10 weeks")
    few = weekly_trend(_weeks([5, 6, 5, None, 6, 5, 6]), "severity")
    assert (few.slope_per_week, few.low, few.high, few.direction) == (None, None, None, None)
    assert trend_reading(few) == (
        "Severity (0-10): not enough data for a trend: 6 weeks with cramps; at least 8 are needed."
    )


# --- readings --------------------------------------------------------------------------


def _rr(ratio: float, low: float, high: float, verdict: str) -> RateRatio:
    return RateRatio(
        routine_nights=100,
        other_nights=100,
        routine_cramps=50,
        other_cramps=80,
        routine_rate=0.5,
        other_rate=0.8,
        ratio=ratio,
        low=low,
        high=high,
        verdict=verdict,  # type: ignore[arg-type]
        model="poisson",
        model_reason="",
        dispersion=1.0,
        reason=None,
    )


def test_readings_never_overstate() -> None:
    assert rate_ratio_reading(_rr(0.62, 0.41, 0.93, "fewer")) == (
        "On nights with the routine you logged 0.62 times as many cramps as on nights "
        "without it (95% interval 0.41 to 0.93). This is an observational comparison, not "
        "proof: the nights you chose to do the routine may differ from the others in other ways."
    )
    crossing = rate_ratio_reading(_rr(0.9, 0.7, 1.15, "no clear difference"))
    assert crossing.startswith("No clear difference: on nights with the routine you logged 0.90")
    assert "includes 1" in crossing
    more = rate_ratio_reading(_rr(1.5, 1.1, 2.0, "more"))
    assert "does not show that the routine causes cramps" in more
    assert rate_ratio_reading(_rr(0.62, 0.41, 0.93, "fewer"), randomised=True) == (
        "In the routine blocks you logged 0.62 times as many cramps a night as in the "
        "no-routine blocks (95% interval 0.41 to 0.93): fewer cramps with the routine."
    )


# --- routine nights, the generated diary, speed ----------------------------------------


def test_only_completed_preventive_sessions_make_routine_nights() -> None:
    history = generate_history(nights=120, seed=3)
    nights = preventive_routine_nights(history.sessions)
    completed = [s for s in history.sessions if s.record.completed]
    bedtime = {s.night for s in completed if s.record.mode == "bedtime"}
    cramp_now = {s.night for s in history.sessions if s.record.mode == "cramp-now"}
    assert nights == bedtime
    assert cramp_now - bedtime  # the generated diary has cramp-now-only nights, left out


def test_ten_years_of_diary_take_well_under_a_second() -> None:
    history = planted_history(3650, seed=9, base_rate=1.0, rate_ratio=0.6, overdispersion=0.5)
    assert len(history.episodes) > 2500
    args = (history.episodes, history.routine_nights)
    span = {"first_night": history.first_night, "last_night": history.last_night}
    summarize_diary(*args, **span)  # the first call also imports statsmodels
    started = time.perf_counter()
    insights = summarize_diary(*args, **span)
    assert time.perf_counter() - started < 0.5
    assert insights.nights == 3650
    assert insights.routine_vs_other.model == "negative binomial"
    assert insights.severity_trend.reason is None  # weekly means over 520 weeks
    assert insights.duration_trend.slope_per_week is not None


# -- issue 16, item 7: unknown lengths and tags ----------------------------------------------
def test_cramps_of_unknown_length_are_left_out_of_the_length_means() -> None:
    first = date(2026, 3, 2)  # a Monday
    episodes = [
        _episode(datetime(2026, 3, 3, 2, 0), duration_s=120),
        _episode(datetime(2026, 3, 4, 2, 0), duration_s=None),
        _episode(datetime(2026, 3, 5, 2, 0), duration_s=240),
    ]
    summary = summarize_diary(episodes, set(), first_night=first, last_night=first + timedelta(6))
    (week,) = summary.weeks
    assert week.cramps == 3
    assert week.mean_duration_s == 180.0  # (120 + 240) / 2, not / 3


def test_tags_are_counted_by_cramp_night_with_no_claim_of_cause() -> None:
    first = date(2026, 3, 2)
    tagged = [
        (datetime(2026, 3, 3, 2, 0), ["wine", "hard exercise"]),
        (datetime(2026, 3, 3, 4, 0), ["wine"]),  # the same night
        (datetime(2026, 3, 5, 2, 0), ["hard exercise"]),
        (datetime(2026, 3, 6, 2, 0), ["hard exercise"]),
    ]
    episodes = [_episode(local).model_copy(update={"tags": tags}) for local, tags in tagged]
    summary = summarize_diary(episodes, set(), first_night=first, last_night=first + timedelta(6))
    assert [(t.tag, t.nights, t.cramps) for t in summary.tags] == [
        ("hard exercise", 3, 3),
        ("wine", 1, 2),
    ]
