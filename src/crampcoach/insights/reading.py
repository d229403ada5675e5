"""Plain-language readings of the numbers. They never claim more than the numbers show:
no number when there is too little data (no rate below `rates.MIN_RATE_NIGHTS`),
"no clear difference" when an interval includes no change, and an observational
comparison is never called proof. The web page, the PDF report and the terminal take
their sentences from here, so they say the same thing in the same words.
"""

from __future__ import annotations

import math
from datetime import date

from crampcoach.insights.rate_ratio import RateRatio
from crampcoach.insights.rates import has_rate, rate_needs, rates
from crampcoach.insights.trends import Trend
from crampcoach.plurals import count_of

YEARLY_FROM_WEEKS = 26  # trends over half a year or more are read per year, not per week
OBSERVATIONAL = (
    "This is an observational comparison, not proof: the nights you chose to do the "
    "routine may differ from the others in other ways."
)
REVERSE_CAUSE = (
    "This does not show that the routine causes cramps: people often do it on nights "
    "when cramps are already bad."
)


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MIN_PEAK_CRAMPS = 2  # "most often" needs at least two cramps in the same hour
PARTIAL_NOTE = "Outlined bars: weeks the diary covers only in part, counted as they are."


def day(d: date) -> str:
    """'1 Nov 2026': unambiguous in any country, whatever the locale."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def weekday(d: date) -> str:
    """'Thu 4 Jun 2026'."""
    return f"{WEEKDAYS[d.weekday()]} {day(d)}"


def period_text(first: date, last: date, nights: int) -> str:
    """'Nights 1 Nov 2024 to 31 Oct 2026 (730 nights)'."""
    return f"Nights {day(first)} to {day(last)} ({count_of(nights, 'night')})"


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
    over = f"over {count_of(trend.weeks, 'week')} with cramps"
    if trend.direction == "no clear trend":
        return f"{name}: no clear trend {over} ({change})."
    went = "went up" if trend.direction == "up" else "went down"
    return f"{name} {went} {over} ({change})."


def counts_headline(nights: int, cramps: int, nights_with_cramps: int) -> str:
    """The cramps over the nights covered, as the page, the report and the terminal say
    it: counts always, and a rate only from `MIN_RATE_NIGHTS` nights on.

    '6 cramps on 5 of 14 nights: 0.43 a night, about 3.0 a week', or below the minimum
    '2 cramps on 2 nights logged so far; a rate per night or per week needs at least 14
    nights'."""
    if cramps == 0:
        said = f"No cramps logged over {count_of(nights, 'night')}"
        return said if has_rate(nights) else f"{said} so far; {rate_needs()}"
    on = (
        f"on {count_of(nights, 'night')}"
        if nights_with_cramps == nights
        else f"on {nights_with_cramps} of {count_of(nights, 'night')}"
    )
    per_night, per_week = rates(cramps, nights)
    if per_night is None or per_week is None:
        return f"{count_of(cramps, 'cramp')} {on} logged so far; {rate_needs()}"
    return (
        f"{count_of(cramps, 'cramp')} {on}: {number(per_night)} a night, "
        f"about {number(per_week)} a week"
    )


def frequency_reading(nights: int, cramps: int, nights_with_cramps: int) -> str:
    """`counts_headline` as a sentence."""
    return f"{counts_headline(nights, cramps, nights_with_cramps)}."


def adherence_reading(nights: int, routine_nights: int) -> str:
    share = routine_nights / nights
    return (
        f"You completed the routine on {routine_nights} of {count_of(nights, 'night')} "
        f"({share:.0%})."
    )


def peak_hour_reading(hour: int | None, cramps_then: int, cramps: int) -> str | None:
    """When cramps began most often; None without cramps, and None while no hour holds
    `MIN_PEAK_CRAMPS` (one cramp in an hour is not "most often")."""
    if hour is None or cramps_then < MIN_PEAK_CRAMPS:
        return None
    return (
        f"Cramps began most often between {hour:02d}:00 and {(hour + 1) % 24:02d}:00 "
        f"({cramps_then} of {cramps})."
    )
