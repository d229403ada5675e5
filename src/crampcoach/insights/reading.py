"""Plain-language readings of the numbers. They never claim more than the numbers show:
no number when there is too little data, "no clear difference" when an interval
includes no change, and an observational comparison is never called proof.
"""

from __future__ import annotations

import math

from crampcoach.insights.rate_ratio import RateRatio
from crampcoach.insights.trends import Trend

YEARLY_FROM_WEEKS = 26  # trends over half a year or more are read per year, not per week
OBSERVATIONAL = (
    "This is an observational comparison, not proof: the nights you chose to do the "
    "routine may differ from the others in other ways."
)
REVERSE_CAUSE = (
    "This does not show that the routine causes cramps: people often do it on nights "
    "when cramps are already bad."
)


def count_of(n: int, word: str) -> str:
    """'1 cramp', '3 cramps'."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def number(value: float) -> str:
    """A number with two significant digits, at most (never in scientific notation)."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    size = abs(value)
    decimals = 0 if size >= 10 else max(1, 1 - math.floor(math.log10(size)))
    return f"{value:.{decimals}f}"


def _capital(text: str) -> str:
    return text[0].upper() + text[1:]


def rate_ratio_reading(rr: RateRatio, *, randomised: bool = False) -> str:
    """The routine-versus-other comparison in words; `randomised` for a trial's blocks."""
    if rr.reason is not None or rr.ratio is None:
        return rr.reason or "No comparison could be made."
    interval = f"95% interval {rr.low:.2f} to {rr.high:.2f}"
    if randomised:
        said = (
            f"in the routine blocks you logged {rr.ratio:.2f} times as many cramps a night "
            f"as in the no-routine blocks ({interval})"
        )
        if rr.verdict == "no clear difference":
            return f"No clear difference: {said}; the interval includes 1 (no difference)."
        return f"{_capital(said)}: {rr.verdict} cramps with the routine."
    said = (
        f"on nights with the routine you logged {rr.ratio:.2f} times as many cramps as on "
        "nights without it"
    )
    if rr.verdict == "no clear difference":
        return (
            f"No clear difference: {said}, but the {interval} includes 1 (no difference). "
            f"{OBSERVATIONAL}"
        )
    if rr.verdict == "more":
        return f"{_capital(said)} ({interval}). {REVERSE_CAUSE} {OBSERVATIONAL}"
    return f"{_capital(said)} ({interval}). {OBSERVATIONAL}"


def trend_reading(trend: Trend) -> str:
    """The severity or duration trend in words."""
    name = "Severity (0-10)" if trend.measure == "severity" else "Cramp length"
    unit = "points" if trend.measure == "severity" else "seconds"
    if trend.reason is not None or trend.slope_per_week is None:
        reason = trend.reason or "no trend could be computed."
        return f"{name}: {reason[0].lower()}{reason[1:]}"
    assert trend.low is not None and trend.high is not None
    yearly = trend.span_weeks >= YEARLY_FROM_WEEKS
    per, scale = ("a year", 365.25 / 7) if yearly else ("a week", 1.0)
    change = (
        f"a change of {number(trend.slope_per_week * scale)} {unit} {per}, 95% interval "
        f"{number(trend.low * scale)} to {number(trend.high * scale)}"
    )
    over = f"over {trend.weeks} weeks with cramps"
    if trend.direction == "no clear trend":
        return f"{name}: no clear trend {over} ({change})."
    went = "went up" if trend.direction == "up" else "went down"
    return f"{name} {went} {over} ({change})."


def frequency_reading(nights: int, cramps: int, nights_with_cramps: int) -> str:
    if cramps == 0:
        return f"Over {count_of(nights, 'night')} you logged no cramps."
    per_night = cramps / nights
    return (
        f"Over {count_of(nights, 'night')} you logged {count_of(cramps, 'cramp')}: "
        f"{number(per_night)} a night, about {number(per_night * 7)} a week; "
        f"{count_of(nights_with_cramps, 'night')} had at least one."
    )


def adherence_reading(nights: int, routine_nights: int) -> str:
    share = routine_nights / nights
    return (
        f"You completed the routine on {routine_nights} of {count_of(nights, 'night')} "
        f"({share:.0%})."
    )


def peak_hour_reading(hour: int | None, cramps_then: int, cramps: int) -> str | None:
    if hour is None:
        return None
    return (
        f"Cramps began most often between {hour:02d}:00 and {(hour + 1) % 24:02d}:00 "
        f"({cramps_then} of {cramps})."
    )
